/* Tests of the GP sampler's multi-objective mode: closed-form log EHVI against
 * Monte Carlo estimates of the expected hypervolume improvement (2-D and 3-D
 * fronts), against a long-double reference deep in the tail, its gradient
 * against finite differences; and the sampler: it beats ParEGO and random
 * search on ZDT1, ends constrained studies with feasible fronts, spreads
 * parallel asks, and validates its option. */
#include <stdlib.h>

#include "../common.h"
#include "numeric/hypervolume.h"
#include "samplers/gp/ehvi.h"

static otto_allocator alloc;

static int setup(void **state)
{
    (void)state;
    otto__alloc_default(&alloc);
    return 0;
}

static uint64_t rng_state;

static double unif(void) /* splitmix64: portable and seeded */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif());
}

/* n points on a random front in [0, 1]^m: on the sphere of radius 1 about
 * the origin's opposite corner, so none dominates another. */
static void random_front(double *front, size_t n, size_t m)
{
    for (size_t i = 0; i < n; i++) {
        double norm = 0.0;
        for (size_t k = 0; k < m; k++) {
            front[i * m + k] = fabs(normal()) + 1e-3;
            norm += front[i * m + k] * front[i * m + k];
        }
        for (size_t k = 0; k < m; k++)
            front[i * m + k] = 1.0 - front[i * m + k] / sqrt(norm);
    }
}

/* Monte Carlo EHVI: mean of HV(front + y) - HV(front) over n_samples draws,
 * and its standard error. */
static void mc_ehvi(const double *front, size_t n, size_t m, const double *ref, const double *mu,
                    const double *sd, size_t n_samples, double *mean, double *se)
{
    double *pts = malloc((n + 1) * m * sizeof *pts), base, s1 = 0.0, s2 = 0.0;
    assert_non_null(pts);
    memcpy(pts, front, n * m * sizeof *pts);
    assert_ok(otto__hypervolume(&alloc, front, n, m, ref, &base));
    for (size_t r = 0; r < n_samples; r++) {
        for (size_t k = 0; k < m; k++)
            pts[n * m + k] = mu[k] + sd[k] * normal();
        double hv;
        assert_ok(otto__hypervolume(&alloc, pts, n + 1, m, ref, &hv));
        double d = hv - base;
        s1 += d;
        s2 += d * d;
    }
    *mean = s1 / (double)n_samples;
    *se = sqrt(fmax(s2 / (double)n_samples - *mean * *mean, 0.0) / (double)n_samples);
    free(pts);
}

static void test_log_ehvi_matches_monte_carlo(void **state)
{
    (void)state;
    rng_state = 11;
    for (size_t m = 2; m <= 3; m++)
        for (int c = 0; c < 6; c++) {
            double front[8 * 3], ref[3], mu[3], sd[3];
            size_t n = 2 + (size_t)c;
            random_front(front, n, m);
            size_t near = (size_t)(unif() * (double)n);
            for (size_t k = 0; k < m; k++) {
                ref[k] = 1.1;
                /* about a front point, inside or outside the dominated region;
                 * narrow and wide predictions */
                mu[k] = front[near * m + k] + 0.3 * (unif() - 0.6);
                sd[k] = c % 2 ? 0.05 + 0.1 * unif() : 0.3 + 0.5 * unif();
            }
            otto__ehvi e;
            assert_ok(otto__ehvi_init(&e, &alloc, front, n, m, ref));
            double lv = otto__log_ehvi(&e, mu, sd, NULL, NULL), mean, se;
            otto__ehvi_free(&e);
            mc_ehvi(front, n, m, ref, mu, sd, 40000, &mean, &se);
            assert_true(isfinite(lv));
            /* 4.5 standard errors: each of 12 cases fails by chance < 1e-5 */
            if (fabs(exp(lv) - mean) > 4.5 * se + 1e-12)
                fail_msg("m=%zu case %d: closed form %.6g, MC %.6g +- %.2g", m, c, exp(lv), mean,
                         se);
        }
}

/* The long-double reference of one box factor sd (h(zu) - h(zl)), and of the
 * whole EHVI of a one-point 2-D front {(0, 0)} below (1, 1): boxes
 * (-inf, 0) x (-inf, 1) and [0, 1) x (-inf, 0). */
static long double ref_h(long double z)
{
    return expl(-0.5L * z * z) / sqrtl(2.0L * 3.14159265358979323846L) +
           z * 0.5L * erfcl(-z / sqrtl(2.0L));
}

static long double ref_factor(long double l, long double u, long double mu, long double sd)
{
    long double hl = isinf(l) ? 0.0L : ref_h((l - mu) / sd);
    return sd * (ref_h((u - mu) / sd) - hl);
}

