/* otto/trial.h: one evaluation of the objective. Suggest parameters
 * (define-by-run), report intermediate values, read finished trials.
 *
 * Thread-safety: a RUNNING trial is used by one thread at a time (its owner);
 * other threads may read it concurrently through these accessors (they take
 * the study lock). A finished trial is immutable and may be read from any
 * thread without restriction. Trial handles stay valid, at the same address,
 * until their study is destroyed. */
#ifndef OTTO_TRIAL_H
#define OTTO_TRIAL_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "space.h"

OTTO_BEGIN_DECLS

typedef struct otto_trial otto_trial;

/* Trial states, numbered as Optuna numbers them. */
typedef enum otto_trial_state {
    OTTO_TRIAL_RUNNING = 0,
    OTTO_TRIAL_COMPLETE = 1,
    OTTO_TRIAL_PRUNED = 2,
    OTTO_TRIAL_FAIL = 3,
    OTTO_TRIAL_WAITING = 4
} otto_trial_state;

/* Name of a state ("COMPLETE"); never NULL. */
OTTO_API const char *otto_trial_state_name(otto_trial_state state);

/* --- suggesting parameters (owner thread, RUNNING trials only) ------------
 * Optuna semantics: a name suggested again in the same trial returns the first
 * value, even with another range; another kind, log flag or choice list for a
 * name already used in the study is OTTO_EDIST. Ranges may differ between
 * trials. low > high, non-finite bounds, log with low <= 0, step < 0, step
 * together with OTTO_LOG, an empty or NULL name, NULL out are OTTO_EINVAL.
 * A step that does not divide high - low lowers high onto the grid (warning).
 * Suggesting on a finished trial is OTTO_ESTATE. */

/* step 0 = continuous; flags OTTO_LOG or 0. */
OTTO_API int otto_trial_suggest_float(otto_trial *t, const char *name, double low,
                                      double high, double step, unsigned flags,
                                      double *out);
/* step >= 1 (0 is taken as 1); |low|, |high| <= 2^53. */
OTTO_API int otto_trial_suggest_int(otto_trial *t, const char *name, int64_t low,
                                    int64_t high, int64_t step, unsigned flags,
                                    int64_t *out);
/* choices: n_choices >= 1 non-NULL labels, all different. Writes the index of
 * the chosen label. */
OTTO_API int otto_trial_suggest_categorical(otto_trial *t, const char *name,
                                            const char *const *choices,
                                            size_t n_choices, size_t *out_index);

/* --- pruning ----------------------------------------------------------------- */

/* Report an intermediate objective value at a step (>= 0). Reporting a step
 * again keeps the first value, returns OTTO_OK and logs a warning (as Optuna
 * warns). NaN is stored (pruners treat it as Optuna does); after tell this is
 * OTTO_ESTATE. Single-objective studies only (OTTO_ESTATE otherwise). */
OTTO_API int otto_trial_report(otto_trial *t, int64_t step, double value);
/* Ask the study's pruner whether to stop this trial now: *out is 1 or 0. */
OTTO_API int otto_trial_should_prune(otto_trial *t, int *out);

/* --- attributes -------------------------------------------------------------- */

/* User attribute: key and value are copied; setting a key again replaces it. */
OTTO_API int otto_trial_set_user_attr(otto_trial *t, const char *key, const char *value);
/* Sampler-facing attribute (Optuna's system_attrs): for samplers that keep
 * per-trial data, such as a CMA-ES generation. Same rules as user attributes. */
OTTO_API int otto_trial_set_system_attr(otto_trial *t, const char *key, const char *value);
/* Constraints for constrained optimization: the trial is feasible when
 * every constraint value is <= 0. Both setters work on a RUNNING trial
 * before tell (a finished one is OTTO_ESTATE) and take finite values only
 * (NaN or +-inf is OTTO_EINVAL).
 *
 * otto_trial_set_constraints sets positional values (what Optuna 4's
 * constraints_func returns); setting them again replaces them all. */
OTTO_API int otto_trial_set_constraints(otto_trial *t, const double *values, size_t n);
/* One named value (Optuna 5's trial.set_constraint): key is non-empty
 * UTF-8; a key set again keeps its first value, logs a warning and returns
 * OTTO_OK, as Optuna ignores it with a warning. The trial's constraint vector,
 * which every sampler and otto_trial_constraints read, is the positional
 * values first (named "0", "1", ... as Optuna names them), then the named
 * values in the order first set; a named value whose key is a positional
 * index ("0") replaces that positional value in place (logged), as Optuna 5's
 * FrozenTrial.constraints does. So set_constraint("c", v) on each trial and
 * set_constraints(&v, 1) give samplers the same vector. */
