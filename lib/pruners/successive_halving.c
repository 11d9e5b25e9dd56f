/* Asynchronous successive halving (Li et al., "A System for Massively
 * Parallel Hyperparameter Tuning"), with Optuna's rules: a trial reaching
 * step min_resource * eta^(min_early_stopping_rate + rung) records its value
 * at that rung and continues only if the value is among the best
 * floor(n / eta) recorded there (the best one while fewer than eta are). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "pruning.h"
#include "successive_halving.h"

void otto__asha_free(otto__asha *a)
{
    for (size_t i = 0; i < a->n_rungs; i++)
        otto__free(a->alloc, a->rungs[i].v);
    otto__free(a->alloc, a->rungs);
    a->rungs = NULL;
    a->n_rungs = 0;
}

int64_t otto__asha_auto_min_resource(const otto_view *v)
{
    int64_t last = -1;
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        if (otto__is_complete(t) && otto__last_step(t) > last)
            last = otto__last_step(t);
    }
    if (last < 0)
        return 0;
    return last / 100 > 1 ? last / 100 : 1;
}

static int rung_insert(otto__asha *a, size_t rung, double x)
{
    if (rung >= a->n_rungs) {
        otto__rung *r = otto__reallocarray(a->alloc, a->rungs, rung + 1, sizeof *r);
        if (!r)
            return OTTO_ENOMEM;
        memset(r + a->n_rungs, 0, (rung + 1 - a->n_rungs) * sizeof *r);
        a->rungs = r;
        a->n_rungs = rung + 1;
    }
    otto__rung *r = &a->rungs[rung];
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        double *v = otto__reallocarray(a->alloc, r->v, cap, sizeof *v);
        if (!v)
            return OTTO_ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    size_t lo = 0, hi = r->n; /* insertion point keeps the rung sorted */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->v[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(r->v + lo + 1, r->v + lo, (r->n - lo) * sizeof *r->v);
    r->v[lo] = x;
    r->n++;
    return OTTO_OK;
}

/* How many rungs the trial has passed: its "completed_rung_<i>" attrs. */
static size_t current_rung(const otto_trial *t)
{
    size_t rung = 0;
    const char *key, *value;
    for (size_t i = 0, n = otto_trial_system_attr_count(t); i < n; i++)
        if (otto_trial_system_attr_at(t, i, &key, &value) == OTTO_OK &&
            strncmp(key, "completed_rung_", 15) == 0)
            rung++;
    return rung;
}

int otto__asha_prune(otto__asha *a, const otto_view *v, otto_trial *t, int *out)
{
    a->alloc = otto_view_allocator(v);
    int maximize = otto_view_maximize(v, 0);
    *out = 0;
    int64_t step = otto__last_step(t);
    if (step < 0 || a->min_resource <= 0)
        return OTTO_OK;
    double value = otto__last_value(t);
    for (size_t rung = current_rung(t);; rung++) {
        double promotion = (double)a->min_resource *
                           pow((double)a->reduction_factor,
                               (double)(a->min_early_stopping_rate + (int64_t)rung));
        if ((double)step < promotion)
            return OTTO_OK;
        if (isnan(value)) {
            *out = 1;
            return OTTO_OK;
        }
        char key[32], text[32];
        snprintf(key, sizeof key, "completed_rung_%zu", rung);
        snprintf(text, sizeof text, "%.17g", value);
        int rc = otto_trial_set_system_attr(t, key, text);
        if (!rc)
            rc = rung_insert(a, rung, value);
        if (rc)
            return rc == OTTO_ENOMEM ? otto__error(rc, "successive halving: out of memory") : rc;
        const otto__rung *r = &a->rungs[rung]; /* includes this trial's value */
        if ((int64_t)r->n <= a->bootstrap_count) {
            *out = 1;
            return OTTO_OK;
        }
        size_t k = r->n / (size_t)a->reduction_factor;
        size_t idx = k ? k - 1 : 0;
        int promotable = maximize ? value >= r->v[r->n - 1 - idx] : value <= r->v[idx];
        if (!promotable) {
            *out = 1;
            return OTTO_OK;
        }
    }
}

/* ---- the successive-halving pruner ---------------------------------------------------- */

typedef struct sha {
    pthread_mutex_t mu;
    otto_allocator own;  /* from create: this struct */
    int auto_min_resource;
    otto__asha asha;
} sha;

static int sha_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    sha *s = state;
    pthread_mutex_lock(&s->mu);
    if (s->asha.min_resource == 0)
        s->asha.min_resource = otto__asha_auto_min_resource(v);
    /* the pruner is called by the trial's owner: it may record rung attrs */
    int rc = otto__asha_prune(&s->asha, v, (otto_trial *)t, out);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void sha_destroy(void *state)
{
    sha *s = state;
    otto__asha_free(&s->asha);
    pthread_mutex_destroy(&s->mu);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_pruner_vtable sha_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "successive_halving",
    .prune = sha_prune,
    .destroy = sha_destroy,
};

void otto_successive_halving_options_init_sized(otto_successive_halving_options *o, size_t size)
{
    otto_successive_halving_options def;
    memset(&def, 0, sizeof def);
    def.min_resource = 0;
    def.reduction_factor = 4;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_pruner_successive_halving_create(const otto_successive_halving_options *opts,
                                          otto_pruner **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "pruner_successive_halving_create: out is NULL");
    otto_successive_halving_options o;
    otto_successive_halving_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "successive_halving_options")
                  : OTTO_OK;
    if (rc)
        return rc;
    if (o.min_resource < 0 || o.reduction_factor < 2 || o.min_early_stopping_rate < 0 ||
        o.bootstrap_count < 0)
        return otto__error(OTTO_EINVAL,
                           "successive halving: min_resource must be >= 1 (or 0 for auto), "
                           "reduction_factor >= 2, min_early_stopping_rate and "
                           "bootstrap_count >= 0");
    otto_allocator own;
    rc = otto__alloc_pick(&own, o.allocator, "successive_halving_options");
    if (rc)
        return rc;
    sha *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        otto__free(&own, s);
        return otto__error(OTTO_ESYSTEM, "successive halving: cannot create a mutex");
    }
    s->own = own;
    s->asha.min_resource = o.min_resource;
    s->asha.reduction_factor = o.reduction_factor;
    s->asha.min_early_stopping_rate = o.min_early_stopping_rate;
    s->asha.bootstrap_count = o.bootstrap_count;
    return otto_pruner_create_with(&sha_vtable, s, &own, out);
}
