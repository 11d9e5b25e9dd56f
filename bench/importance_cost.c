/* bench/importance_cost: the time of otto_study_param_importances on n
 * random trials of a 10-param weighted sphere (param i weighs (i+1)^2), for
 * fANOVA (64 trees) and PED-ANOVA; the median of 5 runs each.
 *   usage: importance_cost [n ...]   (default 1000 10000) */
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

#include "bench_util.h"

#define DIM 10

static otto_study *random_study(int n)
{
    static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    if (otto_sampler_random_create(NULL, &so.sampler))
        return NULL;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return NULL;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double f = 0, x;
        otto_study_ask(s, &t);
        for (int d = 0; d < DIM; d++) {
            otto_trial_suggest_float(t, names[d], -1, 1, 0, 0, &x);
            f += (d + 1.0) * (d + 1.0) * x * x;
        }
        otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1);
    }
    return s;
}

static double median_ms(otto_study *s, otto_importance_evaluator ev, const char **top)
{
    double ms[5];
    for (int r = 0; r < 5; r++) {
        otto_importance_options o;
        otto_importance_options_init(&o);
        o.evaluator = ev;
        otto_param_importance *imp;
        size_t n;
        double t0 = bench_now();
        if (otto_study_param_importances(s, &o, &imp, &n)) {
            fprintf(stderr, "importance: %s\n", otto_last_error_message());
            exit(1);
        }
        ms[r] = (bench_now() - t0) * 1e3;
        *top = n ? (imp[0].name[1] == '9' ? "x9" : "not x9") : "none";
        otto_param_importances_free(imp);
    }
    qsort(ms, 5, sizeof ms[0], bench_cmp_double);
    return ms[2];
}

int main(int argc, char **argv)
{
    int defaults[] = {1000, 10000};
    int count = argc > 1 ? argc - 1 : 2;
    printf("param importance, %d params of a weighted sphere, random trials: median ms of 5\n",
           DIM);
    printf("%8s %12s %12s  %s\n", "trials", "fANOVA", "PED-ANOVA", "most important");
    for (int i = 0; i < count; i++) {
        int n = argc > 1 ? atoi(argv[i + 1]) : defaults[i];
        otto_study *s = random_study(n);
        if (!s)
            return 1;
        const char *top_f, *top_p;
        double f = median_ms(s, OTTO_IMPORTANCE_FANOVA, &top_f);
        double p = median_ms(s, OTTO_IMPORTANCE_PED_ANOVA, &top_p);
        printf("%8d %12.1f %12.2f  %s / %s\n", n, f, p, top_f, top_p);
        otto_study_destroy(s);
    }
    return 0;
}
