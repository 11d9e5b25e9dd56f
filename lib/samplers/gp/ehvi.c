/* Closed-form log EHVI over a box decomposition (conventions in ehvi.h). Each
 * box's one-dimensional factor sd (h(zu) - h(zl)) is taken in log space: with
 * zl > 0 as (zu - zl) - (h(-zl) - h(-zu)) (no cancellation, since h(z) - z =
 * h(-z) is small there), otherwise as log h(zu) + log(1 - h(zl)/h(zu)). The
 * special functions are evaluated once per distinct box bound per call. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/mathconst.h"
#include "ehvi.h"
#include "log_ei.h"
#include "numeric/box_decomposition.h"
#include "numeric/truncnorm.h"

#define MIN_SD 1e-10

/* Cache layout per breakpoint: z, log h(z), h(-z) (for z > 0), then for
 * gradients only log Phi(z), log Phi(-z), log phi(z). */
enum { C_Z, C_LH, C_HN, C_LP, C_LPN, C_LPHI, C_N };

void otto__ehvi_reference(const double *front, size_t n, size_t m, double *reference)
{
    for (size_t k = 0; k < m; k++) {
        double w = -INFINITY;
        for (size_t i = 0; i < n; i++)
            w = fmax(w, front[i * m + k]);
        w = isfinite(w) ? w : 0.0;
        reference[k] = nextafter(fmax(1.1 * w, 0.9 * w), INFINITY);
    }
}

void otto__ehvi_free(otto__ehvi *e)
{
    const otto_allocator *a = e->a;
    otto__free(a, e->n_bp);
    otto__free(a, e->bp);
    otto__free(a, e->lo);
    otto__free(a, e->hi);
    otto__free(a, e->cache);
    otto__free(a, e->box);
    memset(e, 0, sizeof *e);
}

static int cmp_double(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return x < y ? -1 : x > y;
}

