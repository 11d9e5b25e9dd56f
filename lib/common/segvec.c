/* Segmented pointer arrays that never move: segment k holds BASE << k entries,
 * so a handle taken from one stays valid while the array grows, and readers
 * may index published entries without a lock. */
#include "common.h"

static void locate(size_t i, unsigned *seg, size_t *off)
{
    size_t j = i / OTTO__SEG_BASE + 1; /* 1-based block index */
#if defined(__GNUC__)
    unsigned k = (unsigned)(63 - __builtin_clzll((unsigned long long)j));
#else
    unsigned k = 0;
    while ((j >> (k + 1)) != 0)
        k++;
#endif
    *seg = k;
    *off = i - OTTO__SEG_BASE * (((size_t)1 << k) - 1);
}

int otto__segvec_reserve(otto__segvec *v, const otto_allocator *a)
{
    size_t i = atomic_load_explicit(&v->count, memory_order_relaxed);
    unsigned k;
    size_t off;
    locate(i, &k, &off);
    if (k >= OTTO__SEG_MAX)
        return OTTO_ENOMEM;
    if (!v->seg[k]) {
        v->seg[k] = otto__calloc(a, (size_t)OTTO__SEG_BASE << k, sizeof(void *));
        if (!v->seg[k])
            return OTTO_ENOMEM;
    }
    return OTTO_OK;
}

int otto__segvec_push(otto__segvec *v, const otto_allocator *a, void *item)
{
    int rc = otto__segvec_reserve(v, a);
    if (rc)
        return rc;
    size_t i = atomic_load_explicit(&v->count, memory_order_relaxed);
    unsigned k;
    size_t off;
    locate(i, &k, &off);
    v->seg[k][off] = item;
    atomic_store_explicit(&v->count, i + 1, memory_order_release);
    return OTTO_OK;
}

void *otto__segvec_get(const otto__segvec *v, size_t i)
{
    unsigned k;
    size_t off;
    locate(i, &k, &off);
    return v->seg[k][off];
}

size_t otto__segvec_count(const otto__segvec *v)
{
    return atomic_load_explicit(&v->count, memory_order_acquire);
}

void otto__segvec_free(otto__segvec *v, const otto_allocator *a)
{
    for (unsigned k = 0; k < OTTO__SEG_MAX; k++) {
        otto__free(a, v->seg[k]);
        v->seg[k] = NULL;
    }
    atomic_store(&v->count, 0);
}
