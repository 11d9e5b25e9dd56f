/* otto/sys/sampler.h: the plug-in kit for samplers (in the way libgit2
 * keeps include/git2/sys/): the vtable, the read-only history view, per-trial
 * random streams, parameter keys, and the study's allocator and log. otto's
 * own samplers reach the study through this header and nothing else of
 * core's insides (tests/abi/check_symbols.py checks it), so a sampler
 * written outside the library can do everything a built-in one does. Beyond
 * the kit, built-ins use only conveniences below core that a plug-in has its
 * own ways to do: lib/common's allocation wrappers (the kit's allocator),
 * error messages (otto_set_error_message) and sized-options copying, and the
 * numeric and linear-algebra code.
 *
 * A sampler proposes internal values. Relative sampling draws the params of
 * the relative search space jointly when a trial is asked; every param outside
 * it is drawn one at a time by sample_independent when suggested. otto calls
 * sampler functions without holding any lock, possibly from several threads
 * at once (one per asking thread): a sampler with mutable state locks it. */
#ifndef OTTO_SYS_SAMPLER_H
#define OTTO_SYS_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "../alloc.h"
#include "../export.h"
#include "../sampler.h"
#include "../space.h"
#include "../status.h"
#include "../study.h"
#include "../trial.h"

OTTO_BEGIN_DECLS

/* --- the history view ----------------------------------------------------------
 * A consistent snapshot of the study's finished trials (COMPLETE, PRUNED and
 * FAIL, in the order they finished) taken when the view was made. Its trials
 * are immutable, so a sampler may read them without locks. A pruner may filter
 * a sampler's view (for example to one Hyperband bracket). Views are valid only
 * during the callback they are passed to.
 *
 * Forgetting: with otto_study_options.forget_window = W, a sampler's view
 * (every callback of the vtable below) holds only the last W trials to
 * finish, then the pruner's filter applies to those; the intersection search
 * space is that of the window's COMPLETE trials. A sampler needs nothing to
 * forget: what it reads is the window. A pruner's prune callback and
 * is_exhausted see every finished trial. So the view of one ask is not
 * always the view of the last ask plus new trials (the window slides, a
 * filter picks another subset): a sampler that keeps state by view index
 * checks that the trials at those indices are still the same (as TPE's
 * caches do). */
typedef struct otto_view otto_view;

OTTO_API size_t otto_view_count(const otto_view *v);
/* The i-th finished trial (0 <= i < count), or NULL when i is out of range. */
OTTO_API const otto_trial *otto_view_trial(const otto_view *v, size_t i);
/* 1 for a trial samplers learn from: COMPLETE, or PRUNED (its value is its
 * last report); 0 for FAIL, RUNNING, WAITING or NULL. */
static inline int otto_trial_is_learnable(const otto_trial *t)
{
    otto_trial_state st = otto_trial_get_state(t);
    return st == OTTO_TRIAL_COMPLETE || st == OTTO_TRIAL_PRUNED;
}
OTTO_API size_t otto_view_n_objectives(const otto_view *v);
/* 1 when objective k is maximized, 0 when minimized. */
OTTO_API int otto_view_maximize(const otto_view *v, size_t k);
/* 1 when objective values a Pareto-dominate b in the view's study (no worse
 * in every objective, strictly better in one); 0 otherwise or for NULL. */
OTTO_API int otto_view_dominates(const otto_view *v, const double *a, const double *b);
/* Snapshot of the trials RUNNING when called, other than the one being
 * sampled (for constant liar / pending points). The array and its trials are
 * frozen copies owned by the view; they hold number, params and intermediate
 * values. */
OTTO_API int otto_view_running(const otto_view *v, const otto_trial *const **out,
                               size_t *n_out);
/* A view of the study's finished trials as its sampler sees them (the
 * forgetting window applied; no pruner filter, no asking trial; the
 * intersection search space is not computed: otto_view_intersection gives
 * 0), for code that models a study's history outside a sampler callback,
 * such as recommend, compare and should_stop. Valid until
 * otto_view_destroy, which must come before otto_study_destroy.
 * Thread-safe. */
OTTO_API int otto_study_view(const otto_study *s, otto_view **out);
/* Free a view from otto_study_view; NULL is a no-op. Never for a view a
 * callback was passed. */
OTTO_API void otto_view_destroy(otto_view *v);

/* --- per-trial random streams -------------------------------------------------
 * Each trial owns a stream derived from (seed, trial number): the sampler's
 * seed if set, else the study's. Only the trial's owner thread draws from it,
 * so seeded serial runs are reproducible draw for draw. */
typedef struct otto_rng otto_rng;

/* The trial's stream, for use inside sampler callbacks. NULL for a finished
 * trial or a frozen copy. */
