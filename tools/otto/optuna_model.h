/* Optuna's studies as `otto import` reads them (from Optuna's RDB schema in
 * SQLite, or its JournalStorage file) before writing them to otto: one
 * model for both readers, holding what Optuna holds. */
#ifndef OTTO_CLI_OPTUNA_MODEL_H
#define OTTO_CLI_OPTUNA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "distribution_json.h"

typedef struct opt_attr {
    char *key;
    char *json; /* the value as Optuna's JSON text */
} opt_attr;

typedef struct opt_param {
    char *name;
    cli_dist dist;
    double internal; /* Optuna's internal repr: the value, or the choice index */
} opt_param;

typedef struct opt_trial {
    int64_t number;
    int state;              /* Optuna's TrialState: 0 RUNNING .. 4 WAITING */
    double t_start, t_end;  /* Unix seconds; NAN when Optuna has none */
    double *values;         /* n_values (NaN: Optuna stored none), or NULL */
    size_t n_values;
    opt_param *params;
    size_t n_params;
    int64_t *steps;         /* intermediate values */
    double *inter;
    size_t n_inter;
    opt_attr *user, *sys;
    size_t n_user, n_sys;
} opt_trial;

typedef struct opt_study {
    char *name;
    int *directions;        /* Optuna's StudyDirection: 0 NOT_SET, 1 MINIMIZE, 2 MAXIMIZE */
    size_t n_directions;
    opt_attr *user, *sys;
    size_t n_user, n_sys;
    opt_trial **trials;     /* in the order read; numbers as Optuna gave them */
    size_t n_trials;
    int deleted;
} opt_study;

typedef struct opt_source {
    opt_study **studies;
    size_t n;
    char *warning;          /* what was skipped (a torn journal tail), or NULL */
} opt_source;

/* Each returns 0, or 1 when out of memory. */
opt_study *opt_study_add(opt_source *src, const char *name);
opt_trial *opt_trial_add(opt_study *s);
int opt_attr_set(opt_attr **arr, size_t *n, const char *key, const char *json);
/* Sets (or replaces) a param; takes the distribution's labels. */
int opt_param_set(opt_trial *t, const char *name, cli_dist *d, double internal);
int opt_inter_set(opt_trial *t, int64_t step, double v);
int opt_values_set(opt_trial *t, const double *v, size_t n);
void opt_source_free(opt_source *src);

/* "YYYY-MM-DD[T ]HH:MM:SS[.ffffff]" (Optuna's naive local time) as Unix
 * seconds; 0, or 1 when it is not such a time. */
int opt_parse_time(const char *s, double *out);

/* Readers: 0, or 1 after printing why not (prefixed with what). */
int opt_read_journal(const char *path, opt_source *out);
int opt_read_sqlite(const char *path, opt_source *out);

#endif /* OTTO_CLI_OPTUNA_MODEL_H */
