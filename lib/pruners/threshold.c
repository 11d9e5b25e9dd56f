/* The threshold pruner: prune as soon as the value at the last reported step
 * leaves [lower, upper] or is NaN (after the warm-up, once per interval). */
#include <math.h>
#include <string.h>

#include "common/options.h"
#include "pruning.h"

typedef struct threshold {
    otto_threshold_options o;
    otto_allocator own;  /* from create: this struct */
} threshold;

static int threshold_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    (void)v;
    const otto_threshold_options *o = &((const threshold *)state)->o;
    int64_t step = otto__last_step(t);
    *out = 0;
    if (step < 0 || step < o->n_warmup_steps ||
        !otto__first_in_interval(t, o->n_warmup_steps, o->interval_steps))
        return OTTO_OK;
    double value = otto__last_value(t);
    *out = isnan(value) || value < o->lower || value > o->upper;
    return OTTO_OK;
}

static void threshold_destroy(void *state)
{
    threshold *th = state;
    otto_allocator own = th->own;
    otto__free(&own, th);
}

static const otto_pruner_vtable threshold_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "threshold",
    .prune = threshold_prune,
    .destroy = threshold_destroy,
};

void otto_threshold_options_init_sized(otto_threshold_options *o, size_t size)
{
    otto_threshold_options def;
    memset(&def, 0, sizeof def);
    def.lower = -INFINITY;
    def.upper = INFINITY;
    def.interval_steps = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_pruner_threshold_create(const otto_threshold_options *opts, otto_pruner **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "pruner_threshold_create: out is NULL");
    otto_threshold_options ob, *o = &ob;
    otto_threshold_options_init(o);
    int rc = opts ? otto__options_copy(o, sizeof *o, opts, "threshold_options") : OTTO_OK;
    if (!rc && (isnan(o->lower) || isnan(o->upper) || o->lower > o->upper))
        rc = otto__error(OTTO_EINVAL, "threshold: lower %g must be <= upper %g", o->lower,
                         o->upper);
    if (!rc && isinf(o->lower) && o->lower < 0 && isinf(o->upper) && o->upper > 0)
        rc = otto__error(OTTO_EINVAL, "threshold: set lower, upper or both");
    if (!rc && (o->n_warmup_steps < 0 || o->interval_steps < 1))
        rc = otto__error(OTTO_EINVAL, "threshold: n_warmup_steps must be >= 0 and "
                                      "interval_steps >= 1");
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o->allocator, "threshold_options");
    if (rc)
        return rc;
    threshold *th = otto__malloc(&own, sizeof *th);
    if (!th)
        return OTTO_ENOMEM;
    th->o = *o;
    th->o.allocator = NULL; /* the caller's pointer: th->own holds the copy */
    th->own = own;
    return otto_pruner_create_with(&threshold_vtable, th, &own, out);
}
