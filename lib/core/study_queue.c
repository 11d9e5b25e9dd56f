/* The queue of enqueued (WAITING) trials: enqueue with fixed params and user
 * attrs, the FIFO that ask takes from, and copies of it for readers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "common/options.h"

/* An enqueued list of fixed params: held by the queue, then by the trial. */
static void fixed_free(const otto_allocator *a, otto__fixed *fixed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        otto__free(a, fixed[i].name);
        otto__free(a, fixed[i].label);
    }
    otto__free(a, fixed);
}

void otto__live_free(const otto_allocator *a, otto__live *live)
{
    if (!live)
        return;
    otto__view_free(live->view);
    otto__free(a, live->relative);
    fixed_free(a, live->fixed, live->n_fixed);
    otto__free(a, live);
}

void otto__queued_free(const otto_allocator *a, otto__queued *q)
{
    fixed_free(a, q->fixed, q->n);
    for (size_t i = 0; i < q->n_user; i++) {
        otto__free(a, q->user[i].key);
        otto__free(a, q->user[i].value);
    }
    otto__free(a, q->user);
    otto__free(a, q);
}

void otto__queue_push_locked(otto_study *s, otto__queued *q)
{
    q->next = NULL;
    if (s->queue_tail)
        s->queue_tail->next = q;
    else
        s->queue_head = q;
    s->queue_tail = q;
}

otto__queued *otto__queue_take_locked(otto_study *s, uint64_t id)
{
    otto__queued *prev = NULL;
    for (otto__queued *q = s->queue_head; q; prev = q, q = q->next) {
        if (q->id != id)
            continue;
        if (prev)
            prev->next = q->next;
        else
            s->queue_head = q->next;
        if (s->queue_tail == q)
            s->queue_tail = prev;
        q->next = NULL;
        return q;
    }
    return NULL;
}

int otto_study_enqueue_trial(otto_study *s, const otto_param_value *params, size_t n_params)
{
    return otto_study_enqueue_trial_with(s, params, n_params, NULL);
}

int otto_study_enqueue_trial_with(otto_study *s, const otto_param_value *params,
                                  size_t n_params, const otto_trial_extras *extras)
{
    if (!s || (!params && n_params))
        return otto__error(OTTO_EINVAL, "enqueue_trial: NULL argument");
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    int erc = extras ? otto__options_copy(&ex, sizeof ex, extras, "trial_extras") : OTTO_OK;
    if (!erc && (ex.n_reports || ex.n_system_attrs || ex.n_constraints))
        erc = otto__error(OTTO_EINVAL, "enqueue_trial: only user attributes can be enqueued "
                                       "with a trial");
    if (!erc)
        erc = otto__trial_extras_check(&ex);
    if (erc)
        return erc;
    for (size_t i = 0; i < n_params; i++) {
        const otto_param_value *p = &params[i];
        char what[48];
        snprintf(what, sizeof what, "the name of param %zu", i);
        int rc = otto__text_check(p->name, 0, "enqueue_trial", what);
        if (rc)
            return rc;
        if (p->kind < OTTO_VALUE_NUMBER || p->kind > OTTO_VALUE_ANY)
            return otto__error(OTTO_EINVAL, "enqueue_trial '%s': kind %d is invalid", p->name,
                               (int)p->kind);
        if ((p->kind & OTTO_VALUE_NUMBER) && isinf(p->number))
            return otto__error(OTTO_EINVAL, "enqueue_trial '%s': value must be finite or NaN",
                               p->name);
        if ((p->kind & OTTO_VALUE_LABEL) && !p->label)
            return otto__error(OTTO_EINVAL, "enqueue_trial '%s': label is NULL", p->name);
        if ((p->kind & OTTO_VALUE_LABEL) &&
            (rc = otto__text_check(p->label, 1, "enqueue_trial", "a label")) != OTTO_OK)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(params[j].name, p->name) == 0)
                return otto__error(OTTO_EINVAL, "enqueue_trial: '%s' is given twice", p->name);
    }
    const otto_allocator *a = &s->alloc;
    otto__queued *q = otto__calloc(a, 1, sizeof *q);
    int ok = q != NULL;
    if (q)
        q->retry_of = -1;
    if (ok && n_params) {
        q->fixed = otto__calloc(a, n_params, sizeof *q->fixed);
        ok = q->fixed != NULL;
    }
    for (size_t i = 0; ok && i < n_params; i++) {
        otto__fixed *f = &q->fixed[i];
        q->n = i + 1;
        f->kind = params[i].kind;
        f->number = params[i].number;
        f->name = otto__strdup(a, params[i].name);
        ok = f->name != NULL;
        if (ok && (f->kind & OTTO_VALUE_NUMBER) && isnan(f->number)) {
            /* NaN is kept as Python's float label, as Optuna keeps it: the
             * suggest that meets it fails (otto__fixed_nan), a categorical
             * with a NaN choice takes it, and the stored record stays finite */
            f->kind = OTTO_VALUE_LABEL;
            f->number = 0;
            ok = (f->label = otto__strdup(a, OTTO__LABEL_NAN)) != NULL;
        } else if (ok && (f->kind & OTTO_VALUE_LABEL))
            ok = (f->label = otto__strdup(a, params[i].label)) != NULL;
    }
    for (size_t i = 0; ok && i < ex.n_user_attrs; i++)
        ok = otto__attr_set(a, &q->user, &q->n_user, ex.user_keys[i], ex.user_values[i]) ==
             OTTO_OK;
    if (!ok) {
        if (q)
            otto__queued_free(a, q);
        return otto__error(OTTO_ENOMEM, "enqueue_trial: out of memory");
    }
    pthread_mutex_lock(&s->mu);
    int need_flush = 0, rc = OTTO_OK;
    if (s->store)
        rc = otto__store_enqueue(s, q, &need_flush); /* numbers it among all workers' */
    else
        q->id = s->n_enqueued++;
    if (!rc)
        otto__queue_push_locked(s, q);
    otto__study_unlock(s);
    if (rc) {
        otto__queued_free(a, q);
        return rc;
    }
    if (need_flush)
        return otto__store_flush(s);
    return OTTO_OK;
}

