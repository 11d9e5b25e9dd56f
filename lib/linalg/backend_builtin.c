/* otto's own dense kernels (backend.h), for builds without an external BLAS:
 * cache-blocked products over one register-blocked micro-kernel, and the
 * blocked Cholesky factorization, triangular solves and inverse from the
 * Cholesky factor built on it. C11 with GCC's and Clang's vector extension
 * where available (plain C otherwise); no allocation, no threads, at most
 * about 25 KB of stack. Built unless OTTO_USE_CBLAS is defined.
 *
 * Conventions (backend.h): column-major, A(i, j) = a[i + j*lda], lower
 * triangles, arguments already validated by dense.c. Every loop runs in a
 * fixed order, so results are bit-reproducible for one binary on one CPU; they
 * round differently from a BLAS library's. OTTO_LA_BASELINE_ONLY leaves out
 * the AVX2 instances (CI runs the tests on the baseline code that way). */
#ifndef OTTO_USE_CBLAS

#include <math.h>
#include <string.h>

#include "backend.h"

const char otto__lab_name[] = "built-in";

#define A_(a, ld, i, j) ((a)[(i) + (j) * (ld)])

/* ---- the product engine ----------------------------------------------------------
 * C (m-by-n) += alpha op(A) op(B), op(A) m-by-k, op(B) k-by-n. The k range is
 * cut into KC-long slices; for each, mr rows of alpha op(A) are packed into a
 * small contiguous sliver (mr values per step of k, so the kernel reads them
 * as vectors whatever the transposition), and the micro-kernel multiplies the
 * sliver with NR columns of op(B), read in place, into an mr-by-NR block of
 * accumulators held in registers. The sliver (mr*KC doubles) stays in L1
 * across the whole row of blocks; the KC-by-n slice of B stays in L2.
 *
 * The micro-kernel is written once (DEFINE_KERNEL) over a vector of two or
 * four doubles, with two vectors per column of the tile: 4 x 6 fills the 16
 * SSE2 registers with 12 accumulators and leaves room for the A vectors and
 * the broadcast (SSE2 is every x86-64 CPU's baseline; elsewhere the compiler
 * maps the vectors to what the target has, or to single doubles without the
 * extension); 8 x 6 does the same with AVX2 and FMA. On x86 the AVX2
 * instance is compiled too, through a target attribute, and taken when the
 * CPU has AVX2 and FMA (twice the speed of SSE2 here). One binary on one CPU
 * always takes the same instance, so results stay bit-reproducible there;
 * CPUs with and without FMA round differently. */
#define NR 6
#define KC 192
#define MR_MAX 8

/* acc (mr-by-NR, column j at acc + j*mr) = sum_p ap[p*mr .. p*mr+mr) op(B)(p, j),
 * op(B)(p, j) = b[p*bsp + j*bsj]: strides (1, ldb) when B is not transposed,
 * (ldb, 1) when it is. */
typedef void kernel_fn(size_t kc, const double *restrict ap, const double *restrict b,
                       size_t bsp, size_t bsj, double *restrict acc);

/* Vectors of two or four doubles: GCC's and Clang's vector extension (any
 * target; the compiler maps them to what it has). Other compilers get the
 * same code over single doubles. Loads and stores go through memcpy. */
#if defined(__GNUC__) || defined(__clang__)
typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
#define VEC_BASE v2d
#if defined(__AVX2__) && defined(__FMA__) /* the whole build targets AVX2 + FMA */
#undef VEC_BASE
#define VEC_BASE v4d
#elif (defined(__x86_64__) || defined(__i386__)) && !defined(OTTO_LA_BASELINE_ONLY)
#define X86_AVX2_INSTANCE 1
#define AVX2_ATTR __attribute__((target("avx2,fma")))
#endif
#else
#define VEC_BASE double
#endif
#define MR_BASE (2 * sizeof(VEC_BASE) / sizeof(double))

/* the sum of a vector's lanes, first to last */
#define HSUM(vec, v, out)                                                                  \
    do {                                                                                   \
        double h_[sizeof(vec) / sizeof(double)];                                           \
        memcpy(h_, &(v), sizeof h_);                                                       \
        (out) = 0.0;                                                                       \
        for (size_t l_ = 0; l_ < sizeof h_ / sizeof *h_; l_++)                             \
            (out) += h_[l_];                                                               \
    } while (0)

