/* Quasi-random points in the unit cube for space-filling start-up designs and
 * acquisition sweeps (see qmc.c). */
#ifndef OTTO_NUMERIC_QMC_H
#define OTTO_NUMERIC_QMC_H

#include <stddef.h>
#include <stdint.h>

/* Point `index` of the d-dimensional Kronecker (R_d) sequence, shifted by a
 * pseudo-random offset derived from `seed` (Cranley-Patterson rotation), into
 * out[0..d). Any index gives a point; consecutive indices fill the cube evenly
 * in every dimension count. */
void otto__qmc_point(size_t d, uint64_t seed, uint64_t index, double *out);

#endif /* OTTO_NUMERIC_QMC_H */
