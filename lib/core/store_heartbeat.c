/* Heartbeats: a thread per study (when the storage asks for them) records
 * that this worker's RUNNING trials are alive; before each ask, a worker
 * marks FAIL every other worker's trial that has been silent longer than
 * the grace period (and re-enqueues its params when asked to), as Optuna's
 * heartbeat does. */
#include <errno.h>
#include <stdio.h>

#include "store.h"

/* ---- reaping stale trials ---------------------------------------------------------------- */

static int stale(const otto_study *s, const otto_trial *t, double now)
{
    return t->beats && now - t->t_beat > s->store->st->opts.grace_period_s;
}

size_t otto__heartbeat_reap(otto_study *s, otto__wbuf *b)
{
    otto__store *sto = s->store;
    double now = otto__wall_time();
    size_t n_failed = 0, n_retried = 0;
    for (size_t i = 0; i < sto->n_remote; i++) {
        const otto_trial *t = sto->remote[i];
        if (!stale(s, t, now))
            continue;
        n_failed++;
        char why[160];
        snprintf(why, sizeof why,
                 "no heartbeat for %.1f s (grace period %g s): its worker stopped or hung",
                 now - t->t_beat, sto->st->opts.grace_period_s);
        otto__rec_attr(b, sto->bs.id, t->number, 1, "fail_reason", why);
        otto__rec_finish(b, sto->bs.id, t->number, OTTO_TRIAL_FAIL, NULL, 0, now);
        if (!sto->st->opts.retry_failed_trials)
            continue;
        n_retried++;
        otto__rec_begin(b, OTTO__OP_ENQUEUE, sto->bs.id);
        otto__rec_u32(b, (uint32_t)t->n_params);
        for (size_t j = 0; j < t->n_params; j++) {
            const otto__spec *sp = t->params[j].spec;
            int cat = sp->dist.kind == OTTO_DIST_CATEGORICAL;
            otto__rec_str(b, sp->name->str);
            otto__rec_u8(b, cat ? OTTO_VALUE_LABEL : OTTO_VALUE_NUMBER);
            otto__rec_f64(b, cat ? 0 : t->params[j].value);
            otto__rec_str(b, cat ? sp->dist.choices[(size_t)t->params[j].value] : "");
        }
        otto__rec_u64(b, (uint64_t)t->number + 1); /* the trial it retries */
        otto__rec_end(b);
    }
    if (n_failed)
        otto__study_defer_log(s, OTTO_LEVEL_WARNING,
                  "study '%s': marking %zu trial(s) of stopped workers FAIL (no heartbeat for "
                  "%g s)%s",
                  s->name, n_failed, sto->st->opts.grace_period_s,
                  sto->st->opts.retry_failed_trials ? "; their params are enqueued again" : "");
    return n_retried;
}

/* ---- the heartbeat thread ------------------------------------------------------------------ */

static int build_beats(void *ctx, otto__wbuf *b)
{
    otto_study *s = ctx;
    double now = otto__wall_time();
    for (const otto_trial *t = s->running; t; t = t->live->next) {
        otto__rec_begin(b, OTTO__OP_HEARTBEAT, s->store->bs.id);
        otto__rec_u64(b, (uint64_t)t->number);
        otto__rec_f64(b, now);
        otto__rec_end(b);
    }
    return OTTO_OK;
}

static void *heartbeat_main(void *arg)
{
    otto_study *s = arg;
    otto__store *sto = s->store;
    double interval = sto->st->opts.heartbeat_interval_s;
    pthread_mutex_lock(&s->mu);
    while (!sto->hb_stop) {
        struct timespec until = otto__timespec_at(otto__wall_time() + interval);
        int w = 0;
        while (!sto->hb_stop && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&sto->hb_cv, &s->mu, &until);
        if (sto->hb_stop || !s->running)
            continue;
        int rc = otto__store_commit(s, build_beats, s, 0, NULL);
        if (rc)
            otto__study_defer_log(s, OTTO_LEVEL_WARNING,
                                  "study '%s': cannot record heartbeats (%s: %s); other workers "
                                  "may mark this worker's trials FAIL",
                                  s->name, otto_status_name(rc), otto_last_error_message());
        otto__study_unlock(s); /* emits deferred messages without the lock */
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int otto__heartbeat_start(otto_study *s)
{
    otto__store *sto = s->store;
    if (pthread_create(&sto->hb_thread, NULL, heartbeat_main, s) != 0)
        return otto__error(OTTO_ESYSTEM, "study_create: cannot start the heartbeat thread");
    sto->hb_started = 1;
    return OTTO_OK;
}

void otto__heartbeat_stop(otto_study *s)
{
    otto__store *sto = s->store;
    if (!sto->hb_started)
        return;
    pthread_mutex_lock(&s->mu);
    sto->hb_stop = 1;
    pthread_cond_signal(&sto->hb_cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(sto->hb_thread, NULL);
    sto->hb_started = 0;
}
