/* Hypervolume subset selection (HSSP): k of n points whose union dominates
 * the most volume. Exact in 2-D (dynamic programming over the sorted front),
 * lazy greedy from hypervolume contributions otherwise. */
#ifndef OTTO_NUMERIC_HSSP_H
#define OTTO_NUMERIC_HSSP_H

#include "common/common.h"

/* Conventions as in numeric/hypervolume.h (minimization, n rows of m
 * doubles, no NaN, finite reference). Writes k distinct row indices
 * (k <= n) to `selected`, in the order chosen. m == 2: an optimal subset by
 * dynamic programming, O(k n^2) over the non-dominated points strictly below
 * the reference (lazy greedy when k n^2 exceeds 1e7); other m: greedy, each
 * step taking the largest contribution, evaluated lazily (contributions only
 * shrink as the selection grows). When fewer than k points contribute, the
 * rest are the lowest unchosen indices. Ties go to the lower index. */
int otto__hssp_select(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, size_t k, size_t *selected);

/* Greedy selection in any m (lazy: 1, plain: 0, which recomputes every
 * contribution each step), for tests and for callers that want greedy. */
int otto__hssp_greedy(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, size_t k, int lazy, size_t *selected);

/* The hypervolume contribution of each row (the volume it alone dominates
 * within the set) to `contrib` (n doubles). */
int otto__hypervolume_contributions(const otto_allocator *a, const double *points, size_t n,
                                    size_t m, const double *reference, double *contrib);

#endif /* OTTO_NUMERIC_HSSP_H */
