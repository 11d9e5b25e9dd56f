/* Interning of parameter names and (name, distribution) specs: an open-
 * addressing hash table of names, each with the list of distributions it was
 * suggested with. Trials point at specs, so params and the intersection
 * search space compare by pointer. */
#include <string.h>

#include "internal.h"

static const char *kind_name(otto_dist_kind k)
{
    switch (k) {
    case OTTO_DIST_FLOAT: return "float";
    case OTTO_DIST_INT: return "int";
    case OTTO_DIST_CATEGORICAL: return "categorical";
    }
    return "unknown";
}

static int grow(otto__names *t, const otto_allocator *a)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    otto__name **slots = otto__calloc(a, cap, sizeof *slots);
    if (!slots)
        return OTTO_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        otto__name *n = t->slots[i];
        if (!n)
            continue;
        size_t j = n->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = n;
    }
    otto__free(a, t->slots);
    t->slots = slots;
    t->cap = cap;
    return OTTO_OK;
}

static void spec_free(const otto_allocator *a, otto__spec *sp)
{
    if (sp->dist.choices) {
        for (size_t i = 0; i < sp->dist.n_choices; i++)
            otto__free(a, (void *)sp->dist.choices[i]);
        otto__free(a, (void *)sp->dist.choices);
    }
    otto__free(a, sp);
}

static int spec_new(const otto_allocator *a, const otto__name *nm, const otto_distribution *d,
                    otto__spec **out)
{
    otto__spec *sp = otto__calloc(a, 1, sizeof *sp);
    if (!sp)
        return OTTO_ENOMEM;
    sp->name = nm;
    sp->dist = *d;
    sp->dist.choices = NULL;
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        size_t dup;
        if (otto__choices_duplicate(a, d->choices, d->n_choices, &dup)) {
            otto__free(a, sp);
            return OTTO_ENOMEM;
        }
        if (dup < d->n_choices) {
            otto__free(a, sp);
            return otto__error(OTTO_EINVAL, "suggest_categorical '%s': choice '%s' appears twice",
                               nm->str, d->choices[dup]);
        }
        char **labels = otto__calloc(a, d->n_choices, sizeof *labels);
        if (!labels) {
            otto__free(a, sp);
            return OTTO_ENOMEM;
        }
        sp->dist.choices = (const char *const *)labels;
        for (size_t i = 0; i < d->n_choices; i++) {
            labels[i] = otto__strdup(a, d->choices[i]);
            if (!labels[i]) {
                spec_free(a, sp);
                return OTTO_ENOMEM;
            }
        }
    }
    *out = sp;
    return OTTO_OK;
}

int otto__names_spec(otto__names *t, const otto_allocator *a, const char *name,
                     const otto_distribution *dist, const otto__spec **out)
{
    size_t len = strlen(name);
    uint64_t h = otto__hash_bytes(name, len);
    if ((t->n + 1) * 10 > t->cap * 7) {
        int rc = grow(t, a);
        if (rc)
            return otto__error(rc, "out of memory interning parameter '%s'", name);
    }
    size_t j = h & (t->cap - 1);
    otto__name *nm = NULL;
    while (t->slots[j]) {
        if (t->slots[j]->hash == h && strcmp(t->slots[j]->str, name) == 0) {
            nm = t->slots[j];
            break;
        }
        j = (j + 1) & (t->cap - 1);
    }
    if (nm) {
        const otto_distribution *first = &nm->specs->dist;
        if (!otto__dist_compatible(first, dist)) {
            if (first->kind != dist->kind)
                return otto__error(OTTO_EDIST, "parameter '%s' is %s in this study, not %s", name,
                                   kind_name(first->kind), kind_name(dist->kind));
            if (dist->kind == OTTO_DIST_CATEGORICAL)
                return otto__error(OTTO_EDIST,
                                   "parameter '%s' was suggested with other categorical choices",
                                   name);
            return otto__error(OTTO_EDIST, "parameter '%s' was suggested %s a log scale before",
                               name, (first->flags & OTTO_LOG) ? "with" : "without");
        }
        otto__spec *last = NULL;
        for (otto__spec *sp = nm->specs; sp; sp = sp->next) {
            if (otto__dist_equal(&sp->dist, dist)) {
                *out = sp;
                return OTTO_OK;
            }
            last = sp;
        }
        otto__spec *sp;
        int rc = spec_new(a, nm, dist, &sp);
        if (rc)
            return rc == OTTO_ENOMEM ? otto__error(rc, "out of memory interning '%s'", name) : rc;
        last->next = sp;
        *out = sp;
        return OTTO_OK;
    }
    nm = otto__calloc(a, 1, sizeof *nm);
    if (!nm)
        return otto__error(OTTO_ENOMEM, "out of memory interning parameter '%s'", name);
    nm->str = otto__strdup(a, name);
    nm->hash = h;
    int rc = nm->str ? spec_new(a, nm, dist, &nm->specs) : OTTO_ENOMEM;
    if (rc) {
        otto__free(a, nm->str);
        otto__free(a, nm);
        return rc == OTTO_ENOMEM ? otto__error(rc, "out of memory interning '%s'", name) : rc;
    }
    t->slots[j] = nm;
    t->n++;
    *out = nm->specs;
    return OTTO_OK;
}

void otto__names_free(otto__names *t, const otto_allocator *a)
{
    for (size_t i = 0; i < t->cap; i++) {
        otto__name *nm = t->slots[i];
        if (!nm)
            continue;
        otto__spec *sp = nm->specs;
        while (sp) {
            otto__spec *next = sp->next;
            spec_free(a, sp);
            sp = next;
        }
        otto__free(a, nm->str);
        otto__free(a, nm);
    }
    otto__free(a, t->slots);
    memset(t, 0, sizeof *t);
}
