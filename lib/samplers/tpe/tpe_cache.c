/* TPE's per-parameter caches and the neighbour-gap walk (see tpe_cache.h).
 * A view usually grows by appending finished (immutable) trials, so a column
 * is brought up to date by reading the new entries, sorting them and merging
 * them into the sorted list: O(n) per ask instead of O(n log n). A view that
 * is not an extension of the last one (a sliding forgetting window, a
 * pruner's filter) cuts the columns back to the common prefix first. */
#include <math.h>
#include <string.h>

#include "tpe_cache.h"

void otto__tpe_cache_init(otto__tpe_cache *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
}

void otto__tpe_cache_destroy(otto__tpe_cache *c)
{
    for (size_t i = 0; i < c->n_cols; i++) {
        otto__free(c->alloc, c->cols[i]->u_of);
        otto__free(c->alloc, c->cols[i]->sorted);
        otto__free(c->alloc, c->cols[i]);
    }
    if (c->alloc) {
        otto__free(c->alloc, c->cols);
        otto__free(c->alloc, (void *)c->trials);
    }
    pthread_mutex_destroy(&c->mu);
}

/* Forget view entries [m, ...) in every column. */
static void cut_columns(otto__tpe_cache *c, size_t m)
{
    for (size_t i = 0; i < c->n_cols; i++) {
        otto__tpe_column *col = c->cols[i];
        if (col->seen <= m)
            continue;
        col->seen = m;
        size_t kept = 0;
        for (size_t k = 0; k < col->n_sorted; k++)
            if (col->sorted[k].vi < m)
                col->sorted[kept++] = col->sorted[k];
        col->n_sorted = kept;
    }
}

int otto__tpe_cache_sync(otto__tpe_cache *c, const otto_view *v, size_t *valid)
{
    if (!c->alloc)
        c->alloc = otto_view_allocator(v);
    size_t n = otto_view_count(v), m = 0;
    size_t common = n < c->n_trials ? n : c->n_trials;
    while (m < common && c->trials[m] == otto_view_trial(v, m))
        m++;
    if (m < common) { /* a different trial at index m: the caches past it are not v's */
        cut_columns(c, m);
        c->n_trials = m;
    }
    if (n > c->cap_trials) {
        size_t cap = 2 * c->cap_trials > n ? 2 * c->cap_trials : n;
        const otto_trial **t = otto__reallocarray(c->alloc, (void *)c->trials, cap, sizeof *t);
        if (!t) {
            cut_columns(c, 0);
            c->n_trials = 0;
            *valid = 0;
            return OTTO_ENOMEM;
        }
        c->trials = t;
        c->cap_trials = cap;
    }
    for (size_t i = c->n_trials; i < n; i++)
        c->trials[i] = otto_view_trial(v, i);
    if (n > c->n_trials)
        c->n_trials = n;
    *valid = m < common ? m : c->n_trials;
    return OTTO_OK;
}

static int entry_less(const otto__tpe_entry *a, const otto__tpe_entry *b)
{
    return a->u < b->u || (a->u == b->u && a->number < b->number);
}

/* Bottom-up merge sort of e[0..n) with tmp[n] (stable, no recursion). */
static void sort_entries(otto__tpe_entry *e, otto__tpe_entry *tmp, size_t n)
{
    for (size_t i = 1; i < n && n <= 16; i++) { /* short: insertion */
        otto__tpe_entry x = e[i];
        size_t j = i;
        while (j > 0 && entry_less(&x, &e[j - 1])) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = x;
    }
    if (n <= 16)
        return;
    otto__tpe_entry *src = e, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = entry_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        otto__tpe_entry *t = src;
        src = dst;
        dst = t;
    }
    if (src != e)
        memcpy(e, src, n * sizeof *e);
}

