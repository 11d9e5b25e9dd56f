/* Journal file backend: an append-only file of framed records (record.h)
 * after a 16-byte file header, shared by processes through whole-file locks
 * (platform.h: flock(2), LockFileEx on Windows) and by
 * the handles of one process through a registry of open files keyed by
 * device and inode (one descriptor and one mutex per file). Every append
 * happens under the exclusive lock after reading what others wrote; a torn
 * tail left by a crashed writer is truncated away before the next append.
 * A read-only handle (OTTO_STORAGE_READ_ONLY) has its own descriptor,
 * opened for reading only, and only ever takes the shared lock. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "platform/platform.h"

#define HEADER_SIZE 16u
#define FORMAT_VERSION 1u
#define CHUNK (1u << 20)

static const unsigned char magic[8] = {'O', 'T', 'T', 'O', 'J', 'R', 'N', 'L'};

typedef struct jstudy {
    char *name;
    size_t n_objectives;
    otto_direction *dirs;
    int deleted; /* a later OP_STUDY_DELETE record: its name is free again */
} jstudy;

typedef struct jfile {
    otto__file_id id;   /* device and inode */
    otto__file f;
    int read_only;      /* f is open for reading only: shared locks, nothing written */
    uint64_t pid;       /* the process that opened f (see lock_file) */
    char *path;         /* as the caller gave it, for messages */
    char *abs;          /* resolved at open: where the file must stay (see still_there) */
    otto_allocator alloc;
    pthread_mutex_t mu; /* taken before flock: one process-level writer at a time */
    int refs;           /* under registry_mu */
    struct jfile *next;
    jstudy *studies;    /* the study directory, read up to `scanned` */
    size_t n_studies, cap_studies;
    uint64_t scanned;
    _Atomic int dirty;  /* written since the last fsync */
    double last_sync;
} jfile;

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static jfile *registry;

/* ---- locking ---------------------------------------------------------------------- */

/* After fork() a child shares the parent's open file description, and with
 * it the parent's flock: the two would not exclude each other. A child
 * therefore reopens the file (same descriptor number) on its first use. */
static int own_descriptor(jfile *jf)
{
    if (jf->pid == otto__os_pid())
        return OTTO_OK;
    if (otto__file_reopen(&jf->f, jf->abs, jf->read_only ? 0u : OTTO__FILE_WRITE))
        return otto__error(OTTO_EIO, "journal %s: cannot reopen after fork: %s", jf->path,
                           otto__os_reason());
    jf->pid = otto__os_pid();
    return OTTO_OK;
}

/* A journal removed (or its directory) or replaced by another file since
 * it was opened is no longer where any other worker can find it: writing on
 * would lose every result from then on, silently. One stat of the path per
 * exchange, under the lock, tells: the path must still lead to our inode,
 * and the inode must still have a name. */
static int still_there(jfile *jf)
{
    otto__file_id at_path;
    int linked;
    if (otto__file_id_of(jf->f, NULL, &linked))
        return otto__error(OTTO_EIO, "journal %s: fstat: %s", jf->path, otto__os_reason());
    int found = otto__path_id(jf->abs, &at_path) == OTTO_OK;
    if (found && !otto__file_id_equal(at_path, jf->id))
        return otto__error(OTTO_EIO,
                           "journal %s was replaced by another file since it was opened; "
                           "nothing more is written to the old one",
                           jf->path);
    if (!found || !linked)
        return otto__error(OTTO_EIO,
                           "journal %s was removed since it was opened (%s); nothing more is "
                           "written to it: earlier results are gone with it, later ones must "
                           "go to a new storage",
                           jf->path, found ? "no name left" : otto__os_reason());
    return OTTO_OK;
}

static int lock_file(jfile *jf, int exclusive)
{
    if (exclusive && jf->read_only) /* every write takes the exclusive lock */
        return otto__error(OTTO_ESTATE, "journal %s is open read-only (OTTO_STORAGE_READ_ONLY)",
                           jf->path);
    pthread_mutex_lock(&jf->mu);
    int rc = own_descriptor(jf);
    if (rc) {
        pthread_mutex_unlock(&jf->mu);
        return rc;
    }
    if (otto__file_lock(jf->f, exclusive)) {
        pthread_mutex_unlock(&jf->mu);
        return otto__error(OTTO_EIO, "journal %s: cannot lock: %s", jf->path, otto__os_reason());
    }
    rc = still_there(jf);
    if (rc) {
        otto__file_unlock(jf->f);
        pthread_mutex_unlock(&jf->mu);
    }
    return rc;
}

