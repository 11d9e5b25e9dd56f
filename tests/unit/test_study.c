/* Study behaviour: options and ownership, tell semantics, best trial and
 * Pareto front, enqueue and warm starts, declared spaces, seeded
 * reproducibility, and the sampler and pruner plug-in interfaces. */
#include <stdlib.h>

#include "../common.h"
#include "core/internal.h"

/* ---- a sampler that records what otto hands it ---------------------------------- */
typedef struct probe {
    int destroyed;
    int relative_calls;
    size_t last_space_size;
    size_t last_view_count;
    size_t last_running;
    int after_calls;
    otto_trial_state last_final;
    int fail_relative;
} probe;

static int probe_relative(void *st, const otto_view *v, otto_trial *t, const otto_space *sp,
                          double *out)
{
    probe *p = st;
    p->relative_calls++;
    p->last_space_size = otto_space_size(sp);
    p->last_view_count = otto_view_count(v);
    const otto_trial *const *running;
    size_t n_running;
    assert_ok(otto_view_running(v, &running, &n_running));
    p->last_running = n_running;
    for (size_t i = 0; i < n_running; i++)
        assert_int_not_equal(otto_trial_number(running[i]), otto_trial_number(t));
    if (p->fail_relative)
        return otto_set_error_message(OTTO_ENUMERIC, "probe: refusing");
    for (size_t i = 0; i < otto_space_size(sp); i++) {
        otto_distribution d;
        assert_ok(otto_space_param(sp, i, NULL, &d));
        out[i] = d.low; /* recognisable: always the lower bound */
    }
    return OTTO_OK;
}

static int probe_independent(void *st, const otto_view *v, otto_trial *t, const char *name,
                             const otto_distribution *d, double *out)
{
    (void)st;
    (void)v;
    (void)name;
    *out = otto_distribution_from_unit(d, otto_rng_uniform(otto_trial_rng(t)));
    return OTTO_OK;
}

static void probe_after(void *st, const otto_view *v, otto_trial *t, otto_trial_state final,
                        const double *values, size_t n)
{
    (void)v;
    (void)t;
    probe *p = st;
    p->after_calls++;
    p->last_final = final;
    if (final == OTTO_TRIAL_COMPLETE)
        assert_true(values && n == 1);
    else
        assert_null(values);
}

static void probe_destroy(void *st) { ((probe *)st)->destroyed++; }

static const otto_sampler_vtable probe_vt = {
    .size = sizeof(otto_sampler_vtable),
    .name = "probe",
    .sample_relative = probe_relative,
    .sample_independent = probe_independent,
    .after_trial = probe_after,
    .destroy = probe_destroy,
};

/* ---- options and ownership ---------------------------------------------------------- */

static void bad_options_are_einval_and_free_the_sampler(void **state)
{
    (void)state;
    probe p = {0};
    otto_sampler *sm;
    assert_ok(otto_sampler_create(&probe_vt, &p, OTTO_SEED_NONE, &sm));
    otto_study_options so;
    otto_study_options_init(&so);
    so.direction = 7;
    so.sampler = sm;
    otto_study *s = (otto_study *)&p;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_null(s);
    assert_int_equal(p.destroyed, 1); /* owned even on failure */

    otto_study_options_init(&so);
    so.n_objectives = 2; /* without directions */
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    so.n_objectives = 0;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    otto_study_options_init(&so);
    so.name = "";
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    otto_allocator half = {.malloc_fn = NULL};
    otto_study_options_init(&so);
    so.allocator = &half;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    otto_study_options_init(&so);
    so.size = 0; /* init not called */
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_status(otto_study_create(NULL, &s), OTTO_EINVAL);
    otto_study_options_init(&so);
    assert_status(otto_study_create(&so, NULL), OTTO_EINVAL);

    /* bad vtables */
    otto_sampler_vtable no_indep = {.size = sizeof no_indep, .destroy = probe_destroy};
    p.destroyed = 0;
    assert_status(otto_sampler_create(&no_indep, &p, 0, &sm), OTTO_EINVAL);
    assert_int_equal(p.destroyed, 1);
    assert_status(otto_sampler_create(NULL, NULL, 0, &sm), OTTO_EINVAL);
    otto_pruner *pr;
    assert_status(otto_pruner_create(NULL, NULL, &pr), OTTO_EINVAL);
}

