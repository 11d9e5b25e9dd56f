/* The six crossovers of NSGA-II/III (Optuna's), on params in the shared
 * [0,1] working space. */
#ifndef OTTO_NSGA_CROSSOVER_H
#define OTTO_NSGA_CROSSOVER_H

#include <stddef.h>

#include "otto/nsga.h"
#include "otto/sys/sampler.h"

/* A crossover with its parameters resolved (no NaN defaults left, except
 * undx_sigma_eta and spx_epsilon, which depend on n and are resolved per
 * call). */
typedef struct otto__crossover {
    int kind; /* otto_nsga_crossover */
    double swapping_prob, blx_alpha, sbx_eta, sbx_uniform_crossover_prob,
        sbx_use_child_gene_prob, undx_sigma_xi, undx_sigma_eta, spx_epsilon;
} otto__crossover;

/* How many parents the crossover takes: 3 for UNDX and SPX, else 2. */
size_t otto__crossover_parents(int kind);

/* One child of n coordinates from the parents (row-major, n_parents x n,
 * coordinates in [0,1]) into child; the child may lie outside [0,1] (the
 * caller redraws). scratch holds 2n doubles. Randomness from r. */
void otto__crossover_child(const otto__crossover *x, const double *parents, size_t n,
                           otto_rng *r, double *child, double *scratch);

#endif /* OTTO_NSGA_CROSSOVER_H */
