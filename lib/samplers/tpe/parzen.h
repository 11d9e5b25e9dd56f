/* The Parzen estimator of TPE: a weighted mixture of kernels, one per
 * observation plus an optional prior, over some dimensions of the shared
 * [0,1] working space. Numeric dims use normal kernels truncated to [0,1]
 * (integrated over a grid cell for int and step params); categorical dims use
 * Optuna's smoothed one-hot kernel. */
#ifndef OTTO_PARZEN_H
#define OTTO_PARZEN_H

#include "common/common.h"

typedef enum otto__pz_kind {
    OTTO__PZ_CONTINUOUS = 0,
    OTTO__PZ_DISCRETE = 1,  /* grid cells of width q in [0,1] */
    OTTO__PZ_CATEGORICAL = 2
} otto__pz_kind;

typedef struct otto__pz_dim {
    otto__pz_kind kind;
    double q;          /* cell width (discrete, linear scale) */
    size_t n_choices;  /* categorical */
    /* discrete on a log scale: unit u is the value exp(log_lo + u log_span),
     * whose cell [v - half_step, v + half_step] is narrower in u the larger v
     * is (log_span > 0 selects this over q) */
    double log_lo, log_span, half_step;
} otto__pz_dim;

typedef struct otto__pz_params {
    int consider_prior;
    double prior_weight;
    int consider_magic_clip;
    int consider_endpoints;
    int scott_bandwidth; /* Scott's rule shared by all observations instead of
                          * per-observation neighbour gaps (Optuna 2.2-4.x multivariate) */
    int unnormalized;   /* leave out 1/sigma of continuous kernels (Optuna < 3.5) */
} otto__pz_params;

/* Column-major per dimension: the kernels of one dim are contiguous, so the
 * log-density loop runs over kernels with unit stride. */
typedef struct otto__parzen {
    const otto_allocator *alloc;
    size_t n_dims, n_kernels;
    size_t n_obs;       /* kernels 0..n_obs-1; a prior kernel follows when n_kernels > n_obs */
    const otto__pz_dim *dims;
    double *cum_w;      /* [k] cumulative weights, for sampling */
    double *mu;         /* [d * n_kernels + k] */
    double *sigma;
    double *inv_sigma;
    double *half_inv;   /* continuous dims: 1 / (sigma sqrt 2) */
    double *half_y;     /* continuous dims: mu / (sigma sqrt 2) */
    double *log_z;      /* [d * n_kernels + k] discrete dims: log mass of the kernel in [0,1] */
    double *base;       /* [k] log w_k - sum over continuous dims of log(sigma sqrt(2pi) Z),
                         * w_k the kernel's share of the total weight */
    double *cat_logp;   /* categorical dims: [d][k][c], offsets in cat_off */
    size_t *cat_off;
    double *scratch;    /* [4 * k]: log_pdf accumulators for a block of candidates */
    /* Scott-rule estimators: every observation kernel of a continuous dim
     * has the same bandwidth, so sum_d ((x_d - mu_dk) / s_d)^2 is
     * |x~|^2 + |y_k|^2 - 2 x~ . y_k with x~ = x / s and y = mu / s; the dot
     * product costs one multiply-add per kernel and dim. The prior kernel
     * (bandwidth 1) is added separately. */
    int shared;         /* the above applies */
    double *y;          /* [d * n_kernels + k] mu / s_d (0 for the prior) */
    double *y_norm;     /* [k] -0.5 |y_k|^2 over continuous dims (0 for the prior) */
    double *cum_prod;   /* [k] build-time products of normalizers */
    uint32_t *near;     /* [k] build-time: kernels whose truncation matters */
} otto__parzen;

/* Observation i is row rows[i] of obs (rows of n_dims unit coordinates,
 * categorical dims holding the index; rows NULL: row i); weights: n_obs
 * non-negative weights (not all zero unless n_obs is 0). gaps, when not
 * NULL, holds the neighbour gaps of the observations already computed
 * (gaps[d * gap_stride + i], numeric dims; see otto__tpe_gaps), which the
 * build would otherwise find by sorting each dim. */
int otto__parzen_build(otto__parzen *pz, const otto_allocator *a, const otto__pz_dim *dims,
                       size_t n_dims, const double *obs, const size_t *rows, size_t n_obs,
                       const double *weights, const double *gaps, size_t gap_stride,
                       const otto__pz_params *p);
void otto__parzen_free(otto__parzen *pz);
/* n samples (row major, n x n_dims) in [0,1] (categorical: index). */
void otto__parzen_sample(const otto__parzen *pz, otto_rng *r, size_t n, double *out);
/* log density of n points (row major); discrete dims must hold grid points. */
void otto__parzen_log_pdf(const otto__parzen *pz, size_t n, const double *x, double *out);

#endif /* OTTO_PARZEN_H */
