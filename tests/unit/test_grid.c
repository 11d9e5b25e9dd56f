/* The grid sampler: each point once (serially and from several threads),
 * a seeded and reproducible shuffle, a running trial's point taken by a
 * later trial only when nothing else is left, exhaustion (otto_study_optimize
 * stops with the grid), clear errors for params off the grid, and bad
 * options. */
#include <pthread.h>
#include <stdatomic.h>

#include "../common.h"

static const otto_param_value xs[3] = {{NULL, OTTO_VALUE_NUMBER, 0.1, NULL},
                                       {NULL, OTTO_VALUE_NUMBER, 0.5, NULL},
                                       {NULL, OTTO_VALUE_NUMBER, 0.9, NULL}};
static const otto_param_value cs[2] = {{NULL, OTTO_VALUE_LABEL, 0, "b"},
                                       {NULL, OTTO_VALUE_ANY, 7, "a"}};
static const otto_param_value ks[2] = {{NULL, OTTO_VALUE_NUMBER, 2, NULL},
                                       {NULL, OTTO_VALUE_ANY, 4, "4"}};
static const char *const choices[2] = {"a", "b"};

static otto_sampler *grid_sampler(uint64_t seed)
{
    otto_grid_axis axes[3] = {{"x", 3, xs}, {"k", 2, ks}, {"c", 2, cs}};
    otto_grid_options o;
    otto_grid_options_init(&o);
    o.seed = seed;
    o.n_axes = 3;
    o.axes = axes;
    uint64_t n;
    assert_ok(otto_grid_size(&o, &n));
    assert_int_equal(n, 12);
    otto_sampler *s;
    assert_ok(otto_sampler_grid_create(&o, &s));
    return s;
}

/* The point of a trial as an index 0..11 (x, k, c), after suggesting all three. */
static int suggest_point(otto_trial *t)
{
    double x;
    int64_t k;
    size_t c;
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
    assert_ok(otto_trial_suggest_int(t, "k", 0, 10, 2, 0, &k));
    assert_ok(otto_trial_suggest_categorical(t, "c", choices, 2, &c));
    int xi = x == 0.1 ? 0 : x == 0.5 ? 1 : x == 0.9 ? 2 : -100;
    assert_true(xi >= 0);
    assert_true(k == 2 || k == 4);
    return xi * 4 + (int)(k == 4) * 2 + (int)c;
}

static void run_grid(uint64_t seed, int order[12])
{
    otto_study *s = make_study(1, OTTO_MINIMIZE, grid_sampler(seed), NULL);
    int seen[12] = {0};
    for (int i = 0; i < 12; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        order[i] = suggest_point(t);
        seen[order[i]]++;
        const char *id;
        assert_ok(otto_trial_system_attr(t, "grid_id", &id));
        double v = i;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    for (int p = 0; p < 12; p++)
        assert_int_equal(seen[p], 1);
    otto_study_destroy(s);
}

static void test_each_point_once_and_seeded(void **state)
{
    (void)state;
    int a[12], b[12], c[12];
    run_grid(5, a);
    run_grid(5, b);
    run_grid(6, c);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a, c, sizeof a) != 0);
}

typedef struct shared {
    otto_study *s;
    pthread_mutex_t mu;
    int seen[12];
} shared;

static otto_trial_state grid_objective(otto_trial *t, void *ud, double *out, size_t n)
{
    (void)n;
    shared *sh = ud;
    int p = suggest_point(t);
    pthread_mutex_lock(&sh->mu);
    sh->seen[p]++;
    pthread_mutex_unlock(&sh->mu);
    out[0] = p;
    return OTTO_TRIAL_COMPLETE;
}

/* Four threads run the 12 points: each exactly once. */
static void test_threads_take_distinct_points(void **state)
{
    (void)state;
    shared sh = {make_study(2, OTTO_MINIMIZE, grid_sampler(OTTO_SEED_NONE), NULL),
                 PTHREAD_MUTEX_INITIALIZER,
                 {0}};
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 12;
    oo.n_threads = 4;
    assert_ok(otto_study_optimize(sh.s, grid_objective, &sh, &oo));
    for (int p = 0; p < 12; p++)
        assert_int_equal(sh.seen[p], 1);
    otto_study_destroy(sh.s);
}

