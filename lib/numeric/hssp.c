/* Hypervolume subset selection: exact dynamic programming in 2-D, lazy
 * greedy on contributions (submodularity makes old contributions upper
 * bounds) in any dimension. Minimization; see hssp.h. */
#include "numeric/hssp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numeric/hypervolume.h"

#define EXACT_2D_BUDGET 1e7 /* about 10 ms of dynamic programming */

/* The volume `row` adds to the chosen rows: its box minus the volume of the
 * chosen rows clipped below at it. lim: scratch of n_chosen * m doubles. */
static int contribution(const otto_allocator *a, const double *points, size_t m,
                        const double *ref, const size_t *chosen, size_t n_chosen, size_t row,
                        double *lim, double *out)
{
    const double *p = points + row * m;
    double box = otto__hypervolume_box(p, m, ref);
    if (box == 0.0 || n_chosen == 0) {
        *out = box;
        return OTTO_OK;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n_chosen; i++) {
        const double *q = points + chosen[i] * m;
        double *l = lim + kept * m;
        size_t c = 0;
        for (; c < m; c++) {
            l[c] = fmax(p[c], q[c]);
            if (!(l[c] < ref[c]))
                break;
        }
        kept += c == m;
    }
    double covered = 0.0;
    int rc = otto__hypervolume_inplace(a, lim, kept, m, ref, &covered);
    *out = box - covered;
    if (*out < 0 || isnan(*out))
        *out = 0.0;
    return rc;
}

/* The unchosen index with the largest score (ties: the lowest index). */
static size_t best_unchosen(const double *score, const unsigned char *taken, size_t n)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (!taken[i] && (best == SIZE_MAX || score[i] > score[best]))
            best = i;
    return best;
}

int otto__hssp_greedy(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, size_t k, int lazy, size_t *selected)
{
    double *bound = otto__reallocarray(a, NULL, n ? n : 1, sizeof *bound);
    double *lim = otto__reallocarray(a, NULL, (k ? k : 1) * m, sizeof *lim);
    size_t *fresh = otto__reallocarray(a, NULL, n ? n : 1, sizeof *fresh);
    unsigned char *taken = otto__calloc(a, n ? n : 1, 1);
    int rc = bound && lim && fresh && taken ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        double b = otto__hypervolume_box(points + i * m, m, reference);
        bound[i] = isnan(b) ? 0.0 : b;
        fresh[i] = 0; /* bound[i] is exact for a selection of this size */
    }
    for (size_t s = 0; !rc && s < k; s++) {
        if (!lazy || s == 0) {
            for (size_t i = 0; !rc && i < n && s > 0; i++)
                if (!taken[i])
                    rc = contribution(a, points, m, reference, selected, s, i, lim, &bound[i]);
            if (rc)
                break;
            selected[s] = best_unchosen(bound, taken, n);
        } else {
            for (;;) { /* re-evaluate the top bound until the top is exact */
                size_t top = best_unchosen(bound, taken, n);
                if (fresh[top] == s || bound[top] <= 0.0) {
                    selected[s] = top;
                    break;
                }
                rc = contribution(a, points, m, reference, selected, s, top, lim, &bound[top]);
                if (rc)
                    break;
                fresh[top] = s;
            }
            if (rc)
                break;
        }
        taken[selected[s]] = 1;
    }
    otto__free(a, bound);
    otto__free(a, lim);
    otto__free(a, fresh);
    otto__free(a, taken);
    return rc;
}

typedef struct xy_row {
    double x, y;
    size_t row;
} xy_row;

