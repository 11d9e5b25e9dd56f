/* Storage handles: options, reference counting, study names. The study's
 * side of a storage (attach, replay, commit) is in core/store.c. */
#include <math.h>
#include <string.h>

#include "common/options.h"
#include "backend.h"

void otto_storage_options_init_sized(otto_storage_options *o, size_t size)
{
    otto_storage_options def;
    memset(&def, 0, sizeof def);
    def.sync = OTTO_SYNC_EVERY_TELL;
    def.sync_interval_s = 1.0;
    def.timeout_s = 60.0;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto__storage_new(const otto__backend_vt *vt, const otto_storage_options *opts,
                      const char *fn, otto_storage **out)
{
    otto_storage_options o;
    otto_storage_options_init(&o);
    if (opts) {
        int rc = otto__options_copy(&o, sizeof o, opts, "storage_options");
        if (rc)
            return rc;
    }
    if (o.sync < OTTO_SYNC_EVERY_TELL || o.sync > OTTO_SYNC_NONE)
        return otto__error(OTTO_EINVAL, "%s: sync policy %d is invalid", fn, (int)o.sync);
    if (!(o.sync_interval_s >= 0) || !isfinite(o.sync_interval_s))
        return otto__error(OTTO_EINVAL, "%s: sync_interval_s must be finite and >= 0", fn);
    if (!(o.timeout_s > 0) || !isfinite(o.timeout_s))
        return otto__error(OTTO_EINVAL, "%s: timeout_s must be finite and > 0", fn);
    if (!(o.heartbeat_interval_s >= 0) || !isfinite(o.heartbeat_interval_s))
        return otto__error(OTTO_EINVAL, "%s: heartbeat_interval_s must be finite and >= 0", fn);
    if (!(o.grace_period_s >= 0) || !isfinite(o.grace_period_s))
        return otto__error(OTTO_EINVAL, "%s: grace_period_s must be finite and >= 0", fn);
    if (o.grace_period_s > 0 && o.heartbeat_interval_s > 0 &&
        o.grace_period_s <= o.heartbeat_interval_s)
        return otto__error(OTTO_EINVAL, "%s: grace_period_s %g must exceed heartbeat_interval_s %g",
                           fn, o.grace_period_s, o.heartbeat_interval_s);
    if (o.flags & ~(unsigned)OTTO_STORAGE_READ_ONLY)
        return otto__error(OTTO_EINVAL, "%s: unknown flags 0x%x", fn,
                           o.flags & ~(unsigned)OTTO_STORAGE_READ_ONLY);
    if (o.allocator && (!o.allocator->malloc_fn || !o.allocator->realloc_fn ||
                        !o.allocator->free_fn))
        return otto__error(OTTO_EINVAL, "%s: allocator needs all three functions", fn);
    if (o.grace_period_s == 0)
        o.grace_period_s = 2 * o.heartbeat_interval_s;
    otto_allocator a;
    if (o.allocator)
        a = *o.allocator;
    else
        otto__alloc_default(&a);
    o.allocator = NULL;
    otto_storage *st = otto__calloc(&a, 1, sizeof *st);
    if (!st)
        return otto__error(OTTO_ENOMEM, "%s: out of memory", fn);
    st->vt = vt;
    st->alloc = a;
    st->opts = o;
    atomic_init(&st->refs, 1);
    *out = st;
    return OTTO_OK;
}

void otto__storage_ref(otto_storage *st) { atomic_fetch_add(&st->refs, 1); }

void otto_storage_close(otto_storage *st)
{
    if (!st || atomic_fetch_sub(&st->refs, 1) != 1)
        return;
    st->vt->close(st); /* frees impl */
    otto_allocator a = st->alloc;
    otto__free(&a, st);
}

int otto_storage_study_names(otto_storage *st, const char **out, size_t cap, size_t *n_out)
{
    if (!st || (!out && cap) || !n_out)
        return otto__error(OTTO_EINVAL, "storage_study_names: NULL argument");
    return st->vt->study_names(st, out, cap, n_out);
}

int otto_storage_delete_study(otto_storage *st, const char *name)
{
    if (!st || !name)
        return otto__error(OTTO_EINVAL, "storage_delete_study: NULL argument");
    int rc = otto__text_check(name, 0, "storage_delete_study", "name");
    if (!rc && (st->opts.flags & OTTO_STORAGE_READ_ONLY))
        rc = otto__error(OTTO_ESTATE, "storage_delete_study: the storage is read-only "
                                      "(OTTO_STORAGE_READ_ONLY): cannot delete study '%s'",
                         name);
    return rc ? rc : st->vt->delete_study(st, name);
}
