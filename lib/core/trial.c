/* Trials: define-by-run suggestion (fixed, relative or independent values),
 * intermediate reports and attributes; the read accessors are in
 * trial_read.c, constraints in trial_constraints.c. Writers are the owner thread and always hold the study lock;
 * readers of a RUNNING trial take it too, readers of a finished (immutable)
 * trial do not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "internal.h"

const char *otto_trial_state_name(otto_trial_state st)
{
    switch (st) {
    case OTTO_TRIAL_RUNNING: return "RUNNING";
    case OTTO_TRIAL_COMPLETE: return "COMPLETE";
    case OTTO_TRIAL_PRUNED: return "PRUNED";
    case OTTO_TRIAL_FAIL: return "FAIL";
    case OTTO_TRIAL_WAITING: return "WAITING";
    }
    return "UNKNOWN";
}

static int state_of(const otto_trial *t)
{
    return atomic_load_explicit(&((otto_trial *)t)->state, memory_order_acquire);
}

int otto__trial_lock(const otto_trial *t)
{
    if (t->frozen || state_of(t) != OTTO_TRIAL_RUNNING)
        return 0;
    pthread_mutex_lock(&t->study->mu);
    return 1;
}

void otto__trial_unlock(const otto_trial *t, int locked)
{
    if (locked)
        pthread_mutex_unlock(&t->study->mu);
}

static void attrs_free(const otto_allocator *a, otto__attr *arr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        otto__free(a, arr[i].key);
        otto__free(a, arr[i].value);
    }
    otto__free(a, arr);
}

void otto__trial_release(const otto_allocator *a, otto_trial *t)
{
    otto__free(a, t->params);
    otto__free(a, t->values);
    otto__free(a, t->inter);
    attrs_free(a, t->user, t->n_user);
    attrs_free(a, t->sys, t->n_sys);
    otto__constraints_release(a, t);
    memset(t, 0, offsetof(otto_trial, live));
}

const otto__param *otto__trial_find(const otto_trial *t, const char *name)
{
    if (t->n_params < 8) {
        for (size_t i = 0; i < t->n_params; i++)
            if (strcmp(t->params[i].spec->name->str, name) == 0)
                return &t->params[i];
        return NULL;
    }
    /* many params: compare the interned names' hashes first */
    uint64_t h = otto__hash_bytes(name, strlen(name));
    for (size_t i = 0; i < t->n_params; i++)
        if (t->params[i].spec->name->hash == h && strcmp(t->params[i].spec->name->str, name) == 0)
            return &t->params[i];
    return NULL;
}

const otto__param *otto__trial_find_interned(const otto_trial *t, const otto__name *nm,
                                             size_t hint)
{
    if (hint < t->n_params && t->params[hint].spec->name == nm)
        return &t->params[hint];
    for (size_t j = 0; j < t->n_params; j++)
        if (t->params[j].spec->name == nm)
            return &t->params[j];
    return NULL;
}

int otto__trial_add_param(otto_trial *t, const otto__spec *spec, double value)
{
    const otto_allocator *a = &t->study->alloc;
    if (t->n_params == t->cap_params) {
        size_t cap = t->cap_params ? 2 * t->cap_params : 4;
        otto__param *p = otto__reallocarray(a, t->params, cap, sizeof *p);
        if (!p)
            return OTTO_ENOMEM;
        t->params = p;
        t->cap_params = cap;
    }
    t->params[t->n_params].spec = spec;
    t->params[t->n_params].value = value;
    t->n_params++;
    return OTTO_OK;
}

int otto__trial_insert_report(const otto_allocator *a, otto_trial *t, int64_t step,
                              double value, size_t *at)
{
    if (t->n_inter == t->cap_inter) {
        size_t cap = t->cap_inter ? 2 * t->cap_inter : 8;
        otto__step_value *p = otto__reallocarray(a, t->inter, cap, sizeof *p);
        if (!p)
            return OTTO_ENOMEM;
        t->inter = p;
        t->cap_inter = cap;
    }
    /* keep steps sorted so lookups and "last step" stay simple */
    size_t i = t->n_inter;
    while (i > 0 && t->inter[i - 1].step > step) {
        t->inter[i] = t->inter[i - 1];
        i--;
    }
    t->inter[i].step = step;
    t->inter[i].value = value;
    t->n_inter++;
    if (at)
        *at = i;
    return OTTO_OK;
}

