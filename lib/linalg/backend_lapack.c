/* The linear-algebra backend over an external CBLAS and LAPACKE (OpenBLAS by
 * default): the only file in otto that includes cblas.h and lapacke.h. Built
 * when OTTO_USE_CBLAS is defined; the primitives are described in backend.h. */
#ifdef OTTO_USE_CBLAS

#include <cblas.h>
#include <lapacke.h>

#include "backend.h"

const char otto__lab_name[] = "OpenBLAS/LAPACKE";

static enum CBLAS_TRANSPOSE tr(int t) { return t ? CblasTrans : CblasNoTrans; }

int otto__lab_potrf(size_t n, double *a, size_t lda)
{
    return (int)LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a, (lapack_int)lda);
}

int otto__lab_potrs(size_t n, size_t nrhs, const double *l, size_t ldl, double *b, size_t ldb)
{
    return (int)LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n, (lapack_int)nrhs, l,
                                    (lapack_int)ldl, b, (lapack_int)ldb);
}

void otto__lab_trsm(int trans, size_t n, size_t nrhs, const double *l, size_t ldl, double *b,
                    size_t ldb)
{
    if (nrhs == 1)
        cblas_dtrsv(CblasColMajor, CblasLower, tr(trans), CblasNonUnit, (int)n, l, (int)ldl, b,
                    1);
    else
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, tr(trans), CblasNonUnit, (int)n,
                    (int)nrhs, 1.0, l, (int)ldl, b, (int)ldb);
}

int otto__lab_potri(size_t n, double *l, size_t ldl)
{
    return (int)LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n, l, (lapack_int)ldl);
}

void otto__lab_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *a,
                    size_t lda, const double *b, size_t ldb, double beta, double *c, size_t ldc)
{
    cblas_dgemm(CblasColMajor, tr(ta), tr(tb), (int)m, (int)n, (int)k, alpha, a, (int)lda, b,
                (int)ldb, beta, c, (int)ldc);
}

void otto__lab_syrk(int trans, size_t n, size_t k, double alpha, const double *a, size_t lda,
                    double beta, double *c, size_t ldc)
{
    cblas_dsyrk(CblasColMajor, CblasLower, tr(trans), (int)n, (int)k, alpha, a, (int)lda, beta,
                c, (int)ldc);
}

void otto__lab_gemv(int trans, size_t m, size_t n, double alpha, const double *a, size_t lda,
                    const double *x, double beta, double *y)
{
    cblas_dgemv(CblasColMajor, tr(trans), (int)m, (int)n, alpha, a, (int)lda, x, 1, beta, y, 1);
}

void otto__lab_symv(size_t n, double alpha, const double *a, size_t lda, const double *x,
                    double beta, double *y)
{
    cblas_dsymv(CblasColMajor, CblasLower, (int)n, alpha, a, (int)lda, x, 1, beta, y, 1);
}

/* dsyevd (divide and conquer) with its workspace query; the double work array
 * comes first in the caller's block, the lapack_int one after it. */
static int syevd_sizes(size_t n, size_t *lwork, size_t *liwork)
{
    double wq = 0, a = 0, w = 0;
    lapack_int iwq = 0;
    lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)n, &a,
                                          (lapack_int)n, &w, &wq, -1, &iwq, -1);
    if (info != 0)
        return (int)info;
    *lwork = wq > 1 ? (size_t)wq : 1;
    *liwork = iwq > 1 ? (size_t)iwq : 1;
    return 0;
}

int otto__lab_syev_workspace(size_t n, size_t *bytes)
{
    size_t lwork, liwork;
    int info = syevd_sizes(n, &lwork, &liwork);
    if (info != 0)
        return info;
    *bytes = lwork * sizeof(double) + liwork * sizeof(lapack_int);
    return 0;
}

int otto__lab_syev(size_t n, double *a, size_t lda, double *w, void *work, size_t bytes)
{
    size_t lwork, liwork;
    int info = syevd_sizes(n, &lwork, &liwork);
    if (info != 0)
        return info;
    if (bytes < lwork * sizeof(double) + liwork * sizeof(lapack_int))
        return -6;
    double *dwork = work;
    lapack_int *iwork = (lapack_int *)(dwork + lwork);
    return (int)LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)n, a, (lapack_int)lda,
                                    w, dwork, (lapack_int)lwork, iwork, (lapack_int)liwork);
}

#endif /* OTTO_USE_CBLAS */