static void unlock_file(jfile *jf)
{
    otto__file_unlock(jf->f);
    pthread_mutex_unlock(&jf->mu);
}

static int file_size(jfile *jf, uint64_t *size)
{
    if (otto__file_size(jf->f, size))
        return otto__error(OTTO_EIO, "journal %s: fstat: %s", jf->path, otto__os_reason());
    return OTTO_OK;
}

static int write_all(jfile *jf, const unsigned char *p, size_t n, uint64_t at)
{
    if (otto__file_write_at(jf->f, p, n, at))
        return otto__error(OTTO_EIO, "journal %s: write at byte %llu: %s", jf->path,
                           (unsigned long long)at, otto__os_reason());
    return OTTO_OK;
}

/* ---- scanning records ---------------------------------------------------------------- */

typedef struct scanner {
    jfile *jf;
    unsigned char *buf;
    size_t cap;
    uint64_t lo, hi; /* buf holds file bytes [lo, hi) */
    uint64_t end;    /* scan stops here (the file size when the lock was taken) */
} scanner;

/* Make buf hold at least [off, off + need) (clipped to end). */
static int ensure(scanner *sc, uint64_t off, size_t need)
{
    if (need > sc->end - off)
        need = (size_t)(sc->end - off);
    if (off >= sc->lo && off + need <= sc->hi)
        return OTTO_OK;
    size_t keep = off >= sc->lo && off < sc->hi ? (size_t)(sc->hi - off) : 0;
    size_t cap = need > CHUNK ? need : CHUNK;
    if (cap > sc->cap) {
        unsigned char *b = otto__malloc(&sc->jf->alloc, cap);
        if (!b)
            return otto__error(OTTO_ENOMEM, "journal %s: out of memory", sc->jf->path);
        if (keep)
            memcpy(b, sc->buf + (off - sc->lo), keep);
        otto__free(&sc->jf->alloc, sc->buf);
        sc->buf = b;
        sc->cap = cap;
    } else if (keep) {
        memmove(sc->buf, sc->buf + (off - sc->lo), keep);
    }
    sc->lo = off;
    sc->hi = off + keep;
    size_t want = sc->end - sc->hi < sc->cap - keep ? (size_t)(sc->end - sc->hi) : sc->cap - keep;
    while (want) {
        size_t r;
        if (otto__file_read_at(sc->jf->f, sc->buf + (sc->hi - sc->lo), want, sc->hi, &r))
            return otto__error(OTTO_EIO, "journal %s: read at byte %llu: %s", sc->jf->path,
                               (unsigned long long)sc->hi, otto__os_reason());
        if (r == 0) { /* shrank under us: someone ignored the lock */
            sc->end = sc->hi;
            break;
        }
        sc->hi += r;
        want -= r;
    }
    return OTTO_OK;
}

/* Whether every byte in [off, end) is zero. */
static int zero_to_end(scanner *sc, uint64_t off, int *zero)
{
    *zero = 1;
    while (off < sc->end && *zero) {
        int rc = ensure(sc, off, CHUNK);
        if (rc)
            return rc;
        for (uint64_t i = off; i < sc->hi; i++)
            if (sc->buf[i - sc->lo]) {
                *zero = 0;
                break;
            }
        off = sc->hi;
    }
    return OTTO_OK;
}

typedef int (*record_fn)(void *ctx, uint64_t off, const unsigned char *payload, size_t len);

typedef enum tail_kind { TAIL_NONE, TAIL_TORN } tail_kind;

/* Visit the complete records in [*pos, sc->end); *pos ends after the last
 * record visited. *tail says whether an incomplete or zero-filled tail
 * follows. A checksum failure is OTTO_ECORRUPT naming the byte offset; an
 * error from fn stops the scan before that record. */
