/* What a study gets when its options name no sampler or pruner: the auto
 * sampler (Python's create_study keeps Optuna's TPE) and the no-op pruner.
 * Chosen here, above core and the plug-ins, so that core names and links no
 * concrete sampler or pruner; this is where otto_study_create lives. */
#include "core/internal.h"

static int default_sampler(otto_sampler **out) { return otto_sampler_auto_create(NULL, out); }

static int default_pruner(otto_pruner **out) { return otto_pruner_nop_create(out); }

int otto_study_create(const otto_study_options *opts, otto_study **out)
{
    static const otto__defaults defaults = {default_sampler, default_pruner};
    return otto__study_create(opts, &defaults, out);
}