static void options_from_an_older_caller_are_read(void **state)
{
    (void)state;
    /* an old caller whose struct ends after `seed` */
    otto_study_options so;
    memset(&so, 0xab, sizeof so);
    otto_study_options_init_sized(&so, offsetof(otto_study_options, sampler));
    assert_int_equal(so.size, offsetof(otto_study_options, sampler));
    so.direction = OTTO_MAXIMIZE;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    assert_int_equal(otto_study_direction(s, 0), OTTO_MAXIMIZE);
    otto_study_destroy(s);
    /* a newer caller whose unknown trailing fields are zero is accepted */
    struct {
        otto_study_options o;
        double future;
    } big;
    memset(&big, 0, sizeof big);
    otto_study_options_init_sized(&big.o, sizeof big);
    assert_int_equal(big.o.size, sizeof big.o); /* init writes only what it knows */
    big.o.size = sizeof big;
    assert_ok(otto_study_create(&big.o, &s));
    otto_study_destroy(s);
    big.future = 1.0;
    assert_status(otto_study_create(&big.o, &s), OTTO_EINVAL);
}

/* ---- tell ---------------------------------------------------------------------------- */

static void tell_semantics(void **state)
{
    (void)state;
    log_capture logs = {0};
    otto_study *s = make_study(1, OTTO_MINIMIZE, NULL, &logs);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    double v = 1.5, two[2] = {1, 2};
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, NULL, 0), OTTO_EINVAL);
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, two, 2), OTTO_EINVAL);
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_FAIL, &v, 1), OTTO_EINVAL);
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_RUNNING, NULL, 0), OTTO_EINVAL);
    assert_status(otto_study_tell(s, t, (otto_trial_state)99, NULL, 0), OTTO_EINVAL);
    /* none of those lost the trial: it is still running and can be told */
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_RUNNING);
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1), OTTO_ESTATE);
    assert_status(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0), OTTO_ESTATE);
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);

    /* NaN: OK, and the trial is FAIL with a warning */
    otto_trial *t2;
    assert_ok(otto_study_ask(s, &t2));
    double nan = NAN;
    int w = logs.n_warnings;
    assert_ok(otto_study_tell(s, t2, OTTO_TRIAL_COMPLETE, &nan, 1));
    assert_int_equal(otto_trial_get_state(t2), OTTO_TRIAL_FAIL);
    assert_int_equal(logs.n_warnings, w + 1);
    /* inf is a valid value */
    otto_trial *t3;
    assert_ok(otto_study_ask(s, &t3));
    double inf = INFINITY;
    assert_ok(otto_study_tell(s, t3, OTTO_TRIAL_COMPLETE, &inf, 1));
    assert_int_equal(otto_trial_get_state(t3), OTTO_TRIAL_COMPLETE);
    /* a trial of another study */
    otto_study *other = make_study(2, OTTO_MINIMIZE, NULL, NULL);
    otto_trial *t4;
    assert_ok(otto_study_ask(other, &t4));
    assert_status(otto_study_tell(s, t4, OTTO_TRIAL_FAIL, NULL, 0), OTTO_EINVAL);
    assert_status(otto_study_tell(NULL, t4, OTTO_TRIAL_FAIL, NULL, 0), OTTO_EINVAL);
    assert_status(otto_study_tell(other, NULL, OTTO_TRIAL_FAIL, NULL, 0), OTTO_EINVAL);
    otto_study_destroy(other);
    otto_study_destroy(s);
}

static void best_trial_follows_direction(void **state)
{
    (void)state;
    for (int dir = OTTO_MINIMIZE; dir <= OTTO_MAXIMIZE; dir++) {
        otto_study *s = make_study(3, dir, NULL, NULL);
        const otto_trial *best;
        assert_status(otto_study_best_trial(s, &best), OTTO_ENOTFOUND);
        double vals[] = {3, 1, 4, 1, 5, 9, 2, 6};
        for (int i = 0; i < 8; i++) {
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &vals[i], 1));
        }
        otto_trial *pruned;
        assert_ok(otto_study_ask(s, &pruned));
        assert_ok(otto_trial_report(pruned, 0, dir == OTTO_MINIMIZE ? -100 : 100));
        assert_ok(otto_study_tell(s, pruned, OTTO_TRIAL_PRUNED, NULL, 0));
        assert_ok(otto_study_best_trial(s, &best));
        /* ties keep the first trial; pruned trials never win */
        assert_int_equal(otto_trial_number(best), dir == OTTO_MINIMIZE ? 1 : 5);
        size_t n;
        assert_ok(otto_study_best_trials(s, &best, 1, &n));
        assert_int_equal(n, dir == OTTO_MINIMIZE ? 2 : 1);
        otto_study_destroy(s);
    }
}

