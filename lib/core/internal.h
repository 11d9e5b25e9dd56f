/* Private structures of the otto core: studies, trials, interned names,
 * views, spaces. Never installed. Internal non-static symbols are named
 * otto__*; what every layer shares is in common/common.h. */
#ifndef OTTO_INTERNAL_H
#define OTTO_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "common/common.h"

/* ---- distributions (distribution.c) ---------------------------------------------- */
/* Validate suggest arguments and normalize them into *d (step grid adjusted:
 * *adjusted is set when high was lowered onto the grid). what/name for the
 * message. Categorical choices are borrowed, not copied. */
int otto__dist_make_float(otto_distribution *d, const char *name, double low, double high,
                          double step, unsigned flags, int *adjusted);
int otto__dist_make_int(otto_distribution *d, const char *name, int64_t low, int64_t high,
                        int64_t step, unsigned flags, int *adjusted);
int otto__dist_make_categorical(otto_distribution *d, const char *name,
                                const char *const *choices, size_t n_choices);
/* The one check that what suggest stored can be written and read back:
 * rebuilds *d from a distribution's stored fields through the make_* checks
 * above and refuses (OTTO_EINVAL) fields that suggest would reject or would
 * normalize to something else. The record encoder and replay both call it. */
int otto__dist_from_fields(otto_distribution *d, const char *name, unsigned kind,
                           unsigned flags, double low, double high, double step,
                           const char *const *choices, size_t n_choices);
/* *dup = the index of the first label equal to an earlier one, or n when all
 * differ; O(n) expected (a hash set). OTTO_ENOMEM without a message. */
int otto__choices_duplicate(const otto_allocator *a, const char *const *choices, size_t n,
                            size_t *dup);
int otto__dist_equal(const otto_distribution *a, const otto_distribution *b);
/* Same kind, log flag and (categorical) choices: may share a name in a study. */
int otto__dist_compatible(const otto_distribution *a, const otto_distribution *b);
int otto__name_valid(const char *name);

/* ---- interned names and distributions (names.c) -------------------------------
 * Every distinct (name, distribution) pair a study sees becomes one immutable
 * spec; trial params point at specs, so equal pointers mean equal pairs.
 * Plug-ins see specs as otto_param_key (otto/sys/sampler.h). */
typedef struct otto_param_key otto__spec;
typedef struct otto__name {
    char *str;
    uint64_t hash;
    otto__spec *specs; /* the first one fixes kind, log flag and choices */
} otto__name;

struct otto_param_key {
    const otto__name *name;
    otto_distribution dist; /* choices point at spec-owned copies */
    otto__spec *next;
};

typedef struct otto__names {
    otto__name **slots;
    size_t cap; /* power of two */
    size_t n;
} otto__names;

/* Find or add the spec for (name, dist). OTTO_EDIST when the name is known
 * with an incompatible distribution. Caller holds the study lock. */
int otto__names_spec(otto__names *t, const otto_allocator *a, const char *name,
                     const otto_distribution *dist, const otto__spec **out);
void otto__names_free(otto__names *t, const otto_allocator *a);

/* ---- trials (trial.c) ---------------------------------------------------------- */
typedef struct otto__param {
    const otto__spec *spec;
    double value;
} otto__param;

typedef struct otto__attr {
    char *key;
    char *value;
} otto__attr;

typedef otto_report otto__step_value; /* (step, value), public in otto/sys/sampler.h */

typedef struct otto__fixed {
    char *name;
    otto_value_kind kind;
    double number;
    char *label;
} otto__fixed;

/* An enqueued NaN for a param: the typed label of Python's float('nan')
 * (otto/space.h), which is how Python enqueues it and how C's NaN is kept.
 * A float or int suggest that meets it is OTTO_EINVAL, as Optuna raises
 * ValueError("`nan` is invalid value.") at suggest. */
#define OTTO__LABEL_NAN OTTO_LABEL_TYPED "f:nan"

/* State a trial needs only while RUNNING; freed when it finishes. */
typedef struct otto__live {
    otto_rng rng;
    otto_view *view;            /* sampler snapshot made at ask */
    otto__param *relative;      /* params drawn by sample_relative */
    size_t n_relative;
    otto__fixed *fixed;         /* enqueued params */
    size_t n_fixed;
    struct otto_trial *prev, *next; /* study's list of running trials */
    int telling;                /* a tell is in progress */
    int proposal;               /* a prefetch stand-in (prefetch.c): never stored */
    int no_after_trial;         /* prefetch: its proposal is closed instead (prefetch.c) */
    int remote_state;           /* another worker finished it (heartbeat): that state */
} otto__live;

