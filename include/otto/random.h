/* otto/random.h: the random sampler, independent and uniform in the
 * working space. */
#ifndef OTTO_RANDOM_H
#define OTTO_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

typedef struct otto_random_options {
    size_t size;
    uint64_t seed; /* OTTO_SEED_NONE (default): the study's seed */
    const otto_allocator *allocator; /* handle and state (NULL: libc; see sampler.h) */
} otto_random_options;

OTTO_API void otto_random_options_init_sized(otto_random_options *o, size_t size);
#define otto_random_options_init(o) otto_random_options_init_sized((o), sizeof *(o))
/* Uniform in the working space: log-uniform for log params, uniform on the
 * grid for int and step params, uniform index for categorical. opts may be
 * NULL for defaults. */
OTTO_API int otto_sampler_random_create(const otto_random_options *opts, otto_sampler **out);

OTTO_END_DECLS

#endif /* OTTO_RANDOM_H */
