/* NSGA's generations, kept where every worker sees them: each trial's
 * generation is a system attr set when it is first sampled, and the
 * parents of a generation are recomputed from the stored trials by
 * whichever worker needs them (deterministically, so workers agree). */
#ifndef OTTO_NSGA_GENERATION_H
#define OTTO_NSGA_GENERATION_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "otto/sys/sampler.h"

/* A generation's parent population: trial numbers, their minimized
 * objective values (n x m) and constraint violations. */
typedef struct otto__population {
    int ready;
    size_t n;
    int64_t *numbers;
    double *f;
    double *penalty;
    int constrained; /* some member has constraint values */
} otto__population;

typedef struct otto__generations {
    const char *key;        /* "NSGAIISampler:generation" or "NSGAIIISampler:generation" */
    size_t population_size;
    int nsga3;
    /* NSGA-III reference points: given (owned by the sampler), or Das-Dennis
     * points made when the number of objectives is first known */
    const double *ref_given;
    size_t n_ref_given, ref_dim_given, dividing_parameter;
    double *ref_made;
    size_t n_ref_made, m_made;
    const otto_allocator *a;
    /* what the last scan of the view found (see otto__generations_scan) */
    size_t seen;
    int64_t last_number;
    int64_t *gen_of;        /* by trial number: generation of a COMPLETE trial, else -1 */
    size_t *view_index;     /* by trial number: its index in the view */
    unsigned char *adopted; /* by trial number: 1 for a COMPLETE trial without a
                             * generation attr, counted in generation 0 */
    size_t cap;
    int64_t max_gen;
    size_t max_count;
    size_t m;               /* objectives of the populations below */
    otto__population *parents; /* by generation */
    size_t n_parents;
} otto__generations;

void otto__generations_free(otto__generations *g);

/* Bring the trial-number maps up to date with the view (the view's trials
 * are appended in finishing order: only new ones are read). */
int otto__generations_scan(otto__generations *g, const otto_view *v);

/* The generation of a trial being sampled: its system attr, or (set now)
 * the latest generation while it has fewer than population_size COMPLETE
 * trials, else the next one (Optuna's BaseGASampler; unlike it, COMPLETE
 * trials without the attr count in generation 0). Scan first. */
int otto__generations_of_trial(otto__generations *g, const otto_view *v, otto_trial *t,
                               int64_t *gen);

/* The parent population of generation gen >= 1 (empty for 0): the elite
 * selection over the previous generation's population (its population_size
 * lowest-numbered COMPLETE trials, and for generation 0 also every COMPLETE
 * trial without a generation attr) together with that generation's
 * parents. Computed once per generation; scan first. */
int otto__generations_parents(otto__generations *g, const otto_view *v, int64_t gen,
                              const otto__population **out);

/* The view's trial of a number (NULL when the view does not hold it). */
const otto_trial *otto__generations_trial(const otto__generations *g, const otto_view *v,
                                          int64_t number);

#endif /* OTTO_NSGA_GENERATION_H */