static int scan(scanner *sc, uint64_t *pos, tail_kind *tail, record_fn fn, void *ctx)
{
    *tail = TAIL_NONE;
    uint64_t off = *pos;
    while (off < sc->end) {
        int rc = ensure(sc, off, OTTO__FRAME_SIZE);
        if (rc)
            return rc;
        uint32_t len = 0;
        const unsigned char *p = sc->buf + (off - sc->lo);
        otto__frame_check chk = otto__frame_check_at(p, (size_t)(sc->hi - off), &len);
        if (chk == OTTO__FRAME_INCOMPLETE && sc->hi < sc->end) {
            /* the buffer, not the file, ended: fetch the whole record */
            if (sc->hi - off >= OTTO__FRAME_SIZE)
                len = otto__le32(p);
            rc = ensure(sc, off, OTTO__FRAME_SIZE + (size_t)len);
            if (rc)
                return rc;
            p = sc->buf + (off - sc->lo);
            chk = otto__frame_check_at(p, (size_t)(sc->hi - off), &len);
        }
        if (chk == OTTO__FRAME_ZERO) {
            int zero;
            rc = zero_to_end(sc, off, &zero);
            if (rc)
                return rc;
            chk = zero ? OTTO__FRAME_ZERO : OTTO__FRAME_BAD;
        }
        if (chk == OTTO__FRAME_INCOMPLETE || chk == OTTO__FRAME_ZERO) {
            *tail = TAIL_TORN;
            break;
        }
        if (chk == OTTO__FRAME_BAD)
            return otto__error(OTTO_ECORRUPT,
                               "journal %s: record at byte %llu fails its checksum (the file is "
                               "damaged from there on)",
                               sc->jf->path, (unsigned long long)off);
        if (fn) {
            rc = fn(ctx, off, p + OTTO__FRAME_SIZE, len);
            if (rc)
                return rc;
        }
        off += OTTO__FRAME_SIZE + len;
        *pos = off;
    }
    return OTTO_OK;
}

static void scanner_init(scanner *sc, jfile *jf, uint64_t end)
{
    memset(sc, 0, sizeof *sc);
    sc->jf = jf;
    sc->end = end;
}

static void scanner_free(scanner *sc) { otto__free(&sc->jf->alloc, sc->buf); }

/* Truncate a torn tail at `good` (exclusive lock held). */
static int cut_tail(jfile *jf, uint64_t good, uint64_t size, char *note, size_t note_cap)
{
    if (otto__file_truncate(jf->f, good))
        return otto__error(OTTO_EIO, "journal %s: cannot truncate the torn tail at byte %llu: %s",
                           jf->path, (unsigned long long)good, otto__os_reason());
    if (note)
        snprintf(note, note_cap,
                 "journal %s: removed an incomplete last record (%llu bytes at byte %llu) left "
                 "by a writer that stopped mid-write",
                 jf->path, (unsigned long long)(size - good), (unsigned long long)good);
    return OTTO_OK;
}

/* ---- the study directory ---------------------------------------------------------- */

/* An OP_STUDY_DELETE record: a study that exists and is not deleted yet. */
static int dir_delete_record(jfile *jf, uint64_t off, const unsigned char *p, size_t len)
{
    uint32_t id = len == 5 ? otto__le32(p + 1) : UINT32_MAX;
    if (id >= jf->n_studies || jf->studies[id].deleted)
        return otto__error(OTTO_ECORRUPT, "journal %s: invalid study deletion at byte %llu",
                           jf->path, (unsigned long long)off);
    jf->studies[id].deleted = 1;
    return OTTO_OK;
}

