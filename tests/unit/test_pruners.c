/* The built-in pruners: on synthetic learning curves over 20 seeds each saves
 * a large share of the steps while the best final value stays close to
 * running every trial to the end (margins from measurements: median saved
 * 87% at mean regret 0.021, percentile 25 92% / 0.067, successive halving
 * 88% / 0.016, Hyperband 74% / 0.006, threshold 25% / 0); plus each one's
 * rules: start-up, warm-up, intervals, NaN, direction, brackets, options. */
#include "../common.h"
#include "curves.h"
#include "pruners/signed_rank.h"

typedef otto_pruner *(*maker)(void);

static void savings(maker make, double min_saved, double max_mean_regret)
{
    double saved = 0, regret = 0;
    for (unsigned seed = 0; seed < 20; seed++) {
        long all = 0, pruned = 0;
        otto_pruner *nop;
        assert_ok(otto_pruner_nop_create(&nop));
        double b0 = curve_study(nop, seed, 100, &all);
        double b1 = curve_study(make(), seed, 100, &pruned);
        assert_false(isnan(b0) || isnan(b1));
        saved += 1.0 - (double)pruned / (double)all;
        regret += b1 - b0;
    }
    saved /= 20;
    regret /= 20;
    if (saved < min_saved || regret > max_mean_regret) {
        print_error("saved %.3f (want >= %.3f), mean regret %.4f (want <= %.4f)\n", saved,
                    min_saved, regret, max_mean_regret);
        fail();
    }
}

static otto_pruner *median(void)
{
    otto_pruner *p;
    assert_ok(otto_pruner_median_create(NULL, &p));
    return p;
}
static otto_pruner *p25(void)
{
    otto_percentile_options o;
    otto_percentile_options_init(&o);
    o.percentile = 25;
    otto_pruner *p;
    assert_ok(otto_pruner_percentile_create(&o, &p));
    return p;
}
static otto_pruner *sha(void)
{
    otto_pruner *p;
    assert_ok(otto_pruner_successive_halving_create(NULL, &p));
    return p;
}
static otto_pruner *hyperband(void)
{
    otto_pruner *p;
    assert_ok(otto_pruner_hyperband_create(NULL, &p));
    return p;
}
static otto_pruner *threshold(void)
{
    otto_threshold_options o;
    otto_threshold_options_init(&o);
    o.upper = 1.5;
    o.n_warmup_steps = 10;
    otto_pruner *p;
    assert_ok(otto_pruner_threshold_create(&o, &p));
    return p;
}

static void median_saves_steps(void **state) { (void)state; savings(median, 0.75, 0.05); }
static void percentile_saves_steps(void **state) { (void)state; savings(p25, 0.8, 0.15); }
static void successive_halving_saves_steps(void **state) { (void)state; savings(sha, 0.75, 0.05); }
static void hyperband_saves_steps(void **state) { (void)state; savings(hyperband, 0.6, 0.03); }
static void threshold_saves_steps(void **state) { (void)state; savings(threshold, 0.15, 1e-12); }

/* Drive one trial by hand: report values, ask the pruner after each. */
static int prune_after(otto_study *s, const double *values, int n, int64_t first_step)
{
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    int prune = 0;
    for (int i = 0; i < n; i++) {
        assert_ok(otto_trial_report(t, first_step + i, values[i]));
        assert_ok(otto_trial_should_prune(t, &prune));
    }
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
    return prune;
}

static void complete_with(otto_study *s, const double *values, int n)
{
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    for (int i = 0; i < n; i++)
        assert_ok(otto_trial_report(t, i, values[i]));
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &values[n - 1], 1));
}

static otto_study *study_with(otto_pruner *p, otto_direction dir)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.direction = dir;
    so.pruner = p;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

