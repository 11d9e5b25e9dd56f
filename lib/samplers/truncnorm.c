/* Stable normal tail arithmetic for the Parzen estimator's truncated and
 * discretized kernels (see truncnorm.h). Kernels live in [0,1] with bandwidth
 * down to 1/100, so cells far in a kernel's tail (|z| ~ 100) are routine: the
 * plain erf differences would round to 0 there. */
#include <math.h>

#include "truncnorm.h"

#define LOG_SQRT_2PI 0.91893853320467274178

double otto__log_ndtr(double z)
{
    if (z > 6.0)
        return log1p(-0.5 * erfc(z / M_SQRT2));
    if (z > -20.0)
        return log(0.5 * erfc(-z / M_SQRT2));
    /* asymptotic series of the Mills ratio */
    double z2 = 1.0 / (z * z);
    double series = 1.0 - z2 * (1.0 - 3.0 * z2 * (1.0 - 5.0 * z2 * (1.0 - 7.0 * z2)));
    return -0.5 * z * z - log(-z) - LOG_SQRT_2PI + log(series);
}

/* log(1 - exp(x)) for x <= 0 */
static double log1mexp(double x)
{
    if (x >= 0.0)
        return -INFINITY;
    return x > -M_LN2 ? log(-expm1(x)) : log1p(-exp(x));
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
    return log1p(-0.5 * erfc(-a / M_SQRT2) - 0.5 * erfc(b / M_SQRT2));
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
