/* The R_d low-discrepancy sequence (Roberts 2018): x_i = frac(shift + i a)
 * with a_j = phi_d^-(j+1), where phi_d is the positive root of
 * x^(d+1) = x + 1. It needs no tables, works in any dimension and, unlike
 * Halton, has no correlated leading dimensions; a seeded random shift makes
 * runs with different seeds independent. */
#include <math.h>

#include "common/common.h"
#include "qmc.h"

static double golden_root(size_t d)
{
    double x = 2.0; /* Newton on x^(d+1) - x - 1, monotone from the right */
    for (int it = 0; it < 60; it++) {
        double p = pow(x, (double)d);
        double f = p * x - x - 1.0, fp = (double)(d + 1) * p - 1.0;
        double nx = x - f / fp;
        if (fabs(nx - x) < 1e-15)
            return nx;
        x = nx;
    }
    return x;
}

void otto__qmc_point(size_t d, uint64_t seed, uint64_t index, double *out)
{
    if (d == 0)
        return;
    double g = golden_root(d), a = 1.0;
    otto_rng shift;
    otto__rng_init(&shift, seed, 0x9e3779b97f4a7c15ull);
    for (size_t j = 0; j < d; j++) {
        a /= g;
        /* frac(s + i a) with i a reduced exactly enough: a < 1, i < 2^53 */
        double ia = fmod((double)index * a, 1.0);
        double v = otto_rng_uniform(&shift) + ia;
        out[j] = v - floor(v);
    }
}
