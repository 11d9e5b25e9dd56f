/* TPE's good side with several objectives: non-dominated ranks, the last
 * front cut by hypervolume subset selection (Optuna 4.x-5) or crowding
 * distance, and the optional hypervolume-contribution weights. */
#ifndef OTTO_TPE_PARETO_SPLIT_H
#define OTTO_TPE_PARETO_SPLIT_H

#include "common/common.h"

/* loss: n rows of n_obj values, every objective minimized (maximized ones
 * negated by the caller), no NaN. Writes for each row a key pair (rank[i],
 * tie[i]), smaller better, such that the first n_below rows by (rank, tie)
 * are the good side: rank is the non-domination rank (fronts are peeled only
 * until n_below rows are ranked; later rows share one rank past them), and
 * inside the front that crosses n_below, tie is 0 for the rows the
 * tie-break keeps and 1 for the others (hssp: 1) or minus the crowding
 * distance (hssp: 0). The HSSP reference point is Optuna's: per objective
 * the front's worst w, max(1.1 w, 0.9 w), 0 replaced by 1e-12. */
int otto__tpe_pareto_rank(const otto_allocator *a, const double *loss, size_t n, size_t n_obj,
                          size_t n_below, int hssp, double *rank, double *tie);

/* Optuna 3.x-4.x's weights of the good side's kernels: each row's
 * hypervolume contribution to the good side's front (reference as above,
 * from all n rows), divided by the largest and clipped below at 1e-12; all
 * 1 when n < 2 or a contribution is not finite. */
int otto__tpe_pareto_weights(const otto_allocator *a, const double *loss, size_t n,
                             size_t n_obj, double *w);

#endif /* OTTO_TPE_PARETO_SPLIT_H */