static void pareto_front(void **state)
{
    (void)state;
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MAXIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.n_objectives = 2;
    so.directions = dirs;
    so.seed = 5;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    /* (min f0, max f1) */
    double pts[][2] = {{1, 1}, {2, 3}, {0.5, 0.5}, {3, 2}, {2, 3}, {4, 10}, {1, 0.9}};
    for (int i = 0; i < 7; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, pts[i], 2));
    }
    const otto_trial *front[8];
    size_t n;
    assert_ok(otto_study_best_trials(s, front, 8, &n));
    /* non-dominated: #0 (1,1), #1 (2,3), #2 (0.5,0.5), #4 (2,3), #5 (4,10) */
    int64_t expect[] = {0, 1, 2, 4, 5};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(otto_trial_number(front[i]), expect[i]);
    const otto_trial *best;
    assert_status(otto_study_best_trial(s, &best), OTTO_ESTATE);
    double v, vv[2];
    size_t nv;
    assert_status(otto_trial_value(front[0], &v), OTTO_ESTATE);
    assert_ok(otto_trial_values(front[4], vv, 2, &nv));
    assert_int_equal(nv, 2);
    assert_close(vv[1], 10, 0);
    /* report is single-objective only */
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    assert_status(otto_trial_report(t, 0, 1), OTTO_ESTATE);
    otto_study_destroy(s);
}

/* ---- enqueue, add_trial, ask_with --------------------------------------------------- */

static void enqueued_params_come_first(void **state)
{
    (void)state;
    log_capture logs = {0};
    otto_study *s = make_study(4, OTTO_MINIMIZE, NULL, &logs);
    otto_param_value p1[] = {
        {.name = "x", .kind = OTTO_VALUE_NUMBER, .number = 0.25},
        {.name = "opt", .kind = OTTO_VALUE_LABEL, .label = "adam"},
        {.name = "n", .kind = OTTO_VALUE_NUMBER, .number = 50}, /* out of range: used, warned */
    };
    otto_param_value p2[] = {{.name = "x", .kind = OTTO_VALUE_ANY, .number = 0.75, .label = "?"},
                             {.name = "opt", .kind = OTTO_VALUE_ANY, .number = 0, .label = "sgd"}};
    assert_ok(otto_study_enqueue_trial(s, p1, 3));
    assert_ok(otto_study_enqueue_trial(s, p2, 2));
    otto_param_value bad[] = {{.name = "x", .kind = OTTO_VALUE_NUMBER, .number = INFINITY}};
    assert_status(otto_study_enqueue_trial(s, bad, 1), OTTO_EINVAL);
    otto_param_value nolabel[] = {{.name = "x", .kind = OTTO_VALUE_ANY, .number = 1}};
    assert_status(otto_study_enqueue_trial(s, nolabel, 1), OTTO_EINVAL);
    otto_param_value dup[] = {{.name = "x", .kind = OTTO_VALUE_NUMBER},
                              {.name = "x", .kind = OTTO_VALUE_NUMBER}};
    assert_status(otto_study_enqueue_trial(s, dup, 2), OTTO_EINVAL);
    const char *ch[] = {"sgd", "adam"};
    double expect_x[] = {0.25, 0.75};
    for (int i = 0; i < 3; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double x;
        size_t opt;
        int64_t n;
        int w = logs.n_warnings;
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_categorical(t, "opt", ch, 2, &opt));
        assert_ok(otto_trial_suggest_int(t, "n", 1, 10, 1, 0, &n));
        if (i < 2)
            assert_true(x == expect_x[i]);
        if (i == 1)
            assert_int_equal(opt, 0); /* ANY: the label is used for a categorical */
        if (i == 0) {
            assert_int_equal(opt, 1);
            assert_int_equal(n, 50);
            assert_int_equal(logs.n_warnings, w + 1);
        } else {
            assert_true(n >= 1 && n <= 10);
        }
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
    }
    otto_study_destroy(s);
}

/* Optuna accepts an enqueued NaN and raises ValueError("`nan` is invalid
 * value.") from the suggest_float or suggest_int that meets it, leaving the
 * trial RUNNING; a categorical with a NaN choice takes it. */
