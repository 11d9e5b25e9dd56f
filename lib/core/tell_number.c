/* Telling a trial by its number, as Optuna's study.tell(number) and its
 * `tell --trial-number` command do: the trial may have been asked by another
 * study handle or process, whose RUNNING trial this handle read from the
 * storage; this handle takes it over and finishes it. */
#include "store.h"

int otto_study_tell_number(otto_study *s, int64_t number, otto_trial_state state,
                           const double *values, size_t n_values)
{
    if (!s)
        return otto__error(OTTO_EINVAL, "study_tell_number: NULL study");
    int rc = s->store ? otto_study_sync(s) : OTTO_OK; /* what the asker wrote since */
    if (rc)
        return rc;
    const otto_allocator *a = &s->alloc;
    pthread_mutex_lock(&s->mu);
    size_t count = otto__segvec_count(&s->trials);
    if (number < 0 || (uint64_t)number >= count) {
        pthread_mutex_unlock(&s->mu);
        return otto__error(OTTO_ENOTFOUND,
                           "study_tell_number: trial %lld has not been created (the study has "
                           "%zu trials)",
                           (long long)number, count);
    }
    otto_trial *t = otto__segvec_get(&s->trials, (size_t)number);
    if (otto__trial_state(t) == OTTO_TRIAL_RUNNING && !t->live) {
        /* another worker's trial: give it the running part its owner has */
        otto__live *live = otto__calloc(a, 1, sizeof *live);
        if (!live || otto__view_make(s, t, 0, &live->view)) {
            otto__free(a, live);
            pthread_mutex_unlock(&s->mu);
            return otto__error(OTTO_ENOMEM, "study_tell_number: out of memory");
        }
        otto__rng_init(&live->rng, otto__sampler_seed(s), (uint64_t)t->number);
        otto__store_forget_remote(s, t);
        live->next = s->running;
        if (s->running)
            s->running->live->prev = t;
        s->running = t;
        s->n_running++;
        t->live = live;
    }
    pthread_mutex_unlock(&s->mu);
    return otto_study_tell(s, t, state, values, n_values);
}