#define DEFINE_KERNEL(name, vec, attr)                                                     \
    attr static void name(size_t kc, const double *restrict ap, const double *restrict b, \
                          size_t bsp, size_t bsj, double *restrict acc)                    \
    {                                                                                      \
        enum { VL = sizeof(vec) / sizeof(double) };                                        \
        vec c00 = {0}, c01 = {0}, c02 = {0}, c03 = {0}, c04 = {0}, c05 = {0};              \
        vec c10 = {0}, c11 = {0}, c12 = {0}, c13 = {0}, c14 = {0}, c15 = {0};              \
        const size_t o1 = bsj, o2 = 2 * bsj, o3 = 3 * bsj, o4 = 4 * bsj, o5 = 5 * bsj;     \
        for (size_t p = 0; p < kc; p++, ap += 2 * VL, b += bsp) {                          \
            vec a0, a1;                                                                    \
            memcpy(&a0, ap, sizeof a0);                                                    \
            memcpy(&a1, ap + VL, sizeof a1);                                               \
            double b0 = b[0], b1 = b[o1], b2 = b[o2], b3 = b[o3], b4 = b[o4], b5 = b[o5]; \
            c00 += a0 * b0, c10 += a1 * b0, c01 += a0 * b1, c11 += a1 * b1;               \
            c02 += a0 * b2, c12 += a1 * b2, c03 += a0 * b3, c13 += a1 * b3;               \
            c04 += a0 * b4, c14 += a1 * b4, c05 += a0 * b5, c15 += a1 * b5;               \
        }                                                                                  \
        const vec out[2 * NR] = {c00, c10, c01, c11, c02, c12, c03, c13, c04, c14, c05, c15}; \
        memcpy(acc, out, sizeof out);                                                      \
    }

DEFINE_KERNEL(kernel_base, VEC_BASE, )
#ifdef X86_AVX2_INSTANCE
DEFINE_KERNEL(kernel_avx2, v4d, AVX2_ATTR)
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

#ifdef X86_AVX2_INSTANCE
/* (libgcc and compiler-rt fill in the CPU model before main: two loads) */
static int cpu_has_avx2_fma(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* The instance for this CPU and its tile height. */
static kernel_fn *select_kernel(size_t *mr)
{
#ifdef X86_AVX2_INSTANCE
    if (cpu_has_avx2_fma()) {
        *mr = 8;
        return kernel_avx2;
    }
#endif
    *mr = MR_BASE;
    return kernel_base;
}

/* ap[p*mr + r] = alpha op(A)(i0 + r, p0 + p) for r < rows, zero for rows <= r < mr. */
static void pack_a(size_t mr, int ta, const double *a, size_t lda, size_t i0, size_t p0,
                   size_t rows, size_t kc, double alpha, double *restrict ap)
{
    if (!ta) {
        for (size_t p = 0; p < kc; p++) {
            const double *col = a + i0 + (p0 + p) * lda;
            double *dst = ap + p * mr;
            for (size_t r = 0; r < mr; r++)
                dst[r] = r < rows ? alpha * col[r] : 0.0;
        }
    } else {
        for (size_t r = 0; r < mr; r++) {
            if (r < rows) {
                const double *row = a + p0 + (i0 + r) * lda; /* op(A) row = A column */
                for (size_t p = 0; p < kc; p++)
                    ap[p * mr + r] = alpha * row[p];
            } else {
                for (size_t p = 0; p < kc; p++)
                    ap[p * mr + r] = 0.0;
            }
        }
    }
}

/* C += alpha op(A) op(B) as above; with lower set, C is square with its
 * diagonal on C(0, 0) and only entries on or below it are touched (syrk). */
static void gemm_acc(int ta, int tb, int lower, size_t m, size_t n, size_t k, double alpha,
                     const double *a, size_t lda, const double *b, size_t ldb, double *c,
                     size_t ldc)
{
    size_t mr;
    kernel_fn *kernel = select_kernel(&mr);
    double ap[MR_MAX * KC], bpad[KC * NR], acc[NR * MR_MAX];
    for (size_t p0 = 0; p0 < k; p0 += KC) {
        size_t kc = k - p0 < KC ? k - p0 : KC;
        for (size_t i0 = 0; i0 < m; i0 += mr) {
            size_t rows = m - i0 < mr ? m - i0 : mr;
            pack_a(mr, ta, a, lda, i0, p0, rows, kc, alpha, ap);
            size_t jend = lower ? i0 + rows : n; /* columns that reach the lower triangle */
            for (size_t j0 = 0; j0 < jend; j0 += NR) {
                size_t nr = jend - j0 < NR ? jend - j0 : NR;
                if (nr == NR) {
                    if (!tb)
                        kernel(kc, ap, b + p0 + j0 * ldb, 1, ldb, acc);
                    else
                        kernel(kc, ap, b + j0 + p0 * ldb, ldb, 1, acc);
                } else { /* the last columns: a zero-padded copy of op(B) */
                    for (size_t p = 0; p < kc; p++)
                        for (size_t j = 0; j < NR; j++)
                            bpad[p * NR + j] =
                                j >= nr ? 0.0
                                : tb    ? b[j0 + j + (p0 + p) * ldb]
                                        : b[p0 + p + (j0 + j) * ldb];
                    kernel(kc, ap, bpad, NR, 1, acc);
                }
                for (size_t j = 0; j < nr; j++) {
                    double *cj = c + i0 + (j0 + j) * ldc;
                    const double *aj = acc + j * mr;
                    size_t r = lower && j0 + j > i0 ? j0 + j - i0 : 0;
                    for (; r < rows; r++)
                        cj[r] += aj[r];
                }
            }
        }
    }
}

/* C := beta C over m-by-n (or its lower triangle); beta 0 writes zeros
 * without reading C, as BLAS does. */
static void scale_c(int lower, size_t m, size_t n, double beta, double *c, size_t ldc)
{
    if (beta == 1.0)
        return;
    for (size_t j = 0; j < n; j++) {
        double *cj = c + j * ldc;
        for (size_t i = lower ? j : 0; i < m; i++)
            cj[i] = beta == 0.0 ? 0.0 : beta * cj[i];
    }
}

void otto__lab_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    scale_c(0, m, n, beta, c, ldc);
    if (k > 0 && alpha != 0.0)
        gemm_acc(ta, tb, 0, m, n, k, alpha, a, lda, b, ldb, c, ldc);
}

