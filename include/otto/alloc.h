/* otto/alloc.h: per-study allocator hooks (default: the C library's malloc,
 * realloc and free). A study allocates everything it owns through them,
 * including all that its sampler and pruner grow while it runs. Only what
 * exists before the study does comes from the C library: a sampler's or
 * pruner's handle and fixed-size options, made by its *_create function. */
#ifndef OTTO_ALLOC_H
#define OTTO_ALLOC_H

#include <stddef.h>

#include "export.h"

OTTO_BEGIN_DECLS

/* All three functions must be set, and must be safe to call from several
 * threads at once when the study is. realloc follows C semantics (NULL ptr
 * allocates); free(NULL) must be a no-op. */
typedef struct otto_allocator {
    void *(*malloc_fn)(void *user_data, size_t size);
    void *(*realloc_fn)(void *user_data, void *ptr, size_t size);
    void (*free_fn)(void *user_data, void *ptr);
    void *user_data;
} otto_allocator;

OTTO_END_DECLS

#endif /* OTTO_ALLOC_H */
