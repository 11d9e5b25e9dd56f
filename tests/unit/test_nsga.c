/* Tests of the NSGA-II and NSGA-III samplers: the six crossovers keep to
 * their definitions' statistics, the non-dominated sort agrees with brute
 * force, NSGA-II beats random search on ZDT1 (2-D hypervolume over 10
 * seeds) and steers TNK's children into its feasible band, constrained
 * selection prefers feasible points, NSGA-III improves DTLZ2, generations
 * continue through a journal and seeded runs repeat, and bad options are
 * OTTO_EINVAL. */
#include <stdlib.h>

#include "../common.h"
#include "../testos.h"
#include "common/common.h"
#include "samplers/nsga/crossover.h"
#include "samplers/nsga/nondominated.h"
#include "samplers/nsga/selection.h"

/* ---- crossovers ------------------------------------------------------------------ */

#define DRAWS 40000

static otto__crossover defaults(int kind)
{
    otto__crossover x = {kind, 0.5, 0.5, 20.0, 0.5, 0.5, 0.5, NAN, NAN};
    return x;
}

static void uniform_takes_the_second_parent_with_1_minus_swapping_prob(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 1, 0);
    otto__crossover x = defaults(OTTO_NSGA_UNIFORM);
    x.swapping_prob = 0.3;
    double p[4] = {0.1, 0.2, 0.8, 0.9}, c[2], s[4];
    size_t second = 0;
    for (int i = 0; i < DRAWS; i++) {
        otto__crossover_child(&x, p, 2, &r, c, s);
        for (int j = 0; j < 2; j++) {
            assert_true(c[j] == p[j] || c[j] == p[2 + j]);
            second += c[j] == p[2 + j];
        }
    }
    assert_close((double)second / (2.0 * DRAWS), 0.7, 0.01);
}

static void blx_alpha_is_uniform_on_the_widened_box(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 2, 0);
    otto__crossover x = defaults(OTTO_NSGA_BLX_ALPHA);
    double p[2] = {0.4, 0.6}, c, s[2], sum = 0, sum2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < DRAWS; i++) {
        otto__crossover_child(&x, p, 1, &r, &c, s);
        sum += c;
        sum2 += c * c;
        lo = fmin(lo, c);
        hi = fmax(hi, c);
    }
    double mean = sum / DRAWS, var = sum2 / DRAWS - mean * mean;
    assert_true(lo >= 0.3 && hi <= 0.7 && lo < 0.302 && hi > 0.698);
    assert_close(mean, 0.5, 0.002);
    assert_close(var, 0.4 * 0.4 / 12, 0.0005);
}

/* SBX and VSBX with parents placed symmetrically in the box: children are
 * symmetric around the parents' midpoint (mean 0.5, third central moment
 * 0), and SBX's stay inside [0,1]; a larger eta keeps them nearer the
 * parents. */
static double spread(int kind, double eta, int check_bounds, double *skew)
{
    otto_rng r;
    otto__rng_init(&r, 3, (uint64_t)kind);
    otto__crossover x = defaults(kind);
    x.sbx_eta = eta;
    x.sbx_use_child_gene_prob = 1.0;
    double p[2] = {0.4, 0.6}, c, s[2], m1 = 0, m2 = 0, m3 = 0;
    for (int i = 0; i < DRAWS; i++) {
        otto__crossover_child(&x, p, 1, &r, &c, s);
        if (check_bounds)
            assert_true(c >= 0 && c <= 1);
        m1 += c - 0.5;
        m2 += (c - 0.5) * (c - 0.5);
        m3 += (c - 0.5) * (c - 0.5) * (c - 0.5);
    }
    assert_close(m1 / DRAWS, 0.0, 0.003);
    *skew = m3 / DRAWS / pow(m2 / DRAWS, 1.5);
    return sqrt(m2 / DRAWS);
}

static void sbx_and_vsbx_children_are_symmetric_around_the_parents(void **state)
{
    (void)state;
    double skew, wide = spread(OTTO_NSGA_SBX, 2.0, 1, &skew);
    assert_close(skew, 0.0, 0.05);
    double narrow = spread(OTTO_NSGA_SBX, 20.0, 1, &skew);
    assert_close(skew, 0.0, 0.05);
    assert_true(narrow < wide);
    assert_close(narrow, 0.1, 0.02); /* a large eta: about the parents themselves */
    spread(OTTO_NSGA_VSBX, 20.0, 0, &skew);
    assert_close(skew, 0.0, 0.1);
}

