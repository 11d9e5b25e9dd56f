/* The dense linear algebra of linalg.h over one backend (backend.h): argument
 * checks, NaN/inf screens, the jitter retries of the Cholesky factorization,
 * info codes turned into otto status codes, the small-matrix Jacobi
 * eigensolver, and workspace from the caller's allocator. Both backends
 * share everything here. Conventions in linalg.h. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "backend.h"
#include "linalg.h"

/* Sizes stay in LAPACK's int range whichever backend is built, so that both
 * accept the same inputs. */
static int fits(size_t n) { return n <= (size_t)INT_MAX / 2; }

int otto__la_all_finite(const double *x, size_t n)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++)
        acc += x[i] * 0.0; /* NaN for any NaN or inf entry */
    return acc == 0.0;
}

int otto__la_lower_finite(const double *a, size_t n, size_t lda)
{
    for (size_t j = 0; j < n; j++)
        if (!otto__la_all_finite(a + j * lda + j, n - j))
            return 0;
    return 1;
}

static void copy_lower(const double *a, size_t lda, size_t n, double *l, size_t ldl)
{
    for (size_t j = 0; j < n; j++) {
        memset(l + j * ldl, 0, j * sizeof *l); /* strict upper triangle */
        memcpy(l + j * ldl + j, a + j * lda + j, (n - j) * sizeof *l);
    }
}

int otto__la_cholesky(const double *a, size_t lda, size_t n, double *l, size_t ldl,
                      double jitter0, double max_jitter, double *jitter_out)
{
    *jitter_out = 0.0;
    if (!fits(n) || lda < n || ldl < n)
        return otto__error(OTTO_EINVAL, "linalg: cholesky size %zu out of range", n);
    if (n == 0)
        return OTTO_OK;
    if (!otto__la_lower_finite(a, n, lda))
        return otto__error(OTTO_ENUMERIC, "linalg: cholesky of a matrix with NaN or inf");
    double mean_diag = 0.0;
    for (size_t i = 0; i < n; i++)
        mean_diag += fabs(a[i + i * lda]);
    mean_diag /= (double)n;
    double scale = mean_diag > 0 ? mean_diag : 1.0;
    double jitter = 0.0;
    int info = 0;
    for (;;) {
        copy_lower(a, lda, n, l, ldl);
        for (size_t i = 0; i < n; i++)
            l[i + i * ldl] += jitter;
        info = otto__lab_potrf(n, l, ldl);
        if (info == 0) {
            *jitter_out = jitter;
            return OTTO_OK;
        }
        if (info < 0)
            break;
        double next = jitter == 0.0 ? jitter0 * scale : jitter * 10.0;
        if (!(jitter0 > 0) || next > max_jitter * scale)
            break;
        jitter = next;
    }
    if (info < 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s Cholesky argument %d invalid",
                           otto__lab_name, -info);
    return otto__error(OTTO_ENUMERIC,
                       "linalg: matrix of order %zu not positive definite (leading minor %d) "
                       "even with jitter %g",
                       n, info, jitter);
}

int otto__la_cholesky_solve(const double *l, size_t ldl, size_t n, double *b, size_t ldb,
                            size_t nrhs)
{
    if (!fits(n) || !fits(nrhs) || ldl < n || ldb < n)
        return otto__error(OTTO_EINVAL, "linalg: solve size out of range");
    if (n == 0 || nrhs == 0)
        return OTTO_OK;
    for (size_t j = 0; j < nrhs; j++)
        if (!otto__la_all_finite(b + j * ldb, n))
            return otto__error(OTTO_ENUMERIC, "linalg: right-hand side with NaN or inf");
    int info = otto__lab_potrs(n, nrhs, l, ldl, b, ldb);
    if (info != 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s Cholesky solve failed (info %d)",
                           otto__lab_name, info);
    return OTTO_OK;
}

int otto__la_lower_solve(const double *l, size_t ldl, size_t n, int trans, double *b,
                         size_t ldb, size_t nrhs)
{
    if (!fits(n) || !fits(nrhs) || ldl < n || ldb < n)
        return otto__error(OTTO_EINVAL, "linalg: triangular solve size out of range");
    if (n == 0 || nrhs == 0)
        return OTTO_OK;
    for (size_t j = 0; j < nrhs; j++)
        if (!otto__la_all_finite(b + j * ldb, n))
            return otto__error(OTTO_ENUMERIC, "linalg: right-hand side with NaN or inf");
    for (size_t i = 0; i < n; i++)
        if (!(l[i + i * ldl] != 0.0))
            return otto__error(OTTO_ENUMERIC, "linalg: singular triangular factor");
    otto__lab_trsm(trans, n, nrhs, l, ldl, b, ldb);
    return OTTO_OK;
}

int otto__la_cholesky_inverse(double *l, size_t ldl, size_t n)
{
    if (!fits(n) || ldl < n)
        return otto__error(OTTO_EINVAL, "linalg: inverse size out of range");
    if (n == 0)
        return OTTO_OK;
    int info = otto__lab_potri(n, l, ldl);
    if (info != 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s inverse from the Cholesky factor failed "
                           "(info %d)", otto__lab_name, info);
    for (size_t j = 0; j < n; j++) /* mirror into the upper triangle */
        for (size_t i = j + 1; i < n; i++)
            l[j + i * ldl] = l[i + j * ldl];
    return OTTO_OK;
}

double otto__la_cholesky_logdet(const double *l, size_t ldl, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += log(l[i + i * ldl]);
    return 2.0 * s;
}

