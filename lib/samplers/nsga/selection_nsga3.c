/* NSGA-III's elite selection: whole non-dominated fronts while they fit,
 * then members of the last front by reference-point niching after the
 * normalization of Deb and Jain 2014 (the pre-print's achievement
 * scalarizing function, as Optuna's _nsgaiii). */
#include <math.h>
#include <string.h>

#include "nondominated.h"
#include "selection.h"

#define CLIP_COEF 3.0 /* Optuna's _COEF: infinite values clip to 3 ranges out */

int otto__das_dennis(size_t m, size_t p, const otto_allocator *a, double **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    /* count = C(p + m - 1, m - 1), computed exactly step by step */
    double count = 1;
    for (size_t k = 1; k < m; k++)
        count = count * (double)(p + k) / (double)k;
    if (!m || count > 1e6)
        return otto__error(OTTO_EINVAL, "nsga3: %zu objectives with dividing_parameter %zu "
                                        "make too many reference points", m, p);
    size_t n = (size_t)(count + 0.5);
    double *ref = otto__calloc(a, n * m, sizeof *ref);
    size_t *c = otto__calloc(a, p ? p : 1, sizeof *c); /* a non-decreasing p-tuple of axes */
    if (!ref || !c) {
        otto__free(a, ref);
        otto__free(a, c);
        return otto__error(OTTO_ENOMEM, "nsga3: out of memory");
    }
    for (size_t row = 0; row < n; row++) {
        for (size_t j = 0; j < p; j++)
            ref[row * m + c[j]] += 1.0;
        size_t j = p; /* next tuple in itertools.combinations_with_replacement order */
        while (j > 0 && c[j - 1] == m - 1)
            j--;
        if (j == 0)
            break;
        c[j - 1]++;
        for (size_t k = j; k < p; k++)
            c[k] = c[j - 1];
    }
    otto__free(a, c);
    *out = ref;
    *n_out = n;
    return OTTO_OK;
}

/* Solve A x = b (m x m, row-major, overwritten) by Gaussian elimination
 * with partial pivoting; 0 when A is singular to working precision (the
 * pivot below m * 1e-12 times the largest entry, cf. numpy's matrix_rank). */
static int solve(double *A, double *b, size_t m)
{
    double scale = 0;
    for (size_t i = 0; i < m * m; i++)
        scale = fmax(scale, fabs(A[i]));
    if (!(scale > 0) || !isfinite(scale))
        return 0;
    for (size_t c = 0; c < m; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(A[r * m + c]) > fabs(A[piv * m + c]))
                piv = r;
        if (fabs(A[piv * m + c]) <= scale * (double)m * 1e-12)
            return 0;
        for (size_t k = 0; k < m; k++) {
            double t = A[c * m + k];
            A[c * m + k] = A[piv * m + k];
            A[piv * m + k] = t;
        }
        double t = b[c];
        b[c] = b[piv];
        b[piv] = t;
        for (size_t r = c + 1; r < m; r++) {
            double q = A[r * m + c] / A[c * m + c];
            for (size_t k = c; k < m; k++)
                A[r * m + k] -= q * A[c * m + k];
            b[r] -= q * b[c];
        }
    }
    for (size_t c = m; c-- > 0;) {
        double s = b[c];
        for (size_t k = c + 1; k < m; k++)
            s -= A[c * m + k] * b[k];
        b[c] = s / A[c * m + c];
    }
    return 1;
}

/* Normalize the rows of x (n x m) in place: clip infinities, subtract the
 * ideal point, divide by the intercepts (1 / max when the extreme points do
 * not span a hyperplane). work: m * m + m doubles. */
static void normalize(double *x, size_t n, size_t m, double *work)
{
    for (size_t k = 0; k < m; k++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i * m + k])) {
                lo = fmin(lo, x[i * m + k]);
                hi = fmax(hi, x[i * m + k]);
            }
        if (lo > hi)
            lo = hi = 0; /* no finite value at all */
        double margin = CLIP_COEF * (hi - lo);
        for (size_t i = 0; i < n; i++) {
            double v = x[i * m + k];
            x[i * m + k] = isnan(v) ? v : fmin(fmax(v, lo - margin), hi + margin);
        }
    }
    for (size_t k = 0; k < m; k++) {
        double lo = INFINITY;
        for (size_t i = 0; i < n; i++)
            lo = fmin(lo, x[i * m + k]);
        for (size_t i = 0; i < n; i++)
            x[i * m + k] -= lo;
    }
    double *E = work, *inv = work + m * m;
    int finite = 1;
    for (size_t d = 0; d < m; d++) { /* extreme point of axis d: min of max_k x_k w_dk */
        size_t best = 0;
        double best_asf = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double asf = -INFINITY;
            for (size_t k = 0; k < m; k++)
                asf = fmax(asf, x[i * m + k] * (k == d ? 1.0 : 1e6));
            if (asf < best_asf) {
                best_asf = asf;
                best = i;
            }
        }
        for (size_t k = 0; k < m; k++) {
            E[d * m + k] = x[best * m + k];
            finite &= isfinite(E[d * m + k]);
        }
        inv[d] = 1.0;
    }
    if (!(finite && solve(E, inv, m))) {
        for (size_t k = 0; k < m; k++) {
            double hi = 0;
            for (size_t i = 0; i < n; i++)
                hi = fmax(hi, x[i * m + k]);
            inv[k] = hi == 0 ? 1.0 : 1.0 / hi;
        }
    }
    for (size_t k = 0; k < m; k++) {
        double s = isfinite(inv[k]) ? inv[k] : 1.0;
        for (size_t i = 0; i < n; i++)
            x[i * m + k] *= s;
    }
}