static void enqueued_nan_fails_the_suggest(void **state)
{
    (void)state;
    otto_study *s = make_study(4, OTTO_MINIMIZE, NULL, NULL);
    otto_param_value p[] = {{.name = "x", .kind = OTTO_VALUE_NUMBER, .number = NAN},
                            {.name = "n", .kind = OTTO_VALUE_ANY, .number = NAN, .label = "?"},
                            {.name = "c", .kind = OTTO_VALUE_NUMBER, .number = NAN}};
    assert_ok(otto_study_enqueue_trial(s, p, 3));
    otto_waiting_trial *w;
    size_t nw;
    assert_ok(otto_study_waiting(s, &w, &nw));
    assert_int_equal(nw, 1);
    assert_int_equal(w[0].params[0].kind, OTTO_VALUE_LABEL);
    assert_string_equal(w[0].params[0].label, OTTO_LABEL_TYPED "f:nan");
    otto_study_waiting_free(s, w, nw);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    double x = 7;
    assert_status(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "`nan` is invalid value."));
    assert_true(x == 7);
    int64_t n;
    assert_status(otto_trial_suggest_int(t, "n", 0, 9, 1, 0, &n), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "`nan` is invalid value."));
    const char *ch[] = {"a", OTTO_LABEL_TYPED "f:nan"};
    size_t c;
    assert_ok(otto_trial_suggest_categorical(t, "c", ch, 2, &c));
    assert_int_equal(c, 1);
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_RUNNING);
    assert_int_equal(otto_trial_param_count(t), 1); /* only c */
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
    /* ask_with meets it too: the ask fails and leaves no RUNNING trial */
    assert_ok(otto_study_enqueue_trial(s, p, 1));
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    assert_status(otto_study_ask_with(s, sp, &t), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "`nan` is invalid value."));
    const otto_trial *second;
    assert_ok(otto_study_trial(s, 1, &second));
    assert_int_equal(otto_trial_get_state(second), OTTO_TRIAL_FAIL);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

static void add_trial_warm_start(void **state)
{
    (void)state;
    otto_study *s = make_study(5, OTTO_MINIMIZE, NULL, NULL);
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", -1, 1, 0, 0));
    const char *ch[] = {"a", "b"};
    assert_ok(otto_space_add_categorical(sp, "c", ch, 2));
    double params[] = {0.5, 1}, v = -2.0;
    int64_t num = -1;
    assert_ok(otto_study_add_trial(s, sp, params, OTTO_TRIAL_COMPLETE, &v, 1, &num));
    assert_int_equal(num, 0);
    double badp[] = {2.0, 0};
    assert_status(otto_study_add_trial(s, sp, badp, OTTO_TRIAL_COMPLETE, &v, 1, NULL),
                  OTTO_EINVAL);
    double nan = NAN;
    assert_status(otto_study_add_trial(s, sp, params, OTTO_TRIAL_COMPLETE, &nan, 1, NULL),
                  OTTO_EINVAL);
    assert_ok(otto_study_add_trial(s, sp, params, OTTO_TRIAL_FAIL, NULL, 0, &num));
    assert_int_equal(num, 1);
    assert_int_equal(otto_study_trial_count(s), 2);
    const otto_trial *best;
    assert_ok(otto_study_best_trial(s, &best));
    assert_int_equal(otto_trial_number(best), 0);
    const char *label;
    assert_ok(otto_trial_param_label(best, "c", &label));
    assert_string_equal(label, "b");
    /* a kind conflict with the study's names is EDIST */
    otto_space *conflict;
    assert_ok(otto_space_create(&conflict));
    assert_ok(otto_space_add_int(conflict, "x", 0, 3, 1, 0));
    double ip[] = {1};
    assert_status(otto_study_add_trial(s, conflict, ip, OTTO_TRIAL_FAIL, NULL, 0, NULL),
                  OTTO_EDIST);
    assert_int_equal(otto_study_trial_count(s), 2);
    otto_space_destroy(conflict);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

static void ask_with_samples_the_whole_space(void **state)
{
    (void)state;
    otto_study *s = make_study(6, OTTO_MINIMIZE, NULL, NULL);
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "gravity", 1, 20, 0, 0));
    assert_ok(otto_space_add_int(sp, "iters", 1, 64, 1, OTTO_LOG));
    const char *ch[] = {"euler", "verlet"};
    assert_ok(otto_space_add_categorical(sp, "integrator", ch, 2));
    otto_trial *t;
    assert_ok(otto_study_ask_with(s, sp, &t));
    assert_int_equal(otto_trial_param_count(t), 3);
    double g;
    int64_t it;
    assert_ok(otto_trial_param_float(t, "gravity", &g));
    assert_ok(otto_trial_param_int(t, "iters", &it));
    assert_true(g >= 1 && g <= 20 && it >= 1 && it <= 64);
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &g, 1));
    /* a space that conflicts with the study fails cleanly and leaves no RUNNING trial */
    otto_space *bad;
    assert_ok(otto_space_create(&bad));
    assert_ok(otto_space_add_int(bad, "gravity", 1, 20, 1, 0));
    assert_status(otto_study_ask_with(s, bad, &t), OTTO_EDIST);
    assert_null(t);
    const otto_trial *last;
    assert_ok(otto_study_trial(s, 1, &last));
    assert_int_equal(otto_trial_get_state(last), OTTO_TRIAL_FAIL);
    assert_status(otto_study_ask_with(s, NULL, &t), OTTO_EINVAL);
    otto_space_destroy(bad);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

