/* The one internal interface between a study and a persistent storage
 * backend (journal file, PostgreSQL): the study's side of it lives in core
 * (core/store.h), the backends below it never see a study. Samplers and
 * pruners never see any of this: they read the study.
 *
 * Model: a study's history is an ordered log of records (record.h). A study
 * keeps a cursor into its log; every exchange, under the backend's exclusive
 * lock, first hands the study each record other writers appended after the
 * cursor (apply), then lets the study encode its own records against that
 * up-to-date state (build) and appends them. Trial numbers and queue entries
 * are the order of their records, so they are unique across all writers. */
#ifndef OTTO_STORAGE_BACKEND_H
#define OTTO_STORAGE_BACKEND_H

#include <pthread.h>

#include "common/common.h"
#include "record.h"

/* A study's place in its backend. */
typedef struct otto__bstudy {
    uint32_t id;     /* the backend's id of the study */
    uint64_t cursor; /* journal: byte offset read up to; postgres: last batch seq */
    uint64_t sub;    /* postgres: records of batch cursor + 1 already applied */
} otto__bstudy;

/* Apply one record of the study (payload without frame); OTTO_ECORRUPT
 * (message set) or OTTO_ENOMEM stop the exchange before this record. */
typedef int (*otto__apply_fn)(void *ctx, const unsigned char *payload, size_t len);
/* Encode the study's records into b (framed; see record.h); an error
 * aborts the exchange and nothing is written. Records in bytes
 * [b->apply_from, b->apply_upto) are applied to the study once written, as
 * if read back (for changes to other workers' trials, like failing a stale
 * one). */
typedef int (*otto__build_fn)(void *ctx, otto__wbuf *b);

/* One exchange: catch up, then optionally append what build encodes. */
typedef struct otto__exchange {
    otto__apply_fn apply;  /* each record of others since the cursor */
    void *apply_ctx;
    otto__build_fn build;  /* NULL: catch up only (a shared lock suffices) */
    void *build_ctx;
    int durable;           /* a result: force it to disk per the sync policy */
    int need_flush;        /* out: call flush (without study locks) */
    char note[256];        /* out: a warning for the study's log ("" if none) */
} otto__exchange;

typedef struct otto__backend_vt {
    const char *kind; /* "journal", "postgres" */
    /* Find or create the study `name` under the backend's exclusive lock.
     * On success *n_obj and *dirs_out (allocated with a) hold the stored directions;
     * *created says whether this call made it; note as in otto__exchange. */
    int (*open_study)(otto_storage *st, const char *name, size_t n_objectives,
                      const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                      otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                      char note[256]);
    /* Catch up (apply) and, when x->build is set, append. */
    int (*exchange)(otto_storage *st, otto__bstudy *bs, otto__exchange *x);
    /* Force written data to disk (called without any study lock held). */
    int (*flush)(otto_storage *st);
    int (*study_names)(otto_storage *st, const char **out, size_t cap, size_t *n_out);
    /* Delete the study `name` and its trials (OTTO_ENOTFOUND if absent);
     * later writes of handles on it fail with OTTO_ENOTFOUND. */
    int (*delete_study)(otto_storage *st, const char *name);
    void (*close)(otto_storage *st);
} otto__backend_vt;

struct otto_storage {
    const otto__backend_vt *vt;
    void *impl;
    otto_allocator alloc;
    otto_storage_options opts;
    _Atomic int refs;
};

/* Whether the storage was opened with OTTO_STORAGE_READ_ONLY: the study's
 * side (core/store.c) then never builds a write, and backends open their
 * file or session for reading only. */
static inline int otto__storage_read_only(const otto_storage *st)
{
    return (st->opts.flags & OTTO_STORAGE_READ_ONLY) != 0;
}

/* Allocate a handle for a backend (opts validated and defaults applied). */
int otto__storage_new(const otto__backend_vt *vt, const otto_storage_options *o,
                      const char *fn, otto_storage **out);
void otto__storage_ref(otto_storage *st);

#endif /* OTTO_STORAGE_BACKEND_H */
