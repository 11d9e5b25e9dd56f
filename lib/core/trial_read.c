/* Reading a trial: number, state, values, params, intermediate values,
 * attributes, constraints and times. A finished trial is immutable and read
 * without locks; a RUNNING one is read under the study lock
 * (otto__trial_lock), since its owner thread may be writing it. */
#include <string.h>

#include "internal.h"

int64_t otto_trial_number(const otto_trial *t) { return t ? t->number : -1; }

otto_trial_state otto_trial_get_state(const otto_trial *t)
{
    return t ? (otto_trial_state)atomic_load_explicit(&((otto_trial *)t)->state,
                                                      memory_order_acquire)
             : OTTO_TRIAL_FAIL;
}

static size_t copy_doubles(const double *src, size_t count, double *out, size_t n)
{
    if (out)
        memcpy(out, src, (count < n ? count : n) * sizeof *out);
    return count;
}

int otto_trial_values(const otto_trial *t, double *out, size_t n, size_t *n_out)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "trial_values: trial is NULL");
    /* values are written once, before the state leaves RUNNING (release) */
    if (t->frozen || otto_trial_get_state(t) == OTTO_TRIAL_RUNNING || !t->values)
        return otto__error(OTTO_ESTATE, "trial %lld has no values (%s)", (long long)t->number,
                           otto_trial_state_name(otto_trial_get_state(t)));
    size_t count = copy_doubles(t->values, t->study->n_objectives, out, n);
    if (n_out)
        *n_out = count;
    return OTTO_OK;
}

int otto_trial_value(const otto_trial *t, double *out)
{
    if (!t || !out)
        return otto__error(OTTO_EINVAL, "trial_value: NULL argument");
    if (t->study->n_objectives != 1)
        return otto__error(OTTO_ESTATE, "trial_value: the study has %zu objectives; use "
                                        "otto_trial_values",
                           t->study->n_objectives);
    return otto_trial_values(t, out, 1, NULL);
}

static int find_param(const otto_trial *t, const char *name, const char *fn,
                      otto__param *out)
{
    if (!t || !name)
        return otto__error(OTTO_EINVAL, "%s: NULL argument", fn);
    int locked = otto__trial_lock(t);
    const otto__param *p = otto__trial_find(t, name);
    if (p)
        *out = *p;
    otto__trial_unlock(t, locked);
    if (!p)
        return otto__error(OTTO_ENOTFOUND, "%s: trial %lld has no parameter '%s'", fn,
                           (long long)t->number, name);
    return OTTO_OK;
}

int otto_trial_param_float(const otto_trial *t, const char *name, double *out)
{
    otto__param p = {0};
    int rc = find_param(t, name, "param_float", &p);
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "param_float: out is NULL");
    if (p.spec->dist.kind == OTTO_DIST_CATEGORICAL)
        return otto__error(OTTO_EDIST, "param_float: '%s' is categorical", name);
    *out = p.value;
    return OTTO_OK;
}

int otto_trial_param_int(const otto_trial *t, const char *name, int64_t *out)
{
    otto__param p = {0};
    int rc = find_param(t, name, "param_int", &p);
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "param_int: out is NULL");
    if (p.spec->dist.kind != OTTO_DIST_INT)
        return otto__error(OTTO_EDIST, "param_int: '%s' is not an int parameter", name);
    *out = (int64_t)p.value;
    return OTTO_OK;
}

int otto_trial_param_index(const otto_trial *t, const char *name, size_t *out)
{
    otto__param p = {0};
    int rc = find_param(t, name, "param_index", &p);
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "param_index: out is NULL");
    if (p.spec->dist.kind != OTTO_DIST_CATEGORICAL)
        return otto__error(OTTO_EDIST, "param_index: '%s' is not categorical", name);
    *out = (size_t)p.value;
    return OTTO_OK;
}

int otto_trial_param_label(const otto_trial *t, const char *name, const char **out)
{
    otto__param p = {0};
    int rc = find_param(t, name, "param_label", &p);
    if (rc)
        return rc;
    if (!out)
        return otto__error(OTTO_EINVAL, "param_label: out is NULL");
    if (p.spec->dist.kind != OTTO_DIST_CATEGORICAL)
        return otto__error(OTTO_EDIST, "param_label: '%s' is not categorical", name);
    *out = p.spec->dist.choices[(size_t)p.value];
    return OTTO_OK;
}

size_t otto_trial_param_count(const otto_trial *t)
{
    if (!t)
        return 0;
    int locked = otto__trial_lock(t);
    size_t n = t->n_params;
    otto__trial_unlock(t, locked);
    return n;
}

int otto_trial_param_at(const otto_trial *t, size_t i, const char **name,
                        otto_distribution *dist, double *internal_value)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "param_at: trial is NULL");
    int locked = otto__trial_lock(t);
    int ok = i < t->n_params;
    otto__param p = {0};
    if (ok)
        p = t->params[i];
    size_t n = t->n_params;
    otto__trial_unlock(t, locked);
    if (!ok)
        return otto__error(OTTO_ERANGE, "param_at: index %zu >= count %zu", i, n);
    if (name)
        *name = p.spec->name->str;
    if (dist)
        *dist = p.spec->dist;
    if (internal_value)
        *internal_value = p.value;
    return OTTO_OK;
}

size_t otto_trial_intermediate_count(const otto_trial *t)
{
    if (!t)
        return 0;
    int locked = otto__trial_lock(t);
    size_t n = t->n_inter;
    otto__trial_unlock(t, locked);
    return n;
}

