/* Branch-free exp and erfc for the Parzen estimator's inner loops, written so
 * compilers vectorize them (no calls, no data-dependent branches).
 * otto__exp: Cody-Waite reduction and a degree-12 Taylor polynomial, relative
 * error below 1e-15 on [-708, 709] (inputs are clamped to it).
 * otto__erfc_pos: the Chebyshev-fitted form t*exp(-z^2 + P(t)), t = 1/(1+z/2)
 * (Numerical Recipes' erfcc), relative error below 1.2e-7, for z >= 0; it
 * serves kernel normalizers, where that accuracy is far more than enough. */
#ifndef OTTO_FASTMATH_H
#define OTTO_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline double otto__exp(double x)
{
    const double shift = 0x1.8p52, log2e = 1.4426950408889634;
    const double ln2_hi = 0.6931471803691238, ln2_lo = 1.9082149292705877e-10;
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    double kd = x * log2e + shift; /* round to nearest: k sits in the low bits */
    uint64_t kb;
    memcpy(&kb, &kd, sizeof kb);
    kd -= shift;
    double r = (x - kd * ln2_hi) - kd * ln2_lo; /* |r| <= ln2 / 2 */
    double p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t sb = (kb + 1023u) << 52; /* 2^k */
    double s;
    memcpy(&s, &sb, sizeof s);
    return p * s;
}

static inline double otto__erfc_pos(double z)
{
    double t = 1.0 / (1.0 + 0.5 * z);
    double p = 0.17087277;
    p = p * t - 0.82215223;
    p = p * t + 1.48851587;
    p = p * t - 1.13520398;
    p = p * t + 0.27886807;
    p = p * t - 0.18628806;
    p = p * t + 0.09678418;
    p = p * t + 0.37409196;
    p = p * t + 1.00002368;
    p = p * t - 1.26551223;
    return t * otto__exp(-z * z + p);
}

#endif /* OTTO_FASTMATH_H */