OTTO_API otto_rng *otto_trial_rng(otto_trial *t);
/* A NULL stream is not a crash: the draws below return NaN (uniform,
 * normal) or 0 (below, next) and set otto_last_error_message. */
/* Uniform double in [0, 1). */
OTTO_API double otto_rng_uniform(otto_rng *r);
/* Standard normal double. */
OTTO_API double otto_rng_normal(otto_rng *r);
/* Uniform integer in [0, n); 0 when n == 0. */
OTTO_API uint64_t otto_rng_below(otto_rng *r, uint64_t n);
/* Raw 64 random bits. */
OTTO_API uint64_t otto_rng_next(otto_rng *r);

/* --- what a plug-in reads of the study ---------------------------------------
 * A study interns every (name, distribution) pair it sees: a parameter key.
 * Keys stay valid, at the same address, for the life of the study, so a
 * sampler may cache by key pointer; two keys of one name (ranges that
 * changed between trials) share a name id. */
typedef struct otto_param_key otto_param_key;

/* The i-th parameter of a trial (in suggestion order) and its internal
 * value (*value may be NULL); NULL when i is out of range. */
OTTO_API const otto_param_key *otto_trial_param_key(const otto_trial *t, size_t i,
                                                    double *value);
/* The parameter of t with the name of `like` (any distribution), trying
 * index `hint` first (trials of one space list params in one order); its key
 * and internal value, or NULL when t has no such parameter. */
OTTO_API const otto_param_key *otto_trial_param_like(const otto_trial *t,
                                                     const otto_param_key *like, size_t hint,
                                                     double *value);
/* The study's key of (name, dist), as sample_independent receives them;
 * NULL when the study knows the name with an incompatible distribution (or
 * out of memory). */
OTTO_API const otto_param_key *otto_view_param_key(const otto_view *v, const char *name,
                                                   const otto_distribution *dist);
/* The parameter of t named `name`: its key and internal value, or NULL. */
OTTO_API const otto_param_key *otto_trial_param_find(const otto_trial *t, const char *name,
                                                     double *value);
OTTO_API const char *otto_param_key_name(const otto_param_key *k);
OTTO_API const otto_distribution *otto_param_key_distribution(const otto_param_key *k);
/* Equal for keys of the same name in one study. */
OTTO_API const void *otto_param_key_name_id(const otto_param_key *k);
/* The key of param i of a space the study built (the relative search space
 * handed to sample_relative); NULL for a space built by otto_space_create. */
OTTO_API const otto_param_key *otto_space_param_key(const otto_space *sp, size_t i);
/* Objective value k of a finished trial (no copy); NaN when it has none. */
OTTO_API double otto_trial_objective(const otto_trial *t, size_t k);
/* A trial's intermediate values in step order, without copying or
 * locking: for a finished trial, or for the trial a callback was called
 * with (its owner's thread is the one running the callback, so it cannot
 * report meanwhile). *n receives the count. */
typedef struct otto_report {
    int64_t step;
    double value;
} otto_report;
OTTO_API const otto_report *otto_trial_reports(const otto_trial *t, size_t *n);
/* How many constraint values the trial has (0: none set), and value i (NaN
 * out of range), without copying. */
OTTO_API size_t otto_trial_constraint_count(const otto_trial *t);
OTTO_API double otto_trial_constraint(const otto_trial *t, size_t i);
/* The intersection of the params of the view's COMPLETE trials (Optuna's
 * IntersectionSearchSpace, the default relative search space), in the order
 * of the first: writes the keys to *keys (valid during the callback) and
 * returns how many. */
OTTO_API size_t otto_view_intersection(const otto_view *v, const otto_param_key *const **keys);
/* Append a study's key to a relative search space (in infer_relative_space);
 * it is passed through as is, without copying. */
OTTO_API int otto_space_add_key(otto_space *sp, const otto_param_key *key);

/* The study's allocator: plug-in state that lives as long as the study
 * belongs there (see otto_study_options.allocator). */
OTTO_API const otto_allocator *otto_view_allocator(const otto_view *v);
/* The seed the study's trial streams come from (the sampler's, else the
 * study's): for plug-ins that draw outside a trial's stream. */
OTTO_API uint64_t otto_view_seed(const otto_view *v);
/* Log through the study's log function (never while an otto lock is held:
 * plug-in callbacks run without one). */
OTTO_API void otto_view_log(const otto_view *v, otto_log_level level, const char *fmt, ...)
    OTTO_PRINTF(3, 4);

/* --- plug-in vtable ------------------------------------------------------------
 * Grows only at the end; set size = sizeof(otto_sampler_vtable). Callbacks
 * return OTTO_OK or a negative otto status; an error fails the ask or suggest
 * that triggered it with that code (the sampler should set a message through
 * otto_set_error_message). */