/* UNDX: mean at the midpoint of parents 1 and 2, standard deviation
 * sigma_xi^2 |p1 - p2| along their line and D sigma_eta^2 across it. */
static void undx_has_its_normal_spread(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 4, 0);
    otto__crossover x = defaults(OTTO_NSGA_UNDX);
    double p[6] = {0.3, 0.5, 0.7, 0.5, 0.5, 0.7}, c[2], s[4];
    double mx = 0, my = 0, vx = 0, vy = 0;
    for (int i = 0; i < DRAWS; i++) {
        otto__crossover_child(&x, p, 2, &r, c, s);
        mx += c[0];
        my += c[1];
        vx += (c[0] - 0.5) * (c[0] - 0.5);
        vy += (c[1] - 0.5) * (c[1] - 0.5);
    }
    double eta = 0.35 / sqrt(2.0);
    assert_close(mx / DRAWS, 0.5, 0.002);
    assert_close(my / DRAWS, 0.5, 0.002);
    assert_close(sqrt(vx / DRAWS), 0.25 * 0.4, 0.003);
    assert_close(sqrt(vy / DRAWS), 0.2 * eta * eta, 0.001);
}

/* SPX: uniform in the parents' simplex expanded by epsilon around its
 * centroid: the children's mean is the centroid and none lies outside. */
static void spx_fills_the_expanded_simplex(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 5, 0);
    otto__crossover x = defaults(OTTO_NSGA_SPX);
    x.spx_epsilon = 1.5;
    double p[6] = {0.2, 0.2, 0.6, 0.3, 0.3, 0.7}, c[2], s[4], mx = 0, my = 0;
    double g[2] = {(0.2 + 0.6 + 0.3) / 3, (0.2 + 0.3 + 0.7) / 3};
    for (int i = 0; i < DRAWS; i++) {
        otto__crossover_child(&x, p, 2, &r, c, s);
        mx += c[0];
        my += c[1];
        /* barycentric coordinates in the expanded simplex are all >= 0 */
        double v[3][2];
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 2; j++)
                v[k][j] = g[j] + 1.5 * (p[2 * k + j] - g[j]);
        double det = (v[1][0] - v[0][0]) * (v[2][1] - v[0][1]) -
                     (v[2][0] - v[0][0]) * (v[1][1] - v[0][1]);
        double l1 = ((c[0] - v[0][0]) * (v[2][1] - v[0][1]) - (v[2][0] - v[0][0]) * (c[1] - v[0][1])) / det;
        double l2 = ((v[1][0] - v[0][0]) * (c[1] - v[0][1]) - (c[0] - v[0][0]) * (v[1][1] - v[0][1])) / det;
        assert_true(l1 >= -1e-9 && l2 >= -1e-9 && l1 + l2 <= 1 + 1e-9);
    }
    assert_close(mx / DRAWS, g[0], 0.002);
    assert_close(my / DRAWS, g[1], 0.002);
}

/* ---- non-dominated sort ------------------------------------------------------------ */

/* Brute force: peel off the points no remaining point dominates. */
static void brute_rank(const double *f, size_t n, size_t m, size_t *rank)
{
    int *done = calloc(n, sizeof *done);
    size_t left = n;
    for (size_t r = 0; left; r++) {
        int *front = calloc(n, sizeof *front);
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            front[i] = 1;
            for (size_t j = 0; j < n; j++)
                if (!done[j] && otto__dominates_min(f + j * m, f + i * m, m))
                    front[i] = 0;
        }
        for (size_t i = 0; i < n; i++)
            if (front[i]) {
                rank[i] = r;
                done[i] = 1;
                left--;
            }
        free(front);
    }
    free(done);
}