void otto__lab_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda,
                    double beta, double *c, size_t ldc)
{
    scale_c(1, n, n, beta, c, ldc);
    /* trans 0: A A^T, op(B)(p, j) = A(j, p); trans 1: A^T A, op(B)(p, j) = A(p, j) */
    if (k > 0 && alpha != 0.0)
        gemm_acc(trans, !trans, 1, n, n, k, alpha, a, lda, a, lda, c, ldc);
}

/* ---- level 2 ----------------------------------------------------------------------- */

/* sum_i x[i] y[i] over four interleaved partial sums (added in a fixed order),
 * so the loop is not one long chain of dependent additions. */
static double dot(size_t n, const double *restrict x, const double *restrict y)
{
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int l = 0; l < 4; l++)
            s[l] += x[i + l] * y[i + l];
    for (; i < n; i++)
        s[i & 3] += x[i] * y[i];
    return (s[0] + s[2]) + (s[1] + s[3]);
}

/* The matrix-vector products below are instantiated like the micro-kernel:
 * baseline, and AVX2 + FMA on x86 CPUs that have them. gemv_n is plain C the
 * compiler vectorizes; the two with dot products keep their partial sums in
 * vectors (the compiler may not reorder a sum itself), added up in a fixed
 * order. */

/* y[0..m) += A x for the m-by-k A, four columns at a time (one pass over y
 * per four columns). */
static ALWAYS_INLINE void gemv_n_body(size_t m, size_t k, const double *a, size_t lda,
                                      const double *x, double *restrict y)
{
    size_t p = 0;
    for (; p + 4 <= k; p += 4) {
        const double *restrict a0 = a + p * lda, *restrict a1 = a0 + lda, *restrict a2 = a1 + lda,
                               *restrict a3 = a2 + lda;
        double x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];
        for (size_t i = 0; i < m; i++)
            y[i] += (a0[i] * x0 + a1[i] * x1) + (a2[i] * x2 + a3[i] * x3);
    }
    for (; p < k; p++) {
        const double *restrict a0 = a + p * lda;
        double x0 = x[p];
        for (size_t i = 0; i < m; i++)
            y[i] += a0[i] * x0;
    }
}

/* y[0..n) += alpha A^T x for the m-by-n A: four columns at a time, each
 * column's dot product in a vector of partial sums. */
#define DEFINE_GEMV_T(name, vec, attr)                                                     \
    attr static void name(size_t m, size_t n, double alpha, const double *a, size_t lda,  \
                          const double *restrict x, double *restrict y)                    \
    {                                                                                      \
        enum { VL = sizeof(vec) / sizeof(double) };                                        \
        size_t j = 0;                                                                      \
        for (; j + 4 <= n; j += 4) {                                                       \
            const double *c0 = a + j * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda; \
            vec t0 = {0}, t1 = {0}, t2 = {0}, t3 = {0}, xi, v;                             \
            size_t i = 0;                                                                  \
            for (; i + VL <= m; i += VL) {                                                 \
                memcpy(&xi, x + i, sizeof xi);                                             \
                memcpy(&v, c0 + i, sizeof v), t0 += v * xi;                                \
                memcpy(&v, c1 + i, sizeof v), t1 += v * xi;                                \
                memcpy(&v, c2 + i, sizeof v), t2 += v * xi;                                \
                memcpy(&v, c3 + i, sizeof v), t3 += v * xi;                                \
            }                                                                              \
            double s0, s1, s2, s3;                                                         \
            HSUM(vec, t0, s0);                                                             \
            HSUM(vec, t1, s1);                                                             \
            HSUM(vec, t2, s2);                                                             \
            HSUM(vec, t3, s3);                                                             \
            for (; i < m; i++)                                                             \
                s0 += c0[i] * x[i], s1 += c1[i] * x[i], s2 += c2[i] * x[i],                \
                    s3 += c3[i] * x[i];                                                    \
            y[j] += alpha * s0, y[j + 1] += alpha * s1, y[j + 2] += alpha * s2;            \
            y[j + 3] += alpha * s3;                                                        \
        }                                                                                  \
        for (; j < n; j++)                                                                 \
            y[j] += alpha * dot(m, a + j * lda, x);                                        \
    }

