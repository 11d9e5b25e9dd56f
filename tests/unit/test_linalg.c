/* Tests of lib/linalg: every routine against a naive reference on random
 * matrices (well-conditioned, ill-conditioned and singular), error codes for
 * non-finite and indefinite input, and the bounded quasi-Newton optimizer on
 * Rosenbrock and on problems whose solution sits on the bounds. */
#include <stdlib.h>

#include "../common.h"
#include "linalg/linalg.h"

static otto_allocator alloc;

static int setup(void **state)
{
    (void)state;
    otto__alloc_default(&alloc);
    return 0;
}

static double urand(otto_rng *r) { return 2.0 * otto_rng_uniform(r) - 1.0; }

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
    check_eigen(25); /* dsyevd */
    check_eigen(12); /* the Jacobi path */
    check_eigen(OTTO__LA_JACOBI_MAX);
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
        cmocka_unit_test(test_bfgs_rosenbrock),
        cmocka_unit_test(test_bfgs_bounds_active),
        cmocka_unit_test(test_bfgs_non_finite_and_abort),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
