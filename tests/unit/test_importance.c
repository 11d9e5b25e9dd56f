/* Parameter importance (fANOVA and PED-ANOVA): the right order on functions
 * of known structure over many seeds, an interaction attributed to both of
 * its params, reproducibility, normalization, conditional params, and clear
 * errors for bad input. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../common.h"

static const char *const shifts[3] = {"a", "b", "c"};

/* f = 10 x0^2 + x1^2 + 0 x2 + {0, 1.5, 3}[c] on [-1,1]^3: main-effect
 * variances 8.9, 1.5, 0.089 and 0, in the order x0, c, x1, x2. */
static otto_study *separable_study(uint64_t seed, size_t n)
{
    otto_study *s = make_random_study(seed, OTTO_MINIMIZE, NULL);
    for (size_t i = 0; i < n; i++) {
        otto_trial *t;
        double x0, x1, x2;
        size_t c;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x0", -1, 1, 0, 0, &x0));
        assert_ok(otto_trial_suggest_float(t, "x1", -1, 1, 0, 0, &x1));
        assert_ok(otto_trial_suggest_float(t, "x2", -1, 1, 0, 0, &x2));
        assert_ok(otto_trial_suggest_categorical(t, "c", shifts, 3, &c));
        double f = 10 * x0 * x0 + x1 * x1 + 0 * x2 + 1.5 * (double)c;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
    }
    return s;
}

static double importance_of(const otto_param_importance *imp, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(imp[i].name, name) == 0)
            return imp[i].importance;
    fail_msg("no importance for %s", name);
    return -1;
}

/* The importances of a study by one evaluator (4 params, checked). */
static otto_param_importance *ranked(otto_study *s, otto_importance_evaluator ev, uint64_t seed)
{
    otto_importance_options o;
    otto_importance_options_init(&o);
    o.evaluator = ev;
    o.seed = seed;
    otto_param_importance *imp;
    size_t n;
    assert_ok(otto_study_param_importances(s, &o, &imp, &n));
    assert_int_equal(n, 4);
    return imp;
}

static void test_fanova_order(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        otto_study *s = separable_study(seed, 200);
        otto_param_importance *imp = ranked(s, OTTO_IMPORTANCE_FANOVA, seed);
        /* main-effect variances 8.9, 1.5, 0.089 and 0 */
        assert_string_equal(imp[0].name, "x0");
        assert_string_equal(imp[1].name, "c");
        assert_string_equal(imp[2].name, "x1");
        assert_string_equal(imp[3].name, "x2");
        double sum = 0;
        for (size_t i = 0; i < 4; i++)
            sum += imp[i].importance;
        assert_true(fabs(sum - 1) < 1e-12);
        assert_true(imp[0].importance > 0.6);  /* 8.9 of 10.5 of variance: ~0.85 */
        assert_true(imp[3].importance < 0.02); /* measured <= 0.003 */
        otto_param_importances_free(imp);
        otto_study_destroy(s);
    }
}

static void test_ped_anova_order(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        otto_study *s = separable_study(seed, 300);
        otto_param_importance *imp = ranked(s, OTTO_IMPORTANCE_PED_ANOVA, seed);
        /* the top 10% are told apart by x0 first, then c; x1's effect is
         * small there (measured: x1 and x2 swap places in 5 of 10 seeds) */
        assert_string_equal(imp[0].name, "x0");
        assert_true(imp[0].importance > 0.5);
        assert_true(importance_of(imp, 4, "x2") < importance_of(imp, 4, "c"));
        otto_param_importances_free(imp);
        otto_study_destroy(s);
    }
}

/* f = x0 x1 + 0.1 x2 on [0,1]^3: x0 and x1 matter only together, each
 * explaining var(x/2) = 1/48 of main effect, x2 only 1/1200. */
static void test_fanova_interaction(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        otto_study *s = make_random_study(seed, OTTO_MINIMIZE, NULL);
        for (int i = 0; i < 200; i++) {
            otto_trial *t;
            double x0, x1, x2;
            assert_ok(otto_study_ask(s, &t));
            assert_ok(otto_trial_suggest_float(t, "x0", 0, 1, 0, 0, &x0));
            assert_ok(otto_trial_suggest_float(t, "x1", 0, 1, 0, 0, &x1));
            assert_ok(otto_trial_suggest_float(t, "x2", 0, 1, 0, 0, &x2));
            double f = x0 * x1 + 0.1 * x2;
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
        }
        otto_param_importance *imp;
        size_t n;
        assert_ok(otto_study_param_importances(s, NULL, &imp, &n));
        double a = importance_of(imp, n, "x0"), b = importance_of(imp, n, "x1");
        double c = importance_of(imp, n, "x2");
        assert_true(a > 4 * c && b > 4 * c);
        assert_true(a < 2 * b && b < 2 * a);
        otto_param_importances_free(imp);
        otto_study_destroy(s);
    }
}

