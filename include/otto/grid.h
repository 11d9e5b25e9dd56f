/* otto/grid.h: the grid sampler, which runs every combination of given
 * param values (Optuna's GridSampler), each once across all workers. */
#ifndef OTTO_GRID_H
#define OTTO_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"
#include "study.h"

OTTO_BEGIN_DECLS

/* One param of the grid: its candidate values, each an otto_param_value as
 * for otto_study_enqueue_trial (its name is ignored): a number for float and
 * int params, a label for categorical ones, or both (OTTO_VALUE_ANY). */
typedef struct otto_grid_axis {
    const char *name;
    size_t n_values;
    const otto_param_value *values;
} otto_grid_axis;

typedef struct otto_grid_options {
    size_t size;
    uint64_t seed;              /* OTTO_SEED_NONE (default): the study's */
    size_t n_axes;
    const otto_grid_axis *axes; /* copied; names unique and non-empty */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_grid_options;

OTTO_API void otto_grid_options_init_sized(otto_grid_options *o, size_t size);
#define otto_grid_options_init(o) otto_grid_options_init_sized((o), sizeof *(o))
/* The grid is the product of the axes (sorted by name), visited in an order
 * shuffled by the seed: trial k < size takes grid point k of that order, so
 * every worker of a study takes distinct points; later trials (after
 * failures, or past the grid) take points no finished trial of this grid
 * holds, and only once all are finished repeat one. The point is recorded
 * in the trial's system attrs "grid_id" and "search_space". Suggesting a
 * param that is not an axis, or whose grid value lies outside its
 * distribution, is OTTO_ECALLBACK with a message. */
OTTO_API int otto_sampler_grid_create(const otto_grid_options *opts, otto_sampler **out);
/* The number of grid points of these options (their product), in *out:
 * run that many trials (n_trials) to visit each once. OTTO_ERANGE past
 * 2^53. */
OTTO_API int otto_grid_size(const otto_grid_options *opts, uint64_t *out);

OTTO_END_DECLS

#endif /* OTTO_GRID_H */
