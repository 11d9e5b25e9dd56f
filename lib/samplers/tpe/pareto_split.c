/* The multi-objective split of TPE (minimization): non-dominated sorting up
 * to the good side's size, then hypervolume subset selection or crowding
 * distance on the front that does not fit whole. See pareto_split.h. */
#include "pareto_split.h"

#include <math.h>
#include <string.h>

#include "numeric/dominance.h"
#include "numeric/hssp.h"

#define PARETO_EPS 1e-12

/* Optuna's _get_reference_point over the rows `idx`. */
static int reference_of(const double *loss, const size_t *idx, size_t n, size_t m, double *ref)
{
    for (size_t k = 0; k < m; k++) {
        double w = -INFINITY;
        for (size_t i = 0; i < n; i++)
            w = fmax(w, loss[idx[i] * m + k]);
        ref[k] = fmax(1.1 * w, 0.9 * w);
        if (ref[k] == 0)
            ref[k] = PARETO_EPS;
        if (!isfinite(ref[k]))
            return 0;
    }
    return 1;
}

static int crowding(const double *loss, const size_t *idx, size_t n, size_t m, double *tie)
{
    for (size_t i = 0; i < n; i++)
        tie[idx[i]] = 0;
    for (size_t k = 0; k < m; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, loss[idx[i] * m + k]);
            hi = fmax(hi, loss[idx[i] * m + k]);
        }
        for (size_t i = 0; i < n; i++) {
            double x = loss[idx[i] * m + k];
            if (x == lo || x == hi || !(hi > lo))
                tie[idx[i]] = -INFINITY; /* boundary points first */
            else
                tie[idx[i]] -= fmin(x - lo, hi - x) / (hi - lo);
        }
    }
    return OTTO_OK;
}

/* HSSP on the crossing front: `need` of its n rows get tie 0, the rest 1.
 * A non-finite reference (infinite losses) keeps the first rows, as Optuna. */
static int hssp_cut(const otto_allocator *a, const double *loss, const size_t *idx, size_t n,
                    size_t m, size_t need, double *tie)
{
    double *ref = otto__reallocarray(a, NULL, m, sizeof *ref);
    double *sub = otto__reallocarray(a, NULL, n * m, sizeof *sub);
    size_t *sel = otto__reallocarray(a, NULL, need ? need : 1, sizeof *sel);
    int rc = ref && sub && sel ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; i < n; i++)
        tie[idx[i]] = 1.0;
    if (!rc && !reference_of(loss, idx, n, m, ref)) {
        for (size_t i = 0; i < need; i++)
            tie[idx[i]] = 0.0;
    } else if (!rc) {
        for (size_t i = 0; i < n; i++)
            memcpy(sub + i * m, loss + idx[i] * m, m * sizeof *sub);
        rc = otto__hssp_select(a, sub, n, m, ref, need, sel);
        for (size_t i = 0; !rc && i < need; i++)
            tie[idx[sel[i]]] = 0.0;
    }
    otto__free(a, ref);
    otto__free(a, sub);
    otto__free(a, sel);
    return rc;
}

int otto__tpe_pareto_rank(const otto_allocator *a, const double *loss, size_t n, size_t n_obj,
                          size_t n_below, int hssp, double *rank, double *tie)
{
    size_t *dom_count = otto__calloc(a, n ? n : 1, sizeof *dom_count);
    size_t *front = otto__reallocarray(a, NULL, n ? n : 1, sizeof *front);
    unsigned char *done = otto__calloc(a, n ? n : 1, 1);
    int rc = dom_count && front && done ? OTTO_OK : OTTO_ENOMEM;
    size_t ranked = 0;
    double r = 0;
    for (size_t i = 0; i < n; i++)
        tie[i] = 0;
    while (!rc && ranked < n && ranked < n_below) {
        size_t nf = 0;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            size_t j = 0;
            while (j < n && (done[j] ||
                             !otto__dominates_min(loss + j * n_obj, loss + i * n_obj, n_obj)))
                j++;
            if (j == n)
                front[nf++] = i;
        }
        for (size_t f = 0; f < nf; f++) {
            rank[front[f]] = r;
            done[front[f]] = 1;
        }
        if (ranked + nf > n_below) /* the front that does not fit whole */
            rc = hssp ? hssp_cut(a, loss, front, nf, n_obj, n_below - ranked, tie)
                      : crowding(loss, front, nf, n_obj, tie);
        ranked += nf;
        r += 1;
    }
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            rank[i] = r;
    otto__free(a, dom_count);
    otto__free(a, front);
    otto__free(a, done);
    return rc;
}

int otto__tpe_pareto_weights(const otto_allocator *a, const double *loss, size_t n,
                             size_t n_obj, double *w)
{
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0;
    if (n < 2)
        return OTTO_OK;
    size_t *all = otto__reallocarray(a, NULL, n, sizeof *all);
    double *ref = otto__reallocarray(a, NULL, n_obj, sizeof *ref);
    double *contrib = otto__reallocarray(a, NULL, n, sizeof *contrib);
    int rc = all && ref && contrib ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        all[i] = i;
    if (!rc && reference_of(loss, all, n, n_obj, ref))
        rc = otto__hypervolume_contributions(a, loss, n, n_obj, ref, contrib);
    else
        rc = rc ? rc : 1; /* not finite: keep the even weights */
    double top = 0;
    for (size_t i = 0; rc == OTTO_OK && i < n; i++) {
        if (!isfinite(contrib[i]))
            rc = 1;
        else
            top = fmax(top, contrib[i]);
    }
    for (size_t i = 0; rc == OTTO_OK && i < n; i++)
        w[i] = fmax(contrib[i] / fmax(top, PARETO_EPS), PARETO_EPS);
    otto__free(a, all);
    otto__free(a, ref);
    otto__free(a, contrib);
    return rc == 1 ? OTTO_OK : rc;
}
