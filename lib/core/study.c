/* The study: options and creation, ask (trial numbering, enqueued params,
 * relative sampling on a snapshot), tell (validation, sampler hook, the
 * incremental best trial, Pareto front and intersection search space),
 * enqueue, warm-start trials, and the read accessors. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "common/options.h"

#define MAX_OBJECTIVES 1024


void otto_study_options_init_sized(otto_study_options *o, size_t size)
{
    otto_study_options def;
    memset(&def, 0, sizeof def);
    def.direction = OTTO_MINIMIZE;
    def.n_objectives = 1;
    def.seed = OTTO_SEED_NONE;
    def.log_level = OTTO_LEVEL_WARNING;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int direction_valid(otto_direction d) { return d == OTTO_MINIMIZE || d == OTTO_MAXIMIZE; }

static int validate_options(const otto_study_options *o)
{
    if (o->n_objectives < 1 || o->n_objectives > MAX_OBJECTIVES)
        return otto__error(OTTO_EINVAL, "study_create: n_objectives %zu must be in 1..%d",
                           o->n_objectives, MAX_OBJECTIVES);
    if (o->n_objectives > 1 && !o->directions)
        return otto__error(OTTO_EINVAL, "study_create: %zu objectives need directions[]",
                           o->n_objectives);
    if (o->directions) {
        for (size_t k = 0; k < o->n_objectives; k++)
            if (!direction_valid(o->directions[k]))
                return otto__error(OTTO_EINVAL, "study_create: directions[%zu] = %d is invalid", k,
                                   (int)o->directions[k]);
    } else if (!direction_valid(o->direction)) {
        return otto__error(OTTO_EINVAL, "study_create: direction %d is invalid", (int)o->direction);
    }
    if (o->allocator &&
        (!o->allocator->malloc_fn || !o->allocator->realloc_fn || !o->allocator->free_fn))
        return otto__error(OTTO_EINVAL, "study_create: allocator needs all three functions");
    if (o->log_level < OTTO_LEVEL_DEBUG || o->log_level > OTTO_LEVEL_ERROR)
        return otto__error(OTTO_EINVAL, "study_create: log_level %d is invalid", (int)o->log_level);
    if (o->name && !o->name[0])
        return otto__error(OTTO_EINVAL, "study_create: name must not be empty (NULL for none)");
    if (o->name) {
        int rc = otto__text_check(o->name, 0, "study_create", "name");
        if (rc)
            return rc;
    }
    if (o->open_mode < OTTO_OPEN_CREATE || o->open_mode > OTTO_OPEN_LOAD)
        return otto__error(OTTO_EINVAL, "study_create: open_mode %d is invalid",
                           (int)o->open_mode);
    if (o->open_mode == OTTO_OPEN_LOAD && !o->storage)
        return otto__error(OTTO_EINVAL, "study_create: OTTO_OPEN_LOAD needs a storage");
    if (o->open_mode == OTTO_OPEN_LOAD && !o->name)
        return otto__error(OTTO_EINVAL, "study_create: OTTO_OPEN_LOAD needs the study's name");
    return OTTO_OK;
}

int otto_study_create(const otto_study_options *opts, otto_study **out)
{
    if (out)
        *out = NULL;
    if (!opts)
        return otto__error(OTTO_EINVAL, "study_create: options are NULL");
    otto_study_options o;
    otto_study_options_init(&o);
    int rc = otto__options_copy(&o, sizeof o, opts, "study_options");
    otto_sampler *sampler = rc ? NULL : o.sampler;
    otto_pruner *pruner = rc ? NULL : o.pruner;
    /* adopt them; one that another study owns is left alone (it is not ours
     * to destroy) and refused */
    if (sampler && atomic_exchange(&sampler->adopted, 1)) {
        sampler = NULL;
        rc = otto__error(OTTO_EINVAL, "study_create: the sampler belongs to another study "
                                      "(create one sampler per study)");
    }
    if (pruner && atomic_exchange(&pruner->adopted, 1)) {
        pruner = NULL;
        if (!rc)
            rc = otto__error(OTTO_EINVAL, "study_create: the pruner belongs to another study "
                                          "(create one pruner per study)");
    }
    if (!rc && !out)
        rc = otto__error(OTTO_EINVAL, "study_create: out is NULL");
    if (!rc)
        rc = validate_options(&o);
    if (rc) {
        otto_sampler_destroy(sampler);
        otto_pruner_destroy(pruner);
        return rc;
    }

    otto_allocator a;
    if (o.allocator)
        a = *o.allocator;
    else
        otto__alloc_default(&a);
    otto_study *s = otto__calloc(&a, 1, sizeof *s);
    if (!s) {
        otto_sampler_destroy(sampler);
        otto_pruner_destroy(pruner);
        return otto__error(OTTO_ENOMEM, "study_create: out of memory");
    }
    s->alloc = a;
    s->sampler = sampler;
    s->pruner = pruner;
    s->log.fn = o.log_fn;
    s->log.user_data = o.log_user_data;
    s->log.level = o.log_level;
    s->n_objectives = o.n_objectives;
    s->seed = o.seed;
    atomic_init(&s->stop, 0);
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        otto_sampler_destroy(sampler);
        otto_pruner_destroy(pruner);
        otto__free(&a, s);
        return otto__error(OTTO_ESYSTEM, "study_create: cannot create a mutex");
    }
    rc = o.seed == OTTO_SEED_NONE ? otto__entropy64(&s->seed) : OTTO_OK;
    s->dirs = otto__calloc(&a, s->n_objectives, sizeof *s->dirs);
    char unique[32];
    uint64_t tag = 0;
    if (!rc && !o.name && o.storage) { /* a stored study needs a name no other study has */
        rc = otto__entropy64(&tag);
        snprintf(unique, sizeof unique, "no-name-%016llx", (unsigned long long)tag);
    }
    s->name = otto__strdup(&a, o.name ? o.name : o.storage ? unique : "no-name");
    if (!rc && (!s->dirs || !s->name))
        rc = otto__error(OTTO_ENOMEM, "study_create: out of memory");
    for (size_t k = 0; !rc && k < s->n_objectives; k++)
        s->dirs[k] = o.directions ? o.directions[k] : o.direction;
    if (!rc && !s->sampler)
        rc = otto__default_sampler(&s->sampler);
    if (!rc && !s->pruner)
        rc = otto__default_pruner(&s->pruner);
    if (!rc && o.storage)
        rc = otto__store_attach(s, &o);
    if (rc) {
        otto_study_destroy(s);
        return rc;
    }
    *out = s;
    return OTTO_OK;
}

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

