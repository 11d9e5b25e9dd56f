/* Forgetting (otto_study_options.forget_window): a sampler's view holds only
 * the last W trials to finish, with their own intersection search space,
 * and a pruner's filter applies within them;
 * otto_study_view gives the same window to code outside a sampler;
 * recommend reads only the window, so it follows a moved optimum; and with
 * the option off a seeded run is the same as without it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common.h"

/* ---- a plug-in sampler that records what its views hold ---------------------- */

typedef struct recorder {
    size_t n_asks;
    size_t count[64];       /* otto_view_count at each sample_independent */
    int64_t first[64];      /* number of the view's first trial (-1: empty) */
    int64_t last[64];       /* and of its last */
    size_t isect_at_relative; /* otto_view_intersection at the last sample_relative */
    size_t after_count;     /* otto_view_count at the last after_trial */
} recorder;

static int rec_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                           const otto_distribution *dist, double *out)
{
    (void)trial;
    (void)name;
    recorder *r = state;
    size_t n = otto_view_count(v);
    if (r->n_asks < 64) {
        r->count[r->n_asks] = n;
        r->first[r->n_asks] = n ? otto_trial_number(otto_view_trial(v, 0)) : -1;
        r->last[r->n_asks] = n ? otto_trial_number(otto_view_trial(v, n - 1)) : -1;
    }
    r->n_asks++;
    *out = dist->kind == OTTO_DIST_CATEGORICAL ? 0.0 : dist->low;
    return OTTO_OK;
}

static int rec_relative(void *state, const otto_view *v, otto_trial *trial,
                        const otto_space *space, double *out)
{
    (void)trial;
    (void)space;
    (void)out;
    ((recorder *)state)->isect_at_relative = otto_view_intersection(v, NULL);
    return OTTO_ENOTSUP;
}

static void rec_after(void *state, const otto_view *v, otto_trial *trial, otto_trial_state st,
                      const double *values, size_t n_values)
{
    (void)trial;
    (void)st;
    (void)values;
    (void)n_values;
    ((recorder *)state)->after_count = otto_view_count(v);
}

static const otto_sampler_vtable rec_vt = {
    .size = sizeof(otto_sampler_vtable),
    .name = "recorder",
    .sample_relative = rec_relative,
    .sample_independent = rec_independent,
    .after_trial = rec_after,
};