static void test_log_ehvi_tiny_values(void **state)
{
    (void)state;
    double front[2] = {0.0, 0.0}, ref[2] = {1.0, 1.0};
    otto__ehvi e;
    assert_ok(otto__ehvi_init(&e, &alloc, front, 1, 2, ref));
    assert_int_equal(e.n_boxes, 2);
    double prev = INFINITY;
    /* the prediction moves up into the dominated region: EHVI falls from
     * ~1e-3 to ~1e-200 (z ~ -20 in both objectives) */
    for (int i = 0; i <= 20; i++) {
        double t = 0.1 * i, mu[2] = {t, t}, sd[2] = {0.1, 0.1};
        double lv = otto__log_ehvi(&e, mu, sd, NULL, NULL);
        long double v = ref_factor(-INFINITY, 0, t, 0.1) * ref_factor(-INFINITY, 1, t, 0.1) +
                        ref_factor(0, 1, t, 0.1) * ref_factor(-INFINITY, 0, t, 0.1);
        assert_true(lv < prev);
        prev = lv;
        assert_close(lv, (double)logl(v), 1e-9 * fabs((double)logl(v)) + 1e-12);
    }
    /* far beyond the long double's range: finite, decreasing, smooth */
    double last = prev;
    for (double t = 5; t < 1e4; t *= 3) {
        double mu[2] = {t, t}, sd[2] = {0.1, 0.1};
        double lv = otto__log_ehvi(&e, mu, sd, NULL, NULL);
        assert_true(isfinite(lv) && lv < last);
        last = lv;
    }
    otto__ehvi_free(&e);
}

static void test_log_ehvi_gradient(void **state)
{
    (void)state;
    rng_state = 5;
    for (size_t m = 2; m <= 3; m++)
        for (int c = 0; c < 10; c++) {
            double front[10 * 3], ref[3] = {1.1, 1.1, 1.1}, mu[3], sd[3], dmu[3], dsd[3];
            size_t n = 3 + (size_t)c % 5;
            random_front(front, n, m);
            otto__ehvi e;
            assert_ok(otto__ehvi_init(&e, &alloc, front, n, m, ref));
            for (size_t k = 0; k < m; k++) {
                /* from inside the front's hull to deep in the dominated region */
                mu[k] = 0.2 + (c < 5 ? 0.8 : 3.0) * unif();
                sd[k] = 0.02 + 0.4 * unif();
            }
            double lv = otto__log_ehvi(&e, mu, sd, dmu, dsd);
            assert_true(isfinite(lv));
            for (size_t k = 0; k < m; k++) {
                double h = 1e-6 * fmax(sd[k], 0.05), save = mu[k];
                mu[k] = save + h;
                double up = otto__log_ehvi(&e, mu, sd, NULL, NULL);
                mu[k] = save - h;
                double dn = otto__log_ehvi(&e, mu, sd, NULL, NULL);
                mu[k] = save;
                double fd = (up - dn) / (2 * h);
                assert_close(dmu[k], fd, 1e-5 * fmax(1.0, fabs(fd)));
                save = sd[k];
                sd[k] = save + h;
                up = otto__log_ehvi(&e, mu, sd, NULL, NULL);
                sd[k] = save - h;
                dn = otto__log_ehvi(&e, mu, sd, NULL, NULL);
                sd[k] = save;
                fd = (up - dn) / (2 * h);
                assert_close(dsd[k], fd, 1e-5 * fmax(1.0, fabs(fd)));
            }
            otto__ehvi_free(&e);
        }
}

/* ---- the sampler ------------------------------------------------------------------------- */

enum { RANDOM = -1 };

static otto_sampler *sampler_of(int mode, uint64_t seed, int use_running)
{
    otto_sampler *s = NULL;
    if (mode == RANDOM) {
        assert_ok(otto_sampler_random_create(NULL, &s));
        return s;
    }
    otto_gp_options o;
    otto_gp_options_init(&o);
    o.seed = seed;
    o.multi_objective = mode;
    o.use_running_trials = use_running;
    assert_ok(otto_sampler_gp_create(&o, &s));
    return s;
}

static otto_study *mo_study(otto_sampler *sampler, uint64_t seed)
{
    static otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MINIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.directions = dirs;
    so.n_objectives = 2;
    so.seed = seed;
    so.sampler = sampler;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

#define ZDT_DIMS 4

/* ZDT1 in 4 dimensions; with constrained, also 0.3 - x0 - x1 <= 0, which
 * cuts the unconstrained front (x1 = 0) for x0 < 0.3. */
static void zdt1(otto_trial *t, int constrained, double *v)
{
    double x[ZDT_DIMS], g = 0.0;
    for (int j = 0; j < ZDT_DIMS; j++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", j);
        assert_ok(otto_trial_suggest_float(t, name, 0, 1, 0, 0, &x[j]));
        g += j ? x[j] : 0.0;
    }
    g = 1.0 + 9.0 * g / (ZDT_DIMS - 1);
    v[0] = x[0];
    v[1] = g * (1.0 - sqrt(x[0] / g));
    if (constrained) {
        double c = 0.3 - x[0] - x[1];
        assert_ok(otto_trial_set_constraints(t, &c, 1));
    }
}

/* Hypervolume below (1.1, 11) of the feasible trials of a run of n trials. */
static double run_zdt1(int mode, uint64_t seed, int n, int constrained, int *late_feasible)
{
    otto_study *s = mo_study(sampler_of(mode, seed, 1), seed);
    double *pts = malloc((size_t)n * 2 * sizeof *pts), ref[2] = {1.1, 11.0}, hv;
    assert_non_null(pts);
    size_t nf = 0;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v[2];
        zdt1(t, constrained, v);
        double c = -1.0;
        size_t nc;
        if (constrained)
            assert_ok(otto_trial_constraints(t, &c, 1, &nc));
        if (c <= 0) {
            memcpy(pts + 2 * nf++, v, sizeof v);
            if (late_feasible)
                *late_feasible += i >= n - 20;
        }
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, 2));
    }
    otto_study_destroy(s);
    assert_ok(otto__hypervolume(&alloc, pts, nf, 2, ref, &hv));
    free(pts);
    return hv;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define SEEDS 10

