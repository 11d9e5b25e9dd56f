/* Per-step running quantiles of the COMPLETE trials' intermediate values, for
 * the percentile pruner: for each step, two heaps split at the rank of the
 * quantile, so inserting is O(log n) and reading the quantile O(1). */
#ifndef OTTO_STEP_QUANTILES_H
#define OTTO_STEP_QUANTILES_H

#include "common/common.h"

typedef struct otto__heap {
    double *v;
    size_t n, cap;
} otto__heap;

typedef struct otto__quantile {
    otto__heap lower; /* max-heap: the values up to the quantile's rank */
    otto__heap upper; /* min-heap: the rest */
    size_t n_reported; /* NaN included, as Optuna counts them */
} otto__quantile;

typedef struct otto__step_quantiles {
    const otto_allocator *a; /* the study's */
    double q;           /* quantile in [0, 1] */
    int64_t *keys;      /* open addressing: step -> summary */
    otto__quantile *vals;
    size_t cap, n;
} otto__step_quantiles;

/* a: the study's allocator (otto_view_allocator), for everything it grows. */
void otto__sq_init(otto__step_quantiles *s, double q, const otto_allocator *a);
void otto__sq_free(otto__step_quantiles *s);
int otto__sq_add(otto__step_quantiles *s, int64_t step, double value);
/* The quantile of the values at step (NaN when none), and how many were
 * reported there (NaN included). */
double otto__sq_get(const otto__step_quantiles *s, int64_t step, size_t *n_reported);

#endif /* OTTO_STEP_QUANTILES_H */
