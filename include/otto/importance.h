/* otto/importance.h: how much each parameter matters to the objective of a
 * study, as fANOVA (a random forest's variance decomposition) or PED-ANOVA
 * (how the best trials' params differ from the rest) measures it. */
#ifndef OTTO_IMPORTANCE_H
#define OTTO_IMPORTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "study.h"
#include "trial.h"

OTTO_BEGIN_DECLS

typedef enum otto_importance_evaluator {
    /* Hutter et al. 2014: a random forest of regression trees fitted to the
     * COMPLETE trials; a param's importance is the share of the forest's
     * variance that its main effect explains. Params of the intersection
     * search space (those in every COMPLETE trial, with one distribution). */
    OTTO_IMPORTANCE_FANOVA = 1,
    /* Watanabe et al. 2023 (and its conditional form, 2026): the Pearson
     * divergence between the distribution of a param in the top
     * target_quantile of trials and in the region_quantile of trials, on a
     * grid of 50 cells. Params of every COMPLETE trial; a param that only
     * some trials have is assessed within each of its regimes. */
    OTTO_IMPORTANCE_PED_ANOVA = 2
} otto_importance_evaluator;

/* The value importance is measured against, for a COMPLETE trial: write it to
 * *out and return 0; nonzero is an error (OTTO_ECALLBACK). Trials whose value
 * is not finite are left out, as trials with non-finite objectives are. */
typedef int (*otto_target_fn)(const otto_trial *t, void *user_data, double *out);

/* Options of otto_study_param_importances. Fill with
 * otto_importance_options_init, then edit; size-versioned. */
typedef struct otto_importance_options {
    size_t size;
    otto_importance_evaluator evaluator; /* default OTTO_IMPORTANCE_FANOVA */
    uint64_t seed;                 /* fANOVA's forest (default 0); OTTO_SEED_NONE: OS entropy */
    const char *const *params;     /* NULL (default): the evaluator's set; else these n_params */
    size_t n_params;
    otto_target_fn target;         /* NULL: the objective value (needed with several objectives) */
    void *target_user_data;
    int normalize;                 /* default 1: importances sum to 1 (all equal when all are 0) */
    size_t n_trees;                /* fANOVA: default 64 */
    size_t max_depth;              /* fANOVA: default 64 */
    double target_quantile;        /* PED-ANOVA: default 0.1 */
    double region_quantile;        /* PED-ANOVA: default 1.0 (0 < target < region <= 1) */
    int evaluate_on_local;         /* PED-ANOVA: default 1 (0: against a uniform distribution) */
} otto_importance_options;

OTTO_API void otto_importance_options_init_sized(otto_importance_options *o, size_t size);
#define otto_importance_options_init(o) otto_importance_options_init_sized((o), sizeof *(o))

typedef struct otto_param_importance {
    const char *name; /* lives in the result block */
    double importance;
} otto_param_importance;

/* Importance of each param of the study's COMPLETE trials, most important
 * first (ties by name). The result is one block, names included, from the
 * study's allocator (otto_study_allocator), as is all the work space: free
 * it with otto_param_importances_free, never free(). It may outlive the
 * study, not the allocator. o may be NULL (defaults).
 * Deterministic for a seed and a set of trials. With fewer than two usable
 * trials every param gets importance 0 (1/n when normalized). Errors:
 * OTTO_EINVAL for bad options or a study with several objectives and no
 * target; OTTO_ENOTFOUND for a named param that no COMPLETE trial has;
 * OTTO_EINVAL for named params whose distribution changes between trials
 * (fANOVA); OTTO_ECALLBACK when the target fails; OTTO_ERANGE when fANOVA's
 * encoded trials (trials x columns, one column per categorical choice) pass
 * 2^25 cells. The study may be in use
 * by other threads; trials finished later are not seen. */
OTTO_API int otto_study_param_importances(const otto_study *s,
                                          const otto_importance_options *o,
                                          otto_param_importance **out, size_t *n_out);
/* Free a result of otto_study_param_importances through the allocator it
 * came from; NULL is a no-op. */
OTTO_API void otto_param_importances_free(otto_param_importance *imp);

OTTO_END_DECLS

#endif /* OTTO_IMPORTANCE_H */
