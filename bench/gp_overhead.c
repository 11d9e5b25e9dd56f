/* bench/gp_overhead: the GP sampler's cost on the 10-D sphere.
 *  1. a 100-trial run from scratch: mean time per trial (ask + suggests + tell);
 *  2. ask time after n finished trials (history filled with
 *     otto_study_add_trial at uniform points): the first ask fits the kernel
 *     from the defaults, the next two are warm-started as in a running study;
 *  3. the share of each ask spent inside BLAS/LAPACK (the calls lib/linalg
 *     makes are wrapped with the linker's --wrap and timed), peak RSS, and a
 *     direct Cholesky of an n x n kernel matrix for comparison (the floor).
 *   usage: gp_overhead [n ...]   (default 50 100 200 300 500 1000)
 * Run with OPENBLAS_NUM_THREADS=1 for the single-thread figures. The OpenBLAS
 * kernel set in use is printed first: Debian's OpenBLAS 0.3.21 does not
 * recognize some newer CPUs and falls back to "Prescott" (SSE3) kernels,
 * 2-2.5x slower here than OPENBLAS_CORETYPE=SkylakeX on an AVX-512 machine. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <otto/otto.h>

#include "../lib/linalg/linalg.h"
#include "bench_util.h"

#define DIM 10

/* ---- timing wrappers around the BLAS/LAPACK entry points lib/linalg uses ---- */
static double blas_seconds;
#define TIMED(call)                                                                   \
    do {                                                                              \
        double t0_ = bench_now();                                                     \
        call;                                                                         \
        blas_seconds += bench_now() - t0_;                                            \
    } while (0)

lapack_int __real_LAPACKE_dpotrf_work(int, char, lapack_int, double *, lapack_int);
lapack_int __wrap_LAPACKE_dpotrf_work(int l, char u, lapack_int n, double *a, lapack_int lda);
lapack_int __wrap_LAPACKE_dpotrf_work(int l, char u, lapack_int n, double *a, lapack_int lda)
{
    lapack_int r;
    TIMED(r = __real_LAPACKE_dpotrf_work(l, u, n, a, lda));
    return r;
}
lapack_int __real_LAPACKE_dpotri_work(int, char, lapack_int, double *, lapack_int);
lapack_int __wrap_LAPACKE_dpotri_work(int l, char u, lapack_int n, double *a, lapack_int lda);
lapack_int __wrap_LAPACKE_dpotri_work(int l, char u, lapack_int n, double *a, lapack_int lda)
{
    lapack_int r;
    TIMED(r = __real_LAPACKE_dpotri_work(l, u, n, a, lda));
    return r;
}
lapack_int __real_LAPACKE_dpotrs_work(int, char, lapack_int, lapack_int, const double *,
                                      lapack_int, double *, lapack_int);
lapack_int __wrap_LAPACKE_dpotrs_work(int l, char u, lapack_int n, lapack_int k,
                                      const double *a, lapack_int lda, double *b,
                                      lapack_int ldb);
lapack_int __wrap_LAPACKE_dpotrs_work(int l, char u, lapack_int n, lapack_int k,
                                      const double *a, lapack_int lda, double *b, lapack_int ldb)
{
    lapack_int r;
    TIMED(r = __real_LAPACKE_dpotrs_work(l, u, n, k, a, lda, b, ldb));
    return r;
}
void __real_cblas_dtrsm(CBLAS_LAYOUT, CBLAS_SIDE, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG,
                        blasint, blasint, double, const double *, blasint, double *, blasint);
void __wrap_cblas_dtrsm(CBLAS_LAYOUT o, CBLAS_SIDE s, CBLAS_UPLO u, CBLAS_TRANSPOSE t,
                        CBLAS_DIAG d, blasint m, blasint n, double al, const double *a,
                        blasint lda, double *b, blasint ldb);
void __wrap_cblas_dtrsm(CBLAS_LAYOUT o, CBLAS_SIDE s, CBLAS_UPLO u, CBLAS_TRANSPOSE t,
                        CBLAS_DIAG d, blasint m, blasint n, double al, const double *a,
                        blasint lda, double *b, blasint ldb)
{
    TIMED(__real_cblas_dtrsm(o, s, u, t, d, m, n, al, a, lda, b, ldb));
}
void __real_cblas_dtrsv(CBLAS_LAYOUT, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG, blasint,
                        const double *, blasint, double *, blasint);
void __wrap_cblas_dtrsv(CBLAS_LAYOUT o, CBLAS_UPLO u, CBLAS_TRANSPOSE t, CBLAS_DIAG d,
                        blasint n, const double *a, blasint lda, double *x, blasint incx);
void __wrap_cblas_dtrsv(CBLAS_LAYOUT o, CBLAS_UPLO u, CBLAS_TRANSPOSE t, CBLAS_DIAG d,
                        blasint n, const double *a, blasint lda, double *x, blasint incx)
{
    TIMED(__real_cblas_dtrsv(o, u, t, d, n, a, lda, x, incx));
}
void __real_cblas_dgemv(CBLAS_LAYOUT, CBLAS_TRANSPOSE, blasint, blasint, double,
                        const double *, blasint, const double *, blasint, double, double *,
                        blasint);