/* ---- reproducibility ----------------------------------------------------------------- */

static void run_seeded(uint64_t seed, double *out, int n)
{
    otto_study *s = make_random_study(seed, OTTO_MINIMIZE, NULL);
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double x;
        int64_t k;
        assert_ok(otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x));
        assert_ok(otto_trial_suggest_int(t, "k", 0, 1000, 1, 0, &k));
        out[i] = x + (double)k;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    }
    otto_study_destroy(s);
}

static void seeded_runs_are_reproducible(void **state)
{
    (void)state;
    double a[50], b[50], c[50];
    run_seeded(0, a, 50); /* 0 is a seed like any other */
    run_seeded(0, b, 50);
    run_seeded(1, c, 50);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    /* the sampler's own seed overrides the study's */
    otto_random_options ro;
    otto_random_options_init(&ro);
    ro.seed = 0;
    otto_sampler *sm;
    assert_ok(otto_sampler_random_create(&ro, &sm));
    otto_study *s = make_study(999, OTTO_MINIMIZE, sm, NULL);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    double x;
    int64_t k;
    assert_ok(otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x));
    assert_ok(otto_trial_suggest_int(t, "k", 0, 1000, 1, 0, &k));
    assert_true(x + (double)k == a[0]);
    otto_study_destroy(s);
}

static void random_sampler_is_uniform_in_working_space(void **state)
{
    (void)state;
    otto_study *s = make_random_study(8, OTTO_MINIMIZE, NULL);
    int cat[3] = {0}, lo_decade = 0, ints[5] = {0};
    const char *ch[] = {"a", "b", "c"};
    const int n = 6000;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double lr;
        size_t c;
        int64_t k;
        assert_ok(otto_trial_suggest_float(t, "lr", 1e-4, 1, 0, OTTO_LOG, &lr));
        assert_ok(otto_trial_suggest_categorical(t, "c", ch, 3, &c));
        assert_ok(otto_trial_suggest_int(t, "k", 0, 4, 1, 0, &k));
        cat[c]++;
        ints[k]++;
        lo_decade += lr < 1e-3;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
    }
    for (int c = 0; c < 3; c++)
        assert_in_range(cat[c], n / 3 - 200, n / 3 + 200);
    for (int k = 0; k < 5; k++) /* endpoints as likely as inner values */
        assert_in_range(ints[k], n / 5 - 170, n / 5 + 170);
    /* log-uniform: a quarter of the draws in the lowest of four decades */
    assert_in_range(lo_decade, n / 4 - 170, n / 4 + 170);
    otto_study_destroy(s);
}

/* ---- sampler plug-in: relative sampling over the intersection space --------------- */

