/* What every layer of otto shares (lib/common): allocation through the
 * caller's allocator, errors and logging, random streams, a never-moving
 * segmented array, the text rules of <otto/limits.h>, and the platform's
 * clocks. Never installed. Depends on the public headers and lib/platform. */
#ifndef OTTO_COMMON_H
#define OTTO_COMMON_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "mathconst.h"
#include "otto/otto.h"
#include "platform/platform.h" /* the clocks, otto__wall_time and otto__monotonic_time */

/* ---- allocator (alloc.c) ---------------------------------------------------- */
void otto__alloc_default(otto_allocator *a);
/* *dst = *src, or libc's hooks when src is NULL: how a *_create takes the
 * allocator its options name. OTTO_EINVAL (message names `what`) when src
 * lacks one of its three functions. */
int otto__alloc_pick(otto_allocator *dst, const otto_allocator *src, const char *what);
void *otto__malloc(const otto_allocator *a, size_t n);
void *otto__calloc(const otto_allocator *a, size_t count, size_t size);
void *otto__realloc(const otto_allocator *a, void *p, size_t n);
/* realloc of count * size bytes that reports overflow as failure */
void *otto__reallocarray(const otto_allocator *a, void *p, size_t count, size_t size);
void otto__free(const otto_allocator *a, void *p);
char *otto__strdup(const otto_allocator *a, const char *s);

/* ---- errors and logging (error.c) ------------------------------------------------ */
/* Set the calling thread's last error message; returns code. */
int otto__error(int code, const char *fmt, ...)
    OTTO_PRINTF(2, 3);
int otto__verror(int code, const char *fmt, va_list ap);
/* Set "<fmt...>: <the calling thread's current message>" (the cause, copied
 * before it is overwritten); returns code. */
int otto__error_wrap(int code, const char *fmt, ...) OTTO_PRINTF(2, 3);

typedef struct otto__logger {
    otto_log_fn fn;
    void *user_data;
    otto_log_level level;
} otto__logger;

/* Format into a fixed stack buffer and hand to the logger (never allocates). */
void otto__log(const otto__logger *lg, otto_log_level level, const char *fmt, ...)
    OTTO_PRINTF(3, 4);

/* ---- random numbers (rng.c) ------------------------------------------------- */
struct otto_rng {
    uint64_t s[4];
};
/* The stream of (seed, stream): independent streams for different numbers. */
void otto__rng_init(otto_rng *r, uint64_t seed, uint64_t stream);
/* 64 bits of OS entropy (otto__os_entropy); OTTO_EIO with the OS's reason
 * when there are none (never a weaker fallback). */
int otto__entropy64(uint64_t *out);
uint64_t otto__hash_bytes(const void *p, size_t n);

/* ---- segmented, never-moving arrays of pointers (segvec.c) --------------------
 * Entry i lives in segment k at a fixed address once written; the published
 * count is atomic, so readers that load it (acquire) may read entries below
 * it without a lock while a writer (holding the owner's lock) appends. */
#define OTTO__SEG_BASE 64u
#define OTTO__SEG_MAX 48
typedef struct otto__segvec {
    void **seg[OTTO__SEG_MAX];
    _Atomic size_t count;
} otto__segvec;

/* Make sure the next push cannot fail (allocates its segment). */
int otto__segvec_reserve(otto__segvec *v, const otto_allocator *a);
int otto__segvec_push(otto__segvec *v, const otto_allocator *a, void *item);
void *otto__segvec_get(const otto__segvec *v, size_t i);
size_t otto__segvec_count(const otto__segvec *v);
void otto__segvec_free(otto__segvec *v, const otto_allocator *a);

/* ---- text (text.c) ------------------------------------------------------------- */
/* OTTO_OK, or OTTO_EINVAL ("fn: what ...") when s is NULL, empty (unless
 * may_be_empty), longer than OTTO_TEXT_MAX or not valid UTF-8. */
int otto__text_check(const char *s, int may_be_empty, const char *fn, const char *what);
size_t otto__utf8_valid_prefix(const char *s, size_t n);

#endif /* OTTO_COMMON_H */