static void nondominated_sort_matches_brute_force(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    otto_rng r;
    otto__rng_init(&r, 6, 0);
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 1 + otto_rng_below(&r, 80), m = 1 + otto_rng_below(&r, 4);
        int coarse = rep % 2; /* values on a small grid: ties and duplicates */
        double *f = calloc(n * m, sizeof *f), *pen = calloc(n, sizeof *pen);
        size_t *got = calloc(n, sizeof *got), *want = calloc(n, sizeof *want);
        for (size_t i = 0; i < n * m; i++)
            f[i] = coarse ? (double)otto_rng_below(&r, 4) : otto_rng_normal(&r);
        int rc;
        otto__nondominated_rank(f, n, m, NULL, &a, got, &rc);
        assert_ok(rc);
        brute_rank(f, n, m, want);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(got[i], want[i]);
        /* constrained: feasible ones by objectives, then by penalty */
        size_t n_feas = 0, max_feas = 0;
        for (size_t i = 0; i < n; i++) {
            pen[i] = otto_rng_uniform(&r) < 0.5 ? 0.0 : (double)(1 + otto_rng_below(&r, 3));
            n_feas += pen[i] == 0;
        }
        double *ff = calloc(n * m, sizeof *ff);
        size_t *idx = calloc(n, sizeof *idx), k = 0;
        for (size_t i = 0; i < n; i++)
            if (pen[i] == 0) {
                memcpy(ff + k * m, f + i * m, m * sizeof *f);
                idx[k++] = i;
            }
        brute_rank(ff, n_feas, m, want);
        for (size_t i = 0; i < n_feas; i++)
            max_feas = want[i] + 1 > max_feas ? want[i] + 1 : max_feas;
        otto__nondominated_rank(f, n, m, pen, &a, got, &rc);
        assert_ok(rc);
        for (size_t i = 0; i < n_feas; i++)
            assert_int_equal(got[idx[i]], want[i]);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (pen[i] > 0 && pen[j] > 0 && pen[i] < pen[j])
                    assert_true(got[i] < got[j]);
                else if (pen[i] > 0)
                    assert_true(got[i] >= max_feas);
        free(f);
        free(pen);
        free(got);
        free(want);
        free(ff);
        free(idx);
    }
}

static void das_dennis_points_lie_on_the_simplex(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    double *ref;
    size_t n;
    assert_ok(otto__das_dennis(3, 3, &a, &ref, &n));
    assert_int_equal(n, 10);
    for (size_t i = 0; i < n; i++) {
        assert_close(ref[3 * i] + ref[3 * i + 1] + ref[3 * i + 2], 3.0, 0);
        for (size_t j = 0; j < i; j++)
            assert_false(ref[3 * i] == ref[3 * j] && ref[3 * i + 1] == ref[3 * j + 1]);
    }
    otto__free(&a, ref);
    assert_ok(otto__das_dennis(5, 4, &a, &ref, &n));
    assert_int_equal(n, 70); /* C(8, 4) */
    otto__free(&a, ref);
}

/* ---- problems and studies ---------------------------------------------------------- */

#define NV 6

static void zdt1(const double *x, double *f)
{
    double g = 0;
    for (int i = 1; i < NV; i++)
        g += x[i];
    g = 1 + 9 * g / (NV - 1);
    f[0] = x[0];
    f[1] = g * (1 - sqrt(x[0] / g));
}

/* Exact 2-D hypervolume (minimization) of the points dominating ref:
 * sorted by f0, swept with the running minimum of f1. */