static void median_rules(void **state)
{
    (void)state;
    otto_percentile_options o;
    otto_percentile_options_init(&o);
    o.n_startup_trials = 2;
    o.n_warmup_steps = 1;
    otto_pruner *p;
    assert_ok(otto_pruner_median_create(&o, &p));
    otto_study *s = study_with(p, OTTO_MINIMIZE);
    double good[3] = {1, 0.5, 0.2}, bad[3] = {5, 5, 5};
    complete_with(s, good, 3);
    assert_int_equal(prune_after(s, bad, 3, 0), 0); /* one COMPLETE trial < startup 2 */
    complete_with(s, good, 3);
    complete_with(s, bad, 3);
    double warm[1] = {9};
    assert_int_equal(prune_after(s, warm, 1, 0), 0); /* step 0 < warm-up 1 */
    assert_int_equal(prune_after(s, bad, 2, 0), 1);  /* worse than the median at step 1 */
    double ok[2] = {0.9, 0.4};
    assert_int_equal(prune_after(s, ok, 2, 0), 0);
    double nan2[2] = {NAN, NAN};
    assert_int_equal(prune_after(s, nan2, 2, 0), 1); /* no usable value: prune, as Optuna */
    double far[1] = {100};
    assert_int_equal(prune_after(s, far, 1, 40), 0); /* nobody reported at step 40 */
    otto_study_destroy(s);

    /* maximize: the same curves mirrored prune the mirrored trial */
    assert_ok(otto_pruner_median_create(&o, &p));
    s = study_with(p, OTTO_MAXIMIZE);
    double mgood[3] = {-1, -0.5, -0.2}, mbad[3] = {-5, -5, -5};
    complete_with(s, mgood, 3);
    complete_with(s, mgood, 3);
    complete_with(s, mbad, 3);
    assert_int_equal(prune_after(s, mbad, 2, 0), 1);
    assert_int_equal(prune_after(s, mgood, 2, 0), 0);
    otto_study_destroy(s);
}

static void interval_steps_are_honoured(void **state)
{
    (void)state;
    otto_percentile_options o;
    otto_percentile_options_init(&o);
    o.n_startup_trials = 1;
    o.interval_steps = 5;
    otto_pruner *p;
    assert_ok(otto_pruner_median_create(&o, &p));
    otto_study *s = study_with(p, OTTO_MINIMIZE);
    double good[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    complete_with(s, good, 10);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    int prune, pruned_at[10];
    for (int i = 0; i < 10; i++) {
        assert_ok(otto_trial_report(t, i, 5.0));
        assert_ok(otto_trial_should_prune(t, &prune));
        pruned_at[i] = prune;
    }
    /* judged only at the first step of each interval: 0 and 5 */
    for (int i = 0; i < 10; i++)
        assert_int_equal(pruned_at[i], i % 5 == 0);
    otto_study_destroy(s);
}

static void threshold_and_patient_rules(void **state)
{
    (void)state;
    otto_threshold_options o;
    otto_threshold_options_init(&o);
    o.lower = 0;
    o.upper = 1;
    otto_pruner *p;
    assert_ok(otto_pruner_threshold_create(&o, &p));
    otto_study *s = study_with(p, OTTO_MINIMIZE);
    double in[2] = {0.5, 0.9}, above[1] = {1.5}, below[1] = {-0.5}, nan[1] = {NAN};
    assert_int_equal(prune_after(s, in, 2, 0), 0);
    assert_int_equal(prune_after(s, above, 1, 0), 1);
    assert_int_equal(prune_after(s, below, 1, 0), 1);
    assert_int_equal(prune_after(s, nan, 1, 0), 1);
    otto_study_destroy(s);

    /* patient without a wrapped pruner (Optuna's rule): prune when the best of
     * the last patience + 1 steps is worse than the best before them by more
     * than min_delta */
    assert_ok(otto_pruner_patient_create(NULL, 2, 0.1, &p));
    s = study_with(p, OTTO_MINIMIZE);
    double improving[6] = {5, 4, 3, 2, 1, 0};
    double within_delta[6] = {5, 1, 1.05, 1.08, 1.09, 1.06};
    double worse[6] = {5, 1, 1.3, 1.2, 1.25, 1.22};
    assert_int_equal(prune_after(s, improving, 6, 0), 0);
    assert_int_equal(prune_after(s, within_delta, 6, 0), 0);
    assert_int_equal(prune_after(s, worse, 6, 0), 1);
    double short_run[3] = {5, 5, 5};
    assert_int_equal(prune_after(s, short_run, 3, 0), 0); /* <= patience + 1 steps */
    otto_study_destroy(s);
}

static void successive_halving_rungs(void **state)
{
    (void)state;
    otto_successive_halving_options o;
    otto_successive_halving_options_init(&o);
    o.min_resource = 1;
    o.reduction_factor = 2;
    otto_pruner *p;
    assert_ok(otto_pruner_successive_halving_create(&o, &p));
    otto_study *s = study_with(p, OTTO_MINIMIZE);
    /* rung 0 at step 1, rung 1 at step 2, rung 2 at step 4 */
    double first[5] = {3, 2, 1, 1, 1};
    assert_int_equal(prune_after(s, first, 5, 0), 0); /* alone: promoted everywhere */
    double worse[2] = {3, 2.5};
    assert_int_equal(prune_after(s, worse, 2, 0), 1); /* not in the top half at rung 0 */
    const otto_trial *t;
    assert_ok(otto_study_trial(s, 0, &t));
    const char *v;
    assert_ok(otto_trial_system_attr(t, "completed_rung_0", &v));
    assert_ok(otto_trial_system_attr(t, "completed_rung_2", &v));
    assert_status(otto_trial_system_attr(t, "completed_rung_3", &v), OTTO_ENOTFOUND);
    otto_study_destroy(s);
}

static size_t seen_by_sampler;

static int count_view(void *st, const otto_view *v, otto_trial *t, const char *name,
                      const otto_distribution *d, double *out)
{
    (void)st;
    (void)name;
    seen_by_sampler = otto_view_count(v);
    *out = otto_distribution_from_unit(d, otto_rng_uniform(otto_trial_rng(t)));
    return OTTO_OK;
}

static void hyperband_brackets_filter_the_sampler(void **state)
{
    (void)state;
    static const otto_sampler_vtable vt = {
        .size = sizeof vt, .name = "counting", .sample_independent = count_view};
    otto_hyperband_options o;
    otto_hyperband_options_init(&o);
    o.max_resource = 27; /* 1, 3, 9, 27: four brackets */
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    assert_ok(otto_pruner_hyperband_create(&o, &so.pruner));
    assert_ok(otto_sampler_create(&vt, NULL, OTTO_SEED_NONE, &so.sampler));
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    int saw_fewer = 0;
    for (int i = 0; i < 60; i++) {
        otto_trial *t;
        double x;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_report(t, 0, 1.0));
        int prune;
        assert_ok(otto_trial_should_prune(t, &prune)); /* initializes the brackets */
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        saw_fewer += seen_by_sampler < (size_t)i;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    }
    assert_true(saw_fewer > 40); /* each trial's sampler saw only its bracket */
    otto_study_destroy(s);
}

