/* otto/pruner.h: the pruner handle a study owns and the built-in pruners.
 * A pruner decides from a trial's intermediate values, and the finished trials
 * in the view, whether to stop the trial early. Writing one is the plug-in
 * kit's business (otto/sys/pruner.h). */
#ifndef OTTO_PRUNER_H
#define OTTO_PRUNER_H

#include <stddef.h>

#include "alloc.h"
#include "export.h"
#include "trial.h"

OTTO_BEGIN_DECLS

typedef struct otto_pruner otto_pruner;

OTTO_API void otto_pruner_destroy(otto_pruner *p);
OTTO_API const char *otto_pruner_name(const otto_pruner *p);

/* Never prunes (the default when a study gets no pruner; the study makes it
 * with its own allocator). The handle comes from the C library's malloc, or
 * with _with from `allocator` (copied; NULL: the C library's). */
OTTO_API int otto_pruner_nop_create(otto_pruner **out);
OTTO_API int otto_pruner_nop_create_with(const otto_allocator *allocator, otto_pruner **out);

/* --- built-in pruners (Optuna's names, parameters and defaults) --------------
 * Every *_create takes options that may be NULL for the defaults, validates
 * them (OTTO_EINVAL) and writes the new pruner to *out.
 *
 * Allocation: the pruner's handle and state come from the options'
 * `allocator` (the last field; NULL, the default: the C library's), copied,
 * and otto_pruner_destroy frees them with it, so it must outlive the
 * pruner. A study does not move a pruner made without one onto its own
 * allocator; what a pruner grows while a study runs, and its per-call work,
 * comes from the study's allocator either way. An allocator without all
 * three functions is OTTO_EINVAL. */

/* Percentile / median: prune when the trial's best intermediate value is
 * worse than the given percentile of the COMPLETE trials' values at the same
 * step. Per-step order statistics are kept incrementally, so a check costs
 * O(log n) whatever the history. */
typedef struct otto_percentile_options {
    size_t size;
    double percentile;        /* 0..100, kept fraction (median: 50) */
    int64_t n_startup_trials; /* no pruning before this many COMPLETE trials (5) */
    int64_t n_warmup_steps;   /* no pruning before this step (0) */
    int64_t interval_steps;   /* check at most once per this many steps (1) */
    int64_t n_min_trials;     /* values needed at a step to judge (1) */
    const otto_allocator *allocator; /* handle and state (NULL: libc) */
} otto_percentile_options;

OTTO_API void otto_percentile_options_init_sized(otto_percentile_options *o, size_t size);
#define otto_percentile_options_init(o) otto_percentile_options_init_sized((o), sizeof *(o))
OTTO_API int otto_pruner_percentile_create(const otto_percentile_options *o, otto_pruner **out);
/* The percentile pruner at 50 (o->percentile is ignored). */
OTTO_API int otto_pruner_median_create(const otto_percentile_options *o, otto_pruner **out);

/* Asynchronous successive halving (ASHA): at steps min_resource *
 * reduction_factor^(min_early_stopping_rate + rung) a trial is kept only if
 * its value is in the top 1/reduction_factor of all values recorded at that
 * rung. */
typedef struct otto_successive_halving_options {
    size_t size;
    int64_t min_resource;            /* 0 = "auto": max last step of COMPLETE trials / 100 */
    int64_t reduction_factor;        /* >= 2 (4) */
    int64_t min_early_stopping_rate; /* >= 0 (0) */
    int64_t bootstrap_count;         /* >= 0: prune until this many values at a rung (0) */
    const otto_allocator *allocator; /* handle and state (NULL: libc) */
} otto_successive_halving_options;

OTTO_API void otto_successive_halving_options_init_sized(otto_successive_halving_options *o,
                                                         size_t size);
#define otto_successive_halving_options_init(o) \
    otto_successive_halving_options_init_sized((o), sizeof *(o))
OTTO_API int otto_pruner_successive_halving_create(const otto_successive_halving_options *o,
                                                   otto_pruner **out);

/* Hyperband: several successive-halving brackets with different early-stopping
 * rates; each trial belongs to one bracket (a deterministic function of its
 * number, weighted as in the Hyperband paper), and the sampler sees only the
 * trials of the same bracket. */
typedef struct otto_hyperband_options {
    size_t size;
    int64_t min_resource;     /* >= 1 (1) */
    int64_t max_resource;     /* 0 = "auto": last step + 1 of the first COMPLETE trials */
    int64_t reduction_factor; /* >= 2 (3) */
    int64_t bootstrap_count;  /* >= 0 (0); needs a fixed max_resource when > 0 */
    const otto_allocator *allocator; /* handle and state (NULL: libc) */
} otto_hyperband_options;

OTTO_API void otto_hyperband_options_init_sized(otto_hyperband_options *o, size_t size);
#define otto_hyperband_options_init(o) otto_hyperband_options_init_sized((o), sizeof *(o))
OTTO_API int otto_pruner_hyperband_create(const otto_hyperband_options *o, otto_pruner **out);

/* Threshold: prune when the value at the last step is below lower, above
 * upper, or NaN. */
typedef struct otto_threshold_options {
    size_t size;
    double lower;           /* -inf: none */
    double upper;           /* +inf: none */
    int64_t n_warmup_steps; /* (0) */
    int64_t interval_steps; /* (1) */
    const otto_allocator *allocator; /* handle and state (NULL: libc) */
} otto_threshold_options;

OTTO_API void otto_threshold_options_init_sized(otto_threshold_options *o, size_t size);
#define otto_threshold_options_init(o) otto_threshold_options_init_sized((o), sizeof *(o))
OTTO_API int otto_pruner_threshold_create(const otto_threshold_options *o, otto_pruner **out);

/* Wilcoxon (Optuna's WilcoxonPruner), for objectives that average scores
 * over a set of instances reported one per step (the step is the instance
 * id, in any order): prune when a one-sided Wilcoxon signed-rank test on the
 * steps the trial shares with the best trial says the trial is worse with
 * p < p_threshold, unless the trial's average is still at least as good as
 * the best trial's. */
typedef struct otto_wilcoxon_options {
    size_t size;
    double p_threshold;      /* in [0, 1] (0.1) */
    int64_t n_startup_steps; /* >= 0 (2): shared steps needed before pruning (at least 2) */
    const otto_allocator *allocator; /* handle and state (NULL: libc) */
} otto_wilcoxon_options;

OTTO_API void otto_wilcoxon_options_init_sized(otto_wilcoxon_options *o, size_t size);
#define otto_wilcoxon_options_init(o) otto_wilcoxon_options_init_sized((o), sizeof *(o))
OTTO_API int otto_pruner_wilcoxon_create(const otto_wilcoxon_options *o, otto_pruner **out);

/* Patient: defer to `wrapped` (NULL: prune) only once the best value of the
 * trial's last patience + 1 steps is worse than its best value before them by
 * more than min_delta (Optuna's rule). Takes ownership of `wrapped`, also on
 * failure. Its handle and state come from the C library's malloc, or with
 * _with from `allocator` (copied; NULL: the C library's). */
OTTO_API int otto_pruner_patient_create(otto_pruner *wrapped, int64_t patience, double min_delta,
                                        otto_pruner **out);
OTTO_API int otto_pruner_patient_create_with(otto_pruner *wrapped, int64_t patience,
                                             double min_delta, const otto_allocator *allocator,
                                             otto_pruner **out);

OTTO_END_DECLS

#endif /* OTTO_PRUNER_H */
