/* The QMC sampler: trial k takes point k of the Sobol or Halton sequence
 * (the same points scipy.stats.qmc gives, unscrambled) over the first
 * trial's float and int params; scrambling follows the seed; categorical
 * params are drawn at random. */
#include "../common.h"

static otto_sampler *qmc_sampler(otto_qmc_sequence seq, int scramble, uint64_t seed)
{
    otto_qmc_options o;
    otto_qmc_options_init(&o);
    o.sequence = seq;
    o.scramble = scramble;
    o.seed = seed;
    o.warn_independent_sampling = 0;
    otto_sampler *s;
    assert_ok(otto_sampler_qmc_create(&o, &s));
    return s;
}

/* Runs n trials over x, y in [0, 1] and a categorical; xs/ys get the values. */
static void run(otto_sampler *sm, int n, double *xs, double *ys)
{
    otto_study *s = make_study(1, OTTO_MINIMIZE, sm, NULL);
    static const char *const ab[2] = {"a", "b"};
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        size_t c;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &xs[i]));
        assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &ys[i]));
        assert_ok(otto_trial_suggest_categorical(t, "c", ab, 2, &c));
        double v = xs[i] + ys[i];
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

static void sequences_are_scipys(void **state)
{
    (void)state;
    double x[6], y[6];
    /* scipy.stats.qmc.Sobol(2, scramble=False).random(6) and Halton(2, ...) */
    const double sobol[6][2] = {{0, 0}, {0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75},
                                {0.375, 0.375}, {0.875, 0.875}};
    const double halton[6][2] = {{0, 0}, {0.5, 1.0 / 3}, {0.25, 2.0 / 3}, {0.75, 1.0 / 9},
                                 {0.125, 4.0 / 9}, {0.625, 7.0 / 9}};
    run(qmc_sampler(OTTO_QMC_SOBOL, 0, OTTO_SEED_NONE), 6, x, y);
    for (int k = 1; k < 6; k++) { /* trial 0 is random: no space yet */
        assert_close(x[k], sobol[k][0], 1e-15);
        assert_close(y[k], sobol[k][1], 1e-15);
    }
    run(qmc_sampler(OTTO_QMC_HALTON, 0, OTTO_SEED_NONE), 6, x, y);
    for (int k = 1; k < 6; k++) {
        assert_close(x[k], halton[k][0], 1e-15);
        assert_close(y[k], halton[k][1], 1e-15);
    }
}

static void scrambling_follows_the_seed(void **state)
{
    (void)state;
    for (int seq = OTTO_QMC_SOBOL; seq <= OTTO_QMC_HALTON; seq++) {
        double a[8], b[8], c[8], ya[8], yb[8], yc[8];
        run(qmc_sampler((otto_qmc_sequence)seq, 1, 5), 8, a, ya);
        run(qmc_sampler((otto_qmc_sequence)seq, 1, 5), 8, b, yb);
        run(qmc_sampler((otto_qmc_sequence)seq, 1, 6), 8, c, yc);
        assert_memory_equal(a, b, sizeof a);
        assert_true(memcmp(a + 1, c + 1, 7 * sizeof *a) != 0);
        for (int k = 0; k < 8; k++)
            assert_true(a[k] >= 0 && a[k] <= 1 && ya[k] >= 0 && ya[k] <= 1);
    }
}

/* 64 points fill the 8 x 8 cells of the square far more evenly than random
 * draws do (64 uniform points leave 64 (63/64)^64 = 23 cells empty on
 * average). */
static void fills_the_square(void **state)
{
    (void)state;
    double x[65], y[65];
    run(qmc_sampler(OTTO_QMC_SOBOL, 1, 3), 65, x, y);
    int cells[64] = {0}, empty = 0;
    for (int k = 1; k < 65; k++)
        cells[(int)(x[k] * 8) * 8 + (int)(y[k] * 8)]++;
    for (int i = 0; i < 64; i++)
        empty += cells[i] == 0;
    assert_true(empty <= 4);
}

static void bad_options(void **state)
{
    (void)state;
    otto_qmc_options o;
    otto_qmc_options_init(&o);
    o.sequence = (otto_qmc_sequence)7;
    otto_sampler *s = NULL;
    assert_status(otto_sampler_qmc_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
    assert_status(otto_sampler_qmc_create(NULL, NULL), OTTO_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sequences_are_scipys),
        cmocka_unit_test(scrambling_follows_the_seed),
        cmocka_unit_test(fills_the_square),
        cmocka_unit_test(bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
