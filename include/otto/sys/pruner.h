/* otto/sys/pruner.h: the plug-in kit for pruners: the vtable and its
 * constructor. Pruners read the history through the view and the trial
 * accessors of otto/sys/sampler.h; otto's own pruners use nothing else. */
#ifndef OTTO_SYS_PRUNER_H
#define OTTO_SYS_PRUNER_H

#include <stddef.h>

#include "../export.h"
#include "../pruner.h"
#include "sampler.h"

OTTO_BEGIN_DECLS

/* Grows only at the end; set size = sizeof(otto_pruner_vtable). Called
 * without any otto lock held, possibly from several threads at once. */
typedef struct otto_pruner_vtable {
    size_t size;
    const char *name;
    /* Required. *out = 1 to prune `trial` now. */
    int (*prune)(void *state, const otto_view *view, const otto_trial *trial, int *out);
    /* Optional. Restrict the sampler's view while sampling `trial`: return 1
     * to keep `candidate` (e.g. same Hyperband bracket), 0 to hide it. */
    int (*filter)(void *state, const otto_trial *trial, const otto_trial *candidate);
    /* Optional. Free `state`. */
    void (*destroy)(void *state);
} otto_pruner_vtable;

/* Same ownership rules as otto_sampler_create; the handle comes from the
 * C library's malloc. */
OTTO_API int otto_pruner_create(const otto_pruner_vtable *vtable, void *state,
                                otto_pruner **out);
/* The same, with the handle from `allocator` (copied; NULL: the C
 * library's), as otto_sampler_create_with. */
OTTO_API int otto_pruner_create_with(const otto_pruner_vtable *vtable, void *state,
                                     const otto_allocator *allocator, otto_pruner **out);

/* Consult another pruner (one that a composite pruner, like the patient
 * pruner, owns): its verdict on trial, and whether it keeps candidate in
 * trial's view (1 when it has no filter). */
OTTO_API int otto_pruner_prune(const otto_pruner *p, const otto_view *view,
                               const otto_trial *trial, int *out);
OTTO_API int otto_pruner_filter(const otto_pruner *p, const otto_trial *trial,
                                const otto_trial *candidate);

OTTO_END_DECLS

#endif /* OTTO_SYS_PRUNER_H */
