/* SQLite backend over libsqlite3 (built when meson finds it): one database
 * file in WAL mode shared by the threads and processes of one machine
 * through SQLite's own locking. Studies are rows of otto_studies, each
 * exchange's batch of records (record.h) one row of otto_log numbered per
 * study, as in the PostgreSQL backend. An append runs in a BEGIN IMMEDIATE
 * transaction (the database's one writer) after reading the rows others
 * committed, so batch numbers (and with them trial numbers) follow commit
 * order. A committed row is in the WAL before COMMIT returns, so a told
 * trial survives the writer's SIGKILL whatever the sync policy; the policy
 * decides when SQLite fsyncs (synchronous=FULL for results under
 * OTTO_SYNC_EVERY_TELL), which matters for crashes of the machine. A
 * read-only handle (OTTO_STORAGE_READ_ONLY) opens with SQLITE_OPEN_READONLY
 * and makes nothing: no file, no tables, no journal mode switch. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "batch.h"
#include "name_pool.h"

#if defined(OTTO_HAVE_SQLITE)

#include <sqlite3.h>
/* the read-only open looks at the file and its mount (POSIX; SQLite is
 * built on POSIX hosts only) */
#include <sys/stat.h>
#include <sys/statvfs.h>

#define APPLICATION_ID 0x6f74746f /* "otto": marks a database otto made */

typedef struct lite {
    sqlite3 *db;        /* NULL: not opened in this process yet */
    char *path;
    const otto_allocator *alloc; /* the storage's */
    int read_only;      /* OTTO_STORAGE_READ_ONLY (see connect_read_only) */
    uint64_t pid;       /* the process that opened db (see own_connection) */
    pthread_mutex_t mu; /* one statement at a time on the connection */
    int busy_ms;        /* how long to wait for another writer (timeout_s) */
    int synchronous;    /* the connection's PRAGMA synchronous now (-1: unknown) */
    double last_sync;   /* OTTO_SYNC_BATCH: time of the last FULL commit */
    sqlite3_stmt *read, *append, *find, *insert_study;
    otto__name_pool names; /* what study_names handed out */
} lite;

/* An otto status for an SQLite result code, with SQLite's message. */
static int lite_fail(lite *l, const char *what, int src)
{
    int code = src & 0xff;
    const char *msg = l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(src);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return otto__error(OTTO_ECORRUPT, "sqlite %s: %s: %s", l->path, what, msg);
    if (code == SQLITE_NOMEM)
        return otto__error(OTTO_ENOMEM, "sqlite %s: %s: out of memory", l->path, what);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return otto__error(OTTO_EIO, "sqlite %s: %s: another writer held the database longer "
                                     "than the timeout (timeout_s): %s",
                           l->path, what, msg);
    return otto__error(OTTO_EIO, "sqlite %s: %s: %s", l->path, what, msg);
}

static int exec_sql(lite *l, const char *what, const char *sql)
{
    int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? OTTO_OK : lite_fail(l, what, rc);
}

