/* Non-dominated sorting: a sort-and-sweep for two objectives (each point
 * goes to the first front whose last member does not dominate it, found by
 * binary search; Jensen 2003) and Deb's fast non-dominated sort for more. */
#include <string.h>

#include "nondominated.h"

/* Lexicographic order of points idx[] of f (n x m), stable merge sort. */
static int lex_less(const double *f, size_t m, size_t i, size_t j)
{
    for (size_t k = 0; k < m; k++) {
        if (f[i * m + k] < f[j * m + k])
            return 1;
        if (f[i * m + k] > f[j * m + k])
            return 0;
    }
    return 0;
}

static void lex_sort(const double *f, size_t m, size_t *idx, size_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = lex_less(f, m, idx[j], idx[i]) ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

/* Two objectives: after sorting by (f0, f1), a point is dominated by an
 * earlier one exactly when that one's f1 is <= its own (equal points
 * excepted), and each front's smallest f1 is its last member's; these
 * minima never decrease from one front to the next. */
static size_t rank_two(const double *f, const size_t *idx, size_t n, size_t *rank,
                       double *front_min)
{
    size_t n_fronts = 0;
    for (size_t s = 0; s < n; s++) {
        size_t i = idx[s];
        if (s > 0 && f[i * 2] == f[idx[s - 1] * 2] && f[i * 2 + 1] == f[idx[s - 1] * 2 + 1]) {
            rank[i] = rank[idx[s - 1]];
            continue;
        }
        size_t lo = 0, hi = n_fronts; /* first front with min f1 > f1 of i */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (front_min[mid] > f[i * 2 + 1])
                hi = mid;
            else
                lo = mid + 1;
        }
        rank[i] = lo;
        front_min[lo] = f[i * 2 + 1];
        if (lo == n_fronts)
            n_fronts++;
    }
    return n_fronts;
}

/* Deb's fast non-dominated sort over the points idx[0..n). */
static size_t rank_general(const double *f, size_t m, const size_t *idx, size_t n, size_t *rank,
                           size_t *count, size_t *current, size_t *next)
{
    for (size_t s = 0; s < n; s++)
        count[s] = 0;
    for (size_t s = 0; s < n; s++)
        for (size_t t = 0; t < n; t++)
            if (otto__dominates_min(f + idx[t] * m, f + idx[s] * m, m))
                count[s]++;
    size_t n_cur = 0, front = 0;
    for (size_t s = 0; s < n; s++)
        if (!count[s])
            current[n_cur++] = s;
    while (n_cur) {
        size_t n_next = 0;
        for (size_t c = 0; c < n_cur; c++) {
            size_t s = current[c];
            rank[idx[s]] = front;
            for (size_t t = 0; t < n; t++)
                if (count[t] && otto__dominates_min(f + idx[s] * m, f + idx[t] * m, m) &&
                    --count[t] == 0)
                    next[n_next++] = t;
        }
        memcpy(current, next, n_next * sizeof *next);
        n_cur = n_next;
        front++;
    }
    return front;
}

size_t otto__nondominated_rank(const double *f, size_t n, size_t m, const double *penalty,
                               const otto_allocator *a, size_t *rank, int *rc)
{
    *rc = OTTO_OK;
    if (!n)
        return 0;
    size_t *scratch = otto__calloc(a, 5 * n, sizeof *scratch);
    double *front_min = otto__calloc(a, n, sizeof *front_min);
    if (!scratch || !front_min) {
        otto__free(a, scratch);
        otto__free(a, front_min);
        *rc = otto__error(OTTO_ENOMEM, "non-dominated sort: out of memory");
        return 0;
    }
    size_t *idx = scratch, *tmp = scratch + n;
    size_t n_feasible = 0, n_infeasible = 0;
    for (size_t i = 0; i < n; i++)
        if (!penalty || !(penalty[i] > 0))
            idx[n_feasible++] = i;
    size_t n_fronts = 0;
    if (n_feasible && m == 2) {
        lex_sort(f, 2, idx, tmp, n_feasible);
        n_fronts = rank_two(f, idx, n_feasible, rank, front_min);
    } else if (n_feasible) {
        n_fronts = rank_general(f, m, idx, n_feasible, rank, tmp, scratch + 2 * n, scratch + 3 * n);
    }
    /* infeasible points: after every feasible front, by increasing penalty */
    for (size_t i = 0; penalty && i < n; i++)
        if (penalty[i] > 0)
            idx[n_infeasible++] = i;
    if (n_infeasible) {
        lex_sort(penalty, 1, idx, tmp, n_infeasible);
        size_t r = n_fronts;
        for (size_t s = 0; s < n_infeasible; s++) {
            if (s > 0 && penalty[idx[s]] != penalty[idx[s - 1]])
                r++;
            rank[idx[s]] = r;
        }
        n_fronts = r + 1;
    }
    otto__free(a, scratch);
    otto__free(a, front_min);
    return n_fronts;
}
