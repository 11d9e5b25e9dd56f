/* otto/hypervolume.h: the hypervolume indicator of a set of objective
 * vectors (Optuna's optuna._hypervolume.compute_hypervolume), the measure of
 * how much of the objective space a Pareto front dominates. */
#ifndef OTTO_HYPERVOLUME_H
#define OTTO_HYPERVOLUME_H

#include <stddef.h>

#include "alloc.h"
#include "export.h"

OTTO_BEGIN_DECLS

/* Conventions: every objective is minimized (negate maximized ones first);
 * `points` holds n rows of m doubles, row-major; `reference` holds m finite
 * doubles. The result is the Lebesgue measure of the set of vectors y with
 * y < reference that some point weakly dominates (point <= y). Points that
 * are not strictly below the reference in every coordinate contribute
 * nothing; dominated and repeated points are allowed. Points may hold +inf
 * (they then contribute nothing) and -inf (the volume is then +inf).
 * Exact: O(n log n) in 2-D, O(n^2) worst case in 3-D, WFG-style exclusive
 * contributions beyond (exponential in m in the worst case).
 * OTTO_EINVAL (with a message) for a NULL pointer (points may be NULL when
 * n == 0), m == 0, a NaN anywhere or a non-finite reference; OTTO_ENOMEM when
 * work memory fails. Thread-safe: no shared state. */
OTTO_API int otto_hypervolume(const double *points, size_t n, size_t m,
                              const double *reference, double *out);

/* The same with work memory from `allocator` (NULL: the C library's). */
OTTO_API int otto_hypervolume_with(const double *points, size_t n, size_t m,
                                   const double *reference, const otto_allocator *allocator,
                                   double *out);

OTTO_END_DECLS

#endif /* OTTO_HYPERVOLUME_H */
