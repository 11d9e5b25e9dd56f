/* The pruner handle: a vtable, its state and the allocator the handle came
 * from, as for samplers. */
#include "internal.h"

static void destroy_state(const otto_pruner_vtable *vt, void *state)
{
    if (vt && OTTO__VT_HAS(vt, otto_pruner_vtable, destroy))
        vt->destroy(state);
}

int otto_pruner_create(const otto_pruner_vtable *vt, void *state, otto_pruner **out)
{
    return otto_pruner_create_with(vt, state, NULL, out);
}

int otto_pruner_create_with(const otto_pruner_vtable *vt, void *state,
                            const otto_allocator *allocator, otto_pruner **out)
{
    otto_allocator a = {NULL, NULL, NULL, NULL}; /* set by otto__alloc_pick before use */
    int rc = OTTO_OK;
    if (!out)
        rc = otto__error(OTTO_EINVAL, "pruner_create: out is NULL");
    else if (!vt)
        rc = otto__error(OTTO_EINVAL, "pruner_create: vtable is NULL");
    else if (!OTTO__VT_HAS(vt, otto_pruner_vtable, prune))
        rc = otto__error(OTTO_EINVAL, "pruner_create: vtable needs size and prune");
    else
        rc = otto__alloc_pick(&a, allocator, "pruner_create");
    if (out)
        *out = NULL;
    if (rc) {
        destroy_state(vt, state);
        return rc;
    }
    otto_pruner *p = otto__calloc(&a, 1, sizeof *p);
    if (!p) {
        destroy_state(vt, state);
        return OTTO_ENOMEM;
    }
    p->alloc = a;
    p->vt = vt;
    p->state = state;
    *out = p;
    return OTTO_OK;
}

void otto_pruner_destroy(otto_pruner *p)
{
    if (!p)
        return;
    destroy_state(p->vt, p->state);
    otto_allocator a = p->alloc;
    otto__free(&a, p);
}

const char *otto_pruner_name(const otto_pruner *p)
{
    return p && p->vt->name ? p->vt->name : "";
}

int otto_pruner_prune(const otto_pruner *p, const otto_view *view, const otto_trial *trial,
                      int *out)
{
    if (!p || !view || !trial || !out)
        return otto__error(OTTO_EINVAL, "pruner_prune: NULL argument");
    *out = 0;
    return p->vt->prune(p->state, view, trial, out);
}

int otto_pruner_filter(const otto_pruner *p, const otto_trial *trial,
                       const otto_trial *candidate)
{
    const otto_pruner_vtable *vt = p ? p->vt : NULL;
    if (!vt || !OTTO__VT_HAS(vt, otto_pruner_vtable, filter))
        return 1;
    return vt->filter(p->state, trial, candidate);
}
