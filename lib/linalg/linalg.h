/* The dense linear-algebra kernel: the only code in otto that does dense
 * matrix work through a BLAS/LAPACK backend (CBLAS + LAPACKE when built with
 * OTTO_USE_CBLAS, otto's own kernels otherwise; backend.h), plus a bounded
 * quasi-Newton optimizer. Internal, never installed.
 *
 * Conventions: matrices are column-major, element (i, j) of an n-by-m matrix
 * with leading dimension ld >= n at a[i + j*ld]; symmetric matrices are read
 * and written through their lower triangle only. Dimensions are size_t and
 * checked against LAPACK's int range on both backends. Every routine screens
 * its inputs for NaN/inf before calling the backend (LAPACKE would report
 * them as an argument error), checks `info` and turns failures into
 * OTTO_ENUMERIC with a message; workspace comes from the caller's allocator.
 * Results are bit-reproducible for one binary on one CPU (one BLAS thread for
 * OpenBLAS); the two backends round differently. */
#ifndef OTTO_LINALG_H
#define OTTO_LINALG_H

#include <stddef.h>

#include "common/common.h"

/* 1 when all n entries of x are finite. */
int otto__la_all_finite(const double *x, size_t n);
/* 1 when the lower triangle (with diagonal) of the n-by-n matrix is finite. */
int otto__la_lower_finite(const double *a, size_t n, size_t lda);

/* Cholesky factor L (lower, L L^T = A + jitter I) of the symmetric positive
 * definite n-by-n matrix whose lower triangle is in `a`. The factor overwrites
 * a copy in `l` (leading dimension ldl; its strict upper triangle is zeroed).
 * When A is not numerically positive definite, retries with jitter
 * jitter0, 10 jitter0, ... up to max_jitter times the mean diagonal; the jitter
 * used goes to *jitter_out (0 when none was needed). OTTO_ENUMERIC when even
 * the largest jitter fails or the input is not finite. */
int otto__la_cholesky(const double *a, size_t lda, size_t n, double *l, size_t ldl,
                      double jitter0, double max_jitter, double *jitter_out);
/* Solve A X = B in place of B (n-by-nrhs, leading dimension ldb) given A's
 * Cholesky factor L (dpotrs). */
int otto__la_cholesky_solve(const double *l, size_t ldl, size_t n, double *b, size_t ldb,
                            size_t nrhs);
/* Solve L X = B (trans == 0) or L^T X = B (trans == 1) in place of B with the
 * lower-triangular L (dtrsm; one right-hand side is a dtrsv). */
int otto__la_lower_solve(const double *l, size_t ldl, size_t n, int trans, double *b,
                         size_t ldb, size_t nrhs);
/* A^{-1} from its Cholesky factor, in place of L, full symmetric (dpotri). */
int otto__la_cholesky_inverse(double *l, size_t ldl, size_t n);
/* log det A = 2 sum log L_ii. */
double otto__la_cholesky_logdet(const double *l, size_t ldl, size_t n);

/* C = alpha op(A) op(B) + beta C, op(X) = X or X^T (ta, tb = 0 or 1); C is
 * m-by-n, op(A) m-by-k, op(B) k-by-n. */
void otto__la_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                   const double *a, size_t lda, const double *b, size_t ldb, double beta,
                   double *c, size_t ldc);
/* Lower triangle of C = alpha A A^T + beta C (trans 0; A n-by-k) or
 * alpha A^T A + beta C (trans 1; A k-by-n). */
void otto__la_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda,
                   double beta, double *c, size_t ldc);
/* y = alpha op(A) x + beta y with A m-by-n. */
void otto__la_gemv(int trans, size_t m, size_t n, double alpha, const double *a, size_t lda,
                   const double *x, double beta, double *y);

/* y = alpha A x + beta y for the symmetric n-by-n A stored in its lower triangle. */
void otto__la_symv(size_t n, double alpha, const double *a, size_t lda, const double *x,
                   double beta, double *y);

/* Eigendecomposition of the symmetric n-by-n matrix (lower triangle of a):
 * eigenvalues ascending in w, orthonormal eigenvectors in the columns of a.
 * Up to OTTO__LA_JACOBI_MAX a cyclic Jacobi method on both backends (faster
 * there than a LAPACK call, and it never wakes BLAS threads); beyond, the
 * backend's solver (dsyevd, or the built-in Householder tridiagonalization and
 * implicit QL/QR) with workspace from alloc. */
#define OTTO__LA_JACOBI_MAX 24
int otto__la_symmetric_eigen(const otto_allocator *alloc, double *a, size_t lda, size_t n,
                             double *w);

/* ---- bounded quasi-Newton minimization (lbfgsb.c) ----------------------------------
 * Minimizes a smooth f over the box lo <= x <= hi with projected L-BFGS: the
 * two-loop direction restricted to the free variables (those not held at a
 * bound by the gradient), a projected backtracking Armijo search, and a stop
 * on the projected gradient norm, the relative decrease of f, or the
 * evaluation budget. f returns nonzero to abort (that code is returned). A
 * non-finite f is treated as "step too long" during the line search. */
typedef int (*otto__la_objective)(void *ctx, const double *x, double *f, double *grad);

typedef struct otto__la_bfgs_options {
    size_t memory;     /* correction pairs kept (default 10) */
    size_t max_evals;  /* function evaluations (default 200) */
    double pgtol;      /* stop when max |projected gradient| <= pgtol (1e-5) */
    double ftol;       /* stop when relative decrease of f < ftol (1e-10) */
} otto__la_bfgs_options;

typedef struct otto__la_bfgs_result {
    double f;          /* best value found (x holds its point) */
    size_t n_evals;
    size_t n_iters;
    int converged;     /* stopped on pgtol or ftol rather than the budget */
} otto__la_bfgs_result;

void otto__la_bfgs_options_default(otto__la_bfgs_options *o);
/* x (n entries) is the start, projected into the box first, and receives the
 * best point. lo/hi may hold -inf/+inf. */
int otto__la_bfgs_minimize(const otto_allocator *alloc, otto__la_objective fn, void *ctx,
                           size_t n, double *x, const double *lo, const double *hi,
                           const otto__la_bfgs_options *opts, otto__la_bfgs_result *res);

#endif /* OTTO_LINALG_H */
