/* Output warping for the GP sampler: a monotone power transform of the
 * objective values (Yeo-Johnson, exponent by maximum likelihood) so that
 * values spread over orders of magnitude look Gaussian to the model. */
#ifndef OTTO_GP_WARP_H
#define OTTO_GP_WARP_H

#include <stddef.h>

/* In place over y[0..n-1] (minimized; infinities are left as they are for
 * the standardization that follows): z = (y - min) / sd over the finite
 * values, then psi_lambda(z) = ((1 + z)^lambda - 1) / lambda (log(1 + z) at
 * lambda = 0), with lambda in [-3, 3] maximizing the Gaussian profile
 * likelihood of the transformed values plus the log Jacobian
 * (lambda - 1) sum log(1 + z). Order is preserved. Fewer than 3 finite
 * values, or all equal, leave y unchanged. Returns lambda (1 when
 * unchanged). *log_jacobian receives what to add to the log likelihood of
 * the warped values, once standardized, to compare it with that of the
 * plain values standardized: the sum over the finite values of the log
 * derivative of the one map minus that of the other (0 when unchanged). */
double otto__gp_warp(double *y, size_t n, double *log_jacobian);

#endif /* OTTO_GP_WARP_H */
