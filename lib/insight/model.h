/* The study as lib/insight's models read it (model.c): its usable trials,
 * their intersection search space encoded as the GP sampler encodes it, a GP
 * fitted to some of them, and replicate statistics (replicates.c). */
#ifndef OTTO_INSIGHT_MODEL_H
#define OTTO_INSIGHT_MODEL_H

#include <stddef.h>

#include "common/common.h"
#include "samplers/gp/gp_model.h"

/* The usable trials (COMPLETE, finite value) in number order, among those the
 * study's sampler sees: with otto_study_options.forget_window, only the last
 * trials to finish. Every function here reads only this. */
typedef struct otto__insight_data {
    otto_allocator alloc;       /* working memory of one call (the C library's) */
    int maximize;
    size_t n;
    const otto_trial **trial;   /* n */
    double *loss;               /* n values oriented so that lower is better */
    size_t d;                   /* the intersection search space */
    const char **name;          /* d, owned by the study */
    otto_distribution *dist;    /* d, choices owned by the study */
    unsigned char *cat;         /* d: 1 for a categorical (Hamming) coordinate */
    double *x;                  /* n x d coordinates, row-major */
    size_t n_configs;           /* distinct rows of x */
} otto__insight_data;

/* Read s (fn names the caller in messages): OTTO_ESTATE for several
 * objectives; a study without usable trials gives n == 0. */
int otto__insight_gather(const otto_study *s, const char *fn, otto__insight_data *data);
void otto__insight_data_free(otto__insight_data *data);
/* Index of trial t among the usable trials, or SIZE_MAX. */
size_t otto__insight_find(const otto__insight_data *data, const otto_trial *t);

/* A GP fitted to rows of the data; predictions are standardized losses. */
typedef struct otto__insight_gp {
    otto__gp gp;
    double y_mean, y_sd;        /* loss = y_mean + y_sd * standardized */
    double *work;               /* 2 * n_rows */
} otto__insight_gp;

/* Fit to the given rows (NULL: all n) by MAP from two starts (the
 * defaults, and a noisy start), keeping the better; max_evals bounds each.
 * OTTO_ENUMERIC when neither fit gives a positive definite covariance. */
int otto__insight_gp_fit(const otto__insight_data *data, const size_t *rows, size_t n_rows,
                         size_t max_evals, otto__insight_gp *m);
void otto__insight_gp_free(otto__insight_gp *m);

/* Usable trials grouped by identical params (every param, not only the
 * intersection's): one group per configuration. */
typedef struct otto__replicates {
    size_t n_groups;
    size_t *group;              /* n: the group of each usable trial */
    size_t *first;              /* per group: its first trial (index into data) */
    size_t *count;              /* per group */
    double *mean;               /* per group: mean loss */
    double *m2;                 /* per group: sum of squared deviations from the mean */
    double pooled_var;          /* within-group variance pooled over groups of >= 2; NaN if none */
    size_t pooled_df;           /* its degrees of freedom: sum of (count - 1) */
} otto__replicates;

int otto__replicates_build(const otto__insight_data *data, otto__replicates *r);
void otto__replicates_free(const otto__insight_data *data, otto__replicates *r);
/* 1 when trials a and b have identical params. */
int otto__insight_same_params(const otto_trial *a, const otto_trial *b);

/* The model options of recommend and compare: defaults overlaid with
 * `opts` (may be NULL) and checked (OTTO_EINVAL). */
int otto__insight_recommend_options(const otto_recommend_options *opts,
                                    otto_recommend_options *o, const char *fn);
/* Fit the GP where the options and data allow it (recommend.c): *have_gp 1
 * with m fitted, or 0 for replicate statistics; OTTO_ESTATE when o->model
 * asks for a GP that cannot be had. */
int otto__insight_choose(const otto__insight_data *data, const otto_recommend_options *o,
                         const char *fn, otto__insight_gp *m, int *have_gp);

/* A configuration's hash and its trial's index: sorting by (h, i) groups
 * identical configurations in trial order (model.c and replicates.c). */
typedef struct otto__keyed {
    uint64_t h;
    size_t i;
} otto__keyed;
int otto__keyed_cmp(const void *a, const void *b);

#endif /* OTTO_INSIGHT_MODEL_H */