typedef struct otto_sampler_vtable {
    size_t size;
    const char *name;
    /* Optional. Fill `space` (empty on entry) with the relative search space
     * for `trial`. Without it otto uses the intersection of the params of all
     * COMPLETE trials in the view (Optuna's IntersectionSearchSpace). */
    int (*infer_relative_space)(void *state, const otto_view *view,
                                const otto_trial *trial, otto_space *space);
    /* Optional. Write one internal value per param of `space` (in order) to
     * `out`. Called when a trial is asked, only with a non-empty space.
     * NaN for a param leaves it to sample_independent; OTTO_ENOTSUP declines
     * them all quietly; any other error is logged and they are all sampled
     * independently. */
    int (*sample_relative)(void *state, const otto_view *view, otto_trial *trial,
                           const otto_space *space, double *out);
    /* Required. Write an internal value inside `dist` to *out. */
    int (*sample_independent)(void *state, const otto_view *view, otto_trial *trial,
                              const char *name, const otto_distribution *dist,
                              double *out);
    /* Optional. Called once when a trial is told, before it is finished, with
     * the state it will get (values NULL unless COMPLETE). */
    void (*after_trial)(void *state, const otto_view *view, otto_trial *trial,
                        otto_trial_state final_state, const double *values,
                        size_t n_values);
    /* Optional. Free `state`. */
    void (*destroy)(void *state);
    /* Optional, and absent from vtables whose size ends before it (built
     * against an older header). Set *exhausted to 1 when the sampler has nothing left to
     * propose in the view's study (every grid point or combination has a
     * finished trial), else 0. otto_study_optimize asks after every tell
     * and stops once it is 1, as Optuna's optimize stops a GridSampler run;
     * otto_study_exhausted asks on demand. The view holds the finished
     * trials; otto_view_running gives the running ones. */
    int (*is_exhausted)(void *state, const otto_view *view, int *exhausted);
} otto_sampler_vtable;

/* Wrap a vtable and its state into a sampler. The vtable must outlive the
 * sampler. The sampler takes ownership of `state` (vtable->destroy frees it),
 * also when this call fails. seed: OTTO_SEED_NONE to use the study's. The
 * handle comes from the C library's malloc. */
OTTO_API int otto_sampler_create(const otto_sampler_vtable *vtable, void *state,
                                 uint64_t seed, otto_sampler **out);
/* The same, with the handle from `allocator` (copied; NULL: the C
 * library's), which otto_sampler_destroy frees it with: the allocator must
 * outlive the sampler. OTTO_EINVAL when it lacks one of its functions.
 * `state` is the plug-in's own: allocate it as it likes (the built-ins take
 * it from the same allocator). Giving the study's allocator here makes
 * everything the study owns come from it. */
OTTO_API int otto_sampler_create_with(const otto_sampler_vtable *vtable, void *state,
                                      uint64_t seed, const otto_allocator *allocator,
                                      otto_sampler **out);

/* Consult another sampler, as the study would call it: for composite
 * samplers (like the auto sampler) that hand an ask to samplers they own.
 * Without an infer_relative_space callback the space is the view's
 * intersection; without sample_relative that call is OTTO_ENOTSUP; without
 * after_trial that call does nothing. */
OTTO_API int otto_sampler_infer_relative_space(const otto_sampler *s, const otto_view *v,
                                               const otto_trial *t, otto_space *space);
OTTO_API int otto_sampler_sample_relative(const otto_sampler *s, const otto_view *v,
                                          otto_trial *t, const otto_space *space, double *out);
OTTO_API int otto_sampler_sample_independent(const otto_sampler *s, const otto_view *v,
                                             otto_trial *t, const char *name,
                                             const otto_distribution *dist, double *out);
OTTO_API void otto_sampler_after_trial(const otto_sampler *s, const otto_view *v,
                                       otto_trial *t, otto_trial_state state,
                                       const double *values, size_t n_values);
/* The sampler's is_exhausted verdict on the view, in *exhausted; 0 (never
 * exhausted) for a sampler without that callback. */
OTTO_API int otto_sampler_is_exhausted(const otto_sampler *s, const otto_view *v,
                                       int *exhausted);

/* Set the calling thread's error message (otto_last_error_message) from a
 * sampler or pruner callback, printf-style. Returns code, for
 * `return otto_set_error_message(OTTO_ENUMERIC, "...")`. */
OTTO_API int otto_set_error_message(int code, const char *fmt, ...)
    OTTO_PRINTF(2, 3);

OTTO_END_DECLS

#endif /* OTTO_SYS_SAMPLER_H */
