/* Tests of lib/linalg: every routine against a naive reference on random
 * matrices (well-conditioned, ill-conditioned and singular) at sizes on both
 * sides of the built-in kernels' block boundaries, error codes and info for
 * non-finite and indefinite input, the eigensolver's residual and
 * orthonormality with repeated eigenvalues, and the bounded quasi-Newton
 * optimizer on Rosenbrock and on problems whose solution sits on the bounds.
 * The same tests run on both linear-algebra backends (-Dblas=builtin). */
#include <float.h>
#include <stdlib.h>

#include "../common.h"
#include "linalg/backend.h"
#include "linalg/linalg.h"

/* Sizes around the built-in kernels' blocks (32-row panels, 64-wide blocks,
 * 4 x 6 register tiles). */
static const size_t sizes[] = {1, 2, 7, 63, 64, 65, 130, 300};
#define N_SIZES (sizeof sizes / sizeof *sizes)

static otto_allocator alloc;

static int setup(void **state)
{
    (void)state;
    otto__alloc_default(&alloc);
    return 0;
}

static double urand(otto_rng *r) { return 2.0 * otto_rng_uniform(r) - 1.0; }

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* A = Q diag(eig) Q^T with a random orthogonal Q (Gram-Schmidt), n x n,
 * column-major, full. */
static double *spd_with_spectrum(size_t n, const double *eig, uint64_t seed)
{
    otto_rng r;
    otto__rng_init(&r, seed, 0);
    double *q = malloc(n * n * sizeof *q), *a = calloc(n * n, sizeof *a);
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < n; i++)
            q[i + j * n] = urand(&r);
        for (size_t k = 0; k < j; k++) {
            double dot = 0;
            for (size_t i = 0; i < n; i++)
                dot += q[i + j * n] * q[i + k * n];
            for (size_t i = 0; i < n; i++)
                q[i + j * n] -= dot * q[i + k * n];
        }
        double nrm = 0;
        for (size_t i = 0; i < n; i++)
            nrm += q[i + j * n] * q[i + j * n];
        for (size_t i = 0; i < n; i++)
            q[i + j * n] /= sqrt(nrm);
    }
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++)
                a[i + j * n] += q[i + k * n] * eig[k] * q[j + k * n];
    free(q);
    return a;
}

static double *geometric_spectrum(size_t n, double cond)
{
    double *e = malloc(n * sizeof *e);
    for (size_t k = 0; k < n; k++)
        e[k] = pow(cond, -(double)k / (double)(n > 1 ? n - 1 : 1));
    return e;
}

/* max |L L^T - A| / max |A| */
static double factor_residual(const double *a, const double *l, size_t n)
{
    double err = 0, amax = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k <= j; k++)
                s += l[i + k * n] * l[j + k * n];
            err = fmax(err, fabs(s - a[i + j * n]));
            amax = fmax(amax, fabs(a[i + j * n]));
        }
    return err / amax;
}

static void test_cholesky_matches_reference(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 64; n = n * 2 + 1) {
        for (int c = 0; c < 2; c++) {
            double *e = geometric_spectrum(n, c ? 1e10 : 10.0);
            double *a = spd_with_spectrum(n, e, n * 7 + (size_t)c);
            double *l = malloc(n * n * sizeof *l), jit;
            assert_ok(otto__la_cholesky(a, n, n, l, n, 0, 0, &jit));
            assert_true(jit == 0.0);
            assert_true(factor_residual(a, l, n) < 1e-13);
            for (size_t j = 1; j < n; j++) /* strict upper triangle zeroed */
                assert_true(l[0 + j * n] == 0.0);
            /* log det = sum log eigenvalues */
            double ld = 0;
            for (size_t k = 0; k < n; k++)
                ld += log(e[k]);
            assert_close(otto__la_cholesky_logdet(l, n, n), ld, 1e-8 * fmax(1, fabs(ld)));
            free(e);
            free(a);
            free(l);
        }
    }
}

static void test_cholesky_singular_needs_jitter(void **state)
{
    (void)state;
    size_t n = 20;
    double *e = geometric_spectrum(n, 10.0);
    e[n - 1] = 0.0; /* exactly singular ... */
    e[n - 2] = -1e-3; /* ... and slightly indefinite */
    double *a = spd_with_spectrum(n, e, 3);
    double *l = malloc(n * n * sizeof *l), jit = -1;
    /* without jitter retries: a clear numeric error */
    assert_status(otto__la_cholesky(a, n, n, l, n, 0, 0, &jit), OTTO_ENUMERIC);
    assert_non_null(strstr(otto_last_error_message(), "not positive definite"));
    /* with retries up to 1e-1 of the mean diagonal: succeeds with jitter > 1e-3 */
    assert_ok(otto__la_cholesky(a, n, n, l, n, 1e-10, 1e-1, &jit));
    assert_true(jit > 1e-3 && jit < 1e-1);
    for (size_t i = 0; i < n; i++)
        a[i + i * n] += jit;
    assert_true(factor_residual(a, l, n) < 1e-12);
    /* a bound too small to cure it still fails */
    for (size_t i = 0; i < n; i++)
        a[i + i * n] -= jit;
    assert_status(otto__la_cholesky(a, n, n, l, n, 1e-10, 1e-6, &jit), OTTO_ENUMERIC);
    free(e);
    free(a);
    free(l);
}

