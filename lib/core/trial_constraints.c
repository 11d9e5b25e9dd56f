/* A trial's constraints: positional values (otto_trial_set_constraints, what
 * Optuna 4's constraints_func returns) and named ones (otto_trial_set_constraint,
 * Optuna 5), merged in one place into the one vector every reader and
 * sampler sees (the rule is in internal.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "internal.h"

/* The positional index a name stands for, as Optuna 5 names positional
 * values str(i): "0", "1", ... (no sign, no leading zero); -1 otherwise. */
static long long index_named(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > 18 || (n > 1 && key[0] == '0'))
        return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (key[i] < '0' || key[i] > '9')
            return -1;
        v = v * 10 + (key[i] - '0');
    }
    return v;
}

/* The named value that replaces positional value i, or NULL. */
static const otto__named_constraint *override_of(const otto_trial *t, size_t i)
{
    for (size_t k = 0; k < t->n_named; k++)
        if (index_named(t->named[k].key) == (long long)i)
            return &t->named[k];
    return NULL;
}

/* Rebuild constraints/constraint_names from positional and named. ENOMEM
 * leaves the merged vector as it was. */
static int merge(const otto_allocator *a, otto_trial *t)
{
    size_t n = t->n_positional;
    for (size_t k = 0; k < t->n_named; k++) {
        long long i = index_named(t->named[k].key);
        if (i < 0 || (unsigned long long)i >= t->n_positional)
            n++;
    }
    double *values = NULL;
    const char **names = NULL;
    if (n && (!(values = otto__calloc(a, n, sizeof *values)) ||
              !(names = otto__calloc(a, n, sizeof *names)))) {
        otto__free(a, values);
        return OTTO_ENOMEM;
    }
    size_t m = 0;
    for (; m < t->n_positional; m++) {
        const otto__named_constraint *o = override_of(t, m);
        values[m] = o ? o->value : t->positional[m];
        names[m] = o ? o->key : NULL;
    }
    for (size_t k = 0; k < t->n_named; k++) {
        long long i = index_named(t->named[k].key);
        if (i >= 0 && (unsigned long long)i < t->n_positional)
            continue;
        values[m] = t->named[k].value;
        names[m++] = t->named[k].key;
    }
    otto__free(a, t->constraints);
    otto__free(a, (void *)t->constraint_names);
    t->constraints = values;
    t->constraint_names = names;
    t->n_constraints = n;
    return OTTO_OK;
}

int otto__constraints_set_positional(const otto_allocator *a, otto_trial *t,
                                     const double *values, size_t n)
{
    double *c = otto__calloc(a, n, sizeof *c);
    if (!c)
        return OTTO_ENOMEM;
    memcpy(c, values, n * sizeof *c);
    double *old = t->positional;
    size_t n_old = t->n_positional;
    t->positional = c;
    t->n_positional = n;
    if (merge(a, t)) {
        t->positional = old;
        t->n_positional = n_old;
        otto__free(a, c);
        return OTTO_ENOMEM;
    }
    otto__free(a, old);
    return OTTO_OK;
}

int otto__constraints_add_named(const otto_allocator *a, otto_trial *t, const char *key,
                                double value)
{
    char *k = otto__strdup(a, key);
    otto__named_constraint *grown =
        k ? otto__reallocarray(a, t->named, t->n_named + 1, sizeof *grown) : NULL;
    if (!grown) {
        otto__free(a, k);
        return OTTO_ENOMEM;
    }
    t->named = grown;
    grown[t->n_named].key = k;
    grown[t->n_named].value = value;
    t->n_named++;
    if (merge(a, t)) {
        t->n_named--; /* the grown array stays; only the entry goes */
        otto__free(a, k);
        return OTTO_ENOMEM;
    }
    return OTTO_OK;
}

const otto__named_constraint *otto__constraints_find_named(const otto_trial *t, const char *key)
{
    for (size_t k = 0; k < t->n_named; k++)
        if (strcmp(t->named[k].key, key) == 0)
            return &t->named[k];
    return NULL;
}

void otto__constraints_release(const otto_allocator *a, otto_trial *t)
{
    otto__free(a, t->constraints);
    otto__free(a, (void *)t->constraint_names);
    otto__free(a, t->positional);
    for (size_t k = 0; k < t->n_named; k++)
        otto__free(a, t->named[k].key);
    otto__free(a, t->named);
}

