/* Prefetched asks: the sampler's relative samples for the next trial numbers,
 * computed ahead on one worker thread the study owns (or by otto_study_work
 * on the host's threads), so that ask takes a ready one or, when none is
 * ready, a cheap fallback draw, and never waits for a model fit. The rules
 * (what a proposal sees, reproducibility) are in otto/study.h. */
#include <math.h>
#include <string.h>

#include "store.h"

enum { JOB_QUEUED = 0, JOB_BUSY = 1, JOB_READY = 2 };

/* A proposal for one trial number: a stand-in trial the sampler fills as it
 * would fill the asked trial (rng, relative params, system attributes). */
typedef struct job {
    int64_t number;
    int state;            /* JOB_*; guarded by the prefetch mutex */
    int abandoned;        /* asked without it while BUSY: the worker closes it */
    int64_t deps_from;    /* proposals deps_from..number-1 are its pending points */
    const otto_sampler *sampler; /* the one that computed it (for closing) */
    otto_trial *ghost;    /* live->proposal set; its view is the queue-time snapshot */
    struct job *next;
} job;

/* A proposal made, kept as a pending point for the proposals after it. */
typedef struct made {
    int64_t number;
    otto__param *params;
    size_t n;
} made;

struct otto__prefetch {
    size_t depth;           /* N */
    int threaded;           /* an owned worker thread (else otto_study_work) */
    otto_sampler *fallback; /* the cheap draw, through the study's relative space */
    pthread_mutex_t mu;     /* guards everything below but ring; never held while
                               taking the study lock */
    pthread_cond_t cv;      /* work queued, a unit done, or stop */
    pthread_t thread;
    int started, stop, start_failed;
    job *head;              /* QUEUED, BUSY and READY jobs by number */
    job *closing;           /* proposals no ask took, to close with after_trial */
    int busy;               /* a unit is running (units run one at a time) */
    int64_t next;           /* the next number to queue */
    made *ring;             /* the last `depth` proposals made: only the thread
                               running a unit (busy) touches it */
    size_t n_ring;
};

/* ---- jobs ------------------------------------------------------------------------ */

static void ghost_free(otto_study *s, otto_trial *g)
{
    if (!g)
        return;
    otto__live_free(&s->alloc, g->live);
    otto__trial_release(&s->alloc, g);
    otto__free(&s->alloc, g);
}

static void job_free(otto_study *s, job *j)
{
    ghost_free(s, j->ghost);
    otto__free(&s->alloc, j);
}

/* A frozen copy of a running trial as a pending point: its params, plus the
 * relative params it has not suggested yet (it will take these values), so
 * that a trial just asked counts with its coordinates. Study lock held. */
static int pending_copy(otto_study *s, const otto_trial *src, otto_trial **out)
{
    otto_trial *c;
    if (otto__trial_clone(&s->alloc, src, &c))
        return OTTO_ENOMEM;
    const otto__live *l = src->live;
    for (size_t i = 0; l && i < l->n_relative; i++) {
        int have = 0;
        for (size_t j = 0; j < c->n_params && !have; j++)
            have = c->params[j].spec->name == l->relative[i].spec->name;
        if (!have && otto__trial_add_param(c, l->relative[i].spec, l->relative[i].value)) {
            otto__trial_release(&s->alloc, c);
            otto__free(&s->alloc, c);
            return OTTO_ENOMEM;
        }
    }
    *out = c;
    return OTTO_OK;
}

/* Append a frozen trial to a view's running list (made by snapshot()). */
static int view_add_running(otto_study *s, otto_view *v, otto_trial *c)
{
    otto_trial **r = otto__reallocarray(&s->alloc, v->running, v->n_running + 1, sizeof *r);
    if (!r)
        return OTTO_ENOMEM;
    v->running = r;
    v->running[v->n_running++] = c;
    return OTTO_OK;
}

/* A new job for `number`: its stand-in trial, with trial number's stream and a
 * snapshot of the study now (finished trials, intersection space, running
 * trials as pending points). Both locks held (study, then prefetch). */