/* y += alpha A x for the symmetric A in its lower triangle. Column j serves
 * twice: y[i] += A(i, j) x[j] below the diagonal and y[j] += A(i, j) x[i]
 * (the upper triangle's row), in one pass over the column; four columns at
 * a time, their 4 x 4 diagonal block apart. */
#define DEFINE_SYMV(name, vec, attr)                                                       \
    attr static void name(size_t n, double alpha, const double *a, size_t lda,            \
                          const double *restrict x, double *restrict y)                    \
    {                                                                                      \
        enum { VL = sizeof(vec) / sizeof(double) };                                        \
        size_t j = 0;                                                                      \
        for (; j + 4 <= n; j += 4) {                                                       \
            const double *c0 = a + j * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda; \
            double xs[4] = {alpha * x[j], alpha * x[j + 1], alpha * x[j + 2],              \
                            alpha * x[j + 3]};                                             \
            vec t0 = {0}, t1 = {0}, t2 = {0}, t3 = {0}, a0, a1, a2, a3, xi, yi;            \
            size_t i = j + 4;                                                              \
            for (; i + VL <= n; i += VL) {                                                 \
                memcpy(&a0, c0 + i, sizeof a0), memcpy(&a1, c1 + i, sizeof a1);           \
                memcpy(&a2, c2 + i, sizeof a2), memcpy(&a3, c3 + i, sizeof a3);           \
                memcpy(&xi, x + i, sizeof xi), memcpy(&yi, y + i, sizeof yi);              \
                yi += (a0 * xs[0] + a1 * xs[1]) + (a2 * xs[2] + a3 * xs[3]);               \
                memcpy(y + i, &yi, sizeof yi);                                             \
                t0 += a0 * xi, t1 += a1 * xi, t2 += a2 * xi, t3 += a3 * xi;                \
            }                                                                              \
            double s[4];                                                                   \
            HSUM(vec, t0, s[0]);                                                           \
            HSUM(vec, t1, s[1]);                                                           \
            HSUM(vec, t2, s[2]);                                                           \
            HSUM(vec, t3, s[3]);                                                           \
            for (; i < n; i++) {                                                           \
                double b0 = c0[i], b1 = c1[i], b2 = c2[i], b3 = c3[i], xv = x[i];          \
                y[i] += (b0 * xs[0] + b1 * xs[1]) + (b2 * xs[2] + b3 * xs[3]);             \
                s[0] += b0 * xv, s[1] += b1 * xv, s[2] += b2 * xv, s[3] += b3 * xv;        \
            }                                                                              \
            for (size_t q = 0; q < 4; q++) { /* the diagonal block's lower part, twice */  \
                double acc = alpha * s[q];                                                 \
                for (size_t r = q; r < 4; r++) {                                           \
                    double arq = A_(a, lda, j + r, j + q);                                 \
                    acc += arq * xs[r];                                                    \
                    if (r != q)                                                            \
                        y[j + r] += arq * xs[q];                                           \
                }                                                                          \
                y[j + q] += acc;                                                           \
            }                                                                              \
        }                                                                                  \
        for (; j < n; j++) { /* the last columns, one at a time */                         \
            const double *cj = a + j * lda;                                                \
            double xj = alpha * x[j], t = 0.0;                                             \
            for (size_t i = j + 1; i < n; i++) {                                           \
                y[i] += cj[i] * xj;                                                        \
                t += cj[i] * x[i];                                                         \
            }                                                                              \
            y[j] += cj[j] * xj + alpha * t;                                                \
        }                                                                                  \
    }

DEFINE_GEMV_T(gemv_t_base, VEC_BASE, )
DEFINE_SYMV(symv_base, VEC_BASE, )
#ifdef X86_AVX2_INSTANCE
DEFINE_GEMV_T(gemv_t_avx2, v4d, AVX2_ATTR)
DEFINE_SYMV(symv_avx2, v4d, AVX2_ATTR)
#endif

