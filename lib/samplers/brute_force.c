/* The brute-force sampler (Optuna's BruteForceSampler): every combination of
 * a finite define-by-run search space, each once. The trials seen so far
 * form a tree of param choices (a trial's params in suggestion order, after
 * the ones the current trial has fixed already); each suggest picks a child
 * of the current node that still has unexplored leaves, weighted half by how
 * many and half evenly, preferring children no running trial ends at. It is
 * exhausted when no unexplored leaf is left. Written with the plug-in kit
 * only.
 *
 * Values are handled as grid indices (otto_distribution_grid_size): the
 * choice index of a categorical, (value - low) / step of an int or step
 * float. A float without a step makes the space infinite: OTTO_ECALLBACK. */
#include <math.h>
#include <string.h>

#include "common/options.h"

typedef struct bf {
    otto_brute_force_options o;
    otto_allocator own; /* from create: this struct */
} bf;

/* One other trial: its params not fixed in the current trial, in order. */
typedef struct path {
    const otto_trial *t;
    int running;
    size_t n;
    const otto_param_key **keys;
    double *idx; /* grid index of each value */
} path;

static double grid_index(const otto_distribution *d, double internal)
{
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return internal;
    double step = d->kind == OTTO_DIST_INT ? fmax(d->step, 1) : d->step;
    return nearbyint((internal - d->low) / step);
}

static double from_index(const otto_distribution *d, double k)
{
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return k;
    double step = d->kind == OTTO_DIST_INT ? fmax(d->step, 1) : d->step;
    return fmin(d->low + k * step, d->high);
}

static int same_dist(const otto_distribution *a, const otto_distribution *b)
{
    return a->kind == b->kind && a->low == b->low && a->high == b->high &&
           a->step == b->step && a->n_choices == b->n_choices;
}

/* Unexplored leaves under the node that trials p[0..n) (sharing their first
 * `depth` path steps) lead to; running leaves count unless exclude_running. */
static double count_open(path *const *p, size_t n, size_t depth, int exclude_running,
                         path **scratch)
{
    int running_leaf = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i]->n == depth) {
            if (!p[i]->running)
                return 0; /* a finished trial ends here: explored */
            running_leaf = 1;
        }
    const path *next = NULL;
    for (size_t i = 0; i < n && !next; i++)
        if (p[i]->n > depth)
            next = p[i];
    if (!next) /* only running trials end here */
        return running_leaf && exclude_running ? 0 : 1;
    const otto_distribution *d = otto_param_key_distribution(next->keys[depth]);
    double size = otto_distribution_grid_size(d), total = 0;
    for (double k = 0; k < size; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i]->n > depth && p[i]->idx[depth] == k &&
                same_dist(otto_param_key_distribution(p[i]->keys[depth]), d))
                scratch[m++] = p[i];
        total += m ? count_open(scratch, m, depth + 1, exclude_running, scratch + m) : 1;
    }
    return total;
}

/* The paths of the other trials that agree with the current trial's params
 * so far, after those params; with no current trial (NULL), of every trial. */