static job *job_make(otto_study *s, int64_t number, int64_t deps_from)
{
    const otto_allocator *a = &s->alloc;
    job *j = otto__calloc(a, 1, sizeof *j);
    otto_trial *g = otto__calloc(a, 1, sizeof *g);
    otto__live *l = otto__calloc(a, 1, sizeof *l);
    if (!j || !g || !l) {
        otto__free(a, j);
        otto__free(a, g);
        otto__free(a, l);
        return NULL;
    }
    j->number = number;
    j->deps_from = deps_from;
    j->ghost = g;
    g->study = s;
    g->number = number;
    atomic_init(&g->state, OTTO_TRIAL_RUNNING);
    g->live = l;
    l->proposal = 1;
    otto__rng_init(&l->rng, otto__sampler_seed(s), (uint64_t)number);
    int rc = otto__view_make(s, g, 1, &l->view);
    if (!rc) {
        l->view->has_running = 1; /* filled now, not when the sampler asks */
        for (const otto_trial *t = s->running; t && !rc; t = t->live->next) {
            otto_trial *c;
            rc = pending_copy(s, t, &c);
            if (!rc && (rc = view_add_running(s, l->view, c)) != OTTO_OK) {
                otto__trial_release(a, c);
                otto__free(a, c);
            }
        }
        for (size_t i = 0; s->store && !rc && i < s->store->n_remote; i++) {
            otto_trial *c;
            rc = otto__trial_clone(a, s->store->remote[i], &c);
            if (!rc && (rc = view_add_running(s, l->view, c)) != OTTO_OK) {
                otto__trial_release(a, c);
                otto__free(a, c);
            }
        }
    }
    if (rc) {
        job_free(s, j);
        return NULL;
    }
    return j;
}

/* ---- work units ---------------------------------------------------------------------- */

static void ring_put(otto_study *s, otto__prefetch *pf, int64_t number, const otto__live *l)
{
    made *m = NULL;
    if (pf->n_ring < pf->depth) {
        m = &pf->ring[pf->n_ring++];
    } else { /* replace the oldest */
        m = &pf->ring[0];
        for (size_t i = 1; i < pf->n_ring; i++)
            if (pf->ring[i].number < m->number)
                m = &pf->ring[i];
    }
    otto__free(&s->alloc, m->params);
    m->number = number;
    m->n = 0;
    m->params = l->n_relative ? otto__calloc(&s->alloc, l->n_relative, sizeof *m->params) : NULL;
    if (m->params) {
        memcpy(m->params, l->relative, l->n_relative * sizeof *m->params);
        m->n = l->n_relative;
    }
}

/* Compute a job's proposal (no lock held; busy is ours). */
static void compute(otto_study *s, otto__prefetch *pf, job *j)
{
    const otto_allocator *a = &s->alloc;
    otto_trial *g = j->ghost;
    otto_view *v = g->live->view;
    if (otto__view_filter(v))
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "prefetch: trial %lld: out of memory filtering the sampler's view; using all "
                  "trials", (long long)j->number);
    /* the proposals queued before it that no ask had taken: pending points */
    for (size_t i = 0; i < pf->n_ring; i++) {
        const made *m = &pf->ring[i];
        if (m->number < j->deps_from || m->number >= j->number || !m->n)
            continue;
        otto_trial *c = otto__calloc(a, 1, sizeof *c);
        otto__param *p = otto__calloc(a, m->n, sizeof *p);
        if (!c || !p || view_add_running(s, v, c)) {
            otto__free(a, c);
            otto__free(a, p);
            otto__log(&s->log, OTTO_LEVEL_WARNING,
                      "prefetch: trial %lld: out of memory listing pending proposals",
                      (long long)j->number);
            break;
        }
        c->study = s;
        c->number = m->number;
        atomic_init(&c->state, OTTO_TRIAL_RUNNING);
        c->frozen = 1;
        memcpy(p, m->params, m->n * sizeof *p);
        c->params = p;
        c->n_params = c->cap_params = m->n;
    }
    pthread_mutex_lock(&s->mu); /* set_sampler swaps it under the lock */
    const otto_sampler *sm = s->sampler;
    pthread_mutex_unlock(&s->mu);
    j->sampler = sm;
    if (OTTO__VT_HAS(sm->vt, otto_sampler_vtable, sample_relative) &&
        (v->n_isect || OTTO__VT_HAS(sm->vt, otto_sampler_vtable, infer_relative_space)))
        otto__sample_relative(s, sm, g);
    ring_put(s, pf, j->number, g->live);
}