static void test_non_finite_input_is_enumeric(void **state)
{
    (void)state;
    double a[9] = {4, 1, 0, 1, 3, 0, 0, 0, 2}, l[9], jit, b[3] = {1, 2, 3};
    a[1] = NAN;
    assert_status(otto__la_cholesky(a, 3, 3, l, 3, 1e-10, 1, &jit), OTTO_ENUMERIC);
    a[1] = INFINITY;
    assert_status(otto__la_cholesky(a, 3, 3, l, 3, 1e-10, 1, &jit), OTTO_ENUMERIC);
    a[1] = 1;
    assert_ok(otto__la_cholesky(a, 3, 3, l, 3, 0, 0, &jit));
    b[2] = NAN;
    assert_status(otto__la_cholesky_solve(l, 3, 3, b, 3, 1), OTTO_ENUMERIC);
    assert_status(otto__la_lower_solve(l, 3, 3, 0, b, 3, 1), OTTO_ENUMERIC);
    double w[3];
    a[4] = -INFINITY;
    assert_status(otto__la_symmetric_eigen(&alloc, a, 3, 3, w), OTTO_ENUMERIC);
    /* bad sizes are EINVAL, not a crash in LAPACK */
    assert_status(otto__la_cholesky(a, 2, 3, l, 3, 0, 0, &jit), OTTO_EINVAL);
    assert_status(otto__la_cholesky(a, 3, (size_t)1 << 40, l, 3, 0, 0, &jit), OTTO_EINVAL);
}

static void test_solves_match_reference(void **state)
{
    (void)state;
    size_t n = 30, nrhs = 4;
    double *e = geometric_spectrum(n, 1e4);
    double *a = spd_with_spectrum(n, e, 11);
    double *l = malloc(n * n * sizeof *l), jit;
    assert_ok(otto__la_cholesky(a, n, n, l, n, 0, 0, &jit));
    otto_rng r;
    otto__rng_init(&r, 5, 0);
    double *x = malloc(n * nrhs * sizeof *x), *b = calloc(n * nrhs, sizeof *b);
    for (size_t i = 0; i < n * nrhs; i++)
        x[i] = urand(&r);
    for (size_t c = 0; c < nrhs; c++) /* b = A x (naive) */
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++)
                b[i + c * n] += a[i + k * n] * x[k + c * n];
    double *b2 = malloc(n * nrhs * sizeof *b2);
    memcpy(b2, b, n * nrhs * sizeof *b);
    assert_ok(otto__la_cholesky_solve(l, n, n, b2, n, nrhs));
    for (size_t i = 0; i < n * nrhs; i++)
        assert_close(b2[i], x[i], 1e-9);
    /* L^T (L^-1 b) path: lower_solve twice = the same solution */
    memcpy(b2, b, n * nrhs * sizeof *b);
    assert_ok(otto__la_lower_solve(l, n, n, 0, b2, n, nrhs));
    assert_ok(otto__la_lower_solve(l, n, n, 1, b2, n, nrhs));
    for (size_t i = 0; i < n * nrhs; i++)
        assert_close(b2[i], x[i], 1e-9);
    /* one right-hand side goes through dtrsv */
    memcpy(b2, b, n * sizeof *b);
    assert_ok(otto__la_lower_solve(l, n, n, 0, b2, n, 1));
    assert_ok(otto__la_lower_solve(l, n, n, 1, b2, n, 1));
    for (size_t i = 0; i < n; i++)
        assert_close(b2[i], x[i], 1e-9);
    /* inverse: A A^-1 = I */
    double *inv = malloc(n * n * sizeof *inv);
    memcpy(inv, l, n * n * sizeof *l);
    assert_ok(otto__la_cholesky_inverse(inv, n, n));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += a[i + k * n] * inv[k + j * n];
            assert_close(s, i == j, 1e-9);
        }
    /* symv over the lower triangle = naive product */
    double y[30];
    otto__la_symv(n, 1.0, inv, n, b, 0.0, y);
    for (size_t i = 0; i < n; i++)
        assert_close(y[i], x[i], 1e-9);
    free(e);
    free(a);
    free(l);
    free(x);
    free(b);
    free(b2);
    free(inv);
}

