/* Tell: the state and value checks, the NaN and pruned-value rules, the
 * sampler's after_trial hook, and the commit (with the storage's verdict
 * when another worker failed the trial for missed heartbeats). */
#include <math.h>
#include <string.h>

#include "store.h"

int otto__tell_args_check(const otto_study *s, otto_trial_state state, const double *values,
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

/* Claim the trial for this tell (lock taken here): OTTO_ESTATE when another
 * worker runs it, or it was told or is being told. */
static int begin_tell(otto_study *s, otto_trial *t)
{
    pthread_mutex_lock(&s->mu);
    int st = atomic_load(&t->state);
    int rc = OTTO_OK;
    if (st == OTTO_TRIAL_RUNNING && !t->live) /* replayed from another worker */
        rc = otto__error(OTTO_ESTATE, "study_tell: trial %lld is run by another worker "
                                      "(a trial is told by the study handle that asked it)",
                         (long long)t->number);
    else if (st != OTTO_TRIAL_RUNNING || t->live->telling)
        rc = otto__error(OTTO_ESTATE, "study_tell: trial %lld was already told (%s)",
                         (long long)t->number,
                         st == OTTO_TRIAL_RUNNING ? "tell in progress"
                                                  : otto_trial_state_name(st));
    else
        t->live->telling = 1;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static void end_tell_unlocked(otto_study *s, otto_trial *t)
{
    pthread_mutex_lock(&s->mu);
    t->live->telling = 0;
    pthread_mutex_unlock(&s->mu);
}

/* The NaN rule: a COMPLETE tell with a NaN value ends FAIL (logged), as in
 * Optuna; the tell itself succeeds. */
static otto_trial_state final_state(otto_study *s, const otto_trial *t, otto_trial_state state,
                                    const double *values, size_t n_values)
{
    otto_trial_state final = state;
    for (size_t k = 0; state == OTTO_TRIAL_COMPLETE && k < n_values; k++)
        if (isnan(values[k])) {
            otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld failed: objective value %zu is NaN",
                      (long long)t->number, k);
            final = OTTO_TRIAL_FAIL;
        }
    return final;
}

/* The values the trial keeps, copied into *out (NULL for none): a COMPLETE
 * trial's own; the pruned-value rule: a PRUNED single-objective trial's
 * value is its last report, if any and not NaN. */
static int kept_values(otto_study *s, const otto_trial *t, otto_trial_state final,
                       const double *values, size_t n_values, double **out, size_t *n_out)
{
    const double *src = final == OTTO_TRIAL_COMPLETE ? values : NULL;
    size_t n_src = n_values;
    if (final == OTTO_TRIAL_PRUNED && t->n_inter && s->n_objectives == 1 &&
        !isnan(t->inter[t->n_inter - 1].value)) {
        src = &t->inter[t->n_inter - 1].value;
        n_src = 1;
    }
    *out = NULL;
    *n_out = src ? n_src : 0;
    if (!src)
        return OTTO_OK;
    if (!(*out = otto__calloc(&s->alloc, n_src, sizeof **out)))
        return otto__error(OTTO_ENOMEM, "study_tell: out of memory; trial %lld is still running",
                           (long long)t->number);
    memcpy(*out, src, n_src * sizeof **out);
    return OTTO_OK;
}

/* Write the trial's end (to the storage, or reserve it in memory); lock
 * held. 0 in *publish: it failed and nothing changed (the trial stays
 * RUNNING and may be told again). When the storage says another worker
 * already ended it (it failed the trial for missed heartbeats, or this
 * worker's earlier tell was stored but its answer lost), that verdict is
 * taken: *final and *vals become the stored ones, the trial is published,
 * and only a stored FAIL stays an error (OTTO_ESTATE). */
static int commit_locked(otto_study *s, otto_trial *t, otto_trial_state *final, double **vals,
                         size_t n_vals, int *need_flush, int *publish)
{
    int rc = OTTO_OK;
    if (s->store) /* written (and caught up) before it is published here */
        rc = otto__store_finish(s, t, *final, *vals, n_vals, need_flush);
    else if (otto__study_reserve_finish(s, t, *final))
        rc = otto__error(OTTO_ENOMEM, "study_tell: out of memory; trial %lld is still running",
                         (long long)t->number);
    *publish = rc == OTTO_OK;
    if (rc == OTTO_ESTATE && t->live->remote_state &&
        !otto__study_reserve_finish(s, t, (otto_trial_state)t->live->remote_state)) {
        *final = (otto_trial_state)t->live->remote_state;
        otto__free(&s->alloc, *vals);
        *vals = t->values; /* what replay kept */
        t->values = NULL;
        *publish = 1;
        if (*final != OTTO_TRIAL_FAIL)
            rc = OTTO_OK;
    }
    return rc;
}

int otto_study_tell(otto_study *s, otto_trial *t, otto_trial_state state, const double *values,
                    size_t n_values)
{
    if (!s || !t)
        return otto__error(OTTO_EINVAL, "study_tell: NULL argument");
    if (t->study != s || t->frozen)
        return otto__error(OTTO_EINVAL, "study_tell: trial %lld does not belong to this study",
                           (long long)t->number);
    int rc = otto__tell_args_check(s, state, values, n_values, "study_tell");
    if (!rc)
        rc = begin_tell(s, t);
    if (rc)
        return rc;
    otto_trial_state final = final_state(s, t, state, values, n_values);
    double *vals;
    size_t n_vals;
    if ((rc = kept_values(s, t, final, values, n_values, &vals, &n_vals)) != OTTO_OK) {
        end_tell_unlocked(s, t);
        return rc;
    }
    const otto_sampler *sm = s->sampler;
    if (OTTO__VT_HAS(sm->vt, otto_sampler_vtable, after_trial) &&
        !t->live->no_after_trial) /* prefetch.c closes the proposal instead */
        sm->vt->after_trial(sm->state, t->live->view, t, final,
                            final == OTTO_TRIAL_COMPLETE ? vals : NULL,
                            final == OTTO_TRIAL_COMPLETE ? n_values : 0);

    pthread_mutex_lock(&s->mu);
    int need_flush = 0, publish;
    rc = commit_locked(s, t, &final, &vals, n_vals, &need_flush, &publish);
    if (!publish) {
        t->live->telling = 0;
        otto__study_unlock(s);
        otto__free(&s->alloc, vals);
        return rc;
    }
    t->values = vals;
    otto__live *live = t->live;
    otto__study_finish_locked(s, t, final);
    otto__study_unlock(s);
    otto__live_free(&s->alloc, live);
    if (rc)
        return rc;
    if (need_flush && (rc = otto__store_flush(s)) != OTTO_OK)
        return otto__error_wrap(rc, "study_tell: trial %lld was written but not forced to disk",
                                (long long)t->number);
    return OTTO_OK;
}
