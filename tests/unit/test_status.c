/* Status codes, their names and messages, the per-thread error message, and
 * the version functions. */
#include "../common.h"
#include "common/common.h"

static void every_code_has_a_name_and_text(void **state)
{
    (void)state;
    int codes[] = {
#define X_(name, value, text) value,
        OTTO_STATUS_MAP(X_)
#undef X_
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        assert_non_null(otto_strerror(codes[i]));
        assert_string_not_equal(otto_strerror(codes[i]), "unknown status");
        assert_string_not_equal(otto_status_name(codes[i]), "OTTO_UNKNOWN");
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(codes[i], codes[j]);
    }
    assert_string_equal(otto_status_name(OTTO_EDIST), "OTTO_EDIST");
    assert_string_equal(otto_strerror(12345), "unknown status");
    assert_string_equal(otto_status_name(-999), "OTTO_UNKNOWN");
}

static void error_message_says_what_was_wrong(void **state)
{
    (void)state;
    otto_study *s = make_study(1, OTTO_MINIMIZE, NULL, NULL);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t));
    double x;
    assert_status(otto_trial_suggest_float(t, "lr", 1.0, 0.5, 0, 0, &x), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "lr"));
    assert_non_null(strstr(otto_last_error_message(), "low"));
    /* successful calls leave the message alone */
    assert_ok(otto_trial_suggest_float(t, "lr", 0.1, 0.5, 0, 0, &x));
    assert_non_null(strstr(otto_last_error_message(), "lr"));
    otto_study_destroy(s);
}

/* A wrapped error keeps its cause whole, also when the cause fills the
 * buffer (formatting the message buffer into itself was undefined). */
static void wrapped_error_keeps_its_cause(void **state)
{
    (void)state;
    otto__error(OTTO_EIO, "fsync: %s", "No space left on device");
    assert_int_equal(otto__error_wrap(OTTO_EIO, "study_tell: trial %d was written", 7), OTTO_EIO);
    assert_string_equal(otto_last_error_message(),
                        "study_tell: trial 7 was written: fsync: No space left on device");
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    otto__error(OTTO_EIO, "%s", big);
    otto__error_wrap(OTTO_EIO, "outer");
    assert_true(strncmp(otto_last_error_message(), "outer: xxx", 10) == 0);
    assert_non_null(strstr(otto_last_error_message(), "..."));
    /* an allocation that fails says so, instead of leaving an older message */
    otto__error(OTTO_EINVAL, "stale");
    otto_allocator a;
    otto__alloc_default(&a);
    assert_null(otto__calloc(&a, SIZE_MAX / 2, 4));
    assert_non_null(strstr(otto_last_error_message(), "out of memory"));
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_int_equal(otto_version(), OTTO_VERSION_NUMBER);
    assert_string_equal(otto_version_string(), OTTO_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_a_name_and_text),
        cmocka_unit_test(error_message_says_what_was_wrong),
        cmocka_unit_test(wrapped_error_keeps_its_cause),
        cmocka_unit_test(version_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
