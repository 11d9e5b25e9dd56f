/* Exact hypervolume (minimization): 2-D sort and sweep, 3-D sweep over a
 * sorted 2-D staircase (O(n^2) worst case, O(n log n) comparisons), and for
 * m > 3 WFG's exclusive contributions with one dimension sliced off per level. */
#include "numeric/hypervolume.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/dominance.h"

double otto__hypervolume_box(const double *point, size_t m, const double *reference)
{
    double v = 1.0;
    for (size_t k = 0; k < m; k++) {
        if (!(point[k] < reference[k]))
            return 0.0;
        v *= reference[k] - point[k];
    }
    return v;
}

/* qsort has no context argument: sort rows by one key through an index array
 * of (key, row) pairs instead. */
typedef struct keyed {
    double key, tie;
    size_t row;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->tie != b->tie)
        return a->tie < b->tie ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* Rows sorted ascending by coordinate k (ties by coordinate `tie`): permutes
 * the rows of p in place through the scratch arrays. */
static int sort_rows(const otto_allocator *a, double *p, size_t n, size_t m, size_t k,
                     size_t tie, int descending)
{
    keyed *idx = otto__reallocarray(a, NULL, n, sizeof *idx);
    double *copy = otto__reallocarray(a, NULL, n * m, sizeof *copy);
    if (!idx || !copy) {
        otto__free(a, idx);
        otto__free(a, copy);
        return OTTO_ENOMEM;
    }
    double s = descending ? -1.0 : 1.0;
    for (size_t i = 0; i < n; i++) {
        idx[i].key = s * p[i * m + k];
        idx[i].tie = s * p[i * m + tie];
        idx[i].row = i;
    }
    qsort(idx, n, sizeof *idx, cmp_keyed);
    memcpy(copy, p, n * m * sizeof *p);
    for (size_t i = 0; i < n; i++)
        memcpy(p + i * m, copy + idx[i].row * m, m * sizeof *p);
    otto__free(a, idx);
    otto__free(a, copy);
    return OTTO_OK;
}

/* 2-D: after sorting by x (then y), each point adds the strip between its y
 * and the lowest y seen so far, from its x to the reference. */
static double sweep_2d(const double *p, size_t n, size_t m, const double *r)
{
    double area = 0.0, low_y = r[1];
    for (size_t i = 0; i < n; i++) {
        double x = p[i * m], y = p[i * m + 1];
        if (y < low_y) {
            area += (r[0] - x) * (low_y - y);
            low_y = y;
        }
    }
    return area;
}

/* 3-D: sweep up the third coordinate keeping the 2-D front of the points
 * passed as a staircase (x ascending, y strictly descending) and its area;
 * each slab between consecutive z adds area x thickness. */
static int sweep_3d(const otto_allocator *a, const double *p, size_t n, size_t m,
                    const double *r, double *out)
{
    double *sx = otto__reallocarray(a, NULL, n + 1, sizeof *sx);
    double *sy = otto__reallocarray(a, NULL, n + 1, sizeof *sy);
    if (!sx || !sy) {
        otto__free(a, sx);
        otto__free(a, sy);
        return OTTO_ENOMEM;
    }
    size_t len = 0;
    double area = 0.0, volume = 0.0;
    for (size_t i = 0; i < n; i++) {
        double px = p[i * m], py = p[i * m + 1], z = p[i * m + 2];
        double z_next = i + 1 < n ? p[(i + 1) * m + 2] : r[2];
        /* lo: first staircase point with x >= px */
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sx[mid] < px)
                lo = mid + 1;
            else
                hi = mid;
        }
        int dominated = (lo > 0 && sy[lo - 1] <= py) || (lo < len && sx[lo] == px && sy[lo] <= py);
        if (!dominated) {
            double x_cur = px, h = lo > 0 ? sy[lo - 1] : r[1];
            size_t end = lo;
            while (end < len && sy[end] >= py) { /* covered by p: removed */
                area += (sx[end] - x_cur) * (h - py);
                x_cur = sx[end];
                h = sy[end];
                end++;
            }
            area += ((end < len ? sx[end] : r[0]) - x_cur) * (h - py);
            /* replace [lo, end) with p */
            if (end != lo + 1) {
                memmove(sx + lo + 1, sx + end, (len - end) * sizeof *sx);
                memmove(sy + lo + 1, sy + end, (len - end) * sizeof *sy);
                len = len + 1 - (end - lo);
            }
            sx[lo] = px;
            sy[lo] = py;
        }
        volume += area * (z_next - z);
    }
    otto__free(a, sx);
    otto__free(a, sy);
    *out = volume;
    return OTTO_OK;
}