static otto_study *window_study(size_t window, recorder *r)
{
    otto_sampler *sm;
    assert_ok(otto_sampler_create(&rec_vt, r, OTTO_SEED_NONE, &sm));
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    so.sampler = sm;
    so.forget_window = window;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

/* One trial with param "a" (and "b" when with_b), told COMPLETE. */
static void one_trial(otto_study *s, int with_b, otto_trial_state st)
{
    otto_trial *t;
    double x, y = 1.0;
    assert_ok(otto_study_ask(s, &t));
    assert_ok(otto_trial_suggest_float(t, "a", 0, 1, 0, 0, &x));
    if (with_b)
        assert_ok(otto_trial_suggest_float(t, "b", 0, 1, 0, 0, &x));
    assert_ok(otto_study_tell(s, t, st, st == OTTO_TRIAL_COMPLETE ? &y : NULL,
                              st == OTTO_TRIAL_COMPLETE));
}

/* The sampler's view at ask k holds the last min(k, W) finished trials, FAIL
 * ones included, in finishing order; after_trial sees the window too. */
static void test_view_is_the_window(void **state)
{
    (void)state;
    recorder r = {0};
    otto_study *s = window_study(5, &r);
    for (int i = 0; i < 12; i++)
        one_trial(s, 0, i == 7 ? OTTO_TRIAL_FAIL : OTTO_TRIAL_COMPLETE);
    assert_int_equal(r.n_asks, 12);
    for (size_t k = 0; k < 12; k++) {
        size_t want = k < 5 ? k : 5;
        assert_int_equal(r.count[k], want);
        if (want) {
            assert_int_equal(r.first[k], (int64_t)(k - want));
            assert_int_equal(r.last[k], (int64_t)k - 1);
        }
    }
    assert_int_equal(r.after_count, 5);
    assert_int_equal(otto_study_trial_count(s), 12); /* forgetting keeps the trials */
    otto_view *v;
    assert_ok(otto_study_view(s, &v));
    assert_int_equal(otto_view_count(v), 5);
    assert_int_equal(otto_trial_number(otto_view_trial(v, 0)), 7);
    assert_null(otto_view_trial(v, 5));
    otto_view_destroy(v);
    otto_study_destroy(s);

    /* off: every trial */
    recorder all = {0};
    s = window_study(0, &all);
    for (int i = 0; i < 12; i++)
        one_trial(s, 0, OTTO_TRIAL_COMPLETE);
    for (size_t k = 0; k < 12; k++)
        assert_int_equal(all.count[k], k);
    assert_ok(otto_study_view(s, &v));
    assert_int_equal(otto_view_count(v), 12);
    otto_view_destroy(v);
    otto_study_destroy(s);
}

/* The intersection search space is that of the window's COMPLETE trials:
 * once the trials without "b" have left the window, "b" is in it. */
static void test_window_intersection(void **state)
{
    (void)state;
    recorder r = {0};
    otto_study *s = window_study(3, &r);
    for (int i = 0; i < 4; i++)
        one_trial(s, 0, OTTO_TRIAL_COMPLETE);
    for (int i = 0; i < 3; i++)
        one_trial(s, 1, OTTO_TRIAL_COMPLETE);
    one_trial(s, 1, OTTO_TRIAL_COMPLETE); /* its view: the three trials with a and b */
    assert_int_equal(r.isect_at_relative, 2);
    otto_study_destroy(s);

    recorder all = {0};
    s = window_study(0, &all);
    for (int i = 0; i < 4; i++)
        one_trial(s, 0, OTTO_TRIAL_COMPLETE);
    for (int i = 0; i < 4; i++)
        one_trial(s, 1, OTTO_TRIAL_COMPLETE);
    assert_int_equal(all.isect_at_relative, 1); /* the study-wide space: "a" only */
    otto_study_destroy(s);
}

/* A pruner's filter applies within the window: with a window of 6 and a
 * pruner that keeps even-numbered trials, the view at ask k holds the even
 * numbers among k-6..k-1. */
static int never_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    (void)state;
    (void)v;
    (void)t;
    *out = 0;
    return OTTO_OK;
}

static int keep_even(void *state, const otto_trial *t, const otto_trial *candidate)
{
    (void)state;
    (void)t;
    return otto_trial_number(candidate) % 2 == 0;
}

static const otto_pruner_vtable even_vt = {
    .size = sizeof(otto_pruner_vtable),
    .name = "even",
    .prune = never_prune,
    .filter = keep_even,
};

static void test_pruner_filter_within_window(void **state)
{
    (void)state;
    recorder r = {0};
    otto_sampler *sm;
    otto_pruner *pr;
    assert_ok(otto_sampler_create(&rec_vt, &r, OTTO_SEED_NONE, &sm));
    assert_ok(otto_pruner_create(&even_vt, NULL, &pr));
    otto_study_options so;
    otto_study_options_init(&so);
    so.sampler = sm;
    so.pruner = pr;
    so.forget_window = 6;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    for (int i = 0; i < 15; i++)
        one_trial(s, 0, OTTO_TRIAL_COMPLETE);
    for (size_t k = 6; k < 15; k++) {
        int64_t lo = (int64_t)k - 6, hi = (int64_t)k - 1;
        assert_int_equal(r.count[k], 3);
        assert_int_equal(r.first[k], lo + (lo & 1));
        assert_int_equal(r.last[k], hi - (hi & 1));
    }
    otto_study_destroy(s);
}

/* A built-in model-based sampler (TPE, past its startup) reads the window:
 * after 40 trials of an objective best at 0.1 (on a lower level) and 20 of
 * one best at 0.9, TPE with a window of 20 proposes near 0.9, without it
 * near 0.1. */
