/* The grid sampler (Optuna's GridSampler): every combination of given param
 * values, in an order shuffled by the seed. Trial k < size takes point
 * perm(k), so workers sharing a study take distinct points without talking;
 * a later trial takes a point no finished trial of the same grid holds. The
 * sampler is exhausted once every point has a finished trial. Written with
 * the plug-in kit only.
 *
 * Grid points are numbered in Optuna's product order: axes sorted by name,
 * the last axis varying fastest. The shuffle is an affine bijection
 * k -> (a k + b) mod size with a coprime to size, both drawn from the seed. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "common/options.h"

#define GRID_MAX 9007199254740992.0 /* 2^53: ids stay exact in doubles and JSON */

typedef struct axis {
    char *name;
    size_t n;
    otto_param_value *values; /* labels owned */
} axis;

typedef struct grid {
    otto_allocator alloc; /* from create: this struct and the axes */
    size_t n_axes;
    axis *axes;        /* sorted by name */
    uint64_t size;     /* product of the axes' sizes */
    char space[32];    /* "grid:" and a hash of the axes: which grid a trial's id is of */
    pthread_mutex_t mu;
    int shuffled;      /* a and b drawn (from the first view's seed) */
    uint64_t a, b;
    int64_t *running;  /* numbers of this sampler's unfinished trials ... */
    uint64_t *running_id; /* ... and their points */
    size_t n_running, cap_running;
    const otto_allocator *run_alloc; /* the study's (set on first use): running* */
} grid;

static uint64_t gcd(uint64_t x, uint64_t y)
{
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

/* (x * y) mod m without overflow, for m < 2^63. */
static uint64_t mulmod(uint64_t x, uint64_t y, uint64_t m)
{
    uint64_t r = 0;
    x %= m;
    while (y) {
        if (y & 1)
            r = (r + x) % m;
        x = (x << 1) % m;
        y >>= 1;
    }
    return r;
}

/* The hash h extended with n bytes at p (the common FNV-1a based hash). */
static uint64_t hash_more(uint64_t h, const void *p, size_t n)
{
    uint64_t parts[2] = {h, otto__hash_bytes(p, n)};
    return otto__hash_bytes(parts, sizeof parts);
}

static int axis_cmp(const void *x, const void *y)
{
    return strcmp(((const axis *)x)->name, ((const axis *)y)->name);
}

static void grid_free(grid *g)
{
    for (size_t i = 0; i < g->n_axes; i++) {
        for (size_t k = 0; g->axes[i].values && k < g->axes[i].n; k++)
            otto__free(&g->alloc, (void *)g->axes[i].values[k].label);
        otto__free(&g->alloc, g->axes[i].values);
        otto__free(&g->alloc, g->axes[i].name);
    }
    otto__free(&g->alloc, g->axes);
    if (g->run_alloc) {
        otto__free(g->run_alloc, g->running);
        otto__free(g->run_alloc, g->running_id);
    }
    pthread_mutex_destroy(&g->mu);
    otto_allocator a = g->alloc;
    otto__free(&a, g);
}

static void grid_destroy(void *state) { grid_free(state); }

/* The point's value index on axis j. */
static size_t value_index(const grid *g, uint64_t id, size_t j)
{
    for (size_t k = g->n_axes; k-- > j + 1;)
        id /= g->axes[k].n;
    return (size_t)(id % g->axes[j].n);
}

static void draw_shuffle(grid *g, const otto_view *view)
{
    if (g->shuffled)
        return;
    otto_rng r;
    otto__rng_init(&r, otto_view_seed(view), 0x67726964ull); /* "grid" */
    g->a = 1;
    g->b = 0;
    if (g->size > 1) {
        do
            g->a = 1 + otto_rng_below(&r, g->size - 1);
        while (gcd(g->a, g->size) != 1);
        g->b = otto_rng_below(&r, g->size);
    }
    g->shuffled = 1;
}

static int parse_id(const char *text, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end)
        return 0;
    *out = v;
    return 1;
}

static int no_memory(const grid *g)
{
    return otto_set_error_message(OTTO_ENOMEM, "grid sampler: out of memory for a grid of "
                                               "%" PRIu64 " points",
                                  g->size);
}

/* Set the bit of every point a finished trial of this grid in the view
 * holds; returns how many points that is. */
