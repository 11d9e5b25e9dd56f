/* otto/space.h: parameter distributions and declared search spaces.
 *
 * Every parameter has an internal representation as a double: the value itself
 * for float and int parameters, the choice index for categorical ones. The
 * unit transform maps internal values to [0,1] (log parameters in log space,
 * int and step parameters as cells of equal width), the shared working space
 * of every sampler. */
#ifndef OTTO_SPACE_H
#define OTTO_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

OTTO_BEGIN_DECLS

/* Flag for suggest_float / suggest_int / space_add_*: sample on a log scale. */
#define OTTO_LOG 1u

/* Integer parameters are kept exactly in a double: |low|, |high| <= 2^53. */
#define OTTO_INT_LIMIT 9007199254740992.0

typedef enum otto_dist_kind {
    OTTO_DIST_FLOAT = 1,
    OTTO_DIST_INT = 2,
    OTTO_DIST_CATEGORICAL = 3
} otto_dist_kind;

/* A distribution. For float: low <= high, step 0 (continuous) or > 0. For int:
 * integral low <= high, step >= 1. For categorical: n_choices >= 1 labels
 * (kept for display and for matching enqueued values); low/high/step unused.
 * Distributions handed out by otto stay valid for the life of their study or
 * space. */
typedef struct otto_distribution {
    otto_dist_kind kind;
    unsigned flags; /* OTTO_LOG or 0 */
    double low;
    double high;
    double step;
    size_t n_choices;
    const char *const *choices;
} otto_distribution;

/* Categorical labels are text, shared by every program that opens a
 * stored study. A plain string choice is its own label. A label that starts
 * with OTTO_LABEL_TYPED (U+FDD0, a Unicode noncharacter that ordinary text
 * does not use) holds a typed value, so that Python's int, float, bool and
 * None choices stay what they are when a C program and a Python program
 * share a study. After the mark come a kind and a colon:
 *   "i:" decimal integer      "f:" float (Python repr: 0.1, nan, inf, -inf)
 *   "b:1" true, "b:0" false   "n:" none
 *   "s:" a string that itself starts with the mark (the rest, verbatim)
 *   "o:" another value, meaningful only to the process that wrote it
 * A C program that shares int choices 16 and 32 with Python passes
 * OTTO_LABEL_TYPED "i:16" and OTTO_LABEL_TYPED "i:32". See otto(7). */
#define OTTO_LABEL_TYPED "\xef\xb7\x90"

/* 1 if the internal value lies in the distribution (inside the range and, for
 * int and step params, on the grid up to rounding); 0 otherwise. */
OTTO_API int otto_distribution_contains(const otto_distribution *d, double internal);
/* 1 if a and b are the same distribution: kind, log flag, and the same
 * choices (by text) or the same low, high and step; 0 otherwise or for NULL. */
OTTO_API int otto_distribution_equal(const otto_distribution *a, const otto_distribution *b);

/* Internal value -> [0,1] working space. Log params map through log; int and
 * step params map the cell [v - step/2, v + step/2] around each grid point;
 * categorical index i maps to the centre of cell i of n. A distribution with a
 * single value maps to 0.5. */
OTTO_API double otto_distribution_to_unit(const otto_distribution *d, double internal);

/* [0,1] working space -> internal value, rounded onto the grid and clamped
 * into the range (u outside [0,1] is clamped first). */
OTTO_API double otto_distribution_from_unit(const otto_distribution *d, double u);

/* The internal value's working-space coordinate in *u, clamped into [0,1]
 * when within rounding of it; 0 (and *u untouched) when the value lies
 * outside d, as a trial evaluated under an older range may. */
OTTO_API int otto_distribution_unit_inside(const otto_distribution *d, double internal,
                                           double *u);

/* The number of values of an int or step grid, n_choices for a categorical,
 * 0 for a continuous float. */
OTTO_API double otto_distribution_grid_size(const otto_distribution *d);

/* A declared search space: an ordered list of named distributions, used by
 * otto_study_ask_with and handed to samplers as the relative search space.
 * A space is not thread-safe; share it read-only between threads. */
typedef struct otto_space otto_space;

/* Create an empty space (libc allocator). *out is NULL on failure. */
OTTO_API int otto_space_create(otto_space **out);
/* Destroy a space; NULL is a no-op. */
OTTO_API void otto_space_destroy(otto_space *space);

/* Add a parameter. Arguments are validated exactly as the matching
 * otto_trial_suggest_* validates them (OTTO_EINVAL with a message); a name
 * already in the space is OTTO_EINVAL. */
OTTO_API int otto_space_add_float(otto_space *space, const char *name, double low,
                                  double high, double step, unsigned flags);
OTTO_API int otto_space_add_int(otto_space *space, const char *name, int64_t low,
                                int64_t high, int64_t step, unsigned flags);
OTTO_API int otto_space_add_categorical(otto_space *space, const char *name,
                                        const char *const *choices, size_t n_choices);

/* Number of parameters; 0 for NULL. */
OTTO_API size_t otto_space_size(const otto_space *space);
/* The i-th parameter: its name and distribution (either output may be NULL).
 * Pointers stay valid while the space is not modified or destroyed. */
OTTO_API int otto_space_param(const otto_space *space, size_t i, const char **name,
                              otto_distribution *dist);
/* Index of a parameter by name; OTTO_ENOTFOUND when absent. */
OTTO_API int otto_space_find(const otto_space *space, const char *name, size_t *index);

OTTO_END_DECLS

#endif /* OTTO_SPACE_H */
