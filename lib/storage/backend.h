/* The one internal interface between a study and a persistent storage
 * backend (journal file, PostgreSQL), and the study-side glue built on it.
 * Samplers and pruners never see any of this: they read the study.
 *
 * Model: a study's history is an ordered log of records (record.h). A study
 * keeps a cursor into its log; every exchange, under the backend's exclusive
 * lock, first hands the study each record other writers appended after the
 * cursor (apply), then lets the study encode its own records against that
 * up-to-date state (build) and appends them. Trial numbers and queue entries
 * are the order of their records, so they are unique across all writers. */
#ifndef OTTO_STORAGE_BACKEND_H
#define OTTO_STORAGE_BACKEND_H

#include "core/internal.h"
#include "record.h"

/* A study's place in its backend. */
typedef struct otto__bstudy {
    uint32_t id;     /* the backend's id of the study */
    uint64_t cursor; /* journal: byte offset read up to; postgres: last batch seq */
    uint64_t sub;    /* postgres: records of batch cursor + 1 already applied */
} otto__bstudy;

/* Apply one record of the study (payload without frame); OTTO_ECORRUPT
 * (message set) or OTTO_ENOMEM stop the exchange before this record. */
typedef int (*otto__apply_fn)(void *ctx, const unsigned char *payload, size_t len);
/* Encode the study's records into b (framed; see record.h); an error
 * aborts the exchange and nothing is written. Records in bytes
 * [b->apply_from, b->apply_upto) are applied to the study once written, as
 * if read back (for changes to other workers' trials, like failing a stale
 * one). */
typedef int (*otto__build_fn)(void *ctx, otto__wbuf *b);

/* One exchange: catch up, then optionally append what build encodes. */
typedef struct otto__exchange {
    otto__apply_fn apply;  /* each record of others since the cursor */
    void *apply_ctx;
    otto__build_fn build;  /* NULL: catch up only (a shared lock suffices) */
    void *build_ctx;
    int durable;           /* a result: force it to disk per the sync policy */
    int need_flush;        /* out: call flush (without study locks) */
    char note[256];        /* out: a warning for the study's log ("" if none) */
} otto__exchange;

typedef struct otto__backend_vt {
    const char *kind; /* "journal", "postgres" */
    /* Find or create the study `name` under the backend's exclusive lock.
     * On success *n_obj and *dirs_out (allocated with a) hold the stored directions;
     * *created says whether this call made it; note as in otto__exchange. */
    int (*open_study)(otto_storage *st, const char *name, size_t n_objectives,
                      const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                      otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                      char note[256]);
    /* Catch up (apply) and, when x->build is set, append. */
    int (*exchange)(otto_storage *st, otto__bstudy *bs, otto__exchange *x);
    /* Force written data to disk (called without any study lock held). */
    int (*flush)(otto_storage *st);
    int (*study_names)(otto_storage *st, const char **out, size_t cap, size_t *n_out);
    void (*close)(otto_storage *st);
} otto__backend_vt;

struct otto_storage {
    const otto__backend_vt *vt;
    void *impl;
    otto_allocator alloc;
    otto_storage_options opts;
    _Atomic int refs;
};

/* Allocate a handle for a backend (opts validated and defaults applied). */
int otto__storage_new(const otto__backend_vt *vt, const otto_storage_options *o,
                      const char *fn, otto_storage **out);
void otto__storage_ref(otto_storage *st);

/* ---- the study's side (storage.c, replay.c, heartbeat.c) ---------------------- */

/* State of a study that lives in a storage (NULL for in-memory studies). */
typedef struct otto__store {
    otto_storage *st;
    otto__bstudy bs;
    otto_trial **remote; /* RUNNING trials of other workers */
    size_t n_remote, cap_remote;
    uint64_t n_enqueued; /* queue entries seen (the next entry's id) */
    otto__wbuf pending;  /* param records not written yet: they go out with the
                            next write (the trial's report, attr or tell, any
                            ask or heartbeat), one write instead of one each */
    /* heartbeat thread */
    pthread_t hb_thread;
    pthread_cond_t hb_cv;
    int hb_started, hb_stop;
} otto__store;

/* Open or create the study in o->storage (mode o->open_mode) and replay it.
 * Fills s->dirs/n_objectives from storage. */
int otto__store_attach(otto_study *s, const otto_study_options *o);
void otto__store_detach(otto_study *s);
/* Exchange with the backend; caller holds s->mu. build may be NULL (catch
 * up only). *need_flush (may be NULL unless durable): flush before returning
 * to the user, after releasing s->mu. */
int otto__store_commit(otto_study *s, otto__build_fn build, void *ctx, int durable,
                       int *need_flush);

/* What the study writes for each of its operations (ops.c); caller holds
 * s->mu, and on error nothing was written. */
/* Number t after every other worker's trial and take the head of the queue
 * (out of the queue: *taken, or NULL). */
int otto__store_ask(otto_study *s, otto_trial *t, otto__queued **taken, int *need_flush);
/* Queue (not write) a param record; see otto__store.pending. */
int otto__store_param(otto_study *s, const otto_trial *t, const otto__spec *spec, double v);
int otto__store_report(otto_study *s, const otto_trial *t, int64_t step, double v);
int otto__store_attr(otto_study *s, const otto_trial *t, int sys, const char *key,
                     const char *value);
int otto__store_constraints(otto_study *s, const otto_trial *t, const double *c, size_t n);
int otto__store_study_attr(otto_study *s, const char *key, const char *value);
/* Write t's end (reserving what finishing needs, after catching up).
 * OTTO_ESTATE when another worker already failed t: nothing written. */
int otto__store_finish(otto_study *s, otto_trial *t, otto_trial_state st, const double *values,
                       size_t n_values, int *need_flush);
/* q->id is set on success. */
int otto__store_enqueue(otto_study *s, otto__queued *q, int *need_flush);
/* A finished trial built by add_trial (number set here, after catching up;
 * the segvec and finish reservations made). */
int otto__store_add_trial(otto_study *s, otto_trial *t, otto_trial_state st, int *need_flush);
/* Force the study's writes to disk (no study lock held). */
int otto__store_flush(otto_study *s);
/* Apply one record of the study (replay.c); caller holds s->mu. */
int otto__replay_record(otto_study *s, const unsigned char *p, size_t len);
/* Encode the failing of remote RUNNING trials whose heartbeat is older than
 * the grace period (and their retries) into b, to apply once written; part
 * of each ask's exchange. Returns the number of retries enqueued. */
size_t otto__heartbeat_reap(otto_study *s, otto__wbuf *b);
int otto__heartbeat_start(otto_study *s);
void otto__heartbeat_stop(otto_study *s);

#endif /* OTTO_STORAGE_BACKEND_H */
