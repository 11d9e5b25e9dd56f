/* Cost of otto_hypervolume on n points of a concave Pareto front (all
 * mutually non-dominated, sum x_k^2 = 1) in 2-D to 5-D: median of repeated
 * calls. Issue 28's bar: 1,000 points in 3-D under 1 ms.
 *   hypervolume_cost [n=1000] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

static uint64_t state = 12345;

static double unif(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000;
    printf("%-4s %-7s %-12s %-12s %s\n", "m", "n", "median_ms", "min_ms", "volume");
    for (size_t m = 2; m <= 5; m++) {
        double *p = malloc(n * m * sizeof *p), ref[5] = {1.1, 1.1, 1.1, 1.1, 1.1};
        if (!p)
            return 1;
        for (size_t i = 0; i < n; i++) {
            double norm = 0;
            for (size_t k = 0; k < m; k++) {
                p[i * m + k] = unif() + 1e-9; /* a random direction, projected */
                norm += p[i * m + k] * p[i * m + k];
            }
            for (size_t k = 0; k < m; k++)
                p[i * m + k] /= sqrt(norm);
        }
        enum { REPS = 21 };
        double t[REPS], v = 0;
        int reps = m >= 5 ? 3 : REPS;
        for (int r = 0; r < reps; r++) {
            double t0 = bench_now();
            if (otto_hypervolume(p, n, m, ref, &v) != OTTO_OK) {
                fprintf(stderr, "otto_hypervolume: %s\n", otto_last_error_message());
                return 1;
            }
            t[r] = bench_now() - t0;
        }
        qsort(t, (size_t)reps, sizeof t[0], bench_cmp_double);
        printf("%-4zu %-7zu %-12.4f %-12.4f %.10f\n", m, n, 1e3 * t[reps / 2], 1e3 * t[0], v);
        free(p);
    }
    return 0;
}
