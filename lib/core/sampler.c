/* The sampler handle: a vtable, its state and an optional seed. Built-in and
 * user samplers are made the same way. */
#include <stdlib.h>

#include "internal.h"

static void destroy_state(const otto_sampler_vtable *vt, void *state)
{
    if (vt && vt->size >= offsetof(otto_sampler_vtable, destroy) + sizeof vt->destroy &&
        vt->destroy)
        vt->destroy(state);
}

uint64_t otto__sampler_seed(const otto_study *s)
{
    return s->sampler->seed != OTTO_SEED_NONE ? s->sampler->seed : s->seed;
}

int otto_sampler_create(const otto_sampler_vtable *vt, void *state, uint64_t seed,
                        otto_sampler **out)
{
    int rc = OTTO_OK;
    if (!out)
        rc = otto__error(OTTO_EINVAL, "sampler_create: out is NULL");
    else if (!vt)
        rc = otto__error(OTTO_EINVAL, "sampler_create: vtable is NULL");
    else if (vt->size < offsetof(otto_sampler_vtable, sample_independent) +
                            sizeof vt->sample_independent ||
             !vt->sample_independent)
        rc = otto__error(OTTO_EINVAL, "sampler_create: vtable needs size and sample_independent");
    if (out)
        *out = NULL;
    if (rc) {
        destroy_state(vt, state);
        return rc;
    }
    otto_sampler *s = calloc(1, sizeof *s);
    if (!s) {
        destroy_state(vt, state);
        return otto__error(OTTO_ENOMEM, "sampler_create: out of memory");
    }
    s->vt = vt;
    s->state = state;
    s->seed = seed;
    *out = s;
    return OTTO_OK;
}

void otto_sampler_destroy(otto_sampler *s)
{
    if (!s)
        return;
    destroy_state(s->vt, s->state);
    free(s);
}

const char *otto_sampler_name(const otto_sampler *s)
{
    return s && s->vt->name ? s->vt->name : "";
}