static void rollback(lite *l)
{
    if (!sqlite3_get_autocommit(l->db))
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

/* One integer of a one-row query (a pragma). */
static int query_int(lite *l, const char *what, const char *sql, long long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(l->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    int r = rc == SQLITE_OK || rc == SQLITE_DONE ? OTTO_OK : lite_fail(l, what, rc);
    sqlite3_finalize(s);
    return r;
}

/* ---- connections ---------------------------------------------------------------------- */

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS otto_studies ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL,"
    " n_objectives INTEGER NOT NULL, directions BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS otto_log ("
    " study_id INTEGER NOT NULL REFERENCES otto_studies(id),"
    " seq INTEGER NOT NULL, batch BLOB NOT NULL,"
    " PRIMARY KEY (study_id, seq)) WITHOUT ROWID;";

/* Check that a database made by another program is not mistaken for one
 * of otto's (an Optuna RDB file, say): refused unless it is empty or marked
 * with otto's application id (*app). */
static int check_owner(lite *l, long long *app)
{
    long long foreign = 0;
    *app = 0;
    int rc = query_int(l, "reading the database", "PRAGMA application_id", app);
    if (!rc)
        rc = query_int(l, "reading the database",
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                       "name NOT IN ('otto_studies', 'otto_log') AND name NOT LIKE 'sqlite!_%' "
                       "ESCAPE '!'",
                       &foreign);
    if (!rc && *app != APPLICATION_ID && (*app != 0 || foreign > 0))
        rc = otto__error(OTTO_ECORRUPT,
                         "sqlite %s: not an otto database (it holds tables another program "
                         "made, e.g. an Optuna RDB storage); give otto a file of its own",
                         l->path);
    return rc;
}

/* Make otto's tables, after check_owner. */
static int ensure_schema(lite *l)
{
    int rc = exec_sql(l, "creating tables", "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    long long app = 0;
    rc = check_owner(l, &app);
    if (!rc && app != APPLICATION_ID) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d", APPLICATION_ID);
        rc = exec_sql(l, "creating tables", sql);
        if (!rc)
            rc = exec_sql(l, "creating tables", schema_sql);
    }
    if (!rc)
        rc = exec_sql(l, "creating tables", "COMMIT");
    if (rc)
        rollback(l);
    return rc;
}

static void disconnect(lite *l)
{
    sqlite3_finalize(l->read);
    sqlite3_finalize(l->append);
    sqlite3_finalize(l->find);
    sqlite3_finalize(l->insert_study);
    l->read = l->append = l->find = l->insert_study = NULL;
    if (l->db)
        sqlite3_close(l->db);
    l->db = NULL;
}

static int prepare(lite *l, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    return rc == SQLITE_OK ? OTTO_OK : lite_fail(l, "preparing statements", rc);
}

/* A read-only connection prepares its statements once otto's tables exist
 * (*present); a database no writer has touched yet has none: no studies. */
static int ro_tables(lite *l, int *present)
{
    *present = l->read != NULL;
    long long n = 0;
    int rc = *present ? OTTO_OK
                      : query_int(l, "reading the database",
                                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                  "name IN ('otto_studies', 'otto_log')",
                                  &n);
    if (!rc && !*present && n == 2) {
        rc = prepare(l, "SELECT seq, batch FROM otto_log WHERE study_id = ?1 AND seq > ?2 "
                        "ORDER BY seq",
                     &l->read);
        if (!rc)
            rc = prepare(l, "SELECT id, n_objectives, directions FROM otto_studies WHERE "
                            "name = ?1",
                         &l->find);
        *present = !rc;
    }
    return rc;
}

/* Open the database for reading only. A database in WAL mode is read
 * through its -wal and -shm files, which SQLite creates beside it if absent;
 * on a read-only mount it cannot, and no writer can exist either: the file
 * is then read as immutable (no locks, no WAL). */
static int connect_read_only(lite *l)
{
    struct stat sb;
    if (stat(l->path, &sb) != 0)
        return errno == ENOENT
                   ? otto__error(OTTO_ENOTFOUND, "sqlite_open: %s does not exist (a read-only "
                                                 "storage never creates it)",
                                 l->path)
                   : otto__error(OTTO_EIO, "sqlite_open: cannot open %s: %s", l->path,
                                 strerror(errno));
    struct statvfs fs;
    int immutable = statvfs(l->path, &fs) == 0 && (fs.f_flag & ST_RDONLY);
    char *uri = NULL;
    if (immutable) { /* file:PATH?immutable=1, the path percent-encoded */
        size_t n = strlen(l->path);
        uri = otto__malloc(l->alloc, 3 * n + 32);
        if (!uri)
            return otto__error(OTTO_ENOMEM, "sqlite: out of memory");
        static const char hex[] = "0123456789ABCDEF";
        char *q = uri + sprintf(uri, "file:");
        for (const unsigned char *c = (const unsigned char *)l->path; *c; c++) {
            if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                (*c >= '0' && *c <= '9') || strchr("/-._~", *c)) {
                *q++ = (char)*c;
            } else {
                *q++ = '%';
                *q++ = hex[*c >> 4];
                *q++ = hex[*c & 15];
            }
        }
        strcpy(q, "?immutable=1");
    }
    int rc = sqlite3_open_v2(uri ? uri : l->path, &l->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                                 (uri ? SQLITE_OPEN_URI : 0),
                             NULL);
    otto__free(l->alloc, uri);
    if (rc != SQLITE_OK) {
        int r = lite_fail(l, "opening", rc);
        disconnect(l);
        return r;
    }
    sqlite3_extended_result_codes(l->db, 1);
    sqlite3_busy_timeout(l->db, l->busy_ms);
    l->synchronous = -1;
    long long app = 0;
    int present = 0, r = check_owner(l, &app);
    if (!r)
        r = ro_tables(l, &present);
    int code = sqlite3_errcode(l->db) & 0xff;
    if (r == OTTO_EIO && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY))
        r = otto__error(OTTO_EIO, "sqlite %s: cannot read this WAL database read-only: SQLite "
                                  "needs its -wal and -shm files beside it and cannot create "
                                  "them there (%s); read a copy, or from a read-only mount",
                        l->path, sqlite3_errmsg(l->db));
    if (r)
        disconnect(l);
    return r;
}

