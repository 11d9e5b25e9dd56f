/* Helpers shared by the built-in pruners, on the plug-in kit alone: reading
 * a trial's intermediate values (kept sorted by step by the core) and
 * Optuna's interval rule. */
#ifndef OTTO_PRUNING_H
#define OTTO_PRUNING_H

#include <math.h>

#include "common/common.h"

/* Intermediate value i of t (0 <= i < count). */
static inline void otto__report_at(const otto_trial *t, size_t i, int64_t *step, double *value)
{
    if (otto_trial_intermediate_at(t, i, step, value) != OTTO_OK) {
        if (step)
            *step = -1;
        if (value)
            *value = NAN;
    }
}

/* The trial's last (largest) reported step, or -1. The trial is the caller's
 * own RUNNING trial or a finished one, so its values do not change under us. */
static inline int64_t otto__last_step(const otto_trial *t)
{
    size_t n = otto_trial_intermediate_count(t);
    int64_t step = -1;
    if (n)
        otto__report_at(t, n - 1, &step, NULL);
    return step;
}

static inline double otto__last_value(const otto_trial *t)
{
    size_t n = otto_trial_intermediate_count(t);
    double v = NAN;
    if (n)
        otto__report_at(t, n - 1, NULL, &v);
    return v;
}

/* Best intermediate value over all steps, ignoring NaN; NaN when all are. */
static inline double otto__best_intermediate(const otto_trial *t, int maximize)
{
    double best = NAN;
    for (size_t i = 0, n = otto_trial_intermediate_count(t); i < n; i++) {
        double v;
        otto__report_at(t, i, NULL, &v);
        if (isnan(v))
            continue;
        if (isnan(best) || (maximize ? v > best : v < best))
            best = v;
    }
    return best;
}

/* Optuna's rule: check only at the first step reported in each interval of
 * interval_steps after the warm-up. */
static inline int otto__first_in_interval(const otto_trial *t, int64_t warmup, int64_t interval)
{
    int64_t step = otto__last_step(t);
    int64_t nearest = (step - warmup) / interval * interval + warmup;
    size_t n = otto_trial_intermediate_count(t);
    int64_t second_last = -1;
    if (n >= 2)
        otto__report_at(t, n - 2, &second_last, NULL);
    return second_last < nearest;
}

static inline int otto__is_complete(const otto_trial *t)
{
    return otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE;
}

#endif /* OTTO_PRUNING_H */
