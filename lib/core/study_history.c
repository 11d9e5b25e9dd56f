/* The history bookkeeping shared by tell, warm starts and replay: publishing
 * a finished trial, the incremental best trial, the Pareto front and the
 * intersection search space, and reading the best trial(s). */
#include <string.h>

#include "internal.h"

static int better(const otto_study *s, double a, double b)
{
    return s->dirs[0] == OTTO_MAXIMIZE ? a > b : a < b;
}

int otto__dominates(const otto_direction *dirs, size_t n, const double *a, const double *b)
{
    int strictly = 0;
    for (size_t k = 0; k < n; k++) {
        double x = dirs[k] == OTTO_MAXIMIZE ? -a[k] : a[k];
        double y = dirs[k] == OTTO_MAXIMIZE ? -b[k] : b[k];
        if (x > y)
            return 0;
        strictly |= x < y;
    }
    return strictly;
}

/* Allocate everything otto__study_finish_locked may need, so that it cannot fail. */
int otto__study_reserve_finish(otto_study *s, const otto_trial *t, otto_trial_state st)
{
    const otto_allocator *a = &s->alloc;
    if (otto__segvec_reserve(&s->finished, a))
        return OTTO_ENOMEM;
    if (st != OTTO_TRIAL_COMPLETE)
        return OTTO_OK;
    if (s->n_front == s->cap_front) {
        size_t cap = s->cap_front ? 2 * s->cap_front : 16;
        const otto_trial **f = otto__reallocarray(a, (void *)s->front, cap, sizeof *f);
        if (!f)
            return OTTO_ENOMEM;
        s->front = f;
        s->cap_front = cap;
    }
    if (!s->have_complete && t->n_params > s->cap_isect) {
        const otto__spec **is = otto__reallocarray(a, (void *)s->isect, t->n_params, sizeof *is);
        if (!is)
            return OTTO_ENOMEM;
        s->isect = is;
        s->cap_isect = t->n_params;
    }
    return OTTO_OK;
}

static void front_add(otto_study *s, const otto_trial *t)
{
    if (s->n_objectives == 1) { /* the front is the set of trials tied for best */
        if (s->n_front && s->front[0]->values[0] != t->values[0]) {
            if (!better(s, t->values[0], s->front[0]->values[0]))
                return;
            s->n_front = 0;
        }
        size_t i = s->n_front++; /* ordered by trial number */
        while (i > 0 && s->front[i - 1]->number > t->number) {
            s->front[i] = s->front[i - 1];
            i--;
        }
        s->front[i] = t;
        return;
    }
    for (size_t i = 0; i < s->n_front; i++)
        if (otto__dominates(s->dirs, s->n_objectives, s->front[i]->values, t->values))
            return;
    size_t kept = 0;
    for (size_t i = 0; i < s->n_front; i++)
        if (!otto__dominates(s->dirs, s->n_objectives, t->values, s->front[i]->values))
            s->front[kept++] = s->front[i];
    /* keep the front ordered by trial number */
    size_t i = kept;
    while (i > 0 && s->front[i - 1]->number > t->number) {
        s->front[i] = s->front[i - 1];
        i--;
    }
    s->front[i] = t;
    s->n_front = kept + 1;
}

static void isect_add(otto_study *s, const otto_trial *t)
{
    if (!s->have_complete) {
        for (size_t j = 0; j < t->n_params; j++)
            s->isect[j] = t->params[j].spec;
        s->n_isect = t->n_params;
        s->have_complete = 1;
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < s->n_isect; i++) {
        /* trials of one space list params in the same order: try i first */
        int found = i < t->n_params && t->params[i].spec == s->isect[i];
        for (size_t j = 0; j < t->n_params && !found; j++)
            found = t->params[j].spec == s->isect[i];
        if (found)
            s->isect[kept++] = s->isect[i];
    }
    s->n_isect = kept;
}

/* Publish a trial in its final state; otto__study_reserve_finish succeeded; lock
 * held.
 * Values and params are written before the state (release), and the state
 * before the trial enters the finished list that samplers read. */
void otto__study_finish_locked(otto_study *s, otto_trial *t, otto_trial_state st)
{
    if (t->t_complete == 0) /* a stored trial brings its own */
        t->t_complete = otto__wall_time();
    if (t->live) {
        otto__live *l = t->live;
        if (l->prev)
            l->prev->live->next = l->next;
        else
            s->running = l->next;
        if (l->next)
            l->next->live->prev = l->prev;
        s->n_running--;
    }
    if (st == OTTO_TRIAL_COMPLETE) {
        if (s->n_objectives == 1 && (!s->best || better(s, t->values[0], s->best->values[0])))
            s->best = t;
        front_add(s, t);
        isect_add(s, t);
    }
    atomic_store_explicit(&t->state, st, memory_order_release);
    otto__segvec_push(&s->finished, &s->alloc, t);
    t->live = NULL;
}

int otto_study_best_trial(const otto_study *cs, const otto_trial **out)
{
    if (!cs || !out)
        return otto__error(OTTO_EINVAL, "best_trial: NULL argument");
    if (cs->n_objectives != 1)
        return otto__error(OTTO_ESTATE, "best_trial: the study has %zu objectives; use "
                                        "otto_study_best_trials",
                           cs->n_objectives);
    otto_study *s = (otto_study *)cs;
    pthread_mutex_lock(&s->mu);
    const otto_trial *b = s->best;
    pthread_mutex_unlock(&s->mu);
    if (!b)
        return otto__error(OTTO_ENOTFOUND, "best_trial: no trial is complete yet");
    *out = b;
    return OTTO_OK;
}

int otto_study_best_trials(const otto_study *cs, const otto_trial **out, size_t cap,
                           size_t *n_out)
{
    if (!cs || (!out && cap) || !n_out)
        return otto__error(OTTO_EINVAL, "best_trials: NULL argument");
    otto_study *s = (otto_study *)cs;
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_front;
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = s->front[i];
    pthread_mutex_unlock(&s->mu);
    *n_out = n;
    return OTTO_OK;
}
