/* otto/gp.h: the Gaussian-process Bayesian-optimization sampler (GP-EI), for
 * small budgets of expensive evaluations. */
#ifndef OTTO_GP_H
#define OTTO_GP_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

/* Acquisition of multi-objective studies: log expected hypervolume
 * improvement over one GP per objective, or ParEGO (one GP of a random
 * augmented Chebyshev scalarization per trial). */
enum { OTTO_GP_EHVI = 0, OTTO_GP_PAREGO = 1 };

typedef struct otto_gp_options {
    size_t size;
    uint64_t seed;              /* OTTO_SEED_NONE (default): the study's */
    size_t n_startup_trials;    /* quasi-random design until this many trials (10) */
    int deterministic_objective; /* 1: noise pinned at 1e-6 instead of fitted (0) */
    size_t n_candidates;        /* acquisition sweep points per ask (1024) */
    size_t n_local_search;      /* best sweep points refined by gradient (8) */
    size_t max_fit_evals;       /* likelihood evaluations per kernel fit (100) */
    int dim_scaled_prior;       /* lengthscale prior growing with sqrt(dims) (0) */
    int use_running_trials;     /* running trials as pending points (1) */
    int warn_independent_sampling; /* log params sampled outside the GP (1) */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
    /* 1: the objective is noisy; besides new points the sampler proposes
     * repeats (intensification): a new trial with exactly the params of an
     * evaluated one (the incumbent, best by posterior mean, or a close
     * rival) when resolving their order is worth more than the best new
     * point, linked by the system attribute OTTO_ATTR_REPEAT_OF. Single-
     * objective studies without constraints; excludes
     * deterministic_objective (0). See otto_sampler_gp_create(3). */
    int noisy;
    int multi_objective;        /* OTTO_GP_EHVI (default) or OTTO_GP_PAREGO */
    /* 1: linear int params of at most 16 values (no log, any step) are read
     * as categories, for integers that are labels rather than quantities
     * (an index into a list of operations): the kernel compares them as it
     * compares categoricals (equal or not) and the acquisition search tries
     * their values as labels; the values suggested stay ints of the
     * distribution. 0 (default): every int is a number. */
    int small_ints_as_categories;
    /* 1: one trial in three, once the history is long enough, is a local
     * step: the model is fitted to the trials nearest the best one, their
     * values standardized among themselves, and the acquisition searched in
     * a box around the best that those trials span; the other trials are
     * ordinary (global) steps. For single-objective studies without
     * constraints over numeric params with more than 64 values (others
     * take global steps only); the local step is first a quadratic step
     * (a least-squares quadratic of the nearest trials minimized in a trust
     * region). See otto_sampler_gp_create(3). 0 (default): global steps
     * only. The auto sampler sets it. */
    int local_steps;
    /* 1 (default): the objective values are warped before the model sees
     * them, by a monotone power transform (Yeo-Johnson on the values shifted
     * to start at 0, its exponent fitted by maximum likelihood at each ask),
     * when the model's evidence favours it, so that values spread over
     * orders of magnitude look Gaussian. Single-objective studies outside
     * noisy mode. See otto_sampler_gp_create(3). 0: values only
     * standardized, as Optuna's GPSampler does. */
    int output_warping;
} otto_gp_options;

/* The system attribute of a repeat proposed in noisy mode: the number of
 * the trial whose params it repeats (the first of its configuration), in
 * decimal. */
#define OTTO_ATTR_REPEAT_OF "otto:repeat_of"

OTTO_API void otto_gp_options_init_sized(otto_gp_options *o, size_t size);
#define otto_gp_options_init(o) otto_gp_options_init_sized((o), sizeof *(o))

/* The GP-EI sampler (see otto_sampler_gp_create(3)). opts may be NULL for
 * the defaults. Invalid options are OTTO_EINVAL. */
OTTO_API int otto_sampler_gp_create(const otto_gp_options *opts, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_GP_H */
