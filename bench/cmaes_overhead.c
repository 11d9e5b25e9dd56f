/* bench/cmaes_overhead: CMA-ES cost per trial (ask_with + suggests + tell) on
 * the sphere, at 10-D (full covariance) and 100-D (full and separable), next
 * to the random sampler's cost in the same run (the core's share).
 *   usage: cmaes_overhead [trials]   (default 20000) */
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

enum { RANDOM, FULL, SEP };

static double per_trial_us(int kind, int dim, long trials)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    otto_cmaes_options co;
    otto_cmaes_options_init(&co);
    co.seed = 1;
    co.separable = kind == SEP;
    int rc = kind == RANDOM ? otto_sampler_random_create(NULL, &so.sampler)
                            : otto_sampler_cmaes_create(&co, &so.sampler);
    otto_study *s;
    if (rc || otto_study_create(&so, &s))
        return -1;
    otto_space *sp;
    otto_space_create(&sp);
    char name[16];
    for (int d = 0; d < dim; d++) {
        snprintf(name, sizeof name, "x%d", d);
        otto_space_add_float(sp, name, -5, 5, 0, 0);
    }
    double *x = malloc(dim * sizeof *x), t0 = 0;
    for (long i = 0; i < trials + 100; i++) {
        if (i == 100) /* past the first generations' set-up */
            t0 = bench_now();
        otto_trial *t;
        if (otto_study_ask_with(s, sp, &t))
            return -1;
        double f = 0;
        for (int d = 0; d < dim; d++) { /* ask_with suggested them, in order */
            otto_trial_param_at(t, (size_t)d, NULL, NULL, &x[d]);
            f += (x[d] - 1) * (x[d] - 1);
        }
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1);
    }
    double dt = bench_now() - t0;
    free(x);
    otto_space_destroy(sp);
    otto_study_destroy(s);
    return dt / (double)trials * 1e6;
}

int main(int argc, char **argv)
{
    long trials = argc > 1 ? atol(argv[1]) : 20000;
    printf("%-28s %10s %10s\n", "", "10-D us", "100-D us");
    const char *label[3] = {"random (core only)", "cmaes, full covariance", "cmaes, separable"};
    for (int k = RANDOM; k <= SEP; k++)
        printf("%-28s %10.2f %10.2f\n", label[k], per_trial_us(k, 10, trials),
               per_trial_us(k, 100, trials / 4));
    return 0;
}
