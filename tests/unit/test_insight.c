/* Study insight (otto/insight.h): the recommended trial beats best_trial on
 * a noisy sphere over 20 seeds; compare is sure of a truly better
 * configuration and unsure between equal ones, with the GP and with Welch's
 * test; should_stop stops on a flat noisy function and not on an unexplored
 * sphere, also as an optimize callback; the replicate rules on hand-made
 * studies; determinism; clear codes for bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common.h"
#include "numeric/student_t.h"
#include "samplers/gp/gp_model.h"

/* ---- noise and problems ------------------------------------------------------- */

typedef struct noise {
    uint64_t s;
} noise;

static double noise_uniform(noise *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return ((double)(r->s >> 11) + 0.5) / 9007199254740992.0;
}

static double noise_normal(noise *r)
{
    double u = noise_uniform(r), v = noise_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static noise noise_seeded(uint64_t seed)
{
    noise r = {0x9e3779b97f4a7c15ULL * (seed + 1) ^ 0xd1b54a32d192ed03ULL};
    for (int i = 0; i < 8; i++)
        noise_uniform(&r);
    return r;
}

static const char *const xnames[] = {"x0", "x1", "x2", "x3", "x4", "x5"};

static double sphere(const double *x, size_t d)
{
    double f = 0.0;
    for (size_t k = 0; k < d; k++)
        f += x[k] * x[k];
    return f;
}

/* The true (noise-free) sphere value at a trial's params. */
static double true_sphere(const otto_trial *t, size_t d)
{
    double x[6];
    for (size_t k = 0; k < d; k++)
        assert_ok(otto_trial_param_float(t, xnames[k], &x[k]));
    return sphere(x, d);
}

/* n trials of a d-D sphere on [-1,1]^d (times `scale`, 0 for a flat
 * function) with Gaussian noise of sd `sd`, asked from s. */
static void run_sphere(otto_study *s, size_t d, size_t n, double scale, double sd, noise *r)
{
    for (size_t i = 0; i < n; i++) {
        otto_trial *t;
        double x[6];
        assert_ok(otto_study_ask(s, &t));
        for (size_t k = 0; k < d; k++)
            assert_ok(otto_trial_suggest_float(t, xnames[k], -1, 1, 0, 0, &x[k]));
        double y = scale * sphere(x, d) + sd * noise_normal(r);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
    }
}

/* k evaluations of the fixed point x (a replicate set); returns the number
 * of the first. */
static int64_t replicate(otto_study *s, const otto_space *sp, const double *x, size_t d, size_t k,
                         double sd, noise *r)
{
    int64_t first = -1;
    for (size_t i = 0; i < k; i++) {
        double y = sphere(x, d) + sd * noise_normal(r);
        int64_t num;
        assert_ok(otto_study_add_trial(s, sp, x, OTTO_TRIAL_COMPLETE, &y, 1, &num));
        if (first < 0)
            first = num;
    }
    return first;
}

static otto_space *sphere_space(size_t d)
{
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    for (size_t k = 0; k < d; k++)
        assert_ok(otto_space_add_float(sp, xnames[k], -1, 1, 0, 0));
    return sp;
}

static const otto_trial *trial_of(otto_study *s, int64_t number)
{
    const otto_trial *t;
    assert_ok(otto_study_trial(s, number, &t));
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- recommend ----------------------------------------------------------------- */

/* The case: a 5-D sphere, noise sd 0.3, 80 trials of the default
 * (auto) sampler. The true regret of the recommended configuration against
 * best_trial's, over 20 seeds. */
static void test_recommend_beats_best_trial(void **state)
{
    (void)state;
    enum { SEEDS = 20, D = 5, N = 80 };
    double rec[SEEDS], best[SEEDS];
    int wins = 0, losses = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        otto_study *s = make_study(seed, OTTO_MINIMIZE, NULL, NULL);
        noise r = noise_seeded(seed);
        run_sphere(s, D, N, 1.0, 0.3, &r);
        const otto_trial *b, *t;
        double mean, sd;
        assert_ok(otto_study_best_trial(s, &b));
        assert_ok(otto_study_recommend(s, NULL, &t, &mean, &sd));
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
        assert_true(isfinite(mean) && sd > 0 && sd < 0.3);
        best[seed] = true_sphere(b, D);
        rec[seed] = true_sphere(t, D);
        /* the estimate is closer to the truth than best_trial's lucky value */
        double bv;
        assert_ok(otto_trial_value(b, &bv));
        wins += rec[seed] < best[seed];
        losses += rec[seed] > best[seed];
        otto_study_destroy(s);
    }
    qsort(rec, SEEDS, sizeof *rec, cmp_double);
    qsort(best, SEEDS, sizeof *best, cmp_double);
    double med_rec = 0.5 * (rec[9] + rec[10]), med_best = 0.5 * (best[9] + best[10]);
    print_message("recommend vs best_trial: %d wins, %d losses; median true regret %.4f vs "
                  "%.4f\n", wins, losses, med_rec, med_best);
    /* more wins than chance allows: a one-sided sign test over the seeds that
     * differ, P(X >= wins | Binomial(wins + losses, 1/2)) < 0.05 (the count
     * moves with the linear-algebra backend's rounding and the libm: 15-2 on
     * OpenBLAS, 12-3 on the built-in kernels, 12-2 on Windows) */
    int n = wins + losses;
    double tail = 0, c = 1; /* c = C(n, k), k from 0 */
    for (int k = 0; k <= n; k++) {
        if (k >= wins)
            tail += c;
        c = c * (n - k) / (k + 1);
    }
    tail = ldexp(tail, -n);
    print_message("sign test: P = %.4f\n", tail);
    assert_true(n > 0 && tail < 0.05);
    /* median true regret, recommended / best_trial: 0.48 on OpenBLAS, 0.66 on
     * the built-in kernels, 0.71 under Windows' libm (all measured) */
    assert_true(med_rec < 0.8 * med_best);
}

/* Maximizing: the recommendation is the best by the model's reading, and its
 * mean comes back in the objective's units (sign included). */
static void test_recommend_maximize(void **state)
{
    (void)state;
    otto_study *s = make_random_study(3, OTTO_MAXIMIZE, NULL);
    noise r = noise_seeded(3);
    for (size_t i = 0; i < 60; i++) {
        otto_trial *t;
        double x[2];
        assert_ok(otto_study_ask(s, &t));
        for (size_t k = 0; k < 2; k++)
            assert_ok(otto_trial_suggest_float(t, xnames[k], -1, 1, 0, 0, &x[k]));
        double y = 10.0 - sphere(x, 2) + 0.1 * noise_normal(&r);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
    }
    const otto_trial *t;
    double mean, sd;
    assert_ok(otto_study_recommend(s, NULL, &t, &mean, &sd));
    assert_true(mean > 9.5 && mean <= 10.1);
    assert_true(true_sphere(t, 2) < 0.15);
    otto_study_destroy(s);
}

/* Replicate statistics on a hand-made study: the best mean wins, not the
 * best single value, and sd is the pooled standard error. */
static void test_recommend_replicates(void **state)
{
    (void)state;
    otto_study *s = make_random_study(1, OTTO_MINIMIZE, NULL);
    otto_space *sp = sphere_space(1);
    double xa = 0.1, xb = 0.2, xc = 0.3;
    double ya[] = {1.0, 1.2, 0.8}, yb[] = {0.7}, yc[] = {0.2, 2.0};
    for (size_t i = 0; i < 3; i++)
        assert_ok(otto_study_add_trial(s, sp, &xa, OTTO_TRIAL_COMPLETE, &ya[i], 1, NULL));
    assert_ok(otto_study_add_trial(s, sp, &xb, OTTO_TRIAL_COMPLETE, &yb[0], 1, NULL));
    for (size_t i = 0; i < 2; i++)
        assert_ok(otto_study_add_trial(s, sp, &xc, OTTO_TRIAL_COMPLETE, &yc[i], 1, NULL));
    assert_ok(otto_study_add_trial(s, sp, &xc, OTTO_TRIAL_FAIL, NULL, 0, NULL));
    const otto_trial *t;
    double mean, sd;
    /* 6 usable trials < min_trials 10: replicates, as they would be anyway */
    assert_ok(otto_study_recommend(s, NULL, &t, &mean, &sd));
    assert_int_equal(otto_trial_number(t), 3); /* b: mean 0.7 beats a's 1.0 and c's 1.1 */
    assert_close(mean, 0.7, 1e-12);
    /* pooled within-configuration variance: (0.08 + 1.62) / (2 + 1) */
    assert_close(sd, sqrt(1.7 / 3.0 / 1.0), 1e-12);
    const otto_trial *best;
    assert_ok(otto_study_best_trial(s, &best));
    assert_int_equal(otto_trial_number(best), 4); /* c's lucky 0.2 */
    /* the GP is refused where it cannot be had */
    otto_recommend_options o;
    otto_recommend_options_init(&o);
    o.model = OTTO_INSIGHT_GP;
    assert_status(otto_study_recommend(s, &o, &t, &mean, &sd), OTTO_ESTATE);
    assert_null(t);
    assert_true(isnan(mean) && isnan(sd));
    o.model = OTTO_INSIGHT_GP;
    o.min_trials = 2;
    assert_ok(otto_study_recommend(s, &o, &t, &mean, &sd));
    /* no repeated configuration: the standard error is unknown */
    otto_study *s2 = make_random_study(1, OTTO_MINIMIZE, NULL);
    assert_ok(otto_study_add_trial(s2, sp, &xa, OTTO_TRIAL_COMPLETE, &ya[0], 1, NULL));
    assert_ok(otto_study_add_trial(s2, sp, &xb, OTTO_TRIAL_COMPLETE, &yb[0], 1, NULL));
    assert_ok(otto_study_recommend(s2, NULL, &t, &mean, &sd));
    assert_int_equal(otto_trial_number(t), 1);
    assert_close(mean, 0.7, 1e-12);
    assert_true(isnan(sd));
    /* outputs may be NULL */
    assert_ok(otto_study_recommend(s2, NULL, &t, NULL, NULL));
    otto_study_destroy(s2);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

/* Categorical params: replicates are matched by label, and the GP takes a
 * categorical-only space. */
static void test_recommend_categorical(void **state)
{
    (void)state;
    otto_study *s = make_random_study(5, OTTO_MINIMIZE, NULL);
    static const char *const colours[] = {"red", "green", "blue", "cyan"};
    noise r = noise_seeded(5);
    for (size_t i = 0; i < 80; i++) {
        otto_trial *t;
        size_t c;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_categorical(t, "colour", colours, 4, &c));
        double y = (c == 2 ? 0.0 : 1.0) + 0.5 * noise_normal(&r);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
    }
    for (int model = 0; model <= 2; model++) {
        otto_recommend_options o;
        otto_recommend_options_init(&o);
        o.model = (otto_insight_model)model;
        const otto_trial *t;
        const char *label;
        double mean;
        assert_ok(otto_study_recommend(s, &o, &t, &mean, NULL));
        assert_ok(otto_trial_param_label(t, "colour", &label));
        assert_string_equal(label, "blue");
        print_message("categorical, model %d: mean %.3f\n", model, mean);
        assert_true(fabs(mean) < 0.5); /* nearer blue's 0 than the others' 1 */
    }
    otto_study_destroy(s);
}

/* ---- compare -------------------------------------------------------------------- */

/* 30 random trials of a noisy 2-D sphere (sd 0.3), then 5 replicates each of
 * a (true 0.02) and b (true 0.98), and of c and d (both true 0.34). */
typedef struct compare_case {
    otto_study *s;
    const otto_trial *a, *b, *c, *d;
} compare_case;

static compare_case compare_study(uint64_t seed, size_t n_random)
{
    compare_case k;
    k.s = make_random_study(seed, OTTO_MINIMIZE, NULL);
    noise r = noise_seeded(seed + 100);
    run_sphere(k.s, 2, n_random, 1.0, 0.3, &r);
    otto_space *sp = sphere_space(2);
    double xa[] = {0.1, 0.1}, xb[] = {0.7, 0.7}, xc[] = {0.5, 0.3}, xd[] = {-0.3, -0.5};
    int64_t na = replicate(k.s, sp, xa, 2, 5, 0.3, &r), nb = replicate(k.s, sp, xb, 2, 5, 0.3, &r);
    int64_t nc = replicate(k.s, sp, xc, 2, 5, 0.3, &r), nd = replicate(k.s, sp, xd, 2, 5, 0.3, &r);
    otto_space_destroy(sp);
    k.a = trial_of(k.s, na);
    k.b = trial_of(k.s, nb + 2); /* any trial of a configuration speaks for it */
    k.c = trial_of(k.s, nc);
    k.d = trial_of(k.s, nd + 4);
    return k;
}

static void check_compare(int model, size_t n_random)
{
    enum { SEEDS = 10 };
    otto_recommend_options o;
    otto_recommend_options_init(&o);
    o.model = (otto_insight_model)model;
    double sum_equal = 0.0, worst_better = 1.0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        compare_case k = compare_study(seed, n_random);
        double p_ab, p_ba, p_cd, p_dc, p_aa;
        assert_ok(otto_study_compare_with(k.s, &o, k.a, k.b, &p_ab));
        assert_ok(otto_study_compare_with(k.s, &o, k.b, k.a, &p_ba));
        assert_ok(otto_study_compare_with(k.s, &o, k.c, k.d, &p_cd));
        assert_ok(otto_study_compare_with(k.s, &o, k.d, k.c, &p_dc));
        assert_ok(otto_study_compare_with(k.s, &o, k.a, trial_of(k.s, otto_trial_number(k.a) + 3),
                                          &p_aa));
        assert_close(p_ab + p_ba, 1.0, 1e-9);
        assert_close(p_cd + p_dc, 1.0, 1e-9);
        assert_close(p_aa, 0.5, 0.0);
        assert_true(p_ab > 0.95);
        worst_better = fmin(worst_better, p_ab);
        sum_equal += p_cd;
        otto_study_destroy(k.s);
    }
    print_message("compare (%s): better p >= %.4f; equal mean p %.3f\n",
                  model == OTTO_INSIGHT_GP ? "GP" : model ? "Welch" : "auto", worst_better,
                  sum_equal / SEEDS);
    assert_true(sum_equal / SEEDS < 0.6 && sum_equal / SEEDS > 0.4);
}

