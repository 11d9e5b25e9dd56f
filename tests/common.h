/* Shared helpers for otto's cmocka tests: assert_close for doubles (Debian's
 * cmocka 1.1.5 has no assert_double_equal), a log capture, and small study
 * constructors. */
#ifndef OTTO_TEST_COMMON_H
#define OTTO_TEST_COMMON_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <otto/otto.h>

#include "common/mathconst.h" /* OTTO_PI and friends: M_PI is POSIX, not C */

#define assert_close(a, b, tol)                                                        \
    do {                                                                               \
        double a_ = (a), b_ = (b), t_ = (tol);                                         \
        if (!(fabs(a_ - b_) <= t_)) {                                                  \
            print_error("%s = %.17g, %s = %.17g, differ by more than %g\n", #a, a_, #b, \
                        b_, t_);                                                       \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#define assert_ok(expr)                                                                  \
    do {                                                                                 \
        int rc_ = (expr);                                                                \
        if (rc_ != OTTO_OK) {                                                            \
            print_error("%s returned %s: %s\n", #expr, otto_status_name(rc_),            \
                        otto_last_error_message());                                      \
            fail();                                                                      \
        }                                                                                \
    } while (0)

#define assert_status(expr, code) assert_int_equal((expr), (code))

/* Collects log lines so tests can assert that a warning was logged. */
typedef struct log_capture {
    int n_warnings;
    int n_total;
    char last[512];
} log_capture;

static inline void capture_log(otto_log_level level, const char *msg, void *ud)
{
    log_capture *c = ud;
    c->n_total++;
    if (level == OTTO_LEVEL_WARNING)
        c->n_warnings++;
    snprintf(c->last, sizeof c->last, "%s", msg);
}

/* A seeded single-objective study with the given sampler (NULL: the default,
 * TPE). */
static inline otto_study *make_study(uint64_t seed, otto_direction dir, otto_sampler *sampler,
                                     log_capture *logs)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.direction = dir;
    so.sampler = sampler;
    if (logs) {
        so.log_fn = capture_log;
        so.log_user_data = logs;
    }
    otto_study *s = NULL;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

/* A seeded study with the random sampler, for tests of the core. */
static inline otto_study *make_random_study(uint64_t seed, otto_direction dir, log_capture *logs)
{
    otto_sampler *sm = NULL;
    assert_ok(otto_sampler_random_create(NULL, &sm));
    return make_study(seed, dir, sm, logs);
}

#endif /* OTTO_TEST_COMMON_H */