static int dir_record(void *ctx, uint64_t off, const unsigned char *p, size_t len)
{
    jfile *jf = ctx;
    if (len >= 1 && p[0] == OTTO__OP_STUDY_DELETE)
        return dir_delete_record(jf, off, p, len);
    if (len < 1 || p[0] != OTTO__OP_STUDY)
        return OTTO_OK;
    otto__rbuf r;
    otto__rbuf_init(&r, p, len);
    otto__get_u8(&r);
    uint32_t id = otto__get_u32(&r);
    char *owned;
    const char *name = otto__get_str(&r, NULL, 0, &jf->alloc, &owned);
    uint32_t n_obj = otto__get_u32(&r);
    if (!r.bad && !owned)
        return otto__error(OTTO_ENOMEM, "journal %s: out of memory", jf->path);
    int ok = !r.bad && id == jf->n_studies && n_obj >= 1 && n_obj <= r.n - r.off &&
             name && name[0];
    otto_direction *dirs = ok ? otto__calloc(&jf->alloc, n_obj, sizeof *dirs) : NULL;
    if (ok && !dirs) {
        otto__free(&jf->alloc, owned);
        return otto__error(OTTO_ENOMEM, "journal %s: out of memory", jf->path);
    }
    for (uint32_t k = 0; ok && k < n_obj; k++) {
        unsigned d = otto__get_u8(&r);
        ok = d == OTTO_MINIMIZE || d == OTTO_MAXIMIZE;
        dirs[k] = (otto_direction)d;
    }
    ok = ok && !r.bad && r.off == r.n;
    for (size_t i = 0; ok && i < jf->n_studies; i++)
        ok = jf->studies[i].deleted || strcmp(jf->studies[i].name, name) != 0;
    if (!ok) {
        otto__free(&jf->alloc, owned);
        otto__free(&jf->alloc, dirs);
        return otto__error(OTTO_ECORRUPT, "journal %s: invalid study record at byte %llu",
                           jf->path, (unsigned long long)off);
    }
    if (jf->n_studies == jf->cap_studies) {
        size_t cap = jf->cap_studies ? 2 * jf->cap_studies : 4;
        jstudy *s = otto__reallocarray(&jf->alloc, jf->studies, cap, sizeof *s);
        if (!s) {
            otto__free(&jf->alloc, owned);
            otto__free(&jf->alloc, dirs);
            return otto__error(OTTO_ENOMEM, "journal %s: out of memory", jf->path);
        }
        jf->studies = s;
        jf->cap_studies = cap;
    }
    jstudy *e = &jf->studies[jf->n_studies++];
    e->deleted = 0;
    e->name = owned;
    e->n_objectives = n_obj;
    e->dirs = dirs;
    return OTTO_OK;
}

/* Read new study records (lock held; exclusive when cut is set, and then a
 * torn tail is removed). */
static int dir_update(jfile *jf, int cut, char *note, uint64_t *size_out)
{
    uint64_t size = 0;
    int rc = file_size(jf, &size);
    if (rc)
        return rc;
    scanner sc;
    scanner_init(&sc, jf, size);
    tail_kind tail;
    rc = scan(&sc, &jf->scanned, &tail, dir_record, jf);
    scanner_free(&sc);
    if (!rc && tail == TAIL_TORN && cut) {
        rc = cut_tail(jf, jf->scanned, size, note, 256);
        size = jf->scanned;
    }
    if (size_out)
        *size_out = size;
    return rc;
}

/* ---- opening and closing files ------------------------------------------------------ */

static void header_bytes(unsigned char h[HEADER_SIZE])
{
    memcpy(h, magic, 8);
    h[8] = FORMAT_VERSION;
    h[9] = h[10] = h[11] = 0;
    uint32_t c = otto__crc32c(0, h, 12);
    for (int i = 0; i < 4; i++)
        h[12 + i] = (unsigned char)(c >> (8 * i));
}

/* Write the file header of a new file or check an existing one. A
 * read-only handle writes nothing: an empty file (or a header prefix) is a
 * journal without studies yet. */