/* Read view entries [col->seen, n) into the column. */
static int catch_up(otto__tpe_column *col, const otto_allocator *a, const otto_view *v,
                    size_t n, const otto_allocator *scratch)
{
    size_t m = n - col->seen;
    if (n > col->cap_u) {
        size_t cap = 2 * col->cap_u > n ? 2 * col->cap_u : n;
        double *u_of = otto__reallocarray(a, col->u_of, cap, sizeof *u_of);
        if (!u_of)
            return OTTO_ENOMEM;
        col->u_of = u_of;
        col->cap_u = cap;
    }
    if (col->n_sorted + m > col->cap_sorted) {
        size_t cap = 2 * col->cap_sorted > col->n_sorted + m ? 2 * col->cap_sorted
                                                             : col->n_sorted + m;
        otto__tpe_entry *e = otto__reallocarray(a, col->sorted, cap, sizeof *e);
        if (!e)
            return OTTO_ENOMEM;
        col->sorted = e;
        col->cap_sorted = cap;
    }
    otto__tpe_entry *fresh = otto__malloc(scratch, 2 * m * sizeof *fresh);
    if (!fresh)
        return OTTO_ENOMEM;
    size_t n_fresh = 0;
    const otto_distribution *dist = otto_param_key_distribution(col->spec);
    int categorical = dist->kind == OTTO_DIST_CATEGORICAL;
    for (size_t vi = col->seen; vi < n; vi++) {
        const otto_trial *t = otto_view_trial(v, vi);
        double value, u = NAN;
        int has = otto_trial_is_learnable(t) && otto_trial_param_like(t, col->spec, 0, &value);
        if (has && categorical)
            u = value; /* a name keeps its kind and choices across trials */
        else if (has && !otto_distribution_unit_inside(dist, value, &u))
            u = NAN;
        col->u_of[vi] = u;
        if (!isnan(u) && !categorical) {
            fresh[n_fresh].u = u;
            fresh[n_fresh].number = otto_trial_number(t);
            fresh[n_fresh++].vi = vi;
        }
    }
    col->seen = n;
    /* merge from the back: (u, number) keys are unique */
    sort_entries(fresh, fresh + m, n_fresh);
    otto__tpe_entry *e = col->sorted;
    size_t i = col->n_sorted, j = n_fresh, k = col->n_sorted + n_fresh;
    while (j > 0) {
        if (i > 0 && entry_less(&fresh[j - 1], &e[i - 1]))
            e[--k] = e[--i];
        else
            e[--k] = fresh[--j];
    }
    col->n_sorted += n_fresh;
    otto__free(scratch, fresh);
    return OTTO_OK;
}

const otto__tpe_column *otto__tpe_cache_column(otto__tpe_cache *c, const otto_view *v,
                                               const otto_param_key *spec,
                                               const otto_allocator *scratch)
{
    const otto_allocator *a = otto_view_allocator(v);
    if (!c->alloc)
        c->alloc = a;
    otto__tpe_column *col = NULL;
    for (size_t i = 0; i < c->n_cols && !col; i++)
        if (c->cols[i]->spec == spec)
            col = c->cols[i];
    if (!col) { /* allocated alone: growing c->cols moves no column a caller holds */
        if (c->n_cols == c->cap_cols) {
            size_t cap = c->cap_cols ? 2 * c->cap_cols : 8;
            otto__tpe_column **cols = otto__reallocarray(a, c->cols, cap, sizeof *cols);
            if (!cols)
                return NULL;
            c->cols = cols;
            c->cap_cols = cap;
        }
        col = otto__calloc(a, 1, sizeof *col);
        if (!col)
            return NULL;
        col->spec = spec;
        c->cols[c->n_cols++] = col;
    }
    size_t n = otto_view_count(v);
    if (n > col->seen && catch_up(col, a, v, n, scratch))
        return NULL;
    return col;
}

/* Gaps of one side's n kernels from their sorted coordinates u and slots. */
static void side_gaps(const double *u, const uint32_t *slot, size_t n, int consider_endpoints,
                      double *gap)
{
    if (n == 0)
        return;
    for (size_t k = 0; k < n; k++) {
        double left = u[k] - (k ? u[k - 1] : 0.0);
        double right = (k + 1 < n ? u[k + 1] : 1.0) - u[k];
        gap[slot[k]] = left > right ? left : right;
    }
    if (!consider_endpoints && n >= 2) {
        gap[slot[0]] = u[1] - u[0];
        gap[slot[n - 1]] = u[n - 1] - u[n - 2];
    }
}

void otto__tpe_gaps(const otto__tpe_column *col, const int32_t *slot_of,
                    otto__tpe_entry *loose, size_t n_loose, size_t n_below,
                    int consider_endpoints, double *work_u, uint32_t *work_slot, double *gap)
{
    for (size_t i = 1; i < n_loose; i++) { /* few: insertion sort */
        otto__tpe_entry x = loose[i];
        size_t j = i;
        while (j > 0 && entry_less(&x, &loose[j - 1])) {
            loose[j] = loose[j - 1];
            j--;
        }
        loose[j] = x;
    }
    /* deal the kernels to their sides in (u, number) order: the good side
     * fills work[0..n_below), the other the rest */
    size_t fill[2] = {0, n_below};
    const otto__tpe_entry *e = col->sorted;
    size_t j = 0;
    for (size_t i = 0; i < col->n_sorted; i++) {
        int32_t slot = slot_of[e[i].vi];
        if (slot < 0)
            continue;
        for (; j < n_loose && entry_less(&loose[j], &e[i]); j++) {
            size_t at = fill[loose[j].vi >= n_below]++;
            work_u[at] = loose[j].u;
            work_slot[at] = (uint32_t)loose[j].vi;
        }
        size_t at = fill[(size_t)slot >= n_below]++;
        work_u[at] = e[i].u;
        work_slot[at] = (uint32_t)slot;
    }
    for (; j < n_loose; j++) {
        size_t at = fill[loose[j].vi >= n_below]++;
        work_u[at] = loose[j].u;
        work_slot[at] = (uint32_t)loose[j].vi;
    }
    side_gaps(work_u, work_slot, fill[0], consider_endpoints, gap);
    side_gaps(work_u + n_below, work_slot + n_below, fill[1] - n_below, consider_endpoints, gap);
}