static int hv_rec(const otto_allocator *a, double *p, size_t n, size_t m, const double *r,
                  double *out);

/* m > 3: with the rows sorted by the last coordinate, worst first, point i's
 * exclusive volume against the rows after it (all at least as good in the
 * last coordinate) is (r_last - p_last) times its (m-1)-D box minus the
 * (m-1)-D volume of those rows limited to (clipped below at) point i. */
static int wfg(const otto_allocator *a, double *p, size_t n, size_t m, const double *r,
               double *out)
{
    int rc = sort_rows(a, p, n, m, m - 1, 0, 1);
    if (rc)
        return rc;
    size_t d = m - 1;
    double *lim = otto__reallocarray(a, NULL, n * d, sizeof *lim);
    if (!lim)
        return OTTO_ENOMEM;
    double total = 0.0;
    for (size_t i = 0; i < n && !rc; i++) {
        const double *pi = p + i * m;
        size_t k = 0;
        for (size_t j = i + 1; j < n; j++) {
            double *q = lim + k * d;
            for (size_t c = 0; c < d; c++)
                q[c] = fmax(p[j * m + c], pi[c]);
            size_t e = 0, covered = 0;
            while (e < k) { /* keep the limited set non-dominated */
                if (otto__weakly_dominates_min(lim + e * d, q, d)) {
                    covered = 1;
                    break;
                }
                if (otto__weakly_dominates_min(q, lim + e * d, d)) {
                    memcpy(lim + e * d, lim + (k - 1) * d, d * sizeof *lim);
                    k--;
                    q = lim + k * d;
                    memmove(q, lim + (k + 1) * d, d * sizeof *lim);
                    continue;
                }
                e++;
            }
            if (!covered)
                k++;
        }
        double inner = 0.0;
        double box = otto__hypervolume_box(pi, d, r);
        if (k)
            rc = hv_rec(a, lim, k, d, r, &inner);
        total += (r[d] - pi[d]) * (box - inner);
    }
    otto__free(a, lim);
    *out = total;
    return rc;
}

static int hv_rec(const otto_allocator *a, double *p, size_t n, size_t m, const double *r,
                  double *out)
{
    if (n == 0) {
        *out = 0.0;
        return OTTO_OK;
    }
    if (n == 1) {
        *out = otto__hypervolume_box(p, m, r);
        return OTTO_OK;
    }
    if (m == 1) {
        double lo = p[0];
        for (size_t i = 1; i < n; i++)
            lo = fmin(lo, p[i]);
        *out = r[0] - lo;
        return OTTO_OK;
    }
    if (m == 2) {
        int rc = sort_rows(a, p, n, m, 0, 1, 0);
        if (!rc)
            *out = sweep_2d(p, n, m, r);
        return rc;
    }
    if (m == 3) {
        int rc = sort_rows(a, p, n, m, 2, 0, 0);
        return rc ? rc : sweep_3d(a, p, n, m, r, out);
    }
    return wfg(a, p, n, m, r, out);
}

int otto__hypervolume_inplace(const otto_allocator *a, double *points, size_t n, size_t m,
                              const double *reference, double *out)
{
    return hv_rec(a, points, n, m, reference, out);
}

int otto__hypervolume(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, double *out)
{
    *out = 0.0;
    if (n == 0 || m == 0)
        return OTTO_OK;
    double *p = otto__reallocarray(a, NULL, n * m, sizeof *p);
    if (!p)
        return OTTO_ENOMEM;
    size_t kept = 0;
    int infinite = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = points + i * m;
        size_t k = 0;
        while (k < m && x[k] < reference[k])
            k++;
        if (k < m)
            continue; /* not strictly below the reference: contributes nothing */
        for (k = 0; k < m; k++)
            infinite |= isinf(x[k]);
        memcpy(p + kept * m, x, m * sizeof *p);
        kept++;
    }
    int rc = OTTO_OK;
    if (infinite)
        *out = INFINITY;
    else
        rc = hv_rec(a, p, kept, m, reference, out);
    otto__free(a, p);
    return rc;
}
