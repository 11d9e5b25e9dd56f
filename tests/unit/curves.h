/* Synthetic learning curves for pruner tests and benchmarks: a configuration
 * (x, y, z) decays from 3 towards an asymptote 0.1 + 2(x-0.3)^2 + (y-0.6)^2
 * at rate 0.03 + 0.2 z, plus small deterministic noise. The best final value
 * belongs to the trial closest to (0.3, 0.6), whatever its rate, so a pruner
 * that trusts early values too much loses it. */
#ifndef OTTO_TEST_CURVES_H
#define OTTO_TEST_CURVES_H

#include <math.h>
#include <stdint.h>

#include <otto/otto.h>

enum { CURVE_STEPS = 50 };

static inline double curve_noise(int64_t trial, int64_t step)
{
    uint64_t x = (uint64_t)trial * 1000003u + (uint64_t)step + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return ((double)(x >> 11) * 0x1.0p-53 - 0.5) * 0.02;
}

static inline double curve_value(double x, double y, double z, int64_t trial, int64_t step)
{
    double a = 0.1 + 2 * (x - 0.3) * (x - 0.3) + (y - 0.6) * (y - 0.6);
    double rate = 0.03 + 0.2 * z;
    return a + (3.0 - a) * exp(-rate * (double)step) + curve_noise(trial, step);
}

/* Run one trial along its curve with pruning; adds the steps run to *steps. */
static inline otto_trial_state curve_objective(otto_trial *t, double *value, long *steps)
{
    double x, y, z;
    if (otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x) ||
        otto_trial_suggest_float(t, "y", 0, 1, 0, 0, &y) ||
        otto_trial_suggest_float(t, "z", 0, 1, 0, 0, &z))
        return OTTO_TRIAL_FAIL;
    for (int64_t step = 0; step < CURVE_STEPS; step++) {
        *value = curve_value(x, y, z, otto_trial_number(t), step);
        ++*steps;
        int prune = 0;
        if (otto_trial_report(t, step, *value) || otto_trial_should_prune(t, &prune))
            return OTTO_TRIAL_FAIL;
        if (prune)
            return OTTO_TRIAL_PRUNED;
    }
    return OTTO_TRIAL_COMPLETE;
}

/* A study of n trials with the random sampler (so every pruner sees the same
 * configurations) and the given pruner; returns the best COMPLETE value. */
static inline double curve_study(otto_pruner *pruner, uint64_t seed, int n, long *steps)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.pruner = pruner;
    if (otto_sampler_random_create(NULL, &so.sampler))
        return NAN;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return NAN;
    *steps = 0;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double v = NAN;
        if (otto_study_ask(s, &t))
            break;
        otto_trial_state st = curve_objective(t, &v, steps);
        otto_study_tell(s, t, st, st == OTTO_TRIAL_COMPLETE ? &v : NULL,
                        st == OTTO_TRIAL_COMPLETE ? 1 : 0);
    }
    const otto_trial *best;
    double b = NAN;
    if (otto_study_best_trial(s, &best) == OTTO_OK)
        otto_trial_value(best, &b);
    otto_study_destroy(s);
    return b;
}

#endif /* OTTO_TEST_CURVES_H */
