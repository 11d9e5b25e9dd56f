/* The QMC sampler (Optuna's QMCSampler): the float and int params of the
 * study's first finished trial form the relative space, and trial k takes
 * point k of a Sobol or Halton sequence over it, mapped through the working
 * space (so log params are spread in log scale and int params uniformly over
 * their grid). Trial numbers are unique across workers, so workers take
 * distinct points without coordinating; point 0 (the corner) is skipped
 * because trial 0 is sampled at random. Written with the plug-in kit only. */
#include <math.h>
#include <string.h>

#include "common/options.h"
#include "numeric/lowdisc.h"

typedef struct qmc {
    otto_qmc_options o;
    otto_allocator own; /* from create: this struct */
} qmc;

static const otto_trial *first_finished(const otto_view *v)
{
    const otto_trial *first = NULL;
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        otto_trial_state st = otto_trial_get_state(t);
        if ((st == OTTO_TRIAL_COMPLETE || st == OTTO_TRIAL_PRUNED) &&
            (!first || otto_trial_number(t) < otto_trial_number(first)))
            first = t;
    }
    return first;
}

static int qmc_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *space)
{
    (void)state;
    (void)trial;
    const otto_trial *first = first_finished(v);
    for (size_t i = 0; first && i < otto_trial_param_count(first); i++) {
        const otto_param_key *k = otto_trial_param_key(first, i, NULL);
        const otto_distribution *d = k ? otto_param_key_distribution(k) : NULL;
        if (d && d->kind != OTTO_DIST_CATEGORICAL && d->low < d->high) {
            int rc = otto_space_add_key(space, k);
            if (rc)
                return rc;
        }
    }
    return OTTO_OK;
}

static int qmc_relative(void *state, const otto_view *v, otto_trial *trial,
                        const otto_space *space, double *out)
{
    const qmc *q = state;
    size_t d = otto_space_size(space);
    int sobol = q->o.sequence == OTTO_QMC_SOBOL;
    size_t max = sobol ? otto__sobol_max_dims() : otto__halton_max_dims();
    if (d > max)
        return otto_set_error_message(OTTO_ERANGE, "qmc sampler: %zu params exceed the %zu "
                                                   "dimensions of the %s sequence",
                                      d, max, sobol ? "Sobol" : "Halton");
    const otto_allocator *a = otto_view_allocator(v);
    double *u = otto__malloc(a, d * (sizeof *u + sizeof(uint32_t) + sizeof(double)) + 1);
    if (!u)
        return OTTO_ENOMEM;
    uint32_t *ishift = (uint32_t *)(u + 2 * d);
    double *fshift = u + d;
    otto_rng r;
    otto__rng_init(&r, otto_view_seed(v), 0x716d63ull); /* "qmc" */
    for (size_t k = 0; k < d; k++) {
        uint64_t bits = otto_rng_next(&r);
        ishift[k] = (uint32_t)(bits >> 34);
        fshift[k] = (double)(bits >> 11) * 0x1p-53;
    }
    uint64_t index = (uint64_t)otto_trial_number(trial);
    if (sobol)
        otto__sobol_point(d, index & ((1ull << OTTO__SOBOL_BITS) - 1),
                          q->o.scramble ? ishift : NULL, u);
    else
        otto__halton_point(d, index, q->o.scramble ? fshift : NULL, u);
    int rc = OTTO_OK;
    for (size_t k = 0; !rc && k < d; k++) {
        otto_distribution dist;
        rc = otto_space_param(space, k, NULL, &dist);
        if (!rc)
            out[k] = otto_distribution_from_unit(&dist, u[k]);
    }
    otto__free(a, u);
    return rc;
}

static int qmc_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                           const otto_distribution *dist, double *out)
{
    const qmc *q = state;
    if (q->o.warn_independent_sampling && otto_view_count(v) > 0)
        otto_view_log(v, OTTO_LEVEL_WARNING,
                      "qmc sampler: trial %lld samples '%s' at random (categorical, or outside "
                      "the first trial's space)",
                      (long long)otto_trial_number(trial), name);
    *out = otto_distribution_from_unit(dist, otto_rng_uniform(otto_trial_rng(trial)));
    return OTTO_OK;
}

static void qmc_destroy(void *state)
{
    qmc *q = state;
    otto_allocator own = q->own;
    otto__free(&own, q);
}

static const otto_sampler_vtable qmc_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "qmc",
    .infer_relative_space = qmc_infer,
    .sample_relative = qmc_relative,
    .sample_independent = qmc_independent,
    .destroy = qmc_destroy,
};

void otto_qmc_options_init_sized(otto_qmc_options *o, size_t size)
{
    otto_qmc_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    def.sequence = OTTO_QMC_SOBOL;
    def.warn_independent_sampling = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_sampler_qmc_create(const otto_qmc_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_qmc_create: out is NULL");
    otto_qmc_options o;
    otto_qmc_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "qmc_options") : OTTO_OK;
    if (!rc && o.sequence != OTTO_QMC_SOBOL && o.sequence != OTTO_QMC_HALTON)
        rc = otto__error(OTTO_EINVAL, "qmc: sequence %d is invalid (OTTO_QMC_SOBOL or "
                                      "OTTO_QMC_HALTON)",
                         (int)o.sequence);
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o.allocator, "qmc_options");
    if (rc)
        return rc;
    qmc *q = otto__malloc(&own, sizeof *q);
    if (!q)
        return OTTO_ENOMEM;
    q->o = o;
    q->o.allocator = NULL; /* the caller's pointer: q->own holds the copy */
    q->own = own;
    return otto_sampler_create_with(&qmc_vtable, q, o.seed, &own, out);
}