int otto__attr_set(const otto_allocator *a, otto__attr **arr, size_t *n, const char *key,
                   const char *value)
{
    char *v = otto__strdup(a, value);
    if (!v)
        return OTTO_ENOMEM;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].key, key) == 0) {
            otto__free(a, (*arr)[i].value);
            (*arr)[i].value = v;
            return OTTO_OK;
        }
    char *k = otto__strdup(a, key);
    otto__attr *grown = k ? otto__reallocarray(a, *arr, *n + 1, sizeof **arr) : NULL;
    if (!grown) {
        otto__free(a, k);
        otto__free(a, v);
        return OTTO_ENOMEM;
    }
    *arr = grown;
    grown[*n].key = k;
    grown[*n].value = v;
    (*n)++;
    return OTTO_OK;
}

int otto__trial_clone(const otto_allocator *a, const otto_trial *src, otto_trial **out)
{
    otto_trial *t = otto__calloc(a, 1, sizeof *t);
    if (!t)
        return OTTO_ENOMEM;
    t->study = src->study;
    t->number = src->number;
    atomic_init(&t->state, OTTO_TRIAL_RUNNING);
    t->frozen = 1;
    t->t_start = src->t_start;
    if (src->n_params) {
        t->params = otto__calloc(a, src->n_params, sizeof *t->params);
        if (!t->params)
            goto oom;
        memcpy(t->params, src->params, src->n_params * sizeof *t->params);
        t->n_params = t->cap_params = src->n_params;
    }
    if (src->n_inter) {
        t->inter = otto__calloc(a, src->n_inter, sizeof *t->inter);
        if (!t->inter)
            goto oom;
        memcpy(t->inter, src->inter, src->n_inter * sizeof *t->inter);
        t->n_inter = t->cap_inter = src->n_inter;
    }
    *out = t;
    return OTTO_OK;
oom:
    otto__trial_release(a, t);
    otto__free(a, t);
    return OTTO_ENOMEM;
}

/* ---- suggest ------------------------------------------------------------------- */

static int check_running(const otto_trial *t, const char *fn)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "%s: trial is NULL", fn);
    if (t->frozen || state_of(t) != OTTO_TRIAL_RUNNING || !t->live || t->live->telling)
        return otto__error(OTTO_ESTATE, "%s: trial %lld is %s", fn, (long long)t->number,
                           t->frozen ? "a frozen copy"
                           : !t->live && state_of(t) == OTTO_TRIAL_RUNNING
                               ? "run by another worker"
                           : t->live && t->live->telling
                               ? "being told (its tell is under way)"
                               : otto_trial_state_name(state_of(t)));
    if (t->live->remote_state)
        return otto__error(OTTO_ESTATE,
                           "%s: trial %lld is finished in the storage (marked FAIL by another "
                           "worker after its heartbeat stopped, or told by this worker in a call "
                           "that returned OTTO_EIO); tell it to finish it here",
                           fn, (long long)t->number);
    return OTTO_OK;
}

/* An enqueued value for this param, converted to internal; 1 when used, 0
 * when there is none (or it is ignored), negative (an otto status) for an
 * enqueued NaN of a numeric param. */
