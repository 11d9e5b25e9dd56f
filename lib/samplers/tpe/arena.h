/* Scratch arenas for sampling calls: an otto_allocator that carves blocks
 * out of one warm chunk and releases them all at once, so an ask reuses the
 * pages of the previous one instead of faulting in fresh ones. A pool lends
 * one arena to each concurrent call. */
#ifndef OTTO_ARENA_H
#define OTTO_ARENA_H

#include <pthread.h>

#include "common/common.h"

typedef struct otto__arena otto__arena;

typedef struct otto__arena_pool {
    pthread_mutex_t mu;
    otto__arena *idle; /* arenas not lent out, with their chunks */
} otto__arena_pool;

void otto__arena_pool_init(otto__arena_pool *p);
/* Frees every idle arena; none may be lent out. */
void otto__arena_pool_destroy(otto__arena_pool *p);
/* An arena whose chunks come from parent (NULL when out of memory). Its
 * allocator is valid until otto__arena_give. */
otto__arena *otto__arena_take(otto__arena_pool *p, const otto_allocator *parent);
const otto_allocator *otto__arena_allocator(otto__arena *a);
/* Back to the pool: everything allocated from it is released. */
void otto__arena_give(otto__arena_pool *p, otto__arena *a);

#endif /* OTTO_ARENA_H */
