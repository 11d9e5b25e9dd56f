/* Tests of the GP-EI sampler and its numerical parts: log EI and its
 * derivative against references far into the tail, kernel-likelihood and
 * posterior gradients against finite differences, and the sampler itself:
 * it optimizes (Branin, beats random search), is reproducible, survives
 * hostile objectives, handles mixed, constrained, multi-objective, parallel
 * and conditional studies, and validates its options. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../common.h"
#include "samplers/gp/gp_model.h"
#include "samplers/gp/gp_quadratic.h"
#include "samplers/gp/gp_warp.h"
#include "samplers/gp/log_ei.h"
#include "numeric/truncnorm.h"
#include "tpe_problems.h"
#include "label_ints.h"

static otto_allocator alloc;

static int setup(void **state)
{
    (void)state;
    otto__alloc_default(&alloc);
    return 0;
}

/* ---- log EI ---------------------------------------------------------------------------- */

static long double ref_log_h(long double z)
{
    long double phi = expl(-0.5L * z * z) / sqrtl(2.0L * 3.14159265358979323846L);
    long double cdf = 0.5L * erfcl(-z / sqrtl(2.0L));
    return logl(phi + z * cdf);
}

static void test_log_h_matches_reference(void **state)
{
    (void)state;
    /* long double reference where it has the digits (|z| <= 25: cancellation
     * of 1/z^2 leaves ~1e-16 relative) */
#if defined(__EMSCRIPTEN__)
    const double rel = 3e-13; /* musl's libm in WebAssembly: a few ulps apart */
#else
    const double rel = 1e-13;
#endif
    for (double z = -25.0; z <= 6.0; z += 0.0625) {
        double want = (double)ref_log_h(z), got = otto__log_h(z);
        assert_close(got, want, rel * fmax(1.0, fabs(want)));
    }
    /* far tail: log h = log phi(z) - 2 log|z| + log(1 - 3/z^2 + 15/z^4 ...) */
    const double far[] = {-1e3, -3e4, -1e8, -1e150};
    for (size_t i = 0; i < sizeof far / sizeof *far; i++) {
        double z = far[i], u = 1.0 / (z * z);
        double want = -0.5 * z * z - 0.91893853320467274178 - 2.0 * log(-z) +
                      log1p(-3.0 * u + 15.0 * u * u);
        double got = otto__log_h(z);
        assert_true(isfinite(got));
        assert_close(got, want, 1e-14 * fabs(want) + 1e-12);
    }
    /* continuous across the branch switches */
    const double sw[] = {-1.0, -40.0 * OTTO_SQRT2 / OTTO_SQRT2};
    for (size_t i = 0; i < 2; i++) {
        double a = otto__log_h(sw[i] - 1e-9), b = otto__log_h(sw[i] + 1e-9);
        assert_close(a, b, 1e-8 * fmax(1.0, fabs(a)));
    }
}

static void test_log_h_and_log_ndtr_derivatives(void **state)
{
    (void)state;
    const double zs[] = {-1e3, -60.0, -40.5, -39.5, -12.0, -3.0, -1.0001, -0.9999, -0.3, 0.0,
                         0.7, 2.5, 8.0};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++) {
        double z = zs[i], h = 1e-6 * fmax(1.0, fabs(z));
        double fd = (otto__log_h(z + h) - otto__log_h(z - h)) / (2 * h);
        assert_close(otto__dlog_h(z), fd, 1e-6 * fmax(1.0, fabs(fd)));
        double fdn = (otto__log_ndtr(z + h) - otto__log_ndtr(z - h)) / (2 * h);
        assert_close(otto__dlog_ndtr(z), fdn, 1e-6 * fmax(1.0, fabs(fdn)));
    }
    /* erfcx agrees with exp(x^2) erfc(x) where that is exact enough, and with
     * its asymptote 1/(x sqrt(pi)) far out */
    assert_close(otto__erfcx(3.0), exp(9.0) * erfc(3.0), 1e-15);
    assert_close(otto__erfcx(1e6) * 1e6 * sqrt(OTTO_PI), 1.0, 1e-12);
    assert_close(otto__erfcx(26.0 - 1e-9), otto__erfcx(26.0 + 1e-9), 1e-11);
}

/* ---- GP model -------------------------------------------------------------------------- */

enum { NPTS = 14, DIMS = 3 };
static const unsigned char cat3[DIMS] = {0, 0, 1};

static void make_model(otto__gp *gp, int fixed_noise, int dim_prior)
{
    otto_rng r;
    otto__rng_init(&r, 77, 0);
    double x[NPTS * DIMS], y[NPTS];
    for (size_t i = 0; i < NPTS; i++) {
        x[i * DIMS + 0] = otto_rng_uniform(&r);
        x[i * DIMS + 1] = otto_rng_uniform(&r);
        x[i * DIMS + 2] = (double)otto_rng_below(&r, 3);
        y[i] = sin(6 * x[i * DIMS]) + x[i * DIMS + 1] + 0.3 * x[i * DIMS + 2];
    }
    assert_ok(otto__gp_init(gp, &alloc, DIMS, cat3));
    gp->fixed_noise = fixed_noise;
    gp->dim_scaled_prior = dim_prior;
    assert_ok(otto__gp_set_data(gp, NPTS, x, y));
    gp->p.inv_ls2[0] = 3.0;
    gp->p.inv_ls2[1] = 0.4;
    gp->p.inv_ls2[2] = 1.7;
    gp->p.scale = 0.8;
    gp->p.noise = fixed_noise ? OTTO__GP_MIN_NOISE : 0.05;
}

static double *param_ref(otto__gp *gp, size_t k)
{
    return k < DIMS ? &gp->p.inv_ls2[k] : k == DIMS ? &gp->p.scale : &gp->p.noise;
}