OTTO_API int otto_trial_set_constraint(otto_trial *t, const char *key, double value);

/* --- reading ------------------------------------------------------------------ */

/* Trial number: 0, 1, 2, ... in ask order; -1 for NULL. */
OTTO_API int64_t otto_trial_number(const otto_trial *t);
/* Current state; OTTO_TRIAL_FAIL for NULL. */
OTTO_API otto_trial_state otto_trial_get_state(const otto_trial *t);

/* The objective value of a COMPLETE trial, or of a PRUNED trial that reported
 * (its last intermediate value). OTTO_ESTATE when there is none (RUNNING,
 * FAIL, PRUNED without reports) or the study has several objectives. */
OTTO_API int otto_trial_value(const otto_trial *t, double *out);
/* All objective values: writes min(n, count) values to out and the count to
 * *n_out (either may be NULL to query). OTTO_ESTATE when the trial has none. */
OTTO_API int otto_trial_values(const otto_trial *t, double *out, size_t n, size_t *n_out);

/* A parameter by name. param_float reads float and int params; param_int reads
 * int params; param_index reads categorical params. Missing names are
 * OTTO_ENOTFOUND; the wrong kind is OTTO_EDIST. */
OTTO_API int otto_trial_param_float(const otto_trial *t, const char *name, double *out);
OTTO_API int otto_trial_param_int(const otto_trial *t, const char *name, int64_t *out);
OTTO_API int otto_trial_param_index(const otto_trial *t, const char *name, size_t *out);
/* The label of a categorical param's value. */
OTTO_API int otto_trial_param_label(const otto_trial *t, const char *name, const char **out);

/* Params in the order they were suggested. */
OTTO_API size_t otto_trial_param_count(const otto_trial *t);
/* The i-th param: name, distribution, internal value (any output may be
 * NULL). OTTO_ERANGE when i >= count. */
OTTO_API int otto_trial_param_at(const otto_trial *t, size_t i, const char **name,
                                 otto_distribution *dist, double *internal_value);

/* Intermediate values in the order reported. */
OTTO_API size_t otto_trial_intermediate_count(const otto_trial *t);
OTTO_API int otto_trial_intermediate_at(const otto_trial *t, size_t i, int64_t *step,
                                        double *value);
/* The value reported at a step; OTTO_ENOTFOUND if that step was not reported. */
OTTO_API int otto_trial_intermediate_value(const otto_trial *t, int64_t step, double *out);

/* Attributes by key (OTTO_ENOTFOUND when absent), and listing. The strings
 * stay valid for the study's life once the trial is finished; on a RUNNING
 * trial, until its owner next sets that key. */
OTTO_API int otto_trial_user_attr(const otto_trial *t, const char *key, const char **value);
/* The value under key, or NULL when absent (or t or key is NULL); unlike
 * otto_trial_user_attr it leaves no error message, for callers that probe. */
OTTO_API const char *otto_trial_user_attr_find(const otto_trial *t, const char *key);
OTTO_API size_t otto_trial_user_attr_count(const otto_trial *t);
OTTO_API int otto_trial_user_attr_at(const otto_trial *t, size_t i, const char **key,
                                     const char **value);
OTTO_API int otto_trial_system_attr(const otto_trial *t, const char *key, const char **value);
OTTO_API const char *otto_trial_system_attr_find(const otto_trial *t, const char *key);
OTTO_API size_t otto_trial_system_attr_count(const otto_trial *t);
OTTO_API int otto_trial_system_attr_at(const otto_trial *t, size_t i, const char **key,
                                       const char **value);

/* The constraint vector (see otto_trial_set_constraint): as
 * otto_trial_values; OTTO_ENOTFOUND when none were set. */
OTTO_API int otto_trial_constraints(const otto_trial *t, double *out, size_t n, size_t *n_out);
/* The name of entry i of the constraint vector: the key given to
 * otto_trial_set_constraint, or NULL for a positional value (whose name in
 * Optuna is its index i). The string lives as long as the trial. OTTO_ERANGE
 * when i >= the count. */
OTTO_API int otto_trial_constraint_name(const otto_trial *t, size_t i, const char **name);

/* Wall-clock start and completion times, in seconds since the Unix epoch.
 * Completion of a RUNNING trial is OTTO_ESTATE. */
OTTO_API int otto_trial_datetime_start(const otto_trial *t, double *out);
OTTO_API int otto_trial_datetime_complete(const otto_trial *t, double *out);

OTTO_END_DECLS

#endif /* OTTO_TRIAL_H */
