/* bench/tpe_overhead: TPE's cost per trial (ask + 10 suggests + tell) on the
 * 10-D sphere after n finished trials: multivariate with otto's defaults,
 * multivariate with Optuna's candidate count and gamma (24, 10%), and
 * univariate. The history is filled with otto_study_add_trial (uniform
 * points), then 21 further trials are timed; the median is printed.
 * With --loop N, a plain ask/tell loop of N trials where TPE builds its own
 * history instead: the mean time per trial over each window of 100 trials
 * ending at 1k, 5k, 10k, 20k (as far as N reaches).
 *   usage: tpe_overhead [n ...]   (default 100 1000 5000)
 *          tpe_overhead --loop N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otto/otto.h>

#include "bench_util.h"

#define DIM 10

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

enum mode { OTTO_DEFAULTS, OPTUNA_SETTINGS, UNIVARIATE };

static otto_study *make_study(enum mode m)
{
    otto_tpe_options to;
    otto_tpe_options_init(&to);
    to.seed = 1;
    if (m == OPTUNA_SETTINGS) {
        to.n_ei_candidates = 24;
        to.gamma_fraction = 0.1;
    }
    if (m == UNIVARIATE)
        to.multivariate = 0;
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    otto_study *s = NULL;
    if (otto_sampler_tpe_create(&to, &so.sampler) || otto_study_create(&so, &s))
        return NULL;
    return s;
}

static int one_trial(otto_study *s)
{
    double f = 0;
    otto_trial *t;
    if (otto_study_ask(s, &t))
        return -1;
    for (int d = 0; d < DIM; d++) {
        double x;
        if (otto_trial_suggest_float(t, names[d], -5, 5, 0, 0, &x))
            return -1;
        f += x * x;
    }
    return otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1);
}

static double per_trial_ms(enum mode m, long n)
{
    otto_study *s = make_study(m);
    if (!s)
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
        double t0 = bench_now();
        if (one_trial(s))
            return -1;
        ms[r] = (bench_now() - t0) * 1e3;
    }
    qsort(ms, REPS, sizeof ms[0], bench_cmp_double);
    otto_space_destroy(sp);
    otto_study_destroy(s);
    return ms[REPS / 2];
}

static int loop(long n)
{
    static const long marks[] = {1000, 5000, 10000, 20000, 50000};
    printf("TPE (otto's defaults), 10-D sphere, plain ask/tell loop: mean ms per trial\n"
           "over the 100 trials ending at\n");
    otto_study *s = make_study(OTTO_DEFAULTS);
    if (!s)
        return 1;
    double t0 = 0;
    for (long i = 1; i <= n; i++) {
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
            if (i == marks[m] - 99)
                t0 = bench_now();
        if (one_trial(s))
            return 1;
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
            if (i == marks[m]) {
                printf("%8ld %10.4f\n", i, (bench_now() - t0) * 1e3 / 100);
                fflush(stdout);
            }
    }
    otto_study_destroy(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--loop"))
        return loop(atol(argv[2]));
    long sizes[16] = {100, 1000, 5000};
    int n_sizes = 3;
    if (argc > 1) {
        n_sizes = 0;
        for (int i = 1; i < argc && n_sizes < 16; i++)
            sizes[n_sizes++] = atol(argv[i]);
    }
    printf("TPE, 10-D sphere, ms per trial (ask + 10 suggests + tell), median of 21\n");
    printf("%8s %14s %18s %12s\n", "history", "multivariate", "mv, Optuna's 24", "univariate");
    for (int i = 0; i < n_sizes; i++)
        printf("%8ld %14.4f %18.4f %12.4f\n", sizes[i], per_trial_ms(OTTO_DEFAULTS, sizes[i]),
               per_trial_ms(OPTUNA_SETTINGS, sizes[i]), per_trial_ms(UNIVARIATE, sizes[i]));
    return 0;
}
