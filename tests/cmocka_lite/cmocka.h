/* cmocka_lite: the part of cmocka's API otto's tests use, for builds where
 * cmocka itself is missing (Debian ships no mingw-w64 or WebAssembly cmocka).
 * Same names, same semantics (a failed assertion ends the test through
 * longjmp, setup and teardown fixtures, group fixtures), cmocka's output. */
#ifndef OTTO_CMOCKA_LITE_H
#define OTTO_CMOCKA_LITE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* messages are formatted by a C99 printf (mingw-w64's own on Windows) */
#if defined(__MINGW32__)
#define CML_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
#define CML_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CML_PRINTF(f, a)
#endif

typedef void (*CMUnitTestFunction)(void **state);
typedef int (*CMFixtureFunction)(void **state);

struct CMUnitTest {
    const char *name;
    CMUnitTestFunction test_func;
    CMFixtureFunction setup_func;
    CMFixtureFunction teardown_func;
    void *initial_state;
};

#define cmocka_unit_test(f) {#f, f, NULL, NULL, NULL}
#define cmocka_unit_test_setup(f, setup) {#f, f, setup, NULL, NULL}
#define cmocka_unit_test_teardown(f, teardown) {#f, f, NULL, teardown, NULL}
#define cmocka_unit_test_setup_teardown(f, setup, teardown) {#f, f, setup, teardown, NULL}
#define cmocka_unit_test_prestate(f, state) {#f, f, NULL, NULL, state}

#define cmocka_run_group_tests(tests, group_setup, group_teardown)                              \
    cml_run_group(#tests, tests, sizeof(tests) / sizeof((tests)[0]), group_setup, group_teardown)
#define cmocka_run_group_tests_name(name, tests, group_setup, group_teardown)                   \
    cml_run_group(name, tests, sizeof(tests) / sizeof((tests)[0]), group_setup, group_teardown)

int cml_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                  CMFixtureFunction group_setup, CMFixtureFunction group_teardown);

/* Assertions: each ends the running test on failure (as cmocka, integers
 * are compared as uintmax_t). */
void cml_check(int ok, const char *file, int line, const char *fmt, ...)
    CML_PRINTF(4, 5);
void cml_int(int want_equal, uintmax_t a, uintmax_t b, const char *file, int line);
void cml_range(uintmax_t v, uintmax_t lo, uintmax_t hi, const char *file, int line);
void cml_string(int want_equal, const char *a, const char *b, const char *file, int line);
void cml_memory(int want_equal, const void *a, const void *b, size_t n, const char *file,
                int line);
void cml_skip(const char *file, int line);
void cml_fail(const char *file, int line);
void print_message(const char *fmt, ...)
    CML_PRINTF(1, 2);
void print_error(const char *fmt, ...)
    CML_PRINTF(1, 2);

#define assert_true(c) cml_check(!!(c), __FILE__, __LINE__, "%s", #c)
#define assert_false(c) cml_check(!(c), __FILE__, __LINE__, "%s", #c)
#define assert_non_null(p) cml_check((p) != NULL, __FILE__, __LINE__, "%s is NULL", #p)
#define assert_null(p) cml_check((p) == NULL, __FILE__, __LINE__, "%s is not NULL", #p)
#define assert_ptr_equal(a, b)                                                                 \
    cml_check((const void *)(a) == (const void *)(b), __FILE__, __LINE__, "%s != %s", #a, #b)
#define assert_int_equal(a, b) cml_int(1, (uintmax_t)(a), (uintmax_t)(b), __FILE__, __LINE__)
#define assert_int_not_equal(a, b) cml_int(0, (uintmax_t)(a), (uintmax_t)(b), __FILE__, __LINE__)
#define assert_in_range(v, lo, hi)                                                             \
    cml_range((uintmax_t)(v), (uintmax_t)(lo), (uintmax_t)(hi), __FILE__, __LINE__)
#define assert_string_equal(a, b) cml_string(1, (a), (b), __FILE__, __LINE__)
#define assert_string_not_equal(a, b) cml_string(0, (a), (b), __FILE__, __LINE__)
#define assert_memory_equal(a, b, n) cml_memory(1, (a), (b), (n), __FILE__, __LINE__)
#define assert_memory_not_equal(a, b, n) cml_memory(0, (a), (b), (n), __FILE__, __LINE__)
#define skip() cml_skip(__FILE__, __LINE__)
#define fail() cml_fail(__FILE__, __LINE__)
#define fail_msg(...)                                                                          \
    do {                                                                                       \
        print_error("ERROR: " __VA_ARGS__);                                                    \
        print_error("\n");                                                                     \
        fail();                                                                                \
    } while (0)

#endif /* OTTO_CMOCKA_LITE_H */
