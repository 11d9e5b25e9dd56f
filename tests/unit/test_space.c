/* Distributions and declared spaces: validation, the unit transform and its
 * inverse, grid membership. */
#include "../common.h"

static otto_distribution dist_of(otto_space *sp, size_t i)
{
    otto_distribution d;
    assert_ok(otto_space_param(sp, i, NULL, &d));
    return d;
}

static void bad_arguments_are_einval(void **state)
{
    (void)state;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_status(otto_space_add_float(sp, "x", 1, 0, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", NAN, 1, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 0, INFINITY, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 0, 1, 0, OTTO_LOG), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 1, 2, 0.5, OTTO_LOG), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 0, 1, -0.1, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 0, 1, NAN, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "x", 0, 1, 0, 0x80), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "", 0, 1, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, NULL, 0, 1, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_add_int(sp, "n", 5, 4, 1, 0), OTTO_EINVAL);
    assert_status(otto_space_add_int(sp, "n", 0, 4, 1, OTTO_LOG), OTTO_EINVAL);
    assert_status(otto_space_add_int(sp, "n", 1, 8, 2, OTTO_LOG), OTTO_EINVAL);
    assert_status(otto_space_add_int(sp, "n", 0, 8, -1, 0), OTTO_EINVAL);
    assert_status(otto_space_add_int(sp, "n", 0, INT64_MAX, 1, 0), OTTO_EINVAL);
    const char *dup[] = {"a", "b", "a"};
    const char *withnull[] = {"a", NULL};
    assert_status(otto_space_add_categorical(sp, "c", dup, 0), OTTO_EINVAL);
    assert_status(otto_space_add_categorical(sp, "c", NULL, 2), OTTO_EINVAL);
    assert_status(otto_space_add_categorical(sp, "c", withnull, 2), OTTO_EINVAL);
    assert_status(otto_space_add_categorical(sp, "c", dup, 3), OTTO_EINVAL);
    assert_int_equal(otto_space_size(sp), 0);
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    assert_status(otto_space_add_int(sp, "x", 0, 1, 1, 0), OTTO_EINVAL); /* name taken */
    assert_status(otto_space_add_float(NULL, "y", 0, 1, 0, 0), OTTO_EINVAL);
    assert_status(otto_space_param(sp, 1, NULL, NULL), OTTO_ERANGE);
    size_t idx;
    assert_status(otto_space_find(sp, "nope", &idx), OTTO_ENOTFOUND);
    assert_ok(otto_space_find(sp, "x", &idx));
    assert_int_equal(idx, 0);
    assert_int_equal(otto_space_size(NULL), 0);
    otto_space_destroy(sp);
    otto_space_destroy(NULL);
}

static void step_not_dividing_lowers_high(void **state)
{
    (void)state;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "f", 0, 1, 0.3, 0));
    assert_ok(otto_space_add_int(sp, "i", 0, 10, 3, 0));
    assert_ok(otto_space_add_float(sp, "g", 0, 1, 0.1, 0)); /* 0.1 divides 1 up to rounding */
    assert_close(dist_of(sp, 0).high, 0.9, 1e-12);
    assert_close(dist_of(sp, 1).high, 9, 0);
    assert_close(dist_of(sp, 2).high, 1.0, 0);
    otto_space_destroy(sp);
}

static void unit_transform_round_trips(void **state)
{
    (void)state;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    const char *ch[] = {"a", "b", "c", "d"};
    assert_ok(otto_space_add_float(sp, "f", -2, 3, 0, 0));
    assert_ok(otto_space_add_float(sp, "lf", 1e-5, 1e-1, 0, OTTO_LOG));
    assert_ok(otto_space_add_float(sp, "sf", 0, 1, 0.25, 0));
    assert_ok(otto_space_add_int(sp, "i", -3, 7, 1, 0));
    assert_ok(otto_space_add_int(sp, "li", 1, 1024, 1, OTTO_LOG));
    assert_ok(otto_space_add_int(sp, "si", 0, 100, 10, 0));
    assert_ok(otto_space_add_categorical(sp, "c", ch, 4));
    for (size_t p = 0; p < otto_space_size(sp); p++) {
        otto_distribution d = dist_of(sp, p);
        for (int k = 0; k <= 1000; k++) {
            double u = k / 1000.0;
            double v = otto_distribution_from_unit(&d, u);
            assert_true(otto_distribution_contains(&d, v));
            double u2 = otto_distribution_to_unit(&d, v);
            assert_true(u2 >= 0.0 && u2 <= 1.0);
            /* mapping back gives the same internal value */
            assert_close(otto_distribution_from_unit(&d, u2), v, 1e-9 * fmax(1, fabs(v)));
        }
        /* out-of-range u is clamped, NaN stays NaN */
        assert_true(otto_distribution_contains(&d, otto_distribution_from_unit(&d, -3)));
        assert_true(otto_distribution_contains(&d, otto_distribution_from_unit(&d, 7)));
        assert_true(isnan(otto_distribution_from_unit(&d, NAN)));
    }
    otto_distribution lf = dist_of(sp, 1);
    assert_close(otto_distribution_to_unit(&lf, 1e-3), 0.5, 1e-12); /* log midpoint */
    otto_distribution c = dist_of(sp, 6);
    assert_close(otto_distribution_to_unit(&c, 0), 0.125, 1e-15);
    assert_close(otto_distribution_from_unit(&c, 0.99), 3, 0);
    otto_space_destroy(sp);
}

static void contains_checks_range_and_grid(void **state)
{
    (void)state;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "sf", 0, 1, 0.25, 0));
    assert_ok(otto_space_add_int(sp, "si", 1, 9, 2, 0));
    otto_distribution sf = dist_of(sp, 0), si = dist_of(sp, 1);
    assert_true(otto_distribution_contains(&sf, 0.75));
    assert_false(otto_distribution_contains(&sf, 0.7));
    assert_false(otto_distribution_contains(&sf, 1.25));
    assert_false(otto_distribution_contains(&sf, NAN));
    assert_true(otto_distribution_contains(&si, 5));
    assert_false(otto_distribution_contains(&si, 4));
    assert_false(otto_distribution_contains(&si, 5.5));
    assert_false(otto_distribution_contains(NULL, 1));
    otto_space_destroy(sp);
}

static void single_value_range(void **state)
{
    (void)state;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "f", 2, 2, 0, 0));
    otto_distribution d = dist_of(sp, 0);
    assert_close(otto_distribution_to_unit(&d, 2), 0.5, 0);
    assert_close(otto_distribution_from_unit(&d, 0.9), 2, 0);
    otto_space_destroy(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_arguments_are_einval),
        cmocka_unit_test(step_not_dividing_lowers_high),
        cmocka_unit_test(unit_transform_round_trips),
        cmocka_unit_test(contains_checks_range_and_grid),
        cmocka_unit_test(single_value_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
