/* The study's side of a persistent storage: attach (create or load, then
 * replay), commit (catch up, then append through the backend interface),
 * flush, sync, detach. */
#include <math.h>
#include <string.h>

#include "store.h"


static int apply_record(void *ctx, const unsigned char *p, size_t n)
{
    return otto__replay_record(ctx, p, n);
}

typedef struct with_pending {
    otto__store *sto;
    otto__build_fn build;
    void *ctx;
} with_pending;

/* Every write starts with the queued param records. */
static int build_with_pending(void *ctx, otto__wbuf *b)
{
    with_pending *w = ctx;
    const otto__wbuf *pend = &w->sto->pending;
    if (pend->n) {
        otto__wbuf_append(b, pend->p, pend->n);
        b->apply_from = b->apply_upto = b->n;
    }
    return w->build(w->ctx, b);
}

int otto__store_commit(otto_study *s, otto__build_fn build, void *ctx, int durable,
                       int *need_flush)
{
    otto__store *sto = s->store;
    if (build && otto__storage_read_only(sto->st)) {
        if (need_flush)
            *need_flush = 0;
        return otto__error(OTTO_ESTATE,
                           "study '%s': the storage is read-only (OTTO_STORAGE_READ_ONLY): the "
                           "study can be read, not written (no ask, tell, enqueue, add_trial or "
                           "attribute)",
                           s->name);
    }
    with_pending w = {sto, build, ctx};
    otto__exchange x = {apply_record, s, build ? build_with_pending : NULL, &w, durable, 0, ""};
    size_t pending = sto->pending.n;
    int rc = sto->st->vt->exchange(sto->st, &sto->bs, &x);
    if (!rc && build && pending) /* written */
        sto->pending.n = 0;
    if (x.note[0])
        otto__study_defer_log(s, OTTO_LEVEL_WARNING, "%s", x.note);
    if (need_flush)
        *need_flush = !rc && x.need_flush;
    return rc;
}

int otto__store_flush(otto_study *s) { return s->store->st->vt->flush(s->store->st); }

static int build_nothing(void *ctx, otto__wbuf *b)
{
    (void)ctx;
    (void)b;
    return OTTO_OK;
}

int otto_study_sync(otto_study *s)
{
    if (!s)
        return otto__error(OTTO_EINVAL, "study_sync: study is NULL");
    if (!s->store)
        return OTTO_OK;
    pthread_mutex_lock(&s->mu);
    /* queued params go out too (then under the exclusive lock) */
    int rc = otto__store_commit(s, s->store->pending.n ? build_nothing : NULL, NULL, 0, NULL);
    otto__study_unlock(s);
    return rc;
}

int otto__store_attach(otto_study *s, const otto_study_options *o)
{
    const otto_allocator *a = &s->alloc;
    if (o->open_mode < OTTO_OPEN_CREATE || o->open_mode > OTTO_OPEN_LOAD)
        return otto__error(OTTO_EINVAL, "study_create: open_mode %d is invalid",
                           (int)o->open_mode);
    otto__store *sto = otto__calloc(a, 1, sizeof *sto);
    if (!sto)
        return otto__error(OTTO_ENOMEM, "study_create: out of memory");
    if (pthread_cond_init(&sto->hb_cv, NULL) != 0) {
        otto__free(a, sto);
        return otto__error(OTTO_ESYSTEM, "study_create: cannot create a condition variable");
    }
    otto_storage *st = o->storage;
    otto__storage_ref(st);
    sto->st = st;
    otto__wbuf_init(&sto->pending, &s->alloc);
    s->store = sto;

    otto_open_mode mode = o->open_mode;
    if (otto__storage_read_only(st) && mode == OTTO_OPEN_CREATE)
        return otto__error(OTTO_ESTATE,
                           "study_create: the storage is read-only (OTTO_STORAGE_READ_ONLY): "
                           "cannot create study '%s' (load it with OTTO_OPEN_LOAD)",
                           s->name);
    if (otto__storage_read_only(st))
        mode = OTTO_OPEN_LOAD; /* LOAD_IF_EXISTS may not create: absent is ENOTFOUND */
    size_t n_obj = 0;
    otto_direction *dirs = NULL;
    int created = 0;
    char note[256] = "";
    int rc = st->vt->open_study(st, s->name, s->n_objectives, s->dirs, mode, a, &sto->bs,
                                &n_obj, &dirs, &created, note);
    if (note[0]) /* no lock held here */
        otto__log(&s->log, OTTO_LEVEL_WARNING, "%s", note);
    if (rc)
        return rc;
    if (!created && o->open_mode == OTTO_OPEN_LOAD_IF_EXISTS &&
        (n_obj != s->n_objectives || memcmp(dirs, s->dirs, n_obj * sizeof *dirs) != 0)) {
        otto__free(a, dirs);
        return otto__error(OTTO_EINVAL,
                           "study_create: study '%s' exists with other directions (%zu "
                           "objectives); load it with OTTO_OPEN_LOAD or use its directions",
                           s->name, n_obj);
    }
    otto__free(a, s->dirs);
    s->dirs = dirs;
    s->n_objectives = n_obj;
    pthread_mutex_lock(&s->mu);
    rc = otto__store_commit(s, NULL, NULL, 0, NULL);
    otto__study_unlock(s);
    if (!rc && st->opts.heartbeat_interval_s > 0 && !otto__storage_read_only(st))
        rc = otto__heartbeat_start(s);
    return rc;
}

void otto__store_detach(otto_study *s)
{
    otto__store *sto = s->store;
    if (!sto)
        return;
    otto__heartbeat_stop(s);
    if (sto->st->opts.sync != OTTO_SYNC_NONE)
        otto__store_flush(s); /* a batched policy's last writes */
    if (sto->pending.n) { /* params of trials never told: keep them */
        pthread_mutex_lock(&s->mu);
        otto__store_commit(s, build_nothing, NULL, 0, NULL);
        pthread_mutex_unlock(&s->mu);
    }
    otto__wbuf_free(&sto->pending);
    pthread_cond_destroy(&sto->hb_cv);
    otto_storage_close(sto->st);
    otto__free(&s->alloc, sto->remote);
    otto__free(&s->alloc, sto);
    s->store = NULL;
}
