/* Gaussian-process regression for the GP sampler: Matern-5/2 ARD kernel over
 * the unit cube (categorical dimensions by Hamming distance), signal and noise
 * variance, a prior on the kernel parameters, MAP fitting through the bounded
 * quasi-Newton optimizer, and posterior mean/variance with gradients. */
#ifndef OTTO_GP_MODEL_H
#define OTTO_GP_MODEL_H

#include <stddef.h>

#include "common/common.h"

/* Kernel parameters in their natural scale. */
typedef struct otto__gp_params {
    double *inv_ls2; /* d inverse squared lengthscales */
    double scale;    /* signal variance */
    double noise;    /* noise variance (>= the minimum) */
} otto__gp_params;

typedef struct otto__gp {
    const otto_allocator *a;
    size_t n, d, cap;          /* points, dimensions, allocated points */
    double *x;                 /* d columns of n coordinates (dimension-major: x[k*n + i]) */
    double *y;                 /* n targets (standardized by the caller) */
    const unsigned char *cat;  /* d flags: 1 = categorical (Hamming), 0 = continuous */
    otto__gp_params p;
    int fixed_noise;           /* noise pinned at the minimum (deterministic objective) */
    int dim_scaled_prior;      /* log-normal lengthscale prior scaled with d */
    double noise_rate;         /* rate of the Gamma(1.1, rate) noise prior (OTTO__GP_NOISE_RATE) */
    /* posterior, valid after otto__gp_condition: */
    double *chol;              /* n x n lower Cholesky factor of K + noise I, column-major */
    double *alpha;             /* (K + noise I)^-1 y */
    double jitter;             /* jitter the factorization needed */
    double *kinv;              /* (K + noise I)^-1 (lower triangle) after otto__gp_prepare_grad */
    /* fitting workspace, n x n each (column-major) */
    double *work_k, *work_g;
    double *row;               /* d scratch coordinates */
} otto__gp;

#define OTTO__GP_MIN_NOISE 1e-6
#define OTTO__GP_NOISE_RATE 30.0 /* Optuna's: the noise variance a priori near 0.004-0.04 */

/* Empty model over d dimensions; cat points at caller-owned flags. */
int otto__gp_init(otto__gp *gp, const otto_allocator *a, size_t d, const unsigned char *cat);
void otto__gp_free(otto__gp *gp);
/* Replace the data with n points (rows of d coordinates, row-major; copied).
 * Does not condition. */
int otto__gp_set_data(otto__gp *gp, size_t n, const double *x, const double *y);
/* Default kernel parameters (lengthscale 1 in every dim, unit signal,
 * noise 1e-2 or the minimum when fixed). */
void otto__gp_default_params(otto__gp *gp);
/* Negative log marginal likelihood plus negative log prior at the current
 * parameters, and its gradient with respect to the log parameters
 * (d lengthscales, log scale, log noise unless fixed) when grad != NULL. */
int otto__gp_neg_log_posterior(otto__gp *gp, double *f, double *grad);
/* MAP fit of the kernel parameters from the current ones (a warm start) and,
 * when also_default, from the defaults; keeps the better. max_evals bounds
 * likelihood evaluations per start. Leaves the model conditioned. */
int otto__gp_fit(otto__gp *gp, size_t max_evals, int also_default);
/* Factorize K + noise I and solve for alpha with the current parameters. */
int otto__gp_condition(otto__gp *gp);
/* Posterior mean and variance of the latent function at m points (rows of
 * xs, row-major m x d); work must hold n*m doubles. */
int otto__gp_predict(const otto__gp *gp, size_t m, const double *xs, double *mean, double *var,
                     double *work);
/* Posterior covariances of the latent function between point xa and m
 * points xs (rows of d coordinates): k(a, x) - k_a^T (K + noise I)^-1 k_x.
 * work holds n (m + 1) doubles. */
int otto__gp_posterior_cov(const otto__gp *gp, const double *xa, size_t m, const double *xs,
                           double *cov, double *work);
/* Keep (K + noise I)^-1 so that otto__gp_predict_grad reads one triangle per
 * call instead of two triangular solves; any later condition drops it. */
int otto__gp_prepare_grad(otto__gp *gp);
/* Posterior mean and variance at one point with their gradients with respect
 * to the continuous coordinates (0 for categorical ones); work holds 4n
 * doubles. */
int otto__gp_predict_grad(const otto__gp *gp, const double *x, double *mean, double *var,
                          double *dmean, double *dvar, double *work);

#endif /* OTTO_GP_MODEL_H */
