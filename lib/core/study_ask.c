/* Ask: a new trial numbered after every worker's, the enqueued params it
 * takes, and the sampler's relative draw on a snapshot of the history
 * (ask_with then suggests a declared space up front). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* Relative sampling for a new trial. Failures are logged and the trial falls
 * back to independent sampling: a sampler problem never fails the study. */
void otto__sample_relative(otto_study *s, const otto_sampler *sm, otto_trial *t)
{
    const otto_allocator *a = &s->alloc;
    otto_view *v = t->live->view;
    otto_space *space = NULL;
    double *vals = NULL;
    const otto__spec **specs = NULL;
    int rc = otto__space_create(a, &space);
    if (!rc) /* the sampler's own, or the intersection */
        rc = otto_sampler_infer_relative_space(sm, v, t, space);
    size_t n = rc ? 0 : otto_space_size(space);
    if (n) {
        vals = otto__calloc(a, n, sizeof *vals);
        specs = otto__calloc(a, n, sizeof *specs);
        rc = vals && specs ? OTTO_OK : otto__error(OTTO_ENOMEM, "out of memory");
    }
    if (n && !rc)
        rc = sm->vt->sample_relative(sm->state, v, t, space, vals);
    for (size_t i = 0; n && !rc && i < n; i++) {
        if (space->params[i].spec) { /* the sampler passed an interned spec through */
            specs[i] = space->params[i].spec;
            continue;
        }
        pthread_mutex_lock(&s->mu);
        rc = otto__names_spec(&s->names, a, space->params[i].name, &space->params[i].dist,
                              &specs[i]);
        pthread_mutex_unlock(&s->mu);
    }
    size_t kept = 0;
    for (size_t i = 0; n && !rc && i < n; i++) {
        if (isnan(vals[i])) /* the sampler leaves this one to sample_independent */
            continue;
        if (!otto_distribution_contains(&specs[i]->dist, vals[i])) {
            otto__log(&s->log, OTTO_LEVEL_WARNING,
                      "trial %lld: sampler '%s' proposed %g for '%s', outside its distribution; "
                      "sampling it independently",
                      (long long)t->number, otto_sampler_name(sm), vals[i],
                      specs[i]->name->str);
            continue;
        }
        specs[kept] = specs[i];
        vals[kept++] = vals[i];
    }
    if (rc && rc != OTTO_ENOTSUP) { /* ENOTSUP: the sampler declines, quietly */
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "trial %lld: relative sampling by '%s' failed (%s: %s); sampling independently",
                  (long long)t->number, otto_sampler_name(sm), otto_status_name(rc),
                  otto_last_error_message());
    } else if (kept) {
        otto__param *rel = otto__calloc(a, kept, sizeof *rel);
        if (rel) {
            for (size_t i = 0; i < kept; i++) {
                rel[i].spec = specs[i];
                rel[i].value = vals[i];
            }
            /* published under the lock: a prefetch job may be copying this
             * running trial as a pending point from another thread */
            pthread_mutex_lock(&s->mu);
            t->live->relative = rel;
            t->live->n_relative = kept;
            pthread_mutex_unlock(&s->mu);
        }
    }
    otto__free(a, vals);
    otto__free(a, specs);
    otto_space_destroy(space);
}

/* Give a new trial what its queue entry holds: the fixed params, the user
 * attrs, and the link to the trial it retries (as Optuna records it).
 * Failures to set an attr are logged: the trial runs anyway. */
static void take_queued(otto_study *s, otto_trial *t, otto__queued *q)
{
    const otto_allocator *a = &s->alloc;
    t->live->fixed = q->fixed;
    t->live->n_fixed = q->n;
    for (size_t i = 0; i < q->n_user; i++) {
        if (otto_trial_set_user_attr(t, q->user[i].key, q->user[i].value) != OTTO_OK)
            otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld: cannot set enqueued attr '%s' (%s)",
                      (long long)t->number, q->user[i].key, otto_last_error_message());
        otto__free(a, q->user[i].key);
        otto__free(a, q->user[i].value);
    }
    otto__free(a, q->user);
    if (q->retry_of >= 0) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)q->retry_of);
        if (otto_trial_set_system_attr(t, "failed_trial", num) != OTTO_OK)
            otto__log(&s->log, OTTO_LEVEL_WARNING,
                      "trial %lld: cannot record that it retries trial %lld (%s)",
                      (long long)t->number, (long long)q->retry_of, otto_last_error_message());
    }
    otto__free(a, q);
}

