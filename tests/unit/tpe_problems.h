/* Test problems shared by the sampler tests: objectives written against the
 * trial API, each returning its value (or NAN when a suggest fails), and the
 * helpers that run them (include after common.h). */
#ifndef OTTO_TEST_TPE_PROBLEMS_H
#define OTTO_TEST_TPE_PROBLEMS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <otto/otto.h>

/* sum of (x_d - 1.3)^2 over dims floats x0, x1, ... on [-5, 5] */
static inline double sphere_dims(otto_trial *t, int dims)
{
    double f = 0;
    for (int d = 0; d < dims; d++) {
        char name[8];
        double x;
        snprintf(name, sizeof name, "x%d", d);
        if (otto_trial_suggest_float(t, name, -5, 5, 0, 0, &x))
            return NAN;
        f += (x - 1.3) * (x - 1.3);
    }
    return f;
}

static inline double sphere5(otto_trial *t) { return sphere_dims(t, 5); }
static inline double sphere12(otto_trial *t) { return sphere_dims(t, 12); }

/* sphere5 as an otto_study_optimize objective */
static inline otto_trial_state sphere5_objective(otto_trial *t, void *user_data, double *values,
                                                 size_t n)
{
    (void)user_data;
    (void)n;
    values[0] = sphere5(t);
    return isnan(values[0]) ? OTTO_TRIAL_FAIL : OTTO_TRIAL_COMPLETE;
}

static inline double rosenbrock4(otto_trial *t)
{
    double x[4], f = 0;
    for (int d = 0; d < 4; d++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", d);
        if (otto_trial_suggest_float(t, name, -2, 2, 0, 0, &x[d]))
            return NAN;
    }
    for (int d = 0; d < 3; d++)
        f += 100 * pow(x[d + 1] - x[d] * x[d], 2) + pow(1 - x[d], 2);
    return f;
}

/* Branin on [-5,10] x [0,15] (two continuous params); its minimum is
 * 0.397887357729738 at three points. */
#define BRANIN_MIN 0.39788735772973816
static inline double branin(otto_trial *t)
{
    double x, y;
    if (otto_trial_suggest_float(t, "x", -5, 10, 0, 0, &x) ||
        otto_trial_suggest_float(t, "y", 0, 15, 0, 0, &y))
        return NAN;
    double b = 5.1 / (4 * OTTO_PI * OTTO_PI), c = 5 / OTTO_PI, r = y - b * x * x + c * x - 6;
    return r * r + 10 * (1 - 1 / (8 * OTTO_PI)) * cos(x) + 10;
}

static inline double mixed(otto_trial *t)
{
    const char *ch[] = {"a", "b", "c", "d", "e"};
    double x;
    int64_t n, k;
    size_t c;
    if (otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x) ||
        otto_trial_suggest_int(t, "n", 0, 30, 1, 0, &n) ||
        otto_trial_suggest_int(t, "k", 1, 256, 1, OTTO_LOG, &k) ||
        otto_trial_suggest_categorical(t, "c", ch, 5, &c))
        return NAN;
    const double cost[] = {0.6, 0.3, 0.0, 0.9, 0.45};
    return (x - 0.3) * (x - 0.3) + pow((double)(n - 21) / 10, 2) + pow(log2((double)k) - 5, 2) / 9 +
           cost[c];
}

/* define-by-run with a trap branch that is easy to reach 1 in, never below */
static inline double conditional(otto_trial *t)
{
    const char *models[] = {"trap", "linear", "tree"};
    size_t m;
    double a, b;
    int64_t depth;
    if (otto_trial_suggest_categorical(t, "model", models, 3, &m))
        return NAN;
    if (m == 0)
        return otto_trial_suggest_float(t, "u", 0, 1, 0, 0, &a) ? NAN : 1.0 + 0.01 * a;
    if (m == 1)
        return otto_trial_suggest_float(t, "a", -5, 5, 0, 0, &a) ||
                       otto_trial_suggest_float(t, "b", -5, 5, 0, 0, &b)
                   ? NAN
                   : (a - 1.5) * (a - 1.5) + (b + 0.5) * (b + 0.5);
    if (otto_trial_suggest_int(t, "depth", 1, 12, 1, 0, &depth) ||
        otto_trial_suggest_float(t, "frac", 0.1, 1, 0, 0, &a))
        return NAN;
    return pow((double)(depth - 7) / 3, 2) + (a - 0.6) * (a - 0.6) + 0.05;
}

typedef double (*problem_fn)(otto_trial *t);

/* The best value of n trials of f in a seeded study with sampler sm. */
static inline double best_of(otto_sampler *sm, uint64_t seed, problem_fn f, int n)
{
    otto_study *s = make_study(seed, OTTO_MINIMIZE, sm, NULL);
    double best = INFINITY;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = f(t);
        assert_false(isnan(v));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        best = fmin(best, v);
    }
    otto_study_destroy(s);
    return best;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Over 20 seeds of n trials of f, the samplers make() returns reach a median
 * best below max_ratio times random search's and beat it on min_wins seeds. */
static inline void beats_random(otto_sampler *(*make)(void), problem_fn f, int n,
                                double max_ratio, int min_wins)
{
    double r[20], m[20];
    int wins = 0;
    for (int seed = 0; seed < 20; seed++) {
        otto_sampler *rs;
        assert_ok(otto_sampler_random_create(NULL, &rs));
        r[seed] = best_of(rs, (uint64_t)seed, f, n);
        m[seed] = best_of(make(), (uint64_t)seed, f, n);
        wins += m[seed] < r[seed];
    }
    qsort(r, 20, sizeof r[0], cmp_double);
    qsort(m, 20, sizeof m[0], cmp_double);
    if (!(m[10] < max_ratio * r[10]) || wins < min_wins) {
        print_error("median %g vs random %g, wins %d/20\n", m[10], r[10], wins);
        fail();
    }
}

#endif /* OTTO_TEST_TPE_PROBLEMS_H */
