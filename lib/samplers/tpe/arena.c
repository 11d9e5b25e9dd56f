/* Scratch arenas (see arena.h). Blocks carry their size in a 16-byte header
 * so realloc can copy; freeing the newest block rolls the arena back (the
 * LIFO pattern of nested helpers), any other free waits for the reset. When a
 * call outgrows the chunk, overflow chunks serve it and the next call gets
 * one chunk of the combined size: a steady state of one chunk, no faults. */
#include <string.h>

#include "arena.h"

#define ALIGN 16

typedef struct overflow {
    struct overflow *next;
} overflow;

struct otto__arena {
    otto_allocator as;            /* what callers allocate through */
    const otto_allocator *parent; /* where chunks come from */
    unsigned char *chunk;
    size_t cap, used, last;       /* last: offset of the newest block's header */
    overflow *extra;              /* chunks beyond the first, this call only */
    size_t extra_bytes;
    otto__arena *next_idle;
};

static size_t round_up(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

static void *arena_malloc(void *ud, size_t n)
{
    otto__arena *a = ud;
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = ALIGN + round_up(n);
    if (a->chunk && a->cap - a->used >= need) {
        unsigned char *h = a->chunk + a->used;
        memcpy(h, &n, sizeof n);
        a->last = a->used;
        a->used += need;
        return h + ALIGN;
    }
    /* overflow: a chunk of its own, freed at the reset */
    overflow *o = otto__malloc(a->parent, ALIGN + need);
    if (!o)
        return NULL;
    o->next = a->extra;
    a->extra = o;
    a->extra_bytes += need;
    unsigned char *h = (unsigned char *)o + ALIGN;
    memcpy(h, &n, sizeof n);
    return h + ALIGN;
}

static int is_newest(const otto__arena *a, const void *p)
{
    return a->chunk && a->used > 0 && (const unsigned char *)p == a->chunk + a->last + ALIGN;
}

static void arena_free(void *ud, void *p)
{
    otto__arena *a = ud;
    if (p && is_newest(a, p))
        a->used = a->last; /* one step back; older blocks wait for the reset */
}

static void *arena_realloc(void *ud, void *p, size_t n)
{
    otto__arena *a = ud;
    if (!p)
        return arena_malloc(a, n);
    size_t old;
    memcpy(&old, (unsigned char *)p - ALIGN, sizeof old);
    if (is_newest(a, p) && n <= SIZE_MAX / 2 && a->last + ALIGN + round_up(n) <= a->cap) {
        a->used = a->last + ALIGN + round_up(n);
        memcpy((unsigned char *)p - ALIGN, &n, sizeof n);
        return p;
    }
    void *q = arena_malloc(a, n);
    if (q)
        memcpy(q, p, old < n ? old : n);
    return q;
}

void otto__arena_pool_init(otto__arena_pool *p)
{
    pthread_mutex_init(&p->mu, NULL);
    p->idle = NULL;
}

void otto__arena_pool_destroy(otto__arena_pool *p)
{
    while (p->idle) {
        otto__arena *a = p->idle;
        p->idle = a->next_idle;
        otto__free(a->parent, a->chunk);
        otto__free(a->parent, a);
    }
    pthread_mutex_destroy(&p->mu);
}

otto__arena *otto__arena_take(otto__arena_pool *p, const otto_allocator *parent)
{
    pthread_mutex_lock(&p->mu);
    otto__arena *a = p->idle;
    if (a)
        p->idle = a->next_idle;
    pthread_mutex_unlock(&p->mu);
    if (a && a->parent != parent) { /* the pool serves one study; be safe all the same */
        otto__free(a->parent, a->chunk);
        otto__free(a->parent, a);
        a = NULL;
    }
    if (!a) {
        a = otto__calloc(parent, 1, sizeof *a);
        if (!a)
            return NULL;
        a->parent = parent;
        a->as.malloc_fn = arena_malloc;
        a->as.realloc_fn = arena_realloc;
        a->as.free_fn = arena_free;
        a->as.user_data = a;
    }
    return a;
}

const otto_allocator *otto__arena_allocator(otto__arena *a) { return &a->as; }

void otto__arena_give(otto__arena_pool *p, otto__arena *a)
{
    if (!a)
        return;
    if (a->extra) {
        /* this call outgrew the chunk: next time one chunk holds it all */
        size_t want = a->used + a->extra_bytes;
        while (a->extra) {
            overflow *o = a->extra;
            a->extra = o->next;
            otto__free(a->parent, o);
        }
        a->extra_bytes = 0;
        want += want / 4;
        unsigned char *c = otto__malloc(a->parent, want);
        if (c) {
            otto__free(a->parent, a->chunk);
            a->chunk = c;
            a->cap = want;
        }
    }
    a->used = 0;
    pthread_mutex_lock(&p->mu);
    a->next_idle = p->idle;
    p->idle = a;
    pthread_mutex_unlock(&p->mu);
}