static void test_likelihood_gradient_matches_finite_differences(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        otto__gp gp;
        make_model(&gp, variant == 1, variant == 2);
        size_t m = DIMS + 1 + !gp.fixed_noise;
        double f, grad[DIMS + 2];
        assert_ok(otto__gp_neg_log_posterior(&gp, &f, grad));
        for (size_t k = 0; k < m; k++) { /* gradient is in log parameters */
            double *p = param_ref(&gp, k), p0 = *p, h = 1e-5, fp, fm;
            *p = p0 * exp(h);
            assert_ok(otto__gp_neg_log_posterior(&gp, &fp, NULL));
            *p = p0 * exp(-h);
            assert_ok(otto__gp_neg_log_posterior(&gp, &fm, NULL));
            *p = p0;
            double fd = (fp - fm) / (2 * h);
            assert_close(grad[k], fd, 1e-5 * fmax(1.0, fabs(fd)));
        }
        /* the fit lowers the objective and leaves a conditioned model */
        assert_ok(otto__gp_fit(&gp, 100, 1));
        double f_fit;
        assert_ok(otto__gp_neg_log_posterior(&gp, &f_fit, NULL));
        assert_true(f_fit < f);
        otto__gp_free(&gp);
    }
}

static void test_posterior_gradient_matches_finite_differences(void **state)
{
    (void)state;
    otto__gp gp;
    make_model(&gp, 0, 0);
    assert_ok(otto__gp_condition(&gp));
    double work[4 * NPTS + NPTS], x[DIMS] = {0.31, 0.77, 1.0};
    for (int with_inverse = 0; with_inverse < 2; with_inverse++) {
        if (with_inverse)
            assert_ok(otto__gp_prepare_grad(&gp));
        double mean, var, dm[DIMS], dv[DIMS];
        assert_ok(otto__gp_predict_grad(&gp, x, &mean, &var, dm, dv, work));
        /* the batch path agrees */
        double bm, bv;
        assert_ok(otto__gp_predict(&gp, 1, x, &bm, &bv, work));
        assert_close(mean, bm, 1e-12);
        assert_close(var, bv, 1e-10);
        for (size_t j = 0; j < 2; j++) {
            double h = 1e-6, mp, vp, mm, vm, xs[DIMS];
            memcpy(xs, x, sizeof xs);
            xs[j] += h;
            assert_ok(otto__gp_predict(&gp, 1, xs, &mp, &vp, work));
            xs[j] -= 2 * h;
            assert_ok(otto__gp_predict(&gp, 1, xs, &mm, &vm, work));
            assert_close(dm[j], (mp - mm) / (2 * h), 1e-6);
            assert_close(dv[j], (vp - vm) / (2 * h), 1e-6);
        }
        assert_true(dm[2] == 0.0 && dv[2] == 0.0); /* categorical: no gradient */
    }
    /* at a training point the variance is about the noise level, far away it
     * returns to the prior */
    double mean, var, far[DIMS] = {50.0, 50.0, 7.0};
    assert_ok(otto__gp_predict(&gp, 1, far, &mean, &var, work));
    assert_close(var, gp.p.scale, 1e-9);
    otto__gp_free(&gp);
}

/* ---- the sampler ------------------------------------------------------------------------- */

/* The GP sampler with its defaults but the seed and three options. */
static otto_sampler *gp_with(uint64_t seed, int small_ints_as_categories, int local_steps,
                             int output_warping)
{
    otto_gp_options o;
    otto_gp_options_init(&o);
    o.seed = seed;
    o.small_ints_as_categories = small_ints_as_categories;
    o.local_steps = local_steps;
    o.output_warping = output_warping;
    otto_sampler *s = NULL;
    assert_ok(otto_sampler_gp_create(&o, &s));
    return s;
}

static otto_sampler *gp_reading_labels(uint64_t seed, int small_ints_as_categories)
{
    return gp_with(seed, small_ints_as_categories, 0, 0);
}

static otto_sampler *gp_sampler(uint64_t seed) { return gp_reading_labels(seed, 0); }

