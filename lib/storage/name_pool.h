/* Study names that a storage handle has handed out (otto_storage_study_names
 * promises they stay valid until the handle closes), pooled by study id for
 * the database backends, whose studies can be deleted and their ids never
 * reused. */
#ifndef OTTO_STORAGE_NAME_POOL_H
#define OTTO_STORAGE_NAME_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

typedef struct otto__name_pool {
    char **names; /* by increasing id */
    int64_t *ids;
    size_t n, cap;
} otto__name_pool;

/* The pooled copy of study id's name, added when new. Ids must come in
 * increasing order within one listing; *hint (0 at the start of a listing)
 * carries the position. NULL when out of memory. */
const char *otto__name_pool_get(otto__name_pool *p, const otto_allocator *a, int64_t id,
                                const char *name, size_t *hint);
void otto__name_pool_free(otto__name_pool *p, const otto_allocator *a);

#endif /* OTTO_STORAGE_NAME_POOL_H */