static void test_gemm_syrk_gemv_match_naive(void **state)
{
    (void)state;
    size_t m = 7, n = 5, k = 9;
    otto_rng r;
    otto__rng_init(&r, 9, 0);
    double a[63], b[45], c[35], ref[35], s[49], v[9], y[7];
    for (size_t i = 0; i < 63; i++)
        a[i] = urand(&r);
    for (size_t i = 0; i < 45; i++)
        b[i] = urand(&r);
    for (size_t i = 0; i < 9; i++)
        v[i] = urand(&r);
    /* C = A (m x k) * B^T where B is n x k */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            ref[i + j * m] = 0;
            for (size_t q = 0; q < k; q++)
                ref[i + j * m] += a[i + q * m] * b[j + q * n];
            c[i + j * m] = 1.0;
        }
    otto__la_gemm(0, 1, m, n, k, 1.0, a, m, b, n, 0.0, c, m);
    for (size_t i = 0; i < m * n; i++)
        assert_close(c[i], ref[i], 1e-12);
    /* lower triangle of A A^T */
    otto__la_syrk(0, m, k, 2.0, a, m, 0.0, s, m);
    for (size_t j = 0; j < m; j++)
        for (size_t i = j; i < m; i++) {
            double t = 0;
            for (size_t q = 0; q < k; q++)
                t += a[i + q * m] * a[j + q * m];
            assert_close(s[i + j * m], 2.0 * t, 1e-12);
        }
    otto__la_gemv(0, m, k, 1.0, a, m, v, 0.0, y);
    for (size_t i = 0; i < m; i++) {
        double t = 0;
        for (size_t q = 0; q < k; q++)
            t += a[i + q * m] * v[q];
        assert_close(y[i], t, 1e-12);
    }
}

/* A = V diag(w) V^T and V^T V = I for an n x n matrix with condition 1e8 and
 * one zero eigenvalue. */
static void check_eigen(size_t n)
{
    double *e = geometric_spectrum(n, 1e8);
    e[3] = 0.0; /* singular too */
    double *a = spd_with_spectrum(n, e, 21);
    double *v = malloc(n * n * sizeof *v), w[25];
    assert_true(n <= 25);
    memcpy(v, a, n * n * sizeof *a);
    assert_ok(otto__la_symmetric_eigen(&alloc, v, n, n, w));
    for (size_t k = 1; k < n; k++)
        assert_true(w[k - 1] <= w[k]);
    assert_close(w[n - 1], 1.0, 1e-12);
    assert_close(w[0], 0.0, 1e-13);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0, o = 0;
            for (size_t k = 0; k < n; k++) {
                s += v[i + k * n] * w[k] * v[j + k * n];
                o += v[k + i * n] * v[k + j * n];
            }
            assert_close(s, a[i + j * n], 1e-12);
            assert_close(o, i == j, 1e-12);
        }
    free(e);
    free(a);
    free(v);
}

static void test_symmetric_eigen_reconstructs(void **state)
{
    (void)state;
    check_eigen(25); /* the backend's solver */
    check_eigen(12); /* the Jacobi path */
    check_eigen(OTTO__LA_JACOBI_MAX);
}

/* ---- every primitive at sizes across the block boundaries ------------------------- */

static double *random_matrix(size_t rows, size_t cols, size_t ld, otto_rng *r)
{
    double *m = malloc((ld * cols + 1) * sizeof *m);
    for (size_t i = 0; i < ld * cols; i++)
        m[i] = urand(r);
    return m;
}

/* max over entries of |got - ref| / (sum_p |a_p b_p| + tiny): the error a
 * k-term dot product may carry is k eps times that sum. */
static double product_error(double got, double ref, double absum)
{
    return fabs(got - ref) / (absum + DBL_MIN);
}

static void test_gemm_all_transpositions_and_sizes(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 101, 0);
    for (size_t s = 0; s < N_SIZES; s++) {
        /* shapes mix sizes so that m, n and k each cross a block boundary */
        size_t m = sizes[s], n = sizes[(s + 3) % N_SIZES], k = sizes[(s + 5) % N_SIZES];
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                size_t ar = ta ? k : m, ac = ta ? m : k, br = tb ? n : k, bc = tb ? k : n;
                size_t lda = ar + 3, ldb = br + 1, ldc = m + 2;
                double *a = random_matrix(ar, ac, lda, &r), *b = random_matrix(br, bc, ldb, &r);
                double *c = random_matrix(m, n, ldc, &r), *c0 = malloc(ldc * n * sizeof *c0);
                memcpy(c0, c, ldc * n * sizeof *c);
                double alpha = -0.7, beta = 0.3;
                otto__la_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                double worst = 0;
                for (size_t j = 0; j < n; j++)
                    for (size_t i = 0; i < m; i++) {
                        double ref = beta * c0[i + j * ldc], abs = fabs(ref);
                        for (size_t p = 0; p < k; p++) {
                            double x = ta ? a[p + i * lda] : a[i + p * lda];
                            double y = tb ? b[j + p * ldb] : b[p + j * ldb];
                            ref += alpha * x * y;
                            abs += fabs(alpha * x * y);
                        }
                        worst = fmax(worst, product_error(c[i + j * ldc], ref, abs));
                    }
                for (size_t j = 0; j < n; j++) /* padding rows untouched */
                    for (size_t i = m; i < ldc; i++)
                        assert_true(c[i + j * ldc] == c0[i + j * ldc]);
                if (!(worst <= 4.0 * (double)(k + 2) * DBL_EPSILON))
                    fail_msg("gemm %d%d m %zu n %zu k %zu: error %g", ta, tb, m, n, k, worst);
                /* beta = 0: C is written, never read (NaN in C stays out) */
                for (size_t i = 0; i < ldc * n; i++)
                    c[i] = NAN;
                otto__la_gemm(ta, tb, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
                for (size_t j = 0; j < n; j++)
                    for (size_t i = 0; i < m; i++)
                        assert_true(isfinite(c[i + j * ldc]));
                free(a);
                free(b);
                free(c);
                free(c0);
            }
    }
}

