/* NSGA-II's elite selection: whole non-dominated fronts while they fit,
 * then the last front's members by decreasing crowding distance. */
#include <math.h>

#include "nondominated.h"
#include "selection.h"

/* Stable merge sort of idx[0..n) by key, ascending or descending. */
static void sort_by(size_t *idx, size_t *tmp, size_t n, const double *key, int descending)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n, i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int take_j = descending ? key[idx[j]] > key[idx[i]] : key[idx[j]] < key[idx[i]];
                tmp[k++] = take_j ? idx[j++] : idx[i++];
            }
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        for (size_t k = 0; k < n; k++)
            idx[k] = tmp[k];
    }
}

/* Optuna's crowding distance (_calc_crowding_distance): per objective, the
 * gap between a point's neighbours in sorted order over the range of the
 * finite values; the ends border -inf and +inf (an infinite gap); equal
 * neighbours give 0; an objective with one value adds nothing. */
static void crowding(const double *f, size_t m, size_t *front, size_t n_front, size_t *tmp,
                     double *key, double *dist)
{
    for (size_t s = 0; s < n_front; s++)
        dist[front[s]] = 0;
    for (size_t k = 0; k < m; k++) {
        for (size_t s = 0; s < n_front; s++)
            key[front[s]] = f[front[s] * m + k];
        sort_by(front, tmp, n_front, key, 0);
        double lo = key[front[0]], hi = key[front[n_front - 1]];
        if (lo == hi)
            continue;
        double vmin = INFINITY, vmax = -INFINITY;
        for (size_t s = 0; s < n_front; s++)
            if (isfinite(key[front[s]])) {
                vmin = fmin(vmin, key[front[s]]);
                vmax = fmax(vmax, key[front[s]]);
            }
        double width = vmax - vmin;
        if (!(width > 0))
            width = 1.0;
        for (size_t s = 0; s < n_front; s++) {
            double below = s ? key[front[s - 1]] : -INFINITY;
            double above = s + 1 < n_front ? key[front[s + 1]] : INFINITY;
            double gap = below == above ? 0.0 : above - below;
            dist[front[s]] += gap / width;
        }
    }
}

int otto__select_nsga2(const double *f, size_t n, size_t m, const double *penalty, size_t keep,
                       const otto_allocator *a, size_t *out)
{
    size_t *rank = otto__calloc(a, 3 * (n ? n : 1), sizeof *rank);
    double *key = otto__calloc(a, 2 * (n ? n : 1), sizeof *key);
    if (!rank || !key) {
        otto__free(a, rank);
        otto__free(a, key);
        return otto__error(OTTO_ENOMEM, "nsga2: out of memory");
    }
    size_t *front = rank + n, *tmp = rank + 2 * n;
    int rc;
    size_t n_fronts = otto__nondominated_rank(f, n, m, penalty, a, rank, &rc);
    size_t taken = 0;
    for (size_t r = 0; !rc && r < n_fronts && taken < keep; r++) {
        size_t n_front = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == r)
                front[n_front++] = i;
        if (taken + n_front > keep) {
            crowding(f, m, front, n_front, tmp, key, key + n);
            /* as Optuna's stable ascending sort then reverse: ties in the
             * reverse of the order the crowding left them in */
            for (size_t s = 0; s < n_front / 2; s++) {
                size_t t = front[s];
                front[s] = front[n_front - 1 - s];
                front[n_front - 1 - s] = t;
            }
            sort_by(front, tmp, n_front, key + n, 1);
            n_front = keep - taken;
        }
        for (size_t s = 0; s < n_front; s++)
            out[taken++] = front[s];
    }
    otto__free(a, rank);
    otto__free(a, key);
    return rc;
}