/* Tell the sampler that made a proposal that no trial takes it. */
static void close_job(otto_study *s, job *j)
{
    const otto_sampler *sm = j->sampler;
    if (sm && OTTO__VT_HAS(sm->vt, otto_sampler_vtable, after_trial))
        sm->vt->after_trial(sm->state, j->ghost->live->view, j->ghost, OTTO_TRIAL_FAIL, NULL, 0);
    job_free(s, j);
}

static int has_work_locked(const otto__prefetch *pf)
{
    if (pf->busy)
        return 0;
    if (pf->closing)
        return 1;
    for (const job *j = pf->head; j; j = j->next)
        if (j->state == JOB_QUEUED)
            return 1;
    return 0;
}

/* One unit: close a proposal no ask took, or compute the oldest queued one. */
static int work_one(otto_study *s, otto__prefetch *pf)
{
    pthread_mutex_lock(&pf->mu);
    if (pf->busy) {
        pthread_mutex_unlock(&pf->mu);
        return 0;
    }
    job *j = pf->closing;
    if (j) {
        pf->closing = j->next;
        pf->busy = 1;
        pthread_mutex_unlock(&pf->mu);
        close_job(s, j);
        pthread_mutex_lock(&pf->mu);
        pf->busy = 0;
        pthread_cond_broadcast(&pf->cv);
        pthread_mutex_unlock(&pf->mu);
        return 1;
    }
    for (j = pf->head; j && j->state != JOB_QUEUED; j = j->next)
        ;
    if (!j) {
        pthread_mutex_unlock(&pf->mu);
        return 0;
    }
    j->state = JOB_BUSY;
    pf->busy = 1;
    pthread_mutex_unlock(&pf->mu);

    compute(s, pf, j);

    pthread_mutex_lock(&pf->mu);
    pf->busy = 0;
    int abandoned = j->abandoned; /* then an ask unlinked it: it is ours */
    if (!abandoned)
        j->state = JOB_READY;
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
    if (abandoned)
        close_job(s, j);
    return 1;
}

