/* Log expected hypervolume improvement of m independent Gaussian predictions
 * over a box decomposition of the non-dominated region, in closed form, with
 * its gradient with respect to the predictive means and standard deviations. */
#ifndef OTTO_GP_EHVI_H
#define OTTO_GP_EHVI_H

#include <stddef.h>

#include "common/common.h"

/* Conventions: every objective is minimized; the front is n rows of m finite
 * doubles (row-major); a prediction is y_k ~ N(mu_k, sd_k^2) independently
 * per objective. The hypervolume improvement of y over the front below the
 * reference r is HVI(y) = sum over the disjoint boxes [l, u) of the
 * non-dominated region of prod_k (u_k - max(l_k, y_k))^+, so its expectation
 * is sum_boxes prod_k sd_k (h(zu_k) - h(zl_k)) with z = (bound - mu) / sd and
 * h(z) = phi(z) + z Phi(z) (h(-inf) = 0). Everything is computed in log
 * space: log EHVI is finite for any finite mu and sd > 0. */
typedef struct otto__ehvi {
    const otto_allocator *a;
    size_t m, n_boxes;
    size_t max_bp;     /* breakpoints per objective, at most */
    size_t *n_bp;      /* m: breakpoints of objective k */
    double *bp;        /* m rows of max_bp ascending distinct finite box bounds */
    int *lo, *hi;      /* n_boxes x m indices into bp (lo -1: the bound is -inf) */
    double *cache;     /* m x max_bp x 6 special-function values per evaluation */
    double *box;       /* n_boxes x (1 + 2m): log term, then d/dmu and d/dsd per k */
} otto__ehvi;

/* Optuna's reference point for n rows of m minimized values:
 * max_k slightly beyond the worst value, nextafter(max(1.1 w, 0.9 w), +inf). */
void otto__ehvi_reference(const double *front, size_t n, size_t m, double *reference);

/* Decompose the region that the front leaves below the reference (points not
 * strictly below it are ignored); OTTO_ENOMEM when allocation fails. */
int otto__ehvi_init(otto__ehvi *e, const otto_allocator *a, const double *front, size_t n,
                    size_t m, const double *reference);
void otto__ehvi_free(otto__ehvi *e);

/* log EHVI at one prediction (mu, sd: m each; sd is floored at 1e-10). When
 * dmu and dsd are not NULL they receive the gradient of log EHVI. Not
 * thread-safe on one e (it uses e's work memory). */
double otto__log_ehvi(otto__ehvi *e, const double *mu, const double *sd, double *dmu,
                      double *dsd);

#endif /* OTTO_GP_EHVI_H */
