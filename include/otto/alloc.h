/* otto/alloc.h: allocator hooks (default: the C library's malloc, realloc
 * and free), per handle, never process-wide. A study allocates everything
 * it owns through its allocator (otto_study_options.allocator), including
 * all that its sampler and pruner grow while it runs, their per-call work,
 * and the result of otto_study_param_importances. What exists before the
 * study does, a sampler's or pruner's handle and state, comes from the
 * allocator given to its *_create (the `allocator` field of its options, or
 * a *_create_with argument; NULL: the C library's). The study's own default
 * sampler and pruner use the study's. So a study and its sampler and pruner
 * all made with one allocator take nothing from the C library's malloc
 * (the libraries otto calls, BLAS, SQLite and libpq, keep their own). */
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