static void test_syrk_lower_only(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 102, 0);
    for (size_t s = 0; s < N_SIZES; s++) {
        size_t n = sizes[s], k = sizes[(s + 2) % N_SIZES];
        for (int trans = 0; trans < 2; trans++) {
            size_t ar = trans ? k : n, ac = trans ? n : k, lda = ar + 1, ldc = n + 3;
            double *a = random_matrix(ar, ac, lda, &r), *c = random_matrix(n, n, ldc, &r);
            double *c0 = malloc(ldc * n * sizeof *c0);
            memcpy(c0, c, ldc * n * sizeof *c);
            double alpha = 1.3, beta = -0.5, worst = 0;
            otto__la_syrk(trans, n, k, alpha, a, lda, beta, c, ldc);
            for (size_t j = 0; j < n; j++)
                for (size_t i = 0; i < ldc; i++) {
                    if (i < j || i >= n) { /* strict upper triangle and padding untouched */
                        assert_true(c[i + j * ldc] == c0[i + j * ldc]);
                        continue;
                    }
                    double ref = beta * c0[i + j * ldc], abs = fabs(ref);
                    for (size_t p = 0; p < k; p++) {
                        double x = trans ? a[p + i * lda] : a[i + p * lda];
                        double y = trans ? a[p + j * lda] : a[j + p * lda];
                        ref += alpha * x * y;
                        abs += fabs(alpha * x * y);
                    }
                    worst = fmax(worst, product_error(c[i + j * ldc], ref, abs));
                }
            if (!(worst <= 4.0 * (double)(k + 2) * DBL_EPSILON))
                fail_msg("syrk %d n %zu k %zu: error %g", trans, n, k, worst);
            free(a);
            free(c);
            free(c0);
        }
    }
}

static void test_gemv_symv_sizes(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 103, 0);
    for (size_t s = 0; s < N_SIZES; s++) {
        size_t m = sizes[s], n = sizes[(s + 4) % N_SIZES], lda = m + 5;
        double *a = random_matrix(m, n, lda, &r);
        double x[300], y[300], y0[300];
        for (int trans = 0; trans < 2; trans++) {
            size_t xl = trans ? m : n, yl = trans ? n : m;
            for (size_t i = 0; i < 300; i++) {
                x[i] = urand(&r);
                y[i] = y0[i] = urand(&r);
            }
            otto__la_gemv(trans, m, n, 0.9, a, lda, x, -1.5, y);
            for (size_t i = 0; i < yl; i++) {
                double ref = -1.5 * y0[i], abs = fabs(ref);
                for (size_t p = 0; p < xl; p++) {
                    double t = 0.9 * (trans ? a[p + i * lda] : a[i + p * lda]) * x[p];
                    ref += t;
                    abs += fabs(t);
                }
                assert_true(product_error(y[i], ref, abs) <= 4.0 * (double)(xl + 2) * DBL_EPSILON);
            }
            for (size_t i = yl; i < 300; i++)
                assert_true(y[i] == y0[i]);
        }
        free(a);
        /* symv reads the lower triangle only: NaN above it stays out */
        size_t ld = m + 1;
        double *sym = random_matrix(m, m, ld, &r);
        for (size_t j = 0; j < m; j++)
            for (size_t i = 0; i < j; i++)
                sym[i + j * ld] = NAN;
        for (size_t i = 0; i < 300; i++) {
            x[i] = urand(&r);
            y[i] = y0[i] = urand(&r);
        }
        otto__la_symv(m, -0.6, sym, ld, x, 0.25, y);
        for (size_t i = 0; i < m; i++) {
            double ref = 0.25 * y0[i], abs = fabs(ref);
            for (size_t p = 0; p < m; p++) {
                double t = -0.6 * (p <= i ? sym[i + p * ld] : sym[p + i * ld]) * x[p];
                ref += t;
                abs += fabs(t);
            }
            assert_true(product_error(y[i], ref, abs) <= 4.0 * (double)(m + 2) * DBL_EPSILON);
        }
        for (size_t i = 0; i < 300; i++) /* beta 0: y not read */
            y[i] = NAN;
        otto__la_symv(m, 1.0, sym, ld, x, 0.0, y);
        for (size_t i = 0; i < m; i++)
            assert_true(isfinite(y[i]));
        free(sym);
    }
}