static int collect_paths(const otto_view *v, const otto_trial *trial, path *paths, size_t *n_paths,
                         const otto_trial *const *running, size_t n_running)
{
    const otto_allocator *a = otto_view_allocator(v);
    size_t n = 0, n_fin = otto_view_count(v);
    size_t fixed = trial ? otto_trial_param_count(trial) : 0;
    for (size_t i = 0; i < n_fin + n_running; i++) {
        const otto_trial *t = i < n_fin ? otto_view_trial(v, i) : running[i - n_fin];
        if (trial && otto_trial_number(t) == otto_trial_number(trial))
            continue;
        int agrees = 1;
        for (size_t j = 0; j < fixed && agrees; j++) {
            double mine, theirs;
            const otto_param_key *k = otto_trial_param_key(trial, j, &mine);
            agrees = k && otto_trial_param_like(t, k, j, &theirs) && theirs == mine;
        }
        if (!agrees)
            continue;
        path *p = &paths[n];
        size_t cnt = otto_trial_param_count(t);
        p->t = t;
        p->running = i >= n_fin;
        p->n = 0;
        p->keys = otto__malloc(a, (cnt + 1) * sizeof *p->keys);
        p->idx = otto__malloc(a, (cnt + 1) * sizeof *p->idx);
        if (!p->keys || !p->idx) {
            otto__free(a, p->keys);
            otto__free(a, p->idx);
            *n_paths = n;
            return OTTO_ENOMEM;
        }
        for (size_t j = 0; j < cnt; j++) {
            double value;
            const otto_param_key *k = otto_trial_param_key(t, j, &value);
            if (!k || (trial && otto_trial_param_find(trial, otto_param_key_name(k), NULL)))
                continue; /* fixed in the current trial: not part of the path */
            p->keys[p->n] = k;
            p->idx[p->n++] = grid_index(otto_param_key_distribution(k), value);
        }
        n++;
    }
    *n_paths = n;
    return OTTO_OK;
}

static void free_paths(const otto_allocator *a, path *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        otto__free(a, paths[i].keys);
        otto__free(a, paths[i].idx);
    }
    otto__free(a, paths);
}

static int bf_sample(void *state, const otto_view *v, otto_trial *trial, const char *name,
                     const otto_distribution *dist, double *out)
{
    const bf *b = state;
    double size = otto_distribution_grid_size(dist);
    if (!(size >= 1))
        return otto_set_error_message(OTTO_ECALLBACK, "brute-force sampler: '%s' is a float "
                                                      "without a step, so the space is "
                                                      "infinite; give it a step",
                                      name);
    if (size > 1e6)
        return otto_set_error_message(OTTO_ECALLBACK, "brute-force sampler: '%s' has %.0f "
                                                      "values; the sampler enumerates at most "
                                                      "a million per param",
                                      name, size);
    const otto_trial *const *running = NULL;
    size_t n_running = 0;
    if (otto_view_running(v, &running, &n_running) != OTTO_OK)
        n_running = 0;
    size_t total = otto_view_count(v) + n_running;
    const otto_allocator *a = otto_view_allocator(v); /* per-call: the study's */
    path *paths = otto__calloc(a, total + 1, sizeof *paths);
    path **ptrs = NULL; /* the recursion's subsets: at most n per level */
    size_t n = 0, kmax = (size_t)size, depth = 0;
    double *open = otto__calloc(a, kmax, sizeof *open);
    int *ends_running = otto__calloc(a, kmax, sizeof *ends_running);
    int rc = paths && open && ends_running ? OTTO_OK : OTTO_ENOMEM;
    if (!rc)
        rc = collect_paths(v, trial, paths, &n, running, n_running);
    for (size_t i = 0; !rc && i < n; i++)
        depth = paths[i].n > depth ? paths[i].n : depth;
    if (!rc && !(ptrs = otto__calloc(a, (n + 1) * (depth + 2), sizeof *ptrs)))
        rc = OTTO_ENOMEM;
    int exclude_running = !b->o.avoid_premature_stop;
    double sum = 0, n_open = 0;
    for (size_t k = 0; !rc && k < kmax; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            path *p = &paths[i];
            if (p->n > 0 && strcmp(otto_param_key_name(p->keys[0]), name) == 0 &&
                p->idx[0] == (double)k) {
                ptrs[m++] = p;
                ends_running[k] |= p->running && p->n == 1;
            }
        }
        open[k] = m ? count_open(ptrs, m, 1, exclude_running, ptrs + m) : 1;
        sum += open[k];
        n_open += open[k] > 0;
    }
    otto_rng *rng = otto_trial_rng(trial);
    size_t pick = 0;
    if (!rc && sum == 0) { /* everything explored: any value */
        pick = (size_t)otto_rng_below(rng, kmax);
    } else if (!rc) {
        double *w = open; /* half proportional to the open leaves, half even over them */
        int any_free = 0;
        for (size_t k = 0; k < kmax; k++) {
            w[k] = open[k] > 0 ? 0.5 * open[k] / sum + 0.5 / n_open : 0;
            any_free |= w[k] > 0 && !ends_running[k];
        }
        double wsum = 0;
        for (size_t k = 0; k < kmax; k++) {
            if (any_free && ends_running[k])
                w[k] = 0;
            wsum += w[k];
        }
        double u = otto_rng_uniform(rng) * wsum;
        pick = kmax - 1;
        for (size_t k = 0; k < kmax; k++) {
            if (w[k] > 0 && u < w[k]) {
                pick = k;
                break;
            }
            u -= w[k];
        }
        while (w[pick] == 0 && pick > 0) /* rounding at the end: the last open one */
            pick--;
    }
    free_paths(a, paths, paths ? n : 0);
    otto__free(a, ptrs);
    otto__free(a, open);
    otto__free(a, ends_running);
    if (rc)
        return otto_set_error_message(OTTO_ENOMEM, "brute-force sampler: out of memory");
    *out = from_index(dist, (double)pick);
    return OTTO_OK;
}