static int check_header(jfile *jf)
{
    int rc = lock_file(jf, !jf->read_only);
    if (rc)
        return rc;
    uint64_t size = 0;
    rc = file_size(jf, &size);
    unsigned char want[HEADER_SIZE], have[HEADER_SIZE];
    header_bytes(want);
    size_t want_n = size < HEADER_SIZE ? (size_t)size : HEADER_SIZE, got = 0;
    if (!rc && size && otto__file_read_at(jf->f, have, want_n, 0, &got))
        rc = otto__error(OTTO_EIO, "journal %s: read: %s", jf->path, otto__os_reason());
    else if (!rc && got < want_n)
        rc = otto__error(OTTO_EIO, "journal %s: read: the header is shorter than the file",
                         jf->path);
    if (!rc && size >= HEADER_SIZE && memcmp(have, want, HEADER_SIZE) != 0) {
        rc = memcmp(have, magic, 8) == 0 && have[8] != FORMAT_VERSION
                 ? otto__error(OTTO_ECORRUPT, "journal %s: format version %u is not supported "
                                              "(this otto reads version %u)",
                               jf->path, have[8], FORMAT_VERSION)
                 : otto__error(OTTO_ECORRUPT, "journal %s is not an otto journal", jf->path);
    } else if (!rc && size < HEADER_SIZE) {
        /* new, or a creator died mid-header: only a prefix of ours may be there */
        if (size && memcmp(have, want, (size_t)size) != 0)
            rc = otto__error(OTTO_ECORRUPT, "journal %s is not an otto journal", jf->path);
        if (!rc && !jf->read_only)
            rc = write_all(jf, want, HEADER_SIZE, 0);
        if (!rc && !jf->read_only && otto__file_sync(jf->f))
            rc = otto__error(OTTO_EIO, "journal %s: fsync: %s", jf->path, otto__os_reason());
    }
    jf->scanned = HEADER_SIZE;
    unlock_file(jf);
    return rc;
}

static void jfile_free(jfile *jf)
{
    otto__file_close(&jf->f);
    for (size_t i = 0; i < jf->n_studies; i++) {
        otto__free(&jf->alloc, jf->studies[i].name);
        otto__free(&jf->alloc, jf->studies[i].dirs);
    }
    otto__free(&jf->alloc, jf->studies);
    otto__free(&jf->alloc, jf->path);
    otto__free(&jf->alloc, jf->abs);
    pthread_mutex_destroy(&jf->mu);
    otto_allocator a = jf->alloc;
    otto__free(&a, jf);
}

static void jfile_release(jfile *jf)
{
    pthread_mutex_lock(&registry_mu);
    int last = --jf->refs == 0;
    if (last)
        for (jfile **pp = &registry; *pp; pp = &(*pp)->next)
            if (*pp == jf) {
                *pp = jf->next;
                break;
            }
    pthread_mutex_unlock(&registry_mu);
    if (last) {
        if (atomic_load(&jf->dirty))
            otto__file_sync(jf->f); /* best effort: a close reports nothing */
        jfile_free(jf);
    }
}

/* The registry entry of path's file, opened (and its header checked) if new.
 * Read-only handles share an entry of their own: a writer needs a
 * descriptor opened for writing. */
static int jfile_get(const char *path, int read_only, const otto_allocator *a, jfile **out)
{
    otto__file f;
    otto__file_id id;
    if (otto__file_open(path, read_only ? 0u : OTTO__FILE_WRITE | OTTO__FILE_CREATE, &f)) {
        char why[256];
        snprintf(why, sizeof why, "%s", otto__os_reason());
        if (read_only && otto__path_id(path, &id) == OTTO_ENOTFOUND)
            return otto__error(OTTO_ENOTFOUND, "journal_open: %s does not exist (a read-only "
                                               "storage never creates it)",
                               path);
        return otto__error(OTTO_EIO, "journal_open: cannot open %s: %s", path, why);
    }
    if (otto__file_id_of(f, &id, NULL)) {
        otto__file_close(&f);
        return otto__error(OTTO_EIO, "journal_open: %s: fstat: %s", path, otto__os_reason());
    }
    pthread_mutex_lock(&registry_mu);
    for (jfile *jf = registry; jf; jf = jf->next)
        if (otto__file_id_equal(jf->id, id) && jf->read_only == read_only) {
            jf->refs++;
            pthread_mutex_unlock(&registry_mu);
            otto__file_close(&f);
            *out = jf;
            return OTTO_OK;
        }
    jfile *jf = otto__calloc(a, 1, sizeof *jf);
    char *p = otto__strdup(a, path);
    char resolved[OTTO__PATH_MAX];
    int unresolved = otto__path_absolute(path, resolved, sizeof resolved) != OTTO_OK;
    char *abs = unresolved ? NULL : otto__strdup(a, resolved);
    if (!jf || !p || !abs || pthread_mutex_init(&jf->mu, NULL) != 0) {
        pthread_mutex_unlock(&registry_mu);
        otto__free(a, jf);
        otto__free(a, p);
        otto__free(a, abs);
        otto__file_close(&f);
        if (unresolved)
            return otto__error(OTTO_EIO, "journal_open: cannot resolve %s: %s", path,
                               otto__os_reason());
        return otto__error(OTTO_ENOMEM, "journal_open: out of memory");
    }
    jf->abs = abs;
    jf->id = id;
    jf->f = f;
    jf->read_only = read_only;
    jf->pid = otto__os_pid();
    jf->path = p;
    jf->alloc = *a;
    jf->refs = 1;
    jf->last_sync = otto__monotonic_time();
    atomic_init(&jf->dirty, 0);
    int rc = check_header(jf);
    if (rc) {
        pthread_mutex_unlock(&registry_mu);
        jfile_free(jf);
        return rc;
    }
    jf->next = registry;
    registry = jf;
    pthread_mutex_unlock(&registry_mu);
    *out = jf;
    return OTTO_OK;
}

