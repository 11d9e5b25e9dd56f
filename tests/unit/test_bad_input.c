/* Bad input at the boundaries of <otto/limits.h> gets the exact status, the
 * same with and without a storage, and never a crash: float ranges that
 * overflow, steps that underflow, int bounds past 2^53, options sizes,
 * invalid UTF-8, oversized strings, and handles used twice or NULL. */
#include <float.h>
#include <stdlib.h>

#include "../common.h"
#include "../testos.h"
#include "core/internal.h"

static otto_study *memory_study(void) { return make_random_study(1, OTTO_MINIMIZE, NULL); }

static otto_trial *ask(otto_study *s)
{
    otto_trial *t = NULL;
    assert_ok(otto_study_ask(s, &t));
    return t;
}

static void float_ranges_that_overflow_are_refused(void **state)
{
    (void)state;
    otto_study *s = memory_study();
    otto_trial *t = ask(s);
    double v;
    assert_status(otto_trial_suggest_float(t, "x", -DBL_MAX, DBL_MAX, 0, 0, &v), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "high - low must be finite"));
    assert_status(otto_trial_suggest_float(t, "x", -1e308, 1e308, 0, 0, &v), OTTO_EINVAL);
    /* the widest range that fits is accepted and samples inside it */
    assert_ok(otto_trial_suggest_float(t, "y", -DBL_MAX / 2, DBL_MAX / 2, 0, 0, &v));
    assert_true(v >= -DBL_MAX / 2 && v <= DBL_MAX / 2 && v != DBL_MAX / 2);
    /* a step that leaves more than 2^53 cells */
    assert_status(otto_trial_suggest_float(t, "z", 0, 1, 1e-308, 0, &v), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "2^53"));
    assert_status(otto_trial_suggest_float(t, "z", 0, 1, 0x1p-54, 0, &v), OTTO_EINVAL);
    assert_ok(otto_trial_suggest_float(t, "z", 0, 1, 0x1p-53, 0, &v));
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_study_destroy(s);
}

static void int_bounds_past_2_53_are_refused(void **state)
{
    (void)state;
    otto_study *s = memory_study();
    otto_trial *t = ask(s);
    const int64_t lim = (int64_t)1 << 53;
    int64_t v;
    assert_status(otto_trial_suggest_int(t, "i", 0, lim + 1, 1, 0, &v), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "2^53"));
    assert_status(otto_trial_suggest_int(t, "i", -lim - 1, 0, 1, 0, &v), OTTO_EINVAL);
    assert_status(otto_trial_suggest_int(t, "i", INT64_MIN, INT64_MAX, 1, 0, &v), OTTO_EINVAL);
    assert_status(otto_trial_suggest_int(t, "i", 0, 10, lim + 1, 0, &v), OTTO_EINVAL);
    assert_ok(otto_trial_suggest_int(t, "i", -lim, lim, 1, 0, &v));
    assert_true(v >= -lim && v <= lim);
    otto_space *sp = NULL;
    assert_ok(otto_space_create(&sp));
    assert_status(otto_space_add_int(sp, "i", 0, lim + 1, 1, 0), OTTO_EINVAL);
    assert_status(otto_space_add_float(sp, "f", -DBL_MAX, DBL_MAX, 0, 0), OTTO_EINVAL);
    otto_space_destroy(sp);
    double y = 0;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
    otto_study_destroy(s);
}

/* An options struct whose size field is garbage: refused without reading
 * its tail (ASan would see a read past the 64-byte buffer). */
static void options_with_a_garbage_size_are_refused(void **state)
{
    (void)state;
    unsigned char *buf = calloc(1, sizeof(otto_study_options));
    otto_study_options *so = (otto_study_options *)buf;
    otto_study_options_init(so);
    otto_study *s = NULL;
    so->size = 4096;
    assert_status(otto_study_create(so, &s), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "OTTO_OPTIONS_SIZE_MAX"));
    so->size = SIZE_MAX;
    assert_status(otto_study_create(so, &s), OTTO_EINVAL);
    assert_null(s);
    otto_tpe_options to;
    otto_tpe_options_init(&to);
    to.size = SIZE_MAX;
    otto_sampler *sm = NULL;
    assert_status(otto_sampler_tpe_create(&to, &sm), OTTO_EINVAL);
    free(buf);
    /* a newer caller's larger struct with a zero tail, under the bound, works */
    unsigned char big[OTTO_OPTIONS_SIZE_MAX] = {0};
    otto_study_options_init_sized((otto_study_options *)big, sizeof big);
    assert_int_equal(((otto_study_options *)big)->size, sizeof(otto_study_options));
    ((otto_study_options *)big)->size = sizeof big;
    assert_ok(otto_study_create((otto_study_options *)big, &s));
    otto_study_destroy(s);
    big[sizeof big - 1] = 1; /* a field this library does not know */
    assert_status(otto_study_create((otto_study_options *)big, &s), OTTO_EINVAL);
}