int otto_trial_intermediate_at(const otto_trial *t, size_t i, int64_t *step, double *value)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "intermediate_at: trial is NULL");
    int locked = otto__trial_lock(t);
    int ok = i < t->n_inter;
    otto__step_value sv = {0, 0};
    if (ok)
        sv = t->inter[i];
    otto__trial_unlock(t, locked);
    if (!ok)
        return otto__error(OTTO_ERANGE, "intermediate_at: index %zu out of range", i);
    if (step)
        *step = sv.step;
    if (value)
        *value = sv.value;
    return OTTO_OK;
}

int otto_trial_intermediate_value(const otto_trial *t, int64_t step, double *out)
{
    if (!t || !out)
        return otto__error(OTTO_EINVAL, "intermediate_value: NULL argument");
    int locked = otto__trial_lock(t);
    /* steps are kept sorted: binary search */
    size_t lo = 0, hi = t->n_inter;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->inter[mid].step < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    int ok = lo < t->n_inter && t->inter[lo].step == step;
    if (ok)
        *out = t->inter[lo].value;
    otto__trial_unlock(t, locked);
    if (!ok)
        return otto__error(OTTO_ENOTFOUND, "trial %lld reported nothing at step %lld",
                           (long long)t->number, (long long)step);
    return OTTO_OK;
}

/* The value under key, or NULL; no error message either way. */
static const char *attr_lookup(const otto_trial *t, int sys, const char *key)
{
    if (!t || !key)
        return NULL;
    int locked = otto__trial_lock(t);
    const otto__attr *arr = sys ? t->sys : t->user;
    size_t n = sys ? t->n_sys : t->n_user;
    const char *found = NULL;
    for (size_t i = 0; i < n && !found; i++)
        if (strcmp(arr[i].key, key) == 0)
            found = arr[i].value;
    otto__trial_unlock(t, locked);
    return found;
}

static int attr_get(const otto_trial *t, int sys, const char *key, const char **value)
{
    const char *fn = sys ? "system_attr" : "user_attr";
    if (!t || !key || !value)
        return otto__error(OTTO_EINVAL, "%s: NULL argument", fn);
    const char *found = attr_lookup(t, sys, key);
    if (!found)
        return otto__error(OTTO_ENOTFOUND, "trial %lld has no %s '%s'", (long long)t->number, fn,
                           key);
    *value = found;
    return OTTO_OK;
}

static size_t attr_count(const otto_trial *t, int sys)
{
    if (!t)
        return 0;
    int locked = otto__trial_lock(t);
    size_t n = sys ? t->n_sys : t->n_user;
    otto__trial_unlock(t, locked);
    return n;
}

static int attr_at(const otto_trial *t, int sys, size_t i, const char **key, const char **value)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "attr_at: trial is NULL");
    int locked = otto__trial_lock(t);
    const otto__attr *arr = sys ? t->sys : t->user;
    size_t n = sys ? t->n_sys : t->n_user;
    int ok = i < n;
    if (ok && key)
        *key = arr[i].key;
    if (ok && value)
        *value = arr[i].value;
    otto__trial_unlock(t, locked);
    return ok ? OTTO_OK : otto__error(OTTO_ERANGE, "attr_at: index %zu >= count %zu", i, n);
}

int otto_trial_user_attr(const otto_trial *t, const char *key, const char **value)
{
    return attr_get(t, 0, key, value);
}
const char *otto_trial_user_attr_find(const otto_trial *t, const char *key)
{
    return attr_lookup(t, 0, key);
}
size_t otto_trial_user_attr_count(const otto_trial *t) { return attr_count(t, 0); }
int otto_trial_user_attr_at(const otto_trial *t, size_t i, const char **key, const char **value)
{
    return attr_at(t, 0, i, key, value);
}
int otto_trial_system_attr(const otto_trial *t, const char *key, const char **value)
{
    return attr_get(t, 1, key, value);
}
const char *otto_trial_system_attr_find(const otto_trial *t, const char *key)
{
    return attr_lookup(t, 1, key);
}
size_t otto_trial_system_attr_count(const otto_trial *t) { return attr_count(t, 1); }
int otto_trial_system_attr_at(const otto_trial *t, size_t i, const char **key,
                              const char **value)
{
    return attr_at(t, 1, i, key, value);
}

int otto_trial_constraints(const otto_trial *t, double *out, size_t n, size_t *n_out)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "constraints: trial is NULL");
    int locked = otto__trial_lock(t);
    size_t count = t->n_constraints;
    if (count)
        copy_doubles(t->constraints, count, out, n);
    otto__trial_unlock(t, locked);
    if (!count)
        return otto__error(OTTO_ENOTFOUND, "trial %lld has no constraints", (long long)t->number);
    if (n_out)
        *n_out = count;
    return OTTO_OK;
}

int otto_trial_datetime_start(const otto_trial *t, double *out)
{
    if (!t || !out)
        return otto__error(OTTO_EINVAL, "datetime_start: NULL argument");
    *out = t->t_start;
    return OTTO_OK;
}

int otto_trial_datetime_complete(const otto_trial *t, double *out)
{
    if (!t || !out)
        return otto__error(OTTO_EINVAL, "datetime_complete: NULL argument");
    if (t->frozen || otto_trial_get_state(t) == OTTO_TRIAL_RUNNING)
        return otto__error(OTTO_ESTATE, "trial %lld is still running", (long long)t->number);
    *out = t->t_complete;
    return OTTO_OK;
}

otto_rng *otto_trial_rng(otto_trial *t)
{
    if (!t || t->frozen || !t->live)
        return NULL;
    return &t->live->rng;
}
