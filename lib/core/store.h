/* The study's side of persistent storage, in core: what a study keeps in
 * its storage, the records it writes for each operation (store_ops.c),
 * replay (store_replay.c) and heartbeats (store_heartbeat.c). It reaches the
 * backends only through storage/backend.h. */
#ifndef OTTO_CORE_STORE_H
#define OTTO_CORE_STORE_H

#include "internal.h"
#include "storage/backend.h"

/* State of a study that lives in a storage (NULL for in-memory studies). */
typedef struct otto__store {
    otto_storage *st;
    otto__bstudy bs;
    otto_trial **remote; /* RUNNING trials of other workers */
    size_t n_remote, cap_remote;
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

/* What the study writes for each of its operations (store_ops.c); caller holds
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
int otto__store_constraint_named(otto_study *s, const otto_trial *t, const char *key,
                                 double value);
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
/* This handle takes over t, a RUNNING trial of another worker
 * (otto_study_tell_number): it is no longer watched as a remote trial.
 * Caller holds s->mu; a no-op without a storage. */
void otto__store_forget_remote(otto_study *s, const otto_trial *t);
/* Apply one record of the study (store_replay.c); caller holds s->mu. */
int otto__replay_record(otto_study *s, const unsigned char *p, size_t len);
/* Encode the failing of remote RUNNING trials whose heartbeat is older than
 * the grace period (and their retries) into b, to apply once written; part
 * of each ask's exchange. Returns the number of retries enqueued. */
size_t otto__heartbeat_reap(otto_study *s, otto__wbuf *b);
int otto__heartbeat_start(otto_study *s);
void otto__heartbeat_stop(otto_study *s);

/* Encoders of the ops whose records more than one operation writes (study
 * is the backend's id of the study; see record.h for the framing). */
void otto__rec_report(otto__wbuf *b, uint32_t study, int64_t number, int64_t step, double v);
void otto__rec_constraints(otto__wbuf *b, uint32_t study, int64_t number, const double *c,
                           size_t n);
void otto__rec_constraint_named(otto__wbuf *b, uint32_t study, int64_t number, const char *key,
                                double value);
void otto__rec_param(otto__wbuf *b, uint32_t study, int64_t number, const char *name,
                     const otto_distribution *d, double value);
void otto__rec_finish(otto__wbuf *b, uint32_t study, int64_t number, otto_trial_state st,
                      const double *values, size_t n_values, double t_complete);
void otto__rec_attr(otto__wbuf *b, uint32_t study, int64_t number, int sys, const char *key,
                    const char *value);
/* retry_of: the trial this entry retries, or -1. */
void otto__rec_enqueue(otto__wbuf *b, uint32_t study, const otto__queued *q);


#endif /* OTTO_CORE_STORE_H */