/* ---- the backend ---------------------------------------------------------------------- */

/* Append a study-directory record (creation, deletion) at the end of the
 * file (size bytes; exclusive lock held), force it to disk unless the sync
 * policy says never, and read it into the directory. Nothing is left
 * behind when the write fails. */
static int append_dir_record(otto_storage *st, jfile *jf, const otto__wbuf *b, uint64_t size,
                             const char *fn)
{
    int rc = b->failed ? otto__error(OTTO_ENOMEM, "%s: out of memory", fn)
                       : write_all(jf, b->p, b->n, size);
    if (rc)
        (void)otto__file_truncate(jf->f, size);
    else if (st->opts.sync != OTTO_SYNC_NONE && otto__file_sync_data(jf->f))
        rc = otto__error(OTTO_EIO, "journal %s: fsync: %s", jf->path, otto__os_reason());
    return rc ? rc : dir_update(jf, 0, NULL, NULL);
}

/* The id of the study named `name` that is not deleted, or n_studies. */
static size_t find_live(const jfile *jf, const char *name)
{
    for (size_t i = 0; i < jf->n_studies; i++)
        if (!jf->studies[i].deleted && strcmp(jf->studies[i].name, name) == 0)
            return i;
    return jf->n_studies;
}

static int j_open_study(otto_storage *st, const char *name, size_t n_objectives,
                        const otto_direction *dirs, otto_open_mode mode, const otto_allocator *a,
                        otto__bstudy *bs, size_t *n_obj, otto_direction **dirs_out, int *created,
                        char note[256])
{
    jfile *jf = st->impl;
    int rc = lock_file(jf, mode != OTTO_OPEN_LOAD); /* loading writes nothing */
    if (rc)
        return rc;
    uint64_t size = 0;
    rc = dir_update(jf, 0, NULL, &size);
    size_t id = find_live(jf, name);
    *created = 0;
    if (!rc && id < jf->n_studies && mode == OTTO_OPEN_CREATE)
        rc = otto__error(OTTO_EEXIST,
                         "study_create: journal %s already has a study named '%s' (open it with "
                         "OTTO_OPEN_LOAD or OTTO_OPEN_LOAD_IF_EXISTS)",
                         jf->path, name);
    if (!rc && id == jf->n_studies && mode == OTTO_OPEN_LOAD)
        rc = otto__error(OTTO_ENOTFOUND, "study_create: journal %s has no study named '%s'",
                         jf->path, name);
    if (!rc && id == jf->n_studies && id >= UINT32_MAX)
        rc = otto__error(OTTO_ERANGE, "study_create: journal %s holds too many studies", jf->path);
    if (!rc && id == jf->n_studies) /* about to append: no torn tail may stay */
        rc = dir_update(jf, 1, note, &size);
    if (!rc && id == jf->n_studies) {
        otto__wbuf b;
        otto__wbuf_init(&b, &jf->alloc);
        otto__rec_begin(&b, OTTO__OP_STUDY, (uint32_t)id);
        otto__rec_str(&b, name);
        otto__rec_u32(&b, (uint32_t)n_objectives);
        for (size_t k = 0; k < n_objectives; k++)
            otto__rec_u8(&b, (unsigned)dirs[k]);
        otto__rec_end(&b);
        rc = append_dir_record(st, jf, &b, size, "study_create");
        if (!rc && jf->n_studies != id + 1)
            rc = otto__error(OTTO_EIO, "journal %s: the new study record did not read back",
                             jf->path);
        otto__wbuf_free(&b);
        *created = !rc;
    }
    if (!rc) {
        const jstudy *e = &jf->studies[id];
        *dirs_out = otto__calloc(a, e->n_objectives, sizeof **dirs_out);
        if (!*dirs_out) {
            rc = otto__error(OTTO_ENOMEM, "study_create: out of memory");
        } else {
            memcpy(*dirs_out, e->dirs, e->n_objectives * sizeof **dirs_out);
            *n_obj = e->n_objectives;
            bs->id = (uint32_t)id;
            bs->cursor = HEADER_SIZE;
        }
    }
    unlock_file(jf);
    return rc;
}

