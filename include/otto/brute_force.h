/* otto/brute_force.h: the brute-force sampler (Optuna's BruteForceSampler),
 * which tries every combination of a finite define-by-run search space. */
#ifndef OTTO_BRUTE_FORCE_H
#define OTTO_BRUTE_FORCE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

typedef struct otto_brute_force_options {
    size_t size;
    uint64_t seed;            /* OTTO_SEED_NONE (default): the study's */
    int avoid_premature_stop; /* count running trials as unexplored (0), as Optuna's option */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_brute_force_options;

OTTO_API void otto_brute_force_options_init_sized(otto_brute_force_options *o, size_t size);
#define otto_brute_force_options_init(o) otto_brute_force_options_init_sized((o), sizeof *(o))
/* Each suggest picks a value whose subtree of the search tree (the params of
 * the trials so far, in suggestion order) still has unexplored combinations;
 * once none is left, any value. Every param needs a finite grid: int,
 * categorical, or float with a step (else the suggest is OTTO_ECALLBACK). */
OTTO_API int otto_sampler_brute_force_create(const otto_brute_force_options *o,
                                             otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_BRUTE_FORCE_H */