static uint64_t mark_done(const grid *g, const otto_view *view, uint64_t *done)
{
    uint64_t n = 0;
    for (size_t i = 0; i < otto_view_count(view); i++) {
        const otto_trial *t = otto_view_trial(view, i);
        const char *space = otto_trial_system_attr_find(t, "search_space");
        const char *text = otto_trial_system_attr_find(t, "grid_id");
        uint64_t id;
        if (space && strcmp(space, g->space) == 0 && text && parse_id(text, &id) &&
            id < g->size && !(done[id / 64] >> (id % 64) & 1)) {
            done[id / 64] |= 1ull << (id % 64);
            n++;
        }
    }
    return n;
}

/* A point no finished trial of this grid in the view holds, and none of this
 * sampler's running trials, drawn from the trial's stream; failing that one
 * not finished; failing that any (the grid was visited whole). Lock held. */
static int pick_unvisited(grid *g, const otto_view *view, otto_trial *trial, uint64_t *out)
{
    size_t words = (size_t)((g->size + 63) / 64);
    const otto_allocator *a = otto_view_allocator(view); /* per-call: the study's */
    uint64_t *done = otto__calloc(a, words, sizeof *done);
    uint64_t *busy = otto__calloc(a, words, sizeof *busy);
    if (!done || !busy) {
        otto__free(a, done);
        otto__free(a, busy);
        return no_memory(g);
    }
    (void)mark_done(g, view, done);
    for (size_t i = 0; i < g->n_running; i++)
        busy[g->running_id[i] / 64] |= 1ull << (g->running_id[i] % 64);
    uint64_t n_free = 0, n_open = 0;
    for (uint64_t id = 0; id < g->size; id++) {
        int d = (int)(done[id / 64] >> (id % 64) & 1), b = (int)(busy[id / 64] >> (id % 64) & 1);
        n_free += !d && !b;
        n_open += !d;
    }
    int mode = n_free ? 0 : n_open ? 1 : 2;
    *out = 0;
    uint64_t n = mode == 0 ? n_free : mode == 1 ? n_open : g->size;
    uint64_t k = otto_rng_below(otto_trial_rng(trial), n);
    for (uint64_t id = 0; id < g->size; id++) {
        int d = (int)(done[id / 64] >> (id % 64) & 1), b = (int)(busy[id / 64] >> (id % 64) & 1);
        int ok = mode == 0 ? !d && !b : mode == 1 ? !d : 1;
        if (ok && k-- == 0) {
            *out = id;
            break;
        }
    }
    otto__free(a, done);
    otto__free(a, busy);
    if (mode == 2)
        otto_view_log(view, OTTO_LEVEL_WARNING,
                      "grid sampler: every point has been evaluated; trial %lld repeats one",
                      (long long)otto_trial_number(trial));
    return OTTO_OK;
}

/* The trial's grid point: recorded in its system attrs at its first suggest. */
static int point_of(grid *g, const otto_view *view, otto_trial *trial, uint64_t *out)
{
    const char *space = otto_trial_system_attr_find(trial, "search_space");
    const char *text = otto_trial_system_attr_find(trial, "grid_id");
    if (space && strcmp(space, g->space) == 0 && text && parse_id(text, out) && *out < g->size)
        return OTTO_OK;
    int64_t number = otto_trial_number(trial);
    pthread_mutex_lock(&g->mu);
    draw_shuffle(g, view);
    int rc = OTTO_OK;
    if (number >= 0 && (uint64_t)number < g->size)
        *out = (mulmod(g->a, (uint64_t)number, g->size) + g->b) % g->size;
    else
        rc = pick_unvisited(g, view, trial, out);
    if (!rc && g->n_running == g->cap_running) {
        size_t cap = g->cap_running ? 2 * g->cap_running : 8;
        if (!g->run_alloc) /* one study's: a sampler belongs to one study */
            g->run_alloc = otto_view_allocator(view);
        int64_t *r = otto__reallocarray(g->run_alloc, g->running, cap, sizeof *r);
        if (r)
            g->running = r;
        uint64_t *ri = r ? otto__reallocarray(g->run_alloc, g->running_id, cap, sizeof *ri)
                         : NULL;
        if (ri) {
            g->running_id = ri;
            g->cap_running = cap;
        } else {
            rc = otto_set_error_message(OTTO_ENOMEM, "grid sampler: out of memory");
        }
    }
    if (!rc) {
        g->running[g->n_running] = number;
        g->running_id[g->n_running++] = *out;
    }
    pthread_mutex_unlock(&g->mu);
    if (rc)
        return rc;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRIu64, *out);
    rc = otto_trial_set_system_attr(trial, "search_space", g->space);
    if (!rc)
        rc = otto_trial_set_system_attr(trial, "grid_id", idtext);
    return rc;
}