static int fixed_value(otto_trial *t, const char *name, const otto_distribution *d,
                       const char *fn, double *out)
{
    const otto__logger *lg = &t->study->log;
    for (size_t i = 0; i < t->live->n_fixed; i++) {
        const otto__fixed *f = &t->live->fixed[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (d->kind == OTTO_DIST_CATEGORICAL) {
            if (f->kind & OTTO_VALUE_LABEL)
                for (size_t c = 0; c < d->n_choices; c++)
                    if (strcmp(d->choices[c], f->label) == 0) {
                        *out = (double)c;
                        return 1;
                    }
            otto__log(lg, OTTO_LEVEL_WARNING,
                      "trial %lld: enqueued value of '%s' is not one of its choices; sampling it",
                      (long long)t->number, name);
            return 0;
        }
        if (!(f->kind & OTTO_VALUE_NUMBER) && f->label && strcmp(f->label, OTTO__LABEL_NAN) == 0)
            return otto__error(OTTO_EINVAL, "%s '%s': `nan` is invalid value.", fn, name);
        if (!(f->kind & OTTO_VALUE_NUMBER)) {
            otto__log(lg, OTTO_LEVEL_WARNING,
                      "trial %lld: enqueued label for numeric '%s' ignored; sampling it",
                      (long long)t->number, name);
            return 0;
        }
        double v = f->number;
        if (d->kind == OTTO_DIST_INT && v != nearbyint(v)) {
            otto__log(lg, OTTO_LEVEL_WARNING,
                      "trial %lld: enqueued value %g of int '%s' rounded to %g",
                      (long long)t->number, v, name, nearbyint(v));
            v = nearbyint(v);
        }
        if (!otto_distribution_contains(d, v))
            otto__log(lg, OTTO_LEVEL_WARNING,
                      "trial %lld: enqueued value %g of '%s' is outside [%g, %g] or off its "
                      "grid; using it anyway",
                      (long long)t->number, v, name, d->low, d->high);
        *out = v;
        return 1;
    }
    return 0;
}

static int suggest(otto_trial *t, const char *name, const otto_distribution *d, int adjusted,
                   const char *fn, double *out)
{
    otto_study *s = t->study;
    const otto__param *have = otto__trial_find(t, name);
    if (have) {
        if (!otto__dist_compatible(&have->spec->dist, d))
            return otto__error(OTTO_EDIST,
                               "%s '%s': already suggested in trial %lld with another kind, log "
                               "flag or choice list",
                               fn, name, (long long)t->number);
        *out = have->value;
        return OTTO_OK;
    }
    if (adjusted)
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "%s '%s': step does not divide the range; high lowered to %.17g", fn, name,
                  d->high);
    const otto__spec *spec;
    pthread_mutex_lock(&s->mu);
    int rc = otto__names_spec(&s->names, &s->alloc, name, d, &spec);
    pthread_mutex_unlock(&s->mu);
    if (rc)
        return rc;

    double v = NAN;
    int found = fixed_value(t, name, &spec->dist, fn, &v);
    if (found < 0)
        return found; /* the trial stays RUNNING without the param, as in Optuna */
    const otto__live *lv = t->live;
    if (!found && t->n_params < lv->n_relative && lv->relative[t->n_params].spec == spec) {
        v = lv->relative[t->n_params].value; /* suggested in the relative space's order */
        found = 1;
    }
    for (size_t i = 0; !found && i < lv->n_relative; i++)
        if (lv->relative[i].spec == spec) {
            v = lv->relative[i].value;
            found = 1;
        }
    if (!found) {
        const otto_sampler *sm = s->sampler;
        rc = sm->vt->sample_independent(sm->state, t->live->view, t, name, &spec->dist, &v);
        if (rc)
            return rc < 0 ? rc : otto__error(OTTO_ECALLBACK, "%s '%s': sampler '%s' failed (%d)",
                                             fn, name, otto_sampler_name(sm), rc);
        if (!otto_distribution_contains(&spec->dist, v))
            return otto__error(OTTO_ECALLBACK,
                               "%s '%s': sampler '%s' returned %g, outside the distribution", fn,
                               name, otto_sampler_name(sm), v);
    }
    pthread_mutex_lock(&s->mu);
    rc = otto__trial_add_param(t, spec, v);
    if (rc)
        rc = otto__error(rc, "%s '%s': out of memory", fn, name);
    else if (s->store && (rc = otto__store_param(s, t, spec, v)) != OTTO_OK)
        t->n_params--; /* not stored: not suggested */
    otto__study_unlock(s);
    if (rc)
        return rc;
    *out = v;
    return OTTO_OK;
}

int otto_trial_suggest_float(otto_trial *t, const char *name, double low, double high,
                             double step, unsigned flags, double *out)
{
    int rc = check_running(t, "suggest_float");
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "suggest_float: out is NULL");
    otto_distribution d;
    int adjusted;
    rc = otto__dist_make_float(&d, name, low, high, step, flags, &adjusted);
    if (rc)
        return rc;
    double v;
    rc = suggest(t, name, &d, adjusted, "suggest_float", &v);
    if (rc)
        return rc;
    *out = v;
    return OTTO_OK;
}

int otto_trial_suggest_int(otto_trial *t, const char *name, int64_t low, int64_t high,
                           int64_t step, unsigned flags, int64_t *out)
{
    int rc = check_running(t, "suggest_int");
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "suggest_int: out is NULL");
    otto_distribution d;
    int adjusted;
    rc = otto__dist_make_int(&d, name, low, high, step, flags, &adjusted);
    if (rc)
        return rc;
    double v;
    rc = suggest(t, name, &d, adjusted, "suggest_int", &v);
    if (rc)
        return rc;
    *out = (int64_t)v;
    return OTTO_OK;
}

