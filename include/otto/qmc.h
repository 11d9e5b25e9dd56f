/* otto/qmc.h: the quasi-Monte Carlo sampler (Optuna's QMCSampler): points of
 * a Sobol or Halton sequence, which fill the search space more evenly than
 * random ones. */
#ifndef OTTO_QMC_H
#define OTTO_QMC_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

typedef enum otto_qmc_sequence {
    OTTO_QMC_SOBOL = 0, /* default; up to 256 params */
    OTTO_QMC_HALTON = 1 /* up to 100 params */
} otto_qmc_sequence;

typedef struct otto_qmc_options {
    size_t size;
    uint64_t seed;                 /* OTTO_SEED_NONE (default): the study's */
    otto_qmc_sequence sequence;    /* OTTO_QMC_SOBOL (default) */
    int scramble;                  /* shift the sequence by the seed (0) */
    int warn_independent_sampling; /* log params sampled at random (1) */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_qmc_options;

OTTO_API void otto_qmc_options_init_sized(otto_qmc_options *o, size_t size);
#define otto_qmc_options_init(o) otto_qmc_options_init_sized((o), sizeof *(o))
/* Trial k takes point k of the sequence over the float and int params of the
 * study's first finished trial (sampled at random); categorical params, and
 * params outside that space, are sampled at random (as in Optuna). */
OTTO_API int otto_sampler_qmc_create(const otto_qmc_options *o, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_QMC_H */
