/* The random sampler: each param independently and uniformly in the shared
 * [0,1] working space, which makes log params log-uniform, int and step
 * params uniform on their grid and categorical params a uniform index. */
#include <string.h>

#include "common/options.h"

static int random_sample_independent(void *state, const otto_view *view, otto_trial *trial,
                                     const char *name, const otto_distribution *dist,
                                     double *out)
{
    (void)state;
    (void)view;
    (void)name;
    *out = otto_distribution_from_unit(dist, otto_rng_uniform(otto_trial_rng(trial)));
    return OTTO_OK;
}

static const otto_sampler_vtable random_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "random",
    .sample_independent = random_sample_independent,
};

void otto_random_options_init_sized(otto_random_options *o, size_t size)
{
    otto_random_options def = {.seed = OTTO_SEED_NONE};
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_sampler_random_create(const otto_random_options *opts, otto_sampler **out)
{
    otto_random_options o;
    otto_random_options_init(&o);
    if (opts) {
        int rc = otto__options_copy(&o, sizeof o, opts, "random_options");
        if (rc)
            return rc;
    }
    return otto_sampler_create_with(&random_vtable, NULL, o.seed, o.allocator, out);
}
