/* PostgreSQL backend over libpq (built when meson finds libpq): studies in
 * table otto_studies, each exchange's batch of records (record.h) as one
 * row of otto_log numbered per study and named by a batch id unique to the
 * writer. Appends run in a transaction holding a per-study advisory lock,
 * after reading the rows other workers committed, so batch numbers (and
 * with them trial numbers) follow commit order.
 *
 * A server that restarts or stops answering is survived within one call:
 * every round trip waits at most until the call's deadline (the storage's
 * timeout_s), a lost connection is made anew with bounded backoff, and a
 * batch whose COMMIT got no answer is looked up by its id under the study's
 * lock before anything is written again, so a retried batch is never
 * applied twice. Every commit is synchronous: what a worker was told is
 * written (a trial number above all) survives a crash of the server, so a
 * reconnected worker never sees a number it was given handed to another.
 * A read-only handle (OTTO_STORAGE_READ_ONLY) runs every session with
 * default_transaction_read_only on and never creates the tables. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "batch.h"
#include "name_pool.h"

#if defined(OTTO_HAVE_LIBPQ)

#include <libpq-fe.h>
#include <poll.h> /* the libpq socket (POSIX only: Windows builds leave PostgreSQL out) */

#define LOCK_CLASS 1869903983 /* advisory lock namespace: "otto" as an int */
#define OTTO__STR_(x) #x
#define OTTO__STR(x) OTTO__STR_(x)
#define BATCH_ID_SIZE 16
#define BACKOFF_FIRST_S 0.05
#define BACKOFF_MAX_S 2.0

typedef struct pg {
    PGconn *conn;       /* NULL: lost (or not made yet in this process) */
    char *conninfo;
    uint64_t pid;       /* the process that made conn (see own_connection) */
    pthread_mutex_t mu; /* one statement at a time on the connection */
    double timeout_s;   /* one call's budget, across reconnects */
    int read_only;      /* OTTO_STORAGE_READ_ONLY: read-only sessions, no schema */
    uint64_t id_key;    /* batch ids: a random key of this process and handle ... */
    uint64_t id_count;  /* ... and a counter */
    otto__name_pool names; /* what study_names handed out */
    char sqlstate[6];       /* the last failed statement's SQLSTATE ("" if none) */
} pg;

/* SQLSTATE of a foreign key violation: the stable key, where the server's
 * message text is translated. */
#define SQLSTATE_FOREIGN_KEY "23503"

static void quiet_notices(void *arg, const char *message)
{
    (void)arg; /* libpq would print notices on stderr; a library stays silent */
    (void)message;
}

/* Drop a connection that is broken or that we stopped waiting for; the
 * next round trip connects anew. */
static void drop(pg *p)
{
    if (p->conn)
        PQfinish(p->conn);
    p->conn = NULL;
}

static int pg_fail(pg *p, const char *what, PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : "";
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(p->sqlstate, sizeof p->sqlstate, "%s", state ? state : "");
    if ((!msg || !msg[0]) && p->conn)
        msg = PQerrorMessage(p->conn);
    char clean[300];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "");
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = 0;
    if (res)
        PQclear(res);
    if (p->conn && PQstatus(p->conn) == CONNECTION_BAD)
        drop(p);
    return otto__error(OTTO_EIO, "postgres: %s: %s", what, clean);
}

/* Wait until the socket is ready for `events` or the deadline passes. */
static int wait_socket(pg *p, short events, double deadline, const char *what)
{
    for (;;) {
        double left = deadline - otto__monotonic_time();
        if (left <= 0) {
            drop(p);
            return otto__error(OTTO_EIO, "postgres: %s: no answer from the server within the "
                                         "timeout (timeout_s)", what);
        }
        struct pollfd pfd = {PQsocket(p->conn), events, 0};
        int ms = left > 1e6 ? 1000000000 : (int)ceil(left * 1000);
        int r = poll(&pfd, 1, ms);
        if (r > 0)
            return OTTO_OK;
        if (r < 0 && errno != EINTR) {
            drop(p);
            return otto__error(OTTO_EIO, "postgres: %s: poll: %s", what, strerror(errno));
        }
    }
}

