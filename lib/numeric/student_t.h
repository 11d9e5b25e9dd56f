/* The Student t distribution function, for Welch's test in lib/insight (see
 * student_t.c). */
#ifndef OTTO_NUMERIC_STUDENT_T_H
#define OTTO_NUMERIC_STUDENT_T_H

/* P(T <= t) for T ~ Student t with df > 0 degrees of freedom (any real df,
 * as Welch-Satterthwaite gives them); the normal CDF for df = +inf; NaN for
 * NaN arguments or df <= 0. Absolute error below 1e-13 for df up to 1000
 * (log Gamma's cancellation grows with df: 2e-12 at df = 1e6). */
double otto__student_t_cdf(double t, double df);

#endif /* OTTO_NUMERIC_STUDENT_T_H */
