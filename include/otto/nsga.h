/* otto/nsga.h: the NSGA-II and NSGA-III samplers, genetic algorithms for
 * multi-objective (and constrained) studies, after Optuna's NSGAIISampler
 * and NSGAIIISampler. */
#ifndef OTTO_NSGA_H
#define OTTO_NSGA_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"
#include "study.h"

OTTO_BEGIN_DECLS

/* How two (or three) parents make a child's numeric params, in the shared
 * [0,1] working space. Categorical params always take the uniform crossover. */
typedef enum otto_nsga_crossover {
    OTTO_NSGA_UNIFORM = 0, /* each param from either parent (swapping_prob) */
    OTTO_NSGA_BLX_ALPHA = 1, /* uniform in the parents' box widened by alpha */
    OTTO_NSGA_SBX = 2,       /* simulated binary crossover (Deb and Agrawal 1995) */
    OTTO_NSGA_VSBX = 3,      /* SBX without excluded regions (Ballester and Carter 2003) */
    OTTO_NSGA_UNDX = 4,      /* unimodal normal distribution crossover, 3 parents */
    OTTO_NSGA_SPX = 5        /* simplex crossover, 3 parents */
} otto_nsga_crossover;

typedef struct otto_nsga2_options {
    size_t size;
    uint64_t seed;           /* OTTO_SEED_NONE (default): the study's */
    size_t population_size;  /* trials per generation (50); >= the crossover's parents */
    double mutation_prob;    /* per-param resampling probability; NaN (default): 1/n_params */
    int crossover;           /* otto_nsga_crossover (UNIFORM) */
    double crossover_prob;   /* probability that a child is a crossover (0.9) */
    double swapping_prob;    /* uniform crossover's per-param swap probability (0.5) */
    /* crossover parameters; NaN (the default) means Optuna's default */
    double blx_alpha;        /* BLX-alpha's alpha (0.5) */
    double sbx_eta;          /* SBX and VSBX distribution index (NaN: 20 multi-, 2 single-objective) */
    double sbx_uniform_crossover_prob; /* SBX and VSBX (0.5), in [0, 1] */
    double sbx_use_child_gene_prob;    /* SBX and VSBX (0.5), in (0, 1] */
    double undx_sigma_xi;    /* UNDX (0.5) */
    double undx_sigma_eta;   /* UNDX (NaN: 0.35 / sqrt(n)) */
    double spx_epsilon;      /* SPX expansion (NaN: sqrt(n + 2)) */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_nsga2_options;

OTTO_API void otto_nsga2_options_init_sized(otto_nsga2_options *o, size_t size);
#define otto_nsga2_options_init(o) otto_nsga2_options_init_sized((o), sizeof *(o))

/* NSGA-II (Deb et al. 2002; see otto_sampler_nsga2_create(3)). opts may be
 * NULL for the defaults. Invalid options are OTTO_EINVAL. Constraints are
 * the trials' own (otto_trial_set_constraints). */
OTTO_API int otto_sampler_nsga2_create(const otto_nsga2_options *opts, otto_sampler **out);

typedef struct otto_nsga3_options {
    size_t size;
    otto_nsga2_options base; /* everything NSGA-II has (init fills it) */
    /* Reference points, n_reference_points rows of n_objectives values
     * (row-major, copied at create); NULL: Das-Dennis points with
     * dividing_parameter divisions. Their dimension is checked against the
     * study's objectives when a generation is selected. */
    const double *reference_points;
    size_t n_reference_points;
    size_t reference_dim;
    size_t dividing_parameter; /* 3 */
} otto_nsga3_options;

OTTO_API void otto_nsga3_options_init_sized(otto_nsga3_options *o, size_t size);
#define otto_nsga3_options_init(o) otto_nsga3_options_init_sized((o), sizeof *(o))

/* NSGA-III (Deb and Jain 2014): NSGA-II with reference-point niching in
 * place of crowding distance. opts may be NULL for the defaults. */
OTTO_API int otto_sampler_nsga3_create(const otto_nsga3_options *opts, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_NSGA_H */
