/* otto/study.h: a study is one optimization run: it owns the trials, the
 * sampler and the pruner, and hands out trials through ask/tell or runs the
 * whole loop through otto_study_optimize.
 *
 * Thread-safety: every function here may be called from many threads at once
 * on the same study, except otto_study_destroy (no other call may be running). */
#ifndef OTTO_STUDY_H
#define OTTO_STUDY_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "export.h"
#include "pruner.h"
#include "sampler.h"
#include "space.h"
#include "status.h"
#include "storage.h"
#include "trial.h"

OTTO_BEGIN_DECLS

typedef struct otto_study otto_study;

typedef enum otto_direction {
    OTTO_MINIMIZE = 1,
    OTTO_MAXIMIZE = 2
} otto_direction;

/* Options of otto_study_create. Fill with otto_study_options_init, then edit.
 * create reads only the fields that the caller's `size` covers, so callers
 * compiled against an older header keep working. */
/* What otto_study_create does with a study name that its storage already has. */
typedef enum otto_open_mode {
    OTTO_OPEN_CREATE = 0,         /* a new study; an existing name is OTTO_EEXIST */
    OTTO_OPEN_LOAD_IF_EXISTS = 1, /* resume the study if it exists, else create it */
    OTTO_OPEN_LOAD = 2            /* resume an existing study; OTTO_ENOTFOUND if absent */
} otto_open_mode;

typedef struct otto_study_options {
    size_t size;
    otto_direction direction;        /* single objective (default minimize) */
    size_t n_objectives;             /* default 1; > 1 uses directions[] */
    const otto_direction *directions; /* n_objectives entries; copied */
    uint64_t seed;                   /* OTTO_SEED_NONE (default): OS entropy */
    otto_sampler *sampler;           /* NULL: the auto sampler; study owns it */
    otto_pruner *pruner;             /* NULL: no-op pruner; study owns it */
    const char *name;                /* NULL: "no-name"; copied */
    otto_log_fn log_fn;              /* NULL: silent */
    void *log_user_data;
    otto_log_level log_level;        /* minimum level passed on (WARNING) */
    const otto_allocator *allocator; /* NULL: libc; copied; see otto/alloc.h */
    otto_storage *storage;           /* NULL: in memory; the study takes a reference */
    otto_open_mode open_mode;        /* with a storage: create, resume or either */
    size_t prefetch;                 /* 0 (default): off; N: keep up to N relative
                                        samples computed ahead (see "Prefetched asks") */
    int prefetch_thread;             /* 1 (default): a worker thread the study owns
                                        computes them; 0: the host, by otto_study_work */
    size_t forget_window;            /* 0 (default): off; W: samplers and lib/insight
                                        see only the last W trials to finish (see
                                        "Forgetting"); this handle's, never stored */
} otto_study_options;

OTTO_API void otto_study_options_init_sized(otto_study_options *o, size_t size);
#define otto_study_options_init(o) otto_study_options_init_sized((o), sizeof *(o))

/* Create a study. It takes ownership of o->sampler and o->pruner, also when
 * creation fails. *out is NULL on failure. With a storage, the study is
 * created there (create-if-absent under the storage's lock, so workers that
 * start together make one study) or, per open_mode, loaded: its trials are
 * replayed, and a resumed study keeps its stored directions (options that
 * disagree are OTTO_EINVAL under LOAD_IF_EXISTS; LOAD ignores them). */
OTTO_API int otto_study_create(const otto_study_options *o, otto_study **out);
/* Destroy a study with all its trials, sampler and pruner; NULL is a no-op.
 * No other call on the study (or its trials) may be running. */
OTTO_API void otto_study_destroy(otto_study *s);

/* Replace the study's sampler (Optuna's `study.sampler = ...`), taking
 * ownership of the new one also on failure; the old one is destroyed. Later
 * asks use the new sampler, which learns from the whole history. No trial of
 * this handle may be running (OTTO_ESTATE), and no other call on the study
 * may run at the same time. */
OTTO_API int otto_study_set_sampler(otto_study *s, otto_sampler *sampler);

/* Start a new RUNNING trial, owned by the calling thread. Enqueued params, if
 * any, are used first. The handle stays valid for the study's life. With a
 * storage, trials written by other workers are read first and the new
 * trial's number is unique across all of them. */
OTTO_API int otto_study_ask(otto_study *s, otto_trial **out);
/* Ask and suggest every param of `space` up front (in order). */
OTTO_API int otto_study_ask_with(otto_study *s, const otto_space *space, otto_trial **out);

