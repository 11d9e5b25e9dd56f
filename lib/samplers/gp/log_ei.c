/* Log expected improvement without underflow (the facts from Ament et al.,
 * "Unexpected Improvements to Expected Improvement", NeurIPS 2023): for
 * z > -1, log h(z) directly; below, h(z) = phi(z) (1 - |z| R(z)) with the Mills
 * ratio R(z) = Phi(z)/phi(z) = sqrt(pi/2) erfcx(|z|/sqrt 2), and
 * 1 - |z| R(z) taken from its asymptotic series once |z| is large enough for
 * the direct difference to cancel. */
#include <math.h>

#include "log_ei.h"
#include "numeric/truncnorm.h"

#define INV_SQRT_PI 0.56418958354775628695

double otto__erfcx(double x)
{
    if (x < 26.0)
        return exp(x * x) * erfc(x);
    /* asymptotic: erfcx(x) = 1/(x sqrt pi) sum (-1)^k (2k-1)!! / (2x^2)^k */
    double t = 1.0 / (2.0 * x * x), term = 1.0, sum = 1.0;
    for (int k = 1; k < 8; k++) {
        term *= -(2.0 * k - 1.0) * t;
        sum += term;
    }
    return INV_SQRT_PI / x * sum;
}

/* 1 - |z| R(z) for z <= -1, i.e. h(z) / phi(z). */
static double one_minus_zr(double z)
{
    double a = -z;
    if (a < 40.0)
        return 1.0 - a * OTTO_SQRT_PI_OVER_2 * otto__erfcx(a / OTTO_SQRT2);
    /* series: 1/z^2 - 3/z^4 + 15/z^6 - 105/z^8 + 945/z^10 */
    double u = 1.0 / (a * a);
    return u * (1.0 + u * (-3.0 + u * (15.0 + u * (-105.0 + u * 945.0))));
}

double otto__log_h(double z)
{
    if (z > -1.0) {
        double h = exp(-0.5 * z * z - OTTO_LOG_SQRT_2PI) + z * 0.5 * erfc(-z / OTTO_SQRT2);
        return log(h);
    }
    return -0.5 * z * z - OTTO_LOG_SQRT_2PI + log(one_minus_zr(z));
}

double otto__dlog_ndtr(double z)
{
    if (z > -1.0)
        return exp(-0.5 * z * z - OTTO_LOG_SQRT_2PI - otto__log_ndtr(z));
    /* phi/Phi = 1 / R(z) */
    return 1.0 / (OTTO_SQRT_PI_OVER_2 * otto__erfcx(-z / OTTO_SQRT2));
}

double otto__dlog_h(double z)
{
    if (z > -1.0)
        return exp(otto__log_ndtr(z) - otto__log_h(z));
    /* Phi/h = R(z) / (1 - |z| R(z)) */
    return OTTO_SQRT_PI_OVER_2 * otto__erfcx(-z / OTTO_SQRT2) / one_minus_zr(z);
}