int otto_trial_suggest_categorical(otto_trial *t, const char *name, const char *const *choices,
                                   size_t n_choices, size_t *out_index)
{
    int rc = check_running(t, "suggest_categorical");
    if (rc)
        return rc;
    if (!out_index)
        return otto__error(OTTO_EINVAL, "suggest_categorical: out_index is NULL");
    otto_distribution d;
    rc = otto__dist_make_categorical(&d, name, choices, n_choices);
    if (rc)
        return rc;
    double v;
    rc = suggest(t, name, &d, 0, "suggest_categorical", &v);
    if (rc)
        return rc;
    *out_index = (size_t)v;
    return OTTO_OK;
}

/* ---- report / prune ----------------------------------------------------------------- */

int otto_trial_report(otto_trial *t, int64_t step, double value)
{
    int rc = check_running(t, "report");
    if (rc)
        return rc;
    otto_study *s = t->study;
    if (s->n_objectives != 1)
        return otto__error(OTTO_ESTATE, "report: multi-objective studies cannot report");
    if (step < 0)
        return otto__error(OTTO_EINVAL, "report: step %lld must be >= 0", (long long)step);
    if (t->n_inter && step <= t->inter[t->n_inter - 1].step) {
        for (size_t i = t->n_inter; i-- > 0;)
            if (t->inter[i].step == step) {
                otto__log(&s->log, OTTO_LEVEL_WARNING,
                          "trial %lld: step %lld was already reported; keeping the first value",
                          (long long)t->number, (long long)step);
                return OTTO_OK;
            }
    }
    pthread_mutex_lock(&s->mu);
    size_t at;
    if (otto__trial_insert_report(&s->alloc, t, step, value, &at)) {
        pthread_mutex_unlock(&s->mu);
        return otto__error(OTTO_ENOMEM, "report: out of memory");
    }
    if (s->store && (rc = otto__store_report(s, t, step, value)) != OTTO_OK) {
        t->n_inter--; /* not stored: not reported */
        memmove(&t->inter[at], &t->inter[at + 1], (t->n_inter - at) * sizeof *t->inter);
    }
    otto__study_unlock(s);
    return rc;
}

int otto_trial_should_prune(otto_trial *t, int *out)
{
    int rc = check_running(t, "should_prune");
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "should_prune: out is NULL");
    otto_study *s = t->study;
    otto_view v;
    otto__view_init_light(&v, s, t);
    int prune = 0;
    rc = s->pruner->vt->prune(s->pruner->state, &v, t, &prune);
    otto__view_clear(&v);
    if (rc)
        return rc < 0 ? rc : otto__error(OTTO_ECALLBACK, "pruner '%s' failed (%d)",
                                         otto_pruner_name(s->pruner), rc);
    *out = prune != 0;
    return OTTO_OK;
}

/* ---- attributes ------------------------------------------------------------------------ */

static int set_attr(otto_trial *t, int sys, const char *key, const char *value)
{
    const char *fn = sys ? "set_system_attr" : "set_user_attr";
    int rc = check_running(t, fn);
    if (rc)
        return rc;
    if ((rc = otto__text_check(key, 0, fn, "key")) != OTTO_OK)
        return rc;
    if (!value)
        return otto__error(OTTO_EINVAL, "%s '%.64s': value is NULL", fn, key);
    if ((rc = otto__text_check(value, 1, fn, "value")) != OTTO_OK)
        return rc;
    otto_study *s = t->study;
    pthread_mutex_lock(&s->mu);
    if (s->store && !t->live->proposal && /* a prefetch stand-in is never stored */
        (rc = otto__store_attr(s, t, sys, key, value)) != OTTO_OK) {
        otto__study_unlock(s);
        return rc;
    }
    rc = sys ? otto__attr_set(&s->alloc, &t->sys, &t->n_sys, key, value)
             : otto__attr_set(&s->alloc, &t->user, &t->n_user, key, value);
    otto__study_unlock(s);
    return rc ? otto__error(rc, "%s '%s': out of memory", fn, key) : OTTO_OK;
}

int otto_trial_set_user_attr(otto_trial *t, const char *key, const char *value)
{
    return set_attr(t, 0, key, value);
}

int otto_trial_set_system_attr(otto_trial *t, const char *key, const char *value)
{
    return set_attr(t, 1, key, value);
}
