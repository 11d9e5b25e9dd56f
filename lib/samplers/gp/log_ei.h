/* Numerically stable log expected improvement and log normal CDF for the GP
 * sampler's acquisition function (see log_ei.c). */
#ifndef OTTO_LOG_EI_H
#define OTTO_LOG_EI_H

/* log h(z) with h(z) = phi(z) + z Phi(z), the expected improvement of a
 * standard normal over -z: EI = sigma h((best - mean) / sigma). Accurate to
 * near double precision for all finite z, including z far below -1e8. */
double otto__log_h(double z);
/* d/dz log h(z) = Phi(z) / h(z), computed without cancellation. */
double otto__dlog_h(double z);
/* d/dz log Phi(z) = phi(z) / Phi(z) (log Phi itself is otto__log_ndtr in
 * truncnorm.h). */
double otto__dlog_ndtr(double z);
/* erfcx(x) = exp(x^2) erfc(x) for x >= 0. */
double otto__erfcx(double x);

#endif /* OTTO_LOG_EI_H */
