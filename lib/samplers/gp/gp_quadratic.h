/* The quadratic step of the GP sampler's local steps: a full quadratic
 * fitted by least squares to the trials nearest the best one, and its
 * minimizer inside the region those trials span, as the next point. */
#ifndef OTTO_GP_QUADRATIC_H
#define OTTO_GP_QUADRATIC_H

#include <stddef.h>

#include "common/common.h"

/* The number of coefficients of a full quadratic in d dims:
 * 1 + d + d (d + 1) / 2. */
#define OTTO__GP_QUADRATIC_TERMS(d) (1 + (d) + (d) * ((d) + 1) / 2)

/* Fits q(u) = c + g.u + u.H.u / 2 to the k points u (k x d, row-major) with
 * values t by least squares (k >= OTTO__GP_QUADRATIC_TERMS(d); the caller
 * scales u to about [-1, 1] and t to about unit size, which keeps the
 * normal equations well conditioned), and puts in step the minimizer of q
 * over the trust region |u| <= radius (the points span about radius 1):
 * the Newton step -H^{-1} g when H is a bowl whose bottom lies inside, else
 * a point on the boundary (flat, falling or ill-fitted directions
 * included). *found = 1 then; OTTO_ENUMERIC when the fit fails (a singular
 * design or values that are not finite), OTTO_EINVAL with too few points or
 * a radius that is not positive, OTTO_ENOMEM; *found = 0 on every error. */
int otto__gp_quadratic_step(const otto_allocator *a, size_t d, size_t k, const double *u,
                            const double *t, double radius, double *step, int *found);

#endif /* OTTO_GP_QUADRATIC_H */
