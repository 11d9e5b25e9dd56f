/* otto's own symmetric eigensolver (backend.h, for orders beyond dense.c's
 * Jacobi range): Householder reduction to tridiagonal form, the orthogonal
 * factor formed explicitly, then implicit symmetric QR steps with Wilkinson
 * shifts on the tridiagonal matrix. Built unless OTTO_USE_CBLAS.
 *
 * Conventions: column-major, A(i, j) = a[i + j*lda], the lower triangle read.
 * A = Q T Q^T with Q = H_0 H_1 ... H_{n-3}, H_k = I - tau_k v_k v_k^T,
 * v_k(0:k+1) = 0, v_k(k+1) = 1; T = Z diag(w) Z^T; the eigenvectors are the
 * columns of Q Z, sorted by ascending eigenvalue. Fixed operation order, so
 * results are bit-reproducible for one binary on one CPU. */
#ifndef OTTO_USE_CBLAS

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backend.h"

#define A_(a, ld, i, j) ((a)[(i) + (j) * (ld)])

/* Workspace: Q (n*n), then the subdiagonal e, tau, and two vectors p, w. */
int otto__lab_syev_workspace(size_t n, size_t *bytes)
{
    if (n > (SIZE_MAX / sizeof(double) - 4) / (n + 4))
        return -1;
    *bytes = (n * n + 4 * n) * sizeof(double);
    return 0;
}

/* sqrt(sum x_i^2) without overflow or harmful underflow: scaled by the
 * largest magnitude. */
static double norm2(size_t n, const double *x)
{
    double big = 0.0;
    for (size_t i = 0; i < n; i++)
        big = fabs(x[i]) > big ? fabs(x[i]) : big;
    if (big == 0.0)
        return 0.0;
    double s = 0.0, inv = 1.0 / big;
    for (size_t i = 0; i < n; i++) {
        double t = x[i] * inv;
        s += t * t;
    }
    return big * sqrt(s);
}

/* sum_i x[i] y[i] over four interleaved partial sums added in a fixed order
 * (so the compiler may vectorize it without reordering a sum itself). */
static double dot4(size_t n, const double *restrict x, const double *restrict y)
{
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int l = 0; l < 4; l++)
            s[l] += x[i + l] * y[i + l];
    for (; i < n; i++)
        s[0] += x[i] * y[i];
    return (s[0] + s[2]) + (s[1] + s[3]);
}

/* Reduce the lower triangle of A to tridiagonal form: d (diagonal) and e
 * (subdiagonal) out; v_k kept in A(k+2:n, k) (its leading 1 implied) and
 * tau_k in tau. p and w: n doubles each of scratch. */
static void tridiagonalize(size_t n, double *a, size_t lda, double *d, double *e, double *tau,
                           double *p, double *w)
{
    for (size_t k = 0; k + 2 < n; k++) {
        size_t m = n - k - 1; /* the trailing block A(k+1:n, k+1:n) */
        double *x = a + (k + 1) + k * lda;
        double alpha = x[0], xnorm = norm2(m - 1, x + 1);
        d[k] = A_(a, lda, k, k);
        if (xnorm == 0.0) { /* already reduced in this column: H_k = I */
            tau[k] = 0.0;
            e[k] = alpha;
            continue;
        }
        /* H x = beta e_1 with |beta| = ||x||, sign opposite to alpha (no
         * cancellation in alpha - beta) */
        double beta = -copysign(hypot(alpha, xnorm), alpha);
        tau[k] = (beta - alpha) / beta;
        double scal = 1.0 / (alpha - beta);
        for (size_t i = 1; i < m; i++)
            x[i] *= scal;
        x[0] = 1.0; /* v, for the update below; the subdiagonal goes to e */
        e[k] = beta;
        /* A22 := H A22 H = A22 - v w^T - w v^T with p = tau A22 v,
         * w = p - (tau/2)(p.v) v, over the lower triangle */
        const double *v = x;
        double *a22 = a + (k + 1) + (k + 1) * lda;
        double t = tau[k];
        for (size_t i = 0; i < m; i++)
            p[i] = 0.0;
        for (size_t j = 0; j < m; j++) { /* p = A22 v (lower triangle, both halves) */
            const double *restrict cj = a22 + j * lda;
            double vj = v[j];
            for (size_t i = j + 1; i < m; i++)
                p[i] += cj[i] * vj;
            p[j] += cj[j] * vj + dot4(m - j - 1, cj + j + 1, v + j + 1);
        }
        double pv = 0.0;
        for (size_t i = 0; i < m; i++) {
            p[i] *= t;
            pv += p[i] * v[i];
        }
        double half = 0.5 * t * pv;
        for (size_t i = 0; i < m; i++)
            w[i] = p[i] - half * v[i];
        for (size_t j = 0; j < m; j++) {
            double *cj = a22 + j * lda;
            double vj = v[j], wj = w[j];
            for (size_t i = j; i < m; i++)
                cj[i] -= v[i] * wj + w[i] * vj;
        }
        x[0] = beta;
    }
    if (n >= 2) {
        d[n - 2] = A_(a, lda, n - 2, n - 2);
        e[n - 2] = A_(a, lda, n - 1, n - 2);
    }
    d[n - 1] = A_(a, lda, n - 1, n - 1);
}