void __wrap_cblas_dgemv(CBLAS_LAYOUT o, CBLAS_TRANSPOSE t, blasint m, blasint n, double al,
                        const double *a, blasint lda, const double *x, blasint incx,
                        double be, double *y, blasint incy);
void __wrap_cblas_dgemv(CBLAS_LAYOUT o, CBLAS_TRANSPOSE t, blasint m, blasint n, double al,
                        const double *a, blasint lda, const double *x, blasint incx,
                        double be, double *y, blasint incy)
{
    TIMED(__real_cblas_dgemv(o, t, m, n, al, a, lda, x, incx, be, y, incy));
}

/* ---- the benchmark ------------------------------------------------------------------ */

static const char *names[DIM] = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9"};

static double sphere(const double *x)
{
    double f = 0;
    for (int d = 0; d < DIM; d++)
        f += (x[d] - 1.0) * (x[d] - 1.0);
    return f;
}

static otto_study *new_study(otto_space **sp)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 1;
    otto_gp_options go;
    otto_gp_options_init(&go);
    if (otto_sampler_gp_create(&go, &so.sampler))
        return NULL;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return NULL;
    otto_space_create(sp);
    for (int d = 0; d < DIM; d++)
        otto_space_add_float(*sp, names[d], -5, 5, 0, 0);
    return s;
}

/* One trial through ask_with + tell; returns seconds in ask. */
static double one_trial(otto_study *s, otto_space *sp)
{
    otto_trial *t;
    double t0 = bench_now();
    if (otto_study_ask_with(s, sp, &t)) {
        fprintf(stderr, "ask: %s\n", otto_last_error_message());
        exit(1);
    }
    double dt = bench_now() - t0, x[DIM];
    for (int d = 0; d < DIM; d++)
        otto_trial_suggest_float(t, names[d], -5, 5, 0, 0, &x[d]);
    double f = sphere(x);
    otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1);
    return dt;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* Time of one Cholesky of an n x n Matern-like matrix through lib/linalg. */
static double direct_cholesky(long n)
{
    double *a = malloc(sizeof(double) * n * n), *l = malloc(sizeof(double) * n * n), jit;
    double *x = malloc(sizeof(double) * n * DIM);
    srand(2);
    for (long i = 0; i < n * DIM; i++)
        x[i] = rand() / (double)RAND_MAX;
    for (long j = 0; j < n; j++)
        for (long i = j; i < n; i++) {
            double r2 = 0;
            for (int d = 0; d < DIM; d++)
                r2 += (x[i * DIM + d] - x[j * DIM + d]) * (x[i * DIM + d] - x[j * DIM + d]);
            double r = sqrt(r2);
            a[i + j * n] = (1 + sqrt(5) * r + 5.0 / 3 * r2) * exp(-sqrt(5) * r) + (i == j) * 1e-2;
        }
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now();
        otto__la_cholesky(a, n, n, l, n, 1e-10, 1e-3, &jit);
        double dt = bench_now() - t0;
        best = dt < best ? dt : best;
    }
    free(a);
    free(l);
    free(x);
    return best;
}

int main(int argc, char **argv)
{
    long ns[16] = {50, 100, 200, 300, 500, 1000};
    int nn = 6;
    if (argc > 1) {
        nn = 0;
        for (int i = 1; i < argc && nn < 16; i++)
            ns[nn++] = atol(argv[i]);
    }
#if defined(OPENBLAS_VERSION)
    printf("%s, core %s, %d thread(s)\n", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
#endif
    otto_space *sp;
    otto_study *s = new_study(&sp);
    double t0 = bench_now();
    blas_seconds = 0;
    for (int i = 0; i < 100; i++)
        one_trial(s, sp);
    double run = bench_now() - t0;
    printf("100-trial run, 10-D sphere: %.2f ms per trial (%.0f%% inside BLAS/LAPACK)\n",
           run * 10.0, 100.0 * blas_seconds / run);
    otto_study_destroy(s);
    otto_space_destroy(sp);

    printf("\n%6s %12s %12s %10s %10s %12s\n", "n", "cold ask ms", "warm ask ms", "BLAS %",
           "RSS MiB", "dpotrf ms");
    for (int k = 0; k < nn; k++) {
        long n = ns[k];
        s = new_study(&sp);
        srand(1);
        for (long i = 0; i < n; i++) {
            double u[DIM], x[DIM];
            for (int d = 0; d < DIM; d++) {
                u[d] = rand() / (double)RAND_MAX;
                x[d] = -5 + 10 * u[d];
            }
            double f = sphere(x);
            otto_study_add_trial(s, sp, x, OTTO_TRIAL_COMPLETE, &f, 1, NULL);
        }
        blas_seconds = 0;
        double cold = one_trial(s, sp), blas_cold = blas_seconds;
        blas_seconds = 0;
        double warm = 0.5 * (one_trial(s, sp) + one_trial(s, sp));
        printf("%6ld %12.2f %12.2f %10.0f %10.1f %12.3f\n", n, cold * 1e3, warm * 1e3,
               100.0 * (blas_cold + blas_seconds) / (cold + 2 * warm), peak_rss_mib(),
               direct_cholesky(n) * 1e3);
        otto_study_destroy(s);
        otto_space_destroy(sp);
    }
    return 0;
}