/* ---- public ------------------------------------------------------------------------- */

/* OTTO_OK when t is a RUNNING trial its owner may change (else a message). */
static int check_settable(const otto_trial *t, const char *fn)
{
    if (!t)
        return otto__error(OTTO_EINVAL, "%s: trial is NULL", fn);
    int st = otto__trial_state(t);
    if (t->frozen || st != OTTO_TRIAL_RUNNING || !t->live || t->live->telling ||
        t->live->remote_state)
        return otto__error(OTTO_ESTATE, "%s: trial %lld is %s; constraints are set before tell",
                           fn, (long long)t->number,
                           t->frozen ? "a frozen copy"
                           : t->live && t->live->remote_state ? "finished in the storage"
                           : !t->live && st == OTTO_TRIAL_RUNNING ? "run by another worker"
                                                                  : otto_trial_state_name(st));
    return OTTO_OK;
}

int otto_trial_set_constraints(otto_trial *t, const double *values, size_t n)
{
    int rc = check_settable(t, "set_constraints");
    if (rc)
        return rc;
    if (!values || n == 0)
        return otto__error(OTTO_EINVAL, "set_constraints: needs at least one value");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]))
            return otto__error(OTTO_EINVAL, "set_constraints: value %zu is not finite", i);
    otto_study *s = t->study;
    pthread_mutex_lock(&s->mu);
    if (s->store && !t->live->proposal &&
        (rc = otto__store_constraints(s, t, values, n)) != OTTO_OK) {
        otto__study_unlock(s);
        return rc;
    }
    rc = otto__constraints_set_positional(&s->alloc, t, values, n);
    for (size_t i = 0; !rc && i < n && t->n_named; i++)
        if (override_of(t, i))
            otto__study_defer_log(s, OTTO_LEVEL_WARNING,
                      "trial %lld: positional constraint %zu is replaced by the named "
                      "constraint '%zu' (as Optuna overwrites an old format constraint)",
                      (long long)t->number, i, i);
    otto__study_unlock(s);
    return rc ? otto__error(rc, "set_constraints: out of memory") : OTTO_OK;
}

int otto_trial_set_constraint(otto_trial *t, const char *key, double value)
{
    int rc = check_settable(t, "set_constraint");
    if (rc)
        return rc;
    if ((rc = otto__text_check(key, 0, "set_constraint", "key")) != OTTO_OK)
        return rc;
    if (!isfinite(value))
        return otto__error(OTTO_EINVAL, "set_constraint '%.64s': value %g is not finite", key,
                           value);
    otto_study *s = t->study;
    pthread_mutex_lock(&s->mu);
    if (otto__constraints_find_named(t, key)) {
        otto__study_unlock(s);
        otto__log(&s->log, OTTO_LEVEL_WARNING,
                  "trial %lld: constraint '%.64s' is already set; the new value is ignored",
                  (long long)t->number, key);
        return OTTO_OK;
    }
    if (s->store && !t->live->proposal &&
        (rc = otto__store_constraint_named(s, t, key, value)) != OTTO_OK) {
        otto__study_unlock(s);
        return rc;
    }
    rc = otto__constraints_add_named(&s->alloc, t, key, value);
    long long i = index_named(key);
    if (!rc && i >= 0 && (unsigned long long)i < t->n_positional)
        otto__study_defer_log(s, OTTO_LEVEL_WARNING,
                  "trial %lld: the named constraint '%s' replaces positional constraint %lld "
                  "(as Optuna overwrites an old format constraint)",
                  (long long)t->number, key, i);
    otto__study_unlock(s);
    return rc ? otto__error(rc, "set_constraint '%.64s': out of memory", key) : OTTO_OK;
}

int otto_trial_constraint_name(const otto_trial *t, size_t i, const char **name)
{
    if (!t || !name)
        return otto__error(OTTO_EINVAL, "constraint_name: NULL argument");
    int locked = otto__trial_lock(t);
    size_t n = t->n_constraints;
    if (i < n)
        *name = t->constraint_names[i];
    otto__trial_unlock(t, locked);
    if (i >= n)
        return otto__error(OTTO_ERANGE, "constraint_name: index %zu, trial %lld has %zu", i,
                           (long long)t->number, n);
    return OTTO_OK;
}