static void test_branin_in_50_trials(void **state)
{
    (void)state;
    int solved = 0;
    for (uint64_t seed = 0; seed < 10; seed++)
        solved += best_of(gp_sampler(seed), seed, branin, 50) - BRANIN_MIN < 1e-3;
    /* measured 10/10 below 1e-3 (regrets 1e-5 to 3e-4) */
    assert_true(solved >= 8);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_beats_random_search(void **state)
{
    (void)state;
    double g[7], r[7];
    for (uint64_t seed = 0; seed < 7; seed++) {
        g[seed] = best_of(gp_sampler(seed), seed, sphere5, 40);
        otto_sampler *rs;
        assert_ok(otto_sampler_random_create(NULL, &rs));
        r[seed] = best_of(rs, seed, sphere5, 40);
        g[seed] = fmax(g[seed], 1e-300);
    }
    qsort(g, 7, sizeof *g, cmp_d);
    qsort(r, 7, sizeof *r, cmp_d);
    /* measured: GP median ~0.02, random ~25 */
    assert_true(g[3] < r[3] / 100);
    assert_true(g[6] < r[0]); /* every GP run beats the best random run */
}

/* every param of every trial, in trial order */
static void collect_params(uint64_t seed, double *out, int n)
{
    otto_study *s = make_study(seed, OTTO_MINIMIZE, gp_sampler(seed), NULL);
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = mixed(t);
        assert_int_equal(otto_trial_param_count(t), 4);
        for (size_t j = 0; j < 4; j++)
            assert_ok(otto_trial_param_at(t, j, NULL, NULL, &out[i * 4 + j]));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

static void test_reproducible_under_seed(void **state)
{
    (void)state;
    double a[25 * 4], b[25 * 4], c[25 * 4];
    collect_params(5, a, 25);
    collect_params(5, b, 25);
    collect_params(6, c, 25);
    assert_memory_equal(a, b, sizeof a);
    assert_true(memcmp(a + 15 * 4, c + 15 * 4, 10 * 4 * sizeof *a) != 0);
}

/* The study's first trial takes the centre of every numeric range: the
 * middle of a float's, of a log float's log range and of an int's values;
 * its categories and the second trial are drawn. */
static void test_first_trial_at_the_centre(void **state)
{
    (void)state;
    const char *const labels[] = {"a", "b", "c"};
    otto_study *s = make_study(9, OTTO_MINIMIZE, gp_sampler(9), NULL);
    for (int i = 0; i < 2; i++) {
        otto_trial *t;
        double x, lr;
        int64_t k;
        size_t c;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", -5, 3, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "lr", 1e-4, 1, 0, OTTO_LOG, &lr));
        assert_ok(otto_trial_suggest_int(t, "k", 1, 9, 1, 0, &k));
        assert_ok(otto_trial_suggest_categorical(t, "c", labels, 3, &c));
        int centre = x == -1.0 && fabs(lr - 1e-2) < 1e-15 && k == 5;
        assert_int_equal(centre, i == 0);
        double v = x * x + lr + (double)k + (double)c;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

static void test_mixed_space_values_valid_and_good(void **state)
{
    (void)state;
    double best[5];
    for (uint64_t seed = 0; seed < 5; seed++) {
        otto_study *s = make_study(seed, OTTO_MINIMIZE, gp_sampler(seed), NULL);
        best[seed] = INFINITY;
        for (int i = 0; i < 40; i++) {
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            double v = mixed(t); /* suggest validates every value */
            assert_false(isnan(v));
            int64_t k;
            assert_ok(otto_trial_suggest_int(t, "k", 1, 256, 1, OTTO_LOG, &k));
            assert_true(k >= 1 && k <= 256);
            best[seed] = fmin(best[seed], v);
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        }
        otto_study_destroy(s);
    }
    qsort(best, 5, sizeof *best, cmp_d);
    assert_true(best[2] < 0.05); /* measured: median ~1e-3 */
}

/* Values a user may hand back: inf, huge and tiny scales, NaN (fails the
 * trial), failures and prunes, a constant, repeated points. */
static void test_hostile_objectives(void **state)
{
    (void)state;
    for (int mode = 0; mode < 5; mode++) {
        log_capture logs = {0};
        otto_study *s = make_study(3, OTTO_MINIMIZE, gp_sampler(3), &logs);
        if (mode == 4) /* the same point, many times */
            for (int i = 0; i < 12; i++) {
                otto_param_value pv[2] = {{.name = "x", .kind = OTTO_VALUE_NUMBER, .number = 1.0},
                                          {.name = "y", .kind = OTTO_VALUE_NUMBER, .number = 2.0}};
                assert_ok(otto_study_enqueue_trial(s, pv, 2));
            }
        for (int i = 0; i < 30; i++) {
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            double x, y;
            assert_ok(otto_trial_suggest_float(t, "x", -3, 3, 0, 0, &x));
            assert_ok(otto_trial_suggest_float(t, "y", -3, 3, 0, 0, &y));
            assert_true(x >= -3 && x <= 3 && y >= -3 && y <= 3);
            double v = x * x + y * y;
            otto_trial_state st = OTTO_TRIAL_COMPLETE;
            switch (mode) {
            case 0:
                v = i % 3 == 0 ? INFINITY : i % 5 == 0 ? -INFINITY : v;
                break;
            case 1:
                v = (i % 2 ? 1e300 : 1e-300) * v;
                break;
            case 2:
                v = i % 4 == 0 ? NAN : v; /* told NaN: the trial fails */
                st = i % 4 == 1 ? OTTO_TRIAL_FAIL : i % 4 == 2 ? OTTO_TRIAL_PRUNED : st;
                break;
            case 3:
                v = 42.0;
                break;
            default:
                break;
            }
            if (st == OTTO_TRIAL_COMPLETE)
                assert_ok(otto_study_tell(s, t, st, &v, 1));
            else
                assert_ok(otto_study_tell(s, t, st, NULL, 0));
        }
        otto_study_destroy(s);
    }
}

static double constrained(otto_trial *t)
{
    double x, y;
    assert_ok(otto_trial_suggest_float(t, "x", -2, 2, 0, 0, &x));
    assert_ok(otto_trial_suggest_float(t, "y", -2, 2, 0, 0, &y));
    double c = 1.0 - x - y; /* feasible when x + y >= 1 */
    assert_ok(otto_trial_set_constraints(t, &c, 1));
    return x * x + y * y; /* constrained optimum 0.5 at (0.5, 0.5) */
}

static void test_constraints(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 3; seed++) {
        otto_study *s = make_study(seed, OTTO_MINIMIZE, gp_sampler(seed), NULL);
        double best_feasible = INFINITY;
        int late_feasible = 0;
        for (int i = 0; i < 40; i++) {
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            double v = constrained(t), c;
            size_t nc;
            assert_ok(otto_trial_constraints(t, &c, 1, &nc));
            if (c <= 0) {
                best_feasible = fmin(best_feasible, v);
                late_feasible += i >= 20;
            }
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        }
        otto_study_destroy(s);
        /* the unconstrained optimum (0, 0) is infeasible: the GP must find the
         * boundary (measured regret 2e-5 to 3e-5 on these seeds) and keep
         * sampling feasible points near it (measured 5-9 of the last 20 with
         * the optimum on the boundary; random search gets ~28%, so >= 3) */
        assert_true(best_feasible - 0.5 < 1e-3);
        assert_true(late_feasible >= 3);
    }
}

static void test_multi_objective(void **state)
{
    (void)state;
    otto_study_options so;
    otto_study_options_init(&so);
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MINIMIZE};
    so.directions = dirs;
    so.n_objectives = 2;
    so.seed = 4;
    so.sampler = gp_sampler(4);
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    for (int i = 0; i < 40; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double x, y;
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y));
        double v[2] = {x * x + y * y, (x - 1) * (x - 1) + y * y}; /* front: y = 0 */
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, 2));
    }
    const otto_trial *front[64];
    size_t n_front;
    assert_ok(otto_study_best_trials(s, front, 64, &n_front));
    assert_true(n_front >= 5);
    size_t near = 0; /* EHVI drives points onto the front y = 0 */
    for (size_t i = 0; i < n_front && i < 64; i++) {
        double y;
        assert_ok(otto_trial_param_float(front[i], "y", &y));
        near += y < 0.05;
    }
    assert_true(near * 2 >= n_front);
    otto_study_destroy(s);
}

