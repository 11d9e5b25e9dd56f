/* Numerically stable pieces of the (truncated) standard normal distribution,
 * shared by the Parzen estimator: log CDF far into the tails, log of the mass
 * between two points, and sampling truncated to an interval. */
#ifndef OTTO_TRUNCNORM_H
#define OTTO_TRUNCNORM_H

#include "common/common.h"

/* log Phi(z), accurate for z down to about -1e150. */
double otto__log_ndtr(double z);
/* The standard normal quantile Phi^-1(p) for 0 < p < 1 (-inf/+inf at 0/1,
 * NaN outside); relative error near 1e-15. */
double otto__ndtri(double p);
/* log(Phi(b) - Phi(a)) for a <= b; -inf when a == b. */
double otto__log_gauss_mass(double a, double b);
/* A draw from N(mu, sigma^2) truncated to [lo, hi] (mu inside or near it). */
double otto__truncnorm_sample(otto_rng *r, double mu, double sigma, double lo, double hi);

#endif /* OTTO_TRUNCNORM_H */