struct otto_trial {
    struct otto_study *study;
    int64_t number;
    _Atomic int state;          /* otto_trial_state; final once not RUNNING */
    int frozen;                 /* a snapshot copy owned by a view */
    otto__param *params;
    size_t n_params, cap_params;
    double *values;             /* n_objectives entries once it has values */
    otto__step_value *inter;
    size_t n_inter, cap_inter;
    otto__attr *user;
    size_t n_user;
    otto__attr *sys;
    size_t n_sys;
    /* Constraints (trial_constraints.c): what otto_trial_set_constraints
     * gave (positional) and what otto_trial_set_constraint gave (named, in
     * the order first set), merged into the one vector every reader and
     * sampler sees: constraints[0..n_constraints), with constraint_names
     * (NULL for a positional value). */
    double *constraints;
    size_t n_constraints;
    const char **constraint_names; /* point into named[].key */
    double *positional;
    size_t n_positional;
    struct otto__named_constraint *named;
    size_t n_named;
    double t_start, t_complete;
    double t_beat;              /* storage: last heartbeat time (wall clock) */
    int beats;                  /* storage: its worker heartbeats it */
    otto__live *live;           /* NULL once finished, or a RUNNING trial of
                                   another worker (read from storage) */
};

/* Lock the trial's study if the trial can still change; returns whether it
 * locked (pass to otto__trial_unlock). */
int otto__trial_lock(const otto_trial *t);
void otto__trial_unlock(const otto_trial *t, int locked);
/* The trial's state (final once it is not RUNNING). */
static inline int otto__trial_state(const otto_trial *t)
{
    return atomic_load_explicit(&((otto_trial *)t)->state, memory_order_acquire);
}
/* Free everything a trial owns (not the trial itself). */
void otto__trial_release(const otto_allocator *a, otto_trial *t);
const otto__param *otto__trial_find(const otto_trial *t, const char *name);
/* The param with interned name nm, trying index `hint` first (trials of one
 * space list params in the same order). */
const otto__param *otto__trial_find_interned(const otto_trial *t, const otto__name *nm,
                                             size_t hint);
int otto__trial_add_param(otto_trial *t, const otto__spec *spec, double value);
/* Insert an intermediate value in step order (the step must be new); its
 * index goes to *at (may be NULL). ENOMEM leaves the trial unchanged. */
int otto__trial_insert_report(const otto_allocator *a, otto_trial *t, int64_t step,
                              double value, size_t *at);
int otto__attr_set(const otto_allocator *a, otto__attr **arr, size_t *n, const char *key,
                   const char *value);
/* Finished-or-frozen copy helpers for views. */
int otto__trial_clone(const otto_allocator *a, const otto_trial *src, otto_trial **out);

/* ---- constraints (trial_constraints.c) ------------------------------------------
 * A trial's constraints are positional values (otto_trial_set_constraints,
 * the constraints_func of Optuna 4) and named values (otto_trial_set_constraint,
 * Optuna 5), merged as Optuna 5's FrozenTrial.constraints merges them: the
 * positional values first, named "0", "1", ...; then each named value in the
 * order first set, except that a name equal to a positional index ("0")
 * replaces that positional value in place. */
typedef struct otto__named_constraint {
    char *key;
    double value;
} otto__named_constraint;
/* Replace the positional values (n >= 1, finite; checked by the caller) and
 * remerge. ENOMEM (no message) leaves the trial unchanged. */
int otto__constraints_set_positional(const otto_allocator *a, otto_trial *t,
                                     const double *values, size_t n);
/* Add a named value (a key not set yet; checked by the caller) and remerge.
 * ENOMEM (no message) leaves the trial unchanged. */
int otto__constraints_add_named(const otto_allocator *a, otto_trial *t, const char *key,
                                double value);
/* The named value set under key, or NULL. */
const otto__named_constraint *otto__constraints_find_named(const otto_trial *t,
                                                           const char *key);
/* Free what the trial's constraints own (part of otto__trial_release). */
void otto__constraints_release(const otto_allocator *a, otto_trial *t);

/* ---- samplers and pruners (sampler.c, pruner.c) --------------------------------- */
/* A plug-in vtable (sized for growth) that has callback `field`. */
#define OTTO__VT_HAS(vt, type, field) \
    ((vt)->size >= offsetof(type, field) + sizeof(vt)->field && (vt)->field)