static void gemv_n_base(size_t m, size_t k, const double *a, size_t lda, const double *x,
                        double *y)
{
    gemv_n_body(m, k, a, lda, x, y);
}


#ifdef X86_AVX2_INSTANCE
AVX2_ATTR static void gemv_n_avx2(size_t m, size_t k, const double *a, size_t lda,
                                  const double *x, double *y)
{
    gemv_n_body(m, k, a, lda, x, y);
}
#endif

static void gemv_n_acc(size_t m, size_t k, const double *a, size_t lda, const double *x,
                       double *y)
{
#ifdef X86_AVX2_INSTANCE
    if (cpu_has_avx2_fma()) {
        gemv_n_avx2(m, k, a, lda, x, y);
        return;
    }
#endif
    gemv_n_base(m, k, a, lda, x, y);
}

void otto__lab_gemv(int trans, size_t m, size_t n, double alpha, const double *a, size_t lda,
                    const double *x, double beta, double *y)
{
    size_t ylen = trans ? n : m;
    for (size_t i = 0; i < ylen; i++)
        y[i] = beta == 0.0 ? 0.0 : beta * y[i];
    if (alpha == 0.0)
        return;
    if (trans) {
#ifdef X86_AVX2_INSTANCE
        if (cpu_has_avx2_fma()) {
            gemv_t_avx2(m, n, alpha, a, lda, x, y);
            return;
        }
#endif
        gemv_t_base(m, n, alpha, a, lda, x, y);
        return;
    }
    /* y += A (alpha x), alpha folded into x in blocks of 64 */
    double xs[64];
    for (size_t p0 = 0; p0 < n; p0 += 64) {
        size_t kb = n - p0 < 64 ? n - p0 : 64;
        for (size_t p = 0; p < kb; p++)
            xs[p] = alpha * x[p0 + p];
        gemv_n_acc(m, kb, a + p0 * lda, lda, xs, y);
    }
}

void otto__lab_symv(size_t n, double alpha, const double *a, size_t lda, const double *x,
                    double beta, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = beta == 0.0 ? 0.0 : beta * y[i];
    if (alpha == 0.0)
        return;
#ifdef X86_AVX2_INSTANCE
    if (cpu_has_avx2_fma()) {
        symv_avx2(n, alpha, a, lda, x, y);
        return;
    }
#endif
    symv_base(n, alpha, a, lda, x, y);
}

/* ---- triangular solves ------------------------------------------------------------
 * Blocked by rows of NB: the diagonal block through its explicit inverse (as
 * a product, in the micro-kernel), then one product for everything below (or
 * above, for L^T) through the engine. */
#define NB 32

/* x := T x for the lower m-by-m T, in place (last row first). */
static void trmv_n(size_t m, const double *t, size_t ldt, double *restrict x)
{
    for (size_t p = m; p-- > 0;) {
        const double *restrict tp = t + p * ldt;
        double xp = x[p];
        for (size_t i = p + 1; i < m; i++)
            x[i] += tp[i] * xp;
        x[p] = tp[p] * xp;
    }
}

/* L := L^{-1} for a lower n-by-n block, unblocked; info as potri. Columns
 * from the last: column j of the inverse is -L(j, j)^{-1} times the already
 * inverted trailing block times L(j+1:n, j). */
static int trti2(size_t n, double *l, size_t ldl)
{
    for (size_t j = n; j-- > 0;) {
        double *cj = l + j * ldl;
        if (cj[j] == 0.0)
            return (int)(j + 1);
        cj[j] = 1.0 / cj[j];
        double ajj = -cj[j];
        if (j + 1 < n) {
            trmv_n(n - j - 1, l + (j + 1) + (j + 1) * ldl, ldl, cj + j + 1);
            for (size_t i = j + 1; i < n; i++)
                cj[i] *= ajj;
        }
    }
    return 0;
}

/* x := L^{-1} x for a lower n-by-n L (forward substitution, columns as axpys). */
static void trsv_n(size_t n, const double *l, size_t ldl, double *restrict x)
{
    for (size_t p = 0; p < n; p++) {
        const double *restrict lp = l + p * ldl;
        double xp = x[p] / lp[p];
        x[p] = xp;
        for (size_t i = p + 1; i < n; i++)
            x[i] -= lp[i] * xp;
    }
}

/* x := L^{-T} x (backward substitution, rows of L^T are columns of L: dots). */
static void trsv_t(size_t n, const double *l, size_t ldl, double *restrict x)
{
    for (size_t p = n; p-- > 0;) {
        const double *lp = l + p * ldl;
        x[p] = (x[p] - dot(n - p - 1, lp + p + 1, x + p + 1)) / lp[p];
    }
}