static int find_bp(const double *bp, size_t n, double v)
{
    size_t lo = 0, hi = n; /* bp[lo..hi) holds v */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (bp[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo;
}

int otto__ehvi_init(otto__ehvi *e, const otto_allocator *a, const double *front, size_t n,
                    size_t m, const double *reference)
{
    memset(e, 0, sizeof *e);
    e->a = a;
    e->m = m;
    otto__boxes b;
    int rc = otto__box_decomposition(a, front, n, m, reference, &b);
    if (rc)
        return otto__error(OTTO_ENOMEM, "gp: out of memory for the box decomposition");
    size_t nb = e->n_boxes = b.n;
    e->max_bp = 2 * nb;
    e->n_bp = otto__calloc(a, m, sizeof *e->n_bp);
    e->bp = otto__calloc(a, m * e->max_bp, sizeof *e->bp);
    e->lo = otto__calloc(a, nb * m, sizeof *e->lo);
    e->hi = otto__calloc(a, nb * m, sizeof *e->hi);
    e->cache = otto__calloc(a, m * e->max_bp * C_N, sizeof *e->cache);
    e->box = otto__calloc(a, nb * (1 + 2 * m), sizeof *e->box);
    if (!e->n_bp || !e->bp || !e->lo || !e->hi || !e->cache || !e->box) {
        otto__boxes_free(a, &b);
        otto__ehvi_free(e);
        return otto__error(OTTO_ENOMEM, "gp: out of memory for %zu boxes", nb);
    }
    for (size_t k = 0; k < m; k++) {
        double *bp = e->bp + k * e->max_bp;
        size_t c = 0;
        for (size_t i = 0; i < nb; i++) {
            if (isfinite(b.lower[i * m + k]))
                bp[c++] = b.lower[i * m + k];
            bp[c++] = b.upper[i * m + k];
        }
        qsort(bp, c, sizeof *bp, cmp_double);
        size_t u = 0;
        for (size_t i = 0; i < c; i++)
            if (!u || bp[i] != bp[u - 1])
                bp[u++] = bp[i];
        e->n_bp[k] = u;
        for (size_t i = 0; i < nb; i++) {
            double l = b.lower[i * m + k];
            e->lo[i * m + k] = isfinite(l) ? find_bp(bp, u, l) : -1;
            e->hi[i * m + k] = find_bp(bp, u, b.upper[i * m + k]);
        }
    }
    otto__boxes_free(a, &b);
    return OTTO_OK;
}

/* log(1 - exp(x)) for x < 0. */
static double log1mexp(double x)
{
    return x > -OTTO_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

/* One box factor in objective k: log(h(zu) - h(zl)) into *logd, and with
 * grad the ratios (Phi(zu) - Phi(zl)) / D and (phi(zu) - phi(zl)) / D. */
static void box_factor(const double *cl, const double *cu, int grad, double *logd,
                       double *rphi_cdf, double *rphi_pdf)
{
    if (!cl) {
        *logd = cu[C_LH];
        if (grad) {
            *rphi_cdf = exp(cu[C_LP] - *logd);
            *rphi_pdf = exp(cu[C_LPHI] - *logd);
        }
        return;
    }
    double zl = cl[C_Z], zu = cu[C_Z];
    if (zl > 0) {
        double d = (zu - zl) - (cl[C_HN] - cu[C_HN]);
        *logd = log(d);
        if (grad)
            *rphi_cdf = (exp(cl[C_LPN]) - exp(cu[C_LPN])) / d;
    } else {
        *logd = cu[C_LH] + log1mexp(cl[C_LH] - cu[C_LH]);
        if (grad)
            *rphi_cdf = exp(cu[C_LP] - *logd) - exp(cl[C_LP] - *logd);
    }
    if (grad)
        *rphi_pdf = exp(cu[C_LPHI] - *logd) - exp(cl[C_LPHI] - *logd);
}

double otto__log_ehvi(otto__ehvi *e, const double *mu, const double *sd, double *dmu,
                      double *dsd)
{
    size_t m = e->m, stride = 1 + 2 * m;
    int grad = dmu && dsd;
    double log_sd_sum = 0.0;
    for (size_t k = 0; k < m; k++) {
        double s = sd[k] > MIN_SD ? sd[k] : MIN_SD;
        log_sd_sum += log(s);
        for (size_t j = 0; j < e->n_bp[k]; j++) {
            double *c = e->cache + (k * e->max_bp + j) * C_N;
            double z = (e->bp[k * e->max_bp + j] - mu[k]) / s;
            c[C_Z] = z;
            if (z > 0) { /* h(z) = z + h(-z): one special function */
                c[C_HN] = exp(otto__log_h(-z));
                c[C_LH] = log(z + c[C_HN]);
            } else {
                c[C_LH] = otto__log_h(z);
            }
            if (grad) {
                c[C_LP] = otto__log_ndtr(z);
                c[C_LPN] = otto__log_ndtr(-z);
                c[C_LPHI] = -0.5 * z * z - OTTO_LOG_SQRT_2PI;
            }
        }
    }
    double best = -INFINITY;
    for (size_t b = 0; b < e->n_boxes; b++) {
        double *row = e->box + b * stride, total = log_sd_sum;
        for (size_t k = 0; k < m; k++) {
            int il = e->lo[b * m + k], iu = e->hi[b * m + k];
            const double *base = e->cache + k * e->max_bp * C_N;
            double logd;
            box_factor(il < 0 ? NULL : base + (size_t)il * C_N, base + (size_t)iu * C_N, grad,
                       &logd, &row[1 + k], &row[1 + m + k]);
            total += logd;
        }
        row[0] = total;
        best = fmax(best, total);
    }
    if (!isfinite(best)) {
        for (size_t k = 0; grad && k < m; k++)
            dmu[k] = dsd[k] = 0.0;
        return best;
    }
    double sum = 0.0;
    for (size_t b = 0; b < e->n_boxes; b++)
        sum += exp(e->box[b * stride] - best);
    double val = best + log(sum);
    if (grad) {
        /* d log D / d mu = -(Phi(zu) - Phi(zl)) / (sd D);
         * d (log sd + log D) / d sd = (phi(zu) - phi(zl)) / (sd D) */
        for (size_t k = 0; k < m; k++)
            dmu[k] = dsd[k] = 0.0;
        for (size_t b = 0; b < e->n_boxes; b++) {
            const double *row = e->box + b * stride;
            double w = exp(row[0] - val);
            for (size_t k = 0; k < m; k++) {
                dmu[k] -= w * row[1 + k];
                dsd[k] += w * row[1 + m + k];
            }
        }
        for (size_t k = 0; k < m; k++) {
            double s = sd[k] > MIN_SD ? sd[k] : MIN_SD;
            dmu[k] /= s;
            dsd[k] = sd[k] > MIN_SD ? dsd[k] / s : 0.0;
        }
    }
    return val;
}