struct otto_sampler {
    const otto_sampler_vtable *vt;
    void *state;
    uint64_t seed;
    otto_allocator alloc; /* the handle's (otto_sampler_create_with) */
    _Atomic int adopted; /* a study owns it: a second study may not */
};
/* The seed a study's trial streams come from: the sampler's, else the
 * study's. */
uint64_t otto__sampler_seed(const struct otto_study *s);
struct otto_pruner {
    const otto_pruner_vtable *vt;
    void *state;
    otto_allocator alloc; /* the handle's (otto_pruner_create_with) */
    _Atomic int adopted; /* a study owns it: a second study may not */
};

/* What a study gets when its options name no sampler or pruner: chosen
 * above core (lib/defaults.c, whose otto_study_create passes them in), so
 * that core names, and links, no concrete sampler or pruner. They are made
 * with the study's allocator `a`. */
typedef struct otto__defaults {
    int (*sampler)(const otto_allocator *a, otto_sampler **out);
    int (*pruner)(const otto_allocator *a, otto_pruner **out);
    int (*fallback)(const otto_allocator *a, otto_sampler **out); /* prefetch's cheap draw */
} otto__defaults;
/* otto_study_create with the defaults given. */
int otto__study_create(const otto_study_options *opts, const otto__defaults *defaults,
                       otto_study **out);

/* ---- views (view.c) ------------------------------------------------------------ */
struct otto_view {
    struct otto_study *study;
    const otto_trial *asking;       /* trial being sampled or pruned */
    size_t n;                       /* finished trials visible */
    size_t first;                   /* forgetting window: index in the study's
                                       finished list of the first one visible */
    const otto_trial **filtered;    /* when a pruner filters: the kept trials */
    const otto__spec **isect;       /* intersection space at snapshot time */
    size_t n_isect;
    int want_isect;                 /* the sampler does relative sampling */
    otto_trial **running;           /* lazily made frozen copies */
    size_t n_running;
    int has_running;
};

/* Snapshot for sampling `asking` (caller holds the study lock). */
int otto__view_make(struct otto_study *s, const otto_trial *asking, int with_isect,
                    otto_view **out);
/* After the study caught up with its storage (lock held): see the trials
 * that finished meanwhile. */
void otto__view_refresh(struct otto_study *s, otto_view *v);
/* Apply the pruner's filter to a view (no lock needed: finished trials only). */
int otto__view_filter(otto_view *v);
void otto__view_free(otto_view *v);
/* A view on the stack (for pruners): no intersection, no filter. */
void otto__view_init_light(otto_view *v, struct otto_study *s, const otto_trial *asking);
void otto__view_clear(otto_view *v);

/* ---- spaces (space.c) ---------------------------------------------------------- */
typedef struct otto__space_param {
    char *name;
    otto_distribution dist; /* choices point at space-owned copies */
    const otto__spec *spec; /* set: name and choices are the spec's (borrowed) */
} otto__space_param;

struct otto_space {
    otto_allocator alloc;
    otto__space_param *params;
    size_t n, cap;
};
int otto__space_create(const otto_allocator *a, otto_space **out);
int otto__space_add(otto_space *sp, const char *name, const otto_distribution *d);
/* Add an interned spec without copying or checking it (its name and choices
 * are known valid and outlive any space the study builds for an ask): O(1),
 * no allocation beyond the array, and the study reuses the spec as is. */
int otto__space_append_spec(otto_space *sp, const otto__spec *spec);

/* ---- study (study.c) ------------------------------------------------------------ */
typedef struct otto__queued {
    otto__fixed *fixed;
    size_t n;
    uint64_t id; /* with a storage: the entry's order in the study's log */
    int64_t retry_of; /* a retry of this trial (failed by heartbeat), or -1 */
    otto__attr *user; /* user attributes the trial that takes it gets */
    size_t n_user;
    struct otto__queued *next;
} otto__queued;

struct otto_study {
    otto_allocator alloc;
    otto__logger log;
    pthread_mutex_t mu;
    otto_sampler *sampler;
    otto_pruner *pruner;
    uint64_t seed;
    size_t n_objectives;
    otto_direction *dirs;
    char *name;

    otto__segvec trials;   /* by number */
    otto__segvec finished; /* in finishing order */
    size_t forget_window;  /* 0: off; else samplers' views keep the last this many */
    otto__names names;

