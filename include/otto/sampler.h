/* otto/sampler.h: the sampler handle that a study owns. Built-in samplers
 * have their own headers (random.h, tpe.h, gp.h, cmaes.h, auto.h); writing a
 * sampler is the plug-in kit's business (otto/sys/sampler.h). */
#ifndef OTTO_SAMPLER_H
#define OTTO_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

OTTO_BEGIN_DECLS

/* Seed value meaning "take fresh entropy from the operating system". */
#define OTTO_SEED_NONE UINT64_MAX

typedef struct otto_sampler otto_sampler;

/* Destroy a sampler not (or no longer) owned by a study; NULL is a no-op. */
OTTO_API void otto_sampler_destroy(otto_sampler *s);
/* The sampler's name from its vtable; "" for NULL. */
OTTO_API const char *otto_sampler_name(const otto_sampler *s);

OTTO_END_DECLS

#endif /* OTTO_SAMPLER_H */
