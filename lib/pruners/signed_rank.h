/* The one-sided Wilcoxon signed-rank test on paired differences, as scipy's
 * wilcoxon(d, alternative, zero_method="zsplit") computes it: the exact null
 * distribution for n <= 50 differences without zeros, the normal
 * approximation (tie-corrected, no continuity correction) otherwise. */
#ifndef OTTO_PRUNERS_SIGNED_RANK_H
#define OTTO_PRUNERS_SIGNED_RANK_H

#include <stddef.h>

/* The p-value that the differences d[0..n) lean positive (greater = 1: the
 * alternative "greater") or negative (greater = 0: "less"). work holds 2n
 * doubles. NaN when n is 0. */
double otto__signed_rank_p(const double *d, size_t n, int greater, double *work);

#endif /* OTTO_PRUNERS_SIGNED_RANK_H */
