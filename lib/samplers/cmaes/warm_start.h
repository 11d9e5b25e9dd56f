/* Warm-starting CMA-ES from the trials of a similar task (Nomura et al.,
 * "Warm Starting CMA-ES for Hyperparameter Optimization", AAAI 2021): the
 * initial mean, step and covariance from the best source trials. */
#ifndef OTTO_CMAES_WARM_START_H
#define OTTO_CMAES_WARM_START_H

#include <stddef.h>

#include "common/common.h"

typedef struct otto__cma_source_param {
    char *name;
    otto_distribution dist; /* numeric only (choices not kept) */
    double value;           /* internal */
} otto__cma_source_param;

typedef struct otto__cma_source_trial {
    double f; /* objective 0 */
    size_t n;
    otto__cma_source_param *params;
} otto__cma_source_trial;

typedef struct otto__cma_source {
    size_t n;
    otto__cma_source_trial *trials;
} otto__cma_source;

/* Copy the COMPLETE trials among trials[0..n) into memory from a (the
 * sampler's own allocator); free with the same. */
int otto__cma_source_copy(otto__cma_source *src, const otto_allocator *a,
                          const otto_trial *const *trials, size_t n);
void otto__cma_source_free(otto__cma_source *src, const otto_allocator *a);

/* The promising distribution over the keys (unit working space): mean[n],
 * *sigma and cov[n x n] (column-major, det 1) from the best
 * floor(gamma x count) of the source trials that have every key's name with
 * an equal distribution (gamma 0.1, prior alpha 0.1, as in the cmaes
 * package). OTTO_ENOTFOUND when that leaves no trial. Work space from a. */
int otto__cma_warm_start(const otto__cma_source *src, const otto_allocator *a,
                         const otto_param_key *const *keys, size_t n, int maximize,
                         double *mean, double *sigma, double *cov);

#endif /* OTTO_CMAES_WARM_START_H */
