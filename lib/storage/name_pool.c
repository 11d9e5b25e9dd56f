/* Study names handed out by a database backend, pooled by study id (see
 * name_pool.h). */
#include "name_pool.h"

const char *otto__name_pool_get(otto__name_pool *p, const otto_allocator *a, int64_t id,
                                const char *name, size_t *hint)
{
    while (*hint < p->n && p->ids[*hint] < id)
        (*hint)++;
    if (*hint < p->n && p->ids[*hint] == id)
        return p->names[*hint];
    if (*hint < p->n) /* an id below one pooled already: ids are never reused, so not new */
        return NULL;
    if (p->n == p->cap) {
        size_t c = p->cap ? 2 * p->cap : 8;
        char **n = otto__reallocarray(a, p->names, c, sizeof *n);
        if (n)
            p->names = n;
        int64_t *ids = n ? otto__reallocarray(a, p->ids, c, sizeof *ids) : NULL;
        if (!ids)
            return NULL;
        p->ids = ids;
        p->cap = c;
    }
    char *copy = otto__strdup(a, name);
    if (!copy)
        return NULL;
    p->names[p->n] = copy;
    p->ids[p->n] = id;
    *hint = p->n++;
    return copy;
}

void otto__name_pool_free(otto__name_pool *p, const otto_allocator *a)
{
    for (size_t i = 0; i < p->n; i++)
        otto__free(a, p->names[i]);
    otto__free(a, p->names);
    otto__free(a, p->ids);
    p->names = NULL;
    p->ids = NULL;
    p->n = p->cap = 0;
}