static const char *const bad_utf8[] = {
    "\xff",             /* never valid */
    "ab\x80",           /* lone continuation byte */
    "\xc0\xaf",         /* overlong '/' */
    "\xe0\x80\xaf",     /* overlong, 3 bytes */
    "\xed\xa0\x80",     /* surrogate U+D800 */
    "\xf4\x90\x80\x80", /* above U+10FFFF */
    "\xe2\x82",         /* truncated euro sign */
};

static void names_and_labels_must_be_utf8(void **state)
{
    (void)state;
    otto_study *s = memory_study();
    otto_trial *t = ask(s);
    double v;
    int64_t i;
    size_t k;
    for (size_t b = 0; b < sizeof bad_utf8 / sizeof *bad_utf8; b++) {
        const char *bad = bad_utf8[b];
        assert_status(otto_trial_suggest_float(t, bad, 0, 1, 0, 0, &v), OTTO_EINVAL);
        assert_non_null(strstr(otto_last_error_message(), "UTF-8"));
        assert_status(otto_trial_suggest_int(t, bad, 0, 1, 1, 0, &i), OTTO_EINVAL);
        const char *choices[] = {"ok", bad};
        assert_status(otto_trial_suggest_categorical(t, bad, choices, 1, &k), OTTO_EINVAL);
        assert_status(otto_trial_suggest_categorical(t, "c", choices, 2, &k), OTTO_EINVAL);
        assert_status(otto_trial_set_user_attr(t, bad, "v"), OTTO_EINVAL);
        assert_status(otto_trial_set_user_attr(t, "k", bad), OTTO_EINVAL);
        assert_status(otto_trial_set_system_attr(t, "k", bad), OTTO_EINVAL);
        assert_status(otto_study_set_user_attr(s, bad, "v"), OTTO_EINVAL);
        assert_status(otto_study_set_user_attr(s, "k", bad), OTTO_EINVAL);
        otto_param_value pv = {bad, OTTO_VALUE_NUMBER, 1.0, NULL};
        assert_status(otto_study_enqueue_trial(s, &pv, 1), OTTO_EINVAL);
        otto_param_value pl = {"c", OTTO_VALUE_LABEL, 0, bad};
        assert_status(otto_study_enqueue_trial(s, &pl, 1), OTTO_EINVAL);
        otto_study_options so;
        otto_study_options_init(&so);
        so.name = bad;
        otto_study *s2 = NULL;
        assert_status(otto_study_create(&so, &s2), OTTO_EINVAL);
    }
    /* valid multi-byte text of every length is accepted */
    const char *good = "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb2 \xf4\x8f\xbf\xbf";
    assert_ok(otto_trial_suggest_float(t, good, 0, 1, 0, 0, &v));
    const char *choices[] = {good, ""};
    assert_ok(otto_trial_suggest_categorical(t, "c", choices, 2, &k));
    assert_ok(otto_trial_set_user_attr(t, good, ""));
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_study_destroy(s);
}

/* A name over OTTO_TEXT_MAX and labels over OTTO_CHOICES_TEXT_MAX are
 * OTTO_EINVAL with the limit named, in memory and in a journal alike, and
 * the message stays short. */
static void oversized_strings(otto_study *s)
{
    size_t n = (size_t)OTTO_TEXT_MAX + 1;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    otto_trial *t = ask(s);
    double v;
    size_t k;
    assert_status(otto_trial_suggest_float(t, big, 0, 1, 0, 0, &v), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "OTTO_TEXT_MAX"));
    assert_true(strlen(otto_last_error_message()) < 512);
    assert_status(otto_trial_set_user_attr(t, "k", big), OTTO_EINVAL);
    assert_status(otto_study_set_user_attr(s, "k", big), OTTO_EINVAL);
    big[n - 1] = 0; /* exactly OTTO_TEXT_MAX: accepted */
    assert_ok(otto_trial_set_user_attr(t, "k", big));
    /* nine labels of 1 MiB - 1 are over 8 MiB together */
    big[OTTO_TEXT_MAX - 1] = 0;
    const char *labels[9];
    char *own[9];
    for (int j = 0; j < 9; j++) {
        own[j] = strdup(big);
        own[j][0] = (char)('0' + j);
        labels[j] = own[j];
    }
    assert_status(otto_trial_suggest_categorical(t, "c", labels, 9, &k), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "OTTO_CHOICES_TEXT_MAX"));
    assert_ok(otto_trial_suggest_categorical(t, "c", labels, 7, &k));
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    for (int j = 0; j < 9; j++)
        free(own[j]);
    free(big);
}

static void oversized_strings_are_einval_in_memory(void **state)
{
    (void)state;
    otto_study *s = memory_study();
    oversized_strings(s);
    otto_study_destroy(s);
}

