/* The history view samplers and pruners read: a snapshot of the finished
 * trials (immutable, so read without locks), cut to the study's forgetting
 * window and optionally filtered by the pruner, the intersection search space
 * at snapshot time, and lazily made frozen copies of the running trials. */
#include <string.h>

#include "store.h"
#include "internal.h"

/* The forgetting window (otto_study_options.forget_window): a sampler's view
 * keeps the last W trials to finish, in finishing order, FAIL and PRUNED ones
 * included, so in a serial run the W most recent trials. Finishing order, not
 * trial number, because it is the order of the evidence in time: with
 * parallel workers or several processes a trial numbered early but finished
 * late was evaluated on the present objective. Set the visible range of v
 * from the finished count (lock held). */
static void window_cut(const otto_study *s, otto_view *v)
{
    size_t all = otto__segvec_count(&s->finished);
    v->first = s->forget_window && all > s->forget_window ? all - s->forget_window : 0;
    v->n = all - v->first;
}

int otto__view_make(otto_study *s, const otto_trial *asking, int with_isect, otto_view **out)
{
    otto_view *v = otto__calloc(&s->alloc, 1, sizeof *v);
    if (!v)
        return OTTO_ENOMEM;
    v->study = s;
    v->asking = asking;
    v->want_isect = with_isect;
    window_cut(s, v);
    if (with_isect && s->have_complete && s->n_isect) {
        v->isect = otto__calloc(&s->alloc, s->n_isect, sizeof *v->isect);
        if (!v->isect) {
            otto__free(&s->alloc, v);
            return OTTO_ENOMEM;
        }
        memcpy(v->isect, s->isect, s->n_isect * sizeof *v->isect);
        v->n_isect = s->n_isect;
    }
    *out = v;
    return OTTO_OK;
}

void otto__view_refresh(otto_study *s, otto_view *v)
{
    window_cut(s, v);
    if (!v->want_isect)
        return;
    size_t n = s->have_complete ? s->n_isect : 0;
    if (n > v->n_isect) { /* the space only shrinks, once there is one */
        const otto__spec **is = otto__calloc(&s->alloc, n, sizeof *is);
        if (!is) /* keep the older snapshot of the space: still valid */
            return;
        otto__free(&s->alloc, v->isect);
        v->isect = is;
    }
    if (n)
        memcpy(v->isect, s->isect, n * sizeof *v->isect);
    v->n_isect = n;
}

/* Keep only the isect specs that `t` has too. */
static void isect_narrow(const otto__spec **isect, size_t *n, const otto_trial *t)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        int found = 0;
        for (size_t j = 0; j < t->n_params && !found; j++)
            found = t->params[j].spec == isect[i];
        if (found)
            isect[kept++] = isect[i];
    }
    *n = kept;
}

int otto__view_filter(otto_view *v)
{
    otto_study *s = v->study;
    const otto_pruner *p = s->pruner;
    int pruner_filters = OTTO__VT_HAS(p->vt, otto_pruner_vtable, filter);
    /* the window cut nothing and no pruner filters: the study-wide space holds */
    if (!pruner_filters && !v->first)
        return OTTO_OK;
    if (!pruner_filters && !v->want_isect) /* the window is the contiguous range */
        return OTTO_OK;
    const otto_allocator *a = &s->alloc;
    const otto_trial **kept = NULL;
    if (pruner_filters && !(kept = otto__calloc(a, v->n ? v->n : 1, sizeof *kept)))
        return OTTO_ENOMEM;
    /* the intersection of the kept COMPLETE trials, which may be larger than
     * the study-wide one */
    const otto__spec **isect = NULL;
    size_t n = 0, n_isect = 0;
    int seen_complete = 0;
    for (size_t i = v->first; i < v->first + v->n; i++) {
        const otto_trial *c = otto__segvec_get(&s->finished, i);
        if (pruner_filters && !p->vt->filter(p->state, v->asking, c))
            continue;
        if (kept)
            kept[n] = c;
        n++;
        if (!v->want_isect || atomic_load(&((otto_trial *)c)->state) != OTTO_TRIAL_COMPLETE)
            continue;
        if (seen_complete) {
            isect_narrow(isect, &n_isect, c);
            continue;
        }
        seen_complete = 1;
        isect = otto__calloc(a, c->n_params ? c->n_params : 1, sizeof *isect);
        if (!isect) {
            otto__free(a, kept);
            return OTTO_ENOMEM;
        }
        for (size_t j = 0; j < c->n_params; j++)
            isect[j] = c->params[j].spec;
        n_isect = c->n_params;
    }
    if (v->want_isect) {
        otto__free(a, v->isect);
        v->isect = isect;
        v->n_isect = n_isect;
    }
    v->filtered = kept;
    v->n = n;
    return OTTO_OK;
}

