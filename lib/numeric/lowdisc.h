/* Low-discrepancy sequences by index, for the QMC sampler: Sobol (Joe-Kuo
 * direction numbers, as scipy.stats.qmc.Sobol without scrambling, 30 bits)
 * and Halton (radical inverses in the first primes). Point 0 is the origin
 * of both. Random access: point n needs no state. */
#ifndef OTTO_LOWDISC_H
#define OTTO_LOWDISC_H

#include <stddef.h>
#include <stdint.h>

#define OTTO__SOBOL_BITS 30

/* The largest dimension count each sequence offers. */
size_t otto__sobol_max_dims(void);
size_t otto__halton_max_dims(void);

/* Point `index` (< 2^30 for Sobol) of the d-dimensional sequence into
 * out[0..d), each in [0, 1). shift (NULL: none) scrambles it: Sobol XORs
 * shift[k] (30-bit integers) into coordinate k (a digital shift); Halton adds
 * shift[k] (in [0, 1)) modulo 1 (a Cranley-Patterson rotation). */
void otto__sobol_point(size_t d, uint64_t index, const uint32_t *shift, double *out);
void otto__halton_point(size_t d, uint64_t index, const double *shift, double *out);

#endif /* OTTO_LOWDISC_H */