/* SPD A = B B^T / n + I/2 (condition a few hundred), full, leading dimension ld. */
static double *random_spd(size_t n, size_t ld, otto_rng *r)
{
    double *b = random_matrix(n, n, n, r), *a = calloc(ld * n, sizeof *a);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += b[i + k * n] * b[j + k * n];
            a[i + j * ld] = a[j + i * ld] = s / (double)n + (i == j) * 0.5;
        }
    free(b);
    return a;
}

static void test_cholesky_solve_inverse_sizes(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 104, 0);
    for (size_t s = 0; s < N_SIZES; s++) {
        size_t n = sizes[s], lda = n + 2, ldl = n + 1, nrhs_list[3] = {1, 5, 70};
        double *a = random_spd(n, lda, &r), *l = malloc(ldl * n * sizeof *l), jit;
        for (size_t i = 0; i < ldl * n; i++)
            l[i] = NAN; /* every entry of the factor's n x n square is written */
        assert_ok(otto__la_cholesky(a, lda, n, l, ldl, 1e-10, 1e-3, &jit));
        assert_true(jit == 0.0);
        double err = 0, amax = 0, logdet = 0;
        for (size_t j = 0; j < n; j++) {
            logdet += 2 * log(l[j + j * ldl]);
            for (size_t i = 0; i < n; i++) {
                if (i < j) {
                    assert_true(l[i + j * ldl] == 0.0);
                    continue;
                }
                double t = 0;
                for (size_t k = 0; k <= j; k++)
                    t += l[i + k * ldl] * l[j + k * ldl];
                err = fmax(err, fabs(t - a[i + j * lda]));
                amax = fmax(amax, fabs(a[i + j * lda]));
            }
        }
        assert_true(err <= 1e-14 * amax * (double)(n + 1));
        assert_close(otto__la_cholesky_logdet(l, ldl, n), logdet, 1e-12 * fmax(1, fabs(logdet)));
        /* solves with 1, 5 and 70 right-hand sides: A X = B, L Y = B, L^T Y = B */
        for (int q = 0; q < 3; q++) {
            size_t nrhs = nrhs_list[q], ldb = n + 4;
            double *x = random_matrix(n, nrhs, ldb, &r), *b = calloc(ldb * nrhs, sizeof *b);
            double *y = malloc(ldb * nrhs * sizeof *y);
            for (size_t c = 0; c < nrhs; c++)
                for (size_t i = 0; i < n; i++)
                    for (size_t k = 0; k < n; k++)
                        b[i + c * ldb] += a[i + k * lda] * x[k + c * ldb];
            memcpy(y, b, ldb * nrhs * sizeof *y);
            assert_ok(otto__la_cholesky_solve(l, ldl, n, y, ldb, nrhs));
            for (size_t c = 0; c < nrhs; c++)
                for (size_t i = 0; i < n; i++)
                    assert_close(y[i + c * ldb], x[i + c * ldb], 1e-10);
            for (int trans = 0; trans < 2; trans++) {
                /* b := op(L) x, then solve back */
                for (size_t c = 0; c < nrhs; c++)
                    for (size_t i = 0; i < n; i++) {
                        double t = 0;
                        for (size_t k = 0; k < n; k++) {
                            double lik = trans ? (k >= i ? l[k + i * ldl] : 0)
                                               : (k <= i ? l[i + k * ldl] : 0);
                            t += lik * x[k + c * ldb];
                        }
                        y[i + c * ldb] = t;
                    }
                assert_ok(otto__la_lower_solve(l, ldl, n, trans, y, ldb, nrhs));
                for (size_t c = 0; c < nrhs; c++)
                    for (size_t i = 0; i < n; i++)
                        assert_close(y[i + c * ldb], x[i + c * ldb], 1e-11);
            }
            free(x);
            free(b);
            free(y);
        }
        /* inverse: full symmetric, A A^{-1} = I */
        double *inv = malloc(ldl * n * sizeof *inv);
        memcpy(inv, l, ldl * n * sizeof *l);
        assert_ok(otto__la_cholesky_inverse(inv, ldl, n));
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                assert_true(inv[i + j * ldl] == inv[j + i * ldl]);
                double t = 0;
                for (size_t k = 0; k < n; k++)
                    t += a[i + k * lda] * inv[k + j * ldl];
                assert_close(t, i == j, 1e-11);
            }
        free(a);
        free(l);
        free(inv);
    }
}

/* A = L L^T with pivot k pushed below zero: the factorization stops at column
 * k (info k + 1, LAPACK's convention) on each side of the block boundaries,
 * the jitter loop cures a small defect, and the message names the minor. */
