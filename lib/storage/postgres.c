/* PostgreSQL backend over libpq (built when meson finds libpq): studies in
 * table otto_studies, each exchange's batch of records (record.h) as one
 * row of otto_log numbered per study. Appends run in a transaction holding
 * a per-study advisory lock, after reading the rows other workers committed,
 * so batch numbers (and with them trial numbers) follow commit order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

#if defined(OTTO_HAVE_LIBPQ)

#include <libpq-fe.h>

#define LOCK_CLASS 1869903983 /* advisory lock namespace: "otto" as an int */
#define OTTO__STR_(x) #x
#define OTTO__STR(x) OTTO__STR_(x)

typedef struct pg {
    PGconn *conn;
    char *conninfo;
    pid_t pid;          /* the process that made conn (see own_connection) */
    pthread_mutex_t mu; /* one statement at a time on the connection */
    char **names;       /* study names by creation order, for study_names */
    size_t n_names, cap_names;
} pg;

static void quiet_notices(void *arg, const char *message)
{
    (void)arg; /* libpq would print notices on stderr; a library stays silent */
    (void)message;
}

static int pg_fail(pg *p, const char *what, PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !msg[0])
        msg = PQerrorMessage(p->conn);
    char clean[300];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "");
    size_t n = strlen(clean);
    while (n && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
        clean[--n] = 0;
    if (res)
        PQclear(res);
    return otto__error(OTTO_EIO, "postgres: %s: %s", what, clean);
}

/* Run a statement with text parameters; *out (if not NULL) gets the result,
 * in binary format when binary is set. */
static int pg_exec(pg *p, const char *what, const char *sql, int n, const char *const *vals,
                   const int *lens, const int *formats, int binary, PGresult **out)
{
    PGresult *res = PQexecParams(p->conn, sql, n, NULL, vals, lens, formats, binary);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return pg_fail(p, what, res);
    if (out)
        *out = res;
    else
        PQclear(res);
    return OTTO_OK;
}

