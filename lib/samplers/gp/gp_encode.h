/* How a Gaussian-process model of otto reads one param value, shared by the
 * GP sampler (gp.c) and the study insight layer (lib/insight) so that both
 * models see a trial alike. */
#ifndef OTTO_GP_ENCODE_H
#define OTTO_GP_ENCODE_H

#include <otto/space.h>

/* The coordinate of an internal value: for a categorical, its choice index
 * (the kernel compares categoricals by Hamming distance); for float and int
 * params, its unit-cube coordinate (log params in log space, int and step
 * params at the centre of their cell). 1 on success; 0 (and *coord
 * untouched) when the value lies outside d, as a value of a trial evaluated
 * under an older range may. */
int otto__gp_encode(const otto_distribution *d, double internal, double *coord);

#endif /* OTTO_GP_ENCODE_H */