static void test_not_positive_definite_info(void **state)
{
    (void)state;
    size_t n = 130;
    otto_rng r;
    otto__rng_init(&r, 105, 0);
    double *l0 = calloc(n * n, sizeof *l0), *a = malloc(n * n * sizeof *a);
    double *f = malloc(n * n * sizeof *f);
    for (size_t j = 0; j < n; j++)
        for (size_t i = j; i < n; i++)
            l0[i + j * n] = i == j ? 1.0 + otto_rng_uniform(&r) : 0.3 * urand(&r) / sqrt(n);
    const size_t bad[] = {0, 1, 31, 32, 33, 63, 64, 65, 100, 129};
    for (size_t q = 0; q < sizeof bad / sizeof *bad; q++) {
        size_t k = bad[q];
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++) {
                double t = 0;
                for (size_t p = 0; p <= j; p++)
                    t += l0[i + p * n] * l0[j + p * n];
                a[i + j * n] = a[j + i * n] = t;
            }
        /* the pivot at k becomes L(k, k)^2 - (L(k, k)^2 + 1) = -1 */
        a[k + k * n] -= l0[k + k * n] * l0[k + k * n] + 1.0;
        memcpy(f, a, n * n * sizeof *a);
        assert_int_equal(otto__lab_potrf(n, f, n), (int)k + 1);
        double jit;
        assert_status(otto__la_cholesky(a, n, n, f, n, 0, 0, &jit), OTTO_ENUMERIC);
        char want[64];
        snprintf(want, sizeof want, "(leading minor %zu)", k + 1);
        assert_non_null(strstr(otto_last_error_message(), want));
        /* a jitter bound below the defect fails */
        assert_status(otto__la_cholesky(a, n, n, f, n, 1e-6, 1e-4, &jit), OTTO_ENUMERIC);
        /* pivot -1e-3: the retries 1e-6, 1e-5, ... of the mean diagonal stop
         * at the first that factors, a tenth of it does not */
        a[k + k * n] += 1.0 - 1e-3;
        assert_ok(otto__la_cholesky(a, n, n, f, n, 1e-6, 1e-1, &jit));
        double mean_diag = 0;
        for (size_t i = 0; i < n; i++)
            mean_diag += fabs(a[i + i * n]) / (double)n;
        double steps = log10(jit / (1e-6 * mean_diag));
        if (!(jit > 1e-3 && jit <= 1e-1 * mean_diag * (1 + 1e-12) &&
              fabs(steps - round(steps)) < 1e-9))
            fail_msg("k %zu: jitter %g, mean diagonal %g", k, jit, mean_diag);
        for (int tenth = 1; tenth >= 0; tenth--) {
            memcpy(f, a, n * n * sizeof *a);
            for (size_t i = 0; i < n; i++)
                f[i + i * n] += tenth ? 0.1 * jit : jit;
            int info = otto__lab_potrf(n, f, n);
            assert_true(tenth ? info > 0 : info == 0);
        }
    }
    free(l0);
    free(a);
    free(f);
}

/* A = Q diag(e) Q^T with the given spectrum; the backend's eigensolver (or
 * Jacobi below its limit) must give ascending w matching e, a residual
 * ||A V - V diag(w)|| and ||V^T V - I|| of a few n eps. */
static void check_eigen_spectrum(size_t n, const double *e, uint64_t seed)
{
    double *a = spd_with_spectrum(n, e, seed), *v = malloc(n * n * sizeof *v);
    double *w = malloc(n * sizeof *w), *sorted = malloc(n * sizeof *sorted), amax = 0;
    memcpy(v, a, n * n * sizeof *a);
    for (size_t j = 0; j < n; j++) /* only the lower triangle is read */
        for (size_t i = 0; i < j; i++)
            v[i + j * n] = NAN;
    for (size_t i = 0; i < n * n; i++)
        amax = fmax(amax, fabs(a[i]));
    assert_ok(otto__la_symmetric_eigen(&alloc, v, n, n, w));
    memcpy(sorted, e, n * sizeof *e);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    double tol = 50.0 * (double)n * DBL_EPSILON * fmax(amax, 1e-300);
    for (size_t k = 0; k < n; k++) {
        if (k)
            assert_true(w[k - 1] <= w[k]);
        assert_close(w[k], sorted[k], tol);
    }
    double res = 0, orth = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            double av = 0, vv = 0;
            for (size_t k = 0; k < n; k++) {
                av += a[i + k * n] * v[k + j * n];
                vv += v[k + i * n] * v[k + j * n];
            }
            res = fmax(res, fabs(av - v[i + j * n] * w[j]));
            orth = fmax(orth, fabs(vv - (i == j)));
        }
    if (!(res <= tol && orth <= 50.0 * (double)n * DBL_EPSILON))
        fail_msg("eigen n %zu: residual %g (tol %g), orthonormality %g", n, res, tol, orth);
    free(a);
    free(v);
    free(w);
    free(sorted);
}