/* Exhausted when the tree of every trial has no unexplored leaf left (a
 * running trial's leaf counts as explored unless avoid_premature_stop), the
 * test Optuna's BruteForceSampler stops optimize with after each trial. */
static int bf_is_exhausted(void *state, const otto_view *v, int *exhausted)
{
    const bf *b = state;
    *exhausted = 0;
    const otto_trial *const *running = NULL;
    size_t n_running = 0;
    int rc = otto_view_running(v, &running, &n_running);
    if (rc)
        return rc;
    size_t total = otto_view_count(v) + n_running, n = 0, depth = 0;
    if (total == 0)
        return OTTO_OK;
    const otto_allocator *a = otto_view_allocator(v); /* per-call: the study's */
    path *paths = otto__calloc(a, total, sizeof *paths);
    path **ptrs = NULL;
    rc = paths ? collect_paths(v, NULL, paths, &n, running, n_running) : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        depth = paths[i].n > depth ? paths[i].n : depth;
    /* the root's n paths, then the recursion's subsets: at most n per level */
    if (!rc && !(ptrs = otto__calloc(a, (n + 1) * (depth + 2), sizeof *ptrs)))
        rc = OTTO_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            ptrs[i] = &paths[i];
        *exhausted = count_open(ptrs, n, 0, !b->o.avoid_premature_stop, ptrs + n) == 0;
    }
    free_paths(a, paths, paths ? n : 0);
    otto__free(a, ptrs);
    return rc ? otto_set_error_message(OTTO_ENOMEM, "brute-force sampler: out of memory") : rc;
}

static void bf_destroy(void *state)
{
    bf *b = state;
    otto_allocator own = b->own;
    otto__free(&own, b);
}

static const otto_sampler_vtable bf_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "brute_force",
    .sample_independent = bf_sample,
    .destroy = bf_destroy,
    .is_exhausted = bf_is_exhausted,
};

void otto_brute_force_options_init_sized(otto_brute_force_options *o, size_t size)
{
    otto_brute_force_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto_sampler_brute_force_create(const otto_brute_force_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_brute_force_create: out is NULL");
    otto_brute_force_options o;
    otto_brute_force_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "brute_force_options") : OTTO_OK;
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o.allocator, "brute_force_options");
    if (rc)
        return rc;
    bf *b = otto__malloc(&own, sizeof *b);
    if (!b)
        return OTTO_ENOMEM;
    b->o = o;
    b->o.allocator = NULL; /* the caller's pointer: b->own holds the copy */
    b->own = own;
    return otto_sampler_create_with(&bf_vtable, b, o.seed, &own, out);
}
