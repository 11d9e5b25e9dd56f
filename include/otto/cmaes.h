/* otto/cmaes.h: the CMA-ES sampler, with IPOP/BIPOP restarts, a separable
 * variant for high dimensions and the margin for int and step params. */
#ifndef OTTO_CMAES_H
#define OTTO_CMAES_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"
#include "study.h"

OTTO_BEGIN_DECLS

typedef enum otto_cmaes_restart {
    OTTO_CMAES_NO_RESTART = 0,
    OTTO_CMAES_IPOP = 1,  /* restart with a population inc_popsize times larger */
    OTTO_CMAES_BIPOP = 2  /* alternate large (IPOP) and small-population runs */
} otto_cmaes_restart;

typedef enum otto_cmaes_fallback {
    OTTO_CMAES_FALLBACK_RANDOM = 0,
    OTTO_CMAES_FALLBACK_TPE = 1
} otto_cmaes_fallback;

typedef struct otto_cmaes_options {
    size_t size;
    uint64_t seed;              /* OTTO_SEED_NONE (default): the study's */
    /* Initial mean by param name (NUMBER values, as suggested); params not
     * listed start at the centre of their range. Copied at create. */
    const otto_param_value *x0;
    size_t n_x0;
    double sigma0;              /* initial step in the unit working space (0: 1/6) */
    size_t popsize;             /* 0: 4 + floor(3 ln n) */
    int restart_strategy;       /* otto_cmaes_restart (NO_RESTART) */
    double inc_popsize;         /* population growth per IPOP restart (2) */
    int separable;              /* diagonal covariance, sep-CMA-ES (0) */
    int with_margin;            /* margin for int and step params (1) */
    int independent_sampler;    /* otto_cmaes_fallback for params outside the space (RANDOM) */
    int warn_independent_sampling; /* log params sampled outside CMA-ES (1) */
    /* Warm start from the COMPLETE trials of a similar task (any study's,
     * copied at create; Nomura et al. 2021): the first search starts from
     * the best 10% of those that have every param of the search space with
     * the same distribution. Not with separable; x0 and sigma0 are then
     * ignored. */
    const otto_trial *const *source_trials;
    size_t n_source_trials;
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_cmaes_options;

OTTO_API void otto_cmaes_options_init_sized(otto_cmaes_options *o, size_t size);
#define otto_cmaes_options_init(o) otto_cmaes_options_init_sized((o), sizeof *(o))

/* The CMA-ES sampler (see otto_sampler_cmaes_create(3)). opts may be NULL for
 * the defaults. Invalid options are OTTO_EINVAL. */
OTTO_API int otto_sampler_cmaes_create(const otto_cmaes_options *opts, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_CMAES_H */