/* --- prefetched asks --------------------------------------------------------------
 * With otto_study_options.prefetch = N > 0, the expensive part of an ask (the
 * sampler's relative sample: the GP fit and acquisition, the TPE or CMA-ES
 * draw) is computed ahead, so that an ask on a frame-bound thread costs a
 * copy instead of a model fit:
 * - Each ask queues proposals for the next trial numbers, up to N ahead of
 *   the trial it returns, and ask takes the proposal made for its own trial
 *   number when it is ready (system attr "otto:prefetch" = "ready").
 * - When it is not ready (computing, or never queued: the first ask), ask
 *   does not wait: the trial's relative params come from a cheap fallback, a
 *   scrambled Sobol point of the relative search space (the QMC sampler's
 *   draw; "otto:prefetch" = "fallback"). Params outside the relative space
 *   are sampled independently at suggest time as without prefetch (TPE's
 *   independent draw; the GP's and CMA-ES's are cheap random or TPE draws).
 * - A proposal treats as pending points (constant liar, kriging believer)
 *   the trials running when it was queued, with their relative params, and
 *   the proposals queued before it that no ask had taken yet.
 * - The proposals are computed, one at a time and in trial-number order, by
 *   one worker thread that the study starts at its first ask and that
 *   otto_study_destroy stops and joins (after the sampler call in progress
 *   returns); with prefetch_thread = 0, by otto_study_work on the threads
 *   the host chooses (the sampler, and the log function for its messages,
 *   run there). Samplers without relative sampling (random, grid) ignore
 *   prefetch, and no thread starts.
 * - A proposal the sampler made (or was making) that no ask takes (its ask
 *   came first, or its number went to an added trial or another worker's)
 *   is closed with the sampler's after_trial as FAIL, on its own stand-in
 *   trial of that number; a trial asked here while its proposal was being
 *   made then gets no after_trial, so the sampler hears of each number
 *   once. A queued proposal not started yet is just dropped.
 *
 * Reproducibility: proposal k (for trial number k) is queued by the ask that
 * returns trial k - N (all of 1..N by the first ask) and is a function of the
 * seed, k (trial k's random stream) and the study as of that ask: the trials
 * finished then, the trials running then with their params, and proposals
 * k-N+1..k-1. When the worker computes it does not matter; whether ask k
 * finds it ready does (a fallback changes trial k and what later proposals
 * see), and with an owned thread that is timing. So, with a seed, a given N
 * and a given order of asks and tells, two runs give the same trials as
 * long as every ask after the first finds its proposal ready. With
 * prefetch_thread = 0 the host controls this: calling otto_study_work until
 * it reports no work before each ask makes every ask after the first take
 * a ready proposal, and a run then repeats trial for trial. */

/* Perform one unit of pending prefetch work on the calling thread: compute
 * the oldest queued proposal, or close one that no ask took. *did_work (may
 * be NULL) is 1 when it did something, 0 when there was nothing to do, the
 * study has no prefetch, or another thread (the study's worker, or another
 * otto_study_work) is doing a unit (units run one at a time). It may take as
 * long as one relative sample. Thread-safe: any thread, concurrently with
 * every call but otto_study_destroy. */
OTTO_API int otto_study_work(otto_study *s, int *did_work);
/* How many proposals are ready, starting with the next trial number this
 * handle would ask (0 when the next ask would fall back). Thread-safe. */
OTTO_API size_t otto_study_prefetch_ready(const otto_study *s);

/* Finish a trial. state: COMPLETE (values required, n_values = objectives),
 * PRUNED or FAIL (values must be NULL). A COMPLETE tell with a NaN value
 * returns OTTO_OK and marks the trial FAIL (warning logged); inf is valid. A
 * PRUNED trial takes its last intermediate value as its value. Telling a
 * finished trial again is OTTO_ESTATE. On OTTO_EINVAL the trial stays RUNNING,
 * so no result is lost to a fixable call. */
OTTO_API int otto_study_tell(otto_study *s, otto_trial *t, otto_trial_state state,
                             const double *values, size_t n_values);

/* Finish trial `number` (Optuna's study.tell(number) and `tell
 * --trial-number`), whichever handle or process asked it: a RUNNING trial
 * of another worker, read from the storage, is taken over by this handle
 * and told here (its asker's own tell then finds it finished). With a
 * storage, what other workers wrote is read first. OTTO_ENOTFOUND when no
 * trial has that number; otherwise as otto_study_tell. */
OTTO_API int otto_study_tell_number(otto_study *s, int64_t number, otto_trial_state state,
                                    const double *values, size_t n_values);

/* A fixed param for enqueue_trial. kind selects the field read: number for
 * float and int params; label for categorical params (matched against the
 * suggested choices); ANY gives both, and the suggested kind picks one (for
 * callers that do not know the param's kind when they enqueue). */
typedef enum otto_value_kind {
    OTTO_VALUE_NUMBER = 1,
    OTTO_VALUE_LABEL = 2,
    OTTO_VALUE_ANY = 3
} otto_value_kind;

