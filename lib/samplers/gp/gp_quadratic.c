/* The quadratic step of the GP sampler's local steps (gp_quadratic.h): a
 * least-squares quadratic through the best trial's neighbourhood and its
 * trust-region step, for the precision a GP's smooth interpolation lacks. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "linalg/linalg.h"
#include "gp_quadratic.h"

/* The smallest curvature the step trusts, relative to the largest: below it
 * a direction counts as flat or falling. */
#define MIN_CURVATURE 1e-9

/* |u(lam)|^2 for u(lam) = -V (eig + lam)^{-1} gv. */
static double step_norm2(size_t d, const double *eig, const double *gv, double lam)
{
    double sum = 0.0;
    for (size_t i = 0; i < d; i++)
        sum += gv[i] * gv[i] / ((eig[i] + lam) * (eig[i] + lam));
    return sum;
}

/* The minimizer of g.u + u.H.u / 2 over the ball |u| <= radius (the trust-region
 * subproblem; More and Sorensen), from H = V diag(eig) V^T (v: V's columns,
 * eig ascending) and gv = V^T g. The solution is u(lam) = -V (eig + lam)^{-1}
 * gv for the smallest lam >= lo = max(0, floor - eig_0) with |u(lam)| <= radius:
 * lam = 0 is the Newton step of a bowl whose minimum lies in the ball,
 * otherwise |u(lam)| = radius, found by bisection (|u(lam)| falls as lam
 * grows). When even lam = lo leaves u inside although H has a flat or
 * falling direction (g has no weight along it: the hard case), the step
 * goes on along that eigenvector to the boundary, downhill. */
static void trust_region_step(size_t d, const double *v, const double *eig, const double *gv,
                              double radius, double *step)
{
    double top = fmax(fabs(eig[0]), fabs(eig[d - 1])), floor_curv = MIN_CURVATURE * top;
    double lo = eig[0] >= floor_curv && top > 0 ? 0.0 : floor_curv - eig[0] + DBL_MIN;
    double lam = lo, extra = 0.0, r2 = radius * radius;
    if (step_norm2(d, eig, gv, lo) > r2) {
        /* at hi, each |gv_i| / (eig_i + hi) <= |g| / (eig_0 + hi) <= radius / sqrt(d) */
        double gnorm = 0.0;
        for (size_t i = 0; i < d; i++)
            gnorm += gv[i] * gv[i];
        double hi = fmax(lo, sqrt(gnorm * (double)d) / radius - eig[0]) + DBL_MIN;
        for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
            double mid = 0.5 * (lo + hi);
            if (step_norm2(d, eig, gv, mid) > r2)
                lo = mid;
            else
                hi = mid;
        }
        lam = hi;
    } else if (lo > 0) { /* the hard case: on along v_0 to the boundary */
        double c0 = -gv[0] / (eig[0] + lo); /* u(lo)'s weight along v_0 */
        double to = sqrt(fmax(0.0, r2 - step_norm2(d, eig, gv, lo) + c0 * c0));
        extra = (c0 < 0 ? -to : to) - c0;
    }
    for (size_t j = 0; j < d; j++)
        step[j] = extra * v[j];
    for (size_t i = 0; i < d; i++) {
        double c = -gv[i] / (eig[i] + lam);
        for (size_t j = 0; j < d; j++)
            step[j] += c * v[j + i * d];
    }
}

/* Column j of the design for point u: 1, then u_0..u_{d-1}, then for
 * j <= l the product u_j u_l (halved on the diagonal, so that the
 * coefficients are H's entries). */
static void design_row(size_t d, const double *u, double *row, size_t stride)
{
    size_t c = 0;
    row[c++ * stride] = 1.0;
    for (size_t j = 0; j < d; j++)
        row[c++ * stride] = u[j];
    for (size_t j = 0; j < d; j++)
        for (size_t l = j; l < d; l++)
            row[c++ * stride] = l == j ? 0.5 * u[j] * u[j] : u[j] * u[l];
}

int otto__gp_quadratic_step(const otto_allocator *a, size_t d, size_t k, const double *u,
                            const double *t, double radius, double *step, int *found)
{
    size_t p = OTTO__GP_QUADRATIC_TERMS(d);
    *found = 0;
    if (!(radius > 0) || !isfinite(radius))
        return otto__error(OTTO_EINVAL, "gp: trust region radius %g", radius);
    if (d == 0 || k < p)
        return otto__error(OTTO_EINVAL, "gp: a quadratic in %zu dims needs %zu points, not %zu",
                           d, p, k);
    if (!otto__la_all_finite(u, k * d) || !otto__la_all_finite(t, k))
        return otto__error(OTTO_ENUMERIC, "gp: quadratic fit to values that are not finite");
    /* design (k x p), normal matrix and its factor (p x p), right-hand
     * side and column scales (p each), Hessian (d x d), its eigenvalues and
     * the gradient in its eigenbasis (d each) */
    double *design = otto__calloc(a, k * p + 2 * p * p + 2 * p + d * d + 2 * d, sizeof *design);
    if (!design)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    double *normal = design + k * p, *chol = normal + p * p, *coef = chol + p * p;
    double *scale = coef + p, *hess = scale + p, *eig = hess + d * d, *gv = eig + d;
    for (size_t i = 0; i < k; i++)
        design_row(d, u + i * d, design + i, k);
    otto__la_syrk(1, p, k, 1.0, design, k, 0.0, normal, p);
    otto__la_gemv(1, k, p, 1.0, design, k, t, 0.0, coef);
    /* equilibrate: unit diagonal, so that the jitter is relative per column */
    for (size_t j = 0; j < p; j++)
        scale[j] = normal[j + j * p] > 0 ? 1.0 / sqrt(normal[j + j * p]) : 1.0;
    for (size_t j = 0; j < p; j++) {
        coef[j] *= scale[j];
        for (size_t i = j; i < p; i++)
            normal[i + j * p] *= scale[i] * scale[j];
    }
    double jitter;
    int rc = otto__la_cholesky(normal, p, p, chol, p, 1e-12, 1e-6, &jitter);
    if (!rc)
        rc = otto__la_cholesky_solve(chol, p, p, coef, p, 1);
    if (!rc) {
        for (size_t j = 0; j < p; j++)
            coef[j] *= scale[j];
        size_t c = 1 + d;
        for (size_t j = 0; j < d; j++)
            for (size_t l = j; l < d; l++)
                hess[l + j * d] = coef[c++]; /* lower triangle */
        rc = otto__la_symmetric_eigen(a, hess, d, d, eig);
    }
    if (!rc) {
        /* gv_i = v_i . g, v_i the eigenvectors (hess's columns now) */
        for (size_t i = 0; i < d; i++) {
            double sum = 0.0;
            for (size_t j = 0; j < d; j++)
                sum += hess[j + i * d] * coef[1 + j];
            gv[i] = sum;
        }
        trust_region_step(d, hess, eig, gv, radius, step);
        *found = otto__la_all_finite(step, d);
    }
    otto__free(a, design);
    return rc;
}
