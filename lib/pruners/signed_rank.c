/* The one-sided Wilcoxon signed-rank test (see signed_rank.h). Ranks of |d|
 * are 1-based with ties given their average rank; zero differences are
 * ranked too and their rank sum split evenly between the two signs
 * (Pratt's "zsplit"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "signed_rank.h"

#define EXACT_MAX 50

static int by_abs(const void *x, const void *y)
{
    double a = fabs(*(const double *)x), b = fabs(*(const double *)y);
    return (a > b) - (a < b);
}

/* P(T+ <= t) or P(T+ >= t) under the null for n distinct nonzero ranks:
 * T+ is the sum of a uniformly random subset of {1..n}. */
static double exact_tail(size_t n, long t, int upper)
{
    size_t max = n * (n + 1) / 2;
    double count[EXACT_MAX * (EXACT_MAX + 1) / 2 + 1];
    memset(count, 0, (max + 1) * sizeof *count);
    count[0] = 1; /* subsets by sum; at most C(50, 25) < 2^53 each: exact */
    for (size_t k = 1; k <= n; k++)
        for (size_t s = max; s >= k; s--)
            count[s] += count[s - k];
    double total = ldexp(1.0, (int)n), tail = 0;
    for (size_t s = 0; s <= max; s++)
        if (upper ? (long)s >= t : (long)s <= t)
            tail += count[s];
    return tail / total;
}

double otto__signed_rank_p(const double *d, size_t n, int greater, double *work)
{
    if (n == 0)
        return NAN;
    double *sorted = work, *rank = work + n;
    memcpy(sorted, d, n * sizeof *d);
    qsort(sorted, n, sizeof *sorted, by_abs);
    double r_plus = 0, tie_term = 0;
    size_t n_zero = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && fabs(sorted[j + 1]) == fabs(sorted[i]))
            j++;
        double avg = 0.5 * (double)(i + j) + 1, t = (double)(j - i + 1);
        for (size_t k = i; k <= j; k++) {
            rank[k] = avg;
            if (sorted[k] > 0)
                r_plus += avg;
            else if (sorted[k] == 0) {
                r_plus += 0.5 * avg;
                n_zero++;
            }
        }
        tie_term += t * (t * t - 1);
        i = j + 1;
    }
    if (n <= EXACT_MAX && n_zero == 0) /* ties keep the exact path, t+ truncated as scipy */
        return exact_tail(n, (long)floor(r_plus), greater);
    double nn = (double)n;
    double mean = nn * (nn + 1) / 4;
    double var = (nn * (nn + 1) * (2 * nn + 1) - 0.5 * tie_term) / 24;
    if (!(var > 0))
        return 1.0; /* every difference zero: nothing leans anywhere */
    double z = (r_plus - mean) / sqrt(var);
    return greater ? 0.5 * erfc(z / sqrt(2.0)) : 0.5 * erfc(-z / sqrt(2.0));
}
