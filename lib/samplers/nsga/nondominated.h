/* Non-dominated sorting (Pareto ranks) of points whose objectives are all
 * minimized, with Optuna's constrained variant: for NSGA-II/III and any
 * sampler that needs Pareto fronts. */
#ifndef OTTO_NSGA_NONDOMINATED_H
#define OTTO_NSGA_NONDOMINATED_H

#include <stddef.h>

#include "common/common.h"
#include "numeric/dominance.h" /* otto__dominates_min */

/* rank[i] = the front of point i (0: non-dominated) among n points of m
 * minimized objectives, f row-major (n x m). Equal points share a front.
 * penalty: NULL, or n constraint violations (sum of positive constraint
 * values): feasible points (penalty <= 0) are ranked among themselves
 * first, then infeasible ones after them by increasing penalty (equal
 * penalties share a front), as Optuna's _fast_non_domination_rank.
 * Two objectives take an O(n log n) sort-and-sweep, more the fast
 * non-dominated sort (O(m n^2)). Returns the number of fronts, or 0 with
 * OTTO_ENOMEM in *rc when scratch memory ran out. */
size_t otto__nondominated_rank(const double *f, size_t n, size_t m, const double *penalty,
                               const otto_allocator *a, size_t *rank, int *rc);

#endif /* OTTO_NSGA_NONDOMINATED_H */
