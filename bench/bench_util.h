/* Helpers shared by the C benchmarks: a monotonic clock and a comparator for
 * taking medians of timings. */
#ifndef OTTO_BENCH_UTIL_H
#define OTTO_BENCH_UTIL_H

#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif /* OTTO_BENCH_UTIL_H */