/* ---- small triangular products in place ----------------------------------------
 * The diagonal blocks of the blocked algorithms (at most NB wide) multiply a
 * matrix in place by a small triangular one. Both go through the
 * micro-kernel with the triangle's zeros skipped. */

/* B(0:jb, 0:ncols) := op(T) B, in place, for the lower jb-by-jb T (only its
 * lower triangle read), jb <= NB. op(T) is packed once, zeros filled in; each
 * NR-column chunk of B then goes through the micro-kernel, every row tile
 * into registers before any is written back. */
static void small_trmm_left(int trans, size_t jb, const double *t, size_t ldt, double *b,
                            size_t ldb, size_t ncols)
{
    double packed[NB * NB], acc[NB * NR], bpad[NB * NR];
    size_t mr;
    kernel_fn *kernel = select_kernel(&mr);
    size_t tiles = (jb + mr - 1) / mr;
    for (size_t i = 0; i < tiles * mr; i++) /* row i of op(T): tile i / mr, lane i % mr */
        for (size_t p = 0; p < jb; p++) {
            int inside = i < jb && (trans ? p >= i : p <= i);
            packed[(i / mr) * mr * jb + p * mr + i % mr] =
                !inside ? 0.0 : trans ? A_(t, ldt, p, i) : A_(t, ldt, i, p);
        }
    for (size_t j0 = 0; j0 < ncols; j0 += NR) {
        size_t nr = ncols - j0 < NR ? ncols - j0 : NR;
        const double *src = b + j0 * ldb;
        size_t bsp = 1, bsj = ldb;
        if (nr < NR) { /* the last columns: a zero-padded copy */
            for (size_t p = 0; p < jb; p++)
                for (size_t j = 0; j < NR; j++)
                    bpad[p * NR + j] = j < nr ? b[p + (j0 + j) * ldb] : 0.0;
            src = bpad;
            bsp = NR;
            bsj = 1;
        }
        for (size_t q = 0; q < tiles; q++) {
            /* T lower: tile q needs columns 0..(q+1) mr; T^T upper: q mr..jb */
            size_t p0 = trans ? q * mr : 0, p1 = trans ? jb : (q + 1) * mr < jb ? (q + 1) * mr : jb;
            kernel(p1 - p0, packed + q * mr * jb + p0 * mr, src + p0 * bsp, bsp, bsj,
                   acc + q * mr * NR);
        }
        for (size_t q = 0; q < tiles; q++) {
            size_t rows = jb - q * mr < mr ? jb - q * mr : mr;
            for (size_t j = 0; j < nr; j++)
                memcpy(b + q * mr + (j0 + j) * ldb, acc + q * mr * NR + j * mr,
                       rows * sizeof *b);
        }
    }
}

/* X(0:m, 0:nb) := X M, in place, for the lower nb-by-nb M (leading dimension
 * nb, zeros above its diagonal), nb <= NB: each tile of mr rows of X is
 * packed, then overwritten (a row of X M needs that row of X only). */
static void small_trmm_right(size_t m, size_t nb, double *x, size_t ldx, const double *mm)
{
    double ap[MR_MAX * NB], acc[NR * MR_MAX], bpad[NB * NR];
    size_t mr;
    kernel_fn *kernel = select_kernel(&mr);
    for (size_t i0 = 0; i0 < m; i0 += mr) {
        size_t rows = m - i0 < mr ? m - i0 : mr;
        pack_a(mr, 0, x, ldx, i0, 0, rows, nb, 1.0, ap);
        for (size_t j0 = 0; j0 < nb; j0 += NR) {
            size_t nr = nb - j0 < NR ? nb - j0 : NR;
            /* M lower: column j needs rows j..nb */
            if (nr == NR) {
                kernel(nb - j0, ap + j0 * mr, mm + j0 + j0 * nb, 1, nb, acc);
            } else {
                for (size_t p = j0; p < nb; p++)
                    for (size_t j = 0; j < NR; j++)
                        bpad[(p - j0) * NR + j] = j < nr ? mm[p + (j0 + j) * nb] : 0.0;
                kernel(nb - j0, ap + j0 * mr, bpad, NR, 1, acc);
            }
            for (size_t j = 0; j < nr; j++)
                memcpy(x + i0 + (j0 + j) * ldx, acc + j * mr, rows * sizeof *x);
        }
    }
}

/* inv := L^{-1} for the lower jb-by-jb L (leading dimension jb, zeros above
 * the diagonal), jb <= NB; L's diagonal is nonzero (checked by dense.c or
 * trtri). */
