/* Study user attributes: set (written to the study's storage first, when it
 * has one) and read. Replaced values are kept until the study is destroyed,
 * so a string handed to a reader never dangles while another thread sets
 * the attribute again. */
#include <string.h>

#include "store.h"
#include "internal.h"

int otto__study_attr_set_locked(otto_study *s, const char *key, const char *value)
{
    const otto_allocator *a = &s->alloc;
    char *v = otto__strdup(a, value);
    if (!v)
        return OTTO_ENOMEM;
    for (size_t i = 0; i < s->n_user; i++) {
        if (strcmp(s->user[i].key, key) != 0)
            continue;
        if (s->n_old == s->cap_old) {
            size_t cap = s->cap_old ? 2 * s->cap_old : 4;
            char **o = otto__reallocarray(a, s->old_values, cap, sizeof *o);
            if (!o) {
                otto__free(a, v);
                return OTTO_ENOMEM;
            }
            s->old_values = o;
            s->cap_old = cap;
        }
        s->old_values[s->n_old++] = s->user[i].value;
        s->user[i].value = v;
        return OTTO_OK;
    }
    char *k = otto__strdup(a, key);
    if (k && s->n_user == s->cap_user) {
        size_t cap = s->cap_user ? 2 * s->cap_user : 4;
        otto__attr *u = otto__reallocarray(a, s->user, cap, sizeof *u);
        if (u) {
            s->user = u;
            s->cap_user = cap;
        }
    }
    if (!k || s->n_user == s->cap_user) {
        otto__free(a, k);
        otto__free(a, v);
        return OTTO_ENOMEM;
    }
    s->user[s->n_user].key = k;
    s->user[s->n_user].value = v;
    s->n_user++;
    return OTTO_OK;
}

void otto__study_attrs_free(otto_study *s)
{
    const otto_allocator *a = &s->alloc;
    for (size_t i = 0; i < s->n_user; i++) {
        otto__free(a, s->user[i].key);
        otto__free(a, s->user[i].value);
    }
    for (size_t i = 0; i < s->n_old; i++)
        otto__free(a, s->old_values[i]);
    otto__free(a, s->user);
    otto__free(a, s->old_values);
}

int otto_study_set_user_attr(otto_study *s, const char *key, const char *value)
{
    if (!s || !value)
        return otto__error(OTTO_EINVAL, "study_set_user_attr: NULL argument");
    int rc = otto__text_check(key, 0, "study_set_user_attr", "key");
    if (!rc)
        rc = otto__text_check(value, 1, "study_set_user_attr", "value");
    if (rc)
        return rc;
    pthread_mutex_lock(&s->mu);
    rc = s->store ? otto__store_study_attr(s, key, value) : OTTO_OK;
    if (!rc && otto__study_attr_set_locked(s, key, value))
        rc = otto__error(OTTO_ENOMEM, "study_set_user_attr '%s': out of memory", key);
    otto__study_unlock(s);
    return rc;
}

int otto_study_user_attr(const otto_study *cs, const char *key, const char **value)
{
    if (!cs || !key || !value)
        return otto__error(OTTO_EINVAL, "study_user_attr: NULL argument");
    otto_study *s = (otto_study *)cs;
    pthread_mutex_lock(&s->mu);
    const char *v = NULL;
    for (size_t i = 0; i < s->n_user && !v; i++)
        if (strcmp(s->user[i].key, key) == 0)
            v = s->user[i].value;
    pthread_mutex_unlock(&s->mu);
    if (!v)
        return otto__error(OTTO_ENOTFOUND, "study_user_attr: no attribute '%s'", key);
    *value = v;
    return OTTO_OK;
}

size_t otto_study_user_attr_count(const otto_study *cs)
{
    if (!cs)
        return 0;
    otto_study *s = (otto_study *)cs;
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_user;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int otto_study_user_attr_at(const otto_study *cs, size_t i, const char **key, const char **value)
{
    if (!cs || !key || !value)
        return otto__error(OTTO_EINVAL, "study_user_attr_at: NULL argument");
    otto_study *s = (otto_study *)cs;
    pthread_mutex_lock(&s->mu);
    size_t n = s->n_user;
    if (i < n) {
        *key = s->user[i].key;
        *value = s->user[i].value;
    }
    pthread_mutex_unlock(&s->mu);
    if (i >= n)
        return otto__error(OTTO_ERANGE, "study_user_attr_at: index %zu >= count %zu", i, n);
    return OTTO_OK;
}