static void test_symmetric_eigen_sizes_and_degenerate(void **state)
{
    (void)state;
    const size_t ns[] = {1, 2, 7, 24, 25, 26, 63, 64, 65, 130, 200};
    otto_rng r;
    otto__rng_init(&r, 106, 0);
    for (size_t q = 0; q < sizeof ns / sizeof *ns; q++) {
        size_t n = ns[q];
        double *e = malloc(n * sizeof *e);
        for (size_t k = 0; k < n; k++) /* distinct, both signs */
            e[k] = 4.0 * urand(&r);
        check_eigen_spectrum(n, e, 1000 + n);
        for (size_t k = 0; k < n; k++) /* clusters of equal eigenvalues */
            e[k] = (double)(k % 3) - 1.0;
        check_eigen_spectrum(n, e, 2000 + n);
        for (size_t k = 0; k < n; k++) /* all equal: A is a multiple of I */
            e[k] = 2.5;
        check_eigen_spectrum(n, e, 3000 + n);
        for (size_t k = 0; k < n; k++) /* rank 2 with tiny and huge scales mixed */
            e[k] = k == 0 ? 1e6 : k == 1 ? -1e-6 : 0.0;
        check_eigen_spectrum(n, e, 4000 + n);
        free(e);
    }
    /* already diagonal and already tridiagonal: no reflector has work */
    size_t n = 70;
    double *a = calloc(n * n, sizeof *a), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        a[i + i * n] = (double)((i * 37) % n);
    assert_ok(otto__la_symmetric_eigen(&alloc, a, n, n, w));
    for (size_t k = 0; k < n; k++)
        assert_true(w[k] == (double)k);
    for (size_t j = 0; j < n; j++) /* eigenvectors of a diagonal matrix: unit vectors */
        for (size_t i = 0; i < n; i++)
            assert_true(fabs(a[i + j * n]) == ((i * 37) % n == j ? 1.0 : 0.0));
    memset(a, 0, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++) {
        a[i + i * n] = 2.0;
        if (i + 1 < n)
            a[i + 1 + i * n] = -1.0;
    }
    assert_ok(otto__la_symmetric_eigen(&alloc, a, n, n, w));
    for (size_t k = 0; k < n; k++) /* 2 - 2 cos(pi (k+1) / (n+1)) */
        assert_close(w[k], 2.0 - 2.0 * cos(3.14159265358979323846 * (double)(k + 1) /
                                           (double)(n + 1)), 1e-13);
    free(a);
    free(w);
}

/* Same input, same bits: the promise of one binary on one CPU. */
static void test_bit_reproducible(void **state)
{
    (void)state;
    otto_rng r;
    otto__rng_init(&r, 107, 0);
    size_t n = 130;
    double *a = random_spd(n, n, &r), *l1 = malloc(n * n * sizeof *l1);
    double *l2 = malloc(n * n * sizeof *l2), w1[130], w2[130], jit;
    for (int rep = 0; rep < 2; rep++) {
        double *l = rep ? l2 : l1, *w = rep ? w2 : w1;
        assert_ok(otto__la_cholesky(a, n, n, l, n, 0, 0, &jit));
        assert_ok(otto__la_cholesky_inverse(l, n, n));
        memcpy(l, a, n * n * sizeof *a);
        assert_ok(otto__la_symmetric_eigen(&alloc, l, n, n, w));
    }
    assert_memory_equal(l1, l2, n * n * sizeof *l1);
    assert_memory_equal(w1, w2, sizeof w1);
    free(a);
    free(l1);
    free(l2);
}

/* ---- optimizer ---------------------------------------------------------------------- */

static int rosenbrock(void *ctx, const double *x, double *f, double *g)
{
    size_t n = *(size_t *)ctx;
    *f = 0;
    for (size_t i = 0; i < n; i++)
        g[i] = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        *f += 100 * a * a + b * b;
        g[i] += -400 * a * x[i] - 2 * b;
        g[i + 1] += 200 * a;
    }
    return 0;
}

static void test_bfgs_rosenbrock(void **state)
{
    (void)state;
    size_t n = 10;
    double x[10], lo[10], hi[10];
    for (size_t i = 0; i < n; i++) {
        x[i] = i % 2 ? 1.2 : -1.2;
        lo[i] = -INFINITY;
        hi[i] = INFINITY;
    }
    otto__la_bfgs_options o;
    otto__la_bfgs_options_default(&o);
    o.max_evals = 2000;
    o.pgtol = 1e-8;
    o.ftol = 0;
    otto__la_bfgs_result res;
    assert_ok(otto__la_bfgs_minimize(&alloc, rosenbrock, &n, n, x, lo, hi, &o, &res));
    assert_true(res.converged);
    assert_true(res.f < 1e-12);
    for (size_t i = 0; i < n; i++)
        assert_close(x[i], 1.0, 1e-5);
    assert_true(res.n_evals <= o.max_evals);
}

