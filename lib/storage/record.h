/* The storage record format shared by every persistent backend: a study's
 * history is a sequence of operations (create trial, set param, report, set
 * attr, tell, ...) encoded as little-endian binary payloads, replayed in order.
 *
 * A batch (what one call writes atomically) is a byte string of records, each
 * a 12-byte frame followed by its payload:
 *     u32 payload length | u32 CRC-32C of the payload | u32 CRC-32C of the
 *     first 8 frame bytes, xor OTTO__FRAME_SEED
 * Payload: u8 op, u32 study id, then the op's fields (see record.c). */
#ifndef OTTO_STORAGE_RECORD_H
#define OTTO_STORAGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#define OTTO__FRAME_SIZE 12u
#define OTTO__FRAME_SEED 0x6f74746fu      /* "otto" */
#define OTTO__RECORD_MAX (16u << 20)      /* payloads are at most 16 MiB */
#define OTTO__STRING_MAX OTTO_TEXT_MAX     /* names, labels, attr values */

typedef enum otto__op {
    OTTO__OP_STUDY = 1,       /* name, n_objectives, directions */
    OTTO__OP_TRIAL = 2,       /* start time, flags, queue entry taken (number = order) */
    OTTO__OP_PARAM = 3,       /* number, name, distribution, internal value */
    OTTO__OP_REPORT = 4,      /* number, step, value */
    OTTO__OP_ATTR = 5,        /* number, system flag, key, value */
    OTTO__OP_CONSTRAINTS = 6, /* number, values */
    OTTO__OP_FINISH = 7,      /* number, state, values, completion time */
    OTTO__OP_HEARTBEAT = 8,   /* number, time */
    OTTO__OP_ENQUEUE = 9,     /* fixed params, trial retried (queue entry id = order) */
    OTTO__OP_STUDY_ATTR = 10, /* key, value of a study user attribute */
    OTTO__OP_STUDY_DELETE = 11, /* the study (journal only; its name is free again) */
    OTTO__OP_CONSTRAINT = 12  /* number, key, value: one named constraint */
} otto__op;

#define OTTO__TRIAL_HEARTBEAT 1u /* OP_TRIAL flag: the worker heartbeats this trial */

/* The little-endian u32 at p (frame lengths, study ids). */
uint32_t otto__le32(const unsigned char *p);

/* ---- CRC-32C (Castagnoli) ---- */
uint32_t otto__crc32c(uint32_t crc, const void *p, size_t n);

/* ---- writing: a growable batch ---- */
typedef struct otto__wbuf {
    const otto_allocator *a;
    unsigned char *p;
    size_t n, cap;
    size_t rec;  /* offset of the open record's frame */
    size_t apply_from, apply_upto; /* bytes [apply_from, apply_upto) hold records
                                      to apply to the writer's own study once
                                      written (see otto__build_fn) */
    int failed;  /* an allocation or size cap failed: the batch is unusable */
} otto__wbuf;

void otto__wbuf_init(otto__wbuf *b, const otto_allocator *a);
void otto__wbuf_free(otto__wbuf *b);
/* Append bytes (whole framed records from another batch). */
void otto__wbuf_append(otto__wbuf *b, const void *p, size_t n);
/* Open a record (reserving its frame) for study id `study`. */
void otto__rec_begin(otto__wbuf *b, otto__op op, uint32_t study);
void otto__rec_u8(otto__wbuf *b, unsigned v);
void otto__rec_u32(otto__wbuf *b, uint32_t v);
void otto__rec_u64(otto__wbuf *b, uint64_t v);
void otto__rec_f64(otto__wbuf *b, double v);
void otto__rec_str(otto__wbuf *b, const char *s);
/* Close the open record: fill its frame (length and both CRCs). */
void otto__rec_end(otto__wbuf *b);

/* A study's directions as stored by the database backends, one byte each
 * (OTTO_MINIMIZE or OTTO_MAXIMIZE): a fresh array in *out (n >= 1).
 * OTTO_ECORRUPT (no message set) for an empty list or another byte;
 * OTTO_ENOMEM. */
int otto__directions_decode(const unsigned char *bytes, size_t n, const otto_allocator *a,
                            otto_direction **out);

/* ---- reading ---- */
typedef struct otto__rbuf {
    const unsigned char *p;
    size_t n, off;
    int bad; /* read past the end or an invalid field */
} otto__rbuf;

void otto__rbuf_init(otto__rbuf *r, const void *p, size_t n);
unsigned otto__get_u8(otto__rbuf *r);
uint32_t otto__get_u32(otto__rbuf *r);
uint64_t otto__get_u64(otto__rbuf *r);
double otto__get_f64(otto__rbuf *r);
/* A string of at most OTTO__STRING_MAX bytes of UTF-8 without NULs, copied NUL
 * terminated into tmp (tmp_cap bytes) or, when longer, into a fresh
 * allocation that *owned receives (free it). NULL when bad. */
const char *otto__get_str(otto__rbuf *r, char *tmp, size_t tmp_cap, const otto_allocator *a,
                          char **owned);

/* The outcome of checking a frame at the start of n available bytes. */
typedef enum otto__frame_check {
    OTTO__FRAME_OK = 0,         /* *len is the payload length; payload intact */
    OTTO__FRAME_INCOMPLETE = 1, /* fewer bytes than the record needs: a tail being written or torn */
    OTTO__FRAME_ZERO = 2,       /* only zero bytes from here: a tail the OS never wrote */
    OTTO__FRAME_BAD = 3         /* checksum or length mismatch: corrupt */
} otto__frame_check;

otto__frame_check otto__frame_check_at(const unsigned char *p, size_t n, uint32_t *len);

#endif /* OTTO_STORAGE_RECORD_H */
