/* bench/gp_overhead: the GP sampler's cost on the 10-D sphere.
 *  1. a 100-trial run from scratch: mean time per trial (ask + suggests + tell);
 *  2. ask time after n finished trials (history filled with
 *     otto_study_add_trial at uniform points): the first ask fits the kernel
 *     from the defaults, the next two are warm-started as in a running study;
 *  3. the share of each ask spent inside BLAS/LAPACK (the linear-algebra
 *     backend's primitives that lib/linalg calls, OpenBLAS/LAPACKE or the
 *     built-in kernels, wrapped with the linker's --wrap and timed), peak RSS,
 *     calls and time per primitive over the three asks, and a direct Cholesky
 *     of an n x n kernel matrix for comparison (the floor).
 *   usage: gp_overhead [n ...]   (default 50 100 200 300 500 1000)
 * Run with OPENBLAS_NUM_THREADS=1 for the single-thread figures. The OpenBLAS
 * kernel set in use is printed first: Debian's OpenBLAS 0.3.21 does not
 * recognize some newer CPUs and falls back to "Prescott" (SSE3) kernels,
 * 2-2.5x slower here than OPENBLAS_CORETYPE=SkylakeX on an AVX-512 machine. */
#ifdef OTTO_USE_CBLAS
#include <cblas.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <otto/otto.h>

#include "../lib/linalg/backend.h"
#include "../lib/linalg/linalg.h"
#include "bench_util.h"

#define DIM 10

/* ---- timing wrappers around the backend primitives lib/linalg uses ----
 * (backend.h: OpenBLAS/LAPACKE or the built-in kernels; dense.c calls them
 * from another object file, so --wrap reaches every call). */
enum { P_POTRF, P_POTRI, P_POTRS, P_TRSM, P_GEMV, P_SYMV, N_PRIM };
static const char *prim_names[N_PRIM] = {"potrf", "potri", "potrs", "trsm", "gemv", "symv"};
static double blas_seconds, prim_seconds[N_PRIM];
static long prim_calls[N_PRIM];
#define TIMED(which, call)                                                            \
    do {                                                                              \
        double t0_ = bench_now();                                                     \
        call;                                                                         \
        double dt_ = bench_now() - t0_;                                               \
        blas_seconds += dt_;                                                          \
        prim_seconds[which] += dt_;                                                   \
        prim_calls[which]++;                                                          \
    } while (0)

int __real_otto__lab_potrf(size_t, double *, size_t);
int __wrap_otto__lab_potrf(size_t n, double *a, size_t lda);
int __wrap_otto__lab_potrf(size_t n, double *a, size_t lda)
{
    int r;
    TIMED(P_POTRF, r = __real_otto__lab_potrf(n, a, lda));
    return r;
}
int __real_otto__lab_potri(size_t, double *, size_t);
int __wrap_otto__lab_potri(size_t n, double *a, size_t lda);
int __wrap_otto__lab_potri(size_t n, double *a, size_t lda)
{
    int r;
    TIMED(P_POTRI, r = __real_otto__lab_potri(n, a, lda));
    return r;
}
int __real_otto__lab_potrs(size_t, size_t, const double *, size_t, double *, size_t);
int __wrap_otto__lab_potrs(size_t n, size_t k, const double *a, size_t lda, double *b,
                           size_t ldb);
int __wrap_otto__lab_potrs(size_t n, size_t k, const double *a, size_t lda, double *b,
                           size_t ldb)
{
    int r;
    TIMED(P_POTRS, r = __real_otto__lab_potrs(n, k, a, lda, b, ldb));
    return r;
}
void __real_otto__lab_trsm(int, size_t, size_t, const double *, size_t, double *, size_t);
void __wrap_otto__lab_trsm(int t, size_t n, size_t k, const double *a, size_t lda, double *b,
                           size_t ldb);
void __wrap_otto__lab_trsm(int t, size_t n, size_t k, const double *a, size_t lda, double *b,
                           size_t ldb)
{
    TIMED(P_TRSM, __real_otto__lab_trsm(t, n, k, a, lda, b, ldb));
}
void __real_otto__lab_gemv(int, size_t, size_t, double, const double *, size_t, const double *,
                           double, double *);
void __wrap_otto__lab_gemv(int t, size_t m, size_t n, double al, const double *a, size_t lda,
                           const double *x, double be, double *y);
void __wrap_otto__lab_gemv(int t, size_t m, size_t n, double al, const double *a, size_t lda,
                           const double *x, double be, double *y)
{
    TIMED(P_GEMV, __real_otto__lab_gemv(t, m, n, al, a, lda, x, be, y));
}
void __real_otto__lab_symv(size_t, double, const double *, size_t, const double *, double,
                           double *);
void __wrap_otto__lab_symv(size_t n, double al, const double *a, size_t lda, const double *x,
                           double be, double *y);
void __wrap_otto__lab_symv(size_t n, double al, const double *a, size_t lda, const double *x,
                           double be, double *y)
{
    TIMED(P_SYMV, __real_otto__lab_symv(n, al, a, lda, x, be, y));
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
#if defined(OTTO_USE_CBLAS) && defined(OPENBLAS_VERSION)
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
    printf("linear algebra: %s\n", otto__lab_name);
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
        for (int p = 0; p < N_PRIM; p++) {
            prim_seconds[p] = 0;
            prim_calls[p] = 0;
        }
        double cold = one_trial(s, sp), blas_cold = blas_seconds;
        blas_seconds = 0;
        double warm = 0.5 * (one_trial(s, sp) + one_trial(s, sp));
        printf("%6ld %12.2f %12.2f %10.0f %10.1f %12.3f\n", n, cold * 1e3, warm * 1e3,
               100.0 * (blas_cold + blas_seconds) / (cold + 2 * warm), peak_rss_mib(),
               direct_cholesky(n) * 1e3);
        printf("%6s", "");
        for (int p = 0; p < N_PRIM; p++) /* the three asks' calls and milliseconds */
            if (prim_calls[p])
                printf(" %s %ldx %.1f ms", prim_names[p], prim_calls[p], prim_seconds[p] * 1e3);
        printf("\n");
        otto_study_destroy(s);
        otto_space_destroy(sp);
    }
    return 0;
}