typedef struct study_filter {
    uint32_t id;
    otto__apply_fn apply;
    void *ctx;
    const char *path;
} study_filter;

static int filter_record(void *ctx, uint64_t off, const unsigned char *p, size_t len)
{
    study_filter *f = ctx;
    if (len < 5)
        return otto__error(OTTO_ECORRUPT, "journal %s: record at byte %llu is too short", f->path,
                           (unsigned long long)off);
    uint32_t id = otto__le32(p + 1);
    if (id == f->id && p[0] == OTTO__OP_STUDY_DELETE)
        return otto__error(OTTO_ENOTFOUND, "journal %s: the study was deleted (at byte %llu)",
                           f->path, (unsigned long long)off);
    if (id != f->id || p[0] == OTTO__OP_STUDY)
        return OTTO_OK;
    int rc = f->apply(f->ctx, p, len);
    if (rc == OTTO_ECORRUPT)
        return otto__error_wrap(rc, "journal %s: record at byte %llu", f->path,
                                (unsigned long long)off);
    return rc;
}

/* Apply the records of a batch we just wrote at file offset `at`; on
 * failure the cursor goes back to the record not applied, so the next
 * exchange reads it like another writer's. */
static int apply_own(otto__bstudy *bs, otto__exchange *x, const otto__wbuf *b, uint64_t at)
{
    for (size_t off = 0; off < b->apply_upto;) {
        const unsigned char *f = b->p + off;
        size_t len = otto__le32(f);
        if (off >= b->apply_from) {
            int rc = x->apply(x->apply_ctx, f + OTTO__FRAME_SIZE, len);
            if (rc) {
                bs->cursor = at + off;
                return rc;
            }
        }
        off += OTTO__FRAME_SIZE + len;
    }
    return OTTO_OK;
}

