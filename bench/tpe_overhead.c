/* bench/tpe_overhead: TPE's cost per trial (ask + 10 suggests + tell) on the
 * 10-D sphere after n finished trials, in multivariate (the default) and
 * univariate mode. The history is filled with otto_study_add_trial (uniform
 * points), then 20 further trials are timed; the median is printed.
 *   usage: tpe_overhead [n ...]   (default 100 1000 5000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <otto/otto.h>

#include "bench_util.h"

#define DIM 10

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

static double per_trial_ms(int multivariate, long n)
{
    otto_tpe_options to;
    otto_tpe_options_init(&to);
    to.seed = 1;
    to.multivariate = multivariate;
    to.group = multivariate;
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    if (otto_sampler_tpe_create(&to, &so.sampler))
        return -1;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return -1;
    otto_space *sp;
    otto_space_create(&sp);
    for (int d = 0; d < DIM; d++)
        otto_space_add_float(sp, names[d], -5, 5, 0, 0);
    srand(1);
    for (long i = 0; i < n; i++) {
        double x[DIM], f = 0;
        for (int d = 0; d < DIM; d++) {
            x[d] = -5 + 10.0 * rand() / RAND_MAX;
            f += x[d] * x[d];
        }
        if (otto_study_add_trial(s, sp, x, OTTO_TRIAL_COMPLETE, &f, 1, NULL))
            return -1;
    }
    enum { REPS = 21 };
    double ms[REPS];
    for (int r = 0; r < REPS; r++) {
        double t0 = bench_now(), f = 0;
        otto_trial *t;
        if (otto_study_ask(s, &t))
            return -1;
        for (int d = 0; d < DIM; d++) {
            double x;
            if (otto_trial_suggest_float(t, names[d], -5, 5, 0, 0, &x))
                return -1;
            f += x * x;
        }
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1);
        ms[r] = (bench_now() - t0) * 1e3;
    }
    qsort(ms, REPS, sizeof ms[0], bench_cmp_double);
    otto_space_destroy(sp);
    otto_study_destroy(s);
    return ms[REPS / 2];
}

int main(int argc, char **argv)
{
    long sizes[16] = {100, 1000, 5000};
    int n_sizes = 3;
    if (argc > 1) {
        n_sizes = 0;
        for (int i = 1; i < argc && n_sizes < 16; i++)
            sizes[n_sizes++] = atol(argv[i]);
    }
    printf("TPE, 10-D sphere, ms per trial (ask + 10 suggests + tell), median of 21\n");
    printf("%8s %14s %14s\n", "history", "multivariate", "univariate");
    for (int i = 0; i < n_sizes; i++)
        printf("%8ld %14.4f %14.4f\n", sizes[i], per_trial_ms(1, sizes[i]),
               per_trial_ms(0, sizes[i]));
    return 0;
}