void otto__la_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                   const double *a, size_t lda, const double *b, size_t ldb, double beta,
                   double *c, size_t ldc)
{
    if (m == 0 || n == 0)
        return;
    otto__lab_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void otto__la_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc)
{
    if (n == 0)
        return;
    otto__lab_syrk(trans, n, k, alpha, a, lda, beta, c, ldc);
}

void otto__la_gemv(int trans, size_t m, size_t n, double alpha, const double *a, size_t lda,
                   const double *x, double beta, double *y)
{
    if (m == 0 || n == 0)
        return;
    otto__lab_gemv(trans, m, n, alpha, a, lda, x, beta, y);
}

void otto__la_symv(size_t n, double alpha, const double *a, size_t lda, const double *x,
                   double beta, double *y)
{
    if (n == 0)
        return;
    otto__lab_symv(n, alpha, a, lda, x, beta, y);
}

/* Cyclic Jacobi for small matrices (CMA-ES in a few dimensions): a few
 * sweeps of n(n-1)/2 rotations, no workspace beyond v, and no call into the
 * BLAS library, whose threads would otherwise wake for a 10 x 10 problem. */
static int jacobi_eigen(const otto_allocator *alloc, double *a, size_t lda, size_t n, double *w)
{
    double *m = otto__calloc(alloc, 2 * n * n, sizeof *m), *v = m + n * n;
    if (!m)
        return otto__error(OTTO_ENOMEM, "linalg: out of memory for the eigensolver");
    for (size_t j = 0; j < n; j++) {
        for (size_t i = j; i < n; i++)
            m[i + j * n] = m[j + i * n] = a[i + j * lda];
        v[j + j * n] = 1.0;
    }
    int converged = 0;
    for (int sweep = 0; sweep < 60 && !converged; sweep++) {
        double off = 0.0, diag = 0.0;
        for (size_t j = 0; j < n; j++) {
            diag += m[j + j * n] * m[j + j * n];
            for (size_t i = j + 1; i < n; i++)
                off += m[i + j * n] * m[i + j * n];
        }
        if (off <= 1e-30 * diag || off == 0.0) {
            converged = 1;
            break;
        }
        for (size_t p = 0; p < n; p++)
            for (size_t q = p + 1; q < n; q++) {
                double apq = m[p + q * n];
                if (apq == 0.0)
                    continue;
                double app = m[p + p * n], aqq = m[q + q * n];
                double theta = (aqq - app) / (2.0 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (size_t k = 0; k < n; k++) { /* columns p, q */
                    double mkp = m[k + p * n], mkq = m[k + q * n];
                    m[k + p * n] = c * mkp - s * mkq;
                    m[k + q * n] = s * mkp + c * mkq;
                }
                for (size_t k = 0; k < n; k++) { /* rows p, q */
                    double mpk = m[p + k * n], mqk = m[q + k * n];
                    m[p + k * n] = c * mpk - s * mqk;
                    m[q + k * n] = s * mpk + c * mqk;
                }
                for (size_t k = 0; k < n; k++) {
                    double vkp = v[k + p * n], vkq = v[k + q * n];
                    v[k + p * n] = c * vkp - s * vkq;
                    v[k + q * n] = s * vkp + c * vkq;
                }
            }
    }
    if (!converged) {
        otto__free(alloc, m);
        return otto__error(OTTO_ENUMERIC, "linalg: Jacobi eigensolver did not converge");
    }
    /* ascending order, eigenvectors into a's columns */
    for (size_t k = 0; k < n; k++) {
        size_t best = k;
        for (size_t j = k + 1; j < n; j++)
            if (m[j + j * n] < m[best + best * n])
                best = j;
        if (best != k) {
            double tmp = m[k + k * n];
            m[k + k * n] = m[best + best * n];
            m[best + best * n] = tmp;
            for (size_t i = 0; i < n; i++) {
                tmp = v[i + k * n];
                v[i + k * n] = v[i + best * n];
                v[i + best * n] = tmp;
            }
        }
        w[k] = m[k + k * n];
        for (size_t i = 0; i < n; i++)
            a[i + k * lda] = v[i + k * n];
    }
    otto__free(alloc, m);
    return OTTO_OK;
}

int otto__la_symmetric_eigen(const otto_allocator *alloc, double *a, size_t lda, size_t n,
                             double *w)
{
    if (!fits(n) || lda < n)
        return otto__error(OTTO_EINVAL, "linalg: eigen size %zu out of range", n);
    if (n == 0)
        return OTTO_OK;
    if (!otto__la_lower_finite(a, n, lda))
        return otto__error(OTTO_ENUMERIC, "linalg: eigendecomposition of a matrix with NaN or inf");
    if (n <= OTTO__LA_JACOBI_MAX)
        return jacobi_eigen(alloc, a, lda, n, w);
    size_t bytes = 0;
    int info = otto__lab_syev_workspace(n, &bytes);
    if (info != 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s eigensolver workspace query failed "
                           "(info %d)", otto__lab_name, info);
    void *work = otto__malloc(alloc, bytes ? bytes : 1);
    if (!work)
        return otto__error(OTTO_ENOMEM, "linalg: out of memory for the eigensolver workspace");
    info = otto__lab_syev(n, a, lda, w, work, bytes);
    otto__free(alloc, work);
    if (info < 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s eigensolver argument %d invalid",
                           otto__lab_name, -info);
    if (info > 0)
        return otto__error(OTTO_ENUMERIC, "linalg: %s eigensolver did not converge (info %d)",
                           otto__lab_name, info);
    return OTTO_OK;
}
