/* Output warping for the GP sampler (gp_warp.h): Yeo-Johnson on values
 * shifted to start at 0, its exponent by golden-section search of the
 * profile log likelihood. */
#include <math.h>

#include "gp_warp.h"

#define LAMBDA_LO (-3.0)
#define LAMBDA_HI 3.0
#define GOLDEN_STEPS 48 /* the bracket shrinks by 0.618^48 ~ 1e-10 */

/* psi_lambda(z) for z >= 0, with log1p near lambda = 0. */
static double power(double z, double lambda)
{
    double l1 = log1p(z);
    if (fabs(lambda) < 1e-8)
        return l1;
    return expm1(lambda * l1) / lambda;
}

/* Profile log likelihood of lambda over the m finite values z >= 0:
 * -m/2 log var(psi) + (lambda - 1) sum log(1 + z), constants dropped.
 * sum_log1p is the last sum. */
static double profile(const double *y, size_t n, double lo, double sd, double lambda,
                      double sum_log1p)
{
    double mean = 0.0, m2 = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) { /* Welford */
        if (!isfinite(y[i]))
            continue;
        double t = power((y[i] - lo) / sd, lambda);
        m++;
        double delta = t - mean;
        mean += delta / (double)m;
        m2 += delta * (t - mean);
    }
    double var = m2 / (double)m;
    if (!(var > 0.0))
        return -INFINITY;
    return -0.5 * (double)m * log(var) + (lambda - 1.0) * sum_log1p;
}

double otto__gp_warp(double *y, size_t n, double *log_jacobian)
{
    *log_jacobian = 0.0;
    double lo = INFINITY, mean = 0.0, m2 = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            continue;
        lo = fmin(lo, y[i]);
        m++;
        double delta = y[i] - mean;
        mean += delta / (double)m;
        m2 += delta * (y[i] - mean);
    }
    double sd = m ? sqrt(m2 / (double)m) : 0.0;
    if (m < 3 || !(sd > 1e-12 * fmax(1.0, fabs(mean))) || !isfinite(sd))
        return 1.0;
    double sum_log1p = 0.0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(y[i]))
            sum_log1p += log1p((y[i] - lo) / sd);
    /* golden-section search for the maximum on [LAMBDA_LO, LAMBDA_HI] */
    const double g = 0.61803398874989484820;
    double a = LAMBDA_LO, b = LAMBDA_HI;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = profile(y, n, lo, sd, c, sum_log1p), fd = profile(y, n, lo, sd, d, sum_log1p);
    for (int k = 0; k < GOLDEN_STEPS; k++) {
        if (fc >= fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = profile(y, n, lo, sd, c, sum_log1p);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = profile(y, n, lo, sd, d, sum_log1p);
        }
    }
    double lambda = 0.5 * (a + b);
    if (!isfinite(profile(y, n, lo, sd, lambda, sum_log1p)))
        return 1.0;
    double wmean = 0.0, wm2 = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            continue;
        y[i] = power((y[i] - lo) / sd, lambda);
        k++;
        double delta = y[i] - wmean;
        wmean += delta / (double)k;
        wm2 += delta * (y[i] - wmean);
    }
    /* d/dy of the standardized warped value: psi'(z) / (sd * sd_psi), with
     * psi'(z) = (1 + z)^(lambda - 1); of the standardized plain value: 1 / sd */
    *log_jacobian = (lambda - 1.0) * sum_log1p - 0.5 * (double)m * log(wm2 / (double)m);
    return lambda;
}
