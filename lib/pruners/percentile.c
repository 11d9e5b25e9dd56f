/* The percentile pruner and the median pruner (percentile 50), after Optuna:
 * prune when a trial's best intermediate value so far is worse than the
 * percentile of the COMPLETE trials' values at its current step. COMPLETE
 * trials are folded into per-step quantiles as they appear in the view, so a
 * check never rescans the history. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "pruning.h"
#include "step_quantiles.h"

typedef struct percentile {
    otto_percentile_options o;
    otto_allocator own;  /* from create: this struct */
    pthread_mutex_t mu;
    int ready;           /* direction known, quantiles set up */
    int maximize;
    size_t seen;         /* view entries folded in so far */
    size_t n_complete;
    otto__step_quantiles sq;
} percentile;

void otto_percentile_options_init_sized(otto_percentile_options *o, size_t size)
{
    otto_percentile_options def;
    memset(&def, 0, sizeof def);
    def.percentile = 50.0;
    def.n_startup_trials = 5;
    def.n_warmup_steps = 0;
    def.interval_steps = 1;
    def.n_min_trials = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

/* Fold the view's new finished trials in (lock held). */
static int catch_up(percentile *p, const otto_view *v)
{
    if (!p->ready) {
        p->maximize = otto_view_maximize(v, 0);
        /* maximizing keeps the top percentile: the (100 - p)th percentile */
        double q = p->maximize ? 100.0 - p->o.percentile : p->o.percentile;
        otto__sq_init(&p->sq, q / 100.0, otto_view_allocator(v));
        p->ready = 1;
    }
    size_t n = otto_view_count(v);
    for (; p->seen < n; p->seen++) {
        const otto_trial *t = otto_view_trial(v, p->seen);
        if (!otto__is_complete(t))
            continue;
        p->n_complete++;
        size_t n_inter;
        const otto_report *r = otto_trial_reports(t, &n_inter);
        for (size_t i = 0; i < n_inter; i++)
            if (otto__sq_add(&p->sq, r[i].step, r[i].value))
                return otto__error(OTTO_ENOMEM, "percentile pruner: out of memory");
    }
    return OTTO_OK;
}

static int percentile_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    percentile *p = state;
    *out = 0;
    int64_t step = otto__last_step(t);
    pthread_mutex_lock(&p->mu);
    int rc = catch_up(p, v);
    size_t n_complete = p->n_complete;
    int maximize = p->maximize;
    size_t n_at_step = 0;
    double q = NAN;
    if (!rc && step >= 0)
        q = otto__sq_get(&p->sq, step, &n_at_step);
    pthread_mutex_unlock(&p->mu);
    if (rc || n_complete == 0 || n_complete < (size_t)p->o.n_startup_trials || step < 0 ||
        step < p->o.n_warmup_steps ||
        !otto__first_in_interval(t, p->o.n_warmup_steps, p->o.interval_steps))
        return rc;
    double best = otto__best_intermediate(t, maximize);
    if (isnan(best)) {
        *out = 1;
        return OTTO_OK;
    }
    if (n_at_step < (size_t)p->o.n_min_trials || isnan(q))
        return OTTO_OK;
    *out = maximize ? best < q : best > q;
    return OTTO_OK;
}

static void percentile_destroy(void *state)
{
    percentile *p = state;
    if (p->ready)
        otto__sq_free(&p->sq);
    pthread_mutex_destroy(&p->mu);
    otto_allocator own = p->own;
    otto__free(&own, p);
}

static const otto_pruner_vtable percentile_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "percentile",
    .prune = percentile_prune,
    .destroy = percentile_destroy,
};

static const otto_pruner_vtable median_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "median",
    .prune = percentile_prune,
    .destroy = percentile_destroy,
};

static int create(const otto_percentile_options *opts, int median, otto_pruner **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "pruner_percentile_create: out is NULL");
    otto_percentile_options o;
    otto_percentile_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "percentile_options") : OTTO_OK;
    if (rc)
        return rc;
    if (median)
        o.percentile = 50.0;
    if (!(o.percentile >= 0.0 && o.percentile <= 100.0))
        return otto__error(OTTO_EINVAL, "percentile %g must be in [0, 100]", o.percentile);
    if (o.n_startup_trials < 0 || o.n_warmup_steps < 0 || o.interval_steps < 1 ||
        o.n_min_trials < 1)
        return otto__error(OTTO_EINVAL, "percentile pruner: n_startup_trials and n_warmup_steps "
                                        "must be >= 0, interval_steps and n_min_trials >= 1");
    otto_allocator own;
    rc = otto__alloc_pick(&own, o.allocator, "percentile_options");
    if (rc)
        return rc;
    percentile *p = otto__calloc(&own, 1, sizeof *p);
    if (!p)
        return OTTO_ENOMEM;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        otto__free(&own, p);
        return otto__error(OTTO_ESYSTEM, "pruner_percentile_create: cannot create a mutex");
    }
    p->o = o;
    p->o.allocator = NULL; /* the caller's pointer: p->own holds the copy */
    p->own = own;
    return otto_pruner_create_with(median ? &median_vtable : &percentile_vtable, p, &own, out);
}

int otto_pruner_percentile_create(const otto_percentile_options *o, otto_pruner **out)
{
    return create(o, 0, out);
}

int otto_pruner_median_create(const otto_percentile_options *o, otto_pruner **out)
{
    return create(o, 1, out);
}
