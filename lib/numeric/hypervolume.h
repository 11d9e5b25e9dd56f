/* Exact hypervolume of a point set for minimization: a sort/sweep in 2-D, a
 * dimension sweep over a 2-D staircase in 3-D, and WFG-style exclusive
 * contributions that drop one dimension per level beyond 3-D. */
#ifndef OTTO_NUMERIC_HYPERVOLUME_H
#define OTTO_NUMERIC_HYPERVOLUME_H

#include "common/common.h"

/* Conventions (all of lib/numeric/hypervolume, hssp, box_decomposition):
 * every objective is minimized; points are n rows of m doubles, row-major;
 * the reference point has m finite coordinates. Only points strictly below
 * the reference in every coordinate contribute; dominated and duplicate
 * points are allowed and contribute nothing beyond the others. The volume is
 * +inf when a contributing point has a -inf coordinate. No argument checks
 * (no NaN, m >= 1): otto_hypervolume() checks for the public API. Work
 * memory comes from a; OTTO_ENOMEM when it fails. */
int otto__hypervolume(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, double *out);

/* The same on points the caller lets us reorder and that all lie strictly
 * below the reference (finite): the inner loop of hssp and box tests. */
int otto__hypervolume_inplace(const otto_allocator *a, double *points, size_t n, size_t m,
                              const double *reference, double *out);

/* Product of (reference[k] - point[k]) over k: the volume p dominates
 * alone (0 unless p is strictly below the reference). */
double otto__hypervolume_box(const double *point, size_t m, const double *reference);

#endif /* OTTO_NUMERIC_HYPERVOLUME_H */