static void test_parallel_asks_spread_out(void **state)
{
    (void)state;
    otto_study *s = make_study(8, OTTO_MINIMIZE, gp_sampler(8), NULL);
    for (int i = 0; i < 15; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = sphere5(t);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_trial *run[4];
    double x[4][5];
    for (int k = 0; k < 4; k++) {
        assert_ok(otto_study_ask(s, &run[k]));
        sphere5(run[k]);
        for (int d = 0; d < 5; d++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", d);
            assert_ok(otto_trial_param_float(run[k], name, &x[k][d]));
        }
    }
    /* kriging believer: pending points lower the variance around them, so
     * the four running trials are distinct points */
    for (int a = 0; a < 4; a++)
        for (int b = a + 1; b < 4; b++) {
            double d2 = 0;
            for (int d = 0; d < 5; d++)
                d2 += (x[a][d] - x[b][d]) * (x[a][d] - x[b][d]);
            assert_true(d2 > 1e-6);
        }
    for (int k = 0; k < 4; k++) {
        double v = 1.0;
        assert_ok(otto_study_tell(s, run[k], OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

/* Four workers share one sampler (its warm-start cache is the only shared
 * state): every trial completes and the optimum is still approached. Run
 * under ThreadSanitizer in CI. */
static void test_threads_share_the_sampler(void **state)
{
    (void)state;
    otto_study *s = make_study(9, OTTO_MINIMIZE, gp_sampler(9), NULL);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 48;
    oo.n_threads = 4;
    assert_ok(otto_study_optimize(s, sphere5_objective, NULL, &oo));
    assert_int_equal(otto_study_trial_count(s), 48);
    const otto_trial *best;
    assert_ok(otto_study_best_trial(s, &best));
    double v;
    assert_ok(otto_trial_value(best, &v));
    assert_true(v < 5.0); /* random search: ~25 at 48 trials */
    otto_study_destroy(s);
}

static void test_conditional_params_sampled_independently(void **state)
{
    (void)state;
    log_capture logs = {0};
    otto_study *s = make_study(2, OTTO_MINIMIZE, gp_sampler(2), &logs);
    for (int i = 0; i < 30; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = conditional(t);
        assert_false(isnan(v));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    assert_true(logs.n_warnings > 0);
    assert_non_null(strstr(logs.last, "outside the relative search space"));
    otto_study_destroy(s);
}

static void test_options_validated(void **state)
{
    (void)state;
    otto_gp_options o;
    otto_sampler *s = (otto_sampler *)&o;
    assert_status(otto_sampler_gp_create(NULL, NULL), OTTO_EINVAL);
    otto_gp_options_init(&o);
    o.n_candidates = 0;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
    otto_gp_options_init(&o);
    o.n_local_search = o.n_candidates + 1;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    otto_gp_options_init(&o);
    o.deterministic_objective = 2;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "deterministic_objective"));
    otto_gp_options_init(&o);
    o.max_fit_evals = 0;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_ok(otto_sampler_gp_create(NULL, &s));
    assert_string_equal(otto_sampler_name(s), "gp");
    otto_sampler_destroy(s);
}

/* ---- noisy mode (repeats) ---------------------------------------------------------------- */

/* A deterministic Gaussian stream for the tests' noise (splitmix64 and
 * Box-Muller: no libc generator, the same on every platform). */
static double noise_normal(uint64_t *st)
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        u[k] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* Every kind of param (float, int, stepped float, categorical) and Gaussian
 * noise of sd `sd`; *true_value receives the noise-free value. */
static double noisy_mixed(otto_trial *t, uint64_t *st, double sd, double *true_value)
{
    const char *ch[] = {"a", "b", "c"};
    const double cost[] = {0.5, 0.0, 1.0};
    double x, y;
    int64_t n;
    size_t c;
    assert_ok(otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x));
    assert_ok(otto_trial_suggest_int(t, "n", 0, 10, 1, 0, &n));
    assert_ok(otto_trial_suggest_float(t, "y", 0, 1, 0.1, 0, &y));
    assert_ok(otto_trial_suggest_categorical(t, "c", ch, 3, &c));
    double f = x * x + 0.5 * (double)((n - 3) * (n - 3)) + 10 * (y - 0.4) * (y - 0.4) + cost[c];
    if (true_value)
        *true_value = f;
    return f + sd * noise_normal(st);
}

static otto_sampler *gp_noisy_sampler(uint64_t seed, int noisy)
{
    otto_gp_options o;
    otto_gp_options_init(&o);
    o.seed = seed;
    o.noisy = noisy;
    otto_sampler *s = NULL;
    assert_ok(otto_sampler_gp_create(&o, &s));
    return s;
}

/* The number of the trial t repeats, or -1. */
static long long repeat_of(const otto_trial *t)
{
    const char *key, *value;
    for (size_t i = 0; i < otto_trial_system_attr_count(t); i++)
        if (otto_trial_system_attr_at(t, i, &key, &value) == OTTO_OK &&
            !strcmp(key, OTTO_ATTR_REPEAT_OF))
            return strtoll(value, NULL, 10);
    return -1;
}

/* Checks every repeat of s against its original (the same params, bit for
 * bit, the original finished before and not itself a repeat); returns the
 * number of repeats. */
static int check_repeats(const otto_study *s)
{
    int repeats = 0;
    for (size_t i = 0; i < otto_study_trial_count(s); i++) {
        const otto_trial *t, *orig;
        assert_ok(otto_study_trial(s, (int64_t)i, &t));
        long long o = repeat_of(t);
        if (o < 0)
            continue;
        repeats++;
        assert_true(o < (long long)i);
        assert_ok(otto_study_trial(s, o, &orig));
        assert_int_equal(repeat_of(orig), -1);
        assert_int_equal(otto_trial_param_count(t), otto_trial_param_count(orig));
        for (size_t j = 0; j < otto_trial_param_count(t); j++) {
            const char *na, *nb;
            double va, vb;
            assert_ok(otto_trial_param_at(t, j, &na, NULL, &va));
            assert_ok(otto_trial_param_at(orig, j, &nb, NULL, &vb));
            assert_string_equal(na, nb);
            assert_memory_equal(&va, &vb, sizeof va);
        }
    }
    return repeats;
}

/* A serial noisy run of n trials; returns its repeats, and a digest of
 * every param and repeat link in *digest. */
static int noisy_run(otto_sampler *sm, uint64_t seed, int n, double sd, uint64_t *digest)
{
    otto_study *s = make_study(seed, OTTO_MINIMIZE, sm, NULL);
    uint64_t st = seed * 1000003u + 17u, h = 1469598103934665603ULL;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = noisy_mixed(t, &st, sd, NULL);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    for (size_t i = 0; i < otto_study_trial_count(s); i++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(s, (int64_t)i, &t));
        for (size_t j = 0; j < otto_trial_param_count(t); j++) {
            double v;
            uint64_t bits;
            assert_ok(otto_trial_param_at(t, j, NULL, NULL, &v));
            memcpy(&bits, &v, sizeof bits);
            h = (h ^ bits) * 1099511628211ULL;
        }
        h = (h ^ (uint64_t)repeat_of(t)) * 1099511628211ULL;
    }
    *digest = h;
    int repeats = check_repeats(s);
    otto_study_destroy(s);
    return repeats;
}

static void test_noisy_mode_repeats_exact_params(void **state)
{
    (void)state;
    int with = 0, without = 0;
    for (uint64_t seed = 0; seed < 3; seed++) {
        uint64_t d1, d2, d3;
        int r = noisy_run(gp_noisy_sampler(seed, 1), seed, 50, 2.0, &d1);
        with += r;
        /* seeded: the same trials and repeats again */
        assert_int_equal(noisy_run(gp_noisy_sampler(seed, 1), seed, 50, 2.0, &d2), r);
        assert_true(d1 == d2);
        without += noisy_run(gp_noisy_sampler(seed, 0), seed, 50, 2.0, &d3);
    }
    /* measured: 11 repeats in 3 x 50 trials (the 10% cap allows 5 per run) */
    assert_true(with >= 5);
    assert_int_equal(without, 0);
}

/* Running trials (pending points) and prefetched proposals: repeats stay
 * exact, and a run driven by otto_study_work repeats trial for trial. */
static int noisy_prefetch_run(uint64_t seed, uint64_t *digest)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.sampler = gp_noisy_sampler(seed, 1);
    so.prefetch = 2;
    so.prefetch_thread = 0;
    otto_study *s = NULL;
    assert_ok(otto_study_create(&so, &s));
    uint64_t st = seed + 99u, h = 1469598103934665603ULL;
    otto_trial *held = NULL;
    for (int i = 0; i < 50; i++) {
        int did = 1;
        while (did)
            assert_ok(otto_study_work(s, &did));
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = noisy_mixed(t, &st, 2.0, NULL);
        if (i % 2 == 0) { /* every other trial stays running through the next ask */
            held = t;
            continue;
        }
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        double hv = noisy_mixed(held, &st, 2.0, NULL);
        assert_ok(otto_study_tell(s, held, OTTO_TRIAL_COMPLETE, &hv, 1));
        held = NULL;
    }
    for (size_t i = 0; i < otto_study_trial_count(s); i++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(s, (int64_t)i, &t));
        h = (h ^ (uint64_t)repeat_of(t)) * 1099511628211ULL;
        double v;
        assert_ok(otto_trial_value(t, &v));
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 1099511628211ULL;
    }
    *digest = h;
    int repeats = check_repeats(s);
    otto_study_destroy(s);
    return repeats;
}