/* One round trip: send sql (with text or binary parameters; several
 * statements when there are none) and wait for all its results until the
 * deadline. *out (if not NULL) gets the last result, in binary format when
 * binary is set. A broken connection or a timeout drops the connection
 * (p->conn NULL): the caller may reconnect and retry. */
static int pg_exec(pg *p, double deadline, const char *what, const char *sql, int n,
                   const char *const *vals, const int *lens, const int *formats, int binary,
                   PGresult **out)
{
    if (out)
        *out = NULL;
    p->sqlstate[0] = 0;
    if (!p->conn)
        return otto__error(OTTO_EIO, "postgres: %s: no connection", what);
    int sent = n || binary ? PQsendQueryParams(p->conn, sql, n, NULL, vals, lens, formats, binary)
                           : PQsendQuery(p->conn, sql);
    if (!sent)
        return pg_fail(p, what, NULL);
    int f;
    while ((f = PQflush(p->conn)) == 1) {
        int rc = wait_socket(p, POLLOUT | POLLIN, deadline, what);
        if (rc)
            return rc;
        if (!PQconsumeInput(p->conn))
            return pg_fail(p, what, NULL);
    }
    if (f < 0)
        return pg_fail(p, what, NULL);
    if (!PQconsumeInput(p->conn))
        return pg_fail(p, what, NULL);
    PGresult *last = NULL, *res;
    int rc = OTTO_OK;
    for (;;) {
        /* PQgetResult would block while the next result is incomplete */
        int w = OTTO_OK;
        while (!w && p->conn && PQisBusy(p->conn)) {
            w = wait_socket(p, POLLIN, deadline, what);
            if (!w && !PQconsumeInput(p->conn))
                w = pg_fail(p, what, NULL);
        }
        if (w) {
            rc = rc ? rc : w;
            drop(p); /* results left unread: the connection cannot be reused */
            break;
        }
        if (!p->conn || (res = PQgetResult(p->conn)) == NULL)
            break;
        ExecStatusType st = PQresultStatus(res);
        if (rc) {
            PQclear(res);
        } else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            rc = pg_fail(p, what, res); /* clears res; may drop the connection */
        } else {
            if (last)
                PQclear(last);
            last = res;
        }
    }
    if (rc || !out) {
        if (last)
            PQclear(last);
        return rc;
    }
    *out = last;
    return OTTO_OK;
}

static void pg_rollback(pg *p, double deadline)
{
    if (p->conn)
        pg_exec(p, deadline, "ROLLBACK", "ROLLBACK", 0, NULL, NULL, NULL, 0, NULL);
}