static void options_are_validated(void **state)
{
    (void)state;
    otto_pruner *p;
    otto_percentile_options po;
    otto_percentile_options_init(&po);
    po.percentile = 101;
    assert_status(otto_pruner_percentile_create(&po, &p), OTTO_EINVAL);
    po.percentile = NAN;
    assert_status(otto_pruner_percentile_create(&po, &p), OTTO_EINVAL);
    otto_percentile_options_init(&po);
    po.interval_steps = 0;
    assert_status(otto_pruner_median_create(&po, &p), OTTO_EINVAL);
    otto_successive_halving_options so;
    otto_successive_halving_options_init(&so);
    so.reduction_factor = 1;
    assert_status(otto_pruner_successive_halving_create(&so, &p), OTTO_EINVAL);
    otto_hyperband_options ho;
    otto_hyperband_options_init(&ho);
    ho.bootstrap_count = 2; /* with max_resource auto */
    assert_status(otto_pruner_hyperband_create(&ho, &p), OTTO_EINVAL);
    otto_hyperband_options_init(&ho);
    ho.min_resource = 10;
    ho.max_resource = 5;
    assert_status(otto_pruner_hyperband_create(&ho, &p), OTTO_EINVAL);
    otto_threshold_options to;
    otto_threshold_options_init(&to);
    assert_status(otto_pruner_threshold_create(&to, &p), OTTO_EINVAL); /* neither bound */
    to.lower = 2;
    to.upper = 1;
    assert_status(otto_pruner_threshold_create(&to, &p), OTTO_EINVAL);
    assert_status(otto_pruner_patient_create(NULL, -1, 0, &p), OTTO_EINVAL);
    otto_pruner *inner;
    assert_ok(otto_pruner_median_create(NULL, &inner));
    assert_status(otto_pruner_patient_create(inner, 1, NAN, &p), OTTO_EINVAL); /* frees inner */
    assert_status(otto_pruner_median_create(NULL, NULL), OTTO_EINVAL);
    assert_ok(otto_pruner_median_create(NULL, &p));
    assert_string_equal(otto_pruner_name(p), "median");
    otto_pruner_destroy(p);
}

/* The signed-rank p-values are scipy 1.10's wilcoxon(d, alternative,
 * zero_method="zsplit"): exact (with and without tied ranks) and normal. */
