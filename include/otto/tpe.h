/* otto/tpe.h: the Tree-structured Parzen Estimator sampler (Python's
 * default; the auto sampler uses it for conditional spaces). */
#ifndef OTTO_TPE_H
#define OTTO_TPE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

/* Number of "good" trials among n (the l(x) side): at most n, or
 * OTTO_TPE_GAMMA_ERROR when it failed (the sample then fails with
 * OTTO_ECALLBACK, as an error code from the weights function does). */
typedef size_t (*otto_tpe_gamma_fn)(size_t n, void *user_data);
#define OTTO_TPE_GAMMA_ERROR ((size_t)-1)
/* Fill out[0..n) with non-negative weights (not all zero) for n trials in
 * trial-number order (oldest first). Return OTTO_OK or an error code. */
typedef int (*otto_tpe_weights_fn)(size_t n, double *out, void *user_data);

typedef struct otto_tpe_options {
    size_t size;
    uint64_t seed;              /* OTTO_SEED_NONE (default): the study's */
    size_t n_startup_trials;    /* random sampling until this many trials (10) */
    size_t n_ei_candidates;     /* candidates drawn from l(x) per sample; 0
                                 * (default): otto's schedule, 128 with joint
                                 * kernels while the bad side has up to 255
                                 * trials, fewer past that, never under 24;
                                 * univariate 24 (Optuna: 24 always) */
    int multivariate;           /* joint kernels over the relative space:
                                 * OTTO_TPE_AUTO (default) is 1 for a single
                                 * objective and 0 for several, as in Optuna */
    int group;                  /* decompose conditional spaces into groups (1) */
    int constant_liar;          /* running trials count as bad observations (1) */
    int consider_prior;         /* add a prior kernel (1) */
    double prior_weight;        /* its weight (1.0) */
    int consider_magic_clip;    /* lower-bound bandwidths (1) */
    int consider_endpoints;     /* univariate: bounds as neighbours (0) */
    int warn_independent_sampling; /* log when multivariate falls back (0) */
    otto_tpe_gamma_fn gamma;    /* NULL: min(ceil(gamma_fraction n), 25); with
                                 * several objectives ceil(0.1 n) */
    void *gamma_user_data;
    otto_tpe_weights_fn weights; /* NULL: 1 for the newest 25, a ramp before */
    void *weights_user_data;
    size_t n_history;           /* use only the newest n finished trials (0: all) */
    /* 1 reproduces Optuna before 3.5, whose continuous kernels were not
     * divided by their bandwidth (optuna/optuna#5109), so l and g were not
     * proper densities; 0 (default) is the corrected estimator of current
     * Optuna. */
    int unnormalized_kernels;
    /* 1 reproduces Optuna 2.2-4.x's multivariate estimator, whose kernels
     * all share one Scott-rule bandwidth 0.2 n^(-1/(d+4)) per dim; 0
     * (default) gives every observation its own neighbour-gap bandwidth in
     * every dim, as current Optuna does in both modes. */
    int scott_bandwidth;
    /* The good side's share when gamma is NULL, in [0, 1]; 0 (default):
     * otto's, 0.15 with joint kernels and 0.1 univariate (Optuna: 0.1). */
    double gamma_fraction;
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
    /* Several objectives: how the good side cuts the non-dominated front
     * that does not fit whole. OTTO_TPE_TIEBREAK_HSSP (default, as Optuna
     * 4.x-5): the subset of that front with the largest hypervolume (exact
     * in 2-D, lazy greedy beyond); OTTO_TPE_TIEBREAK_CROWDING: the largest
     * crowding distances (NSGA-II's rule). */
    int pareto_tiebreak;
    /* Several objectives: 1 weighs each good kernel by its trial's
     * hypervolume contribution to the good side (Optuna 3.x-4.x); 0
     * (default): evenly, as Optuna 5. */
    int hypervolume_weights;
} otto_tpe_options;

/* otto_tpe_options.pareto_tiebreak */
#define OTTO_TPE_TIEBREAK_HSSP 0
#define OTTO_TPE_TIEBREAK_CROWDING 1

/* otto_tpe_options.multivariate: decide from the study's objectives. */
#define OTTO_TPE_AUTO (-1)

OTTO_API void otto_tpe_options_init_sized(otto_tpe_options *o, size_t size);
#define otto_tpe_options_init(o) otto_tpe_options_init_sized((o), sizeof *(o))

/* The TPE sampler with Optuna's algorithm (see otto_sampler_tpe_create(3)).
 * opts may be NULL for the defaults. Invalid options are OTTO_EINVAL. */
OTTO_API int otto_sampler_tpe_create(const otto_tpe_options *opts, otto_sampler **out);

/* The default gamma and weights, for callers that wrap them. */
OTTO_API size_t otto_tpe_default_gamma(size_t n, void *user_data);
OTTO_API int otto_tpe_default_weights(size_t n, double *out, void *user_data);

OTTO_END_DECLS

#endif /* OTTO_TPE_H */