static void test_compare_gp(void **state)
{
    (void)state;
    check_compare(OTTO_INSIGHT_GP, 30);
}

static void test_compare_welch(void **state)
{
    (void)state;
    check_compare(OTTO_INSIGHT_REPLICATES, 30);
    /* the replicates alone (20 trials, 4 configurations), with the default
     * model: the GP */
    check_compare(OTTO_INSIGHT_AUTO, 0);
}

/* Welch's numbers on a hand-made study: means 1 and 2, variances 0.01 and
 * 0.04 over 3 trials each: t = 1 / sqrt(0.05 / 3) = 7.746, df = 2.94. */
static void test_compare_welch_values(void **state)
{
    (void)state;
    otto_study *s = make_random_study(1, OTTO_MINIMIZE, NULL);
    otto_space *sp = sphere_space(1);
    double xa = 0.1, xb = 0.2, ya[] = {0.9, 1.0, 1.1}, yb[] = {1.8, 2.0, 2.2};
    for (size_t i = 0; i < 3; i++) {
        assert_ok(otto_study_add_trial(s, sp, &xa, OTTO_TRIAL_COMPLETE, &ya[i], 1, NULL));
        assert_ok(otto_study_add_trial(s, sp, &xb, OTTO_TRIAL_COMPLETE, &yb[i], 1, NULL));
    }
    double p;
    assert_ok(otto_study_compare(s, trial_of(s, 0), trial_of(s, 1), &p));
    /* scipy.stats.t.cdf(7.745966692414835, 2.9411764705882346) */
    assert_close(p, 0.997601000150436, 1e-9);
    assert_ok(otto_study_compare(s, trial_of(s, 1), trial_of(s, 0), &p));
    assert_close(p, 1.0 - 0.997601000150436, 1e-9);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

/* ---- should_stop ----------------------------------------------------------------- */

static void test_should_stop_flat(void **state)
{
    (void)state;
    int stops = 0;
    for (uint64_t seed = 0; seed < 6; seed++) {
        otto_study *s = make_random_study(seed, OTTO_MINIMIZE, NULL);
        noise r = noise_seeded(seed);
        run_sphere(s, 2, 80, 0.0, 0.3, &r);
        double imp, err;
        int stop;
        assert_ok(otto_study_should_stop_with(s, NULL, &imp, &err, &stop));
        print_message("flat seed %d: improvement %.3f error %.3f stop %d\n", (int)seed, imp, err,
                      stop);
        assert_true(err > 0.15 && err < 0.45);
        stops += stop;
        otto_study_destroy(s);
    }
    assert_true(stops >= 5);
}

static void test_should_stop_unexplored(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 6; seed++) {
        otto_study *s = make_random_study(seed, OTTO_MINIMIZE, NULL);
        noise r = noise_seeded(seed);
        run_sphere(s, 5, 25, 1.0, 0.05, &r);
        double imp, err;
        int stop;
        assert_ok(otto_study_should_stop_with(s, NULL, &imp, &err, &stop));
        print_message("sphere seed %d: improvement %.3f error %.3f stop %d\n", (int)seed, imp,
                      err, stop);
        assert_false(stop);
        assert_true(imp > 2 * err);
        /* the same answer again (deterministic), and Optuna's bound is no lower */
        double imp2;
        assert_ok(otto_study_should_stop(s, &imp2, &stop));
        assert_close(imp2, imp, 0.0);
        otto_stop_options o;
        otto_stop_options_init(&o);
        o.bound = OTTO_STOP_BOUND_UCB_LCB;
        assert_ok(otto_study_should_stop_with(s, &o, &imp2, NULL, &stop));
        assert_true(imp2 >= imp - 1e-9);
        /* a tolerance of the user's: stop once the bound is below it */
        o.error = 2 * imp2;
        assert_ok(otto_study_should_stop_with(s, &o, &imp2, &err, &stop));
        assert_true(stop);
        assert_close(err, o.error, 0.0);
        otto_study_destroy(s);
    }
}