/* Open the database in this process, in WAL mode, with otto's tables. */
static int connect_db(lite *l)
{
    if (l->read_only)
        return connect_read_only(l);
    int rc = sqlite3_open_v2(l->path, &l->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        int r = lite_fail(l, "opening", rc);
        disconnect(l);
        return r;
    }
    sqlite3_extended_result_codes(l->db, 1);
    sqlite3_busy_timeout(l->db, l->busy_ms);
    /* an append to a deleted study then fails instead of leaving orphans */
    sqlite3_exec(l->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    l->synchronous = -1;
    /* Switching a new file to WAL upgrades a shared lock, which SQLite
     * refuses at once (no busy handler: it could deadlock) while another
     * process is doing the same: retry within the timeout. */
    sqlite3_stmt *s = NULL;
    rc = sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
    double deadline = otto__monotonic_time() + l->busy_ms / 1000.0, pause = 0.001;
    while (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) {
        rc = sqlite3_step(s);
        if ((rc & 0xff) != SQLITE_BUSY || otto__monotonic_time() + pause > deadline)
            break;
        sqlite3_reset(s);
        sqlite3_sleep((int)(pause * 1000));
        pause = fmin(2 * pause, 0.1);
    }
    int r = OTTO_OK;
    if (rc != SQLITE_ROW)
        r = lite_fail(l, "switching to WAL mode", rc);
    else if (strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0)
        r = otto__error(OTTO_EIO, "sqlite %s: the database cannot use WAL mode (journal mode "
                                  "stays '%s')",
                        l->path, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    if (!r)
        r = ensure_schema(l);
    if (!r)
        r = prepare(l, "SELECT seq, batch FROM otto_log WHERE study_id = ?1 AND seq > ?2 "
                       "ORDER BY seq",
                    &l->read);
    if (!r)
        r = prepare(l, "INSERT INTO otto_log (study_id, seq, batch) VALUES (?1, ?2, ?3)",
                    &l->append);
    if (!r)
        r = prepare(l, "SELECT id, n_objectives, directions FROM otto_studies WHERE name = ?1",
                    &l->find);
    if (!r)
        r = prepare(l, "INSERT INTO otto_studies (name, n_objectives, directions) "
                       "VALUES (?1, ?2, ?3)",
                    &l->insert_study);
    if (r)
        disconnect(l);
    return r;
}

/* SQLite connections must not cross fork(): a child leaves the parent's
 * alone (closing it could drop the parent's POSIX locks on the file) and
 * opens its own. */
static int own_connection(lite *l)
{
    if (l->pid != otto__os_pid()) {
        l->db = NULL;
        l->read = l->append = l->find = l->insert_study = NULL;
        l->pid = otto__os_pid();
    }
    return l->db ? OTTO_OK : connect_db(l);
}

/* own_connection, and whether otto's tables are there to read (always, once
 * a writable connection is made). */
static int ready(lite *l, int *present)
{
    *present = 1;
    int rc = own_connection(l);
    if (!rc && l->read_only)
        rc = ro_tables(l, present);
    return rc;
}

/* Set PRAGMA synchronous for the next commit (outside a transaction). */
static int set_synchronous(lite *l, int level)
{
    if (l->synchronous == level)
        return OTTO_OK;
    char sql[40];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = %d", level);
    int rc = exec_sql(l, "setting the sync policy", sql);
    l->synchronous = rc ? -1 : level;
    return rc;
}

/* 2 (FULL) forces this commit to disk, 1 (NORMAL) leaves it to checkpoints,
 * 0 (OFF) never syncs: the storage's sync policy for one commit. */
static int sync_level(otto_storage *st, lite *l, int durable)
{
    if (st->opts.sync == OTTO_SYNC_NONE)
        return 0;
    if (st->opts.sync == OTTO_SYNC_EVERY_TELL)
        return durable ? 2 : 1;
    if (!durable)
        return 1;
    double now = otto__monotonic_time();
    if (now - l->last_sync < st->opts.sync_interval_s)
        return 1;
    l->last_sync = now;
    return 2;
}

/* ---- studies ------------------------------------------------------------------------- */

static int find_study(lite *l, const char *name, const otto_allocator *a, uint32_t *id,
                      size_t *n_obj, otto_direction **dirs, int *found)
{
    sqlite3_stmt *s = l->find;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    int r = OTTO_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        r = lite_fail(l, "finding the study", rc);
    } else if (*found) {
        long long sid = sqlite3_column_int64(s, 0), n = sqlite3_column_int64(s, 1);
        const unsigned char *d = sqlite3_column_blob(s, 2);
        int len = sqlite3_column_bytes(s, 2);
        int dr = sid < 1 || sid > UINT32_MAX || n != len
                     ? OTTO_ECORRUPT
                     : otto__directions_decode(d, (size_t)len, a, dirs);
        if (dr == OTTO_ENOMEM)
            r = otto__error(OTTO_ENOMEM, "sqlite: out of memory");
        else if (dr)
            r = otto__error(OTTO_ECORRUPT, "sqlite %s: study '%s' has invalid directions",
                            l->path, name);
        *id = (uint32_t)sid;
        *n_obj = (size_t)n;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r;
}

static int create_study(lite *l, const char *name, size_t n_objectives, const otto_direction *dirs)
{
    unsigned char d[1024];
    if (n_objectives > sizeof d)
        return otto__error(OTTO_ERANGE, "sqlite: too many objectives");
    for (size_t k = 0; k < n_objectives; k++)
        d[k] = (unsigned char)dirs[k];
    sqlite3_stmt *s = l->insert_study;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)n_objectives);
    sqlite3_bind_blob(s, 3, d, (int)n_objectives, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? OTTO_OK : lite_fail(l, "creating the study", rc);
}

static int l_open_study(otto_storage *st, const char *name, size_t n_objectives,
                        const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                        otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                        char note[256])
{
    (void)note;
    lite *l = st->impl;
    *created = 0;
    *dirs_out = NULL;
    uint32_t id = 0;
    int found = 0, present = 1;
    pthread_mutex_lock(&l->mu);
    int rc = ready(l, &present);
    if (!rc && !l->read_only)
        rc = set_synchronous(l, sync_level(st, l, 1));
    if (!rc && present) /* read-only: only OTTO_OPEN_LOAD comes here (core/store.c) */
        rc = exec_sql(l, "opening the study", l->read_only ? "BEGIN" : "BEGIN IMMEDIATE");
    if (!rc && present)
        rc = find_study(l, name, a, &id, n_obj, dirs_out, &found);
    if (!rc && !found && (mode == OTTO_OPEN_LOAD || l->read_only))
        rc = otto__error(OTTO_ENOTFOUND, "study_create: sqlite %s has no study named '%s'",
                         l->path, name);
    if (!rc && found && mode == OTTO_OPEN_CREATE)
        rc = otto__error(OTTO_EEXIST,
                         "study_create: sqlite %s already has a study named '%s' (open it with "
                         "OTTO_OPEN_LOAD or OTTO_OPEN_LOAD_IF_EXISTS)",
                         l->path, name);
    if (!rc && !found) {
        rc = create_study(l, name, n_objectives, dirs);
        if (!rc)
            rc = find_study(l, name, a, &id, n_obj, dirs_out, &found);
        if (!rc && !found)
            rc = otto__error(OTTO_EIO, "sqlite %s: study '%s' vanished", l->path, name);
        *created = !rc;
    }
    if (!rc)
        rc = exec_sql(l, "opening the study", "COMMIT");
    if (rc && l->db)
        rollback(l);
    pthread_mutex_unlock(&l->mu);
    if (rc) {
        otto__free(a, *dirs_out);
        *dirs_out = NULL;
        *created = 0;
        return rc;
    }
    bs->id = id;
    bs->cursor = 0;
    bs->sub = 0;
    return OTTO_OK;
}

/* The database file at the path is still the one this connection opened:
 * a file removed or replaced (renamed over) under a running study would
 * otherwise take every later tell into a file nobody can reach, or mix two
 * databases. Checked inside each transaction, as the journal checks its
 * file under its lock. SQLite's close later tidies the old file's WAL. */
static int still_at_path(lite *l)
{
    int moved = 0;
    int rc = sqlite3_file_control(l->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved);
    if (rc != SQLITE_OK)
        return lite_fail(l, "checking that the file is still in place", rc);
    if (moved)
        return otto__error(OTTO_EIO,
                           "sqlite %s was removed or replaced by another file since it was "
                           "opened; nothing more is written to it (open the path again to "
                           "use what is there now)",
                           l->path);
    return OTTO_OK;
}

/* ---- exchanging records ----------------------------------------------------------------- */

/* Apply the batches after the cursor. */
static int catch_up(lite *l, otto__bstudy *bs, otto__exchange *x)
{
    sqlite3_stmt *s = l->read;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, bs->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)bs->cursor);
    int rc = OTTO_OK, step;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(s, 0);
        const unsigned char *b = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        if (seq != bs->cursor + 1 || sqlite3_column_type(s, 1) != SQLITE_BLOB)
            rc = otto__error(OTTO_ECORRUPT, "sqlite %s: study %u skips from batch %llu to %llu",
                             l->path, bs->id, (unsigned long long)bs->cursor,
                             (unsigned long long)seq);
        else
            rc = otto__apply_batch("sqlite", bs, x, b, n, seq, 0, 0);
    }
    if (!rc && step != SQLITE_DONE)
        rc = lite_fail(l, "reading the study", step);
    sqlite3_reset(s);
    return rc;
}