void otto__study_defer_log(otto_study *s, otto_log_level level, const char *fmt, ...)
{
    if (!s->log.fn || level < s->log.level || s->n_deferred == 4)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->deferred[s->n_deferred], sizeof s->deferred[0], fmt, ap);
    va_end(ap);
    s->deferred_level[s->n_deferred++] = level;
}

void otto__study_unlock(otto_study *s)
{
    if (!s->n_deferred) {
        pthread_mutex_unlock(&s->mu);
        return;
    }
    char msg[4][256];
    otto_log_level lv[4];
    size_t n = s->n_deferred;
    memcpy(msg, s->deferred, sizeof msg);
    memcpy(lv, s->deferred_level, sizeof lv);
    s->n_deferred = 0;
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < n; i++)
        otto__log(&s->log, lv[i], "%s", msg[i]);
}

void otto_study_destroy(otto_study *s)
{
    if (!s)
        return;
    otto__store_detach(s); /* stops the heartbeat thread first */
    const otto_allocator *a = &s->alloc;
    size_t n = otto__segvec_count(&s->trials);
    for (size_t i = 0; i < n; i++) {
        otto_trial *t = otto__segvec_get(&s->trials, i);
        otto__live_free(a, t->live);
        otto__trial_release(a, t);
        otto__free(a, t);
    }
    while (s->queue_head) {
        otto__queued *q = s->queue_head;
        s->queue_head = q->next;
        otto__queued_free(a, q);
    }
    otto__segvec_free(&s->trials, a);
    otto__segvec_free(&s->finished, a);
    otto__names_free(&s->names, a);
    otto__study_attrs_free(s);
    otto__free(a, s->front);
    otto__free(a, s->isect);
    otto_sampler_destroy(s->sampler);
    otto_pruner_destroy(s->pruner);
    otto__free(a, s->dirs);
    otto__free(a, s->name);
    pthread_mutex_destroy(&s->mu);
    otto__free(a, s);
}