static void oversized_strings_are_einval_in_a_journal(void **state)
{
    (void)state;
    char dir[1024], path[1100];
    assert_int_equal(testos_mkdtemp(dir, sizeof dir, "otto-bad-input"), 0);
    snprintf(path, sizeof path, "%s/j.otto", dir);
    otto_storage *st = NULL;
    assert_ok(otto_storage_journal_open(path, NULL, &st));
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = st;
    so.name = "big";
    otto_sampler *sm = NULL;
    assert_ok(otto_sampler_random_create(NULL, &sm));
    so.sampler = sm;
    otto_study *s = NULL;
    assert_ok(otto_study_create(&so, &s));
    otto_storage_close(st);
    oversized_strings(s);
    otto_study_destroy(s);
    /* the told trial, with its 1 MiB attribute and 7 MiB of labels, reads back */
    assert_ok(otto_storage_journal_open(path, NULL, &st));
    so.open_mode = OTTO_OPEN_LOAD;
    so.sampler = NULL;
    so.storage = st;
    assert_ok(otto_study_create(&so, &s));
    otto_storage_close(st);
    assert_int_equal(otto_study_trial_count(s), 1);
    const otto_trial *t = NULL;
    assert_ok(otto_study_trial(s, 0, &t));
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
    const char *label = NULL;
    assert_ok(otto_trial_param_label(t, "c", &label));
    assert_int_equal(strlen(label), OTTO_TEXT_MAX - 1);
    otto_study_destroy(s);
    assert_int_equal(testos_rmtree(dir), 0);
}

static void a_sampler_or_pruner_has_one_owner(void **state)
{
    (void)state;
    otto_sampler *sm = NULL;
    otto_pruner *pr = NULL;
    assert_ok(otto_sampler_random_create(NULL, &sm));
    assert_ok(otto_pruner_median_create(NULL, &pr));
    otto_study_options so;
    otto_study_options_init(&so);
    so.sampler = sm;
    so.pruner = pr;
    otto_study *a = NULL, *b = NULL;
    assert_ok(otto_study_create(&so, &a));
    assert_status(otto_study_create(&so, &b), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "another study"));
    assert_null(b);
    so.pruner = NULL;
    assert_status(otto_study_create(&so, &b), OTTO_EINVAL);
    so.sampler = NULL;
    so.pruner = pr;
    assert_status(otto_study_create(&so, &b), OTTO_EINVAL);
    /* the first study still works with both (ASan: nothing was freed) */
    otto_trial *t = ask(a);
    double v;
    int prune;
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &v));
    assert_ok(otto_trial_report(t, 0, v));
    assert_ok(otto_trial_should_prune(t, &prune));
    assert_ok(otto_study_tell(a, t, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_study_destroy(a);
}

static void null_streams_and_unknown_kinds(void **state)
{
    (void)state;
    assert_true(isnan(otto_rng_uniform(NULL)));
    assert_non_null(strstr(otto_last_error_message(), "NULL"));
    assert_true(isnan(otto_rng_normal(NULL)));
    assert_int_equal(otto_rng_below(NULL, 10), 0);
    assert_int_equal(otto_rng_next(NULL), 0);
    otto_distribution d;
    memset(&d, 0, sizeof d);
    d.kind = (otto_dist_kind)99;
    d.low = 0;
    d.high = 1;
    assert_false(otto_distribution_contains(&d, 0.5));
    d.kind = (otto_dist_kind)0;
    assert_false(otto_distribution_contains(&d, 0.5));
    d.kind = OTTO_DIST_FLOAT;
    assert_true(otto_distribution_contains(&d, 0.5));
}

static void open_mode_must_be_known(void **state)
{
    (void)state;
    otto_study_options so;
    otto_study_options_init(&so);
    otto_study *s = NULL;
    so.open_mode = (otto_open_mode)99;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "open_mode"));
    so.open_mode = (otto_open_mode)-1;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_null(s);
}

static void long_messages_end_on_a_whole_character(void **state)
{
    (void)state;
    char name[700];
    size_t n = 0;
    while (n + 2 < sizeof name - 1) { /* "é" repeated, 2 bytes each, odd offset */
        name[n++] = (char)0xc3;
        name[n++] = (char)0xa9;
    }
    name[n] = 0;
    otto_study *s = memory_study();
    otto_trial *t = ask(s);
    double v;
    assert_status(otto_trial_suggest_float(t, name, 1, 0, 0, 0, &v), OTTO_EINVAL);
    const char *m = otto_last_error_message();
    size_t len = strlen(m);
    assert_true(len < 512);
    assert_int_equal(otto__utf8_valid_prefix(m, len), len);
    assert_string_equal(m + len - 3, "...");
    otto_study_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(float_ranges_that_overflow_are_refused),
        cmocka_unit_test(int_bounds_past_2_53_are_refused),
        cmocka_unit_test(options_with_a_garbage_size_are_refused),
        cmocka_unit_test(names_and_labels_must_be_utf8),
        cmocka_unit_test(oversized_strings_are_einval_in_memory),
        cmocka_unit_test(oversized_strings_are_einval_in_a_journal),
        cmocka_unit_test(a_sampler_or_pruner_has_one_owner),
        cmocka_unit_test(null_streams_and_unknown_kinds),
        cmocka_unit_test(open_mode_must_be_known),
        cmocka_unit_test(long_messages_end_on_a_whole_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
