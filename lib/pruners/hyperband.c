/* Hyperband (Li et al., JMLR 18(185)) over asynchronous successive halving,
 * as Optuna builds it: floor(log_eta(max/min)) + 1 brackets, bracket i
 * stopping early from rung rate i; trials are spread over the brackets in
 * proportion to ceil(n_brackets * eta^s / (s + 1)), s = n_brackets - 1 - i,
 * by a hash of the trial number (deterministic, independent of ask order).
 * The sampler sees only the trials of the asking trial's bracket. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "pruning.h"
#include "successive_halving.h"

typedef struct hyperband {
    otto_hyperband_options o;
    otto_allocator own;  /* from create: this struct */
    pthread_mutex_t mu;
    _Atomic int ready; /* set (release) once the fields below are final */
    size_t n_brackets;
    const otto_allocator *alloc; /* the study's, for the brackets */
    otto__asha *brackets;
    uint64_t *budget;
    uint64_t total;
} hyperband;

static size_t bracket_of(const hyperband *h, int64_t number)
{
    uint64_t x = (uint64_t)number + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    uint64_t n = x % h->total;
    for (size_t i = 0; i < h->n_brackets; i++) {
        if (n < h->budget[i])
            return i;
        n -= h->budget[i];
    }
    return h->n_brackets - 1;
}

/* Set up the brackets once max_resource is known (lock held). */
static int initialize(hyperband *h, const otto_view *v)
{
    int64_t max_resource = h->o.max_resource;
    if (max_resource == 0) { /* auto: one past the last step of COMPLETE trials */
        for (size_t i = 0; i < otto_view_count(v); i++) {
            const otto_trial *t = otto_view_trial(v, i);
            if (otto__is_complete(t) && otto__last_step(t) + 1 > max_resource)
                max_resource = otto__last_step(t) + 1;
        }
        if (max_resource == 0)
            return OTTO_OK; /* not yet */
    }
    double ratio = (double)max_resource / (double)h->o.min_resource;
    size_t n = ratio >= 1 ? (size_t)floor(log(ratio) / log((double)h->o.reduction_factor) + 1e-9) + 1
                          : 1;
    h->alloc = otto_view_allocator(v);
    h->brackets = otto__calloc(h->alloc, n, sizeof *h->brackets);
    h->budget = otto__calloc(h->alloc, n, sizeof *h->budget);
    if (!h->brackets || !h->budget) {
        otto__free(h->alloc, h->brackets);
        otto__free(h->alloc, h->budget);
        h->brackets = NULL;
        h->budget = NULL;
        return otto__error(OTTO_ENOMEM, "hyperband: out of memory");
    }
    h->n_brackets = n;
    h->total = 0;
    for (size_t i = 0; i < n; i++) {
        double s = (double)(n - 1 - i);
        h->budget[i] = (uint64_t)ceil((double)n * pow((double)h->o.reduction_factor, s) / (s + 1));
        h->total += h->budget[i];
        h->brackets[i].min_resource = h->o.min_resource;
        h->brackets[i].reduction_factor = h->o.reduction_factor;
        h->brackets[i].min_early_stopping_rate = (int64_t)i;
        h->brackets[i].bootstrap_count = h->o.bootstrap_count;
    }
    atomic_store_explicit(&h->ready, 1, memory_order_release);
    return OTTO_OK;
}

static int hyperband_prune(void *state, const otto_view *v, const otto_trial *t, int *out)
{
    hyperband *h = state;
    *out = 0;
    pthread_mutex_lock(&h->mu);
    int rc = atomic_load(&h->ready) ? OTTO_OK : initialize(h, v);
    if (!rc && atomic_load(&h->ready))
        rc = otto__asha_prune(&h->brackets[bracket_of(h, otto_trial_number(t))], v,
                              (otto_trial *)t, out);
    pthread_mutex_unlock(&h->mu);
    return rc;
}

static int hyperband_filter(void *state, const otto_trial *trial, const otto_trial *candidate)
{
    const hyperband *h = state;
    if (!atomic_load_explicit(&((hyperband *)h)->ready, memory_order_acquire))
        return 1;
    return bracket_of(h, otto_trial_number(trial)) == bracket_of(h, otto_trial_number(candidate));
}

static void hyperband_destroy(void *state)
{
    hyperband *h = state;
    for (size_t i = 0; i < h->n_brackets; i++)
        otto__asha_free(&h->brackets[i]);
    if (h->alloc) {
        otto__free(h->alloc, h->brackets);
        otto__free(h->alloc, h->budget);
    }
    pthread_mutex_destroy(&h->mu);
    otto_allocator own = h->own;
    otto__free(&own, h);
}

static const otto_pruner_vtable hyperband_vtable = {
    .size = sizeof(otto_pruner_vtable),
    .name = "hyperband",
    .prune = hyperband_prune,
    .filter = hyperband_filter,
    .destroy = hyperband_destroy,
};

void otto_hyperband_options_init_sized(otto_hyperband_options *o, size_t size)
{
    otto_hyperband_options def;
    memset(&def, 0, sizeof def);
    def.min_resource = 1;
    def.max_resource = 0;
    def.reduction_factor = 3;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_pruner_hyperband_create(const otto_hyperband_options *opts, otto_pruner **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "pruner_hyperband_create: out is NULL");
    otto_hyperband_options o;
    otto_hyperband_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "hyperband_options") : OTTO_OK;
    if (rc)
        return rc;
    if (o.min_resource < 1 || o.max_resource < 0 || o.reduction_factor < 2 ||
        o.bootstrap_count < 0 || (o.max_resource && o.max_resource < o.min_resource))
        return otto__error(OTTO_EINVAL, "hyperband: min_resource must be >= 1, max_resource "
                                        ">= min_resource (or 0 for auto), reduction_factor >= "
                                        "2, bootstrap_count >= 0");
    if (o.bootstrap_count > 0 && o.max_resource == 0)
        return otto__error(OTTO_EINVAL, "hyperband: bootstrap_count > 0 needs a fixed "
                                        "max_resource (as in Optuna)");
    otto_allocator own;
    rc = otto__alloc_pick(&own, o.allocator, "hyperband_options");
    if (rc)
        return rc;
    hyperband *h = otto__calloc(&own, 1, sizeof *h);
    if (!h)
        return OTTO_ENOMEM;
    if (pthread_mutex_init(&h->mu, NULL) != 0) {
        otto__free(&own, h);
        return otto__error(OTTO_ESYSTEM, "hyperband: cannot create a mutex");
    }
    h->o = o;
    h->o.allocator = NULL; /* the caller's pointer: h->own holds the copy */
    h->own = own;
    atomic_init(&h->ready, 0);
    return otto_pruner_create_with(&hyperband_vtable, h, &own, out);
}