/* Quadratic sum (x_i - c_i)^2 with centres outside the box: the solution is
 * the projection, with the bounds active. */
static int shifted_quadratic(void *ctx, const double *x, double *f, double *g)
{
    const double *c = ctx;
    *f = 0;
    for (size_t i = 0; i < 4; i++) {
        *f += (x[i] - c[i]) * (x[i] - c[i]) * (double)(i + 1);
        g[i] = 2 * (x[i] - c[i]) * (double)(i + 1);
    }
    return 0;
}

static void test_bfgs_bounds_active(void **state)
{
    (void)state;
    double c[4] = {-3.0, 0.25, 9.0, 0.5};
    double lo[4] = {-1, -1, -1, 0.6}, hi[4] = {1, 1, 1, 2};
    double x[4] = {0.9, -0.9, 0.0, 1.5};
    otto__la_bfgs_result res;
    assert_ok(otto__la_bfgs_minimize(&alloc, shifted_quadratic, c, 4, x, lo, hi, NULL, &res));
    assert_close(x[0], -1.0, 1e-12);
    assert_close(x[1], 0.25, 1e-6);
    assert_close(x[2], 1.0, 1e-12);
    assert_close(x[3], 0.6, 1e-12);
    /* Rosenbrock with the optimum cut off: x in [-2, 0.5]^2; constrained
     * minimum at x0 = 0.5, x1 = 0.25 */
    size_t n = 2;
    double y[2] = {-1.5, 0.4}, l2[2] = {-2, -2}, h2[2] = {0.5, 0.5};
    otto__la_bfgs_options o;
    otto__la_bfgs_options_default(&o);
    o.max_evals = 1000;
    o.pgtol = 1e-9;
    assert_ok(otto__la_bfgs_minimize(&alloc, rosenbrock, &n, 2, y, l2, h2, &o, &res));
    assert_close(y[0], 0.5, 1e-9);
    assert_close(y[1], 0.25, 1e-5);
    /* an invalid box is EINVAL */
    double bad_lo[1] = {1}, bad_hi[1] = {0}, z[1] = {0};
    assert_status(otto__la_bfgs_minimize(&alloc, shifted_quadratic, c, 1, z, bad_lo, bad_hi,
                                         NULL, &res),
                  OTTO_EINVAL);
}

static int nan_beyond(void *ctx, const double *x, double *f, double *g)
{
    (void)ctx;
    /* minimum of (x - 3)^2 is at 3 but the function is NaN beyond 2 */
    *f = x[0] > 2 ? NAN : (x[0] - 3) * (x[0] - 3);
    g[0] = 2 * (x[0] - 3);
    return 0;
}

static int fails_at_third_call(void *ctx, const double *x, double *f, double *g)
{
    int *calls = ctx;
    if (++*calls == 3)
        return OTTO_ECALLBACK;
    *f = x[0] * x[0];
    g[0] = 2 * x[0];
    return 0;
}

static void test_bfgs_non_finite_and_abort(void **state)
{
    (void)state;
    double x[1] = {0}, lo[1] = {-10}, hi[1] = {10};
    otto__la_bfgs_result res;
    assert_ok(otto__la_bfgs_minimize(&alloc, nan_beyond, NULL, 1, x, lo, hi, NULL, &res));
    assert_true(isfinite(res.f));
    assert_true(x[0] <= 2.0 && x[0] > 1.9); /* backtracked, never returned a NaN point */
    int calls = 0;
    x[0] = 5;
    assert_status(otto__la_bfgs_minimize(&alloc, fails_at_third_call, &calls, 1, x, lo, hi, NULL,
                                         &res),
                  OTTO_ECALLBACK);
    x[0] = 5;
    assert_status(otto__la_bfgs_minimize(&alloc, nan_beyond, NULL, 1, x, lo, hi, NULL, &res),
                  OTTO_ENUMERIC); /* NaN at the start */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cholesky_matches_reference),
        cmocka_unit_test(test_cholesky_singular_needs_jitter),
        cmocka_unit_test(test_non_finite_input_is_enumeric),
        cmocka_unit_test(test_solves_match_reference),
        cmocka_unit_test(test_gemm_syrk_gemv_match_naive),
        cmocka_unit_test(test_symmetric_eigen_reconstructs),
        cmocka_unit_test(test_gemm_all_transpositions_and_sizes),
        cmocka_unit_test(test_syrk_lower_only),
        cmocka_unit_test(test_gemv_symv_sizes),
        cmocka_unit_test(test_cholesky_solve_inverse_sizes),
        cmocka_unit_test(test_not_positive_definite_info),
        cmocka_unit_test(test_symmetric_eigen_sizes_and_degenerate),
        cmocka_unit_test(test_bit_reproducible),
        cmocka_unit_test(test_bfgs_rosenbrock),
        cmocka_unit_test(test_bfgs_bounds_active),
        cmocka_unit_test(test_bfgs_non_finite_and_abort),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