static void small_inverse(size_t jb, const double *l, size_t ldl, double *inv)
{
    for (size_t j = 0; j < jb; j++)
        for (size_t i = 0; i < jb; i++)
            inv[i + j * jb] = i >= j ? A_(l, ldl, i, j) : 0.0;
    trti2(jb, inv, jb);
}

/* B(0:jb, :) := op(L)^{-1} B for the jb-by-jb lower diagonal block L: the
 * explicit inverse as a product, as BLAS libraries do. */
static void diag_block_solve(int trans, size_t jb, const double *l, size_t ldl, double *b,
                             size_t ldb, size_t nrhs)
{
    double inv[NB * NB];
    small_inverse(jb, l, ldl, inv);
    small_trmm_left(trans, jb, inv, jb, b, ldb, nrhs);
}

static void trsm_n(size_t n, size_t nrhs, const double *l, size_t ldl, double *b, size_t ldb)
{
    for (size_t j = 0; j < n; j += NB) {
        size_t jb = n - j < NB ? n - j : NB;
        diag_block_solve(0, jb, l + j + j * ldl, ldl, b + j, ldb, nrhs);
        if (j + jb < n) /* B(j+jb:n, :) -= L(j+jb:n, j:j+jb) B(j:j+jb, :) */
            gemm_acc(0, 0, 0, n - j - jb, nrhs, jb, -1.0, l + j + jb + j * ldl, ldl, b + j, ldb,
                     b + j + jb, ldb);
    }
}

static void trsm_t(size_t n, size_t nrhs, const double *l, size_t ldl, double *b, size_t ldb)
{
    size_t j = (n - 1) / NB * NB;
    for (;;) {
        size_t jb = n - j < NB ? n - j : NB;
        diag_block_solve(1, jb, l + j + j * ldl, ldl, b + j, ldb, nrhs);
        if (j == 0)
            break;
        /* B(0:j, :) -= L(j:j+jb, 0:j)^T B(j:j+jb, :) */
        gemm_acc(1, 0, 0, j, nrhs, jb, -1.0, l + j, ldl, b + j, ldb, b, ldb);
        j -= NB;
    }
}

void otto__lab_trsm(int trans, size_t n, size_t nrhs, const double *l, size_t ldl, double *b,
                    size_t ldb)
{
    if (nrhs == 1) {
        if (trans)
            trsv_t(n, l, ldl, b);
        else
            trsv_n(n, l, ldl, b);
    } else if (trans) {
        trsm_t(n, nrhs, l, ldl, b, ldb);
    } else {
        trsm_n(n, nrhs, l, ldl, b, ldb);
    }
}

/* ---- Cholesky ------------------------------------------------------------------------
 * Right-looking and blocked: factor a panel of NB columns (all rows below the
 * diagonal, each column updated by the panel's earlier columns as a
 * matrix-vector product), then subtract L21 L21^T from the trailing lower
 * triangle through the engine. */
int otto__lab_potrf(size_t n, double *a, size_t lda)
{
    double row[NB];
    for (size_t j = 0; j < n; j += NB) {
        size_t jb = n - j < NB ? n - j : NB;
        for (size_t c = j; c < j + jb; c++) {
            double *col = a + c + c * lda; /* A(c:n, c) */
            size_t len = n - c;
            /* A(c:n, c) -= A(c:n, j:c) A(c, j:c)^T */
            for (size_t p = j; p < c; p++)
                row[p - j] = -A_(a, lda, c, p);
            gemv_n_acc(len, c - j, a + c + j * lda, lda, row, col);
            double d = col[0];
            if (!(d > 0.0))
                return (int)(c + 1);
            d = sqrt(d);
            col[0] = d;
            double inv = 1.0 / d;
            for (size_t i = 1; i < len; i++)
                col[i] *= inv;
        }
        if (j + jb < n) { /* A22 -= L21 L21^T, lower triangle */
            size_t m = n - j - jb;
            const double *l21 = a + j + jb + j * lda;
            gemm_acc(0, 1, 1, m, m, jb, -1.0, l21, lda, l21, lda, a + j + jb + (j + jb) * lda,
                     lda);
        }
    }
    return 0;
}

int otto__lab_potrs(size_t n, size_t nrhs, const double *l, size_t ldl, double *b, size_t ldb)
{
    otto__lab_trsm(0, n, nrhs, l, ldl, b, ldb);
    otto__lab_trsm(1, n, nrhs, l, ldl, b, ldb);
    return 0;
}

/* ---- inverse from the Cholesky factor ------------------------------------------------
 * A^{-1} = L^{-T} L^{-1}: first L^{-1} in place (trtri), then the lower
 * triangle of the product of its transpose with itself in place (lauum),
 * both blocked so most of the work is in the engine. */

