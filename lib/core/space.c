/* Declared search spaces (otto_space): an ordered list of named, validated
 * distributions that owns copies of its names and labels. */
#include <string.h>

#include "internal.h"

int otto__space_create(const otto_allocator *a, otto_space **out)
{
    otto_space *sp = otto__calloc(a, 1, sizeof *sp);
    if (!sp)
        return otto__error(OTTO_ENOMEM, "out of memory creating a space");
    sp->alloc = *a;
    *out = sp;
    return OTTO_OK;
}

int otto_space_create(otto_space **out)
{
    if (!out)
        return otto__error(OTTO_EINVAL, "otto_space_create: out is NULL");
    *out = NULL;
    otto_allocator a;
    otto__alloc_default(&a);
    return otto__space_create(&a, out);
}

static void param_free(const otto_allocator *a, otto__space_param *p)
{
    if (p->spec) /* borrowed from the study's interned spec */
        return;
    otto__free(a, p->name);
    if (p->dist.choices) {
        for (size_t i = 0; i < p->dist.n_choices; i++)
            otto__free(a, (void *)p->dist.choices[i]);
        otto__free(a, (void *)p->dist.choices);
    }
}

void otto_space_destroy(otto_space *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->n; i++)
        param_free(&sp->alloc, &sp->params[i]);
    otto__free(&sp->alloc, sp->params);
    otto__free(&sp->alloc, sp);
}

static int reserve_one(otto_space *sp)
{
    if (sp->n < sp->cap)
        return OTTO_OK;
    size_t cap = sp->cap ? 2 * sp->cap : 8;
    otto__space_param *p = otto__reallocarray(&sp->alloc, sp->params, cap, sizeof *p);
    if (!p)
        return otto__error(OTTO_ENOMEM, "out of memory growing a space");
    sp->params = p;
    sp->cap = cap;
    return OTTO_OK;
}

int otto__space_append_spec(otto_space *sp, const otto__spec *spec)
{
    int rc = reserve_one(sp);
    if (rc)
        return rc;
    otto__space_param p = {0};
    p.name = spec->name->str;
    p.dist = spec->dist;
    p.spec = spec;
    sp->params[sp->n++] = p;
    return OTTO_OK;
}

int otto__space_add(otto_space *sp, const char *name, const otto_distribution *d)
{
    for (size_t i = 0; i < sp->n; i++)
        if (strcmp(sp->params[i].name, name) == 0)
            return otto__error(OTTO_EINVAL, "space: parameter '%s' is already in the space", name);
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        size_t dup;
        if (otto__choices_duplicate(&sp->alloc, d->choices, d->n_choices, &dup))
            return otto__error(OTTO_ENOMEM, "space: out of memory checking '%s'", name);
        if (dup < d->n_choices)
            return otto__error(OTTO_EINVAL, "space: '%s' has the choice '%s' twice", name,
                               d->choices[dup]);
    }
    int rc = reserve_one(sp);
    if (rc)
        return rc;
    const otto_allocator *a = &sp->alloc;
    otto__space_param p = {0};
    p.dist = *d;
    p.dist.choices = NULL;
    p.name = otto__strdup(a, name);
    int ok = p.name != NULL;
    if (ok && d->kind == OTTO_DIST_CATEGORICAL) {
        char **labels = otto__calloc(a, d->n_choices, sizeof *labels);
        p.dist.choices = (const char *const *)labels;
        ok = labels != NULL;
        for (size_t i = 0; ok && i < d->n_choices; i++)
            ok = (labels[i] = otto__strdup(a, d->choices[i])) != NULL;
    }
    if (!ok) {
        param_free(a, &p);
        return otto__error(OTTO_ENOMEM, "out of memory adding '%s' to a space", name);
    }
    sp->params[sp->n++] = p;
    return OTTO_OK;
}

int otto_space_add_float(otto_space *sp, const char *name, double low, double high,
                         double step, unsigned flags)
{
    if (!sp)
        return otto__error(OTTO_EINVAL, "otto_space_add_float: space is NULL");
    otto_distribution d;
    int adjusted;
    int rc = otto__dist_make_float(&d, name, low, high, step, flags, &adjusted);
    if (rc)
        return rc;
    return otto__space_add(sp, name, &d);
}

int otto_space_add_int(otto_space *sp, const char *name, int64_t low, int64_t high,
                       int64_t step, unsigned flags)
{
    if (!sp)
        return otto__error(OTTO_EINVAL, "otto_space_add_int: space is NULL");
    otto_distribution d;
    int adjusted;
    int rc = otto__dist_make_int(&d, name, low, high, step, flags, &adjusted);
    if (rc)
        return rc;
    return otto__space_add(sp, name, &d);
}

int otto_space_add_categorical(otto_space *sp, const char *name, const char *const *choices,
                               size_t n_choices)
{
    if (!sp)
        return otto__error(OTTO_EINVAL, "otto_space_add_categorical: space is NULL");
    otto_distribution d;
    int rc = otto__dist_make_categorical(&d, name, choices, n_choices);
    if (rc)
        return rc;
    return otto__space_add(sp, name, &d);
}

size_t otto_space_size(const otto_space *sp) { return sp ? sp->n : 0; }

int otto_space_param(const otto_space *sp, size_t i, const char **name, otto_distribution *dist)
{
    if (!sp)
        return otto__error(OTTO_EINVAL, "otto_space_param: space is NULL");
    if (i >= sp->n)
        return otto__error(OTTO_ERANGE, "otto_space_param: index %zu >= size %zu", i, sp->n);
    if (name)
        *name = sp->params[i].name;
    if (dist)
        *dist = sp->params[i].dist;
    return OTTO_OK;
}

int otto_space_find(const otto_space *sp, const char *name, size_t *index)
{
    if (!sp || !name || !index)
        return otto__error(OTTO_EINVAL, "otto_space_find: NULL argument");
    for (size_t i = 0; i < sp->n; i++)
        if (strcmp(sp->params[i].name, name) == 0) {
            *index = i;
            return OTTO_OK;
        }
    return otto__error(OTTO_ENOTFOUND, "space has no parameter '%s'", name);
}