static int cmp_f0(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

static double hypervolume2(double *pts, size_t n, const double ref[2])
{
    qsort(pts, n, 2 * sizeof *pts, cmp_f0);
    size_t k = 0; /* the staircase: points below every earlier one, inside ref */
    for (size_t i = 0; i < n; i++)
        if (pts[2 * i] < ref[0] && pts[2 * i + 1] < (k ? pts[2 * (k - 1) + 1] : ref[1])) {
            pts[2 * k] = pts[2 * i];
            pts[2 * k + 1] = pts[2 * i + 1];
            k++;
        }
    double hv = 0;
    for (size_t i = 0; i < k; i++)
        hv += ((i + 1 < k ? pts[2 * (i + 1)] : ref[0]) - pts[2 * i]) * (ref[1] - pts[2 * i + 1]);
    return hv;
}

static otto_study *mo_study(otto_sampler *sm, uint64_t seed, size_t m, otto_storage *st,
                            otto_open_mode mode)
{
    static const otto_direction dirs[4] = {OTTO_MINIMIZE, OTTO_MINIMIZE, OTTO_MINIMIZE,
                                           OTTO_MINIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.n_objectives = m;
    so.directions = dirs;
    so.sampler = sm;
    so.storage = st;
    so.open_mode = mode;
    so.name = "nsga";
    otto_study *s = NULL;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

static otto_sampler *nsga2(size_t pop, int crossover)
{
    otto_nsga2_options o;
    otto_nsga2_options_init(&o);
    o.population_size = pop;
    o.crossover = crossover;
    otto_sampler *sm;
    assert_ok(otto_sampler_nsga2_create(&o, &sm));
    return sm;
}

static void ask_zdt1(otto_study *s, double *f)
{
    otto_trial *t;
    double x[NV];
    assert_ok(otto_study_ask(s, &t));
    for (int i = 0; i < NV; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        assert_ok(otto_trial_suggest_float(t, name, 0, 1, 0, 0, &x[i]));
        assert_true(x[i] >= 0 && x[i] <= 1);
    }
    zdt1(x, f);
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, f, 2));
}

static double zdt1_hv(otto_sampler *sm, uint64_t seed, int n_trials)
{
    otto_study *s = mo_study(sm, seed, 2, NULL, OTTO_OPEN_CREATE);
    double *pts = calloc(2 * (size_t)n_trials, sizeof *pts);
    for (int i = 0; i < n_trials; i++)
        ask_zdt1(s, pts + 2 * i);
    const double ref[2] = {1.1, 1.1};
    double hv = hypervolume2(pts, (size_t)n_trials, ref);
    free(pts);
    otto_study_destroy(s);
    return hv;
}

/* Measured (500 trials, seeds 0-9, reference point (1.1, 1.1), where the
 * ideal front scores 1.1^2 - 1/3 = 0.877): NSGA-II 0.269 (0.10-0.42, ahead on
 * all 10 seeds), random search 0.047 (6 of its seeds reach no point inside
 * the reference box). The test asks for 9 wins and a mean gap of 0.15.
 * Optuna's NSGAIISampler averaged 0.32 over 30 seeds, otto's 0.33 over 60. */
#define MARGIN 0.15
static void nsga2_beats_random_search_on_zdt1(void **state)
{
    (void)state;
    double sum_n = 0, sum_r = 0;
    int wins = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        otto_sampler *rs;
        assert_ok(otto_sampler_random_create(NULL, &rs));
        double hv_r = zdt1_hv(rs, seed, 500), hv_n = zdt1_hv(nsga2(50, OTTO_NSGA_UNIFORM), seed, 500);
        print_message("seed %d: nsga2 %.3f random %.3f\n", (int)seed, hv_n, hv_r);
        wins += hv_n > hv_r;
        sum_n += hv_n;
        sum_r += hv_r;
    }
    print_message("mean: nsga2 %.3f random %.3f\n", sum_n / 10, sum_r / 10);
    assert_true(wins >= 9);
    assert_true(sum_n / 10 > sum_r / 10 + MARGIN);
}

/* Every crossover keeps params in their distributions (float, log, int,
 * step and categorical) and improves on the first generation. */
static void every_crossover_keeps_params_inside_and_improves(void **state)
{
    (void)state;
    const char *choices[3] = {"a", "b", "c"};
    for (int kind = OTTO_NSGA_UNIFORM; kind <= OTTO_NSGA_SPX; kind++) {
        otto_study *s = mo_study(nsga2(20, kind), 7, 2, NULL, OTTO_OPEN_CREATE);
        double first = 0, last = 0;
        for (int i = 0; i < 200; i++) {
            otto_trial *t;
            double x, y, z;
            int64_t k;
            size_t c;
            assert_ok(otto_study_ask(s, &t));
            assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
            assert_ok(otto_trial_suggest_float(t, "y", 1e-3, 1, 0, OTTO_LOG, &y));
            assert_ok(otto_trial_suggest_float(t, "z", -1, 1, 0.25, 0, &z));
            assert_ok(otto_trial_suggest_int(t, "k", -3, 7, 1, 0, &k));
            assert_ok(otto_trial_suggest_categorical(t, "c", choices, 3, &c));
            assert_true(x >= 0 && x <= 1 && y >= 1e-3 && y <= 1 && z >= -1 && z <= 1);
            assert_close(fmod(z + 1, 0.25), 0, 1e-12);
            assert_true(k >= -3 && k <= 7 && c < 3);
            double f[2] = {x + y + fabs(z) + (double)labs((long)k) + (double)c,
                           (1 - x) + (1 - y) + fabs(z) + (double)labs((long)k) + (double)c};
            if (i < 20)
                first += f[0] + f[1];
            if (i >= 180)
                last += f[0] + f[1];
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, f, 2));
        }
        print_message("crossover %d: first generation %.2f, last %.2f\n", kind, first / 20,
                      last / 20);
        assert_true(last < 0.6 * first);
        otto_study_destroy(s);
    }
}

