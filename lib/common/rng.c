/* Random numbers: xoshiro256** streams seeded by splitmix64 from (seed,
 * stream), so every trial number gets its own reproducible stream. Uniform
 * integers use Lemire's unbiased multiply-shift rejection; normals use the
 * polar Box-Muller method. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void otto__rng_init(otto_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream through its own splitmix step first so that adjacent
     * (seed, stream) pairs do not produce overlapping splitmix sequences. */
    uint64_t s = stream;
    uint64_t x = seed ^ splitmix64(&s);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1; /* the all-zero state is a fixed point */
}

static void null_stream(const char *fn)
{
    otto__error(OTTO_EINVAL, "%s: the stream is NULL (otto_trial_rng of a finished trial?)", fn);
}

uint64_t otto_rng_next(otto_rng *r)
{
    if (!r) {
        null_stream("rng_next");
        return 0;
    }
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double otto_rng_uniform(otto_rng *r)
{
    if (!r) {
        null_stream("rng_uniform");
        return NAN;
    }
    return (double)(otto_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t otto_rng_below(otto_rng *r, uint64_t n)
{
    if (!r) {
        null_stream("rng_below");
        return 0;
    }
    if (n == 0)
        return 0;
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)otto_rng_next(r) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = -n % n;
        while (low < threshold) {
            m = (u128)otto_rng_next(r) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
#else
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = otto_rng_next(r);
    while (x >= limit);
    return x % n;
#endif
}

double otto_rng_normal(otto_rng *r)
{
    if (!r) {
        null_stream("rng_normal");
        return NAN;
    }
    double u, v, q;
    do {
        u = 2.0 * otto_rng_uniform(r) - 1.0;
        v = 2.0 * otto_rng_uniform(r) - 1.0;
        q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    return u * sqrt(-2.0 * log(q) / q);
}

uint64_t otto__hash_bytes(const void *p, size_t n)
{
    /* FNV-1a, then a splitmix finalizer for better high bits. */
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return splitmix64(&h);
}

int otto__entropy64(uint64_t *out)
{
    *out = 0;
    if (otto__os_entropy(out, sizeof *out))
        return otto__error(OTTO_EIO, "cannot read the operating system's entropy for a fresh "
                                     "seed (%s); give a seed",
                           otto__os_reason());
    return OTTO_OK;
}
