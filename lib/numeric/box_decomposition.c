/* Non-dominated box decomposition by slicing objectives (minimization): the
 * region below the reference that no point dominates, cut into disjoint
 * boxes slab by slab along the last objective. See box_decomposition.h. */
#include "numeric/box_decomposition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void otto__boxes_free(const otto_allocator *a, otto__boxes *b)
{
    otto__free(a, b->lower);
    otto__free(a, b->upper);
    memset(b, 0, sizeof *b);
}

/* Append a box whose first d coordinates come from lo/hi and the rest from
 * the slab bounds already fixed in tail_lo/tail_hi (coordinates d..m-1). */
static int push_box(const otto_allocator *a, otto__boxes *b, const double *lo, const double *hi,
                    size_t d, const double *tail_lo, const double *tail_hi)
{
    size_t m = b->m;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        double *l = otto__reallocarray(a, b->lower, cap * m, sizeof *l);
        if (!l)
            return OTTO_ENOMEM;
        b->lower = l;
        double *u = otto__reallocarray(a, b->upper, cap * m, sizeof *u);
        if (!u)
            return OTTO_ENOMEM;
        b->upper = u;
        b->cap = cap;
    }
    double *l = b->lower + b->n * m, *u = b->upper + b->n * m;
    memcpy(l, lo, d * sizeof *l);
    memcpy(u, hi, d * sizeof *u);
    memcpy(l + d, tail_lo + d, (m - d) * sizeof *l);
    memcpy(u + d, tail_hi + d, (m - d) * sizeof *u);
    b->n++;
    return OTTO_OK;
}

typedef struct keyed_row {
    double key;
    size_t row;
} keyed_row;

static int cmp_key(const void *p, const void *q)
{
    const keyed_row *a = p, *b = q;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* The decomposition in the first d coordinates of the points `rows` (all
 * strictly below ref there), extruded over tail_lo/tail_hi beyond d. */
static int decompose(const otto_allocator *a, const double *p, size_t m, const size_t *rows,
                     size_t n, size_t d, const double *ref, double *tail_lo, double *tail_hi,
                     otto__boxes *out)
{
    double lo[2], hi[2];
    if (d == 1) { /* below the lowest point */
        double low = ref[0];
        for (size_t i = 0; i < n; i++)
            low = fmin(low, p[rows[i] * m]);
        lo[0] = -INFINITY;
        hi[0] = low;
        return low > -INFINITY ? push_box(a, out, lo, hi, 1, tail_lo, tail_hi) : OTTO_OK;
    }
    keyed_row *order = otto__reallocarray(a, NULL, n ? n : 1, sizeof *order);
    size_t *active = otto__reallocarray(a, NULL, n ? n : 1, sizeof *active);
    int rc = order && active ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        order[i] = (keyed_row){p[rows[i] * m + d - 1], rows[i]};
    if (!rc)
        qsort(order, n, sizeof *order, cmp_key);
    double saved_lo = tail_lo[d - 1], saved_hi = tail_hi[d - 1];
    if (!rc && d == 2) { /* the staircase: slabs in y, x below the leftmost so far */
        double bottom = -INFINITY, left = ref[0];
        for (size_t i = 0; !rc && i <= n; i++) {
            double top = i < n ? order[i].key : ref[1];
            double x = i < n ? p[order[i].row * m] : -INFINITY;
            if (i < n && !(x < left))
                continue; /* dominated in 2-D: no new step */
            if (top > bottom && left > -INFINITY) {
                lo[0] = -INFINITY;
                hi[0] = left;
                lo[1] = bottom;
                hi[1] = top;
                rc = push_box(a, out, lo, hi, 2, tail_lo, tail_hi);
            }
            bottom = top;
            left = x;
        }
    } else if (!rc) { /* slab t lies between the t-th and (t+1)-th last coordinates */
        double bottom = -INFINITY;
        for (size_t t = 0; !rc && t <= n; t++) {
            double top = t < n ? order[t].key : ref[d - 1];
            if (top > bottom) {
                tail_lo[d - 1] = bottom;
                tail_hi[d - 1] = top;
                rc = decompose(a, p, m, active, t, d - 1, ref, tail_lo, tail_hi, out);
            }
            if (t < n)
                active[t] = order[t].row;
            bottom = top;
        }
    }
    tail_lo[d - 1] = saved_lo;
    tail_hi[d - 1] = saved_hi;
    otto__free(a, order);
    otto__free(a, active);
    return rc;
}

int otto__box_decomposition(const otto_allocator *a, const double *points, size_t n, size_t m,
                            const double *reference, otto__boxes *out)
{
    memset(out, 0, sizeof *out);
    out->m = m;
    size_t *rows = otto__reallocarray(a, NULL, n ? n : 1, sizeof *rows);
    double *tail = otto__reallocarray(a, NULL, 2 * m, sizeof *tail);
    if (!rows || !tail) {
        otto__free(a, rows);
        otto__free(a, tail);
        return OTTO_ENOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < m && points[i * m + k] < reference[k])
            k++;
        if (k == m)
            rows[kept++] = i;
    }
    for (size_t k = 0; k < m; k++) {
        tail[k] = -INFINITY;
        tail[m + k] = reference[k];
    }
    int rc = decompose(a, points, m, rows, kept, m, reference, tail, tail + m, out);
    otto__free(a, rows);
    otto__free(a, tail);
    if (rc)
        otto__boxes_free(a, out);
    return rc;
}
