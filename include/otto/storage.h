/* otto/storage.h: where a study keeps its trials. In memory by default (no
 * storage handle); a journal file or an SQLite database (optional build
 * feature) for resumable studies shared by processes on one machine;
 * PostgreSQL (optional build feature) for many machines. */
#ifndef OTTO_STORAGE_H
#define OTTO_STORAGE_H

#include <stddef.h>

#include "alloc.h"
#include "export.h"
#include "status.h"

OTTO_BEGIN_DECLS

/* A storage handle. Any number of studies (in any number of threads) may use
 * one handle; each study keeps its own reference, so the handle may be closed
 * as soon as the studies are created. */
typedef struct otto_storage otto_storage;

/* When a journal's writes are forced to disk (fsync). Every write reaches
 * write(2) before the call that made it returns, whatever the policy, so a
 * crash of the process never loses a told trial; the policy is about crashes
 * of the machine. */
typedef enum otto_sync_policy {
    OTTO_SYNC_EVERY_TELL = 1, /* fsync before tell, add_trial, enqueue and
                                 study creation return (default) */
    OTTO_SYNC_BATCH = 2,      /* fsync at most every sync_interval_s, and at close */
    OTTO_SYNC_NONE = 3        /* never fsync */
} otto_sync_policy;

/* Flags of otto_storage_options.flags (bits, or'ed together). */
typedef enum otto_storage_flag {
    /* Read, never write. The file or database is opened for reading only
     * (a journal O_RDONLY under shared locks, SQLite with
     * SQLITE_OPEN_READONLY, a PostgreSQL session with
     * default_transaction_read_only), so files on read-only mounts and
     * without write permission can be read. Nothing is created: no file,
     * no journal header, no tables; a torn journal tail is skipped, not
     * truncated; an SQLite database keeps its journal mode. A missing file
     * is OTTO_ENOTFOUND; an empty one (or a database without otto's tables)
     * holds no studies. Studies open only with OTTO_OPEN_LOAD (
     * OTTO_OPEN_LOAD_IF_EXISTS loads or is OTTO_ENOTFOUND; OTTO_OPEN_CREATE
     * is OTTO_ESTATE), and every write through the storage (ask, tell,
     * enqueue, add_trial, attributes, delete_study) is OTTO_ESTATE. Reading
     * an SQLite database in WAL mode takes part in SQLite's locking through
     * its -wal and -shm files beside it, which SQLite creates if absent;
     * on a read-only mount otto reads the file as immutable instead. */
    OTTO_STORAGE_READ_ONLY = 1
} otto_storage_flag;

/* Options of the storage open functions. Fill with otto_storage_options_init,
 * then edit; size-versioned like every otto options struct. */
typedef struct otto_storage_options {
    size_t size;
    otto_sync_policy sync;           /* journal and SQLite; default OTTO_SYNC_EVERY_TELL */
    double sync_interval_s;          /* OTTO_SYNC_BATCH: default 1.0 */
    double heartbeat_interval_s;     /* > 0: running trials heartbeat this often (default 0: off) */
    double grace_period_s;           /* a trial silent this long is FAIL; 0: 2 x interval */
    int retry_failed_trials;         /* a trial failed for missed heartbeats is enqueued
                                        again with the same params (default 0) */
    const otto_allocator *allocator; /* NULL: libc; copied */
    double timeout_s;                /* PostgreSQL: how long one call may wait for the server,
                                        across reconnects, before OTTO_EIO; SQLite: how long
                                        to wait for another writer (default 60) */
    unsigned int flags;              /* otto_storage_flag bits (default 0: read and write) */
} otto_storage_options;

OTTO_API void otto_storage_options_init_sized(otto_storage_options *o, size_t size);
#define otto_storage_options_init(o) otto_storage_options_init_sized((o), sizeof *(o))

/* Open (creating if absent) an append-only journal file. Several handles,
 * in one process or in many, may share one file. o may be NULL (defaults).
 * OTTO_EIO when the file cannot be opened or locked; OTTO_ECORRUPT when it
 * is not an otto journal. With OTTO_STORAGE_READ_ONLY the file must exist
 * (OTTO_ENOTFOUND) and is only read. */
OTTO_API int otto_storage_journal_open(const char *path, const otto_storage_options *o,
                                       otto_storage **out);

/* Open (creating if absent) an SQLite database file in WAL mode. Several
 * handles, in one process or in many on one machine, may share one file
 * (not over a network file system: SQLite's locking needs a local one).
 * The sync policy applies as for a journal. OTTO_ENOTSUP when otto was built
 * without libsqlite3; OTTO_EIO when the file cannot be opened; OTTO_ECORRUPT
 * when it is not a database, or holds another program's tables. With
 * OTTO_STORAGE_READ_ONLY the file must exist (OTTO_ENOTFOUND) and keeps its
 * tables, or lack of them, and its journal mode. */
OTTO_API int otto_storage_sqlite_open(const char *path, const otto_storage_options *o,
                                      otto_storage **out);

/* Connect to PostgreSQL (a libpq conninfo string or postgresql:// URI) and
 * create otto's tables if absent. OTTO_ENOTSUP when otto was built without
 * libpq; OTTO_EIO when the connection or a statement fails. With
 * OTTO_STORAGE_READ_ONLY the session is read-only (SET
 * default_transaction_read_only = on) and no table is created. */
OTTO_API int otto_storage_postgres_open(const char *conninfo, const otto_storage_options *o,
                                        otto_storage **out);

/* Drop the caller's reference; the storage closes when its last study is
 * destroyed. NULL is a no-op. */
OTTO_API void otto_storage_close(otto_storage *st);

/* Names of the studies in the storage, in creation order: writes
 * min(cap, count) pointers to out and the count to *n_out. The strings stay
 * valid until the storage handle is closed. */
OTTO_API int otto_storage_study_names(otto_storage *st, const char **out, size_t cap,
                                      size_t *n_out);

/* Delete the study `name` and all its trials from the storage; the name is
 * free for a new study. Study handles still open on it get OTTO_ENOTFOUND
 * from their next write (and, with a journal, from every exchange).
 * OTTO_ENOTFOUND when there is no such study; OTTO_ESTATE when the storage
 * is read-only. */
OTTO_API int otto_storage_delete_study(otto_storage *st, const char *name);

OTTO_END_DECLS

#endif /* OTTO_STORAGE_H */