static void relative_sampling_uses_the_intersection(void **state)
{
    (void)state;
    probe p = {0};
    otto_sampler *sm;
    assert_ok(otto_sampler_create(&probe_vt, &p, OTTO_SEED_NONE, &sm));
    assert_string_equal(otto_sampler_name(sm), "probe");
    otto_study *s = make_study(9, OTTO_MINIMIZE, sm, NULL);
    /* trial 0: x and y; trial 1: x only (define-by-run); trial 2 sees {x} */
    for (int i = 0; i < 2; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double x, y;
        assert_ok(otto_trial_suggest_float(t, "x", 2, 3, 0, 0, &x));
        if (i == 0)
            assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    }
    assert_int_equal(p.relative_calls, 1); /* none before the first COMPLETE trial */
    assert_int_equal(p.after_calls, 2);
    otto_trial *running, *t;
    assert_ok(otto_study_ask(s, &running));
    assert_ok(otto_study_ask(s, &t));
    assert_int_equal(p.last_space_size, 1);
    assert_int_equal(p.last_view_count, 2);
    assert_int_equal(p.last_running, 1); /* the other running trial, not itself */
    double x, y;
    assert_ok(otto_trial_suggest_float(t, "x", 2, 3, 0, 0, &x));
    assert_true(x == 2.0); /* the relative value */
    assert_ok(otto_trial_suggest_float(t, "x2", 2, 3, 0, 0, &y));
    assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y));
    /* another range for x is another distribution: sampled independently */
    double z;
    otto_trial *t3;
    assert_ok(otto_study_ask(s, &t3));
    assert_ok(otto_trial_suggest_float(t3, "x", 2, 4, 0, 0, &z));
    assert_ok(otto_study_tell(s, t3, OTTO_TRIAL_FAIL, NULL, 0));
    assert_int_equal(p.last_final, OTTO_TRIAL_FAIL);
    /* a failing relative sampler falls back to independent sampling */
    p.fail_relative = 1;
    otto_trial *t4;
    assert_ok(otto_study_ask(s, &t4));
    assert_ok(otto_trial_suggest_float(t4, "x", 2, 3, 0, 0, &z));
    otto_study_destroy(s);
    assert_int_equal(p.destroyed, 1);
}

static int bad_independent(void *st, const otto_view *v, otto_trial *t, const char *name,
                           const otto_distribution *d, double *out)
{
    (void)st;
    (void)v;
    (void)t;
    (void)name;
    *out = d->high + 1; /* outside */
    return OTTO_OK;
}

static void sampler_errors_are_reported(void **state)
{
    (void)state;
    static const otto_sampler_vtable vt = {
        .size = sizeof vt, .name = "bad", .sample_independent = bad_independent};
    otto_sampler *sm;
    assert_ok(otto_sampler_create(&vt, NULL, 0, &sm));
    otto_study *s = make_study(1, OTTO_MINIMIZE, sm, NULL);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    double x;
    assert_status(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), OTTO_ECALLBACK);
    assert_non_null(strstr(otto_last_error_message(), "bad"));
    assert_int_equal(otto_trial_param_count(t), 0);
    otto_study_destroy(s);
}

/* ---- pruner plug-in with a filtered view ---------------------------------------------- */

typedef struct parity {
    size_t seen_count;
    int destroyed;
} parity;

static int parity_prune(void *st, const otto_view *v, const otto_trial *t, int *out)
{
    parity *p = st;
    p->seen_count = otto_view_count(v);
    double last;
    *out = otto_trial_intermediate_value(t, 0, &last) == OTTO_OK && last > 10;
    return OTTO_OK;
}

static int parity_filter(void *st, const otto_trial *t, const otto_trial *cand)
{
    (void)st;
    return otto_trial_number(t) % 2 == otto_trial_number(cand) % 2;
}

static void parity_destroy(void *st) { ((parity *)st)->destroyed++; }

static void pruner_and_filtered_view(void **state)
{
    (void)state;
    static const otto_pruner_vtable vt = {.size = sizeof vt,
                                          .name = "parity",
                                          .prune = parity_prune,
                                          .filter = parity_filter,
                                          .destroy = parity_destroy};
    parity pst = {0};
    probe pr = {0};
    otto_pruner *pn;
    otto_sampler *sm;
    assert_ok(otto_pruner_create(&vt, &pst, &pn));
    assert_string_equal(otto_pruner_name(pn), "parity");
    assert_ok(otto_sampler_create(&probe_vt, &pr, OTTO_SEED_NONE, &sm));
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 3;
    so.sampler = sm;
    so.pruner = pn;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    for (int i = 0; i < 6; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double x;
        /* even trials use a, odd trials use b: each bracket has its own intersection */
        assert_ok(otto_trial_suggest_float(t, i % 2 ? "b" : "a", 0, 1, 0, 0, &x));
        assert_ok(otto_trial_report(t, 0, i == 5 ? 50 : 1));
        int prune;
        assert_ok(otto_trial_should_prune(t, &prune));
        assert_int_equal(pst.seen_count, (size_t)i); /* pruners see every finished trial */
        assert_int_equal(prune, i == 5);
        assert_ok(otto_study_tell(s, t, prune ? OTTO_TRIAL_PRUNED : OTTO_TRIAL_COMPLETE,
                                  prune ? NULL : &x, prune ? 0 : 1));
    }
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t)); /* number 6: even bracket */
    assert_int_equal(pr.last_view_count, 3);
    assert_int_equal(pr.last_space_size, 1); /* {a}, though the study-wide intersection is empty */
    otto_study_destroy(s);
    assert_int_equal(pst.destroyed, 1);
}