static void test_tpe_follows_window(void **state)
{
    (void)state;
    double mean[2];
    for (int w = 0; w < 2; w++) {
        otto_tpe_options to;
        otto_tpe_options_init(&to);
        otto_sampler *sm;
        assert_ok(otto_sampler_tpe_create(&to, &sm));
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 7;
        so.sampler = sm;
        so.forget_window = w ? 20 : 0;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        otto_space *sp;
        assert_ok(otto_space_create(&sp));
        assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
        /* the old objective: best near 0.1, on a lower level; the new one:
         * best near 0.9 */
        for (int i = 0; i < 60; i++) { /* each on a grid over [0, 1] */
            double x = i < 40 ? (i + 0.5) / 40 : (i - 40 + 0.5) / 20;
            double y = i < 40 ? fabs(x - 0.1) - 1.0 : fabs(x - 0.9);
            assert_ok(otto_study_add_trial(s, sp, &x, OTTO_TRIAL_COMPLETE, &y, 1, NULL));
        }
        double sum = 0;
        for (int i = 0; i < 20; i++) {
            otto_trial *t;
            double x;
            assert_ok(otto_study_ask_with(s, sp, &t));
            assert_ok(otto_trial_param_float(t, "x", &x));
            sum += x;
            double y = fabs(x - 0.9);
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
        }
        mean[w] = sum / 20;
        otto_space_destroy(sp);
        otto_study_destroy(s);
    }
    print_message("mean TPE proposal: %.3f without the window, %.3f with it\n", mean[0],
                  mean[1]);
    assert_true(mean[0] < 0.35);
    assert_true(mean[1] > 0.65);
}

/* The study's window and TPE's own n_history window are the same last W
 * trials: a seeded TPE run gives the same trials both ways, so TPE's
 * caches, kept by view index, follow the sliding window. (With a pruner's
 * filter the two differ by design: the study's window is cut before the
 * filter, n_history after it.) */
static void test_tpe_window_is_n_history(void **state)
{
    (void)state;
    {
        double xs[2][60];
        for (int way = 0; way < 2; way++) {
            otto_tpe_options to;
            otto_tpe_options_init(&to);
            to.n_history = way ? 0 : 15;
            to.n_startup_trials = 5;
            otto_sampler *sm;
            assert_ok(otto_sampler_tpe_create(&to, &sm));
            otto_study_options so;
            otto_study_options_init(&so);
            so.seed = 5;
            so.sampler = sm;
            so.forget_window = way ? 15 : 0;
            otto_study *s;
            assert_ok(otto_study_create(&so, &s));
            for (int i = 0; i < 60; i++) {
                otto_trial *t;
                double x, z, c = i < 30 ? 1.0 : -1.0; /* the optimum moves */
                assert_ok(otto_study_ask(s, &t));
                assert_ok(otto_trial_suggest_float(t, "x", -2, 2, 0, 0, &x));
                assert_ok(otto_trial_suggest_float(t, "z", -2, 2, 0, 0, &z));
                double v = (x - c) * (x - c) + (z - c) * (z - c);
                assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
                xs[way][i] = x + 10 * z;
            }
            otto_study_destroy(s);
        }
        assert_memory_equal(xs[0], xs[1], sizeof xs[0]);
    }
}

/* ---- recommend ------------------------------------------------------------------ */

/* Trials 0..39: value 0 (the old level, the best ever seen); trials 40..49:
 * 10 + x. Recommend with a window of 10 reads only the last ten, without it
 * one of the first forty. */
static void test_recommend_reads_window(void **state)
{
    (void)state;
    for (int w = 0; w < 2; w++) {
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 3;
        so.forget_window = w ? 10 : 0;
        otto_sampler *sm;
        assert_ok(otto_sampler_random_create(NULL, &sm));
        so.sampler = sm;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        for (int i = 0; i < 50; i++) {
            otto_trial *t;
            double x;
            assert_ok(otto_study_ask(s, &t));
            assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
            double y = i < 40 ? 0.0 : 10.0 + x;
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
        }
        const otto_trial *t;
        double mean, sd;
        assert_ok(otto_study_recommend(s, NULL, &t, &mean, &sd));
        if (w) {
            assert_true(otto_trial_number(t) >= 40);
            assert_true(mean > 9.0);
        } else {
            assert_true(otto_trial_number(t) < 40);
        }
        otto_study_destroy(s);
    }
}

/* A drifting noisy 2-D objective: (x - c)^2 + (y - c)^2 with noise sd 0.05,
 * c = 0.5 for trials 0..59, then c = -0.5 for trials 60..99, on [-1,1]^2,
 * random sampler. The true regret (on the moved objective) of the
 * recommendation at trial 100, with a window of 40 and without, over 10
 * seeds. */
