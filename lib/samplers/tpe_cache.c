/* TPE's per-parameter caches and the neighbour-gap walk (see tpe_cache.h).
 * A view only ever grows by appending finished (immutable) trials, so a
 * column is brought up to date by reading the new entries, sorting them and
 * merging them into the sorted list: O(n) per ask instead of O(n log n). */
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
        otto__free(c->alloc, c->cols[i].u_of);
        otto__free(c->alloc, c->cols[i].sorted);
    }
    if (c->alloc)
        otto__free(c->alloc, c->cols);
    pthread_mutex_destroy(&c->mu);
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

static int usable(const otto_trial *t)
{
    int st = atomic_load_explicit(&((otto_trial *)t)->state, memory_order_acquire);
    return st == OTTO_TRIAL_COMPLETE || st == OTTO_TRIAL_PRUNED;
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
    const otto__name *nm = col->spec->name;
    int categorical = col->spec->dist.kind == OTTO_DIST_CATEGORICAL;
    for (size_t vi = col->seen; vi < n; vi++) {
        const otto_trial *t = otto_view_trial(v, vi);
        const otto__param *p = usable(t) ? otto__trial_find_interned(t, nm, 0) : NULL;
        double u = NAN;
        if (p && categorical)
            u = p->value; /* a name keeps its kind and choices across trials */
        else if (p && !otto__dist_unit_inside(&col->spec->dist, p->value, &u))
            u = NAN;
        col->u_of[vi] = u;
        if (!isnan(u) && !categorical) {
            fresh[n_fresh].u = u;
            fresh[n_fresh].number = t->number;
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
                                               const otto__spec *spec,
                                               const otto_allocator *scratch)
{
    const otto_allocator *a = &v->study->alloc;
    if (!c->alloc)
        c->alloc = a;
    otto__tpe_column *col = NULL;
    for (size_t i = 0; i < c->n_cols && !col; i++)
        if (c->cols[i].spec == spec)
            col = &c->cols[i];
    if (!col) {
        if (c->n_cols == c->cap_cols) {
            size_t cap = c->cap_cols ? 2 * c->cap_cols : 8;
            otto__tpe_column *cols = otto__reallocarray(a, c->cols, cap, sizeof *cols);
            if (!cols)
                return NULL;
            c->cols = cols;
            c->cap_cols = cap;
        }
        col = &c->cols[c->n_cols++];
        memset(col, 0, sizeof *col);
        col->spec = spec;
    }
    size_t n = otto_view_count(v);
    if (n > col->seen && catch_up(col, a, v, n, scratch))
        return NULL;
    return col;
}

/* One side's walk state: the previous kernel's slot and coordinate, and the
 * left gap of that kernel (its right gap is known once the next arrives). */
typedef struct side {
    size_t prev, count, first;
    double prev_u, prev_left;
} side;

static void visit(side *s, size_t slot, double u, double *gap)
{
    double left = u - s->prev_u;
    if (s->count) {
        gap[s->prev] = s->prev_left > left ? s->prev_left : left;
        if (s->count == 1)
            s->first = s->prev;
    }
    s->prev = slot;
    s->prev_u = u;
    s->prev_left = left;
    s->count++;
}

static void finish(side *s, int consider_endpoints, double *gap, const double *inner)
{
    if (!s->count)
        return;
    double right = 1.0 - s->prev_u;
    gap[s->prev] = s->prev_left > right ? s->prev_left : right;
    if (!consider_endpoints && s->count >= 2) {
        gap[s->first] = inner[0]; /* the gap to the second kernel */
        gap[s->prev] = s->prev_left;
    }
}

void otto__tpe_gaps(const otto__tpe_column *col, size_t view_start, size_t n_view,
                    const int32_t *slot_of, otto__tpe_entry *loose, size_t n_loose,
                    size_t n_below, size_t n_slots, int consider_endpoints, double *gap)
{
    (void)n_slots;
    for (size_t i = 1; i < n_loose; i++) { /* few: insertion sort */
        otto__tpe_entry x = loose[i];
        size_t j = i;
        while (j > 0 && entry_less(&x, &loose[j - 1])) {
            loose[j] = loose[j - 1];
            j--;
        }
        loose[j] = x;
    }
    side s[2] = {{0, 0, 0, 0.0, 0.0}, {0, 0, 0, 0.0, 0.0}};
    double second_gap[2] = {0, 0}; /* each side's gap between its first two kernels */
    size_t i = 0, j = 0;
    const otto__tpe_entry *e = col->sorted;
    size_t n = col->n_sorted;
    for (;;) {
        size_t slot;
        double u;
        /* next kernel in (u, number) order from the sorted list or the loose ones */
        while (i < n && (e[i].vi < view_start || e[i].vi >= n_view || slot_of[e[i].vi] < 0))
            i++;
        if (i < n && (j == n_loose || !entry_less(&loose[j], &e[i]))) {
            slot = (size_t)slot_of[e[i].vi];
            u = e[i++].u;
        } else if (j < n_loose) {
            slot = loose[j].vi;
            u = loose[j++].u;
        } else {
            break;
        }
        side *sd = &s[slot >= n_below];
        if (sd->count == 1)
            second_gap[slot >= n_below] = u - sd->prev_u;
        visit(sd, slot, u, gap);
    }
    finish(&s[0], consider_endpoints, gap, &second_gap[0]);
    finish(&s[1], consider_endpoints, gap, &second_gap[1]);
}
