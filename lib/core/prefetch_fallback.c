/* Prefetch's fallback: the draw an ask takes when no proposal is ready, a
 * sampler over the study's relative space that never fits a model. */
#include "internal.h"

/* The study's relative space (its sampler's infer_relative_space, cheap for
 * every built-in), drawn by the cheap sampler lib/defaults.c picked (QMC);
 * where that draw declines or fails, each param by its independent draw. */
typedef struct fallback {
    otto_study *s;
    otto_sampler *draw; /* NULL: none (the params go to independent sampling) */
} fallback;

static int fb_infer(void *state, const otto_view *v, const otto_trial *t, otto_space *sp)
{
    const fallback *f = state;
    return otto_sampler_infer_relative_space(f->s->sampler, v, t, sp);
}

static int fb_relative(void *state, const otto_view *v, otto_trial *t, const otto_space *sp,
                       double *out)
{
    const fallback *f = state;
    if (!f->draw)
        return OTTO_ENOTSUP;
    int rc = otto_sampler_sample_relative(f->draw, v, t, sp, out);
    if (rc == OTTO_OK)
        return OTTO_OK;
    rc = OTTO_OK; /* e.g. more params than the Sobol sequence has dimensions */
    for (size_t k = 0; !rc && k < otto_space_size(sp); k++) {
        const char *name;
        otto_distribution d;
        rc = otto_space_param(sp, k, &name, &d);
        if (!rc)
            rc = otto_sampler_sample_independent(f->draw, v, t, name, &d, &out[k]);
    }
    return rc;
}

static int fb_independent(void *state, const otto_view *v, otto_trial *t, const char *name,
                          const otto_distribution *d, double *out)
{
    const fallback *f = state;
    return otto_sampler_sample_independent(f->draw ? f->draw : f->s->sampler, v, t, name, d,
                                           out);
}

static void fb_destroy(void *state)
{
    fallback *f = state;
    otto_sampler_destroy(f->draw);
    otto__free(&f->s->alloc, f);
}

static const otto_sampler_vtable fallback_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "prefetch-fallback",
    .infer_relative_space = fb_infer,
    .sample_relative = fb_relative,
    .sample_independent = fb_independent,
    .destroy = fb_destroy,
};

int otto__prefetch_fallback_create(otto_study *s, const otto__defaults *defaults,
                                   otto_sampler **out)
{
    *out = NULL;
    fallback *f = otto__calloc(&s->alloc, 1, sizeof *f);
    if (!f)
        return otto__error(OTTO_ENOMEM, "study_create: out of memory");
    f->s = s;
    int rc = defaults && defaults->fallback ? defaults->fallback(&s->alloc, &f->draw) : OTTO_OK;
    if (rc) {
        otto__free(&s->alloc, f);
        return rc;
    }
    /* the sampler owns f, also on failure */
    return otto_sampler_create_with(&fallback_vtable, f, OTTO_SEED_NONE, &s->alloc, out);
}