/* TNK (Tanaka 1995): two constraints leave a thin feasible band (about
 * 7% of the box) that holds the whole Pareto front. Constrained domination
 * steers NSGA-II's children into it: the last 100 trials are feasible
 * several times as often as random search's (measured: 91 vs 13 of
 * 300 over 3 seeds; the test asks for 3 times). */
static int tnk_feasible_last(otto_sampler *sm, uint64_t seed)
{
    otto_study *s = mo_study(sm, seed, 2, NULL, OTTO_OPEN_CREATE);
    int feasible_last = 0;
    for (int i = 0; i < 400; i++) {
        otto_trial *t;
        double x[2];
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x1", 1e-9, OTTO_PI, 0, 0, &x[0]));
        assert_ok(otto_trial_suggest_float(t, "x2", 1e-9, OTTO_PI, 0, 0, &x[1]));
        double c[2] = {-(x[0] * x[0] + x[1] * x[1] - 1 - 0.1 * cos(16 * atan(x[0] / x[1]))),
                       (x[0] - 0.5) * (x[0] - 0.5) + (x[1] - 0.5) * (x[1] - 0.5) - 0.5};
        assert_ok(otto_trial_set_constraints(t, c, 2));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, x, 2));
        feasible_last += i >= 300 && c[0] <= 0 && c[1] <= 0;
    }
    otto_study_destroy(s);
    return feasible_last;
}

#define FEAS_FACTOR 3
static void nsga2_steers_tnk_into_the_feasible_band(void **state)
{
    (void)state;
    int n_nsga = 0, n_random = 0;
    for (uint64_t seed = 0; seed < 3; seed++) {
        otto_sampler *rs;
        assert_ok(otto_sampler_random_create(NULL, &rs));
        n_nsga += tnk_feasible_last(nsga2(20, OTTO_NSGA_SBX), seed);
        n_random += tnk_feasible_last(rs, seed);
    }
    print_message("feasible among the last 100 trials of 3 seeds: nsga2 %d, random %d\n",
                  n_nsga, n_random);
    assert_true(n_nsga > FEAS_FACTOR * n_random);
}

/* Constrained elite selection: every feasible point before any infeasible
 * one, infeasible ones by least violation. */
static void selection_prefers_feasible_then_least_violation(void **state)
{
    (void)state;
    otto_allocator a;
    otto__alloc_default(&a);
    const double f[12] = {0, 0, 1, 1, 5, 5, 2, 0, 9, 9, 0, 2};
    const double pen[6] = {3, 0, 1, 0, 2, 0};
    size_t out[4];
    assert_ok(otto__select_nsga2(f, 6, 2, pen, 4, &a, out));
    int picked[6] = {0};
    for (int i = 0; i < 4; i++)
        picked[out[i]] = 1;
    assert_true(picked[1] && picked[3] && picked[5] && picked[2]);
    otto_rng r;
    otto__rng_init(&r, 1, 1);
    const double ref[4] = {1, 0, 0, 1};
    assert_ok(otto__select_nsga3(f, 6, 2, pen, ref, 2, &r, 4, &a, out));
    memset(picked, 0, sizeof picked);
    for (int i = 0; i < 4; i++)
        picked[out[i]] = 1;
    assert_true(picked[1] && picked[3] && picked[5] && picked[2]);
}

/* DTLZ2 with 3 objectives and 7 variables: NSGA-III brings the last
 * generation near the unit sphere (g -> 0); random search does not. */