static otto_trial_state flat_objective(otto_trial *t, void *user_data, double *values,
                                       size_t n_values)
{
    noise *r = user_data;
    double x[2];
    for (size_t k = 0; k < 2; k++)
        if (otto_trial_suggest_float(t, xnames[k], -1, 1, 0, 0, &x[k]))
            return OTTO_TRIAL_FAIL;
    values[0] = 0.3 * noise_normal(r);
    return OTTO_TRIAL_COMPLETE;
}

static void test_should_stop_callback(void **state)
{
    (void)state;
    otto_study *s = make_random_study(7, OTTO_MINIMIZE, NULL);
    noise r = noise_seeded(7);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 200;
    oo.callback = otto_should_stop_callback;
    assert_ok(otto_study_optimize(s, flat_objective, &r, &oo));
    size_t n = otto_study_trial_count(s);
    print_message("flat objective stopped after %zu trials\n", n);
    assert_true(n >= 20 && n < 150);
    /* a study of fewer trials than min_trials never stops (and says so) */
    otto_study *s2 = make_random_study(7, OTTO_MINIMIZE, NULL);
    run_sphere(s2, 2, 10, 0.0, 0.3, &r);
    double imp, err;
    int stop = 1;
    assert_ok(otto_study_should_stop_with(s2, NULL, &imp, &err, &stop));
    assert_false(stop);
    assert_true(isinf(imp) && imp > 0 && isnan(err));
    otto_stop_options o;
    otto_stop_options_init(&o);
    o.min_trials = 5;
    assert_ok(otto_study_should_stop_with(s2, &o, &imp, &err, &stop));
    assert_true(isfinite(imp) && isfinite(err));
    otto_study_destroy(s2);
    otto_study_destroy(s);
}