    const otto_trial *best;  /* single objective: first best COMPLETE */
    const otto_trial **front; /* Pareto front of COMPLETE trials */
    size_t n_front, cap_front;

    const otto__spec **isect; /* intersection of COMPLETE trials' params */
    size_t n_isect, cap_isect;
    int have_complete;

    otto_trial *running; /* doubly linked through live->prev/next */
    size_t n_running;
    otto__queued *queue_head, *queue_tail;
    uint64_t n_enqueued; /* queue entries made (or, with a storage, seen in its
                            log): the next entry's id */

    _Atomic int stop;
    struct otto__store *store; /* NULL: in memory (see store.h) */

    otto__attr *user;     /* study user attributes (study_attrs.c) */
    size_t n_user, cap_user;
    char **old_values;    /* replaced values, kept until destroy (handed out) */
    size_t n_old, cap_old;

    struct otto__prefetch *prefetch; /* NULL: off (prefetch.c) */

    /* log messages produced under the lock, emitted after it (the log
     * function is user code and never runs under an otto lock) */
    char deferred[4][256];
    otto_log_level deferred_level[4];
    size_t n_deferred;
};

/* Set a study attribute (lock held); ENOMEM leaves it unchanged. */
int otto__study_attr_set_locked(otto_study *s, const char *key, const char *value);
void otto__study_attrs_free(otto_study *s);

/* Queue a log message (lock held); emitted by otto__study_unlock. */
void otto__study_defer_log(otto_study *s, otto_log_level level, const char *fmt, ...)
    OTTO_PRINTF(3, 4);
/* Unlock s->mu, then emit deferred log messages. */
void otto__study_unlock(otto_study *s);

/* Free the running-only part of a trial. */
void otto__live_free(const otto_allocator *a, otto__live *live);
void otto__queued_free(const otto_allocator *a, otto__queued *q);
/* Append to the queue of enqueued trials (lock held). */
void otto__queue_push_locked(otto_study *s, otto__queued *q);
/* Remove and return the queue entry with this id, or NULL (lock held). */
otto__queued *otto__queue_take_locked(otto_study *s, uint64_t id);
/* 1 when values a Pareto-dominate b under the directions (no worse in every
 * objective, better in one); the one dominance test of otto. */
int otto__dominates(const otto_direction *dirs, size_t n, const double *a, const double *b);
/* Finishing a trial in two steps, lock held: reserve everything (ENOMEM,
 * nothing changed), then publish it in its final state (cannot fail). */
int otto__study_reserve_finish(otto_study *s, const otto_trial *t, otto_trial_state st);
void otto__study_finish_locked(otto_study *s, otto_trial *t, otto_trial_state st);
/* The values a trial told (or added) in `state` must come with: COMPLETE
 * needs one per objective, PRUNED and FAIL none. fn names the caller. */
int otto__tell_args_check(const otto_study *s, otto_trial_state state, const double *values,
                          size_t n_values, const char *fn);
/* Extras given with an enqueued or added trial, checked before anything is
 * built. */
int otto__trial_extras_check(const otto_trial_extras *e);

/* Relative sampling for a new trial by sampler sm (the study's, or
 * prefetch's fallback) over t->live->view; failures are logged and leave the
 * params to independent sampling. */
void otto__sample_relative(otto_study *s, const otto_sampler *sm, otto_trial *t);

/* ---- prefetched asks (prefetch.c) ------------------------------------------------ */
typedef struct otto__prefetch otto__prefetch;
/* Set up prefetch for a new study (o->prefetch > 0); no thread yet. */
/* The fallback sampler of a study's prefetch (prefetch_fallback.c). */
int otto__prefetch_fallback_create(otto_study *s, const otto__defaults *defaults,
                                   otto_sampler **out);
int otto__prefetch_create(otto_study *s, const otto_study_options *o,
                          const otto__defaults *defaults);
/* Stop and join the worker (after its unit in progress), free everything. */
void otto__prefetch_destroy(otto_study *s);
/* The relative params of a trial just asked (in s->running, rng set, no
 * lock held): its ready proposal, else the fallback draw; then queue the
 * proposals up to N ahead and wake the worker (started here, the first
 * time). */
void otto__prefetch_ask(otto_study *s, otto_trial *t);
/* Wait for the unit in progress and drop every proposal (the sampler is
 * being replaced). */
void otto__prefetch_reset(otto_study *s);

#endif /* OTTO_INTERNAL_H */