static void null_handles(void **state)
{
    (void)state;
    otto_trial *t;
    const otto_trial *ct;
    size_t n;
    assert_status(otto_study_ask(NULL, &t), OTTO_EINVAL);
    assert_status(otto_study_trial(NULL, 0, &ct), OTTO_EINVAL);
    assert_status(otto_study_best_trial(NULL, &ct), OTTO_EINVAL);
    assert_status(otto_study_best_trials(NULL, &ct, 1, &n), OTTO_EINVAL);
    assert_status(otto_study_enqueue_trial(NULL, NULL, 0), OTTO_EINVAL);
    assert_int_equal(otto_study_trial_count(NULL), 0);
    assert_int_equal(otto_study_n_objectives(NULL), 0);
    assert_string_equal(otto_study_name(NULL), "");
    otto_study_stop(NULL);
    otto_study_destroy(NULL);
    otto_sampler_destroy(NULL);
    otto_pruner_destroy(NULL);
    assert_int_equal(otto_view_count(NULL), 0);
    assert_null(otto_view_trial(NULL, 0));
    otto_study *s = make_study(1, OTTO_MINIMIZE, NULL, NULL);
    assert_status(otto_study_ask(s, NULL), OTTO_EINVAL);
    assert_status(otto_study_trial(s, 0, &ct), OTTO_ENOTFOUND);
    assert_status(otto_study_trial(s, -1, &ct), OTTO_ENOTFOUND);
    assert_string_equal(otto_study_name(s), "no-name");
    /* the default sampler is the auto sampler (Python's create_study keeps
     * Optuna's TPE) */
    assert_string_equal(otto_sampler_name(s->sampler), "auto");
    otto_study_destroy(s);
}

/* Replacing a study's sampler: later asks use the new one; refused while a
 * trial of the handle runs, for NULL, or for another study's sampler. */
static void set_sampler(void **state)
{
    (void)state;
    otto_sampler *random;
    assert_ok(otto_sampler_random_create(NULL, &random));
    otto_study *s = make_study(3, OTTO_MINIMIZE, random, NULL);
    for (int i = 0; i < 3; i++) {
        otto_trial *t;
        double x;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    }
    otto_param_value v[1] = {{NULL, OTTO_VALUE_NUMBER, 0.625, NULL}};
    otto_grid_axis axis = {"x", 1, v};
    otto_grid_options go;
    otto_grid_options_init(&go);
    go.n_axes = 1;
    go.axes = &axis;
    otto_sampler *grid;
    otto_trial *running;
    assert_ok(otto_study_ask(s, &running));
    assert_ok(otto_sampler_grid_create(&go, &grid));
    assert_status(otto_study_set_sampler(s, grid), OTTO_ESTATE); /* grid destroyed */
    double x = 0.5;
    assert_ok(otto_study_tell(s, running, OTTO_TRIAL_FAIL, NULL, 0));
    assert_ok(otto_sampler_grid_create(&go, &grid));
    assert_ok(otto_study_set_sampler(s, grid));
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
    assert_true(x == 0.625);
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    assert_status(otto_study_set_sampler(s, NULL), OTTO_EINVAL);
    assert_status(otto_study_set_sampler(NULL, NULL), OTTO_EINVAL);
    otto_sampler *theirs;
    assert_ok(otto_sampler_random_create(NULL, &theirs));
    otto_study *other = make_study(4, OTTO_MINIMIZE, theirs, NULL);
    assert_status(otto_study_set_sampler(s, theirs), OTTO_EINVAL); /* still the other's */
    otto_study_destroy(other);
    otto_study_destroy(s);
}

/* An added trial carries its intermediate values, attributes and
 * constraints; bad extras are refused before anything is added. */
