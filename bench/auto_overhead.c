/* bench/auto_overhead: the auto sampler's cost per trial (ask + 10 suggests
 * + tell) on the 10-D sphere, in a plain ask/tell loop where it builds its
 * own history: the mean over each window of 20 trials ending at 50, 100,
 * 200, 250 (the end of the GP phase), 300 and 500, and which sampler served
 * the window's last trial.
 *   usage: auto_overhead [n_trials]   (default 500) */
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

#define DIM 10

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 500;
    static const long marks[] = {50, 100, 200, 250, 300, 500, 1000};
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    if (otto_sampler_auto_create(NULL, &so.sampler))
        return 1;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return 1;
    printf("auto sampler, 10-D sphere, ask/tell loop: mean ms per trial over the 20 trials "
           "ending at\n%8s %10s  %s\n", "trial", "ms", "sampler");
    double t0 = 0;
    for (long i = 1; i <= n; i++) {
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
            if (i == marks[m] - 19)
                t0 = bench_now();
        otto_trial *t;
        double f = 0;
        if (otto_study_ask(s, &t))
            return 1;
        for (int d = 0; d < DIM; d++) {
            double x;
            if (otto_trial_suggest_float(t, names[d], -5, 5, 0, 0, &x))
                return 1;
            f += (x - 1) * (x - 1);
        }
        if (otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1))
            return 1;
        for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
            if (i == marks[m]) {
                const char *used = "?";
                otto_trial_system_attr(t, "auto:sampler", &used);
                printf("%8ld %10.3f  %s\n", i, (bench_now() - t0) * 1e3 / 20, used);
                fflush(stdout);
            }
    }
    otto_study_destroy(s);
    return 0;
}