typedef struct otto_param_value {
    const char *name;
    otto_value_kind kind;
    double number;
    const char *label;
} otto_param_value;

/* Queue a trial with fixed params; the next ask takes it (FIFO). Params not
 * listed are sampled as usual. A fixed value outside the suggested range is
 * used anyway, with a warning; a label that is not one of the suggested
 * choices, or a number where a categorical is suggested, is ignored with a
 * warning and the param sampled. A NaN number is accepted here and kept as
 * the label of Python's float('nan') (OTTO_LABEL_TYPED "f:nan"): the float or
 * int suggest that meets it returns OTTO_EINVAL ("`nan` is invalid value.")
 * and the trial stays RUNNING, as Optuna raises ValueError at suggest; a
 * categorical with that choice takes it. An infinite number is OTTO_EINVAL.
 * Everything is copied. */
OTTO_API int otto_study_enqueue_trial(otto_study *s, const otto_param_value *params,
                                      size_t n_params);

/* An enqueued trial not asked yet (Optuna's WAITING trial): its fixed params
 * and user attributes. */
typedef struct otto_waiting_trial {
    size_t n_params;
    otto_param_value *params;
    size_t n_user_attrs;
    char **user_keys;
    char **user_values;
} otto_waiting_trial;

/* A copy of the study's queue in the order asks take it (entry i goes to the
 * i-th ask from now, so it will be numbered otto_study_trial_count() + i
 * unless other workers ask first); with a storage, as of the last exchange
 * (call otto_study_sync first for the latest). Free it with
 * otto_study_waiting_free. *out is NULL when the queue is empty. */
OTTO_API int otto_study_waiting(otto_study *s, otto_waiting_trial **out, size_t *n_out);
OTTO_API void otto_study_waiting_free(const otto_study *s, otto_waiting_trial *w, size_t n);

/* Add an already evaluated trial (warm start): params are the internal values
 * of every param of `space`; state COMPLETE (with values), PRUNED or FAIL.
 * The new trial's number goes to *number_out (may be NULL). */
OTTO_API int otto_study_add_trial(otto_study *s, const otto_space *space,
                                  const double *internal_values, otto_trial_state state,
                                  const double *values, size_t n_values,
                                  int64_t *number_out);

/* What an added trial carries besides its params and values (Optuna's
 * create_trial fields): intermediate values (steps unique), user and system
 * attributes (UTF-8 keys and values), constraint values, and its start and
 * completion times (Unix seconds; 0, the default, is now). Fill with
 * otto_trial_extras_init, then set what applies; size-versioned. */
typedef struct otto_trial_extras {
    size_t size;
    size_t n_reports;
    const int64_t *steps;         /* >= 0 */
    const double *report_values;
    size_t n_user_attrs;
    const char *const *user_keys;
    const char *const *user_values;
    size_t n_system_attrs;
    const char *const *system_keys;
    const char *const *system_values;
    size_t n_constraints;
    const double *constraints;
    double datetime_start;        /* 0: now */
    double datetime_complete;     /* 0: now; ignored for a RUNNING trial */
} otto_trial_extras;

OTTO_API void otto_trial_extras_init_sized(otto_trial_extras *e, size_t size);
#define otto_trial_extras_init(e) otto_trial_extras_init_sized((e), sizeof *(e))
/* otto_study_add_trial with extras (NULL: none), all copied. state may also
 * be RUNNING (no values): a trial that runs elsewhere, as when a study is
 * migrated, which otto_study_tell_number finishes. A PRUNED trial takes its
 * last intermediate value (highest step, unless NaN) as its value, as tell
 * gives it. */
OTTO_API int otto_study_add_trial_with(otto_study *s, const otto_space *space,
                                       const double *internal_values, otto_trial_state state,
                                       const double *values, size_t n_values,
                                       const otto_trial_extras *extras, int64_t *number_out);

/* otto_study_enqueue_trial with the user attributes (extras->user_keys and
 * user_values; nothing else of extras may be set) that the trial taking the
 * entry gets when asked. */
OTTO_API int otto_study_enqueue_trial_with(otto_study *s, const otto_param_value *params,
                                           size_t n_params, const otto_trial_extras *extras);

/* --- study attributes ------------------------------------------------------------ */

/* Set a user attribute of the study (key non-empty; both copied). With a
 * storage it is stored, and other workers see it after their next ask or
 * sync. */
OTTO_API int otto_study_set_user_attr(otto_study *s, const char *key, const char *value);
/* The value of a study attribute (OTTO_ENOTFOUND if unset). Returned strings
 * stay valid until the study is destroyed, even if the attribute is set
 * again. */