static int append(lite *l, otto__bstudy *bs, const otto__wbuf *b, uint64_t seq)
{
    sqlite3_stmt *s = l->append;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, bs->id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
    sqlite3_bind_blob(s, 3, b->p, (int)b->n, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return otto__error(OTTO_ENOTFOUND, "sqlite %s: the study was deleted", l->path);
    return rc == SQLITE_DONE ? OTTO_OK : lite_fail(l, "appending", rc);
}

static int write_batch(otto_storage *st, lite *l, otto__bstudy *bs, otto__exchange *x)
{
    int rc = set_synchronous(l, sync_level(st, l, x->durable));
    if (!rc)
        rc = exec_sql(l, "locking the database", "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    otto__wbuf b;
    otto__wbuf_init(&b, &st->alloc);
    rc = still_at_path(l);
    if (!rc)
        rc = catch_up(l, bs, x);
    if (!rc)
        rc = x->build(x->build_ctx, &b);
    if (!rc && b.failed)
        rc = otto__error(OTTO_ENOMEM, "sqlite: out of memory (or a record over %u bytes)",
                         OTTO__RECORD_MAX);
    if (!rc && b.n > 0x7fffffff)
        rc = otto__error(OTTO_ERANGE, "sqlite: batch too large");
    uint64_t seq = bs->cursor + 1;
    if (!rc && b.n)
        rc = append(l, bs, &b, seq);
    if (!rc)
        rc = exec_sql(l, "COMMIT", "COMMIT");
    if (rc) {
        rollback(l);
    } else if (b.n) {
        /* catch_up ended at a batch boundary (bs->sub == 0) */
        if (b.apply_upto > b.apply_from)
            rc = otto__apply_batch("sqlite", bs, x, b.p, b.n, seq, b.apply_from, b.apply_upto);
        if (!rc) {
            bs->cursor = seq;
            bs->sub = 0;
        }
    }
    otto__wbuf_free(&b);
    return rc;
}

static int l_exchange(otto_storage *st, otto__bstudy *bs, otto__exchange *x)
{
    lite *l = st->impl;
    x->need_flush = 0; /* a commit is as durable as its synchronous level */
    pthread_mutex_lock(&l->mu);
    int present, rc = ready(l, &present);
    if (!rc && !present)
        rc = otto__error(OTTO_ENOTFOUND, "sqlite %s: otto's tables are gone", l->path);
    if (!rc && x->build && l->read_only) /* core/store.c never asks: no statement for it */
        rc = otto__error(OTTO_ESTATE, "sqlite %s is open read-only (OTTO_STORAGE_READ_ONLY)",
                         l->path);
    if (!rc)
        rc = x->build ? write_batch(st, l, bs, x) : still_at_path(l);
    if (!rc && !x->build)
        rc = catch_up(l, bs, x);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int l_flush(otto_storage *st)
{
    (void)st;
    return OTTO_OK;
}

static int l_study_names(otto_storage *st, const char **out, size_t cap, size_t *n_out)
{
    lite *l = st->impl;
    pthread_mutex_lock(&l->mu);
    int present, rc = ready(l, &present);
    sqlite3_stmt *s = NULL;
    size_t n = 0, hint = 0;
    if (!rc && present) { /* absent: read-only, and no writer made the tables yet */
        int r = sqlite3_prepare_v2(l->db, "SELECT id, name FROM otto_studies ORDER BY id", -1,
                                   &s, NULL);
        if (r != SQLITE_OK)
            rc = lite_fail(l, "listing studies", r);
    }
    if (!rc && present) {
        int r;
        while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(s, 1);
            const char *pooled = name ? otto__name_pool_get(&l->names, &st->alloc,
                                                            sqlite3_column_int64(s, 0), name,
                                                            &hint)
                                      : NULL;
            if (!pooled)
                rc = otto__error(name ? OTTO_ENOMEM : OTTO_ECORRUPT,
                                 name ? "sqlite: out of memory" : "sqlite: a study has no name");
            else if (n++ < cap)
                out[n - 1] = pooled;
        }
        if (!rc && r != SQLITE_DONE)
            rc = lite_fail(l, "listing studies", r);
    }
    sqlite3_finalize(s);
    *n_out = n;
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int l_delete_study(otto_storage *st, const char *name)
{
    lite *l = st->impl;
    pthread_mutex_lock(&l->mu);
    int rc = own_connection(l);
    if (!rc)
        rc = set_synchronous(l, sync_level(st, l, 1));
    if (!rc)
        rc = exec_sql(l, "deleting the study", "BEGIN IMMEDIATE");
    uint32_t id = 0;
    size_t n_obj;
    otto_direction *dirs = NULL;
    int found = 0;
    if (!rc)
        rc = find_study(l, name, &st->alloc, &id, &n_obj, &dirs, &found);
    otto__free(&st->alloc, dirs);
    if (!rc && !found)
        rc = otto__error(OTTO_ENOTFOUND, "delete_study: sqlite %s has no study named '%s'",
                         l->path, name);
    sqlite3_stmt *d = NULL;
    const char *const sql[2] = {"DELETE FROM otto_log WHERE study_id = ?1",
                                "DELETE FROM otto_studies WHERE id = ?1"};
    for (int k = 0; !rc && k < 2; k++) {
        int r = sqlite3_prepare_v2(l->db, sql[k], -1, &d, NULL);
        if (r == SQLITE_OK) {
            sqlite3_bind_int64(d, 1, id);
            r = sqlite3_step(d);
        }
        if (r != SQLITE_DONE && r != SQLITE_OK)
            rc = lite_fail(l, "deleting the study", r);
        sqlite3_finalize(d);
        d = NULL;
    }
    if (!rc)
        rc = exec_sql(l, "deleting the study", "COMMIT");
    if (rc && l->db)
        rollback(l);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static void l_close(otto_storage *st)
{
    lite *l = st->impl;
    if (!l)
        return;
    if (l->pid == otto__os_pid())
        disconnect(l);
    otto__free(&st->alloc, l->path);
    otto__name_pool_free(&l->names, &st->alloc);
    pthread_mutex_destroy(&l->mu);
    otto__free(&st->alloc, l);
}

static const otto__backend_vt sqlite_vt = {
    "sqlite", l_open_study, l_exchange, l_flush, l_study_names, l_delete_study, l_close,
};

int otto_storage_sqlite_open(const char *path, const otto_storage_options *o, otto_storage **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return otto__error(OTTO_EINVAL, "sqlite_open: NULL argument");
    if (!path[0] || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
        return otto__error(OTTO_EINVAL, "sqlite_open: give the path of a database file (not "
                                        "'%s'); a study without storage lives in memory",
                           path);
    otto_storage *st;
    int rc = otto__storage_new(&sqlite_vt, o, "sqlite_open", &st);
    if (rc)
        return rc;
    lite *l = otto__calloc(&st->alloc, 1, sizeof *l);
    if (!l || pthread_mutex_init(&l->mu, NULL) != 0) {
        otto__free(&st->alloc, l);
        otto__free(&st->alloc, st);
        return otto__error(OTTO_ENOMEM, "sqlite_open: out of memory");
    }
    st->impl = l;
    l->alloc = &st->alloc;
    l->read_only = otto__storage_read_only(st);
    l->pid = otto__os_pid();
    l->busy_ms = (int)fmin(st->opts.timeout_s * 1000, 2147483647.0);
    l->last_sync = otto__monotonic_time();
    l->path = otto__strdup(&st->alloc, path);
    rc = l->path ? connect_db(l) : otto__error(OTTO_ENOMEM, "sqlite_open: out of memory");
    if (rc) {
        l_close(st);
        otto__free(&st->alloc, st);
        return rc;
    }
    *out = st;
    return OTTO_OK;
}

#else /* built without libsqlite3 */

int otto_storage_sqlite_open(const char *path, const otto_storage_options *o, otto_storage **out)
{
    (void)path;
    (void)o;
    if (out)
        *out = NULL;
    return otto__error(OTTO_ENOTSUP, "sqlite_open: this otto was built without libsqlite3 "
                                     "(install libsqlite3-dev and rebuild; meson "
                                     "-Dsqlite=enabled)");
}

#endif
