/* otto/sampler.h: the sampler handle that a study owns. Built-in samplers
 * have their own headers (random.h, tpe.h, gp.h, cmaes.h, auto.h, grid.h,
 * qmc.h, brute_force.h); writing a sampler is the plug-in kit's business
 * (otto/sys/sampler.h).
 *
 * Allocation: every built-in sampler's options end with `allocator`; the
 * sampler's handle and state (and the samplers it owns: the auto sampler's,
 * CMA-ES's fallback) come from it (NULL, the default: the C library's). The
 * allocator is copied, and otto_sampler_destroy frees with it, so it must
 * outlive the sampler. What a sampler grows while a study runs (its caches,
 * its per-call work) comes from the study's allocator either way. A study
 * does not move a sampler made without an allocator onto its own (the
 * memory is already the C library's): to have everything a study owns come
 * from its allocator, give the sampler the same one. The default sampler a
 * study makes itself uses the study's. An allocator without all three
 * functions is OTTO_EINVAL. */
#ifndef OTTO_SAMPLER_H
#define OTTO_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
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