/* B := T B, in place, for the lower m-by-m T and m-by-nb B, nb <= NB: row
 * blocks from the last, each its diagonal block's product then the engine's
 * for the rows above it (still unchanged). */
static void trmm_ln(size_t m, size_t nb, const double *t, size_t ldt, double *b, size_t ldb)
{
    size_t r = (m - 1) / NB * NB;
    for (;;) {
        size_t rb = m - r < NB ? m - r : NB;
        small_trmm_left(0, rb, t + r + r * ldt, ldt, b + r, ldb, nb);
        if (r > 0) /* B(r:r+rb, :) += T(r:r+rb, 0:r) B(0:r, :) */
            gemm_acc(0, 0, 0, rb, nb, r, 1.0, t + r, ldt, b, ldb, b + r, ldb);
        if (r == 0)
            break;
        r -= NB;
    }
}

/* X := -X T^{-1}, in place, for the m-by-nb X and the lower nb-by-nb T,
 * nb <= NB, through the explicit -T^{-1}. */
static void trsm_rln_neg(size_t m, size_t nb, const double *t, size_t ldt, double *x,
                         size_t ldx)
{
    double minv[NB * NB];
    small_inverse(nb, t, ldt, minv);
    for (size_t i = 0; i < nb * nb; i++)
        minv[i] = -minv[i];
    small_trmm_right(m, nb, x, ldx, minv);
}

/* L := L^{-1} in place, blocked, block columns from the last: with the
 * trailing block already inverted, L21 := -inv(L22) L21 inv(L11), then L11
 * itself. */
static int trtri(size_t n, double *l, size_t ldl)
{
    for (size_t i = 0; i < n; i++)
        if (A_(l, ldl, i, i) == 0.0)
            return (int)(i + 1);
    size_t j = (n - 1) / NB * NB;
    for (;;) {
        size_t jb = n - j < NB ? n - j : NB;
        if (j + jb < n) {
            size_t m = n - j - jb;
            double *l21 = l + j + jb + j * ldl;
            trmm_ln(m, jb, l + j + jb + (j + jb) * ldl, ldl, l21, ldl);
            trsm_rln_neg(m, jb, l + j + j * ldl, ldl, l21, ldl);
        }
        int info = trti2(jb, l + j + j * ldl, ldl);
        if (info)
            return (int)j + info;
        if (j == 0)
            break;
        j -= NB;
    }
    return 0;
}

/* Lower triangle of L^T L in place of the lower n-by-n L, unblocked: row i of
 * the result needs rows i.. of L, and L(i, i) last. */
static void lauu2(size_t n, double *l, size_t ldl)
{
    for (size_t i = 0; i < n; i++) {
        const double *ci = l + i + i * ldl; /* L(i:n, i) */
        for (size_t j = 0; j < i; j++)
            A_(l, ldl, i, j) = dot(n - i, ci, l + i + j * ldl);
        A_(l, ldl, i, i) = dot(n - i, ci, ci);
    }
}

/* Lower triangle of L^T L in place, blocked by row blocks from the first. */
static void lauum(size_t n, double *l, size_t ldl)
{
    for (size_t i = 0; i < n; i += NB) {
        size_t ib = n - i < NB ? n - i : NB, below = n - i - ib;
        double *lii = l + i + i * ldl;
        /* row block i, columns 0:i: L_ii^T L(i, 0:i) + L(i+ib:n, i)^T L(i+ib:n, 0:i) */
        if (i > 0) {
            small_trmm_left(1, ib, lii, ldl, l + i, ldl, i);
            if (below)
                gemm_acc(1, 0, 0, ib, i, below, 1.0, lii + ib, ldl, l + i + ib, ldl, l + i, ldl);
        }
        /* diagonal block: L_ii^T L_ii + L(i+ib:n, i)^T L(i+ib:n, i) */
        lauu2(ib, lii, ldl);
        if (below)
            gemm_acc(1, 0, 1, ib, ib, below, 1.0, lii + ib, ldl, lii + ib, ldl, lii, ldl);
    }
}

int otto__lab_potri(size_t n, double *l, size_t ldl)
{
    int info = trtri(n, l, ldl);
    if (info)
        return info;
    lauum(n, l, ldl);
    return 0;
}

/* (a single-file build concatenates sources: these names end here) */
#undef A_
#undef NR
#undef KC
#undef MR_MAX
#undef NB
#undef VEC_BASE
#undef MR_BASE
#undef HSUM
#undef DEFINE_KERNEL
#undef DEFINE_GEMV_T
#undef DEFINE_SYMV
#undef ALWAYS_INLINE
#undef X86_AVX2_INSTANCE
#undef AVX2_ATTR

#endif /* !OTTO_USE_CBLAS */
