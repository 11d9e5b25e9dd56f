/* Asynchronous successive halving, shared by the successive-halving pruner
 * and the brackets of Hyperband: rung thresholds and the sorted values
 * recorded at each rung. */
#ifndef OTTO_SUCCESSIVE_HALVING_H
#define OTTO_SUCCESSIVE_HALVING_H

#include "common/common.h"

typedef struct otto__rung {
    double *v; /* sorted ascending */
    size_t n, cap;
} otto__rung;

typedef struct otto__asha {
    const otto_allocator *alloc; /* the study's; NULL until the first decision */
    int64_t min_resource; /* 0 until known ("auto") */
    int64_t reduction_factor;
    int64_t min_early_stopping_rate;
    int64_t bootstrap_count;
    otto__rung *rungs;
    size_t n_rungs;
} otto__asha;

void otto__asha_free(otto__asha *a);
/* Decide for `t` (the caller's RUNNING trial), recording its value at every
 * rung it passes (system attrs "completed_rung_<i>", as Optuna names them).
 * Caller holds the pruner's lock. */
int otto__asha_prune(otto__asha *a, const otto_view *v, otto_trial *t, int *out);
/* "auto" min_resource: max last step of the view's COMPLETE trials / 100. */
int64_t otto__asha_auto_min_resource(const otto_view *v);

#endif /* OTTO_SUCCESSIVE_HALVING_H */
