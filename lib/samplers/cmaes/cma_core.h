/* The CMA-ES algorithm itself (Hansen, "The CMA Evolution Strategy: A
 * Tutorial", arXiv:1604.00772) in the unit cube, with the margin of Hamano et
 * al. (GECCO 2022) for discrete coordinates: sampling, the generation update,
 * lazy eigendecomposition and the termination criteria that trigger
 * restarts. The sampler glue (generations over trials, restarts, spaces)
 * is in cmaes.c. */
#ifndef OTTO_CMA_CORE_H
#define OTTO_CMA_CORE_H

#include <stddef.h>

#include "common/common.h"

typedef struct otto__cma_ranked {
    double f;
    size_t i;
} otto__cma_ranked;

typedef struct otto__cma {
    const otto_allocator *a;
    size_t n, lambda, mu;
    int separable;
    double *w;                  /* lambda weights: mu positive (sum 1), then negative */
    double wsum;                /* sum of all weights */
    double mueff, cc, cs, c1, cmu, damps, chi_n;
    double sigma, sigma0;
    double *m, *pc, *ps;        /* n each */
    double *C;                  /* n x n column-major (full), or n (diagonal, separable) */
    double *B;                  /* n x n eigenvectors (full only) */
    double *scratch;            /* 2 n x n (full only) */
    double *D;                  /* n: sqrt of C's eigenvalues (or of its diagonal) */
    size_t gen, eigen_gen;
    /* margin for discrete coordinates */
    double *grid;               /* n: number of grid values, 0 for continuous */
    double *A;                  /* n: extra scaling of discrete coordinates (1 initially) */
    double margin;              /* alpha = 1 / (n lambda) */
    /* termination bookkeeping */
    double *best_hist;          /* best value of each generation (ring) */
    size_t hist_cap;
    double last_range;          /* range of the newest generation's values */
    double cond;                /* condition number of C at the last eigendecomposition */
    /* scratch */
    double *work;               /* 4n + lambda */
    otto__cma_ranked *order;    /* lambda */
} otto__cma;

/* Replace the initial identity covariance of a full (not separable) search
 * by cov (n x n column-major, symmetric positive definite), before its first
 * generation. */
int otto__cma_set_cov(otto__cma *c, const double *cov);

/* A fresh search: mean m0 (unit coordinates), step sigma0, population lambda
 * (>= 2); grid[i] > 1 marks a discrete coordinate with that many values (NULL:
 * all continuous). */
int otto__cma_init(otto__cma *c, const otto_allocator *a, size_t n, size_t lambda,
                   const double *m0, double sigma0, int separable, const double *grid);
void otto__cma_free(otto__cma *c);
/* The default population size 4 + floor(3 ln n). */
size_t otto__cma_default_lambda(size_t n);
/* Draw a candidate inside [0,1]^n: v is the sample of N(m, sigma^2 C) to tell
 * back, x the candidate (v with the margin scaling applied to discrete
 * coordinates). Out-of-box draws are redrawn up to 100 times, then clipped
 * (and v adjusted to match). */
void otto__cma_sample(otto__cma *c, otto_rng *r, double *v, double *x);
/* One generation: lambda samples (rows of vs, n each) and their values
 * (minimized). Updates mean, paths, step, covariance and margin. */
int otto__cma_tell(otto__cma *c, const double *vs, const double *f);
/* A termination criterion that holds now (a short name for logs), or NULL. */
const char *otto__cma_stop_reason(const otto__cma *c);

#endif /* OTTO_CMA_CORE_H */
