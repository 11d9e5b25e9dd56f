/* The brute-force sampler: a conditional search space (with a range that
 * depends on another param) is covered exactly once in as many trials as it
 * has combinations, then any combination repeats; an infinite float is an
 * error. */
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
        cmocka_unit_test(infinite_float_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
