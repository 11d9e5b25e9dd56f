/* The model of Optuna's studies that otto import reads into: building it
 * (attributes, params and intermediate values set or replaced by key, as
 * Optuna's storages do) and freeing it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optuna_model.h"

/* Grow *arr (of *n items of size sz) by one zeroed item; NULL when out of
 * memory. */
static void *grow(void *arr_ptr, size_t *n, size_t sz)
{
    void **arr = arr_ptr;
    char *p = realloc(*arr, (*n + 1) * sz);
    if (!p)
        return NULL;
    memset(p + *n * sz, 0, sz);
    *arr = p;
    return p + (*n)++ * sz;
}

opt_study *opt_study_add(opt_source *src, const char *name)
{
    opt_study *s = calloc(1, sizeof *s), **slot;
    if (!s || !(s->name = strdup(name)) || !(slot = grow(&src->studies, &src->n, sizeof *slot))) {
        if (s)
            free(s->name);
        free(s);
        return NULL;
    }
    *slot = s;
    return s;
}

opt_trial *opt_trial_add(opt_study *s)
{
    opt_trial *t = calloc(1, sizeof *t), **slot;
    if (!t || !(slot = grow(&s->trials, &s->n_trials, sizeof *slot))) {
        free(t);
        return NULL;
    }
    t->number = (int64_t)s->n_trials - 1;
    t->t_start = t->t_end = NAN;
    *slot = t;
    return t;
}

int opt_attr_set(opt_attr **arr, size_t *n, const char *key, const char *json)
{
    char *v = strdup(json);
    if (!v)
        return 1;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].key, key) == 0) {
            free((*arr)[i].json);
            (*arr)[i].json = v;
            return 0;
        }
    char *k = strdup(key);
    opt_attr *a = k ? grow(arr, n, sizeof **arr) : NULL;
    if (!a) {
        free(k);
        free(v);
        return 1;
    }
    a->key = k;
    a->json = v;
    return 0;
}

int opt_param_set(opt_trial *t, const char *name, cli_dist *d, double internal)
{
    for (size_t i = 0; i < t->n_params; i++)
        if (strcmp(t->params[i].name, name) == 0) {
            cli_dist_free(&t->params[i].dist);
            t->params[i].dist = *d;
            t->params[i].internal = internal;
            memset(d, 0, sizeof *d);
            return 0;
        }
    char *k = strdup(name);
    opt_param *p = k ? grow(&t->params, &t->n_params, sizeof *p) : NULL;
    if (!p) {
        free(k);
        return 1;
    }
    p->name = k;
    p->dist = *d;
    p->internal = internal;
    memset(d, 0, sizeof *d);
    return 0;
}

int opt_inter_set(opt_trial *t, int64_t step, double v)
{
    for (size_t i = 0; i < t->n_inter; i++)
        if (t->steps[i] == step) {
            t->inter[i] = v;
            return 0;
        }
    int64_t *s = realloc(t->steps, (t->n_inter + 1) * sizeof *s);
    if (!s)
        return 1;
    t->steps = s;
    double *x = realloc(t->inter, (t->n_inter + 1) * sizeof *x);
    if (!x)
        return 1;
    t->inter = x;
    s[t->n_inter] = step;
    x[t->n_inter++] = v;
    return 0;
}

int opt_values_set(opt_trial *t, const double *v, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return 1;
    memcpy(c, v, n * sizeof *c);
    free(t->values);
    t->values = c;
    t->n_values = n;
    return 0;
}

static void attrs_free(opt_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].key);
        free(a[i].json);
    }
    free(a);
}

void opt_source_free(opt_source *src)
{
    for (size_t i = 0; i < src->n; i++) {
        opt_study *s = src->studies[i];
        for (size_t j = 0; j < s->n_trials; j++) {
            opt_trial *t = s->trials[j];
            for (size_t k = 0; k < t->n_params; k++) {
                free(t->params[k].name);
                cli_dist_free(&t->params[k].dist);
            }
            free(t->params);
            free(t->values);
            free(t->steps);
            free(t->inter);
            attrs_free(t->user, t->n_user);
            attrs_free(t->sys, t->n_sys);
            free(t);
        }
        free(s->trials);
        free(s->directions);
        attrs_free(s->user, s->n_user);
        attrs_free(s->sys, s->n_sys);
        free(s->name);
        free(s);
    }
    free(src->studies);
    free(src->warning);
    memset(src, 0, sizeof *src);
}

int opt_parse_time(const char *s, double *out)
{
    int y, mo, d, h, mi, sec, n = 0;
    char sep;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &sec, &n) != 7 ||
        (sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || sec > 60)
        return 1;
    double frac = 0;
    const char *p = s + n;
    if (*p == '.') {
        double scale = 0.1;
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    if (*p) /* a zone (Optuna writes none) */
        return 1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1; /* naive local time, as Optuna's datetime.now() */
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
        return 1;
    *out = (double)t + frac;
    return 0;
}