OTTO_API int otto_study_user_attr(const otto_study *s, const char *key, const char **value);
OTTO_API size_t otto_study_user_attr_count(const otto_study *s);
/* Attribute i (0 .. count-1) in the order keys were first set. */
OTTO_API int otto_study_user_attr_at(const otto_study *s, size_t i, const char **key,
                                     const char **value);

/* --- reading ------------------------------------------------------------------- */

/* Exchange with the study's storage now: write the params this handle
 * queued (a running trial's params are written with its next report, attr
 * or tell, or the next ask or heartbeat), and read what other workers wrote
 * since (ask does this itself). OTTO_OK without a storage. */
OTTO_API int otto_study_sync(otto_study *s);

/* Number of trials asked or added so far (every state). 0 for NULL. */
OTTO_API size_t otto_study_trial_count(const otto_study *s);
/* Trial by number (0 .. count-1); OTTO_ENOTFOUND beyond. */
OTTO_API int otto_study_trial(const otto_study *s, int64_t number, const otto_trial **out);
/* Best COMPLETE trial of a single-objective study (the first one to reach the
 * best value). OTTO_ENOTFOUND when there is none; OTTO_ESTATE for a
 * multi-objective study (use otto_study_best_trials). */
OTTO_API int otto_study_best_trial(const otto_study *s, const otto_trial **out);
/* The Pareto front of COMPLETE trials (any number of objectives), by trial
 * number: writes min(cap, size) handles to out and the size to *n_out. */
OTTO_API int otto_study_best_trials(const otto_study *s, const otto_trial **out,
                                    size_t cap, size_t *n_out);
OTTO_API size_t otto_study_n_objectives(const otto_study *s);
OTTO_API otto_direction otto_study_direction(const otto_study *s, size_t k);
/* The study's name; never NULL. */
OTTO_API const char *otto_study_name(const otto_study *s);
/* The study's allocator: a copy of otto_study_options.allocator, or the C
 * library's hooks; valid while the study lives, NULL for NULL. For work done
 * on the study's behalf outside sampler callbacks (there it is
 * otto_view_allocator), as otto_study_param_importances does, and for a
 * sampler or pruner to be set on the study later (otto_study_set_sampler). */
OTTO_API const otto_allocator *otto_study_allocator(const otto_study *s);

/* --- the optimization loop ------------------------------------------------------- */

/* The objective: evaluate `t` (suggest, report, should_prune as needed), write
 * n_values values and return COMPLETE, PRUNED or FAIL. Any other return value
 * marks the trial FAIL (with a message in the system attr "fail_reason"). */
typedef otto_trial_state (*otto_objective_fn)(otto_trial *t, void *user_data,
                                              double *values_out, size_t n_values);
/* Called after each finished trial, from the thread that ran it, without any
 * lock held. Nonzero stops the loop (as otto_study_stop). */
typedef int (*otto_callback_fn)(otto_study *s, const otto_trial *t, void *user_data);

typedef struct otto_optimize_options {
    size_t size;
    int64_t n_trials;   /* trials to run; 0 (default) = until timeout or stop */
    double timeout_s;   /* 0 (default) = none; no new trial starts after it */
    int n_threads;      /* worker threads (default 1); -1 = online CPUs */
    otto_callback_fn callback;
    void *callback_user_data;
} otto_optimize_options;

OTTO_API void otto_optimize_options_init_sized(otto_optimize_options *o, size_t size);
#define otto_optimize_options_init(o) otto_optimize_options_init_sized((o), sizeof *(o))

/* Run the loop: each worker asks, calls f, tells. Returns OTTO_OK when it
 * ran out of trials or time, was stopped, or the sampler was exhausted (see
 * otto_study_exhausted), or the first error of ask/tell
 * (the other workers then stop after their current trial). n_trials 0 without
 * timeout runs until otto_study_stop or a callback stops it. */
OTTO_API int otto_study_optimize(otto_study *s, otto_objective_fn f, void *user_data,
                                 const otto_optimize_options *o);
/* Stop every otto_study_optimize running on the study: running trials finish,
 * no new ones start. Safe from any thread, callback or objective. */
OTTO_API void otto_study_stop(otto_study *s);
/* Whether the study's sampler has nothing left to propose: *exhausted is 1
 * once every point of a grid sampler, or every combination of a brute-force
 * sampler, has a finished trial (the sampler's is_exhausted callback, see
 * otto/sys/sampler.h), else 0; always 0 for samplers without an end.
 * otto_study_optimize asks after each tell and stops the loop when it is 1
 * (Optuna's optimize stops a GridSampler run the same way). It reads the
 * trials this handle knows: call otto_study_sync first to see other
 * workers' of a shared storage. */
OTTO_API int otto_study_exhausted(otto_study *s, int *exhausted);

OTTO_END_DECLS

#endif /* OTTO_STUDY_H */
