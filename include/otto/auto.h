/* otto/auto.h: the auto sampler, which picks GP, TPE or CMA-ES per ask from
 * the search space and the history, so users need not know which suits
 * their problem. */
#ifndef OTTO_AUTO_H
#define OTTO_AUTO_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "gp.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

typedef struct otto_auto_options {
    size_t size;
    uint64_t seed;              /* OTTO_SEED_NONE (default): the study's */
    /* The number of trials the user means to run, if known (0: unknown). A
     * numeric study whose budget fits the GP phase stays with the GP. */
    size_t n_trials;
    /* Finished trials after which a numeric study leaves the GP (0: 250,
     * as OptunaHub's AutoSampler). */
    size_t gp_trials;
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
    /* 1: the objective is noisy: the GP phase runs the GP sampler's noisy
     * mode (otto_gp_options.noisy: repeats of the incumbent or a rival,
     * linked by OTTO_ATTR_REPEAT_OF); the TPE and CMA-ES phases have no
     * noise model and sample as without it (0). */
    int noisy;
} otto_auto_options;

OTTO_API void otto_auto_options_init_sized(otto_auto_options *o, size_t size);
#define otto_auto_options_init(o) otto_auto_options_init_sized((o), sizeof *(o))

/* The auto sampler (see otto_sampler_auto_create(3)). opts may be NULL for
 * the defaults. Invalid options are OTTO_EINVAL. */
OTTO_API int otto_sampler_auto_create(const otto_auto_options *opts, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_AUTO_H */