static double dtlz2_last_g(otto_sampler *sm, uint64_t seed)
{
    otto_study *s = mo_study(sm, seed, 3, NULL, OTTO_OPEN_CREATE);
    double g_last = 0;
    for (int i = 0; i < 400; i++) {
        otto_trial *t;
        double x[7], f[3], g = 0;
        assert_ok(otto_study_ask(s, &t));
        for (int j = 0; j < 7; j++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", j);
            assert_ok(otto_trial_suggest_float(t, name, 0, 1, 0, 0, &x[j]));
        }
        for (int j = 2; j < 7; j++)
            g += (x[j] - 0.5) * (x[j] - 0.5);
        f[0] = (1 + g) * cos(x[0] * OTTO_PI / 2) * cos(x[1] * OTTO_PI / 2);
        f[1] = (1 + g) * cos(x[0] * OTTO_PI / 2) * sin(x[1] * OTTO_PI / 2);
        f[2] = (1 + g) * sin(x[0] * OTTO_PI / 2);
        if (i >= 360)
            g_last += g / 40;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, f, 3));
    }
    otto_study_destroy(s);
    return g_last;
}

static void nsga3_approaches_the_dtlz2_front(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 3; seed++) {
        otto_nsga3_options o;
        otto_nsga3_options_init(&o);
        o.base.population_size = 40;
        otto_sampler *n3, *rs;
        assert_ok(otto_sampler_nsga3_create(&o, &n3));
        assert_ok(otto_sampler_random_create(NULL, &rs));
        double g3 = dtlz2_last_g(n3, seed), gr = dtlz2_last_g(rs, seed);
        print_message("seed %d: mean g of the last 40 trials: nsga3 %.4f random %.4f\n",
                      (int)seed, g3, gr);
        assert_true(g3 < 0.5 * gr);
    }
}

/* ---- generations through storage, seeds ------------------------------------------- */

static void params_of(otto_study *s, int64_t number, double *x)
{
    const otto_trial *t;
    assert_ok(otto_study_trial(s, number, &t));
    for (int i = 0; i < NV; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        assert_ok(otto_trial_param_float(t, name, &x[i]));
    }
}

static int64_t generation_of(otto_study *s, int64_t number)
{
    const otto_trial *t;
    const char *g;
    assert_ok(otto_study_trial(s, number, &t));
    assert_ok(otto_trial_system_attr(t, "NSGAIISampler:generation", &g));
    return atoll(g);
}

/* A seeded run of 150 trials in one study, and the same run split over a
 * journal: 70 trials, a fresh sampler on a new handle for 40 (generations
 * and parents rebuilt from the stored trials), then two handles taking
 * turns. The trials are the same, and generations follow population_size. */
static void generations_continue_through_a_journal(void **state)
{
    (void)state;
    const size_t pop = 20;
    otto_study *ref = mo_study(nsga2(pop, OTTO_NSGA_SBX), 11, 2, NULL, OTTO_OPEN_CREATE);
    double f[2];
    for (int i = 0; i < 150; i++)
        ask_zdt1(ref, f);
    for (int64_t k = 0; k < 150; k++)
        assert_int_equal(generation_of(ref, k), k / (int64_t)pop);

    char dir[256], path[300];
    assert_int_equal(testos_mkdtemp(dir, sizeof dir, "otto-nsga"), 0);
    snprintf(path, sizeof path, "%s/j.log", dir);
    otto_storage *st;
    assert_ok(otto_storage_journal_open(path, NULL, &st));
    otto_study *a = mo_study(nsga2(pop, OTTO_NSGA_SBX), 11, 2, st, OTTO_OPEN_CREATE);
    for (int i = 0; i < 70; i++)
        ask_zdt1(a, f);
    otto_study_destroy(a);
    otto_study *b = mo_study(nsga2(pop, OTTO_NSGA_SBX), 11, 2, st, OTTO_OPEN_LOAD);
    for (int i = 0; i < 40; i++)
        ask_zdt1(b, f);
    otto_study *c = mo_study(nsga2(pop, OTTO_NSGA_SBX), 11, 2, st, OTTO_OPEN_LOAD);
    for (int i = 0; i < 40; i++)
        ask_zdt1(i % 2 ? c : b, f);
    otto_storage_close(st);
    assert_int_equal(otto_study_trial_count(c), 150); /* c told the last one */
    for (int64_t k = 0; k < 150; k++) {
        double x[NV], y[NV];
        otto_study *maker = k < 110 || k % 2 == 0 ? b : c;
        params_of(ref, k, x);
        params_of(maker, k, y);
        for (int i = 0; i < NV; i++)
            assert_true(x[i] == y[i]);
        assert_int_equal(generation_of(maker, k), k / (int64_t)pop);
    }
    otto_study_destroy(b);
    otto_study_destroy(c);
    otto_study_destroy(ref);
    testos_rmtree(dir);
}

