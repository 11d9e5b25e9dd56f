/* Applying one stored batch of records (record.h) to a study: shared by the
 * backends that number a study's batches (PostgreSQL, SQLite). */
#ifndef OTTO_STORAGE_BATCH_H
#define OTTO_STORAGE_BATCH_H

#include "backend.h"

/* Apply the records of batch number seq (n bytes at b) from record index
 * bs->sub on, only those at byte offsets in [from, upto) (upto 0: to the
 * end). On success the cursor is seq; on an error from x->apply the cursor
 * and sub point at the record that failed. kind names the backend in
 * messages. */
int otto__apply_batch(const char *kind, otto__bstudy *bs, otto__exchange *x,
                      const unsigned char *b, size_t n, uint64_t seq, size_t from, size_t upto);

#endif /* OTTO_STORAGE_BATCH_H */
