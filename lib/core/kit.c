/* The plug-in kit's accessors (include/otto/sys/sampler.h) over the core's
 * structures: parameter keys (interned specs), objective values, and the
 * study's allocator, seed and log as a plug-in reaches them through a view.
 * Built-in samplers and pruners read the study through these alone. */
#include <math.h>
#include <stdio.h>

#include "internal.h"

const otto_param_key *otto_trial_param_key(const otto_trial *t, size_t i, double *value)
{
    if (!t || i >= t->n_params)
        return NULL;
    if (value)
        *value = t->params[i].value;
    return t->params[i].spec;
}

const otto_param_key *otto_trial_param_like(const otto_trial *t, const otto_param_key *like,
                                            size_t hint, double *value)
{
    if (!t || !like)
        return NULL;
    const otto__param *p = otto__trial_find_interned(t, like->name, hint);
    if (p && value)
        *value = p->value;
    return p ? p->spec : NULL;
}

const otto_param_key *otto_trial_param_find(const otto_trial *t, const char *name,
                                            double *value)
{
    const otto__param *p = t && name ? otto__trial_find(t, name) : NULL;
    if (p && value)
        *value = p->value;
    return p ? p->spec : NULL;
}

const otto_param_key *otto_view_param_key(const otto_view *v, const char *name,
                                          const otto_distribution *dist)
{
    if (!v || !name || !dist)
        return NULL;
    otto_study *s = v->study;
    const otto__spec *spec = NULL;
    pthread_mutex_lock(&s->mu); /* other threads may be interning names */
    int rc = otto__names_spec(&s->names, &s->alloc, name, dist, &spec);
    pthread_mutex_unlock(&s->mu);
    return rc ? NULL : spec;
}

const char *otto_param_key_name(const otto_param_key *k) { return k ? k->name->str : ""; }

const otto_distribution *otto_param_key_distribution(const otto_param_key *k)
{
    return k ? &k->dist : NULL;
}

const void *otto_param_key_name_id(const otto_param_key *k) { return k ? k->name : NULL; }

const otto_param_key *otto_space_param_key(const otto_space *sp, size_t i)
{
    return sp && i < sp->n ? sp->params[i].spec : NULL;
}

double otto_trial_objective(const otto_trial *t, size_t k)
{
    if (!t || !t->values || k >= t->study->n_objectives)
        return NAN;
    return t->values[k];
}

const otto_allocator *otto_view_allocator(const otto_view *v) { return v ? &v->study->alloc : NULL; }

const otto_allocator *otto_study_allocator(const otto_study *s) { return s ? &s->alloc : NULL; }

uint64_t otto_view_seed(const otto_view *v) { return v ? otto__sampler_seed(v->study) : 0; }

void otto_view_log(const otto_view *v, otto_log_level level, const char *fmt, ...)
{
    if (!v || !fmt || !v->study->log.fn || level < v->study->log.level)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    otto__log(&v->study->log, level, "%s", msg);
}

const otto_report *otto_trial_reports(const otto_trial *t, size_t *n)
{
    if (n)
        *n = t ? t->n_inter : 0;
    return t ? t->inter : NULL;
}

double otto_trial_constraint(const otto_trial *t, size_t i)
{
    if (!t)
        return NAN;
    int locked = otto__trial_lock(t);
    double c = i < t->n_constraints ? t->constraints[i] : NAN;
    otto__trial_unlock(t, locked);
    return c;
}

size_t otto_trial_constraint_count(const otto_trial *t)
{
    if (!t)
        return 0;
    int locked = otto__trial_lock(t);
    size_t n = t->n_constraints;
    otto__trial_unlock(t, locked);
    return n;
}

size_t otto_view_intersection(const otto_view *v, const otto_param_key *const **keys)
{
    if (keys)
        *keys = v ? (const otto_param_key *const *)v->isect : NULL;
    return v ? v->n_isect : 0;
}

int otto_space_add_key(otto_space *sp, const otto_param_key *key)
{
    if (!sp || !key)
        return otto__error(OTTO_EINVAL, "space_add_key: NULL argument");
    return otto__space_append_spec(sp, key);
}