static int cmp_xy(const void *p, const void *q)
{
    const xy_row *a = p, *b = q;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* 2-D: with the front sorted by x (so y falls), a subset i1 < ... < ij
 * dominates sum_t (x_{i(t+1)} - x_it) (r_y - y_it) with x_{i(j+1)} = r_x.
 * best[j][i]: the most volume of j points whose leftmost is i. */
static int exact_2d(const otto_allocator *a, const double *points, size_t n,
                    const double *ref, size_t k, size_t *selected, int *done)
{
    *done = 0;
    xy_row *f = otto__reallocarray(a, NULL, n ? n : 1, sizeof *f);
    if (!f)
        return OTTO_ENOMEM;
    size_t nf = 0;
    for (size_t i = 0; i < n; i++)
        if (points[2 * i] < ref[0] && points[2 * i + 1] < ref[1] && !isinf(points[2 * i]) &&
            !isinf(points[2 * i + 1]))
            f[nf++] = (xy_row){points[2 * i], points[2 * i + 1], i};
    qsort(f, nf, sizeof *f, cmp_xy);
    size_t front = 0; /* keep the strict staircase: first of equal points */
    for (size_t i = 0; i < nf; i++)
        if (front == 0 || f[i].y < f[front - 1].y)
            f[front++] = f[i];
    size_t j_max = k < front ? k : front;
    if (j_max && (double)j_max * (double)front * (double)front > EXACT_2D_BUDGET) {
        otto__free(a, f);
        return OTTO_OK; /* too big: the caller goes greedy */
    }
    double *best = otto__reallocarray(a, NULL, (j_max + 1) * (front + 1), sizeof *best);
    size_t *next = otto__reallocarray(a, NULL, (j_max + 1) * (front + 1), sizeof *next);
    unsigned char *taken = otto__calloc(a, n ? n : 1, 1);
    if (!best || !next || !taken) {
        otto__free(a, f);
        otto__free(a, best);
        otto__free(a, next);
        otto__free(a, taken);
        return OTTO_ENOMEM;
    }
#define BEST(j, i) best[(j) * (front + 1) + (i)]
#define NEXT(j, i) next[(j) * (front + 1) + (i)]
    for (size_t j = 1; j <= j_max; j++)
        for (size_t i = front; i-- > 0;) {
            double h = ref[1] - f[i].y;
            if (j == 1) {
                BEST(1, i) = (ref[0] - f[i].x) * h;
                NEXT(1, i) = SIZE_MAX;
                continue;
            }
            BEST(j, i) = -1.0;
            NEXT(j, i) = SIZE_MAX;
            for (size_t t = i + 1; t + j - 1 <= front; t++) {
                double v = (f[t].x - f[i].x) * h + BEST(j - 1, t);
                if (v > BEST(j, i)) {
                    BEST(j, i) = v;
                    NEXT(j, i) = t;
                }
            }
        }
    size_t s = 0;
    if (j_max) {
        size_t start = 0;
        for (size_t i = 1; i + j_max <= front; i++)
            if (BEST(j_max, i) > BEST(j_max, start))
                start = i;
        for (size_t j = j_max, i = start; j > 0; i = NEXT(j, i), j--) {
            selected[s++] = f[i].row;
            taken[f[i].row] = 1;
        }
    }
#undef BEST
#undef NEXT
    for (size_t i = 0; s < k && i < n; i++)
        if (!taken[i])
            selected[s++] = i;
    otto__free(a, f);
    otto__free(a, best);
    otto__free(a, next);
    otto__free(a, taken);
    *done = 1;
    return OTTO_OK;
}

int otto__hssp_select(const otto_allocator *a, const double *points, size_t n, size_t m,
                      const double *reference, size_t k, size_t *selected)
{
    if (k > n)
        k = n;
    if (k == 0)
        return OTTO_OK;
    if (m == 2) {
        int done, rc = exact_2d(a, points, n, reference, k, selected, &done);
        if (rc || done)
            return rc;
    }
    return otto__hssp_greedy(a, points, n, m, reference, k, 1, selected);
}

int otto__hypervolume_contributions(const otto_allocator *a, const double *points, size_t n,
                                    size_t m, const double *reference, double *contrib)
{
    size_t *others = otto__reallocarray(a, NULL, n ? n : 1, sizeof *others);
    double *lim = otto__reallocarray(a, NULL, (n ? n : 1) * m, sizeof *lim);
    int rc = others && lim ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i)
                others[c++] = j;
        rc = contribution(a, points, m, reference, others, c, i, lim, &contrib[i]);
    }
    otto__free(a, others);
    otto__free(a, lim);
    return rc;
}
