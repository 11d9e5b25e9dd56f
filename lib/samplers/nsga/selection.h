/* Elite population selection of NSGA-II (crowding distance) and NSGA-III
 * (reference-point niching): which `keep` of a pool of evaluated points
 * survive as the next generation's parents. Objectives are minimized. */
#ifndef OTTO_NSGA_SELECTION_H
#define OTTO_NSGA_SELECTION_H

#include <stddef.h>

#include "common/common.h"

/* Fill out[0..keep) with indices of the n points (f: n x m, row-major;
 * penalty NULL or n constraint violations) that survive: whole fronts of
 * the (constrained) non-dominated sort while they fit, then the most
 * crowding-distant members of the next front (Deb et al. 2002, as Optuna's
 * NSGAIIElitePopulationSelectionStrategy). keep <= n. */
int otto__select_nsga2(const double *f, size_t n, size_t m, const double *penalty, size_t keep,
                       const otto_allocator *a, size_t *out);

/* The same with NSGA-III's niching for the front that does not fit (Deb
 * and Jain 2014, as Optuna's NSGAIIIElitePopulationSelectionStrategy):
 * objectives clipped, translated to the ideal point and scaled by the
 * intercepts of the extreme points' hyperplane; each point associated with
 * the nearest of the n_ref reference lines (ref: n_ref x m); members picked
 * for the least crowded references, the nearest one for an empty niche,
 * else at random (from r). */
int otto__select_nsga3(const double *f, size_t n, size_t m, const double *penalty,
                       const double *ref, size_t n_ref, otto_rng *r, size_t keep,
                       const otto_allocator *a, size_t *out);

/* Das and Dennis's reference points as Optuna makes them: every vector of
 * m non-negative integers summing to p (combinations with replacement),
 * row-major into *out (allocated from a); their count in *n_out. */
int otto__das_dennis(size_t m, size_t p, const otto_allocator *a, double **out, size_t *n_out);

#endif /* OTTO_NSGA_SELECTION_H */
