/* The study's lifecycle and read accessors: options, creation (the defaults
 * come from above core), destruction, swapping the sampler, the deferred
 * log lines flushed at unlock, and the trial count, lookup and stop flag.
 * Ask, tell, the queue, warm starts and the history bookkeeping have files
 * of their own (study_*.c). */
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
    def.prefetch_thread = 1;
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

int otto__study_create(const otto_study_options *opts, const otto__defaults *defaults,
                       otto_study **out)
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
    s->forget_window = o.forget_window;
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
        rc = defaults->sampler(&s->alloc, &s->sampler);
    if (!rc && !s->pruner)
        rc = defaults->pruner(&s->alloc, &s->pruner);
    if (!rc && o.storage)
        rc = otto__store_attach(s, &o);
    if (!rc && o.prefetch) /* prefetch.c */
        rc = otto__prefetch_create(s, &o, defaults);
    if (rc) {
        otto_study_destroy(s);
        return rc;
    }
    *out = s;
    return OTTO_OK;
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
    otto__prefetch_destroy(s); /* prefetch.c: joins its worker before anything goes */
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
    otto__prefetch_reset(s); /* prefetch.c: proposals of the old sampler go with it */
    otto_sampler_destroy(old);
    return OTTO_OK;
}

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