/* Q = H_0 ... H_{n-3} into q (n-by-n, leading dimension n), accumulated from
 * the last reflector: H_k touches rows and columns k+1.. only, and each
 * column of Q(k+1:n, k+1:n) gets q -= tau (v . q) v in one visit. */
static void form_q(size_t n, const double *a, size_t lda, const double *tau, double *q,
                   double *w)
{
    memset(q, 0, n * n * sizeof *q);
    for (size_t i = 0; i < n; i++)
        q[i + i * n] = 1.0;
    for (size_t k = n >= 3 ? n - 2 : 0; k-- > 0;) {
        if (tau[k] == 0.0)
            continue;
        size_t m = n - k - 1;
        /* v = (1, A(k+2:n, k)), copied so that its leading 1 is explicit */
        w[0] = 1.0;
        memcpy(w + 1, a + (k + 2) + k * lda, (m - 1) * sizeof *w);
        for (size_t j = 0; j < m; j++) {
            double *restrict cj = q + (k + 1) + (k + 1 + j) * n;
            double f = tau[k] * dot4(m, w, cj);
            for (size_t i = 0; i < m; i++)
                cj[i] -= f * w[i];
        }
    }
}

/* Eigenvalues of the symmetric tridiagonal (d, e) into d, rotations
 * accumulated into the columns of q (n rows, leading dimension n). Implicit
 * QR steps with the Wilkinson shift (the eigenvalue of the trailing 2 x 2
 * block nearer its last diagonal entry) on the lowest unreduced block; an
 * off-diagonal entry below eps (|d_i| + |d_i+1|) is set to zero. Returns 0,
 * or 1 when 30 n steps were not enough. */
static int tridiagonal_qr(size_t n, double *d, double *e, double *q)
{
    const double eps = DBL_EPSILON;
    size_t steps = 0, max_steps = 30 * n;
    size_t hi = n - 1;
    while (hi > 0) {
        /* deflate from the bottom */
        for (size_t i = 0; i < hi; i++)
            if (fabs(e[i]) <= eps * (fabs(d[i]) + fabs(d[i + 1])) || fabs(e[i]) < DBL_MIN)
                e[i] = 0.0;
        while (hi > 0 && e[hi - 1] == 0.0)
            hi--;
        if (hi == 0)
            break;
        size_t lo = hi - 1;
        while (lo > 0 && e[lo - 1] != 0.0)
            lo--;
        if (++steps > max_steps)
            return 1;
        /* Wilkinson shift from the trailing 2 x 2 of the block lo..hi */
        double ehi = e[hi - 1], delta = 0.5 * (d[hi - 1] - d[hi]);
        double r = hypot(delta, ehi);
        double mu = d[hi] - ehi * ehi / (delta + (delta >= 0.0 ? r : -r));
        /* chase the bulge from lo down to hi */
        double x = d[lo] - mu, z = e[lo];
        for (size_t k = lo; k < hi; k++) {
            double rr = hypot(x, z);
            double c = rr == 0.0 ? 1.0 : x / rr, s = rr == 0.0 ? 0.0 : z / rr;
            if (k > lo)
                e[k - 1] = rr;
            /* the 2 x 2 block [dk ek; ek dk1] rotated: J^T B J */
            double dk = d[k], dk1 = d[k + 1], ek = e[k];
            double cc = c * c, ss = s * s, cs = c * s;
            d[k] = cc * dk + 2.0 * cs * ek + ss * dk1;
            d[k + 1] = ss * dk - 2.0 * cs * ek + cc * dk1;
            e[k] = cs * (dk1 - dk) + (cc - ss) * ek;
            if (k + 1 < hi) { /* the bulge moves to (k, k+2) */
                z = s * e[k + 1];
                e[k + 1] *= c;
                x = e[k];
            }
            double *restrict qk = q + k * n, *restrict qk1 = qk + n;
            for (size_t i = 0; i < n; i++) {
                double u = qk[i], t = qk1[i];
                qk[i] = c * u + s * t;
                qk1[i] = c * t - s * u;
            }
        }
    }
    return 0;
}

int otto__lab_syev(size_t n, double *a, size_t lda, double *w, void *work, size_t bytes)
{
    size_t need;
    if (otto__lab_syev_workspace(n, &need) != 0 || bytes < need)
        return -6;
    double *q = work, *e = q + n * n, *tau = e + n, *p = tau + n, *v = p + n;
    tridiagonalize(n, a, lda, w, e, tau, p, v);
    form_q(n, a, lda, tau, q, v);
    if (tridiagonal_qr(n, w, e, q))
        return 1;
    /* ascending eigenvalues, eigenvectors into a's columns (selection: n swaps) */
    for (size_t k = 0; k < n; k++) {
        size_t best = k;
        for (size_t j = k + 1; j < n; j++)
            if (w[j] < w[best])
                best = j;
        double wk = w[best];
        w[best] = w[k];
        w[k] = wk;
        const double *src = q + best * n;
        double *dst = a + k * lda;
        memcpy(dst, src, n * sizeof *dst);
        if (best != k)
            memcpy(q + best * n, q + k * n, n * sizeof *q);
    }
    return 0;
}

#undef A_

#endif /* !OTTO_USE_CBLAS */