static void signed_rank_matches_scipy(void **state)
{
    (void)state;
    const double a[5] = {0.5, -0.2, 1.3, 0.8, 0.1};
    const double b[8] = {1, 1, 2, -1, 3, 0.5, 2, 2};
    const double c[12] = {0.0, 0.3, -0.1, 0.7, 0.0, 1.1, 0.2, -0.4, 0.9, 0.6, 0.05, 0.3};
    double d[60], work[120];
    for (int i = 0; i < 60; i++)
        d[i] = -0.3 + 1.3 * i / 59.0;
    struct { const double *x; size_t n; double greater, less; } cases[4] = {
        {a, 5, 0.09375, 0.9375},
        {b, 8, 0.01953125, 0.98828125},
        {c, 12, 0.022646393108516447, 0.9773536068914835},
        {d, 60, 1.0518651018962733e-07, 0.9999998948134898}};
    for (int k = 0; k < 4; k++) {
        assert_close(otto__signed_rank_p(cases[k].x, cases[k].n, 1, work), cases[k].greater,
                     1e-12 + 1e-9 * cases[k].greater);
        assert_close(otto__signed_rank_p(cases[k].x, cases[k].n, 0, work), cases[k].less,
                     1e-12);
    }
    assert_true(isnan(otto__signed_rank_p(a, 0, 1, work)));
}

/* The best trial reports a score per instance; a trial scoring worse on
 * every instance (in a shuffled order) is pruned once the test is sure, one
 * scoring better never is, nor one with NaN scores. */
static int64_t run_instances(otto_study *s, double shift, int maximize, int nan_at)
{
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    int order[30];
    for (int i = 0; i < 30; i++)
        order[i] = (i * 7) % 30; /* a fixed shuffle of the instances */
    double sum = 0;
    for (int i = 0; i < 30; i++) {
        int inst = order[i];
        double base = 1.0 + 0.1 * inst * (inst % 3), v = base + (maximize ? -shift : shift);
        if (i == nan_at)
            v = NAN;
        sum += v;
        assert_ok(otto_trial_report(t, inst, v));
        int prune;
        assert_ok(otto_trial_should_prune(t, &prune));
        if (prune) {
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_PRUNED, NULL, 0));
            return i + 1;
        }
    }
    double mean = sum / 30;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &mean, 1));
    return 0;
}

static void wilcoxon_prunes_trials_worse_on_the_instances(void **state)
{
    (void)state;
    for (int maximize = 0; maximize < 2; maximize++) {
        otto_pruner *p;
        assert_ok(otto_pruner_wilcoxon_create(NULL, &p));
        otto_study_options so;
        otto_study_options_init(&so);
        so.direction = maximize ? OTTO_MAXIMIZE : OTTO_MINIMIZE;
        so.pruner = p;
        log_capture logs = {0};
        so.log_fn = capture_log;
        so.log_user_data = &logs;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        assert_int_equal(run_instances(s, 0, maximize, -1), 0); /* the best: nothing to beat */
        int64_t at = run_instances(s, 0.5, maximize, -1);        /* worse everywhere */
        assert_true(at >= 4 && at <= 6); /* p = 1/16 < 0.1 needs 4 shared instances */
        assert_int_equal(run_instances(s, -0.5, maximize, -1), 0); /* better: kept */
        int warned = logs.n_warnings;
        assert_int_equal(run_instances(s, 0.5, maximize, 0), 0); /* NaN: never pruned */
        assert_true(logs.n_warnings > warned);
        otto_study_destroy(s);
    }
    otto_wilcoxon_options o;
    otto_wilcoxon_options_init(&o);
    otto_pruner *p = NULL;
    o.p_threshold = 1.5;
    assert_status(otto_pruner_wilcoxon_create(&o, &p), OTTO_EINVAL);
    o.p_threshold = NAN;
    assert_status(otto_pruner_wilcoxon_create(&o, &p), OTTO_EINVAL);
    o.p_threshold = 0.1;
    o.n_startup_steps = -1;
    assert_status(otto_pruner_wilcoxon_create(&o, &p), OTTO_EINVAL);
    assert_status(otto_pruner_wilcoxon_create(&o, NULL), OTTO_EINVAL);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_saves_steps),
        cmocka_unit_test(percentile_saves_steps),
        cmocka_unit_test(successive_halving_saves_steps),
        cmocka_unit_test(hyperband_saves_steps),
        cmocka_unit_test(threshold_saves_steps),
        cmocka_unit_test(median_rules),
        cmocka_unit_test(interval_steps_are_honoured),
        cmocka_unit_test(threshold_and_patient_rules),
        cmocka_unit_test(successive_halving_rungs),
        cmocka_unit_test(hyperband_brackets_filter_the_sampler),
        cmocka_unit_test(options_are_validated),
        cmocka_unit_test(signed_rank_matches_scipy),
        cmocka_unit_test(wilcoxon_prunes_trials_worse_on_the_instances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