static void test_noisy_mode_with_running_trials_and_prefetch(void **state)
{
    (void)state;
    uint64_t d1, d2;
    int r = noisy_prefetch_run(4, &d1);
    assert_true(r >= 1); /* measured 4 */
    assert_int_equal(noisy_prefetch_run(4, &d2), r);
    assert_true(d1 == d2);
}

/* A 0/1 option of the GP sampler on (flag 1) against off, 20 seeds of f
 * for n trials: the median best with it below ratio times the median
 * without, and ahead on at least min_wins seeds. */
static void option_beats_off(otto_sampler *(*make)(uint64_t seed, int flag), problem_fn f,
                             int n, const char *what, double ratio, int min_wins)
{
    double on[20], off[20];
    int wins = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        on[seed] = best_of(make(seed, 1), seed, f, n);
        off[seed] = best_of(make(seed, 0), seed, f, n);
        wins += on[seed] < off[seed];
    }
    qsort(on, 20, sizeof *on, cmp_d);
    qsort(off, 20, sizeof *off, cmp_d);
    print_message("%s, %d trials, 20 seeds: median best %g with, %g without; ahead on %d "
                  "seeds\n", what, n, on[10], off[10], wins);
    assert_true(on[10] < ratio * off[10]);
    assert_true(wins >= min_wins);
}

