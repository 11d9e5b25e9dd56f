/* Applying one stored batch of records to a study, for the backends that
 * store a study's history as numbered batches (PostgreSQL, SQLite): the
 * cursor is the last batch applied whole, sub the records of the next one
 * already applied when an apply stopped inside it. */
#include <stdio.h>

#include "batch.h"

int otto__apply_batch(const char *kind, otto__bstudy *bs, otto__exchange *x,
                      const unsigned char *b, size_t n, uint64_t seq, size_t from, size_t upto)
{
    size_t off = 0, idx = 0;
    size_t end = upto ? upto : n;
    while (off < end) {
        uint32_t len;
        if (otto__frame_check_at(b + off, n - off, &len) != OTTO__FRAME_OK)
            return otto__error(OTTO_ECORRUPT, "%s: batch %llu of study %u is corrupt", kind,
                               (unsigned long long)seq, bs->id);
        const unsigned char *pl = b + off + OTTO__FRAME_SIZE;
        if (idx >= bs->sub && off >= from && len >= 1 && pl[0] != OTTO__OP_STUDY) {
            int rc = x->apply(x->apply_ctx, pl, len);
            if (rc) {
                if (rc == OTTO_ECORRUPT)
                    otto__error_wrap(rc, "%s: batch %llu record %zu", kind,
                                     (unsigned long long)seq, idx);
                bs->cursor = seq - 1;
                bs->sub = idx;
                return rc;
            }
        }
        off += OTTO__FRAME_SIZE + len;
        idx++;
    }
    bs->cursor = seq;
    bs->sub = 0;
    return OTTO_OK;
}