int otto_study_set_sampler(otto_study *s, otto_sampler *sampler)
{
    if (!s || !sampler) {
        otto_sampler_destroy(sampler);
        return otto__error(OTTO_EINVAL, "study_set_sampler: NULL argument");
    }
    if (atomic_exchange(&sampler->adopted, 1)) /* not ours: do not destroy it */
        return otto__error(OTTO_EINVAL, "study_set_sampler: the sampler belongs to another "
                                        "study (create one sampler per study)");
    pthread_mutex_lock(&s->mu);
    otto_sampler *old = s->sampler;
    size_t running = s->n_running;
    if (!running)
        s->sampler = sampler;
    pthread_mutex_unlock(&s->mu);
    if (running) {
        otto_sampler_destroy(sampler);
        return otto__error(OTTO_ESTATE, "study_set_sampler: %zu trial(s) of this study handle "
                                        "are running; tell them first",
                           running);
    }
    otto_sampler_destroy(old);
    return OTTO_OK;
}

/* ---- ask ------------------------------------------------------------------------ */

/* Relative sampling for a new trial. Failures are logged and the trial falls
 * back to independent sampling: a sampler problem never fails the study. */
static void sample_relative(otto_study *s, otto_trial *t)
{
    const otto_sampler *sm = s->sampler;
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
            t->live->relative = rel;
            t->live->n_relative = kept;
        }
    }
    otto__free(a, vals);
    otto__free(a, specs);
    otto_space_destroy(space);
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

    int64_t retry_of = q ? q->retry_of : -1;
    otto__attr *queued_user = q ? q->user : NULL;
    size_t n_queued_user = q ? q->n_user : 0;
    if (q) {
        live->fixed = q->fixed;
        live->n_fixed = q->n;
        otto__free(a, q);
    }
    for (size_t i = 0; i < n_queued_user; i++) { /* the enqueued trial's user attrs */
        if (otto_trial_set_user_attr(t, queued_user[i].key, queued_user[i].value) != OTTO_OK)
            otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld: cannot set enqueued attr '%s' (%s)",
                      (long long)t->number, queued_user[i].key, otto_last_error_message());
        otto__free(a, queued_user[i].key);
        otto__free(a, queued_user[i].value);
    }
    otto__free(a, queued_user);
    if (retry_of >= 0) { /* link it to the trial it retries, as Optuna does */
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)retry_of);
        if (otto_trial_set_system_attr(t, "failed_trial", num) != OTTO_OK)
            otto__log(&s->log, OTTO_LEVEL_WARNING,
                      "trial %lld: cannot record that it retries trial %lld (%s)",
                      (long long)t->number, (long long)retry_of, otto_last_error_message());
    }
    otto__rng_init(&live->rng, otto__sampler_seed(s), (uint64_t)t->number);
    if (otto__view_filter(live->view))
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "trial %lld: out of memory filtering the sampler's view; using all trials",
                  (long long)t->number);
    if (relative && (live->view->n_isect ||
                     OTTO__VT_HAS(s->sampler->vt, otto_sampler_vtable, infer_relative_space)))
        sample_relative(s, t);
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

/* ---- tell ------------------------------------------------------------------------ */

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

static int check_tell_args(const otto_study *s, otto_trial_state state, const double *values,
                           size_t n_values, const char *fn)
{
    switch (state) {
    case OTTO_TRIAL_COMPLETE:
        if (!values)
            return otto__error(OTTO_EINVAL, "%s: a COMPLETE trial needs values", fn);
        if (n_values != s->n_objectives)
            return otto__error(OTTO_EINVAL, "%s: %zu values for %zu objectives", fn, n_values,
                               s->n_objectives);
        return OTTO_OK;
    case OTTO_TRIAL_PRUNED:
    case OTTO_TRIAL_FAIL:
        if (values || n_values)
            return otto__error(OTTO_EINVAL, "%s: a %s trial takes no values", fn,
                               otto_trial_state_name(state));
        return OTTO_OK;
    default:
        return otto__error(OTTO_EINVAL, "%s: state %d is not COMPLETE, PRUNED or FAIL", fn,
                           (int)state);
    }
}

