/* What a study gets when its options name no sampler or pruner: the auto
 * sampler (Python's create_study keeps Optuna's TPE) and the no-op pruner,
 * both on the study's allocator.
 * Chosen here, above core and the plug-ins, so that core names and links no
 * concrete sampler or pruner; this is where otto_study_create lives. */
#include "core/internal.h"

static int default_sampler(const otto_allocator *a, otto_sampler **out)
{
    otto_auto_options o;
    otto_auto_options_init(&o);
    o.allocator = a;
    return otto_sampler_auto_create(&o, out);
}

static int default_pruner(const otto_allocator *a, otto_pruner **out)
{
    return otto_pruner_nop_create_with(a, out);
}

/* Prefetch's draw when no proposal is ready: a scrambled Sobol point of the
 * relative space (random for what it cannot cover), quietly. */
static int prefetch_fallback(const otto_allocator *a, otto_sampler **out)
{
    otto_qmc_options o;
    otto_qmc_options_init(&o);
    o.allocator = a;
    o.scramble = 1;
    o.warn_independent_sampling = 0;
    return otto_sampler_qmc_create(&o, out);
}

int otto_study_create(const otto_study_options *opts, otto_study **out)
{
    static const otto__defaults defaults = {default_sampler, default_pruner,
                                             prefetch_fallback};
    return otto__study_create(opts, &defaults, out);
}
