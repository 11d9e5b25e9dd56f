/* The patient pruner (Optuna's PatientPruner): wraps another pruner and lets
 * it judge a trial only once the best value of its last patience + 1 steps is
 * worse than the best value before them by more than min_delta. */
#include <math.h>

#include "pruning.h"

typedef struct patient {
    otto_allocator own;   /* from create: this struct */
    otto_pruner *wrapped; /* NULL: prune outright */
    int64_t patience;
    double min_delta;
} patient;

static int patient_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    const patient *p = state;
    *out = 0;
    size_t n;
    const otto_report *r = otto_trial_reports(t, &n);
    if (n == 0 || n <= (size_t)p->patience + 1)
        return OTTO_OK;
    size_t split = n - (size_t)p->patience - 1;
    int maximize = otto_view_maximize(v, 0);
    double before = otto__best_report(r, 0, split, maximize);
    double after = otto__best_report(r, split, n, maximize);
    int stalled = maximize ? before - p->min_delta > after : before + p->min_delta < after;
    if (!stalled)
        return OTTO_OK;
    if (!p->wrapped) {
        *out = 1;
        return OTTO_OK;
    }
    return otto_pruner_prune(p->wrapped, v, t, out);
}

static int patient_filter(void *state, const otto_trial *trial, const otto_trial *candidate)
{
    const patient *p = state;
    return otto_pruner_filter(p->wrapped, trial, candidate);
}

static void patient_destroy(void *state)
{
    patient *p = state;
    otto_pruner_destroy(p->wrapped);
    otto_allocator own = p->own;
    otto__free(&own, p);
}

static const otto_pruner_vtable patient_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "patient",
    .prune = patient_prune,
    .filter = patient_filter,
    .destroy = patient_destroy,
};

int otto_pruner_patient_create(otto_pruner *wrapped, int64_t patience, double min_delta,
                               otto_pruner **out)
{
    return otto_pruner_patient_create_with(wrapped, patience, min_delta, NULL, out);
}

int otto_pruner_patient_create_with(otto_pruner *wrapped, int64_t patience, double min_delta,
                                    const otto_allocator *allocator, otto_pruner **out)
{
    otto_allocator own;
    int rc = OTTO_OK;
    if (out)
        *out = NULL;
    if (!out)
        rc = otto__error(OTTO_EINVAL, "pruner_patient_create: out is NULL");
    else if (patience < 0)
        rc = otto__error(OTTO_EINVAL, "patient: patience %lld must be >= 0", (long long)patience);
    else if (!(min_delta >= 0) || isinf(min_delta))
        rc = otto__error(OTTO_EINVAL, "patient: min_delta %g must be finite and >= 0", min_delta);
    else
        rc = otto__alloc_pick(&own, allocator, "pruner_patient_create");
    patient *p = rc ? NULL : otto__calloc(&own, 1, sizeof *p);
    if (!rc && !p)
        rc = OTTO_ENOMEM;
    if (rc) {
        otto_pruner_destroy(wrapped);
        return rc;
    }
    p->own = own;
    p->wrapped = wrapped;
    p->patience = patience;
    p->min_delta = min_delta;
    return otto_pruner_create_with(&patient_vtable, p, &own, out);
}
