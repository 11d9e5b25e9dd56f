/* Pareto dominance between objective vectors that are all minimized: the
 * one definition the hypervolume code, the TPE's and NSGA's Pareto fronts
 * and the hypervolume history share. Inline: they sit in O(n^2) loops. */
#ifndef OTTO_NUMERIC_DOMINANCE_H
#define OTTO_NUMERIC_DOMINANCE_H

#include <stddef.h>

/* 1 when a is no worse than b in every one of the m coordinates. */
static inline int otto__weakly_dominates_min(const double *a, const double *b, size_t m)
{
    for (size_t k = 0; k < m; k++)
        if (a[k] > b[k])
            return 0;
    return 1;
}

/* 1 when a Pareto-dominates b: no worse everywhere, strictly better once. */
static inline int otto__dominates_min(const double *a, const double *b, size_t m)
{
    int better = 0;
    for (size_t k = 0; k < m; k++) {
        if (a[k] > b[k])
            return 0;
        better |= a[k] < b[k];
    }
    return better;
}

#endif /* OTTO_NUMERIC_DOMINANCE_H */