static int grid_sample_independent(void *state, const otto_view *view, otto_trial *trial,
                                   const char *name, const otto_distribution *dist, double *out)
{
    grid *g = state;
    axis key = {(char *)name, 0, NULL};
    const axis *ax = bsearch(&key, g->axes, g->n_axes, sizeof *g->axes, axis_cmp);
    if (!ax)
        return otto_set_error_message(OTTO_ECALLBACK, "grid sampler: '%s' is not a param of "
                                                      "the grid",
                                      name);
    uint64_t id = 0;
    int rc = point_of(g, view, trial, &id);
    if (rc)
        return rc;
    const otto_param_value *v = &ax->values[value_index(g, id, (size_t)(ax - g->axes))];
    if (dist->kind == OTTO_DIST_CATEGORICAL) {
        for (size_t c = 0; (v->kind & OTTO_VALUE_LABEL) && c < dist->n_choices; c++)
            if (strcmp(dist->choices[c], v->label) == 0) {
                *out = (double)c;
                return OTTO_OK;
            }
        return otto_set_error_message(OTTO_ECALLBACK, "grid sampler: the grid value of '%s' "
                                                      "is not one of its choices",
                                      name);
    }
    if (!(v->kind & OTTO_VALUE_NUMBER))
        return otto_set_error_message(OTTO_ECALLBACK, "grid sampler: the grid value of '%s' "
                                                      "is a label, but '%s' is numeric",
                                      name, name);
    if (!otto_distribution_contains(dist, v->number))
        return otto_set_error_message(OTTO_ECALLBACK, "grid sampler: the grid value %.17g of "
                                                      "'%s' lies outside its distribution "
                                                      "[%g, %g] or off its step",
                                      v->number, name, dist->low, dist->high);
    *out = v->number;
    return OTTO_OK;
}

static void grid_after_trial(void *state, const otto_view *view, otto_trial *trial,
                             otto_trial_state final_state, const double *values, size_t n)
{
    (void)view;
    (void)final_state;
    (void)values;
    (void)n;
    grid *g = state;
    int64_t number = otto_trial_number(trial);
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < g->n_running; i++)
        if (g->running[i] == number) {
            g->running[i] = g->running[g->n_running - 1];
            g->running_id[i] = g->running_id[--g->n_running];
            break;
        }
    pthread_mutex_unlock(&g->mu);
}

/* Exhausted once every point has a finished trial of this grid: Optuna's
 * GridSampler stops optimize when, with the trial being told finished, no
 * point is left unfinished. */
static int grid_is_exhausted(void *state, const otto_view *view, int *exhausted)
{
    const grid *g = state;
    *exhausted = 0;
    if (otto_view_count(view) < g->size) /* too few finished trials to cover it */
        return OTTO_OK;
    const otto_allocator *a = otto_view_allocator(view); /* per-call: the study's */
    uint64_t *done = otto__calloc(a, (size_t)((g->size + 63) / 64), sizeof *done);
    if (!done)
        return no_memory(g);
    *exhausted = mark_done(g, view, done) == g->size;
    otto__free(a, done);
    return OTTO_OK;
}

static const otto_sampler_vtable grid_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "grid",
    .sample_independent = grid_sample_independent,
    .after_trial = grid_after_trial,
    .destroy = grid_destroy,
    .is_exhausted = grid_is_exhausted,
};

void otto_grid_options_init_sized(otto_grid_options *o, size_t size)
{
    otto_grid_options def = {.seed = OTTO_SEED_NONE};
    OTTO__OPTIONS_INIT(o, size, def);
}

