/* otto/pruner.h: the pruner plug-in interface and the built-in no-op pruner.
 * A pruner decides from a trial's intermediate values, and the finished trials
 * in the view, whether to stop the trial early. */
#ifndef OTTO_PRUNER_H
#define OTTO_PRUNER_H

#include <stddef.h>

#include "export.h"
#include "sampler.h"
#include "trial.h"

OTTO_BEGIN_DECLS

typedef struct otto_pruner otto_pruner;

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

/* Same ownership rules as otto_sampler_create. */
OTTO_API int otto_pruner_create(const otto_pruner_vtable *vtable, void *state,
                                otto_pruner **out);
OTTO_API void otto_pruner_destroy(otto_pruner *p);
OTTO_API const char *otto_pruner_name(const otto_pruner *p);

/* Never prunes (the default when a study gets no pruner). */
OTTO_API int otto_pruner_nop_create(otto_pruner **out);

OTTO_END_DECLS

#endif /* OTTO_PRUNER_H */