int otto_study_tell(otto_study *s, otto_trial *t, otto_trial_state state, const double *values,
                    size_t n_values)
{
    if (!s || !t)
        return otto__error(OTTO_EINVAL, "study_tell: NULL argument");
    if (t->study != s || t->frozen)
        return otto__error(OTTO_EINVAL, "study_tell: trial %lld does not belong to this study",
                           (long long)t->number);
    int rc = check_tell_args(s, state, values, n_values, "study_tell");
    if (rc)
        return rc;
    const otto_allocator *a = &s->alloc;

    pthread_mutex_lock(&s->mu);
    int st = atomic_load(&t->state);
    if (st == OTTO_TRIAL_RUNNING && !t->live) { /* replayed from another worker */
        pthread_mutex_unlock(&s->mu);
        return otto__error(OTTO_ESTATE, "study_tell: trial %lld is run by another worker "
                                        "(a trial is told by the study handle that asked it)",
                           (long long)t->number);
    }
    if (st != OTTO_TRIAL_RUNNING || t->live->telling) {
        pthread_mutex_unlock(&s->mu);
        return otto__error(OTTO_ESTATE, "study_tell: trial %lld was already told (%s)",
                           (long long)t->number,
                           st == OTTO_TRIAL_RUNNING ? "tell in progress"
                                                    : otto_trial_state_name(st));
    }
    t->live->telling = 1;
    pthread_mutex_unlock(&s->mu);

    otto_trial_state final = state;
    for (size_t k = 0; state == OTTO_TRIAL_COMPLETE && k < n_values; k++)
        if (isnan(values[k])) {
            otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld failed: objective value %zu is NaN",
                      (long long)t->number, k);
            final = OTTO_TRIAL_FAIL;
        }
    /* A PRUNED trial's value is the one reported at its last step, if any. */
    const double *src = final == OTTO_TRIAL_COMPLETE ? values : NULL;
    size_t n_src = n_values;
    if (final == OTTO_TRIAL_PRUNED && t->n_inter && s->n_objectives == 1 &&
        !isnan(t->inter[t->n_inter - 1].value)) {
        src = &t->inter[t->n_inter - 1].value;
        n_src = 1;
    }
    double *vals = src ? otto__calloc(a, n_src, sizeof *vals) : NULL;
    if (src && !vals) {
        pthread_mutex_lock(&s->mu);
        t->live->telling = 0;
        pthread_mutex_unlock(&s->mu);
        return otto__error(OTTO_ENOMEM, "study_tell: out of memory; trial %lld is still running",
                           (long long)t->number);
    }
    if (src)
        memcpy(vals, src, n_src * sizeof *vals);

    const otto_sampler *sm = s->sampler;
    if (OTTO__VT_HAS(sm->vt, otto_sampler_vtable, after_trial))
        sm->vt->after_trial(sm->state, t->live->view, t, final,
                            final == OTTO_TRIAL_COMPLETE ? vals : NULL,
                            final == OTTO_TRIAL_COMPLETE ? n_values : 0);

    pthread_mutex_lock(&s->mu);
    int need_flush = 0;
    if (s->store) /* written (and caught up) before it is published here */
        rc = otto__store_finish(s, t, final, vals, vals ? n_src : 0, &need_flush);
    else if (otto__study_reserve_finish(s, t, final))
        rc = otto__error(OTTO_ENOMEM, "study_tell: out of memory; trial %lld is still running",
                         (long long)t->number);
    if (rc == OTTO_ESTATE && t->live->remote_state &&
        !otto__study_reserve_finish(s, t, (otto_trial_state)t->live->remote_state)) {
        /* another worker failed it for missed heartbeats: take its verdict.
         * A stored COMPLETE or PRUNED is this worker's own earlier tell whose
         * answer the storage lost (OTTO_EIO): it stands, with the values
         * replay kept in t->values, and this retry succeeds. */
        final = (otto_trial_state)t->live->remote_state;
        otto__free(a, vals);
        vals = t->values;
        t->values = NULL;
        if (final != OTTO_TRIAL_FAIL)
            rc = OTTO_OK;
    } else if (rc) {
        t->live->telling = 0;
        otto__study_unlock(s);
        otto__free(a, vals);
        return rc;
    }
    t->values = vals;
    otto__live *live = t->live;
    otto__study_finish_locked(s, t, final);
    otto__study_unlock(s);
    otto__live_free(a, live);
    if (rc)
        return rc;
    if (need_flush && (rc = otto__store_flush(s)) != OTTO_OK)
        return otto__error(rc, "study_tell: trial %lld was written but not forced to disk: %s",
                           (long long)t->number, otto_last_error_message());
    return OTTO_OK;
}