/* Trials without a generation attr (add_trial's here; the auto sampler's GP
 * phase in use) form generation 0 together, and the selection keeps their
 * best: after 120 added trials, 40 of them on ZDT1's front (x1..x5 = 0), the
 * first NSGA trials are generation 1, bred from the front. Without the
 * adoption they were generation 0's uniform draws, where g - 1 =
 * 9 * mean(x1..x5) averages 4.5 (sd 0.26 over 20 trials); bred from the
 * front (mutation still draws some coordinates anew), the mean over the
 * first 20 measured 0.26-1.96 on seeds 0-9. */
static void trials_without_a_generation_seed_the_first_population(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 4; seed++) {
        otto_study *s = mo_study(nsga2(20, OTTO_NSGA_SBX), seed, 2, NULL, OTTO_OPEN_CREATE);
        otto_space *sp;
        assert_ok(otto_space_create(&sp));
        for (int i = 0; i < NV; i++) {
            char name[8];
            snprintf(name, sizeof name, "x%d", i);
            assert_ok(otto_space_add_float(sp, name, 0, 1, 0, 0));
        }
        otto_rng r;
        otto__rng_init(&r, seed, 7);
        for (int k = 0; k < 120; k++) {
            double x[NV], f[2];
            for (int i = 0; i < NV; i++)
                x[i] = i && k % 3 == 0 ? 0 : otto_rng_uniform(&r);
            zdt1(x, f);
            assert_ok(otto_study_add_trial(s, sp, x, OTTO_TRIAL_COMPLETE, f, 2, NULL));
        }
        double mean_g = 0, f[2];
        for (int k = 0; k < 20; k++) {
            ask_zdt1(s, f);
            double x[NV], g = 0;
            params_of(s, 120 + k, x);
            for (int i = 1; i < NV; i++)
                g += 9 * x[i] / (NV - 1);
            mean_g += g / 20;
            assert_int_equal(generation_of(s, 120 + k), 1);
        }
        assert_true(mean_g < 2.5);
        otto_space_destroy(sp);
        otto_study_destroy(s);
    }
}

static void seeded_runs_repeat_exactly(void **state)
{
    (void)state;
    otto_nsga3_options o;
    otto_nsga3_options_init(&o);
    o.base.population_size = 10;
    o.base.crossover = OTTO_NSGA_UNDX;
    otto_study *s[3];
    for (int r = 0; r < 3; r++) {
        otto_sampler *sm;
        o.base.seed = r < 2 ? 5 : 6;
        assert_ok(otto_sampler_nsga3_create(&o, &sm));
        s[r] = mo_study(sm, 99, 2, NULL, OTTO_OPEN_CREATE);
        double f[2];
        for (int i = 0; i < 60; i++)
            ask_zdt1(s[r], f);
    }
    int differ = 0;
    for (int64_t k = 0; k < 60; k++) {
        double x[NV], y[NV], z[NV];
        params_of(s[0], k, x);
        params_of(s[1], k, y);
        params_of(s[2], k, z);
        for (int i = 0; i < NV; i++) {
            assert_true(x[i] == y[i]);
            differ |= x[i] != z[i];
        }
    }
    assert_true(differ);
    for (int r = 0; r < 3; r++)
        otto_study_destroy(s[r]);
}