/* ---- the pieces below: the t distribution, the GP's posterior covariance ------ */

static void test_student_t(void **state)
{
    (void)state;
    /* scipy.stats.t.cdf */
    static const double ref[][3] = {
        {0, 1, 0.5},
        {1.5, 1, 0.8128329581890013},
        {-2, 3.5, 0.06306926128795674},
        {0.3, 30, 0.6168769473578236},
        {-4, 2.2, 0.024365313363881983},
        {10, 5, 0.9999145262121285},
        {2.5, 1e6, 0.9937902552489184},
        {-0.7, 0.5, 0.34270033126038335},
    };
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++)
        assert_close(otto__student_t_cdf(ref[i][0], ref[i][1]), ref[i][2],
                     ref[i][1] <= 1000 ? 1e-13 : 1e-11);
    assert_close(otto__student_t_cdf(1.0, INFINITY), 0.8413447460685429, 1e-15);
    assert_true(isnan(otto__student_t_cdf(1.0, 0.0)) && isnan(otto__student_t_cdf(NAN, 3)));
    assert_close(otto__student_t_cdf(INFINITY, 3), 1.0, 0.0);
}

static void test_gp_posterior_cov(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    unsigned char cat[2] = {0, 1};
    otto__gp gp;
    assert_ok(otto__gp_init(&gp, &a, 2, cat));
    noise r = noise_seeded(9);
    double x[2 * 30], y[30];
    for (size_t i = 0; i < 30; i++) {
        x[2 * i] = noise_uniform(&r);
        x[2 * i + 1] = (double)(i % 3);
        y[i] = sin(6 * x[2 * i]) + 0.5 * x[2 * i + 1] + 0.1 * noise_normal(&r);
    }
    assert_ok(otto__gp_set_data(&gp, 30, x, y));
    assert_ok(otto__gp_fit(&gp, 100, 1));
    double pts[6] = {0.3, 0, 0.31, 0, 0.9, 2}, mean[3], var[3], cov[3], back, work[30 * 4];
    assert_ok(otto__gp_predict(&gp, 3, pts, mean, var, work));
    assert_ok(otto__gp_posterior_cov(&gp, pts, 3, pts, cov, work));
    assert_close(cov[0], var[0], 1e-12 * gp.p.scale); /* cov(a, a) = var(a) */
    assert_true(cov[1] > 0.9 * sqrt(var[0] * var[1])); /* neighbours move together */
    assert_true(fabs(cov[2]) <= sqrt(var[0] * var[2]) + 1e-12);
    assert_ok(otto__gp_posterior_cov(&gp, pts + 4, 1, pts, &back, work));
    assert_close(back, cov[2], 1e-12 * gp.p.scale); /* symmetric */
    /* a weaker noise prior reads more of the data as noise */
    double noise_30 = gp.p.noise;
    gp.noise_rate = 1.0;
    assert_ok(otto__gp_fit(&gp, 100, 1));
    assert_true(gp.p.noise >= noise_30);
    otto__gp_free(&gp);
}

