/* Sobol and Halton points by index (see lowdisc.h). Sobol: coordinate k of
 * point n is the XOR of the direction numbers v_k,j over the bits j set in
 * the Gray code of n, the order in which scipy's generator emits them. */
#include <math.h>
#include <pthread.h>

#include "lowdisc.h"
#include "sobol_table.h"

static uint32_t v[OTTO__SOBOL_DIMS][OTTO__SOBOL_BITS]; /* v_k,j scaled to 30 bits */
static pthread_once_t v_once = PTHREAD_ONCE_INIT;

/* The direction numbers from each dimension's polynomial and initial m
 * (Bratley and Fox's recurrence), computed once. */
static void init_directions(void)
{
    for (int j = 0; j < OTTO__SOBOL_BITS; j++)
        v[0][j] = 1;
    for (int k = 1; k < OTTO__SOBOL_DIMS; k++) {
        uint32_t p = otto__sobol_poly[k];
        int deg = 0;
        while ((p >> (deg + 1)) != 0)
            deg++;
        for (int j = 0; j < deg && j < OTTO__SOBOL_BITS; j++)
            v[k][j] = otto__sobol_m[k][j];
        for (int j = deg; j < OTTO__SOBOL_BITS; j++) {
            uint32_t x = v[k][j - deg], pow2 = 1;
            for (int i = 0; i < deg; i++) {
                pow2 <<= 1;
                if ((p >> (deg - 1 - i)) & 1)
                    x ^= pow2 * v[k][j - i - 1];
            }
            v[k][j] = x;
        }
    }
    for (int j = 0; j < OTTO__SOBOL_BITS; j++)
        for (int k = 0; k < OTTO__SOBOL_DIMS; k++)
            v[k][j] <<= OTTO__SOBOL_BITS - 1 - j;
}

size_t otto__sobol_max_dims(void) { return OTTO__SOBOL_DIMS; }

void otto__sobol_point(size_t d, uint64_t index, const uint32_t *shift, double *out)
{
    pthread_once(&v_once, init_directions);
    uint64_t gray = index ^ (index >> 1);
    for (size_t k = 0; k < d; k++) {
        uint32_t x = shift ? shift[k] & ((1u << OTTO__SOBOL_BITS) - 1) : 0;
        for (int j = 0; j < OTTO__SOBOL_BITS; j++)
            if ((gray >> j) & 1)
                x ^= v[k][j];
        out[k] = ldexp((double)x, -OTTO__SOBOL_BITS);
    }
}

static const uint16_t primes[] = {
    2,   3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,  59,  61,
    67,  71,  73,  79,  83,  89,  97,  101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151,
    157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251,
    257, 263, 269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359,
    367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463,
    467, 479, 487, 491, 499, 503, 509, 521, 523, 541};

size_t otto__halton_max_dims(void) { return sizeof primes / sizeof *primes; }

void otto__halton_point(size_t d, uint64_t index, const double *shift, double *out)
{
    for (size_t k = 0; k < d; k++) {
        double base = primes[k], f = 1.0 / base, x = 0;
        for (uint64_t n = index; n; n /= primes[k], f /= base)
            x += f * (double)(n % primes[k]);
        if (shift) {
            x += shift[k];
            x -= floor(x);
        }
        out[k] = x;
    }
}