/* Pick `want` members of the last front (rows E .. E + n_front of x) by
 * niching; the first E rows are the elites already chosen. */
static int niche(const double *x, size_t E, size_t n_front, size_t m, const double *ref,
                 size_t n_ref, otto_rng *r, size_t want, const otto_allocator *a, size_t *picked)
{
    size_t n = E + n_front;
    size_t *closest = otto__calloc(a, n + 2 * n_ref + n_front, sizeof *closest);
    double *dist = otto__calloc(a, n, sizeof *dist);
    if (!closest || !dist) {
        otto__free(a, closest);
        otto__free(a, dist);
        return otto__error(OTTO_ENOMEM, "nsga3: out of memory");
    }
    size_t *count = closest + n, *left = count + n_ref, *taken = left + n_ref;
    for (size_t i = 0; i < n; i++) { /* the nearest reference line */
        dist[i] = INFINITY;
        for (size_t j = 0; j < n_ref; j++) {
            const double *w = ref + j * m;
            double ww = 0, xw = 0, d2 = 0;
            for (size_t k = 0; k < m; k++) {
                ww += w[k] * w[k];
                xw += x[i * m + k] * w[k];
            }
            for (size_t k = 0; k < m; k++) {
                double e = x[i * m + k] - xw / ww * w[k];
                d2 += e * e;
            }
            if (sqrt(d2) < dist[i]) {
                dist[i] = sqrt(d2);
                closest[i] = j;
            }
        }
    }
    for (size_t i = 0; i < E; i++)
        count[closest[i]]++;
    for (size_t i = E; i < n; i++)
        left[closest[i]]++;
    for (size_t got = 0; got < want; got++) {
        size_t min_count = SIZE_MAX, ties = 0, j_pick = 0;
        for (size_t j = 0; j < n_ref; j++) { /* a least crowded niche, uniformly */
            if (!left[j])
                continue;
            if (count[j] < min_count) {
                min_count = count[j];
                ties = 0;
            }
            if (count[j] == min_count && otto_rng_below(r, ++ties) == 0)
                j_pick = j;
        }
        size_t i_pick = SIZE_MAX, seen = 0, k = otto_rng_below(r, left[j_pick]);
        for (size_t i = E; i < n; i++) { /* empty niche: the nearest; else a random member */
            if (taken[i - E] || closest[i] != j_pick)
                continue;
            if (min_count == 0 ? i_pick == SIZE_MAX || dist[i] < dist[i_pick] : seen++ == k)
                i_pick = i;
        }
        taken[i_pick - E] = 1;
        picked[got] = i_pick - E;
        left[j_pick]--;
        count[j_pick]++;
    }
    otto__free(a, closest);
    otto__free(a, dist);
    return OTTO_OK;
}

int otto__select_nsga3(const double *f, size_t n, size_t m, const double *penalty,
                       const double *ref, size_t n_ref, otto_rng *r, size_t keep,
                       const otto_allocator *a, size_t *out)
{
    size_t *rank = otto__calloc(a, 2 * (n ? n : 1), sizeof *rank);
    double *x = otto__calloc(a, n * m + m * m + m + 1, sizeof *x);
    if (!rank || !x) {
        otto__free(a, rank);
        otto__free(a, x);
        return otto__error(OTTO_ENOMEM, "nsga3: out of memory");
    }
    size_t *front = rank + n;
    int rc;
    size_t n_fronts = otto__nondominated_rank(f, n, m, penalty, a, rank, &rc);
    size_t taken = 0;
    for (size_t rk = 0; !rc && rk < n_fronts && taken < keep; rk++) {
        size_t n_front = 0;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == rk)
                front[n_front++] = i;
        if (taken + n_front < keep) {
            for (size_t s = 0; s < n_front; s++)
                out[taken++] = front[s];
            continue;
        }
        /* the elites, then this front, normalized together */
        for (size_t s = 0; s < taken; s++)
            memcpy(x + s * m, f + out[s] * m, m * sizeof *x);
        for (size_t s = 0; s < n_front; s++)
            memcpy(x + (taken + s) * m, f + front[s] * m, m * sizeof *x);
        normalize(x, taken + n_front, m, x + n * m);
        size_t *picked = otto__calloc(a, keep - taken, sizeof *picked);
        rc = picked ? niche(x, taken, n_front, m, ref, n_ref, r, keep - taken, a, picked)
                    : otto__error(OTTO_ENOMEM, "nsga3: out of memory");
        for (size_t s = 0; !rc && s < keep - taken; s++)
            out[taken + s] = front[picked[s]];
        otto__free(a, picked);
        taken = keep;
    }
    otto__free(a, rank);
    otto__free(a, x);
    return rc;
}
