/* Intensification for the GP sampler's noisy mode (otto_gp_options.noisy):
 * the evaluated configurations with their posterior, the incumbent, and the
 * rule that proposes re-evaluating a configuration instead of a new point. */
#ifndef OTTO_GP_REPEAT_H
#define OTTO_GP_REPEAT_H

#include <stddef.h>

#include "gp_model.h"

/* The distinct configurations among the rows of a conditioned model. */
typedef struct otto__gp_configs {
    const otto_allocator *a;
    size_t n_cfg;
    size_t *row;       /* per config: its first complete row */
    size_t *count;     /* per config: complete rows plus pending rows equal to it */
    double *mean, *var; /* per config: latent posterior (standardized units) */
    size_t best;       /* the incumbent: lowest posterior mean (first on ties) */
    size_t n_repeats;  /* sum over configs of count - 1 */
} otto__gp_configs;

/* Group rows 0..n-1 of x (complete, row-major, d columns) into configurations
 * by identical coordinates, count rows n..n+n_pend-1 (pending) that equal one,
 * and read the posterior of gp (conditioned on all n + n_pend rows) at each.
 * Needs n >= 1. */
int otto__gp_configs_build(otto__gp_configs *c, const otto__gp *gp, size_t n, size_t n_pend,
                           size_t d, const double *x, const otto_allocator *a);
void otto__gp_configs_free(otto__gp_configs *c);

/* The configuration to evaluate again, or SIZE_MAX for a new point. A repeat
 * of configuration c beside a rival r (the incumbent and the best few other
 * configurations by posterior mean form the pairs) is worth its knowledge
 * gradient for the pair: the expected reduction of the deployed pick's loss
 * once the repeat's value moves the two posterior means, s h(-delta / s),
 * with delta = |m_c - m_r| and s = |v_c - cov(c, r)| / sqrt(v_c + noise) the
 * sd of the change of m_c - m_r (h as in log_ei.h). The best pair's value is
 * compared with log_ei_new, the log expected improvement over the
 * incumbent's posterior mean of the best new candidate: the repeat wins when
 * it is larger, its configuration has fewer than max_replicates evaluations
 * and repeats stay within max_share of the trials (n_total including this
 * one). noise is the fitted noise variance. */
int otto__gp_repeat_pick(const otto__gp_configs *c, const otto__gp *gp, size_t d,
                         const double *x, double log_ei_new, size_t n_total,
                         size_t max_replicates, double max_share, size_t *cfg_out);

#endif /* OTTO_GP_REPEAT_H */