static double drift_regret(uint64_t seed, size_t window)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.forget_window = window;
    otto_sampler *sm;
    assert_ok(otto_sampler_random_create(NULL, &sm));
    so.sampler = sm;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    uint64_t noise = 0x9e3779b97f4a7c15ULL * (seed + 1);
    for (int i = 0; i < 100; i++) {
        otto_trial *t;
        double x, y, c = i < 60 ? 0.5 : -0.5;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "y", -1, 1, 0, 0, &y));
        double e = 0;
        for (int k = 0; k < 12; k++) { /* Irwin-Hall: near normal, sd 1 */
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            e += (double)(noise >> 11) / 9007199254740992.0;
        }
        double v = (x - c) * (x - c) + (y - c) * (y - c) + 0.05 * (e - 6.0);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    const otto_trial *t;
    double mean, sd, x, y;
    assert_ok(otto_study_recommend(s, NULL, &t, &mean, &sd));
    assert_ok(otto_trial_param_float(t, "x", &x));
    assert_ok(otto_trial_param_float(t, "y", &y));
    otto_study_destroy(s);
    return (x + 0.5) * (x + 0.5) + (y + 0.5) * (y + 0.5);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_recommend_follows_drift(void **state)
{
    (void)state;
    enum { SEEDS = 10 };
    double with[SEEDS], without[SEEDS];
    int wins = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        with[seed] = drift_regret(seed, 40);
        without[seed] = drift_regret(seed, 0);
        wins += with[seed] < without[seed];
    }
    qsort(with, SEEDS, sizeof *with, cmp_double);
    qsort(without, SEEDS, sizeof *without, cmp_double);
    double m_with = 0.5 * (with[4] + with[5]), m_without = 0.5 * (without[4] + without[5]);
    print_message("drift: window better on %d of %d seeds; median true regret %.4f with the "
                  "window, %.4f without\n", wins, SEEDS, m_with, m_without);
    assert_true(wins >= 8);
    assert_true(m_with < 0.25 * m_without);
}

/* ---- the option off, and bad input --------------------------------------------------- */

/* A window at least as long as the run changes nothing: the same trials as
 * with the option off, value for value (TPE, seeded). */
static void test_long_window_is_off(void **state)
{
    (void)state;
    double xs[2][40];
    for (int w = 0; w < 2; w++) {
        otto_tpe_options to;
        otto_tpe_options_init(&to);
        otto_sampler *sm;
        assert_ok(otto_sampler_tpe_create(&to, &sm));
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 11;
        so.sampler = sm;
        so.forget_window = w ? 40 : 0;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        for (int i = 0; i < 40; i++) {
            otto_trial *t;
            double x, z;
            assert_ok(otto_study_ask(s, &t));
            assert_ok(otto_trial_suggest_float(t, "x", -2, 2, 0, 0, &x));
            assert_ok(otto_trial_suggest_float(t, "z", -2, 2, 0, 0, &z));
            double v = x * x + (z - 1) * (z - 1);
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
            xs[w][i] = x + 10 * z;
        }
        otto_study_destroy(s);
    }
    assert_memory_equal(xs[0], xs[1], sizeof xs[0]);
}

static void test_bad_input(void **state)
{
    (void)state;
    otto_view *v = (otto_view *)1;
    assert_status(otto_study_view(NULL, &v), OTTO_EINVAL);
    assert_null(v);
    otto_study *s = make_random_study(1, OTTO_MINIMIZE, NULL);
    assert_status(otto_study_view(s, NULL), OTTO_EINVAL);
    otto_view_destroy(NULL); /* a no-op */
    otto_study_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view_is_the_window),
        cmocka_unit_test(test_window_intersection),
        cmocka_unit_test(test_pruner_filter_within_window),
        cmocka_unit_test(test_tpe_follows_window),
        cmocka_unit_test(test_tpe_window_is_n_history),
        cmocka_unit_test(test_recommend_reads_window),
        cmocka_unit_test(test_recommend_follows_drift),
        cmocka_unit_test(test_long_window_is_off),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
