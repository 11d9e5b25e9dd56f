/* The GP sampler's multi-objective acquisition: one GP per objective, log
 * EHVI over the feasible front (with pending points at their posterior means,
 * kriging believer) plus, in gp.c, the log probability of feasibility. */
#ifndef OTTO_GP_MULTI_H
#define OTTO_GP_MULTI_H

#include <stddef.h>

#include "common/common.h"
#include "ehvi.h"
#include "gp_model.h"

#define OTTO__GP_MULTI_CHUNK 256 /* points per otto__gp_multi_batch call, at most */

typedef struct otto__gp_multi {
    const otto_allocator *a;
    size_t m;          /* objectives */
    size_t ld;         /* rows per column of y */
    double *y;         /* m columns: minimized objectives of the complete rows
                        * (standardized by gp.c), then the pending rows' means */
    int have_front;    /* a feasible complete row exists: EHVI is defined */
    otto__ehvi ehvi;
    double *mean, *var; /* m x CHUNK batch predictions */
    double *mu, *sd, *dmu, *dsd, *dmean, *dvar; /* m, m, m, m, m x d, m x d */
} otto__gp_multi;

/* Column k of y holds rows[i]'s objective k, oriented for minimization;
 * score[i] ranks rows for local-search starts: the number of rows that
 * dominate row i plus half a random Chebyshev scalarization in [0, 1] (weights
 * from rng). ld >= n is the row capacity (complete plus pending). */
int otto__gp_multi_targets(otto__gp_multi *mo, const otto_allocator *a, const otto_view *v,
                           const otto_trial *const *rows, size_t n, size_t ld, otto_rng *rng,
                           double *score);

/* After the models are conditioned (pending means in y rows n..n+n_pend-1):
 * the box decomposition of the feasible complete rows and the pending rows,
 * below the reference point of the feasible complete rows; d is the number
 * of coordinates. */
int otto__gp_multi_prepare(otto__gp_multi *mo, size_t n, size_t n_pend,
                           const unsigned char *feasible, size_t d);

/* log EHVI at count <= CHUNK points (rows of xs); work holds n_model * count
 * doubles. Without a feasible row every value is 0. */
int otto__gp_multi_batch(otto__gp_multi *mo, const otto__gp *models, size_t count,
                         const double *xs, double *out, double *work);

/* log EHVI at x and its gradient over the d coordinates (models prepared for
 * gradients); gwork holds 4 n_model doubles. */
int otto__gp_multi_grad(otto__gp_multi *mo, const otto__gp *models, const double *x,
                        double *val, double *grad, double *gwork);

void otto__gp_multi_free(otto__gp_multi *mo);

#endif /* OTTO_GP_MULTI_H */
