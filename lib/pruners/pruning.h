/* Helpers shared by the built-in pruners: reading a trial's intermediate
 * values (kept sorted by step by the core) and Optuna's interval rule. */
#ifndef OTTO_PRUNING_H
#define OTTO_PRUNING_H

#include <math.h>

#include "core/internal.h"

/* The trial's last (largest) reported step, or -1. The trial is the caller's
 * own RUNNING trial, so its values do not change under us. */
static inline int64_t otto__last_step(const otto_trial *t)
{
    return t->n_inter ? t->inter[t->n_inter - 1].step : -1;
}

static inline double otto__last_value(const otto_trial *t)
{
    return t->n_inter ? t->inter[t->n_inter - 1].value : NAN;
}

/* Best intermediate value over all steps, ignoring NaN; NaN when all are. */
static inline double otto__best_intermediate(const otto_trial *t, int maximize)
{
    double best = NAN;
    for (size_t i = 0; i < t->n_inter; i++) {
        double v = t->inter[i].value;
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
    int64_t second_last = t->n_inter >= 2 ? t->inter[t->n_inter - 2].step : -1;
    return second_last < nearest;
}

static inline int otto__is_complete(const otto_trial *t)
{
    return atomic_load_explicit(&((otto_trial *)t)->state, memory_order_acquire) ==
           OTTO_TRIAL_COMPLETE;
}

#endif /* OTTO_PRUNING_H */
