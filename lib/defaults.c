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

int otto_study_create(const otto_study_options *opts, otto_study **out)
{
    static const otto__defaults defaults = {default_sampler, default_pruner};
    return otto__study_create(opts, &defaults, out);
}