static void bad_options_are_einval(void **state)
{
    (void)state;
    otto_sampler *sm = (otto_sampler *)&sm;
    otto_nsga2_options o;
    assert_status(otto_sampler_nsga2_create(NULL, NULL), OTTO_EINVAL);
    struct {
        int field;
        double value;
    } cases[] = {{0, 1},   {0, 0},  {1, 1.5}, {1, -0.1}, {2, 9},    {2, -1},  {3, 1.01},
                 {4, -0.5}, {5, -1}, {6, -1},  {7, 1.5},  {8, 0.0},  {9, -1},  {10, NAN}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        otto_nsga2_options_init(&o);
        double v = cases[i].value;
        switch (cases[i].field) {
        case 0: o.population_size = (size_t)v; break;
        case 1: o.mutation_prob = v; break;
        case 2: o.crossover = (int)v; break;
        case 3: o.crossover_prob = v; break;
        case 4: o.swapping_prob = v; break;
        case 5: o.blx_alpha = v; break;
        case 6: o.sbx_eta = v; break;
        case 7: o.sbx_uniform_crossover_prob = v; break;
        case 8: o.sbx_use_child_gene_prob = v; break;
        case 9: o.undx_sigma_xi = v; break;
        default: o.crossover_prob = v; break;
        }
        assert_status(otto_sampler_nsga2_create(&o, &sm), OTTO_EINVAL);
        assert_null(sm);
        assert_true(strlen(otto_last_error_message()) > 10);
    }
    otto_nsga2_options_init(&o);
    o.crossover = OTTO_NSGA_SPX;
    o.population_size = 2; /* SPX takes three parents */
    assert_status(otto_sampler_nsga2_create(&o, &sm), OTTO_EINVAL);
    otto_nsga3_options o3;
    const double negative[3] = {1, -1, 0}, zero[3] = {0, 0, 0};
    otto_nsga3_options_init(&o3);
    o3.dividing_parameter = 0;
    assert_status(otto_sampler_nsga3_create(&o3, &sm), OTTO_EINVAL);
    otto_nsga3_options_init(&o3);
    o3.reference_points = negative;
    o3.n_reference_points = 1;
    o3.reference_dim = 3;
    assert_status(otto_sampler_nsga3_create(&o3, &sm), OTTO_EINVAL);
    o3.reference_points = zero;
    assert_status(otto_sampler_nsga3_create(&o3, &sm), OTTO_EINVAL);
    o3.n_reference_points = 0;
    assert_status(otto_sampler_nsga3_create(&o3, &sm), OTTO_EINVAL);
    o3.base.population_size = 1;
    o3.reference_points = NULL;
    assert_status(otto_sampler_nsga3_create(&o3, &sm), OTTO_EINVAL);
}

/* Reference points of the wrong dimension fail the relative draw with a
 * logged warning (the trial is sampled independently), as Optuna raises. */
static void reference_points_of_another_dimension_are_logged(void **state)
{
    (void)state;
    const double ref[6] = {1, 0, 0, 0, 1, 0};
    otto_nsga3_options o3;
    otto_nsga3_options_init(&o3);
    o3.reference_points = ref;
    o3.n_reference_points = 2;
    o3.reference_dim = 3;
    o3.base.population_size = 4;
    otto_sampler *sm;
    assert_ok(otto_sampler_nsga3_create(&o3, &sm));
    log_capture logs = {0};
    static const otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MAXIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.n_objectives = 2;
    so.directions = dirs;
    so.sampler = sm;
    so.log_fn = capture_log;
    so.log_user_data = &logs;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    double f[2];
    for (int i = 0; i < 12; i++)
        ask_zdt1(s, f);
    assert_true(logs.n_warnings > 0);
    assert_non_null(strstr(logs.last, "reference points"));
    otto_study_destroy(s);
}

int main(int argc, char **argv)
{
    testos_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uniform_takes_the_second_parent_with_1_minus_swapping_prob),
        cmocka_unit_test(blx_alpha_is_uniform_on_the_widened_box),
        cmocka_unit_test(sbx_and_vsbx_children_are_symmetric_around_the_parents),
        cmocka_unit_test(undx_has_its_normal_spread),
        cmocka_unit_test(spx_fills_the_expanded_simplex),
        cmocka_unit_test(nondominated_sort_matches_brute_force),
        cmocka_unit_test(das_dennis_points_lie_on_the_simplex),
        cmocka_unit_test(nsga2_beats_random_search_on_zdt1),
        cmocka_unit_test(every_crossover_keeps_params_inside_and_improves),
        cmocka_unit_test(nsga2_steers_tnk_into_the_feasible_band),
        cmocka_unit_test(selection_prefers_feasible_then_least_violation),
        cmocka_unit_test(nsga3_approaches_the_dtlz2_front),
        cmocka_unit_test(generations_continue_through_a_journal),
        cmocka_unit_test(trials_without_a_generation_seed_the_first_population),
        cmocka_unit_test(seeded_runs_repeat_exactly),
        cmocka_unit_test(bad_options_are_einval),
        cmocka_unit_test(reference_points_of_another_dimension_are_logged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