static void test_reproducible_and_raw(void **state)
{
    (void)state;
    otto_study *s = separable_study(7, 120);
    for (int ev = OTTO_IMPORTANCE_FANOVA; ev <= OTTO_IMPORTANCE_PED_ANOVA; ev++) {
        otto_importance_options o;
        otto_importance_options_init(&o);
        o.evaluator = (otto_importance_evaluator)ev;
        o.seed = 3;
        otto_param_importance *a, *b, *raw;
        size_t na, nb, nr;
        assert_ok(otto_study_param_importances(s, &o, &a, &na));
        assert_ok(otto_study_param_importances(s, &o, &b, &nb));
        o.normalize = 0;
        assert_ok(otto_study_param_importances(s, &o, &raw, &nr));
        assert_int_equal(na, nb);
        double sum = 0;
        for (size_t i = 0; i < na; i++) {
            assert_string_equal(a[i].name, b[i].name);
            assert_true(a[i].importance == b[i].importance);
            sum += raw[i].importance;
        }
        for (size_t i = 0; i < na; i++)
            assert_true(fabs(importance_of(raw, nr, a[i].name) / sum - a[i].importance) < 1e-12);
        otto_param_importances_free(a);
        otto_param_importances_free(b);
        otto_param_importances_free(raw);
    }
    otto_study_destroy(s);
}

/* A param in some trials only: PED-ANOVA assesses it, fANOVA's default set
 * (the intersection space) leaves it out; a single-valued param gets 0. */
static void test_conditional_and_single(void **state)
{
    (void)state;
    otto_study *s = make_random_study(5, OTTO_MAXIMIZE, NULL);
    for (int i = 0; i < 150; i++) {
        otto_trial *t;
        double x, y = 0, one;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "one", 2, 2, 0, 0, &one));
        if (i % 2)
            assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y));
        double f = x + 0.01 * y;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
    }
    otto_param_importance *imp;
    size_t n;
    assert_ok(otto_study_param_importances(s, NULL, &imp, &n));
    assert_int_equal(n, 2);
    assert_string_equal(imp[0].name, "x");
    assert_true(importance_of(imp, n, "one") == 0);
    otto_param_importances_free(imp);

    otto_importance_options o;
    otto_importance_options_init(&o);
    o.evaluator = OTTO_IMPORTANCE_PED_ANOVA;
    assert_ok(otto_study_param_importances(s, &o, &imp, &n));
    assert_int_equal(n, 3);
    assert_string_equal(imp[0].name, "x"); /* maximized: the top trials have x near 1 */
    assert_true(importance_of(imp, n, "one") == 0);
    otto_param_importances_free(imp);

    const char *named[1] = {"y"};
    o.evaluator = OTTO_IMPORTANCE_FANOVA;
    o.params = named;
    o.n_params = 1;
    assert_ok(otto_study_param_importances(s, &o, &imp, &n));
    assert_int_equal(n, 1);
    assert_true(imp[0].importance == 1);
    otto_param_importances_free(imp);
    otto_study_destroy(s);
}

static int first_value(const otto_trial *t, void *ud, double *out)
{
    (void)ud;
    double v[2];
    size_t n;
    int rc = otto_trial_values(t, v, 2, &n);
    *out = v[0];
    return rc;
}

static int failing_target(const otto_trial *t, void *ud, double *out)
{
    (void)t;
    (void)ud;
    *out = 0;
    return 1;
}