static void test_ehvi_beats_parego_and_random_on_zdt1(void **state)
{
    (void)state;
    double ehvi[SEEDS], parego[SEEDS], rnd[SEEDS];
    int ehvi_wins = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        ehvi[seed] = run_zdt1(OTTO_GP_EHVI, seed, 60, 0, NULL);
        parego[seed] = run_zdt1(OTTO_GP_PAREGO, seed, 60, 0, NULL);
        rnd[seed] = run_zdt1(RANDOM, seed, 60, 0, NULL);
        ehvi_wins += ehvi[seed] > parego[seed];
    }
    qsort(ehvi, SEEDS, sizeof *ehvi, cmp_d);
    qsort(parego, SEEDS, sizeof *parego, cmp_d);
    qsort(rnd, SEEDS, sizeof *rnd, cmp_d);
    /* the best front's hypervolume is 11 - 1/3 + 1.1 = 11.767; measured
     * medians EHVI 11.748, ParEGO 11.738 (gaps 0.019 and 0.029), random
     * 9.87; EHVI ahead of ParEGO on 10 of 10 seeds, its worst run (11.742)
     * above ParEGO's median and every random run (best 10.60) */
    assert_true(ehvi_wins >= 8);
    assert_true(ehvi[SEEDS / 2] > parego[SEEDS / 2] + 0.005);
    assert_true(ehvi[0] > rnd[SEEDS - 1]);
}

static void test_constrained_fronts_feasible(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 3; seed++) {
        int late = 0, late_rnd = 0; /* random: 18-19 of 20 (the cut is small) */
        double hv = run_zdt1(OTTO_GP_EHVI, seed, 40, 1, &late);
        double hv_rnd = run_zdt1(RANDOM, seed, 40, 1, &late_rnd);
        /* measured hypervolumes 11.593-11.604 (random 9.0-9.3); the last 20
         * trials, pressed against the constraint, all feasible */
        assert_true(hv > 11.5 && hv > hv_rnd + 1.0);
        assert_true(late >= 17);
        (void)late_rnd;
    }
}

static void test_parallel_asks_spread_out(void **state)
{
    (void)state;
    for (int use_running = 0; use_running <= 1; use_running++) {
        double min_d2 = INFINITY;
        for (uint64_t seed = 0; seed < 3; seed++) {
            otto_study *s = mo_study(sampler_of(OTTO_GP_EHVI, seed, use_running), seed);
            for (int i = 0; i < 15; i++) {
                otto_trial *t;
                assert_ok(otto_study_ask(s, &t));
                double v[2];
                zdt1(t, 0, v);
                assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, 2));
            }
            otto_trial *run[4];
            double x[4][ZDT_DIMS];
            for (int k = 0; k < 4; k++) {
                assert_ok(otto_study_ask(s, &run[k]));
                double v[2];
                zdt1(run[k], 0, v);
                for (int j = 0; j < ZDT_DIMS; j++) {
                    char name[8];
                    snprintf(name, sizeof name, "x%d", j);
                    assert_ok(otto_trial_param_float(run[k], name, &x[k][j]));
                }
            }
            for (int a = 0; a < 4; a++)
                for (int b = a + 1; b < 4; b++) {
                    double d2 = 0;
                    for (int j = 0; j < ZDT_DIMS; j++)
                        d2 += (x[a][j] - x[b][j]) * (x[a][j] - x[b][j]);
                    min_d2 = fmin(min_d2, d2);
                }
            otto_study_destroy(s);
        }
        /* measured over these seeds: 0 without pending points (the four asks
         * see the same data and land on one point), 0.042 with them */
        if (use_running)
            assert_true(min_d2 > 0.01);
        else
            assert_true(min_d2 < 1e-4);
    }
}

static void test_option_validated(void **state)
{
    (void)state;
    otto_gp_options o;
    otto_gp_options_init(&o);
    assert_int_equal(o.multi_objective, OTTO_GP_EHVI);
    o.multi_objective = 2;
    otto_sampler *s = NULL;
    assert_int_equal(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_ehvi_matches_monte_carlo),
        cmocka_unit_test(test_log_ehvi_tiny_values),
        cmocka_unit_test(test_log_ehvi_gradient),
        cmocka_unit_test(test_ehvi_beats_parego_and_random_on_zdt1),
        cmocka_unit_test(test_constrained_fronts_feasible),
        cmocka_unit_test(test_parallel_asks_spread_out),
        cmocka_unit_test(test_option_validated),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