static void add_trial_with_extras(void **state)
{
    (void)state;
    otto_study *s = make_study(5, OTTO_MINIMIZE, NULL, NULL);
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    double x = 0.25, v = 2;
    int64_t steps[3] = {5, 0, 2}, num;
    double rv[3] = {1.5, 3, 2};
    const char *keys[1] = {"k"}, *vals[1] = {"v"};
    double c[2] = {-1, 0.5};
    otto_trial_extras e;
    otto_trial_extras_init(&e);
    e.n_reports = 3;
    e.steps = steps;
    e.report_values = rv;
    e.n_user_attrs = 1;
    e.user_keys = keys;
    e.user_values = vals;
    e.n_constraints = 2;
    e.constraints = c;
    assert_ok(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, &num));
    const otto_trial *t;
    assert_ok(otto_study_trial(s, num, &t));
    assert_int_equal(otto_trial_intermediate_count(t), 3);
    int64_t step;
    double got;
    assert_ok(otto_trial_intermediate_at(t, 0, &step, &got)); /* in step order */
    assert_int_equal(step, 0);
    assert_true(got == 3);
    const char *attr;
    assert_ok(otto_trial_user_attr(t, "k", &attr));
    assert_string_equal(attr, "v");
    double cs[2];
    size_t nc;
    assert_ok(otto_trial_constraints(t, cs, 2, &nc));
    assert_int_equal(nc, 2);
    assert_true(cs[1] == 0.5);
    size_t before = otto_study_trial_count(s);
    steps[2] = 5; /* a step twice */
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, NULL),
                  OTTO_EINVAL);
    steps[2] = -1;
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, NULL),
                  OTTO_EINVAL);
    steps[2] = 2;
    c[0] = NAN;
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, NULL),
                  OTTO_EINVAL);
    c[0] = -1;
    vals[0] = "\xff";
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, NULL),
                  OTTO_EINVAL);
    vals[0] = "v";
    e.user_keys = NULL;
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, &e, NULL),
                  OTTO_EINVAL);
    assert_int_equal(otto_study_trial_count(s), before);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

/* The queue as a snapshot (Optuna's WAITING trials): params and user attrs,
 * in the order asks take them; the asking trial gets the attrs. */
static void waiting_trials(void **state)
{
    (void)state;
    otto_study *s = make_study(6, OTTO_MINIMIZE, NULL, NULL);
    otto_waiting_trial *w;
    size_t n;
    assert_ok(otto_study_waiting(s, &w, &n));
    assert_int_equal(n, 0);
    assert_null(w);
    otto_param_value p1 = {"x", OTTO_VALUE_NUMBER, 0.5, NULL};
    otto_param_value p2 = {"c", OTTO_VALUE_LABEL, 0, "b"};
    const char *k[2] = {"origin", "batch"}, *v[2] = {"\"manual\"", "3"};
    otto_trial_extras e;
    otto_trial_extras_init(&e);
    e.n_user_attrs = 2;
    e.user_keys = k;
    e.user_values = v;
    assert_ok(otto_study_enqueue_trial_with(s, &p1, 1, &e));
    assert_ok(otto_study_enqueue_trial(s, &p2, 1));
    assert_ok(otto_study_waiting(s, &w, &n));
    assert_int_equal(n, 2);
    assert_int_equal(w[0].n_user_attrs, 2);
    assert_string_equal(w[0].user_keys[1], "batch");
    assert_string_equal(w[1].params[0].label, "b");
    otto_study_waiting_free(s, w, n);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    const char *got;
    assert_ok(otto_trial_user_attr(t, "origin", &got));
    assert_string_equal(got, "\"manual\"");
    assert_ok(otto_study_waiting(s, &w, &n));
    assert_int_equal(n, 1);
    otto_study_waiting_free(s, w, n);
    e.n_reports = 1; /* only user attrs travel with a queued trial */
    int64_t step = 0;
    double rv = 1;
    e.steps = &step;
    e.report_values = &rv;
    assert_status(otto_study_enqueue_trial_with(s, &p1, 1, &e), OTTO_EINVAL);
    assert_status(otto_study_waiting(NULL, &w, &n), OTTO_EINVAL);
    otto_study_waiting_free(s, NULL, 0);
    otto_study_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_options_are_einval_and_free_the_sampler),
        cmocka_unit_test(options_from_an_older_caller_are_read),
        cmocka_unit_test(tell_semantics),
        cmocka_unit_test(best_trial_follows_direction),
        cmocka_unit_test(pareto_front),
        cmocka_unit_test(enqueued_params_come_first),
        cmocka_unit_test(add_trial_warm_start),
        cmocka_unit_test(ask_with_samples_the_whole_space),
        cmocka_unit_test(seeded_runs_are_reproducible),
        cmocka_unit_test(random_sampler_is_uniform_in_working_space),
        cmocka_unit_test(relative_sampling_uses_the_intersection),
        cmocka_unit_test(sampler_errors_are_reported),
        cmocka_unit_test(pruner_and_filtered_view),
        cmocka_unit_test(null_handles),
        cmocka_unit_test(set_sampler),
        cmocka_unit_test(add_trial_with_extras),
        cmocka_unit_test(waiting_trials),
        cmocka_unit_test(enqueued_nan_fails_the_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