static void test_multi_objective_target(void **state)
{
    (void)state;
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MINIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.n_objectives = 2;
    so.directions = dirs;
    assert_ok(otto_sampler_random_create(NULL, &so.sampler));
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    for (int i = 0; i < 100; i++) {
        otto_trial *t;
        double a, b;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "a", 0, 1, 0, 0, &a));
        assert_ok(otto_trial_suggest_float(t, "b", 0, 1, 0, 0, &b));
        double v[2] = {a, b * 0.01};
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, 2));
    }
    otto_param_importance *imp;
    size_t n;
    assert_int_equal(otto_study_param_importances(s, NULL, &imp, &n), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "target"));
    assert_null(imp);
    otto_importance_options o;
    otto_importance_options_init(&o);
    o.target = first_value;
    assert_ok(otto_study_param_importances(s, &o, &imp, &n));
    assert_string_equal(imp[0].name, "a");
    otto_param_importances_free(imp);
    o.target = failing_target;
    assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_ECALLBACK);
    otto_study_destroy(s);
}

static double frac(double v)
{
    return v - floor(v);
}

/* PED-ANOVA is computed exactly as Optuna computes it: raw importances of
 * six kinds of params (log float, log int, step float, categorical, int) on
 * 120 fixed trials, against Optuna's PedAnovaImportanceEvaluator
 * (get_param_importances(normalize=False), Optuna master of 2026-11) on the
 * same trials, for three settings. */
static void test_ped_anova_matches_optuna(void **state)
{
    (void)state;
    static const char *const abc[3] = {"a", "b", "c"};
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", -1, 1, 0, 0));
    assert_ok(otto_space_add_float(sp, "lr", 1e-4, 1, 0, OTTO_LOG));
    assert_ok(otto_space_add_int(sp, "k", 1, 64, 1, OTTO_LOG));
    assert_ok(otto_space_add_float(sp, "s", 0, 2, 0.25, 0));
    assert_ok(otto_space_add_categorical(sp, "c", abc, 3));
    assert_ok(otto_space_add_int(sp, "n", 0, 10, 1, 0));
    otto_study *s = make_random_study(1, OTTO_MINIMIZE, NULL);
    for (int i = 0; i < 120; i++) {
        double x = 2 * frac(i * 0.6180339887498949) - 1;
        double lr = pow(10, -4 + 4 * frac(i * 0.7548776662466927));
        double k = 1 + (i * 7) % 64, st = 0.25 * ((i * 5) % 9), c = i % 3, n = (i * 3) % 11;
        static const double shift[3] = {0, 1, 0.5};
        double f = 5 * (x - 0.3) * (x - 0.3) + (log10(lr) + 2) * (log10(lr) + 2) +
                   0.1 * log2(k) + st + shift[i % 3] + 0.01 * n;
        double v[6] = {x, lr, k, st, c, n};
        assert_ok(otto_study_add_trial(s, sp, v, OTTO_TRIAL_COMPLETE, &f, 1, NULL));
    }
    static const struct {
        double target_q, region_q;
        int local;
        double c, k, lr, n, s, x;
    } ref[3] = {
        {0.1, 1.0, 1, 0.0010433522521403307, 9.232400354705511e-05, 0.004542572853601912,
         0.0001207211789535255, 0.007130799806794557, 0.008348219985419963},
        {0.2, 0.6, 1, 0.001742148507690203, 0.01350851365274168, 0.012704220483255901,
         0.0026734751925794197, 0.010903003547572928, 0.03209020723104151},
        {0.1, 1.0, 0, 0.0010433522521434606, 0.006478459442237792, 0.004879160882509794,
         0.00019036509872270843, 0.007176441064374521, 0.009182023656221072},
    };
    for (int r = 0; r < 3; r++) {
        otto_importance_options o;
        otto_importance_options_init(&o);
        o.evaluator = OTTO_IMPORTANCE_PED_ANOVA;
        o.normalize = 0;
        o.target_quantile = ref[r].target_q;
        o.region_quantile = ref[r].region_q;
        o.evaluate_on_local = ref[r].local;
        otto_param_importance *imp;
        size_t n;
        assert_ok(otto_study_param_importances(s, &o, &imp, &n));
        assert_int_equal(n, 6);
        const char *names[6] = {"c", "k", "lr", "n", "s", "x"};
        const double want[6] = {ref[r].c, ref[r].k, ref[r].lr, ref[r].n, ref[r].s, ref[r].x};
        for (int j = 0; j < 6; j++) {
            double got = importance_of(imp, n, names[j]);
            if (fabs(got - want[j]) > 1e-9 * want[j] + 1e-15)
                fail_msg("setting %d, %s: %.17g, Optuna %.17g", r, names[j], got, want[j]);
        }
        otto_param_importances_free(imp);
    }
    otto_study_destroy(s);
    otto_space_destroy(sp);
}

