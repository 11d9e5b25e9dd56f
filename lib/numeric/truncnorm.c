/* Stable normal tail arithmetic for the Parzen estimator's truncated and
 * discretized kernels (see truncnorm.h). Kernels live in [0,1] with bandwidth
 * down to 1/100, so cells far in a kernel's tail (|z| ~ 100) are routine: the
 * plain erf differences would round to 0 there. */
#include <math.h>

#include "truncnorm.h"

#define OTTO_LOG_SQRT_2PI 0.91893853320467274178

double otto__log_ndtr(double z)
{
    if (z > 6.0)
        return log1p(-0.5 * erfc(z / OTTO_SQRT2));
    if (z > -20.0)
        return log(0.5 * erfc(-z / OTTO_SQRT2));
    /* asymptotic series of the Mills ratio */
    double z2 = 1.0 / (z * z);
    double series = 1.0 - z2 * (1.0 - 3.0 * z2 * (1.0 - 5.0 * z2 * (1.0 - 7.0 * z2)));
    return -0.5 * z * z - log(-z) - OTTO_LOG_SQRT_2PI + log(series);
}

/* log(1 - exp(x)) for x <= 0 */
static double log1mexp(double x)
{
    if (x >= 0.0)
        return -INFINITY;
    return x > -OTTO_LN2 ? log(-expm1(x)) : log1p(-exp(x));
}

double otto__log_gauss_mass(double a, double b)
{
    if (!(a < b))
        return -INFINITY;
    if (b <= 0.0) {
        double lb = otto__log_ndtr(b);
        return lb + log1mexp(otto__log_ndtr(a) - lb);
    }
    if (a >= 0.0)
        return otto__log_gauss_mass(-b, -a);
    /* a < 0 < b: the mass is at least Phi(b) - 1/2, no cancellation */
    return log1p(-0.5 * erfc(-a / OTTO_SQRT2) - 0.5 * erfc(b / OTTO_SQRT2));
}

double otto__truncnorm_sample(otto_rng *r, double mu, double sigma, double lo, double hi)
{
    /* With mu inside [lo, hi] at least ~1/3 of the mass is inside for the
     * bandwidths TPE uses, so rejection ends fast; the cap is a safeguard. */
    for (int i = 0; i < 200; i++) {
        double x = mu + sigma * otto_rng_normal(r);
        if (x >= lo && x <= hi)
            return x;
    }
    return fmin(fmax(mu, lo), hi);
}

/* Acklam's rational approximation (relative error 1.2e-9), then one Halley
 * step on Phi(x) - p, which brings it to about machine precision. */
double otto__ndtri(double p)
{
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    double x, q = fmin(p, 1.0 - p);
    if (q < 0.02425) {
        double t = sqrt(-2.0 * log(q));
        x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
            ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0);
    } else {
        double u = q - 0.5, r = u * u;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * u /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    /* x approximates Phi^-1(q) <= 0; refine against the lower tail q */
    double e = 0.5 * erfc(-x / OTTO_SQRT2) - q;
    double u = e * sqrt(2.0 * OTTO_PI) * exp(0.5 * x * x);
    x = x - u / (1.0 + 0.5 * x * u);
    return p > 0.5 ? -x : x;
}