/* ---- local steps --------------------------------------------------------------------------- */

static otto_sampler *gp_local(uint64_t seed, int local_steps)
{
    return gp_with(seed, 0, local_steps, 0);
}

/* sphere5, 80 trials, seeds 0-19 (local steps from 45 trials on, one trial
 * in three), measured: median best 3.0e-25 with local steps (their
 * quadratic steps reach the bowl's bottom to rounding), 6.1e-4 without;
 * ahead on 20 of 20 seeds. Before the quadratic steps, the local GP steps
 * alone reached 6.4e-5 (0.13 times); the ratio bar below is far under that. */
#define LOCAL_MEDIAN_RATIO 1e-8
#define LOCAL_MIN_WINS 16

/* On a smooth function local steps reach a precision that the global
 * model, standardized over the whole history, does not. */
static void test_local_steps_refine_smooth_optima(void **state)
{
    (void)state;
    option_beats_off(gp_local, sphere5, 80, "sphere5, local steps", LOCAL_MEDIAN_RATIO,
                     LOCAL_MIN_WINS);
}

/* q(u) = g.u + u.H.u / 2 for the 3-D test quadratics below. */
static double quad_value(const double H[3][3], const double *g, const double *u)
{
    double q = 0.0;
    for (size_t j = 0; j < 3; j++) {
        q += g[j] * u[j];
        for (size_t l = 0; l < 3; l++)
            q += 0.5 * u[j] * H[j][l] * u[l];
    }
    return q;
}

/* Whether step (|step| <= radius (1 + 1e-9)) is no worse than 2000 random
 * points of the ball of that radius on q. */
static int best_in_ball(const double H[3][3], const double *g, const double *step,
                        double radius)
{
    otto_rng r;
    otto__rng_init(&r, 4, 0);
    double q = quad_value(H, g, step), n2 = 0.0;
    for (size_t j = 0; j < 3; j++)
        n2 += step[j] * step[j];
    if (n2 > radius * radius * (1.0 + 1e-9))
        return 0;
    for (int i = 0; i < 2000; i++) {
        double u[3], len = 0.0, rad = radius * cbrt(otto_rng_uniform(&r));
        for (size_t j = 0; j < 3; j++) {
            u[j] = otto_rng_normal(&r);
            len += u[j] * u[j];
        }
        for (size_t j = 0; j < 3; j++)
            u[j] *= rad / sqrt(len);
        if (quad_value(H, g, u) < q - 1e-9)
            return 0;
    }
    return 1;
}

/* The quadratic step: its fit is exact on a quadratic; a bowl whose bottom
 * is inside the unit ball gives its Newton step, to rounding; a bowl whose
 * bottom is outside, a saddle, and a saddle with no slope (the hard case)
 * give the minimizer over the ball, and over a ball a quarter as wide; a
 * radius of 0 is refused. */
static void test_quadratic_step_solves_the_trust_region(void **state)
{
    (void)state;
    enum { D = 3, K = 20 };
    const double bowl[D][D] = {{2, .5, 0}, {.5, 1, .2}, {0, .2, 3}};
    const double saddle[D][D] = {{2, 0, 0}, {0, -2, 0}, {0, 0, 1}};
    const double m[D] = {.3, -.4, .1}, slope[D] = {.5, .3, -.2}, flat[D] = {0, 0, 0};
    struct {
        const double (*H)[D];
        const double *g;
        int newton;
    } cases[] = {{bowl, NULL, 1}, {bowl, slope, 0}, {saddle, slope, 0}, {saddle, flat, 0}};
    double u[K * D], t[K], step[D], g[D];
    int found;
    otto_rng r;
    otto__rng_init(&r, 3, 0);
    for (size_t i = 0; i < K * D; i++)
        u[i] = 2.0 * otto_rng_uniform(&r) - 1.0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        /* case 0: (u - m).H.(u - m) / 2, gradient -H m at 0; the slope of
         * case 1 (times 10) puts the bowl's bottom outside the ball */
        for (size_t j = 0; j < D; j++) {
            g[j] = 0.0;
            for (size_t l = 0; l < D; l++)
                g[j] -= cases[c].g ? 0.0 : cases[c].H[j][l] * m[l];
            g[j] += cases[c].g ? (c == 1 ? 10.0 : 1.0) * cases[c].g[j] : 0.0;
        }
        for (size_t i = 0; i < K; i++)
            t[i] = 7.0 + quad_value(cases[c].H, g, u + i * D);
        assert_ok(otto__gp_quadratic_step(&alloc, D, K, u, t, 1.0, step, &found));
        assert_int_equal(found, 1);
        for (size_t j = 0; cases[c].newton && j < D; j++)
            assert_true(fabs(step[j] - m[j]) < 1e-9);
        assert_true(best_in_ball(cases[c].H, g, step, 1.0));
        /* a quarter of the radius: the bowl's bottom is outside too */
        assert_ok(otto__gp_quadratic_step(&alloc, D, K, u, t, 0.25, step, &found));
        assert_int_equal(found, 1);
        assert_true(best_in_ball(cases[c].H, g, step, 0.25));
    }
    assert_status(otto__gp_quadratic_step(&alloc, D, K, u, t, 0.0, step, &found), OTTO_EINVAL);
    t[4] = NAN;
    assert_status(otto__gp_quadratic_step(&alloc, D, K, u, t, 1.0, step, &found), OTTO_ENUMERIC);
    assert_int_equal(found, 0);
    assert_status(otto__gp_quadratic_step(&alloc, D, OTTO__GP_QUADRATIC_TERMS(D) - 1, u, t,
                                          1.0, step, &found),
                  OTTO_EINVAL);
    assert_int_equal(found, 0);
}

