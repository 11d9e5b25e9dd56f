/* The no-op pruner: never prunes. The default when a study gets none. */
#include "common/common.h"

static int nop_prune(void *state, const otto_view *view, const otto_trial *trial, int *out)
{
    (void)state;
    (void)view;
    (void)trial;
    *out = 0;
    return OTTO_OK;
}

static const otto_pruner_vtable nop_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "nop",
    .prune = nop_prune,
};

int otto_pruner_nop_create(otto_pruner **out)
{
    return otto_pruner_create_with(&nop_vtable, NULL, NULL, out);
}

int otto_pruner_nop_create_with(const otto_allocator *allocator, otto_pruner **out)
{
    return otto_pruner_create_with(&nop_vtable, NULL, allocator, out);
}