/* Check the options; their grid size in *size. */
static int check_options(const otto_grid_options *o, const char *fn, uint64_t *size)
{
    if (o->n_axes == 0 || !o->axes)
        return otto__error(OTTO_EINVAL, "%s: the grid needs at least one axis", fn);
    double n = 1;
    for (size_t i = 0; i < o->n_axes; i++) {
        const otto_grid_axis *ax = &o->axes[i];
        int rc = otto__text_check(ax->name, 0, fn, "axis name");
        if (rc)
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(o->axes[k].name, ax->name) == 0)
                return otto__error(OTTO_EINVAL, "%s: axis '%s' is given twice", fn, ax->name);
        if (ax->n_values == 0 || !ax->values)
            return otto__error(OTTO_EINVAL, "%s: axis '%s' has no values", fn, ax->name);
        for (size_t k = 0; k < ax->n_values; k++) {
            const otto_param_value *v = &ax->values[k];
            if (v->kind < OTTO_VALUE_NUMBER || v->kind > OTTO_VALUE_ANY)
                return otto__error(OTTO_EINVAL, "%s: value %zu of '%s' has an invalid kind %d",
                                   fn, k, ax->name, (int)v->kind);
            if ((v->kind & OTTO_VALUE_NUMBER) && !isfinite(v->number))
                return otto__error(OTTO_EINVAL, "%s: value %zu of '%s' is not finite", fn, k,
                                   ax->name);
            if ((v->kind & OTTO_VALUE_LABEL) &&
                (rc = otto__text_check(v->label, 1, fn, "label")) != OTTO_OK)
                return rc;
        }
        n *= (double)ax->n_values;
        if (n > GRID_MAX)
            return otto__error(OTTO_ERANGE, "%s: the grid has more than 2^53 points", fn);
    }
    *size = (uint64_t)n;
    return OTTO_OK;
}

int otto_grid_size(const otto_grid_options *opts, uint64_t *out)
{
    if (!opts || !out)
        return otto__error(OTTO_EINVAL, "grid_size: NULL argument");
    otto_grid_options o;
    otto_grid_options_init(&o);
    int rc = otto__options_copy(&o, sizeof o, opts, "grid_options");
    return rc ? rc : check_options(&o, "grid_size", out);
}

int otto_sampler_grid_create(const otto_grid_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!opts || !out)
        return otto__error(OTTO_EINVAL, "sampler_grid_create: NULL argument");
    otto_grid_options o;
    otto_grid_options_init(&o);
    int rc = otto__options_copy(&o, sizeof o, opts, "grid_options");
    uint64_t size = 0;
    if (!rc)
        rc = check_options(&o, "sampler_grid_create", &size);
    if (rc)
        return rc;
    otto_allocator a;
    rc = otto__alloc_pick(&a, o.allocator, "grid_options");
    if (rc)
        return rc;
    grid *g = otto__calloc(&a, 1, sizeof *g);
    if (!g || pthread_mutex_init(&g->mu, NULL) != 0) {
        otto__free(&a, g);
        return otto__error(OTTO_ENOMEM, "sampler_grid_create: out of memory");
    }
    g->alloc = a;
    g->size = size;
    g->axes = otto__calloc(&a, o.n_axes, sizeof *g->axes);
    rc = g->axes ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < o.n_axes; i++) {
        axis *ax = &g->axes[i];
        g->n_axes = i + 1;
        ax->name = otto__strdup(&a, o.axes[i].name);
        ax->n = o.axes[i].n_values;
        ax->values = otto__calloc(&a, ax->n, sizeof *ax->values);
        if (!ax->name || !ax->values) {
            rc = OTTO_ENOMEM;
            break;
        }
        for (size_t k = 0; k < ax->n; k++) {
            const otto_param_value *v = &o.axes[i].values[k];
            ax->values[k].name = NULL;
            ax->values[k].kind = v->kind;
            ax->values[k].number = (v->kind & OTTO_VALUE_NUMBER) ? v->number : 0;
            if ((v->kind & OTTO_VALUE_LABEL) && !(ax->values[k].label = otto__strdup(&a, v->label))) {
                rc = OTTO_ENOMEM;
                break;
            }
        }
    }
    if (rc) {
        grid_free(g);
        return otto__error(OTTO_ENOMEM, "sampler_grid_create: out of memory");
    }
    qsort(g->axes, g->n_axes, sizeof *g->axes, axis_cmp);
    uint64_t h = 0;
    for (size_t i = 0; i < g->n_axes; i++) {
        const axis *ax = &g->axes[i];
        h = hash_more(h, ax->name, strlen(ax->name) + 1);
        h = hash_more(h, &ax->n, sizeof ax->n);
        for (size_t k = 0; k < ax->n; k++) {
            const otto_param_value *v = &ax->values[k];
            h = hash_more(h, &v->kind, sizeof v->kind);
            if (v->kind & OTTO_VALUE_NUMBER)
                h = hash_more(h, &v->number, sizeof v->number);
            if (v->kind & OTTO_VALUE_LABEL)
                h = hash_more(h, v->label, strlen(v->label) + 1);
        }
    }
    snprintf(g->space, sizeof g->space, "grid:%016" PRIx64, h);
    return otto_sampler_create_with(&grid_vtable, g, o.seed, &a, out);
}