/* ---- enqueue and warm start --------------------------------------------------------- */

static int check_extras(const otto_trial_extras *e);

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
        erc = check_extras(&ex);
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
        if ((p->kind & OTTO_VALUE_NUMBER) && !isfinite(p->number))
            return otto__error(OTTO_EINVAL, "enqueue_trial '%s': value must be finite", p->name);
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
        if (ok && (f->kind & OTTO_VALUE_LABEL))
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

void otto_trial_extras_init_sized(otto_trial_extras *e, size_t size)
{
    otto_trial_extras def;
    memset(&def, 0, sizeof def);
    OTTO__OPTIONS_INIT(e, size, def);
}

/* Check extras before anything is built. */
static int check_extras(const otto_trial_extras *e)
{
    const char *fn = "add_trial";
    if ((e->n_reports && (!e->steps || !e->report_values)) ||
        (e->n_user_attrs && (!e->user_keys || !e->user_values)) ||
        (e->n_system_attrs && (!e->system_keys || !e->system_values)) ||
        (e->n_constraints && !e->constraints))
        return otto__error(OTTO_EINVAL, "add_trial: NULL extras array");
    for (size_t i = 0; i < e->n_reports; i++) {
        if (e->steps[i] < 0)
            return otto__error(OTTO_EINVAL, "add_trial: step %lld is negative",
                               (long long)e->steps[i]);
        for (size_t j = 0; j < i; j++)
            if (e->steps[j] == e->steps[i])
                return otto__error(OTTO_EINVAL, "add_trial: step %lld is given twice",
                                   (long long)e->steps[i]);
    }
    int rc = OTTO_OK;
    for (size_t i = 0; !rc && i < e->n_user_attrs; i++)
        if (!(rc = otto__text_check(e->user_keys[i], 0, fn, "user attr key")))
            rc = otto__text_check(e->user_values[i], 1, fn, "user attr value");
    for (size_t i = 0; !rc && i < e->n_system_attrs; i++)
        if (!(rc = otto__text_check(e->system_keys[i], 0, fn, "system attr key")))
            rc = otto__text_check(e->system_values[i], 1, fn, "system attr value");
    for (size_t i = 0; !rc && i < e->n_constraints; i++)
        if (isnan(e->constraints[i]))
            rc = otto__error(OTTO_EINVAL, "add_trial: constraint %zu is NaN", i);
    return rc;
}

/* Give a new (unpublished) trial its extras. */
static int add_extras(const otto_allocator *a, otto_trial *t, const otto_trial_extras *e)
{
    for (size_t i = 0; i < e->n_reports; i++)
        if (otto__trial_insert_report(a, t, e->steps[i], e->report_values[i], NULL))
            return OTTO_ENOMEM;
    for (size_t i = 0; i < e->n_user_attrs; i++)
        if (otto__attr_set(a, &t->user, &t->n_user, e->user_keys[i], e->user_values[i]))
            return OTTO_ENOMEM;
    for (size_t i = 0; i < e->n_system_attrs; i++)
        if (otto__attr_set(a, &t->sys, &t->n_sys, e->system_keys[i], e->system_values[i]))
            return OTTO_ENOMEM;
    if (e->n_constraints) {
        if (!(t->constraints = otto__calloc(a, e->n_constraints, sizeof *t->constraints)))
            return OTTO_ENOMEM;
        memcpy(t->constraints, e->constraints, e->n_constraints * sizeof *t->constraints);
        t->n_constraints = e->n_constraints;
    }
    return OTTO_OK;
}

int otto_study_add_trial(otto_study *s, const otto_space *space, const double *internal_values,
                         otto_trial_state state, const double *values, size_t n_values,
                         int64_t *number_out)
{
    return otto_study_add_trial_with(s, space, internal_values, state, values, n_values, NULL,
                                     number_out);
}

