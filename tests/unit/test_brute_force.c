/* The brute-force sampler: a conditional search space (with a range that
 * depends on another param) is covered exactly once in as many trials as it
 * has combinations, then any combination repeats; it is exhausted (and
 * otto_study_optimize stops) once everything is explored; an infinite float
 * is an error. */
#include "../common.h"

static otto_sampler *bf_sampler(uint64_t seed)
{
    otto_brute_force_options o;
    otto_brute_force_options_init(&o);
    o.seed = seed;
    otto_sampler *s;
    assert_ok(otto_sampler_brute_force_create(&o, &s));
    return s;
}

/* c in {float, int}; float: x in {1, 1.5, ..., 3}; int: a in 1..3, b in a..3.
 * 5 + 6 = 11 combinations, coded as an index. */
static int one_trial(otto_study *s)
{
    static const char *const kinds[2] = {"float", "int"};
    otto_trial *t;
    size_t c;
    int code;
    assert_ok(otto_study_ask(s, &t));
    assert_ok(otto_trial_suggest_categorical(t, "c", kinds, 2, &c));
    if (c == 0) {
        double x;
        assert_ok(otto_trial_suggest_float(t, "x", 1, 3, 0.5, 0, &x));
        code = (int)((x - 1) * 2); /* 0..4 */
    } else {
        int64_t a, b;
        assert_ok(otto_trial_suggest_int(t, "a", 1, 3, 1, 0, &a));
        assert_ok(otto_trial_suggest_int(t, "b", a, 3, 1, 0, &b));
        code = 5 + (int)(a * 3 + b); /* distinct per (a, b) */
    }
    double v = code;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    return code;
}

static void covers_the_space_once(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        otto_study *s = make_study(seed, OTTO_MINIMIZE, bf_sampler(seed), NULL);
        int seen[32] = {0}, distinct = 0;
        for (int i = 0; i < 11; i++) {
            int code = one_trial(s);
            assert_true(code >= 0 && code < 32);
            distinct += seen[code]++ == 0;
        }
        assert_int_equal(distinct, 11);
        (void)one_trial(s); /* explored: any combination, no error */
        otto_study_destroy(s);
    }
}

static otto_trial_state bf_objective(otto_trial *t, void *ud, double *out, size_t n)
{
    (void)n;
    int *seen = ud;
    static const char *const kinds[2] = {"float", "int"};
    size_t c;
    if (otto_trial_suggest_categorical(t, "c", kinds, 2, &c))
        return OTTO_TRIAL_FAIL;
    int code;
    if (c == 0) {
        double x;
        if (otto_trial_suggest_float(t, "x", 1, 3, 0.5, 0, &x))
            return OTTO_TRIAL_FAIL;
        code = (int)((x - 1) * 2);
    } else {
        int64_t a, b;
        if (otto_trial_suggest_int(t, "a", 1, 3, 1, 0, &a) ||
            otto_trial_suggest_int(t, "b", a, 3, 1, 0, &b))
            return OTTO_TRIAL_FAIL;
        code = 5 + (int)(a * 3 + b);
    }
    seen[code]++;
    out[0] = code;
    return otto_trial_number(t) % 4 == 3 ? OTTO_TRIAL_PRUNED : OTTO_TRIAL_COMPLETE;
}

/* optimize without a trial budget stops once the 11 combinations are
 * explored (PRUNED ones count), as Optuna's does; exhaustion before that is
 * 0 and after it 1. */
static void optimize_stops_when_explored(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        otto_study *s = make_study(seed, OTTO_MINIMIZE, bf_sampler(seed), NULL);
        int exhausted = -1, seen[32] = {0};
        assert_ok(otto_study_exhausted(s, &exhausted));
        assert_int_equal(exhausted, 0);
        otto_optimize_options oo;
        otto_optimize_options_init(&oo); /* n_trials 0: until stopped */
        assert_ok(otto_study_optimize(s, bf_objective, seen, &oo));
        assert_int_equal(otto_study_trial_count(s), 11);
        for (int code = 0; code < 32; code++)
            assert_true(seen[code] <= 1);
        assert_ok(otto_study_exhausted(s, &exhausted));
        assert_int_equal(exhausted, 1);
        otto_study_destroy(s);
    }
}

/* A running trial's combination counts as explored unless
 * avoid_premature_stop; a trial told FAIL before any suggest explores the
 * whole (still unknown) tree, as Optuna's tree of one leaf. */
static void exhaustion_and_running_trials(void **state)
{
    (void)state;
    for (int avoid = 0; avoid <= 1; avoid++) {
        otto_brute_force_options o;
        otto_brute_force_options_init(&o);
        o.avoid_premature_stop = avoid;
        otto_sampler *sm;
        assert_ok(otto_sampler_brute_force_create(&o, &sm));
        otto_study *s = make_study(4, OTTO_MINIMIZE, sm, NULL);
        static const char *const ab[2] = {"a", "b"};
        otto_trial *first, *second;
        size_t c1, c2;
        int exhausted = -1;
        assert_ok(otto_study_ask(s, &first));
        assert_ok(otto_trial_suggest_categorical(first, "p", ab, 2, &c1));
        assert_ok(otto_study_ask(s, &second));
        assert_ok(otto_trial_suggest_categorical(second, "p", ab, 2, &c2));
        assert_true(c1 != c2);
        double v = 1;
        assert_ok(otto_study_tell(s, second, OTTO_TRIAL_COMPLETE, &v, 1));
        assert_ok(otto_study_exhausted(s, &exhausted));
        assert_int_equal(exhausted, !avoid); /* first's value still runs */
        assert_ok(otto_study_tell(s, first, OTTO_TRIAL_COMPLETE, &v, 1));
        assert_ok(otto_study_exhausted(s, &exhausted));
        assert_int_equal(exhausted, 1);
        otto_study_destroy(s);
    }
    otto_study *s = make_study(5, OTTO_MINIMIZE, bf_sampler(5), NULL);
    otto_trial *t;
    int exhausted = -1;
    assert_ok(otto_study_ask(s, &t));
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
    assert_ok(otto_study_exhausted(s, &exhausted));
    assert_int_equal(exhausted, 1);
    otto_study_destroy(s);
}

static void infinite_float_is_an_error(void **state)
{
    (void)state;
    otto_study *s = make_study(1, OTTO_MINIMIZE, bf_sampler(OTTO_SEED_NONE), NULL);
    otto_trial *t;
    double x;
    assert_ok(otto_study_ask(s, &t));
    assert_status(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), OTTO_ECALLBACK);
    assert_non_null(strstr(otto_last_error_message(), "without a step"));
    otto_study_destroy(s);
    assert_status(otto_sampler_brute_force_create(NULL, NULL), OTTO_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(covers_the_space_once),
        cmocka_unit_test(optimize_stops_when_explored),
        cmocka_unit_test(exhaustion_and_running_trials),
        cmocka_unit_test(infinite_float_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
