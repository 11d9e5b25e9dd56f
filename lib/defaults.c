/* What a study gets when its options name no sampler or pruner. Chosen here,
 * above core and the plug-ins, so that core names no concrete sampler or
 * pruner: the auto sampler (Python's create_study keeps Optuna's TPE) and
 * the no-op pruner. */
#include "core/internal.h"

int otto__default_sampler(otto_sampler **out) { return otto_sampler_auto_create(NULL, out); }

int otto__default_pruner(otto_pruner **out) { return otto_pruner_nop_create(out); }