static int j_exchange(otto_storage *st, otto__bstudy *bs, otto__exchange *x)
{
    jfile *jf = st->impl;
    x->need_flush = 0;
    int rc = lock_file(jf, x->build != NULL);
    if (rc)
        return rc;
    uint64_t size = 0;
    rc = file_size(jf, &size);
    if (!rc && size < bs->cursor) /* readers and writers alike: never shown as fine */
        rc = otto__error(OTTO_ECORRUPT,
                         "journal %s was cut to %llu bytes below the %llu this handle had read "
                         "(truncated outside otto): the results past the cut are gone",
                         jf->path, (unsigned long long)size, (unsigned long long)bs->cursor);
    tail_kind tail = TAIL_NONE;
    if (!rc && bs->cursor < size) {
        scanner sc;
        scanner_init(&sc, jf, size);
        study_filter f = {bs->id, x->apply, x->apply_ctx, jf->path};
        rc = scan(&sc, &bs->cursor, &tail, filter_record, &f);
        scanner_free(&sc);
    }
    if (!rc && x->build && tail == TAIL_TORN) {
        rc = cut_tail(jf, bs->cursor, size, x->note, sizeof x->note);
        size = bs->cursor;
    }
    if (!rc && x->build && bs->cursor != size) /* cannot happen: we read to the end */
        rc = otto__error(OTTO_EIO, "journal %s: lost track of the end of the file", jf->path);
    if (!rc && x->build) {
        otto__wbuf b;
        otto__wbuf_init(&b, &jf->alloc);
        rc = x->build(x->build_ctx, &b);
        if (!rc && b.failed)
            rc = otto__error(OTTO_ENOMEM, "journal %s: out of memory (or a record over %u bytes)",
                             jf->path, OTTO__RECORD_MAX);
        if (!rc && b.n) {
            rc = write_all(jf, b.p, b.n, size);
            if (rc) {
                (void)otto__file_truncate(jf->f, size); /* no half record left behind */
            } else {
                bs->cursor = size + b.n;
                atomic_store(&jf->dirty, 1);
                if (x->durable && st->opts.sync == OTTO_SYNC_EVERY_TELL) {
                    x->need_flush = 1;
                } else if (x->durable && st->opts.sync == OTTO_SYNC_BATCH) {
                    double now = otto__monotonic_time();
                    if (now - jf->last_sync >= st->opts.sync_interval_s) {
                        jf->last_sync = now;
                        x->need_flush = 1;
                    }
                }
                rc = apply_own(bs, x, &b, size);
            }
        }
        otto__wbuf_free(&b);
    }
    unlock_file(jf);
    return rc;
}

static int j_flush(otto_storage *st)
{
    jfile *jf = st->impl;
    if (!atomic_exchange(&jf->dirty, 0))
        return OTTO_OK;
    if (otto__file_sync_data(jf->f)) {
        atomic_store(&jf->dirty, 1);
        return otto__error(OTTO_EIO, "journal %s: fsync: %s", jf->path, otto__os_reason());
    }
    return OTTO_OK;
}

static int j_study_names(otto_storage *st, const char **out, size_t cap, size_t *n_out)
{
    jfile *jf = st->impl;
    int rc = lock_file(jf, 0);
    if (rc)
        return rc;
    rc = dir_update(jf, 0, NULL, NULL);
    size_t n = 0;
    for (size_t i = 0; !rc && i < jf->n_studies; i++)
        if (!jf->studies[i].deleted) {
            if (n < cap)
                out[n] = jf->studies[i].name;
            n++;
        }
    *n_out = n;
    unlock_file(jf);
    return rc;
}

static int j_delete_study(otto_storage *st, const char *name)
{
    jfile *jf = st->impl;
    int rc = lock_file(jf, 1);
    if (rc)
        return rc;
    uint64_t size = 0;
    rc = dir_update(jf, 1, NULL, &size); /* about to append: no torn tail may stay */
    size_t id = rc ? 0 : find_live(jf, name);
    if (!rc && id == jf->n_studies)
        rc = otto__error(OTTO_ENOTFOUND, "delete_study: journal %s has no study named '%s'",
                         jf->path, name);
    if (!rc) {
        otto__wbuf b;
        otto__wbuf_init(&b, &jf->alloc);
        otto__rec_begin(&b, OTTO__OP_STUDY_DELETE, (uint32_t)id);
        otto__rec_end(&b);
        rc = append_dir_record(st, jf, &b, size, "delete_study");
        otto__wbuf_free(&b);
    }
    unlock_file(jf);
    return rc;
}

static void j_close(otto_storage *st) { jfile_release(st->impl); }

static const otto__backend_vt journal_vt = {
    "journal", j_open_study, j_exchange, j_flush, j_study_names, j_delete_study, j_close,
};

int otto_storage_journal_open(const char *path, const otto_storage_options *o,
                              otto_storage **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return otto__error(OTTO_EINVAL, "journal_open: NULL argument");
    if (!path[0])
        return otto__error(OTTO_EINVAL, "journal_open: path is empty");
    otto_storage *st;
    int rc = otto__storage_new(&journal_vt, o, "journal_open", &st);
    if (rc)
        return rc;
    jfile *jf = NULL;
    rc = jfile_get(path, otto__storage_read_only(st), &st->alloc, &jf);
    if (rc) {
        otto__free(&st->alloc, st);
        return rc;
    }
    st->impl = jf;
    *out = st;
    return OTTO_OK;
}
