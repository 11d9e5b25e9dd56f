/* The auto sampler's check of its GP: how well the GP, reading the study as
 * the GP sampler does, ranks trials it has not seen (leave-one-out). */
#ifndef OTTO_AUTO_MODEL_CHECK_H
#define OTTO_AUTO_MODEL_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <otto/sys/sampler.h>

/* Fits the GP sampler's model (samplers/gp: Matern-5/2 ARD, the coordinates
 * of gp_encode.h, standardized values, MAP kernel parameters from the
 * defaults) to the first n_use COMPLETE trials of v in the order they
 * finished (those with every parameter of the view's intersection space,
 * single objective, minimized or maximized), and writes to *rho the Spearman
 * rank correlation between each trial's leave-one-out predictive mean,
 * mu_i = y_i - [K^-1 y]_i / [K^-1]_ii, and its observed value: 1 when the
 * model ranks unseen trials perfectly, near 0 when no better than chance.
 * small_ints_as_categories: 1 reads the small ints (gp_encode.h) as
 * categories, as the GP sampler with that option does; 0 as numbers.
 * *n_used receives how many trials it read. A pure function of those trials.
 * OTTO_OK, or an error code (out of memory, a failed fit) that the caller
 * may read as "no verdict". */
int otto__auto_gp_loo_rank(const otto_view *v, size_t n_use, int small_ints_as_categories,
                           double *rho, size_t *n_used);

/* The verdict of the auto sampler's encoding check on one set of trials. */
typedef struct otto__auto_ints_check {
    size_t m;              /* trials it read (the first m COMPLETE ones; 0: none yet) */
    uint64_t key;          /* a hash of their numbers: the check's whole input */
    int categorical;       /* 1: the small ints read better as categories */
    double rho_numbers;    /* leave-one-out rank correlation, ints as numbers */
    double rho_categories; /* the same, small ints as categories */
} otto__auto_ints_check;

/* A hash of the numbers of the view's first m COMPLETE trials with a
 * finite value (in the order they finished): the input of a check on them. */
uint64_t otto__auto_check_input(const otto_view *v, size_t m);
/* Runs the check on the first m COMPLETE trials: both leave-one-out rank
 * correlations (small ints as numbers, then as categories), and
 * categorical = rho_categories > rho_numbers + margin.
 * Returns an error code (then *out says categorical = 0) when either fit
 * fails. */
int otto__auto_ints_check_run(const otto_view *v, size_t m, double margin,
                              otto__auto_ints_check *out);

#endif /* OTTO_AUTO_MODEL_CHECK_H */