/* Past the grid's size: a point left to a running trial is taken again only
 * when every other point is finished; then every point repeats (warned). */
static void test_later_trials_fill_gaps(void **state)
{
    (void)state;
    log_capture logs = {0};
    otto_study *s = make_study(3, OTTO_MINIMIZE, grid_sampler(1), &logs);
    otto_trial *stuck;
    assert_ok(otto_study_ask(s, &stuck));
    int stuck_point = suggest_point(stuck);
    for (int i = 1; i < 12; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        assert_true(suggest_point(t) != stuck_point);
        double v = 0;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    assert_int_equal(suggest_point(t), stuck_point); /* the only one not finished */
    double v = 0;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    assert_ok(otto_study_tell(s, stuck, OTTO_TRIAL_FAIL, NULL, 0));
    int warnings = logs.n_warnings;
    assert_ok(otto_study_ask(s, &t));
    (void)suggest_point(t); /* all visited: any point, with a warning */
    assert_true(logs.n_warnings > warnings);
    otto_study_destroy(s);
}

static int count_calls(otto_study *s, const otto_trial *t, void *ud)
{
    (void)s;
    (void)t;
    atomic_fetch_add((_Atomic int *)ud, 1);
    return 0;
}

/* optimize without a trial budget stops once every point has a finished
 * trial (Optuna's rule), serially and with threads; the callback still
 * hears the trial that completed the grid. */
static void test_optimize_stops_when_exhausted(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 3; threads += 2) {
        shared sh = {make_study(7, OTTO_MINIMIZE, grid_sampler(3), NULL),
                     PTHREAD_MUTEX_INITIALIZER,
                     {0}};
        int exhausted = -1;
        _Atomic int calls = 0;
        assert_ok(otto_study_exhausted(sh.s, &exhausted));
        assert_int_equal(exhausted, 0);
        otto_optimize_options oo;
        otto_optimize_options_init(&oo);
        oo.n_threads = threads; /* n_trials 0: until stopped */
        oo.callback = count_calls;
        oo.callback_user_data = &calls;
        assert_ok(otto_study_optimize(sh.s, grid_objective, &sh, &oo));
        size_t n = otto_study_trial_count(sh.s);
        /* serially exactly the grid; threads may have started a few more
         * before the last point finished */
        assert_true(threads == 1 ? n == 12 : n >= 12 && n < 12 + (size_t)threads);
        assert_int_equal(atomic_load(&calls), (int)n);
        for (int p = 0; p < 12; p++)
            assert_true(sh.seen[p] >= 1);
        assert_ok(otto_study_exhausted(sh.s, &exhausted));
        assert_int_equal(exhausted, 1);
        otto_study_destroy(sh.s);
    }
}

/* Exhausted means every point finished (FAIL and PRUNED count, as in
 * Optuna); a running trial's point does not; trials of another grid in the
 * same study do not. */
static void test_exhausted_counts_finished_points(void **state)
{
    (void)state;
    otto_study *s = make_study(8, OTTO_MINIMIZE, grid_sampler(1), NULL);
    otto_trial *stuck, *t;
    int exhausted = -1;
    assert_ok(otto_study_ask(s, &stuck));
    (void)suggest_point(stuck);
    for (int i = 1; i < 12; i++) {
        assert_ok(otto_study_ask(s, &t));
        (void)suggest_point(t);
        if (i % 3 == 0)
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
        else if (i % 3 == 1)
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_PRUNED, NULL, 0));
        else {
            double v = i;
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        }
        assert_ok(otto_study_exhausted(s, &exhausted));
        assert_int_equal(exhausted, 0);
    }
    /* a 12th finished trial on a point already done: still one open */
    assert_ok(otto_study_ask(s, &t));
    (void)suggest_point(t); /* the stuck one's point: nothing else is open */
    double v = 0;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    assert_ok(otto_study_exhausted(s, &exhausted));
    assert_int_equal(exhausted, 1); /* it took the stuck trial's point */
    assert_ok(otto_study_tell(s, stuck, OTTO_TRIAL_FAIL, NULL, 0));
    assert_ok(otto_study_exhausted(s, &exhausted));
    assert_int_equal(exhausted, 1);
    /* a sampler for another grid (one axis fewer) sees none of its points */
    otto_grid_axis axes[2] = {{"x", 3, xs}, {"k", 2, ks}};
    otto_grid_options o;
    otto_grid_options_init(&o);
    o.n_axes = 2;
    o.axes = axes;
    otto_sampler *other;
    assert_ok(otto_sampler_grid_create(&o, &other));
    assert_ok(otto_study_set_sampler(s, other));
    assert_ok(otto_study_exhausted(s, &exhausted));
    assert_int_equal(exhausted, 0);
    assert_status(otto_study_exhausted(s, NULL), OTTO_EINVAL);
    assert_status(otto_study_exhausted(NULL, &exhausted), OTTO_EINVAL);
    otto_study_destroy(s);
}