static void test_bad_input(void **state)
{
    (void)state;
    otto_param_importance *imp = (void *)1;
    size_t n = 9;
    assert_int_equal(otto_study_param_importances(NULL, NULL, &imp, &n), OTTO_EINVAL);
    assert_null(imp);
    assert_int_equal(n, 0);
    otto_study *s = separable_study(1, 30);
    assert_int_equal(otto_study_param_importances(s, NULL, NULL, &n), OTTO_EINVAL);
    assert_int_equal(otto_study_param_importances(s, NULL, &imp, NULL), OTTO_EINVAL);
    otto_importance_options o;
    otto_importance_options_init(&o);
    o.evaluator = (otto_importance_evaluator)9;
    assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
    otto_importance_options_init(&o);
    o.n_trees = 0;
    assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
    otto_importance_options_init(&o);
    o.evaluator = OTTO_IMPORTANCE_PED_ANOVA;
    o.target_quantile = 0.5;
    o.region_quantile = 0.4;
    assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
    o.target_quantile = NAN;
    assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
    const char *missing[1] = {"nope"}, *twice[2] = {"x0", "x0"}, *empty[1] = {""};
    for (int ev = OTTO_IMPORTANCE_FANOVA; ev <= OTTO_IMPORTANCE_PED_ANOVA; ev++) {
        otto_importance_options_init(&o);
        o.evaluator = (otto_importance_evaluator)ev;
        o.params = missing;
        o.n_params = 1;
        assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_ENOTFOUND);
        o.params = twice;
        o.n_params = 2;
        assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
        o.params = empty;
        o.n_params = 1;
        assert_int_equal(otto_study_param_importances(s, &o, &imp, &n), OTTO_EINVAL);
        o.n_params = 0; /* no params named: an empty answer */
        assert_ok(otto_study_param_importances(s, &o, &imp, &n));
        assert_int_equal(n, 0);
        otto_param_importances_free(imp);
    }
    otto_param_importances_free(NULL);
    otto_study_destroy(s);

    /* a categorical of 4,096 choices over 8,193 trials: too big for fANOVA's
     * one-hot table (a clear OTTO_ERANGE), fine for PED-ANOVA */
    enum { K = 4096, N = 8193 };
    static char labels[K][8];
    static const char *choices[K];
    for (int i = 0; i < K; i++) {
        snprintf(labels[i], sizeof labels[i], "c%d", i);
        choices[i] = labels[i];
    }
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_categorical(sp, "big", choices, K));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    s = make_random_study(3, OTTO_MINIMIZE, NULL);
    for (int i = 0; i < N; i++) {
        double v[2] = {(double)(i % K), (i % 97) / 97.0}, f = v[1];
        assert_ok(otto_study_add_trial(s, sp, v, OTTO_TRIAL_COMPLETE, &f, 1, NULL));
    }
    assert_int_equal(otto_study_param_importances(s, NULL, &imp, &n), OTTO_ERANGE);
    assert_non_null(strstr(otto_last_error_message(), "PED-ANOVA"));
    otto_importance_options_init(&o);
    o.evaluator = OTTO_IMPORTANCE_PED_ANOVA;
    assert_ok(otto_study_param_importances(s, &o, &imp, &n));
    assert_string_equal(imp[0].name, "x");
    otto_param_importances_free(imp);
    otto_study_destroy(s);
    otto_space_destroy(sp);

    /* one trial (and an infinite value): every param gets 1/n */
    s = make_random_study(2, OTTO_MINIMIZE, NULL);
    for (int i = 0; i < 2; i++) {
        otto_trial *t;
        double x, y, f = i ? INFINITY : 1;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
    }
    assert_ok(otto_study_param_importances(s, NULL, &imp, &n));
    assert_int_equal(n, 2);
    assert_true(imp[0].importance == 0.5 && imp[1].importance == 0.5);
    otto_param_importances_free(imp);
    otto_study_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fanova_order),
        cmocka_unit_test(test_ped_anova_order),
        cmocka_unit_test(test_fanova_interaction),
        cmocka_unit_test(test_reproducible_and_raw),
        cmocka_unit_test(test_conditional_and_single),
        cmocka_unit_test(test_multi_objective_target),
        cmocka_unit_test(test_ped_anova_matches_optuna),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
