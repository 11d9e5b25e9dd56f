/* bench/prune_cost: the cost of otto_trial_should_prune with a long history:
 * N COMPLETE trials of S steps each (added through the normal API), then the
 * median time of should_prune for a new trial at several steps, for the
 * median and successive-halving pruners.
 *   usage: prune_cost [n_trials] [n_steps]   (default 10000 1000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <otto/otto.h>

#include "bench_util.h"

static void bench(const char *name, otto_pruner *pruner, long n, long steps)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.pruner = pruner;
    otto_sampler_random_create(NULL, &so.sampler);
    otto_study *s;
    if (otto_study_create(&so, &s))
        return;
    double t0 = bench_now();
    for (long i = 0; i < n; i++) {
        otto_trial *t;
        otto_study_ask(s, &t);
        double v = 0;
        for (long k = 0; k < steps; k++) {
            v = 1.0 / (1.0 + (double)k) + (double)(i % 97) / 97.0;
            otto_trial_report(t, k, v);
        }
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1);
    }
    double fill = bench_now() - t0;
    otto_trial *t;
    otto_study_ask(s, &t);
    enum { CHECKS = 200 };
    double us[CHECKS];
    int pruned = 0;
    for (int c = 0; c < CHECKS; c++) {
        long k = c * (steps / CHECKS);
        otto_trial_report(t, k, 0.5 / (1.0 + (double)k) + 0.4);
        double c0 = bench_now();
        int p;
        otto_trial_should_prune(t, &p);
        us[c] = (bench_now() - c0) * 1e6;
        pruned += p;
    }
    /* the first check folds the whole history in; report it apart */
    double first = us[0];
    qsort(us + 1, CHECKS - 1, sizeof us[0], bench_cmp_double);
    printf("%-20s history %ld x %ld steps (filled in %.1f s): first check %.0f us, then median "
           "%.2f us, max %.2f us\n",
           name, n, steps, fill, first, us[CHECKS / 2], us[CHECKS - 1]);
    (void)pruned;
    otto_study_destroy(s);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000, steps = argc > 2 ? atol(argv[2]) : 1000;
    otto_pruner *p;
    otto_pruner_median_create(NULL, &p);
    bench("median", p, n, steps);
    otto_pruner_successive_halving_create(NULL, &p);
    bench("successive halving", p, n, steps);
    return 0;
}