static void *worker_main(void *arg)
{
    otto_study *s = arg;
    otto__prefetch *pf = s->prefetch;
    pthread_mutex_lock(&pf->mu);
    while (!pf->stop) {
        if (!has_work_locked(pf)) {
            pthread_cond_wait(&pf->cv, &pf->mu);
            continue;
        }
        pthread_mutex_unlock(&pf->mu);
        work_one(s, pf);
        pthread_mutex_lock(&pf->mu);
    }
    pthread_mutex_unlock(&pf->mu);
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------------------------ */

int otto__prefetch_create(otto_study *s, const otto_study_options *o,
                          const otto__defaults *defaults)
{
    const otto_allocator *a = &s->alloc;
    if (o->prefetch > 1024)
        return otto__error(OTTO_EINVAL, "study_create: prefetch %zu is unreasonably large "
                                        "(at most 1024)",
                           o->prefetch);
    if (o->prefetch_thread != 0 && o->prefetch_thread != 1)
        return otto__error(OTTO_EINVAL, "study_create: prefetch_thread %d must be 0 or 1",
                           o->prefetch_thread);
    otto__prefetch *pf = otto__calloc(a, 1, sizeof *pf);
    made *ring = otto__calloc(a, o->prefetch, sizeof *ring);
    if (!pf || !ring) {
        otto__free(a, pf);
        otto__free(a, ring);
        return otto__error(OTTO_ENOMEM, "study_create: out of memory");
    }
    int rc = otto__prefetch_fallback_create(s, defaults, &pf->fallback);
    if (!rc && pthread_mutex_init(&pf->mu, NULL) != 0)
        rc = otto__error(OTTO_ESYSTEM, "study_create: cannot create a mutex");
    if (!rc && pthread_cond_init(&pf->cv, NULL) != 0) {
        pthread_mutex_destroy(&pf->mu);
        rc = otto__error(OTTO_ESYSTEM, "study_create: cannot create a condition variable");
    }
    if (rc) {
        otto_sampler_destroy(pf->fallback);
        otto__free(a, ring);
        otto__free(a, pf);
        return rc;
    }
    pf->depth = o->prefetch;
    pf->threaded = o->prefetch_thread;
    pf->ring = ring;
    s->prefetch = pf;
    return OTTO_OK;
}

/* Unlink every job; *out gets them (prefetch lock held). */
static job *take_all_locked(otto__prefetch *pf)
{
    job *all = pf->closing;
    pf->closing = NULL;
    while (pf->head) {
        job *j = pf->head;
        pf->head = j->next;
        j->next = all;
        all = j;
    }
    return all;
}

void otto__prefetch_destroy(otto_study *s)
{
    otto__prefetch *pf = s->prefetch;
    if (!pf)
        return;
    pthread_mutex_lock(&pf->mu);
    pf->stop = 1;
    pthread_cond_broadcast(&pf->cv);
    int started = pf->started;
    pthread_mutex_unlock(&pf->mu);
    if (started) /* it finishes the unit in progress, then sees stop */
        pthread_join(pf->thread, NULL);
    /* no unit runs now: the thread is gone, and no other call may run */
    job *all = take_all_locked(pf);
    while (all) {
        job *j = all;
        all = j->next;
        job_free(s, j);
    }
    for (size_t i = 0; i < pf->n_ring; i++)
        otto__free(&s->alloc, pf->ring[i].params);
    otto__free(&s->alloc, pf->ring);
    otto_sampler_destroy(pf->fallback);
    pthread_cond_destroy(&pf->cv);
    pthread_mutex_destroy(&pf->mu);
    otto__free(&s->alloc, pf);
    s->prefetch = NULL;
}

void otto__prefetch_reset(otto_study *s)
{
    otto__prefetch *pf = s->prefetch;
    if (!pf)
        return;
    pthread_mutex_lock(&pf->mu);
    while (pf->busy)
        pthread_cond_wait(&pf->cv, &pf->mu);
    job *all = take_all_locked(pf);
    pf->busy = 1; /* the ring is ours */
    pthread_mutex_unlock(&pf->mu);
    while (all) {
        job *j = all;
        all = j->next;
        job_free(s, j);
    }
    for (size_t i = 0; i < pf->n_ring; i++)
        otto__free(&s->alloc, pf->ring[i].params);
    memset(pf->ring, 0, pf->depth * sizeof *pf->ring);
    pthread_mutex_lock(&pf->mu);
    pf->n_ring = 0;
    pf->busy = 0;
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
}

/* ---- ask ------------------------------------------------------------------------------ */

/* Give the asked trial the proposal's relative params, the rest of its
 * random stream and the system attributes the sampler set on it. */
static void take(otto_study *s, otto_trial *t, job *j)
{
    otto__live *gl = j->ghost->live, *tl = t->live;
    tl->relative = gl->relative;
    tl->n_relative = gl->n_relative;
    gl->relative = NULL;
    gl->n_relative = 0;
    tl->rng = gl->rng;
    for (size_t i = 0; i < j->ghost->n_sys; i++)
        if (otto_trial_set_system_attr(t, j->ghost->sys[i].key, j->ghost->sys[i].value))
            otto__log(&s->log, OTTO_LEVEL_WARNING,
                      "trial %lld: cannot copy the proposal's system attr '%s' (%s)",
                      (long long)t->number, j->ghost->sys[i].key, otto_last_error_message());
    job_free(s, j);
}

/* Trial `number` was asked by this handle and is still running (study lock
 * held): its own ask takes or drops its proposal. */
static int asked_here(otto_study *s, int64_t number)
{
    if (number < 0 || (size_t)number >= otto__segvec_count(&s->trials))
        return 0;
    const otto_trial *t = otto__segvec_get(&s->trials, (size_t)number);
    return t->live != NULL;
}

void otto__prefetch_ask(otto_study *s, otto_trial *t)
{
    otto__prefetch *pf = s->prefetch;
    if (!OTTO__VT_HAS(s->sampler->vt, otto_sampler_vtable, sample_relative))
        return; /* nothing to compute ahead */

    /* 1. the front of the queue: this trial's proposal, and stale ones (for
     * numbers that went to added trials or other workers' trials; a number
     * whose ask runs on another thread right now is left to that ask) */
    job *mine = NULL, *drop = NULL;
    pthread_mutex_lock(&s->mu);
    pthread_mutex_lock(&pf->mu);
    for (job **at = &pf->head; *at && (*at)->number <= t->number;) {
        job *j = *at;
        if (j->number < t->number && asked_here(s, j->number)) {
            at = &j->next;
            continue;
        }
        *at = j->next;
        j->next = NULL;
        if (j->state == JOB_READY && j->number == t->number) {
            mine = j;
        } else if (j->state == JOB_BUSY) { /* the sampler has it: close it after */
            j->abandoned = 1;
            if (j->number == t->number)
                t->live->no_after_trial = 1;
        } else if (j->state == JOB_READY) { /* its number went elsewhere */
            j->next = pf->closing;
            pf->closing = j;
        } else { /* never started: the sampler never saw it */
            j->next = drop;
            drop = j;
        }
    }
    pthread_mutex_unlock(&pf->mu);
    pthread_mutex_unlock(&s->mu);
    while (drop) {
        job *j = drop;
        drop = j->next;
        job_free(s, j);
    }

    /* 2. this trial's relative params: the proposal, else the fallback */
    if (mine) {
        take(s, t, mine);
    } else {
        otto__sample_relative(s, s->prefetch->fallback, t);
    }
    if (otto_trial_set_system_attr(t, "otto:prefetch", mine ? "ready" : "fallback"))
        otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld: cannot record otto:prefetch (%s)",
                  (long long)t->number, otto_last_error_message());

    /* 3. queue the proposals up to N ahead, seeing this trial's params */
    int oom = 0, start = 0;
    pthread_mutex_lock(&s->mu);
    pthread_mutex_lock(&pf->mu);
    int64_t taken = (int64_t)otto__segvec_count(&s->trials); /* numbers given out */
    if (pf->next < taken)
        pf->next = taken;
    job **tail = &pf->head;
    while (*tail)
        tail = &(*tail)->next;
    while (pf->next <= t->number + (int64_t)pf->depth) {
        job *j = job_make(s, pf->next, t->number + 1);
        if (!j) {
            oom = 1;
            break;
        }
        pf->next++;
        *tail = j;
        tail = &j->next;
    }
    if (pf->threaded && !pf->started && !pf->start_failed) {
        pf->started = 1;
        start = 1;
    }
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
    otto__study_unlock(s);
    if (oom)
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "prefetch: out of memory queuing proposals after trial %lld",
                  (long long)t->number);
    if (start && pthread_create(&pf->thread, NULL, worker_main, s) != 0) {
        pthread_mutex_lock(&pf->mu);
        pf->started = 0;
        pf->start_failed = 1;
        pthread_mutex_unlock(&pf->mu);
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "prefetch: cannot start the worker thread; asks fall back until "
                  "otto_study_work runs the proposals");
    }
}

/* ---- public ---------------------------------------------------------------------------- */

int otto_study_work(otto_study *s, int *did_work)
{
    if (did_work)
        *did_work = 0;
    if (!s)
        return otto__error(OTTO_EINVAL, "study_work: NULL study");
    int did = s->prefetch ? work_one(s, s->prefetch) : 0;
    if (did_work)
        *did_work = did;
    return OTTO_OK;
}

size_t otto_study_prefetch_ready(const otto_study *cs)
{
    otto_study *s = (otto_study *)cs;
    if (!s || !s->prefetch)
        return 0;
    int64_t next = (int64_t)otto__segvec_count(&s->trials);
    otto__prefetch *pf = s->prefetch;
    size_t n = 0;
    pthread_mutex_lock(&pf->mu);
    for (const job *j = pf->head; j; j = j->next) {
        if (j->number < next)
            continue;
        if (j->number != next + (int64_t)n || j->state != JOB_READY)
            break;
        n++;
    }
    pthread_mutex_unlock(&pf->mu);
    return n;
}