static void test_params_off_the_grid(void **state)
{
    (void)state;
    otto_study *s = make_study(4, OTTO_MINIMIZE, grid_sampler(1), NULL);
    otto_trial *t;
    double y;
    int64_t k;
    size_t c;
    assert_ok(otto_study_ask(s, &t));
    assert_status(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y), OTTO_ECALLBACK);
    assert_non_null(strstr(otto_last_error_message(), "not a param of the grid"));
    assert_status(otto_trial_suggest_float(t, "x", 0.2, 0.3, 0, 0, &y), OTTO_ECALLBACK);
    assert_non_null(strstr(otto_last_error_message(), "outside its distribution"));
    assert_status(otto_trial_suggest_int(t, "k", 0, 10, 3, 0, &k), OTTO_ECALLBACK);
    const char *other[2] = {"p", "q"};
    assert_status(otto_trial_suggest_categorical(t, "c", other, 2, &c), OTTO_ECALLBACK);
    assert_non_null(strstr(otto_last_error_message(), "not one of its choices"));
    otto_study_destroy(s);
}

static void test_bad_options(void **state)
{
    (void)state;
    otto_sampler *s = NULL;
    otto_grid_options o;
    otto_grid_options_init(&o);
    assert_status(otto_sampler_grid_create(NULL, &s), OTTO_EINVAL);
    assert_status(otto_sampler_grid_create(&o, NULL), OTTO_EINVAL);
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL); /* no axes */
    otto_grid_axis dup[2] = {{"x", 3, xs}, {"x", 3, xs}};
    o.axes = dup;
    o.n_axes = 2;
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    otto_grid_axis empty[1] = {{"", 3, xs}};
    o.axes = empty;
    o.n_axes = 1;
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    otto_grid_axis none[1] = {{"x", 0, xs}};
    o.axes = none;
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    otto_param_value bad[1] = {{NULL, OTTO_VALUE_NUMBER, NAN, NULL}};
    otto_grid_axis nan_axis[1] = {{"x", 1, bad}};
    o.axes = nan_axis;
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    bad[0].number = 1;
    bad[0].kind = (otto_value_kind)9;
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    bad[0].kind = OTTO_VALUE_LABEL; /* label NULL */
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
    /* 2^60 points: refused before anything is allocated */
    static otto_param_value many[1024];
    otto_grid_axis big[6];
    for (int i = 0; i < 6; i++) {
        static char names[6][4];
        snprintf(names[i], sizeof names[i], "p%d", i);
        big[i] = (otto_grid_axis){names[i], 1024, many};
    }
    for (int i = 0; i < 1024; i++)
        many[i] = (otto_param_value){NULL, OTTO_VALUE_NUMBER, i, NULL};
    o.axes = big;
    o.n_axes = 6;
    uint64_t n;
    assert_status(otto_grid_size(&o, &n), OTTO_ERANGE);
    assert_status(otto_sampler_grid_create(&o, &s), OTTO_ERANGE);
    assert_status(otto_grid_size(NULL, &n), OTTO_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_point_once_and_seeded),
        cmocka_unit_test(test_threads_take_distinct_points),
        cmocka_unit_test(test_later_trials_fill_gaps),
        cmocka_unit_test(test_optimize_stops_when_exhausted),
        cmocka_unit_test(test_exhausted_counts_finished_points),
        cmocka_unit_test(test_params_off_the_grid),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
