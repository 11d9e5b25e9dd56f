/* Helpers shared by the built-in pruners, on the plug-in kit alone: reading
 * a trial's intermediate values (kept sorted by step by the core; the trial
 * is finished, or the one the pruner was called for) and Optuna's interval
 * rule. */
#ifndef OTTO_PRUNING_H
#define OTTO_PRUNING_H

#include <math.h>

#include "common/common.h"

/* The trial's last (largest) reported step, or -1. */
static inline int64_t otto__last_step(const otto_trial *t)
{
    size_t n;
    const otto_report *r = otto_trial_reports(t, &n);
    return n ? r[n - 1].step : -1;
}

static inline double otto__last_value(const otto_trial *t)
{
    size_t n;
    const otto_report *r = otto_trial_reports(t, &n);
    return n ? r[n - 1].value : NAN;
}

/* Best intermediate value over steps [from, to), ignoring NaN; NaN when all
 * are. */
static inline double otto__best_report(const otto_report *r, size_t from, size_t to,
                                       int maximize)
{
    double best = NAN;
    for (size_t i = from; i < to; i++) {
        double v = r[i].value;
        if (!isnan(v) && (isnan(best) || (maximize ? v > best : v < best)))
            best = v;
    }
    return best;
}

static inline double otto__best_intermediate(const otto_trial *t, int maximize)
{
    size_t n;
    const otto_report *r = otto_trial_reports(t, &n);
    return otto__best_report(r, 0, n, maximize);
}

/* Optuna's rule: check only at the first step reported in each interval of
 * interval_steps after the warm-up. */
static inline int otto__first_in_interval(const otto_trial *t, int64_t warmup, int64_t interval)
{
    size_t n;
    const otto_report *r = otto_trial_reports(t, &n);
    int64_t step = n ? r[n - 1].step : -1;
    int64_t nearest = (step - warmup) / interval * interval + warmup;
    int64_t second_last = n >= 2 ? r[n - 2].step : -1;
    return second_last < nearest;
}

static inline int otto__is_complete(const otto_trial *t)
{
    return otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE;
}

#endif /* OTTO_PRUNING_H */