static uint64_t be64(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t be32(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- connections ------------------------------------------------------------------ */

/* Tables of every version: batch_id came with retries (older tables gain it). */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS otto_studies ("
    " id serial PRIMARY KEY, name text UNIQUE NOT NULL,"
    " n_objectives integer NOT NULL, directions bytea NOT NULL);"
    "CREATE TABLE IF NOT EXISTS otto_log ("
    " study_id integer NOT NULL REFERENCES otto_studies(id),"
    " seq bigint NOT NULL, batch bytea NOT NULL, batch_id bytea,"
    " PRIMARY KEY (study_id, seq));"
    "ALTER TABLE otto_log ADD COLUMN IF NOT EXISTS batch_id bytea;"
    "CREATE UNIQUE INDEX IF NOT EXISTS otto_log_batch_id ON otto_log (batch_id);";

/* One attempt to connect and prepare the session, within the deadline. */
static int connect_once(pg *p, double deadline, int schema)
{
    double left = deadline - otto__monotonic_time();
    char connect_s[24], user_ms[24], session[260];
    /* libpq's connect_timeout is whole seconds, at least 2 */
    snprintf(connect_s, sizeof connect_s, "%d", (int)fmax(2, ceil(left)));
    long long budget_ms = (long long)fmin(p->timeout_s * 1000, 2147483647.0);
    snprintf(user_ms, sizeof user_ms, "%lld", budget_ms);
    /* our defaults first: a conninfo that sets any of them wins */
    const char *keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
                          "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                          "dbname", NULL};
    const char *vals[] = {connect_s, "1", "10", "5", "3", user_ms, p->conninfo, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", c ? PQerrorMessage(c) : "out of memory");
        size_t n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = 0;
        if (c)
            PQfinish(c);
        return otto__error(OTTO_EIO, "postgres: connecting: %s", msg);
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    if (PQsetnonblocking(c, 1) != 0) {
        PQfinish(c);
        return otto__error(OTTO_EIO, "postgres: cannot make the connection non-blocking");
    }
    p->conn = c;
    /* the server gives up on what we gave up on, and ends a session left
     * in a transaction by a worker that stopped (it would hold the lock) */
    snprintf(session, sizeof session,
             "SET client_min_messages = warning; SET statement_timeout = %lld; "
             "SET idle_in_transaction_session_timeout = %lld%s",
             budget_ms, budget_ms,
             p->read_only ? "; SET default_transaction_read_only = on" : "");
    int rc = pg_exec(p, deadline, "preparing the session", session, 0, NULL, NULL, NULL, 0, NULL);
    if (!rc && schema && !p->read_only) {
        /* IF NOT EXISTS is not safe against concurrent creators: serialize them */
        rc = pg_exec(p, deadline, "creating tables",
                     "BEGIN; SELECT pg_advisory_xact_lock(" OTTO__STR(LOCK_CLASS) ")", 0, NULL,
                     NULL, NULL, 0, NULL);
        if (!rc)
            rc = pg_exec(p, deadline, "creating tables", schema_sql, 0, NULL, NULL, NULL, 0,
                         NULL);
        if (!rc)
            rc = pg_exec(p, deadline, "creating tables", "COMMIT", 0, NULL, NULL, NULL, 0, NULL);
        else
            pg_rollback(p, deadline);
    }
    if (rc)
        drop(p);
    return rc;
}

/* A connection, made anew (with backoff) until the deadline if lost. */
static int ensure_connection(pg *p, double deadline, int schema)
{
    double backoff = BACKOFF_FIRST_S;
    for (;;) {
        if (p->conn)
            return OTTO_OK;
        int rc = connect_once(p, deadline, schema);
        if (!rc)
            return OTTO_OK;
        double left = deadline - otto__monotonic_time();
        if (left <= 0)
            return rc;
        otto__os_sleep(fmin(backoff, left));
        backoff = fmin(2 * backoff, BACKOFF_MAX_S);
    }
}

/* A connection is one socket: after fork() the child must not talk over the
 * parent's, nor close it (that would end the parent's session), so it
 * leaves it alone, takes its own batch id key and connects anew. */
static int own_connection(pg *p)
{
    if (p->pid == otto__os_pid())
        return OTTO_OK;
    p->conn = NULL; /* the parent's stays open for the parent */
    p->pid = otto__os_pid();
    p->id_count = 0;
    return otto__entropy64(&p->id_key);
}

/* Run step(p, ctx, deadline) on a live connection, reconnecting and running
 * it again while the connection is lost and the call's budget lasts. */
typedef int (*step_fn)(pg *p, void *ctx, double deadline);

static int with_retries(pg *p, step_fn step, void *ctx)
{
    double deadline = otto__monotonic_time() + p->timeout_s;
    double backoff = BACKOFF_FIRST_S;
    int rc0 = own_connection(p);
    if (rc0)
        return rc0;
    for (;;) {
        int rc = ensure_connection(p, deadline, 0);
        if (!rc)
            rc = step(p, ctx, deadline);
        if (!rc || p->conn) /* done, or an error the server gave: no retry */
            return rc;
        double left = deadline - otto__monotonic_time();
        if (left <= 0)
            return rc;
        otto__os_sleep(fmin(backoff, left));
        backoff = fmin(2 * backoff, BACKOFF_MAX_S);
    }
}

/* ---- studies ------------------------------------------------------------------------ */

/* Whether otto's tables exist: a read-only handle never creates them, and
 * a database without them holds no studies. */
static int tables_exist(pg *p, double deadline, int *present)
{
    PGresult *res = NULL;
    int rc = pg_exec(p, deadline, "reading the database",
                     "SELECT to_regclass('otto_studies') IS NOT NULL AND "
                     "to_regclass('otto_log') IS NOT NULL",
                     0, NULL, NULL, NULL, 0, &res);
    *present = !rc && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    if (res)
        PQclear(res);
    return rc;
}

static int find_study(pg *p, double deadline, const char *name, const otto_allocator *a,
                      uint32_t *id, size_t *n_obj, otto_direction **dirs, int *found)
{
    PGresult *res = NULL;
    const char *v[1] = {name};
    int rc = pg_exec(p, deadline, "finding the study",
                     "SELECT id, n_objectives, directions FROM otto_studies WHERE name = $1", 1,
                     v, NULL, NULL, 1, &res);
    if (rc)
        return rc;
    *found = PQntuples(res) == 1;
    if (*found) {
        *id = be32(PQgetvalue(res, 0, 0));
        uint32_t n = be32(PQgetvalue(res, 0, 1));
        int len = PQgetlength(res, 0, 2);
        const unsigned char *d = (const unsigned char *)PQgetvalue(res, 0, 2);
        int dr = (int)n != len ? OTTO_ECORRUPT : otto__directions_decode(d, n, a, dirs);
        if (dr) {
            PQclear(res);
            return dr == OTTO_ENOMEM
                       ? otto__error(OTTO_ENOMEM, "postgres: out of memory")
                       : otto__error(OTTO_ECORRUPT, "postgres: study '%s' has invalid "
                                                    "directions",
                                     name);
        }
        *n_obj = n;
    }
    PQclear(res);
    return OTTO_OK;
}

typedef struct open_ctx {
    const char *name;
    size_t n_objectives;
    const otto_direction *dirs;
    otto_open_mode mode;
    const otto_allocator *a;
    uint32_t id;
    size_t *n_obj;
    otto_direction **dirs_out;
    int *created;
} open_ctx;

static int open_step(pg *p, void *vctx, double deadline)
{
    open_ctx *c = vctx;
    int found = 0, present = 1;
    otto__free(c->a, *c->dirs_out);
    *c->dirs_out = NULL;
    int rc = p->read_only ? tables_exist(p, deadline, &present) : OTTO_OK;
    if (!rc && present)
        rc = find_study(p, deadline, c->name, c->a, &c->id, c->n_obj, c->dirs_out, &found);
    if (!rc && !found && (c->mode == OTTO_OPEN_LOAD || p->read_only))
        return otto__error(OTTO_ENOTFOUND, "study_create: postgres has no study named '%s'",
                           c->name);
    if (!rc && found && c->mode == OTTO_OPEN_CREATE && !*c->created)
        return otto__error(OTTO_EEXIST,
                           "study_create: postgres already has a study named '%s' (open it with "
                           "OTTO_OPEN_LOAD or OTTO_OPEN_LOAD_IF_EXISTS)",
                           c->name);
    if (!rc && !found) {
        unsigned char d[1024];
        char nbuf[24];
        snprintf(nbuf, sizeof nbuf, "%zu", c->n_objectives);
        for (size_t k = 0; k < c->n_objectives; k++)
            d[k] = (unsigned char)c->dirs[k];
        const char *v[3] = {c->name, nbuf, (const char *)d};
        int lens[3] = {0, 0, (int)c->n_objectives};
        int fmts[3] = {0, 0, 1};
        PGresult *res = NULL;
        rc = pg_exec(p, deadline, "creating the study",
                     "INSERT INTO otto_studies (name, n_objectives, directions) VALUES ($1, $2, "
                     "$3) ON CONFLICT (name) DO NOTHING RETURNING id",
                     3, v, lens, fmts, 1, &res);
        if (rc)
            return rc;
        /* 0 rows: another worker made it just now. An insert whose answer
         * was lost is found by the retry, and then counts as another's. */
        *c->created = PQntuples(res) == 1;
        PQclear(res);
        if (!*c->created && c->mode == OTTO_OPEN_CREATE)
            return otto__error(OTTO_EEXIST, "study_create: postgres already has a study named "
                                            "'%s'",
                               c->name);
        rc = find_study(p, deadline, c->name, c->a, &c->id, c->n_obj, c->dirs_out, &found);
        if (!rc && !found)
            rc = otto__error(OTTO_EIO, "postgres: study '%s' vanished", c->name);
    }
    return rc;
}

static int p_open_study(otto_storage *st, const char *name, size_t n_objectives,
                        const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                        otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                        char note[256])
{
    (void)note;
    pg *p = st->impl;
    *created = 0;
    *dirs_out = NULL;
    open_ctx c = {name, n_objectives, dirs, mode, a, 0, n_obj, dirs_out, created};
    pthread_mutex_lock(&p->mu);
    int rc = with_retries(p, open_step, &c);
    pthread_mutex_unlock(&p->mu);
    if (rc) {
        otto__free(a, *dirs_out);
        *dirs_out = NULL;
        *created = 0;
        return rc;
    }
    bs->id = c.id;
    bs->cursor = 0;
    bs->sub = 0;
    return OTTO_OK;
}

/* ---- exchanging records -------------------------------------------------------------------- */

static int apply_batch(otto__bstudy *bs, otto__exchange *x, const unsigned char *b, size_t n,
                       uint64_t seq, size_t from, size_t upto)
{
    return otto__apply_batch("postgres", bs, x, b, n, seq, from, upto);
}

/* Apply the batches after the cursor, up to seq `below` (exclusive; 0:
 * all of them). */
static int catch_up(pg *p, double deadline, otto__bstudy *bs, otto__exchange *x, uint64_t below)
{
    char idbuf[16], seqbuf[24], belowbuf[24];
    snprintf(idbuf, sizeof idbuf, "%u", bs->id);
    snprintf(seqbuf, sizeof seqbuf, "%llu", (unsigned long long)bs->cursor);
    snprintf(belowbuf, sizeof belowbuf, "%llu",
             (unsigned long long)(below ? below : (uint64_t)INT64_MAX));
    const char *v[3] = {idbuf, seqbuf, belowbuf};
    PGresult *res = NULL;
    int rc = pg_exec(p, deadline, "reading the study",
                     "SELECT seq, batch FROM otto_log WHERE study_id = $1 AND seq > $2 AND "
                     "seq < $3 ORDER BY seq",
                     3, v, NULL, NULL, 1, &res);
    if (rc)
        return rc;
    int rows = PQntuples(res);
    for (int i = 0; i < rows && !rc; i++) {
        uint64_t seq = be64(PQgetvalue(res, i, 0));
        if (seq != bs->cursor + 1) {
            rc = otto__error(OTTO_ECORRUPT, "postgres: study %u skips from batch %llu to %llu",
                             bs->id, (unsigned long long)bs->cursor, (unsigned long long)seq);
            break;
        }
        rc = apply_batch(bs, x, (const unsigned char *)PQgetvalue(res, i, 1),
                         (size_t)PQgetlength(res, i, 1), seq, 0, 0);
    }
    PQclear(res);
    return rc;
}

typedef struct exchange_ctx {
    otto__bstudy *bs;
    otto__exchange *x;
    otto__wbuf b;                         /* the batch as last built */
    unsigned char batch_id[BATCH_ID_SIZE];
    int in_doubt;                         /* its COMMIT was sent; no answer came */
} exchange_ctx;

static int read_step(pg *p, void *vctx, double deadline)
{
    exchange_ctx *c = vctx;
    return catch_up(p, deadline, c->bs, c->x, 0);
}

/* A batch whose COMMIT went unanswered, looked up under the study's lock
 * (which its transaction held until it ended): committed at seq *seq, or
 * not at all (*seq = 0). */
static int find_in_doubt(pg *p, double deadline, exchange_ctx *c, const char *idbuf,
                         uint64_t *seq)
{
    const char *v[2] = {idbuf, (const char *)c->batch_id};
    int lens[2] = {0, BATCH_ID_SIZE};
    int fmts[2] = {0, 1};
    PGresult *res = NULL;
    int rc = pg_exec(p, deadline, "looking up an unanswered commit",
                     "SELECT seq FROM otto_log WHERE study_id = $1 AND batch_id = $2", 2, v,
                     lens, fmts, 1, &res);
    if (rc)
        return rc;
    *seq = PQntuples(res) == 1 ? be64(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return OTTO_OK;
}

static int write_step(pg *p, void *vctx, double deadline)
{
    exchange_ctx *c = vctx;
    otto__bstudy *bs = c->bs;
    otto__exchange *x = c->x;
    char idbuf[16], begin[96];
    snprintf(idbuf, sizeof idbuf, "%u", bs->id);
    /* one round trip opens the transaction and takes the study's lock */
    snprintf(begin, sizeof begin, "BEGIN; SELECT pg_advisory_xact_lock(%d, %d)", LOCK_CLASS,
             (int)bs->id);
    int rc = pg_exec(p, deadline, "locking the study", begin, 0, NULL, NULL, NULL, 0, NULL);
    if (!rc && c->in_doubt) {
        uint64_t seq = 0;
        rc = find_in_doubt(p, deadline, c, idbuf, &seq);
        if (!rc && seq) { /* it committed: read up to it, then take it as ours */
            rc = catch_up(p, deadline, bs, x, seq);
            if (!rc && bs->cursor != seq - 1)
                rc = otto__error(OTTO_ECORRUPT, "postgres: study %u skips to batch %llu",
                                 bs->id, (unsigned long long)seq);
            if (!rc && c->b.apply_upto > c->b.apply_from)
                rc = apply_batch(bs, x, c->b.p, c->b.n, seq, c->b.apply_from, c->b.apply_upto);
            if (!rc) {
                bs->cursor = seq;
                bs->sub = 0;
            }
            pg_rollback(p, deadline); /* read only */
            return rc;
        }
        if (!rc)
            c->in_doubt = 0; /* it never committed: build and write it anew */
    }
    if (!rc)
        rc = catch_up(p, deadline, bs, x, 0);
    c->b.n = c->b.apply_from = c->b.apply_upto = 0;
    c->b.failed = 0;
    if (!rc)
        rc = x->build(x->build_ctx, &c->b);
    if (!rc && c->b.failed)
        rc = otto__error(OTTO_ENOMEM, "postgres: out of memory (or a record over %u bytes)",
                         OTTO__RECORD_MAX);
    if (!rc && c->b.n > 0x7fffffff)
        rc = otto__error(OTTO_ERANGE, "postgres: batch too large");
    uint64_t seq = bs->cursor + 1;
    if (!rc && c->b.n) {
        char seqbuf[24];
        snprintf(seqbuf, sizeof seqbuf, "%llu", (unsigned long long)seq);
        const char *v[4] = {idbuf, seqbuf, (const char *)c->b.p, (const char *)c->batch_id};
        int lens[4] = {0, 0, (int)c->b.n, BATCH_ID_SIZE};
        int fmts[4] = {0, 0, 1, 1};
        rc = pg_exec(p, deadline, "appending",
                     "INSERT INTO otto_log (study_id, seq, batch, batch_id) VALUES ($1, $2, $3, "
                     "$4)",
                     4, v, lens, fmts, 0, NULL);
        if (rc && strcmp(p->sqlstate, SQLSTATE_FOREIGN_KEY) == 0)
            rc = otto__error(OTTO_ENOTFOUND, "postgres: study %u was deleted", bs->id);
    }
    if (rc) {
        pg_rollback(p, deadline);
        return rc;
    }
    c->in_doubt = c->b.n > 0; /* until COMMIT answers */
    rc = pg_exec(p, deadline, "COMMIT", "COMMIT", 0, NULL, NULL, NULL, 0, NULL);
    if (rc) {
        if (p->conn) /* the server answered: it did not commit */
            c->in_doubt = 0;
        return rc;
    }
    c->in_doubt = 0;
    if (c->b.n) {
        /* catch_up ended at a batch boundary (bs->sub == 0) */
        if (c->b.apply_upto > c->b.apply_from)
            rc = apply_batch(bs, x, c->b.p, c->b.n, seq, c->b.apply_from, c->b.apply_upto);
        if (!rc) {
            bs->cursor = seq;
            bs->sub = 0;
        }
    }
    return rc;
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static int p_exchange(otto_storage *st, otto__bstudy *bs, otto__exchange *x)
{
    pg *p = st->impl;
    x->need_flush = 0; /* a COMMIT is durable */
    exchange_ctx c;
    memset(&c, 0, sizeof c);
    c.bs = bs;
    c.x = x;
    pthread_mutex_lock(&p->mu);
    if (!x->build) {
        int rc = with_retries(p, read_step, &c);
        pthread_mutex_unlock(&p->mu);
        return rc;
    }
    int rc0 = own_connection(p); /* the id key must be this process's */
    if (rc0) {
        pthread_mutex_unlock(&p->mu);
        return rc0;
    }
    put64(c.batch_id, p->id_key);
    put64(c.batch_id + 8, ++p->id_count);
    otto__wbuf_init(&c.b, &st->alloc);
    int rc = with_retries(p, write_step, &c);
    if (rc && c.in_doubt)
        rc = otto__error(OTTO_EIO,
                         "postgres: the server did not answer a COMMIT within the timeout "
                         "(timeout_s); whether it was written is read back by this study's next "
                         "call");
    otto__wbuf_free(&c.b);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static int p_flush(otto_storage *st)
{
    (void)st;
    return OTTO_OK;
}

typedef struct names_ctx {
    otto_storage *st;
    const char **out;
    size_t cap, n;
} names_ctx;

static int names_step(pg *p, void *vctx, double deadline)
{
    names_ctx *c = vctx;
    PGresult *res = NULL;
    int present = 1;
    c->n = 0;
    int rc = p->read_only ? tables_exist(p, deadline, &present) : OTTO_OK;
    if (!rc && !present)
        return OTTO_OK;
    if (!rc)
        rc = pg_exec(p, deadline, "listing studies",
                     "SELECT id::bigint, name FROM otto_studies ORDER BY id", 0, NULL, NULL,
                     NULL, 0, &res);
    size_t hint = 0;
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        const char *name = otto__name_pool_get(&p->names, &c->st->alloc,
                                               strtoll(PQgetvalue(res, i, 0), NULL, 10),
                                               PQgetvalue(res, i, 1), &hint);
        if (!name)
            rc = otto__error(OTTO_ENOMEM, "postgres: out of memory");
        else if (c->n++ < c->cap)
            c->out[c->n - 1] = name;
    }
    if (res)
        PQclear(res);
    return rc;
}

static int p_study_names(otto_storage *st, const char **out, size_t cap, size_t *n_out)
{
    pg *p = st->impl;
    pthread_mutex_lock(&p->mu);
    names_ctx c = {st, out, cap, 0};
    int rc = with_retries(p, names_step, &c);
    *n_out = c.n;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

typedef struct delete_ctx {
    const char *name;
    int found;
} delete_ctx;

/* One transaction under the study's lock (writers hold it while they
 * append): its rows, then the study. */
static int delete_step(pg *p, void *vctx, double deadline)
{
    delete_ctx *c = vctx;
    PGresult *res = NULL;
    const char *v[1] = {c->name};
    int rc = pg_exec(p, deadline, "deleting the study", "BEGIN", 0, NULL, NULL, NULL, 0, NULL);
    if (!rc)
        rc = pg_exec(p, deadline, "deleting the study",
                     "SELECT pg_advisory_xact_lock(" OTTO__STR(LOCK_CLASS) ", id), id "
                     "FROM otto_studies WHERE name = $1",
                     1, v, NULL, NULL, 0, &res);
    c->found = !rc && PQntuples(res) == 1;
    char idbuf[24] = "0";
    if (c->found)
        snprintf(idbuf, sizeof idbuf, "%s", PQgetvalue(res, 0, 1));
    if (res)
        PQclear(res);
    const char *iv[1] = {idbuf};
    if (!rc && c->found)
        rc = pg_exec(p, deadline, "deleting the study",
                     "DELETE FROM otto_log WHERE study_id = $1", 1, iv, NULL, NULL, 0, NULL);
    if (!rc && c->found)
        rc = pg_exec(p, deadline, "deleting the study", "DELETE FROM otto_studies WHERE id = $1",
                     1, iv, NULL, NULL, 0, NULL);
    if (!rc)
        rc = pg_exec(p, deadline, "COMMIT", "COMMIT", 0, NULL, NULL, NULL, 0, NULL);
    else
        pg_rollback(p, deadline);
    return rc;
}

static int p_delete_study(otto_storage *st, const char *name)
{
    pg *p = st->impl;
    delete_ctx c = {name, 0};
    pthread_mutex_lock(&p->mu);
    int rc = with_retries(p, delete_step, &c);
    pthread_mutex_unlock(&p->mu);
    if (!rc && !c.found)
        rc = otto__error(OTTO_ENOTFOUND, "delete_study: postgres has no study named '%s'", name);
    return rc;
}

static void p_close(otto_storage *st)
{
    pg *p = st->impl;
    if (!p)
        return;
    if (p->conn && p->pid == otto__os_pid())
        PQfinish(p->conn);
    otto__free(&st->alloc, p->conninfo);
    otto__name_pool_free(&p->names, &st->alloc);
    pthread_mutex_destroy(&p->mu);
    otto__free(&st->alloc, p);
}

static const otto__backend_vt postgres_vt = {
    "postgres", p_open_study, p_exchange, p_flush, p_study_names, p_delete_study, p_close,
};

int otto_storage_postgres_open(const char *conninfo, const otto_storage_options *o,
                               otto_storage **out)
{
    if (out)
        *out = NULL;
    if (!conninfo || !out)
        return otto__error(OTTO_EINVAL, "postgres_open: NULL argument");
    otto_storage *st;
    int rc = otto__storage_new(&postgres_vt, o, "postgres_open", &st);
    if (rc)
        return rc;
    pg *p = otto__calloc(&st->alloc, 1, sizeof *p);
    if (!p || pthread_mutex_init(&p->mu, NULL) != 0) {
        otto__free(&st->alloc, p);
        otto__free(&st->alloc, st);
        return otto__error(OTTO_ENOMEM, "postgres_open: out of memory");
    }
    st->impl = p;
    p->pid = otto__os_pid();
    p->timeout_s = st->opts.timeout_s;
    p->read_only = otto__storage_read_only(st);
    p->conninfo = otto__strdup(&st->alloc, conninfo);
    rc = otto__entropy64(&p->id_key);
    if (!rc && !p->conninfo)
        rc = otto__error(OTTO_ENOMEM, "postgres_open: out of memory");
    else if (!rc) /* one attempt, bounded by the timeout: a wrong conninfo fails now */
        rc = connect_once(p, otto__monotonic_time() + p->timeout_s, 1);
    if (rc) {
        p_close(st);
        otto__free(&st->alloc, st);
        return rc;
    }
    *out = st;
    return OTTO_OK;
}

#else /* built without libpq */

int otto_storage_postgres_open(const char *conninfo, const otto_storage_options *o,
                               otto_storage **out)
{
    (void)o;
    if (out)
        *out = NULL;
    if (!conninfo || !out)
        return otto__error(OTTO_EINVAL, "postgres_open: NULL argument");
    return otto__error(OTTO_ENOTSUP, "postgres_open: this otto was built without libpq "
                                     "(install libpq-dev and rebuild; meson -Dpostgres=enabled)");
}

#endif