/* ---- bad input --------------------------------------------------------------------- */

/* ---- hypervolume history ------------------------------------------------------ */

/* A 2-objective study (minimize, maximize) from a list of value pairs;
 * constrained[i] != 0 gives trial i a violated constraint; NaN values make
 * a FAIL trial. */
static otto_study *mo_study(const double (*v)[2], const int *violated, size_t n)
{
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MAXIMIZE};
    otto_study_options o;
    otto_study_options_init(&o);
    o.n_objectives = 2;
    o.directions = dirs;
    otto_study *s = NULL;
    assert_ok(otto_study_create(&o, &s));
    otto_space *sp = NULL;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0.0, 1.0, 0.0, 0));
    for (size_t i = 0; i < n; i++) {
        double x = 0.5, c = violated && violated[i] ? 1.0 : -1.0;
        otto_trial_extras e;
        otto_trial_extras_init(&e);
        e.constraints = &c;
        e.n_constraints = 1;
        int fail = isnan(v[i][0]);
        assert_ok(otto_study_add_trial_with(s, sp, &x, fail ? OTTO_TRIAL_FAIL : OTTO_TRIAL_COMPLETE,
                                            fail ? NULL : v[i], fail ? 0 : 2, &e, NULL));
    }
    otto_space_destroy(sp);
    return s;
}

