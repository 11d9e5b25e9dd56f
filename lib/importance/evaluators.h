/* The two importance evaluators behind otto_study_param_importances
 * (importance.c gathers the trials; these only compute). Internal. */
#ifndef OTTO_IMPORTANCE_EVALUATORS_H
#define OTTO_IMPORTANCE_EVALUATORS_H

#include "common/common.h"

/* fANOVA's input: n rows of encoded params, row-major n x n_cols. A numeric
 * param is one column in the [0,1] working space (otto_distribution_to_unit);
 * a categorical param with k choices is k one-hot columns. Param g owns the
 * columns [col_start[g], col_start[g] + n_cols_of[g]); is_onehot[g] says
 * which encoding it has. y holds the n targets. */
typedef struct otto__fanova_input {
    size_t n, n_cols, n_params;
    const double *x;
    const double *y;
    const size_t *col_start;
    const size_t *n_cols_of;
    const unsigned char *is_onehot;
} otto__fanova_input;

/* Each param's mean share of variance over the trees whose variance is
 * positive (0 when none is) into importance[n_params]. Work space from a
 * (the study's allocator). OTTO_ENOMEM only. */
int otto__fanova(const otto__fanova_input *in, const otto_allocator *a, size_t n_trees,
                 size_t max_depth, uint64_t seed, double *importance);

/* One param's PED-ANOVA divergence within one regime: the Pearson divergence
 * of the param's distribution among target trials from that among region
 * trials (or from uniform when !local). values are internal values; the
 * target trials are those with in_target[i]. Work space from a. Returns -1
 * on allocation failure, else the divergence (>= 0). */
double otto__ped_anova_divergence(const otto_allocator *a, const otto_distribution *d,
                                  const double *values, const unsigned char *in_target, size_t n,
                                  int local);

#endif /* OTTO_IMPORTANCE_EVALUATORS_H */
