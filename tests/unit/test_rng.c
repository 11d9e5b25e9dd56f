/* Per-trial random streams: reproducible, independent across trial numbers,
 * and with the right distributions. Reaches the stream constructor directly
 * (static library). */
#include "../common.h"
#include "core/internal.h"

static void same_seed_same_stream(void **state)
{
    (void)state;
    otto_rng a, b, c;
    otto__rng_init(&a, 42, 7);
    otto__rng_init(&b, 42, 7);
    otto__rng_init(&c, 42, 8);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = otto_rng_next(&a);
        assert_true(x == otto_rng_next(&b));
        differ += x != otto_rng_next(&c);
    }
    assert_true(differ > 95);
}

static void seed_zero_is_a_seed(void **state)
{
    (void)state;
    otto_rng a, b;
    otto__rng_init(&a, 0, 0);
    otto__rng_init(&b, 0, 0);
    assert_true(otto_rng_next(&a) == otto_rng_next(&b));
    assert_true(otto_rng_next(&a) != 0 || otto_rng_next(&a) != 0);
}

static void uniform_and_normal_moments(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 3, 1);
    const int n = 200000;
    double sum = 0, sq = 0, nsum = 0, nsq = 0;
    for (int i = 0; i < n; i++) {
        double u = otto_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
        sq += u * u;
        double z = otto_rng_normal(&r);
        nsum += z;
        nsq += z * z;
    }
    assert_close(sum / n, 0.5, 0.005);
    assert_close(sq / n - (sum / n) * (sum / n), 1.0 / 12, 0.003);
    assert_close(nsum / n, 0.0, 0.01);
    assert_close(nsq / n, 1.0, 0.02);
}

static void below_is_unbiased_and_in_range(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 9, 9);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t k = otto_rng_below(&r, 7);
        assert_true(k < 7);
        counts[k]++;
    }
    for (int k = 0; k < 7; k++)
        assert_in_range(counts[k], 9500, 10500);
    assert_true(otto_rng_below(&r, 0) == 0);
    assert_true(otto_rng_below(&r, 1) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_stream),
        cmocka_unit_test(seed_zero_is_a_seed),
        cmocka_unit_test(uniform_and_normal_moments),
        cmocka_unit_test(below_is_unbiased_and_in_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