/* A 0/1 field of otto_gp_options at byte offset off: def by default, 2 is
 * OTTO_EINVAL with a message naming it, and a struct whose size ends
 * before it (from a caller built before it existed) has it ignored. */
static void flag_option_validated(size_t off, const char *name, int def)
{
    otto_gp_options o;
    otto_sampler *s = NULL;
    otto_gp_options_init(&o);
    int *flag = (int *)(void *)((char *)&o + off);
    assert_int_equal(*flag, def);
    *flag = 2;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
    assert_non_null(strstr(otto_last_error_message(), name));
    otto_gp_options_init_sized(&o, off);
    *flag = 7; /* not covered by the caller's size: ignored */
    assert_ok(otto_sampler_gp_create(&o, &s));
    otto_sampler_destroy(s);
}

/* ---- output warping ---------------------------------------------------------------------- */

/* Values spread over orders of magnitude: 200 points of exp(3 g), g a
 * deterministic standard normal sequence (lognormal), with an infinity. */
static void lognormal_values(double *y, size_t n)
{
    otto_rng r;
    otto__rng_init(&r, 11, 0);
    for (size_t i = 0; i < n; i++)
        y[i] = exp(3.0 * otto_rng_normal(&r));
}

static void test_warp_fits_the_exponent_and_keeps_order(void **state)
{
    (void)state;
    enum { N = 200 };
    double y[N], w[N], lj;
    lognormal_values(y, N);
    y[7] = INFINITY;
    memcpy(w, y, sizeof y);
    double lambda = otto__gp_warp(w, N, &lj);
    /* skewed to the right: an exponent well below 1 compresses the tail */
    assert_true(lambda < 0.0 && lambda >= -3.0);
    assert_true(isfinite(lj) && lj > 0.0);
    assert_true(isinf(w[7]) && w[7] > 0);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            if (y[i] < y[j])
                assert_true(w[i] < w[j]);
    /* symmetric values need no warping: the exponent stays near 1 */
    otto_rng r;
    otto__rng_init(&r, 12, 0);
    for (size_t i = 0; i < N; i++)
        y[i] = 5.0 + otto_rng_normal(&r);
    lambda = otto__gp_warp(y, N, &lj);
    assert_true(fabs(lambda - 1.0) < 0.3);
    /* too few or equal values are left alone */
    double few[2] = {1.0, 100.0}, same[4] = {2.0, 2.0, 2.0, INFINITY};
    assert_true(otto__gp_warp(few, 2, &lj) == 1.0 && lj == 0.0 && few[1] == 100.0);
    assert_true(otto__gp_warp(same, 4, &lj) == 1.0 && same[0] == 2.0);
}

static otto_sampler *gp_warping(uint64_t seed, int output_warping)
{
    return gp_with(seed, 0, 0, output_warping);
}

/* An ill-scaled valley whose values span seven orders of magnitude over the
 * box: 4 floats in [-5, 5], 10^(2k) (x_k - 1)^2. */
static double ellipsoid4(otto_trial *t)
{
    static const char *names[4] = {"x0", "x1", "x2", "x3"};
    double f = 0.0;
    for (int k = 0; k < 4; k++) {
        double x;
        if (otto_trial_suggest_float(t, names[k], -5, 5, 0, 0, &x))
            return NAN;
        f += pow(10.0, 2.0 * k) * (x - 1.0) * (x - 1.0);
    }
    return f;
}

/* ellipsoid4, 40 trials, seeds 0-19, measured: median best 19.7 warped,
 * 218 plain (0.09 times); warped ahead on 19 of 20 seeds. */
#define WARP_MEDIAN_RATIO 0.3
#define WARP_MIN_WINS 15

/* Where values span orders of magnitude, the warped model finds better
 * points than the plain one. */
static void test_output_warping_helps_on_wide_values(void **state)
{
    (void)state;
    option_beats_off(gp_warping, ellipsoid4, 40, "ellipsoid4, output warping",
                     WARP_MEDIAN_RATIO, WARP_MIN_WINS);
}

static void test_output_warping_option_validated(void **state)
{
    (void)state;
    flag_option_validated(offsetof(otto_gp_options, output_warping), "output_warping", 1);
}

/* ---- small ints as categories ---------------------------------------------------------- */

/* Labels, 40 trials, seeds 0-19, measured: median best 0 (the optimum of
 * 5^6 configurations) as categories, 1.75 as numbers; categories ahead on
 * 20 of 20 seeds. */
#define LABELS_MEDIAN_RATIO 0.3
#define LABELS_MIN_WINS 16

/* Six ints of five values that are labels (label_ints.h): read as
 * categories, the GP finds better configurations than reading them as
 * numbers. */
static void test_small_ints_as_categories_beat_numbers_on_labels(void **state)
{
    (void)state;
    label_tables();
    option_beats_off(gp_reading_labels, labels, 40, "labels, small ints as categories",
                     LABELS_MEDIAN_RATIO, LABELS_MIN_WINS);
}

/* Two small ints (one with step 2) whose values are labels, an int of 17
 * values, a log int and a float. */