static void waiting_entry_free(const otto_allocator *a, otto_waiting_trial *w)
{
    for (size_t i = 0; i < w->n_params; i++) {
        otto__free(a, (void *)w->params[i].name);
        otto__free(a, (void *)w->params[i].label);
    }
    otto__free(a, w->params);
    for (size_t i = 0; i < w->n_user_attrs; i++) {
        otto__free(a, w->user_keys[i]);
        otto__free(a, w->user_values[i]);
    }
    otto__free(a, w->user_keys);
    otto__free(a, w->user_values);
}

void otto_study_waiting_free(const otto_study *s, otto_waiting_trial *w, size_t n)
{
    if (!s || !w)
        return;
    for (size_t i = 0; i < n; i++)
        waiting_entry_free(&s->alloc, &w[i]);
    otto__free(&s->alloc, w);
}

/* A deep copy of one queue entry (lock held); ENOMEM leaves w to be freed. */
static int copy_waiting(const otto_allocator *a, const otto__queued *q, otto_waiting_trial *w)
{
    if ((q->n && !(w->params = otto__calloc(a, q->n, sizeof *w->params))) ||
        (q->n_user && (!(w->user_keys = otto__calloc(a, q->n_user, sizeof *w->user_keys)) ||
                       !(w->user_values = otto__calloc(a, q->n_user, sizeof *w->user_values)))))
        return OTTO_ENOMEM;
    for (size_t i = 0; i < q->n; i++) {
        otto_param_value *p = &w->params[i];
        w->n_params = i + 1;
        p->kind = q->fixed[i].kind;
        p->number = q->fixed[i].number;
        if (!(p->name = otto__strdup(a, q->fixed[i].name)) ||
            (q->fixed[i].label && !(p->label = otto__strdup(a, q->fixed[i].label))))
            return OTTO_ENOMEM;
    }
    for (size_t i = 0; i < q->n_user; i++) {
        w->n_user_attrs = i + 1;
        if (!(w->user_keys[i] = otto__strdup(a, q->user[i].key)) ||
            !(w->user_values[i] = otto__strdup(a, q->user[i].value)))
            return OTTO_ENOMEM;
    }
    return OTTO_OK;
}

int otto_study_waiting(otto_study *s, otto_waiting_trial **out, size_t *n_out)
{
    if (out)
        *out = NULL;
    if (n_out)
        *n_out = 0;
    if (!s || !out || !n_out)
        return otto__error(OTTO_EINVAL, "study_waiting: NULL argument");
    const otto_allocator *a = &s->alloc;
    pthread_mutex_lock(&s->mu);
    size_t n = 0;
    for (const otto__queued *q = s->queue_head; q; q = q->next)
        n++;
    otto_waiting_trial *w = n ? otto__calloc(a, n, sizeof *w) : NULL;
    int rc = n && !w ? OTTO_ENOMEM : OTTO_OK;
    size_t i = 0;
    for (const otto__queued *q = s->queue_head; !rc && q; q = q->next, i++)
        rc = copy_waiting(a, q, &w[i]);
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        otto_study_waiting_free(s, w, n);
        return otto__error(OTTO_ENOMEM, "study_waiting: out of memory");
    }
    *out = w;
    *n_out = n;
    return OTTO_OK;
}