void otto__view_init_light(otto_view *v, otto_study *s, const otto_trial *asking)
{
    memset(v, 0, sizeof *v);
    v->study = s;
    v->asking = asking;
    v->n = otto__segvec_count(&s->finished);
}

static void free_running(otto_view *v)
{
    const otto_allocator *a = &v->study->alloc;
    for (size_t i = 0; i < v->n_running; i++) {
        otto__trial_release(a, v->running[i]);
        otto__free(a, v->running[i]);
    }
    otto__free(a, v->running);
    v->running = NULL;
    v->n_running = 0;
    v->has_running = 0;
}

void otto__view_clear(otto_view *v)
{
    free_running(v);
    otto__free(&v->study->alloc, v->filtered);
    otto__free(&v->study->alloc, v->isect);
    v->filtered = NULL;
    v->isect = NULL;
}

void otto__view_free(otto_view *v)
{
    if (!v)
        return;
    otto__view_clear(v);
    otto__free(&v->study->alloc, v);
}

size_t otto_view_count(const otto_view *v) { return v ? v->n : 0; }

const otto_trial *otto_view_trial(const otto_view *v, size_t i)
{
    if (!v || i >= v->n)
        return NULL;
    return v->filtered ? v->filtered[i] : otto__segvec_get(&v->study->finished, v->first + i);
}

size_t otto_view_n_objectives(const otto_view *v) { return v ? v->study->n_objectives : 0; }

int otto_view_maximize(const otto_view *v, size_t k)
{
    return v && k < v->study->n_objectives && v->study->dirs[k] == OTTO_MAXIMIZE;
}

int otto_view_dominates(const otto_view *v, const double *a, const double *b)
{
    return v && a && b && otto__dominates(v->study->dirs, v->study->n_objectives, a, b);
}

int otto_view_running(const otto_view *cv, const otto_trial *const **out, size_t *n_out)
{
    if (!cv || !out || !n_out)
        return otto__error(OTTO_EINVAL, "view_running: NULL argument");
    otto_view *v = (otto_view *)cv; /* the lazily filled cache is not part of the snapshot */
    if (!v->has_running) {
        otto_study *s = v->study;
        pthread_mutex_lock(&s->mu);
        size_t n_remote = s->store ? s->store->n_remote : 0; /* other workers' */
        size_t cap = s->n_running + n_remote;
        otto_trial **arr = otto__calloc(&s->alloc, cap ? cap : 1, sizeof *arr);
        int rc = arr ? OTTO_OK : OTTO_ENOMEM;
        size_t n = 0;
        for (otto_trial *t = s->running; t && !rc; t = t->live->next) {
            if (t == v->asking)
                continue;
            rc = otto__trial_clone(&s->alloc, t, &arr[n]);
            if (!rc)
                n++;
        }
        for (size_t i = 0; i < n_remote && !rc; i++) {
            rc = otto__trial_clone(&s->alloc, s->store->remote[i], &arr[n]);
            if (!rc)
                n++;
        }
        pthread_mutex_unlock(&s->mu);
        v->running = arr;
        v->n_running = n;
        if (rc) {
            free_running(v);
            return otto__error(OTTO_ENOMEM, "view_running: out of memory");
        }
        v->has_running = 1;
    }
    *out = (const otto_trial *const *)v->running;
    *n_out = v->n_running;
    return OTTO_OK;
}

int otto_study_view(const otto_study *cs, otto_view **out)
{
    if (out)
        *out = NULL;
    if (!cs || !out)
        return otto__error(OTTO_EINVAL, "study_view: NULL argument");
    otto_study *s = (otto_study *)cs; /* the lock guards the finished count only */
    pthread_mutex_lock(&s->mu);
    int rc = otto__view_make(s, NULL, 0, out);
    pthread_mutex_unlock(&s->mu);
    return rc ? otto__error(rc, "study_view: out of memory") : OTTO_OK;
}

void otto_view_destroy(otto_view *v) { otto__view_free(v); }
