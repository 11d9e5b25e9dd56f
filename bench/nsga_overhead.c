/* bench/nsga_overhead: the cost of an NSGA-II ask (otto_study_ask plus six
 * suggests) on ZDT1 once a study holds 200 and 1000 trials, next to the
 * random sampler's (the core's share). Each figure is the median, mean and
 * maximum over the next 200 asks (each told before the next; the maximum
 * includes the parent selection that opens a generation).
 *   usage: nsga_overhead [repeats]   (default 5: medians of the figures) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

#define NV 6
#define TIMED 200

static int run(int sampler, long before, double *median, double *mean, double *max)
{
    static const otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MINIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.n_objectives = 2;
    so.directions = dirs;
    int rc = OTTO_OK;
    if (sampler == 0) {
        rc = otto_sampler_random_create(NULL, &so.sampler);
    } else if (sampler == 1) {
        rc = otto_sampler_nsga2_create(NULL, &so.sampler);
    } else {
        otto_nsga3_options o;
        otto_nsga3_options_init(&o);
        rc = otto_sampler_nsga3_create(&o, &so.sampler);
    }
    otto_study *s;
    if (rc || otto_study_create(&so, &s))
        return -1;
    double times[TIMED];
    for (long i = 0; i < before + TIMED; i++) {
        double t0 = bench_now(), x[NV], f[2], g = 0;
        otto_trial *t;
        if (otto_study_ask(s, &t))
            return -1;
        for (int d = 0; d < NV; d++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", d);
            otto_trial_suggest_float(t, name, 0, 1, 0, 0, &x[d]);
        }
        if (i >= before)
            times[i - before] = (bench_now() - t0) * 1e6;
        for (int d = 1; d < NV; d++)
            g += x[d];
        g = 1 + 9 * g / (NV - 1);
        f[0] = x[0];
        f[1] = g * (1 - sqrt(x[0] / g));
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, f, 2);
    }
    otto_study_destroy(s);
    *mean = 0;
    for (int i = 0; i < TIMED; i++)
        *mean += times[i] / TIMED;
    qsort(times, TIMED, sizeof *times, bench_cmp_double);
    *median = times[TIMED / 2];
    *max = times[TIMED - 1];
    return 0;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 5;
    if (repeats < 1 || repeats > 100)
        repeats = 5;
    const char *label[3] = {"random (core only)", "nsga2 (population 50)", "nsga3 (population 50)"};
    printf("%-24s %8s %24s\n", "ask + 6 suggests, us", "trials", "median   mean    max");
    for (int k = 0; k < 3; k++)
        for (long before = 200; before <= 1000; before += 800) {
            double med[100], mean[100], max[100];
            for (int r = 0; r < repeats; r++)
                if (run(k, before, &med[r], &mean[r], &max[r]))
                    return 1;
            qsort(med, (size_t)repeats, sizeof *med, bench_cmp_double);
            qsort(mean, (size_t)repeats, sizeof *mean, bench_cmp_double);
            qsort(max, (size_t)repeats, sizeof *max, bench_cmp_double);
            printf("%-24s %8ld %8.2f %7.2f %7.1f\n", label[k], before, med[repeats / 2],
                   mean[repeats / 2], max[repeats / 2]);
        }
    return 0;
}
