/* The sampler handle: a vtable, its state, an optional seed and the
 * allocator the handle came from. Built-in and user samplers are made the
 * same way. Also the study's question to its sampler whether anything is
 * left to propose (otto_study_exhausted). */
#include "internal.h"

static void destroy_state(const otto_sampler_vtable *vt, void *state)
{
    if (vt && OTTO__VT_HAS(vt, otto_sampler_vtable, destroy))
        vt->destroy(state);
}

uint64_t otto__sampler_seed(const otto_study *s)
{
    return s->sampler->seed != OTTO_SEED_NONE ? s->sampler->seed : s->seed;
}

int otto_sampler_create(const otto_sampler_vtable *vt, void *state, uint64_t seed,
                        otto_sampler **out)
{
    return otto_sampler_create_with(vt, state, seed, NULL, out);
}

int otto_sampler_create_with(const otto_sampler_vtable *vt, void *state, uint64_t seed,
                             const otto_allocator *allocator, otto_sampler **out)
{
    otto_allocator a = {NULL, NULL, NULL, NULL}; /* set by otto__alloc_pick before use */
    int rc = OTTO_OK;
    if (!out)
        rc = otto__error(OTTO_EINVAL, "sampler_create: out is NULL");
    else if (!vt)
        rc = otto__error(OTTO_EINVAL, "sampler_create: vtable is NULL");
    else if (!OTTO__VT_HAS(vt, otto_sampler_vtable, sample_independent))
        rc = otto__error(OTTO_EINVAL, "sampler_create: vtable needs size and sample_independent");
    else
        rc = otto__alloc_pick(&a, allocator, "sampler_create");
    if (out)
        *out = NULL;
    if (rc) {
        destroy_state(vt, state);
        return rc;
    }
    otto_sampler *s = otto__calloc(&a, 1, sizeof *s);
    if (!s) {
        destroy_state(vt, state);
        return OTTO_ENOMEM;
    }
    s->alloc = a;
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
    otto_allocator a = s->alloc;
    otto__free(&a, s);
}

const char *otto_sampler_name(const otto_sampler *s)
{
    return s && s->vt->name ? s->vt->name : "";
}

/* ---- consulting a sampler (for composite samplers; see otto/sys/sampler.h) ---- */

int otto_sampler_infer_relative_space(const otto_sampler *s, const otto_view *v,
                                      const otto_trial *t, otto_space *space)
{
    if (!s || !v || !space)
        return otto__error(OTTO_EINVAL, "sampler_infer_relative_space: NULL argument");
    if (OTTO__VT_HAS(s->vt, otto_sampler_vtable, infer_relative_space))
        return s->vt->infer_relative_space(s->state, v, t, space);
    const otto_param_key *const *keys;
    size_t n = otto_view_intersection(v, &keys);
    int rc = OTTO_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = otto_space_add_key(space, keys[i]);
    return rc;
}

int otto_sampler_sample_relative(const otto_sampler *s, const otto_view *v, otto_trial *t,
                                 const otto_space *space, double *out)
{
    if (!s || !v || !t || !space || (!out && otto_space_size(space)))
        return otto__error(OTTO_EINVAL, "sampler_sample_relative: NULL argument");
    if (!OTTO__VT_HAS(s->vt, otto_sampler_vtable, sample_relative))
        return otto__error(OTTO_ENOTSUP, "sampler '%s' has no relative sampling",
                           otto_sampler_name(s));
    return s->vt->sample_relative(s->state, v, t, space, out);
}

int otto_sampler_sample_independent(const otto_sampler *s, const otto_view *v, otto_trial *t,
                                    const char *name, const otto_distribution *dist,
                                    double *out)
{
    if (!s || !v || !t || !name || !dist || !out)
        return otto__error(OTTO_EINVAL, "sampler_sample_independent: NULL argument");
    return s->vt->sample_independent(s->state, v, t, name, dist, out);
}

void otto_sampler_after_trial(const otto_sampler *s, const otto_view *v, otto_trial *t,
                              otto_trial_state state, const double *values, size_t n_values)
{
    if (s && v && t && OTTO__VT_HAS(s->vt, otto_sampler_vtable, after_trial))
        s->vt->after_trial(s->state, v, t, state, values, n_values);
}

int otto_sampler_is_exhausted(const otto_sampler *s, const otto_view *v, int *exhausted)
{
    if (exhausted)
        *exhausted = 0;
    if (!s || !v || !exhausted)
        return otto__error(OTTO_EINVAL, "sampler_is_exhausted: NULL argument");
    if (!OTTO__VT_HAS(s->vt, otto_sampler_vtable, is_exhausted))
        return OTTO_OK;
    int ex = 0;
    int rc = s->vt->is_exhausted(s->state, v, &ex);
    *exhausted = !rc && ex;
    return rc;
}

/* ---- the study's sampler ---------------------------------------------------------- */

int otto_study_exhausted(otto_study *s, int *exhausted)
{
    if (exhausted)
        *exhausted = 0;
    if (!s || !exhausted)
        return otto__error(OTTO_EINVAL, "study_exhausted: NULL argument");
    pthread_mutex_lock(&s->mu);
    const otto_sampler *sm = s->sampler; /* replaced only while no trial runs */
    pthread_mutex_unlock(&s->mu);
    if (!OTTO__VT_HAS(sm->vt, otto_sampler_vtable, is_exhausted))
        return OTTO_OK;
    otto_view v; /* every finished trial, unfiltered: the sampler's own history */
    otto__view_init_light(&v, s, NULL);
    int rc = otto_sampler_is_exhausted(sm, &v, exhausted);
    otto__view_clear(&v);
    return rc;
}
