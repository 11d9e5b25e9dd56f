/* cmocka_lite's runner: runs a group of tests with their fixtures, ends a
 * test at its first failed assertion (longjmp back here), and prints what
 * cmocka prints, down to the summary lines. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka.h"

enum { PASS, FAIL, SKIP };

static jmp_buf *running; /* the test in progress, or NULL */

void print_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

void print_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

static void end_test(int how, const char *file, int line)
{
    if (how == FAIL)
        print_error("[   LINE   ] --- %s:%d: error: Failure!\n", file, line);
    if (!running) { /* an assertion outside a test (a group fixture): give up */
        print_error("[  ERROR   ] --- assertion outside a test\n");
        exit(1);
    }
    longjmp(*running, how);
}

void cml_check(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("[  ERROR   ] --- ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    end_test(FAIL, file, line);
}

void cml_int(int want_equal, uintmax_t a, uintmax_t b, const char *file, int line)
{
    if ((a == b) == want_equal)
        return;
    print_error("[  ERROR   ] --- %" PRIdMAX " (%#" PRIxMAX ") %s %" PRIdMAX " (%#" PRIxMAX ")\n",
                (intmax_t)a, a, want_equal ? "!=" : "==", (intmax_t)b, b);
    end_test(FAIL, file, line);
}

void cml_range(uintmax_t v, uintmax_t lo, uintmax_t hi, const char *file, int line)
{
    if (v >= lo && v <= hi)
        return;
    print_error("[  ERROR   ] --- %" PRIuMAX " is not within the range [%" PRIuMAX ", %" PRIuMAX
                "]\n",
                v, lo, hi);
    end_test(FAIL, file, line);
}

void cml_string(int want_equal, const char *a, const char *b, const char *file, int line)
{
    int equal = a && b ? strcmp(a, b) == 0 : a == b;
    if (equal == want_equal)
        return;
    print_error("[  ERROR   ] --- \"%s\" %s \"%s\"\n", a ? a : "(null)", want_equal ? "!=" : "==",
                b ? b : "(null)");
    end_test(FAIL, file, line);
}

void cml_memory(int want_equal, const void *a, const void *b, size_t n, const char *file,
                int line)
{
    int equal = a && b ? memcmp(a, b, n) == 0 : a == b;
    if (equal == want_equal)
        return;
    const unsigned char *x = a, *y = b;
    size_t at = 0;
    while (a && b && at < n && x[at] == y[at])
        at++;
    if (want_equal && a && b)
        print_error("[  ERROR   ] --- %zu bytes differ, first at byte %zu: %#x != %#x\n", n, at,
                    x[at], y[at]);
    else
        print_error("[  ERROR   ] --- %zu bytes %s\n", n, want_equal ? "differ" : "are equal");
    end_test(FAIL, file, line);
}

void cml_skip(const char *file, int line) { end_test(SKIP, file, line); }

void cml_fail(const char *file, int line) { end_test(FAIL, file, line); }

/* Run one fixture or test body; PASS, FAIL or SKIP. */
static int guarded(const struct CMUnitTest *t, CMFixtureFunction fixture, void **state)
{
    jmp_buf here;
    jmp_buf *volatile outer = running;
    volatile int how = PASS;
    running = &here;
    int jumped = setjmp(here);
    if (jumped)
        how = jumped;
    else if (fixture)
        how = fixture(state) == 0 ? PASS : FAIL;
    else
        t->test_func(state);
    running = outer;
    return how;
}

int cml_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                  CMFixtureFunction group_setup, CMFixtureFunction group_teardown)
{
    (void)name; /* cmocka 1.1 does not print it either */
    print_message("[==========] Running %zu test(s).\n", n);
    void *group_state = NULL;
    if (group_setup && guarded(NULL, group_setup, &group_state) != PASS) {
        print_error("[  ERROR   ] --- Group setup failed\n");
        print_message("[  FAILED  ] GROUP SETUP\n");
        return (int)n;
    }
    int *result = calloc(n ? n : 1, sizeof *result);
    if (!result) {
        print_error("[  ERROR   ] --- out of memory\n");
        return (int)n;
    }
    size_t passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < n; i++) {
        const struct CMUnitTest *t = &tests[i];
        void *state = t->initial_state ? t->initial_state : group_state;
        print_message("[ RUN      ] %s\n", t->name);
        int how = PASS;
        if (t->setup_func && guarded(t, t->setup_func, &state) != PASS) {
            print_error("[  ERROR   ] --- Test setup failed\n");
            how = FAIL;
        } else {
            how = guarded(t, NULL, &state);
            if (t->teardown_func && guarded(t, t->teardown_func, &state) != PASS) {
                print_error("[  ERROR   ] --- Test teardown failed\n");
                how = FAIL;
            }
        }
        result[i] = how;
        if (how == PASS) {
            passed++;
            print_message("[       OK ] %s\n", t->name);
        } else if (how == SKIP) {
            skipped++;
            print_message("[  SKIPPED ] %s\n", t->name);
        } else {
            failed++;
            print_message("[  FAILED  ] %s\n", t->name);
        }
    }
    if (group_teardown && guarded(NULL, group_teardown, &group_state) != PASS)
        print_error("[  ERROR   ] --- Group teardown failed\n");
    print_message("[==========] %zu test(s) run.\n", n);
    print_message("[  PASSED  ] %zu test(s).\n", passed);
    if (skipped) {
        print_message("[  SKIPPED ] %zu test(s), listed below:\n", skipped);
        for (size_t i = 0; i < n; i++)
            if (result[i] == SKIP)
                print_message("[  SKIPPED ] %s\n", tests[i].name);
    }
    if (failed) {
        print_message("[  FAILED  ] %zu test(s), listed below:\n", failed);
        for (size_t i = 0; i < n; i++)
            if (result[i] == FAIL)
                print_message("[  FAILED  ] %s\n", tests[i].name);
    }
    if (skipped)
        print_message("\n %zu SKIPPED TEST(S)\n", skipped);
    if (failed)
        print_message("\n %zu FAILED TEST(S)\n", failed);
    free(result);
    return (int)failed;
}
