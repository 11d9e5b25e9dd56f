/* The per-study allocator: libc by default, or the caller's hooks. Every
 * allocation the core makes goes through these wrappers, and a failed one
 * sets the thread's message, so a bare OTTO_ENOMEM never carries a stale
 * message from an earlier error. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void *libc_malloc(void *ud, size_t n) { (void)ud; return malloc(n); }
static void *libc_realloc(void *ud, void *p, size_t n) { (void)ud; return realloc(p, n); }
static void libc_free(void *ud, void *p) { (void)ud; free(p); }

void otto__alloc_default(otto_allocator *a)
{
    a->malloc_fn = libc_malloc;
    a->realloc_fn = libc_realloc;
    a->free_fn = libc_free;
    a->user_data = NULL;
}

int otto__alloc_pick(otto_allocator *dst, const otto_allocator *src, const char *what)
{
    if (!src) {
        otto__alloc_default(dst);
        return OTTO_OK;
    }
    if (!src->malloc_fn || !src->realloc_fn || !src->free_fn)
        return otto__error(OTTO_EINVAL, "%s: allocator needs all three functions", what);
    *dst = *src;
    return OTTO_OK;
}

static void *out_of_memory(size_t count, size_t size)
{
    otto__error(OTTO_ENOMEM, "out of memory (allocating %zu x %zu bytes)", count, size);
    return NULL;
}

void *otto__malloc(const otto_allocator *a, size_t n)
{
    void *p = a->malloc_fn(a->user_data, n ? n : 1);
    return p ? p : out_of_memory(1, n);
}

void *otto__calloc(const otto_allocator *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return out_of_memory(count, size);
    void *p = otto__malloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *otto__realloc(const otto_allocator *a, void *p, size_t n)
{
    void *q = a->realloc_fn(a->user_data, p, n ? n : 1);
    return q ? q : out_of_memory(1, n);
}

void *otto__reallocarray(const otto_allocator *a, void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return out_of_memory(count, size);
    return otto__realloc(a, p, count * size);
}

void otto__free(const otto_allocator *a, void *p)
{
    if (p)
        a->free_fn(a->user_data, p);
}

char *otto__strdup(const otto_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = otto__malloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}