int otto_study_add_trial_with(otto_study *s, const otto_space *space,
                              const double *internal_values, otto_trial_state state,
                              const double *values, size_t n_values,
                              const otto_trial_extras *extras, int64_t *number_out)
{
    if (!s || !space || (space->n && !internal_values))
        return otto__error(OTTO_EINVAL, "add_trial: NULL argument");
    int rc = check_tell_args(s, state, values, n_values, "add_trial");
    if (rc)
        return rc;
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    if (extras && ((rc = otto__options_copy(&ex, sizeof ex, extras, "trial_extras")) ||
                   (rc = check_extras(&ex))))
        return rc;
    for (size_t k = 0; state == OTTO_TRIAL_COMPLETE && k < n_values; k++)
        if (isnan(values[k]))
            return otto__error(OTTO_EINVAL, "add_trial: value %zu is NaN", k);
    for (size_t i = 0; i < space->n; i++)
        if (!otto_distribution_contains(&space->params[i].dist, internal_values[i]))
            return otto__error(OTTO_EINVAL, "add_trial: value %g of '%s' is outside its "
                                            "distribution",
                               internal_values[i], space->params[i].name);
    const otto_allocator *a = &s->alloc;
    otto_trial *t = otto__calloc(a, 1, sizeof *t);
    double *vals = state == OTTO_TRIAL_COMPLETE ? otto__calloc(a, n_values, sizeof *vals) : NULL;
    if (!t || (state == OTTO_TRIAL_COMPLETE && !vals)) {
        otto__free(a, t);
        otto__free(a, vals);
        return otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    }
    if (vals)
        memcpy(vals, values, n_values * sizeof *vals);
    t->study = s; /* not visible to other threads until published below */
    atomic_init(&t->state, OTTO_TRIAL_RUNNING);

    if (add_extras(a, t, &ex))
        rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; !rc && i < space->n; i++) {
        const otto__spec *spec;
        rc = otto__names_spec(&s->names, a, space->params[i].name, &space->params[i].dist, &spec);
        if (!rc && otto__trial_add_param(t, spec, internal_values[i]))
            rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    }
    if (!rc && (otto__segvec_reserve(&s->trials, a) || otto__study_reserve_finish(s, t, state)))
        rc = otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    t->values = vals;
    t->t_start = t->t_complete = otto__wall_time();
    int need_flush = 0;
    if (!rc && s->store) /* numbered after every other worker's trials */
        rc = otto__store_add_trial(s, t, state, &need_flush);
    else
        t->number = (int64_t)otto__segvec_count(&s->trials);
    if (rc) {
        otto__study_unlock(s);
        otto__trial_release(a, t); /* frees vals */
        otto__free(a, t);
        return rc;
    }
    otto__segvec_push(&s->trials, a, t);
    otto__study_finish_locked(s, t, state);
    otto__study_unlock(s);
    if (number_out)
        *number_out = t->number;
    if (need_flush)
        return otto__store_flush(s);
    return OTTO_OK;
}

/* ---- reading ------------------------------------------------------------------------ */

size_t otto_study_trial_count(const otto_study *s)
{
    return s ? otto__segvec_count(&s->trials) : 0;
}

int otto_study_trial(const otto_study *s, int64_t number, const otto_trial **out)
{
    if (!s || !out)
        return otto__error(OTTO_EINVAL, "study_trial: NULL argument");
    size_t n = otto__segvec_count(&s->trials);
    if (number < 0 || (uint64_t)number >= n)
        return otto__error(OTTO_ENOTFOUND, "study_trial: no trial %lld (count %zu)",
                           (long long)number, n);
    *out = otto__segvec_get(&s->trials, (size_t)number);
    return OTTO_OK;
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

size_t otto_study_n_objectives(const otto_study *s) { return s ? s->n_objectives : 0; }

otto_direction otto_study_direction(const otto_study *s, size_t k)
{
    return s && k < s->n_objectives ? s->dirs[k] : (otto_direction)0;
}

const char *otto_study_name(const otto_study *s) { return s ? s->name : ""; }

void otto_study_stop(otto_study *s)
{
    if (s)
        atomic_store(&s->stop, 1);
}
