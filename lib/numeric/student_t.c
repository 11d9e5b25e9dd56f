/* Student t CDF through the regularized incomplete beta function:
 * P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t^2), the beta function
 * evaluated by its continued fraction (modified Lentz) on the side where it
 * converges fast. log Gamma is computed here (Stirling's series after a
 * shift) rather than by lgamma, which writes the global signgam. */
#include <math.h>

#include "numeric/student_t.h"

/* log Gamma(x) for x > 0: shift to x >= 12, then Stirling's series. */
static double log_gamma(double x)
{
    double shift = 0.0;
    while (x < 12.0) {
        shift += log(x);
        x += 1.0;
    }
    double z = 1.0 / (x * x);
    double series = (1.0 / 12.0 -
                     z * (1.0 / 360.0 - z * (1.0 / 1260.0 - z * (1.0 / 1680.0 - z / 1188.0)))) /
                    x;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 + series - shift;
}

/* Continued fraction of I_x(a, b) (without its prefactor). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < eps)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double inc_beta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double lbt = log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lbt) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

double otto__student_t_cdf(double t, double df)
{
    if (isnan(t) || isnan(df) || !(df > 0.0))
        return NAN;
    if (isinf(df))
        return 0.5 * erfc(-t / 1.41421356237309504880);
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    double x = df / (df + t * t);
    double tail = 0.5 * inc_beta(0.5 * df, 0.5, x); /* P(T > |t|) */
    return t > 0 ? 1.0 - tail : tail;
}