static void pg_rollback(pg *p)
{
    PGresult *res = PQexec(p->conn, "ROLLBACK");
    if (res)
        PQclear(res);
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

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS otto_studies ("
    " id serial PRIMARY KEY, name text UNIQUE NOT NULL,"
    " n_objectives integer NOT NULL, directions bytea NOT NULL);"
    "CREATE TABLE IF NOT EXISTS otto_log ("
    " study_id integer NOT NULL REFERENCES otto_studies(id),"
    " seq bigint NOT NULL, batch bytea NOT NULL, PRIMARY KEY (study_id, seq));";

static int pg_schema(pg *p)
{
    /* IF NOT EXISTS is not safe against concurrent creators: serialize them */
    int rc = pg_exec(p, "BEGIN", "BEGIN", 0, NULL, NULL, NULL, 0, NULL);
    if (!rc)
        rc = pg_exec(p, "schema lock", "SELECT pg_advisory_xact_lock(" OTTO__STR(LOCK_CLASS) ")",
                     0, NULL, NULL, NULL, 0, NULL);
    if (!rc) {
        PGresult *res = PQexec(p->conn, schema_sql);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = pg_fail(p, "creating tables", res);
        else
            PQclear(res);
    }
    if (!rc)
        rc = pg_exec(p, "COMMIT", "COMMIT", 0, NULL, NULL, NULL, 0, NULL);
    else
        pg_rollback(p);
    return rc;
}

static void quiet_notices(void *arg, const char *message);

/* A connection is one socket: after fork() the child must not talk over the
 * parent's, nor close it (that would end the parent's session), so it
 * leaves it alone and connects anew on first use. */
static int own_connection(pg *p)
{
    if (p->pid == getpid())
        return OTTO_OK;
    PGconn *c = PQconnectdb(p->conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        const char *m = c ? PQerrorMessage(c) : "out of memory";
        int rc = otto__error(OTTO_EIO, "postgres: reconnecting after fork: %s", m);
        if (c)
            PQfinish(c);
        return rc;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    p->conn = c; /* the parent's stays open for the parent */
    p->pid = getpid();
    return OTTO_OK;
}

/* ---- studies ------------------------------------------------------------------------ */

static int find_study(pg *p, const char *name, const otto_allocator *a, uint32_t *id,
                      size_t *n_obj, otto_direction **dirs, int *found)
{
    PGresult *res = NULL;
    const char *v[1] = {name};
    int rc = pg_exec(p, "finding the study",
                     "SELECT id, n_objectives, directions FROM otto_studies WHERE name = $1", 1,
                     v, NULL, NULL, 1, &res);
    if (rc)
        return rc;
    *found = PQntuples(res) == 1;
    if (*found) {
        *id = be32(PQgetvalue(res, 0, 0));
        uint32_t n = be32(PQgetvalue(res, 0, 1));
        int len = PQgetlength(res, 0, 2);
        const char *d = PQgetvalue(res, 0, 2);
        if (n < 1 || (int)n != len) {
            PQclear(res);
            return otto__error(OTTO_ECORRUPT, "postgres: study '%s' has invalid directions", name);
        }
        *dirs = otto__calloc(a, n, sizeof **dirs);
        if (!*dirs) {
            PQclear(res);
            return otto__error(OTTO_ENOMEM, "postgres: out of memory");
        }
        for (uint32_t k = 0; k < n; k++) {
            (*dirs)[k] = (otto_direction)(unsigned char)d[k];
            if ((*dirs)[k] != OTTO_MINIMIZE && (*dirs)[k] != OTTO_MAXIMIZE) {
                otto__free(a, *dirs);
                *dirs = NULL;
                PQclear(res);
                return otto__error(OTTO_ECORRUPT, "postgres: study '%s' has invalid directions",
                                   name);
            }
        }
        *n_obj = n;
    }
    PQclear(res);
    return OTTO_OK;
}

static int p_open_study(otto_storage *st, const char *name, size_t n_objectives,
                        const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                        otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                        char note[256])
{
    (void)note;
    pg *p = st->impl;
    uint32_t id = 0;
    int found = 0;
    *created = 0;
    pthread_mutex_lock(&p->mu);
    int rc = own_connection(p);
    if (!rc)
        rc = find_study(p, name, a, &id, n_obj, dirs_out, &found);
    if (!rc && !found && mode == OTTO_OPEN_LOAD)
        rc = otto__error(OTTO_ENOTFOUND, "study_create: postgres has no study named '%s'", name);
    if (!rc && !found) {
        unsigned char d[1024];
        char nbuf[24];
        snprintf(nbuf, sizeof nbuf, "%zu", n_objectives);
        for (size_t k = 0; k < n_objectives; k++)
            d[k] = (unsigned char)dirs[k];
        const char *v[3] = {name, nbuf, (const char *)d};
        int lens[3] = {0, 0, (int)n_objectives};
        int fmts[3] = {0, 0, 1};
        PGresult *res = NULL;
        rc = pg_exec(p, "creating the study",
                     "INSERT INTO otto_studies (name, n_objectives, directions) VALUES ($1, $2, "
                     "$3) ON CONFLICT (name) DO NOTHING RETURNING id",
                     3, v, lens, fmts, 1, &res);
        if (!rc) {
            *created = PQntuples(res) == 1; /* 0: another worker made it just now */
            PQclear(res);
            rc = find_study(p, name, a, &id, n_obj, dirs_out, &found);
            if (!rc && !found)
                rc = otto__error(OTTO_EIO, "postgres: study '%s' vanished", name);
        }
    } else if (!rc && mode == OTTO_OPEN_CREATE) {
        otto__free(a, *dirs_out);
        *dirs_out = NULL;
        rc = otto__error(OTTO_EEXIST,
                         "study_create: postgres already has a study named '%s' (open it with "
                         "OTTO_OPEN_LOAD or OTTO_OPEN_LOAD_IF_EXISTS)",
                         name);
    }
    if (!rc && !*created && mode == OTTO_OPEN_CREATE) {
        otto__free(a, *dirs_out);
        *dirs_out = NULL;
        rc = otto__error(OTTO_EEXIST, "study_create: postgres already has a study named '%s'",
                         name);
    }
    pthread_mutex_unlock(&p->mu);
    if (!rc) {
        bs->id = id;
        bs->cursor = 0;
        bs->sub = 0;
    }
    return rc;
}

/* ---- exchanging records -------------------------------------------------------------------- */

/* Apply the records of one batch from record index bs->sub on. */
static int apply_batch(otto__bstudy *bs, otto__exchange *x, const unsigned char *b, size_t n,
                       uint64_t seq, size_t from, size_t upto)
{
    size_t off = 0, idx = 0;
    size_t end = upto ? upto : n;
    while (off < end) {
        uint32_t len;
        if (otto__frame_check_at(b + off, n - off, &len) != OTTO__FRAME_OK)
            return otto__error(OTTO_ECORRUPT, "postgres: batch %llu of study %u is corrupt",
                               (unsigned long long)seq, bs->id);
        const unsigned char *pl = b + off + OTTO__FRAME_SIZE;
        if (idx >= bs->sub && off >= from && len >= 1 && pl[0] != OTTO__OP_STUDY) {
            int rc = x->apply(x->apply_ctx, pl, len);
            if (rc) {
                if (rc == OTTO_ECORRUPT) {
                    char msg[300];
                    snprintf(msg, sizeof msg, "%s", otto_last_error_message());
                    otto__error(rc, "postgres: batch %llu record %zu: %s",
                                (unsigned long long)seq, idx, msg);
                }
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

static int catch_up(pg *p, otto__bstudy *bs, otto__exchange *x)
{
    char idbuf[16], seqbuf[24];
    snprintf(idbuf, sizeof idbuf, "%u", bs->id);
    snprintf(seqbuf, sizeof seqbuf, "%llu", (unsigned long long)bs->cursor);
    const char *v[2] = {idbuf, seqbuf};
    PGresult *res = NULL;
    int rc = pg_exec(p, "reading the study",
                     "SELECT seq, batch FROM otto_log WHERE study_id = $1 AND seq > $2 ORDER BY seq",
                     2, v, NULL, NULL, 1, &res);
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

static int p_exchange(otto_storage *st, otto__bstudy *bs, otto__exchange *x)
{
    pg *p = st->impl;
    x->need_flush = 0; /* a COMMIT is durable (synchronous_commit) */
    pthread_mutex_lock(&p->mu);
    int own = own_connection(p);
    if (own) {
        pthread_mutex_unlock(&p->mu);
        return own;
    }
    if (!x->build) {
        int rc = catch_up(p, bs, x);
        pthread_mutex_unlock(&p->mu);
        return rc;
    }
    char idbuf[16];
    snprintf(idbuf, sizeof idbuf, "%u", bs->id);
    /* One round trip opens the transaction and takes the study's lock. What
     * is not a result (params, reports, attrs) commits without waiting for
     * the WAL flush: the next durable commit (a tell) flushes it too, since
     * PostgreSQL's WAL is written in order. */
    char begin[160];
    snprintf(begin, sizeof begin,
             "BEGIN;%s SELECT pg_advisory_xact_lock(%d, %d)",
             x->durable ? "" : " SET LOCAL synchronous_commit TO OFF;", LOCK_CLASS, (int)bs->id);
    int rc = OTTO_OK;
    PGresult *res = PQexec(p->conn, begin);
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = pg_fail(p, "locking the study", res);
    else
        PQclear(res);
    if (!rc)
        rc = catch_up(p, bs, x);
    otto__wbuf b;
    otto__wbuf_init(&b, &st->alloc);
    if (!rc)
        rc = x->build(x->build_ctx, &b);
    if (!rc && b.failed)
        rc = otto__error(OTTO_ENOMEM, "postgres: out of memory (or a record over %u bytes)",
                         OTTO__RECORD_MAX);
    uint64_t seq = bs->cursor + 1;
    if (!rc && b.n) {
        if (b.n > 0x7fffffff)
            rc = otto__error(OTTO_ERANGE, "postgres: batch too large");
        char seqbuf[24];
        snprintf(seqbuf, sizeof seqbuf, "%llu", (unsigned long long)seq);
        const char *v[3] = {idbuf, seqbuf, (const char *)b.p};
        int lens[3] = {0, 0, (int)b.n};
        int fmts[3] = {0, 0, 1};
        if (!rc)
            rc = pg_exec(p, "appending", "INSERT INTO otto_log (study_id, seq, batch) VALUES ($1, "
                                         "$2, $3)",
                         3, v, lens, fmts, 0, NULL);
    }
    if (!rc)
        rc = pg_exec(p, "COMMIT", "COMMIT", 0, NULL, NULL, NULL, 0, NULL);
    else
        pg_rollback(p);
    if (!rc && b.n) {
        /* catch_up ended at a batch boundary (bs->sub == 0) */
        if (b.apply_upto > b.apply_from)
            rc = apply_batch(bs, x, b.p, b.n, seq, b.apply_from, b.apply_upto);
        if (!rc) {
            bs->cursor = seq;
            bs->sub = 0;
        }
    }
    otto__wbuf_free(&b);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static int p_flush(otto_storage *st)
{
    (void)st;
    return OTTO_OK;
}

static int p_study_names(otto_storage *st, const char **out, size_t cap, size_t *n_out)
{
    pg *p = st->impl;
    pthread_mutex_lock(&p->mu);
    int own = own_connection(p);
    if (own) {
        pthread_mutex_unlock(&p->mu);
        return own;
    }
    PGresult *res = NULL;
    char after[24];
    snprintf(after, sizeof after, "%zu", p->n_names);
    const char *v[1] = {after};
    int rc = pg_exec(p, "listing studies",
                     "SELECT name FROM otto_studies ORDER BY id OFFSET $1::bigint", 1, v, NULL,
                     NULL, 0, &res);
    for (int i = 0; !rc && i < PQntuples(res); i++) {
        if (p->n_names == p->cap_names) {
            size_t c = p->cap_names ? 2 * p->cap_names : 8;
            char **n = otto__reallocarray(&st->alloc, p->names, c, sizeof *n);
            if (!n) {
                rc = otto__error(OTTO_ENOMEM, "postgres: out of memory");
                break;
            }
            p->names = n;
            p->cap_names = c;
        }
        char *s = otto__strdup(&st->alloc, PQgetvalue(res, i, 0));
        if (!s)
            rc = otto__error(OTTO_ENOMEM, "postgres: out of memory");
        else
            p->names[p->n_names++] = s;
    }
    if (res)
        PQclear(res);
    for (size_t i = 0; !rc && i < p->n_names && i < cap; i++)
        out[i] = p->names[i];
    *n_out = p->n_names;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static void p_close(otto_storage *st)
{
    pg *p = st->impl;
    if (!p)
        return;
    if (p->conn && p->pid == getpid())
        PQfinish(p->conn);
    otto__free(&st->alloc, p->conninfo);
    for (size_t i = 0; i < p->n_names; i++)
        otto__free(&st->alloc, p->names[i]);
    otto__free(&st->alloc, p->names);
    pthread_mutex_destroy(&p->mu);
    otto__free(&st->alloc, p);
}

static const otto__backend_vt postgres_vt = {
    "postgres", p_open_study, p_exchange, p_flush, p_study_names, p_close,
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
    p->pid = getpid();
    p->conninfo = otto__strdup(&st->alloc, conninfo);
    p->conn = p->conninfo ? PQconnectdb(conninfo) : NULL;
    if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
        rc = p->conn ? pg_fail(p, "connecting", NULL)
                     : otto__error(OTTO_ENOMEM, "postgres_open: out of memory");
    } else {
        PQsetNoticeProcessor(p->conn, quiet_notices, NULL);
        PGresult *res = PQexec(p->conn, "SET client_min_messages = warning");
        if (res)
            PQclear(res);
        rc = pg_schema(p);
    }
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
    (void)conninfo;
    (void)o;
    if (out)
        *out = NULL;
    return otto__error(OTTO_ENOTSUP, "postgres_open: this otto was built without libpq "
                                     "(install libpq-dev and rebuild; meson -Dpostgres=enabled)");
}

#endif