static void test_hypervolume_history(void **state)
{
    (void)state;
    /* objective 0 minimized, objective 1 maximized; reference (4, 0) */
    const double v[][2] = {{3, 1},   /* box 1 x 1 = 1 */
                           {5, 9},   /* beyond the reference in objective 0: nothing */
                           {1, 2},   /* adds: front {(3,1),(1,2)}: 1 + 3*2 - 1*1 = 6 */
                           {NAN, 0}, /* FAIL: no entry */
                           {2, 1.5}, /* dominated by (1,2): nothing */
                           {0.5, 3}, /* violated constraint: nothing */
                           {0, 2.5}}; /* dominates (1,2): front {(3,1),(0,2.5)}: 4*2.5 = 10 */
    const int violated[] = {0, 0, 0, 0, 0, 1, 0};
    otto_study *s = mo_study(v, violated, 7);
    const double ref[2] = {4.0, 0.0};
    otto_study_options o1;
    int64_t num[8];
    double vol[8];
    size_t n = 0;
    assert_ok(otto_study_hypervolume_history(s, ref, 2, NULL, NULL, 0, &n));
    assert_int_equal(n, 6);
    assert_ok(otto_study_hypervolume_history(s, ref, 2, num, vol, 8, &n));
    const int64_t want_num[] = {0, 1, 2, 4, 5, 6};
    const double want_vol[] = {1, 1, 6, 6, 6, 10};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(num[i], want_num[i]);
        assert_true(fabs(vol[i] - want_vol[i]) < 1e-12);
    }
    /* a short buffer gets the first entries and the full count */
    assert_ok(otto_study_hypervolume_history(s, ref, 2, num, vol, 2, &n));
    assert_int_equal(n, 6);
    assert_true(fabs(vol[1] - 1.0) < 1e-12);
    /* the default reference: worst feasible values moved by a tenth of the span */
    double dr[2];
    assert_ok(otto_study_default_reference(s, dr, 2));
    assert_true(fabs(dr[0] - (5.0 + 0.5)) < 1e-12);  /* worst 5, best 0 */
    assert_true(fabs(dr[1] - (1.0 - 0.8)) < 1e-12);  /* maximized: worst 1, best 9 */
    /* bad input */
    assert_int_equal(otto_study_hypervolume_history(s, ref, 3, num, vol, 8, &n), OTTO_EINVAL);
    const double inf_ref[2] = {INFINITY, 0.0};
    assert_int_equal(otto_study_hypervolume_history(s, inf_ref, 2, num, vol, 8, &n), OTTO_EINVAL);
    assert_int_equal(otto_study_hypervolume_history(s, ref, 2, NULL, vol, 8, &n), OTTO_EINVAL);
    assert_int_equal(otto_study_hypervolume_history(NULL, ref, 2, num, vol, 8, &n), OTTO_EINVAL);
    assert_int_equal(otto_study_default_reference(s, dr, 1), OTTO_EINVAL);
    otto_study_destroy(s);

    otto_study *one = NULL;
    otto_study_options_init(&o1);
    assert_ok(otto_study_create(&o1, &one));
    assert_int_equal(otto_study_hypervolume_history(one, ref, 1, num, vol, 8, &n), OTTO_ESTATE);
    otto_study_destroy(one);
    otto_study *empty = mo_study(v, NULL, 0);
    assert_int_equal(otto_study_default_reference(empty, dr, 2), OTTO_ENOTFOUND);
    assert_ok(otto_study_hypervolume_history(empty, ref, 2, num, vol, 8, &n));
    assert_int_equal(n, 0);
    otto_study_destroy(empty);
}