static double ints_space(otto_trial *t)
{
    int64_t a, b, c, d;
    double x;
    if (otto_trial_suggest_int(t, "a", 0, 15, 1, 0, &a) ||     /* 16 values: small */
        otto_trial_suggest_int(t, "b", 1, 31, 2, 0, &b) ||     /* 16 values: small */
        otto_trial_suggest_int(t, "c", 0, 16, 1, 0, &c) ||     /* 17 values: a number */
        otto_trial_suggest_int(t, "d", 1, 8, 1, OTTO_LOG, &d) || /* log: a number */
        otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
        return NAN;
    static const double zigzag[16] = {3, 0, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
    return zigzag[a] + zigzag[(b - 1) / 2] / 2 + fabs((double)c - 5) / 4 + fabs((double)d - 3) +
           (x - 0.3) * (x - 0.3);
}

static double numbers_only(otto_trial *t)
{
    int64_t c, d;
    double x;
    if (otto_trial_suggest_int(t, "c", 0, 16, 1, 0, &c) ||
        otto_trial_suggest_int(t, "d", 1, 8, 1, OTTO_LOG, &d) ||
        otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x))
        return NAN;
    return fabs((double)c - 5) / 4 + fabs((double)d - 3) + (x - 0.3) * (x - 0.3);
}

/* Every param of every trial of a seeded GP study of n trials of f, in
 * order, each checked to lie in its distribution (range and grid). */
static void run_params(problem_fn f, int small_ints, double *out, size_t n_params, int n)
{
    otto_study *s = make_study(3, OTTO_MINIMIZE, gp_reading_labels(3, small_ints), NULL);
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = f(t);
        assert_false(isnan(v));
        assert_int_equal(otto_trial_param_count(t), n_params);
        for (size_t j = 0; j < n_params; j++) {
            otto_distribution dist;
            double *value = &out[(size_t)i * n_params + j];
            assert_ok(otto_trial_param_at(t, j, NULL, &dist, value));
            assert_true(otto_distribution_contains(&dist, *value)); /* in range, on the grid */
        }
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

/* The option changes how the GP reads linear ints of at most 16 values
 * (any step), and only those: the values it suggests stay ints of their
 * distributions, a seeded run repeats, and a space without small ints is
 * sampled exactly as without the option. */
static void test_small_ints_as_categories_reads_only_small_ints(void **state)
{
    (void)state;
    enum { N = 25 };
    double with[N * 5], again[N * 5], without[N * 5];
    run_params(ints_space, 1, with, 5, N);
    run_params(ints_space, 1, again, 5, N);
    assert_memory_equal(with, again, sizeof with); /* reproducible under the seed */
    run_params(ints_space, 0, without, 5, N);
    /* the quasi-random design (10 trials) is the same; the GP's picks are not */
    assert_memory_equal(with, without, 10 * 5 * sizeof *with);
    assert_true(memcmp(with + 10 * 5, without + 10 * 5, (N - 10) * 5 * sizeof *with) != 0);
    double a[N * 3], b[N * 3];
    run_params(numbers_only, 1, a, 3, N);
    run_params(numbers_only, 0, b, 3, N);
    assert_memory_equal(a, b, sizeof a);
}

static void test_small_ints_option_validated(void **state)
{
    (void)state;
    flag_option_validated(offsetof(otto_gp_options, small_ints_as_categories),
                          "small_ints_as_categories", 0);
}

static void test_local_steps_option_validated(void **state)
{
    (void)state;
    flag_option_validated(offsetof(otto_gp_options, local_steps), "local_steps", 0);
}

static void test_noisy_options_validated(void **state)
{
    (void)state;
    flag_option_validated(offsetof(otto_gp_options, noisy), "noisy", 0);
    otto_gp_options o;
    otto_sampler *s = NULL;
    otto_gp_options_init(&o);
    o.noisy = 1;
    o.deterministic_objective = 1;
    assert_status(otto_sampler_gp_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_h_matches_reference),
        cmocka_unit_test(test_log_h_and_log_ndtr_derivatives),
        cmocka_unit_test(test_likelihood_gradient_matches_finite_differences),
        cmocka_unit_test(test_posterior_gradient_matches_finite_differences),
        cmocka_unit_test(test_branin_in_50_trials),
        cmocka_unit_test(test_beats_random_search),
        cmocka_unit_test(test_reproducible_under_seed),
        cmocka_unit_test(test_first_trial_at_the_centre),
        cmocka_unit_test(test_mixed_space_values_valid_and_good),
        cmocka_unit_test(test_hostile_objectives),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_multi_objective),
        cmocka_unit_test(test_parallel_asks_spread_out),
        cmocka_unit_test(test_threads_share_the_sampler),
        cmocka_unit_test(test_conditional_params_sampled_independently),
        cmocka_unit_test(test_options_validated),
        cmocka_unit_test(test_noisy_mode_repeats_exact_params),
        cmocka_unit_test(test_noisy_mode_with_running_trials_and_prefetch),
        cmocka_unit_test(test_noisy_options_validated),
        cmocka_unit_test(test_small_ints_as_categories_beat_numbers_on_labels),
        cmocka_unit_test(test_small_ints_as_categories_reads_only_small_ints),
        cmocka_unit_test(test_small_ints_option_validated),
        cmocka_unit_test(test_local_steps_option_validated),
        cmocka_unit_test(test_local_steps_refine_smooth_optima),
        cmocka_unit_test(test_quadratic_step_solves_the_trust_region),
        cmocka_unit_test(test_warp_fits_the_exponent_and_keeps_order),
        cmocka_unit_test(test_output_warping_helps_on_wide_values),
        cmocka_unit_test(test_output_warping_option_validated),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
