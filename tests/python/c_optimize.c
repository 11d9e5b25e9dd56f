/* A C program for test_optimize_loop.py: runs one seeded objective through
 * otto_study_optimize and prints every trial, so the test can check that
 * Python's Study.optimize (which drives the same C loop) gives the same trial
 * sequence. Trials 6, 13, ... are pruned after one report and 10, 21, ...
 * fail, so every way a trial ends is compared.
 *   c_optimize random|tpe|grid SEED N_TRIALS N_THREADS
 * prints "number state value param..." per trial (%.17g), exit 0 on success. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otto/otto.h>

static const char *const cs[3] = {"a", "b", "c"};

static otto_trial_state mixed(otto_trial *t, void *ud, double *out, size_t n)
{
    (void)ud;
    (void)n;
    double x, lr;
    int64_t k;
    size_t c;
    if (otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x) ||
        otto_trial_suggest_int(t, "k", 0, 10, 1, 0, &k) ||
        otto_trial_suggest_categorical(t, "c", cs, 3, &c) ||
        otto_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, OTTO_LOG, &lr))
        return (otto_trial_state)-1; /* unexpected: the test sees a FAIL */
    double v = (x - 1) * (x - 1) + 0.1 * (double)k + (double)c + lr;
    int64_t number = otto_trial_number(t);
    if (number % 7 == 6) {
        otto_trial_report(t, 0, v + 100);
        return OTTO_TRIAL_PRUNED;
    }
    if (number % 11 == 10)
        return OTTO_TRIAL_FAIL;
    out[0] = v;
    return OTTO_TRIAL_COMPLETE;
}

static const char *const labels[2] = {"a", "b"};

static otto_trial_state on_grid(otto_trial *t, void *ud, double *out, size_t n)
{
    (void)ud;
    (void)n;
    double x;
    size_t c;
    if (otto_trial_suggest_float(t, "x", -2, 2, 0, 0, &x) ||
        otto_trial_suggest_categorical(t, "c", labels, 2, &c))
        return (otto_trial_state)-1;
    out[0] = x + (double)c;
    return OTTO_TRIAL_COMPLETE;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "c_optimize: %s: %s: %s\n", what, otto_status_name(rc),
            otto_last_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    const char *kind = argv[1];
    uint64_t seed = strtoull(argv[2], NULL, 10);
    int grid = strcmp(kind, "grid") == 0;
    otto_study_options so;
    otto_study_options_init(&so);
    int rc;
    if (strcmp(kind, "random") == 0) {
        otto_random_options o;
        otto_random_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_random_create(&o, &so.sampler);
    } else if (strcmp(kind, "tpe") == 0) {
        otto_tpe_options o;
        otto_tpe_options_init(&o);
        o.seed = seed;
        rc = otto_sampler_tpe_create(&o, &so.sampler);
    } else if (grid) {
        /* the labels Python's GridSampler gives these values (otto/space.h) */
        static const otto_param_value xs[3] = {
            {NULL, OTTO_VALUE_ANY, -1.0, OTTO_LABEL_TYPED "f:-1.0"},
            {NULL, OTTO_VALUE_ANY, 0.0, OTTO_LABEL_TYPED "f:0.0"},
            {NULL, OTTO_VALUE_ANY, 1.5, OTTO_LABEL_TYPED "f:1.5"}};
        static const otto_param_value ls[2] = {{NULL, OTTO_VALUE_LABEL, 0, "a"},
                                               {NULL, OTTO_VALUE_LABEL, 0, "b"}};
        otto_grid_axis axes[2] = {{"x", 3, xs}, {"c", 2, ls}};
        otto_grid_options o;
        otto_grid_options_init(&o);
        o.seed = seed;
        o.n_axes = 2;
        o.axes = axes;
        rc = otto_sampler_grid_create(&o, &so.sampler);
    } else {
        return 2;
    }
    if (rc)
        return fail("sampler", rc);
    otto_study *s;
    if ((rc = otto_study_create(&so, &s)))
        return fail("study_create", rc);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = atoll(argv[3]);
    oo.n_threads = atoi(argv[4]);
    if ((rc = otto_study_optimize(s, grid ? on_grid : mixed, NULL, &oo)))
        return fail("optimize", rc);
    for (size_t i = 0; i < otto_study_trial_count(s); i++) {
        const otto_trial *t;
        double v = NAN, x;
        size_t c;
        if ((rc = otto_study_trial(s, (int64_t)i, &t)))
            return fail("trial", rc);
        otto_trial_state st = otto_trial_get_state(t);
        if (st != OTTO_TRIAL_FAIL)
            otto_trial_value(t, &v);
        printf("%zu %d %.17g", i, (int)st, v);
        if (otto_trial_param_float(t, "x", &x) || otto_trial_param_index(t, "c", &c))
            return fail("params", OTTO_ENOTFOUND);
        printf(" %.17g %zu", x, c);
        if (!grid) {
            int64_t k;
            double lr;
            if (otto_trial_param_int(t, "k", &k) || otto_trial_param_float(t, "lr", &lr))
                return fail("params", OTTO_ENOTFOUND);
            printf(" %lld %.17g", (long long)k, lr);
        }
        printf("\n");
    }
    otto_study_destroy(s);
    return 0;
}