/* The history's last entry is the hypervolume of the feasible front, and it
 * never falls, on random 3-objective studies. */
static void test_hypervolume_history_random(void **state)
{
    (void)state;
    noise r = noise_seeded(7);
    otto_direction dirs[3] = {OTTO_MINIMIZE, OTTO_MINIMIZE, OTTO_MINIMIZE};
    otto_study_options o;
    otto_study_options_init(&o);
    o.n_objectives = 3;
    o.directions = dirs;
    otto_study *s = NULL;
    assert_ok(otto_study_create(&o, &s));
    otto_space *sp = NULL;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0.0, 1.0, 0.0, 0));
    enum { N = 300 };
    static double pts[N * 3];
    for (size_t i = 0; i < N; i++) {
        double x = 0.5;
        for (size_t k = 0; k < 3; k++)
            pts[i * 3 + k] = noise_uniform(&r);
        assert_ok(otto_study_add_trial(s, sp, &x, OTTO_TRIAL_COMPLETE, pts + i * 3, 3, NULL));
    }
    const double ref[3] = {0.9, 0.9, 0.9};
    static int64_t num[N];
    static double vol[N];
    size_t n = 0;
    assert_ok(otto_study_hypervolume_history(s, ref, 3, num, vol, N, &n));
    assert_int_equal(n, N);
    for (size_t i = 1; i < N; i++)
        assert_true(vol[i] >= vol[i - 1]);
    double whole = 0.0;
    assert_ok(otto_hypervolume(pts, N, 3, ref, &whole));
    assert_true(fabs(vol[N - 1] - whole) <= 1e-12 * whole);
    assert_true(whole > 0.5); /* 300 uniform points cover most of the 0.729 box */
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

