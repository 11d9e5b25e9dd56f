/* The primitives a linear-algebra backend gives dense.c: backend_lapack.c
 * (CBLAS + LAPACKE, built when OTTO_USE_CBLAS is defined) or backend_builtin.c
 * and backend_builtin_eigen.c (otto's own kernels, otherwise). Internal.
 *
 * Conventions as in linalg.h: column-major, element (i, j) at a[i + j*ld],
 * lower triangles. dense.c validates every argument before the call (sizes in
 * int range, leading dimensions >= rows, sizes > 0, inputs finite), so the
 * backends do no checking of their own. The int-returning primitives return a
 * LAPACK-style info code: 0 on success, < 0 when argument -info was invalid
 * (a bug in otto), > 0 for the numerical failure each one names; dense.c turns
 * them into otto status codes. Backends never allocate: the eigensolver's
 * workspace comes from the caller, sized by otto__lab_syev_workspace. */
#ifndef OTTO_LINALG_BACKEND_H
#define OTTO_LINALG_BACKEND_H

#include <stddef.h>

/* The backend's name for messages: "OpenBLAS/LAPACKE" or "built-in". */
extern const char otto__lab_name[];

/* Cholesky factorization in place: the lower triangle of the n-by-n A becomes
 * L with L L^T = A; the strict upper triangle is not touched. info = k > 0:
 * the leading minor of order k is not positive definite (columns before k are
 * factored, the rest is partly updated). */
int otto__lab_potrf(size_t n, double *a, size_t lda);
/* B := A^{-1} B for the n-by-nrhs B given A's Cholesky factor L. */
int otto__lab_potrs(size_t n, size_t nrhs, const double *l, size_t ldl, double *b, size_t ldb);
/* B := L^{-1} B (trans 0) or L^{-T} B (trans 1), L lower n-by-n with a
 * nonzero diagonal, B n-by-nrhs. */
void otto__lab_trsm(int trans, size_t n, size_t nrhs, const double *l, size_t ldl, double *b,
                    size_t ldb);
/* The lower triangle of A^{-1} = L^{-T} L^{-1} in place of the Cholesky factor
 * L; the strict upper triangle is not touched. info = k > 0: L(k, k) (1-based)
 * is zero. */
int otto__lab_potri(size_t n, double *l, size_t ldl);

/* The BLAS products of linalg.h, same arguments (beta = 0 means C or y is not
 * read). */
void otto__lab_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc);
void otto__lab_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda,
                    double beta, double *c, size_t ldc);
void otto__lab_gemv(int trans, size_t m, size_t n, double alpha, const double *a, size_t lda,
                    const double *x, double beta, double *y);
void otto__lab_symv(size_t n, double alpha, const double *a, size_t lda, const double *x,
                    double beta, double *y);

/* Symmetric eigendecomposition, for n beyond the Jacobi range of dense.c:
 * eigenvalues ascending in w, orthonormal eigenvectors in the columns of a
 * (read from its lower triangle). otto__lab_syev_workspace writes the bytes
 * of workspace needed for order n (info < 0: n too large); the caller passes
 * that many bytes, aligned for double and int, to otto__lab_syev. info > 0:
 * the iteration did not converge. */
int otto__lab_syev_workspace(size_t n, size_t *bytes);
int otto__lab_syev(size_t n, double *a, size_t lda, double *w, void *work, size_t bytes);

#endif /* OTTO_LINALG_BACKEND_H */