int otto_study_ask(otto_study *s, otto_trial **out)
{
    if (out)
        *out = NULL;
    if (!s || !out)
        return otto__error(OTTO_EINVAL, "study_ask: NULL argument");
    const otto_allocator *a = &s->alloc;
    otto_trial *t = otto__calloc(a, 1, sizeof *t);
    otto__live *live = otto__calloc(a, 1, sizeof *live);
    if (!t || !live) {
        otto__free(a, t);
        otto__free(a, live);
        return otto__error(OTTO_ENOMEM, "study_ask: out of memory");
    }
    t->study = s;
    t->live = live;
    atomic_init(&t->state, OTTO_TRIAL_RUNNING);
    t->t_start = otto__wall_time();
    int relative = OTTO__VT_HAS(s->sampler->vt, otto_sampler_vtable, sample_relative);

    pthread_mutex_lock(&s->mu);
    int rc = otto__view_make(s, t, relative, &live->view);
    if (!rc)
        rc = otto__segvec_reserve(&s->trials, a);
    if (rc)
        rc = otto__error(OTTO_ENOMEM, "study_ask: out of memory");
    otto__queued *q = NULL;
    if (!rc && s->store) { /* read other workers' trials, then number ours after them */
        rc = otto__store_ask(s, t, &q, NULL); /* takes the queue entry it recorded */
        if (!rc)
            otto__view_refresh(s, live->view);
    } else if (!rc) {
        t->number = (int64_t)otto__segvec_count(&s->trials);
        q = s->queue_head ? otto__queue_take_locked(s, s->queue_head->id) : NULL;
    }
    if (rc) {
        otto__study_unlock(s);
        otto__live_free(a, live);
        otto__free(a, t);
        return rc;
    }
    otto__segvec_push(&s->trials, a, t); /* reserved: cannot fail */
    live->next = s->running;
    if (s->running)
        s->running->live->prev = t;
    s->running = t;
    s->n_running++;
    otto__study_unlock(s);

    if (q)
        take_queued(s, t, q);
    otto__rng_init(&live->rng, otto__sampler_seed(s), (uint64_t)t->number);
    if (otto__view_filter(live->view))
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "trial %lld: out of memory filtering the sampler's view; using all trials",
                  (long long)t->number);
    if (s->prefetch) /* prefetch.c: a proposal computed ahead, or the fallback */
        otto__prefetch_ask(s, t);
    else if (relative && (live->view->n_isect ||
                          OTTO__VT_HAS(s->sampler->vt, otto_sampler_vtable, infer_relative_space)))
        otto__sample_relative(s, s->sampler, t);
    *out = t;
    return OTTO_OK;
}

int otto_study_ask_with(otto_study *s, const otto_space *space, otto_trial **out)
{
    if (out)
        *out = NULL;
    if (!s || !space || !out)
        return otto__error(OTTO_EINVAL, "study_ask_with: NULL argument");
    otto_trial *t;
    int rc = otto_study_ask(s, &t);
    if (rc)
        return rc;
    for (size_t i = 0; i < space->n; i++) {
        const otto__space_param *p = &space->params[i];
        double v;
        switch (p->dist.kind) {
        case OTTO_DIST_FLOAT:
            rc = otto_trial_suggest_float(t, p->name, p->dist.low, p->dist.high, p->dist.step,
                                          p->dist.flags, &v);
            break;
        case OTTO_DIST_INT: {
            int64_t iv;
            rc = otto_trial_suggest_int(t, p->name, (int64_t)p->dist.low, (int64_t)p->dist.high,
                                        (int64_t)p->dist.step, p->dist.flags, &iv);
            break;
        }
        case OTTO_DIST_CATEGORICAL: {
            size_t idx;
            rc = otto_trial_suggest_categorical(t, p->name, p->dist.choices, p->dist.n_choices,
                                                &idx);
            break;
        }
        }
        if (rc) {
            /* keep the message of the failed suggest, and leave no RUNNING trial */
            char msg[256];
            snprintf(msg, sizeof msg, "%s", otto_last_error_message());
            otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0);
            return otto__error(rc, "study_ask_with: %s", msg);
        }
    }
    *out = t;
    return OTTO_OK;
}