static void test_bad_input(void **state)
{
    (void)state;
    const otto_trial *t = (const otto_trial *)1;
    double mean = 0, sd = 0, p = 0, imp = 0;
    int stop = 1;
    /* NULLs */
    assert_status(otto_study_recommend(NULL, NULL, &t, &mean, &sd), OTTO_EINVAL);
    assert_null(t);
    assert_true(isnan(mean) && isnan(sd));
    otto_study *s = make_random_study(1, OTTO_MINIMIZE, NULL);
    assert_status(otto_study_recommend(s, NULL, NULL, &mean, &sd), OTTO_EINVAL);
    assert_status(otto_study_compare(NULL, NULL, NULL, &p), OTTO_EINVAL);
    assert_true(isnan(p));
    assert_status(otto_study_compare(s, NULL, NULL, NULL), OTTO_EINVAL);
    assert_status(otto_study_should_stop(NULL, &imp, &stop), OTTO_EINVAL);
    assert_false(stop);
    assert_status(otto_study_should_stop(s, &imp, NULL), OTTO_EINVAL);
    assert_int_equal(otto_should_stop_callback(NULL, NULL, NULL), 0);
    /* an empty study */
    assert_status(otto_study_recommend(s, NULL, &t, &mean, &sd), OTTO_ENOTFOUND);
    assert_ok(otto_study_should_stop(s, &imp, &stop));
    assert_false(stop);
    assert_true(isinf(imp));
    /* bad options */
    otto_recommend_options ro;
    otto_recommend_options_init(&ro);
    ro.min_trials = 1;
    assert_status(otto_study_recommend(s, &ro, &t, NULL, NULL), OTTO_EINVAL);
    otto_recommend_options_init(&ro);
    ro.model = (otto_insight_model)7;
    assert_status(otto_study_recommend(s, &ro, &t, NULL, NULL), OTTO_EINVAL);
    otto_recommend_options_init(&ro);
    ro.max_fit_evals = 0;
    assert_status(otto_study_recommend(s, &ro, &t, NULL, NULL), OTTO_EINVAL);
    otto_stop_options so;
    otto_stop_options_init(&so);
    so.top_trials_ratio = 0;
    assert_status(otto_study_should_stop_with(s, &so, &imp, NULL, &stop), OTTO_EINVAL);
    otto_stop_options_init(&so);
    so.error = -1;
    assert_status(otto_study_should_stop_with(s, &so, &imp, NULL, &stop), OTTO_EINVAL);
    so.error = NAN;
    assert_status(otto_study_should_stop_with(s, &so, &imp, NULL, &stop), OTTO_EINVAL);
    otto_stop_options_init(&so);
    so.min_trials = 1;
    assert_status(otto_study_should_stop_with(s, &so, &imp, NULL, &stop), OTTO_EINVAL);
    otto_stop_options_init(&so);
    so.bound = (otto_stop_bound)9;
    assert_status(otto_study_should_stop_with(s, &so, &imp, NULL, &stop), OTTO_EINVAL);
    /* trials that are not usable trials of the study */
    noise r = noise_seeded(1);
    run_sphere(s, 2, 12, 1.0, 0.1, &r);
    otto_trial *running;
    assert_ok(otto_study_ask(s, &running));
    otto_study *other = make_random_study(2, OTTO_MINIMIZE, NULL);
    run_sphere(other, 2, 3, 1.0, 0.1, &r);
    assert_status(otto_study_compare(s, trial_of(s, 0), running, &p), OTTO_EINVAL);
    assert_status(otto_study_compare(s, trial_of(other, 0), trial_of(s, 0), &p), OTTO_EINVAL);
    assert_true(strstr(otto_last_error_message(), "not a COMPLETE trial") != NULL);
    /* no GP and no repeated configuration: nothing to compare with */
    assert_status(otto_study_compare(other, trial_of(other, 0), trial_of(other, 1), &p),
                  OTTO_ESTATE);
    assert_true(isnan(p));
    assert_ok(otto_study_tell(s, running, OTTO_TRIAL_FAIL, NULL, 0));
    otto_study_destroy(other);
    otto_study_destroy(s);
    /* several objectives */
    otto_study_options mo;
    otto_study_options_init(&mo);
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MINIMIZE};
    mo.n_objectives = 2;
    mo.directions = dirs;
    mo.seed = 1;
    otto_study *ms;
    assert_ok(otto_study_create(&mo, &ms));
    otto_trial *mt;
    assert_ok(otto_study_ask(ms, &mt));
    double v2[2] = {1, 2}, x;
    assert_ok(otto_trial_suggest_float(mt, "x0", 0, 1, 0, 0, &x));
    assert_ok(otto_study_tell(ms, mt, OTTO_TRIAL_COMPLETE, v2, 2));
    assert_status(otto_study_recommend(ms, NULL, &t, NULL, NULL), OTTO_ESTATE);
    assert_status(otto_study_compare(ms, trial_of(ms, 0), trial_of(ms, 0), &p), OTTO_ESTATE);
    assert_status(otto_study_should_stop(ms, &imp, &stop), OTTO_ESTATE);
    assert_true(strstr(otto_last_error_message(), "2 objectives") != NULL);
    assert_int_equal(otto_should_stop_callback(ms, trial_of(ms, 0), NULL), 0);
    otto_study_destroy(ms);
    /* trials with no common param: no search space to bound over */
    otto_study *e = make_random_study(3, OTTO_MINIMIZE, NULL);
    for (size_t i = 0; i < 25; i++) {
        otto_trial *et;
        char name[16];
        snprintf(name, sizeof name, "p%zu", i);
        assert_ok(otto_study_ask(e, &et));
        assert_ok(otto_trial_suggest_float(et, name, 0, 1, 0, 0, &x));
        double y = x;
        assert_ok(otto_study_tell(e, et, OTTO_TRIAL_COMPLETE, &y, 1));
    }
    assert_status(otto_study_should_stop(e, &imp, &stop), OTTO_ESTATE);
    assert_ok(otto_study_recommend(e, NULL, &t, &mean, NULL)); /* replicates: the lowest */
    assert_true(mean < 0.2);
    otto_study_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recommend_beats_best_trial),
        cmocka_unit_test(test_recommend_maximize),
        cmocka_unit_test(test_recommend_replicates),
        cmocka_unit_test(test_recommend_categorical),
        cmocka_unit_test(test_compare_gp),
        cmocka_unit_test(test_compare_welch),
        cmocka_unit_test(test_compare_welch_values),
        cmocka_unit_test(test_should_stop_flat),
        cmocka_unit_test(test_should_stop_unexplored),
        cmocka_unit_test(test_should_stop_callback),
        cmocka_unit_test(test_student_t),
        cmocka_unit_test(test_gp_posterior_cov),
        cmocka_unit_test(test_hypervolume_history),
        cmocka_unit_test(test_hypervolume_history_random),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
