/* Trial semantics users rely on, checked against Optuna's: repeated names,
 * incompatible distributions, dynamic ranges, step adjustment, reports,
 * attributes, constraints and the read accessors. */
#include <stdlib.h>

#include "../common.h"

typedef struct fixture {
    otto_study *s;
    otto_trial *t;
    log_capture logs;
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    f.s = make_study(7, OTTO_MINIMIZE, NULL, &f.logs);
    assert_ok(otto_study_ask(f.s, &f.t));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    otto_study_destroy(f->s);
    return 0;
}

static void same_name_returns_first_value(void **state)
{
    fixture *f = *state;
    double a, b;
    assert_ok(otto_trial_suggest_float(f->t, "x", 0, 1, 0, 0, &a));
    assert_ok(otto_trial_suggest_float(f->t, "x", 5, 6, 0, 0, &b)); /* other range */
    assert_true(a == b);
    assert_int_equal(otto_trial_param_count(f->t), 1);
    int64_t i1, i2;
    assert_ok(otto_trial_suggest_int(f->t, "n", 1, 100, 1, 0, &i1));
    assert_ok(otto_trial_suggest_int(f->t, "n", 1, 3, 1, 0, &i2));
    assert_true(i1 == i2);
}

static void incompatible_distribution_is_edist(void **state)
{
    fixture *f = *state;
    double x;
    int64_t n;
    size_t idx;
    const char *ab[] = {"a", "b"}, *abc[] = {"a", "b", "c"};
    assert_ok(otto_trial_suggest_float(f->t, "x", 1, 2, 0, 0, &x));
    assert_status(otto_trial_suggest_int(f->t, "x", 1, 2, 1, 0, &n), OTTO_EDIST);
    assert_status(otto_trial_suggest_float(f->t, "x", 1, 2, 0, OTTO_LOG, &x), OTTO_EDIST);
    assert_ok(otto_trial_suggest_categorical(f->t, "c", ab, 2, &idx));
    assert_status(otto_trial_suggest_categorical(f->t, "c", abc, 3, &idx), OTTO_EDIST);
    /* across trials too: the name's kind, log flag and choices are fixed */
    otto_trial *t2;
    assert_ok(otto_study_ask(f->s, &t2));
    assert_status(otto_trial_suggest_int(t2, "x", 1, 2, 1, 0, &n), OTTO_EDIST);
    assert_status(otto_trial_suggest_float(t2, "x", 1, 2, 0, OTTO_LOG, &x), OTTO_EDIST);
    assert_status(otto_trial_suggest_categorical(t2, "c", abc, 3, &idx), OTTO_EDIST);
    assert_non_null(strstr(otto_last_error_message(), "'c'"));
    /* other ranges across trials are fine (dynamic spaces) */
    assert_ok(otto_trial_suggest_float(t2, "x", 10, 20, 0, 0, &x));
    assert_true(x >= 10 && x <= 20);
}

static void invalid_suggest_arguments(void **state)
{
    fixture *f = *state;
    double x;
    int64_t n;
    size_t idx;
    const char *ch[] = {"a"};
    assert_status(otto_trial_suggest_float(f->t, "x", 2, 1, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "x", 0, 1, 0, OTTO_LOG, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "x", 1, 2, 0.1, OTTO_LOG, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "x", NAN, 2, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "x", 0, -INFINITY, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "", 0, 1, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, NULL, 0, 1, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(f->t, "x", 0, 1, 0, 0, NULL), OTTO_EINVAL);
    assert_status(otto_trial_suggest_float(NULL, "x", 0, 1, 0, 0, &x), OTTO_EINVAL);
    assert_status(otto_trial_suggest_int(f->t, "n", 3, 2, 1, 0, &n), OTTO_EINVAL);
    assert_status(otto_trial_suggest_int(f->t, "n", 0, 8, 1, OTTO_LOG, &n), OTTO_EINVAL);
    assert_status(otto_trial_suggest_categorical(f->t, "c", ch, 0, &idx), OTTO_EINVAL);
    assert_status(otto_trial_suggest_categorical(f->t, "c", NULL, 1, &idx), OTTO_EINVAL);
    /* nothing was recorded by the failed calls */
    assert_int_equal(otto_trial_param_count(f->t), 0);
}

static void values_lie_in_their_distribution(void **state)
{
    fixture *f = *state;
    const char *ch[] = {"sgd", "adam", "rmsprop"};
    for (int i = 0; i < 300; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(f->s, &t));
        double x, lr, q;
        int64_t n, ln, sn;
        size_t c;
        assert_ok(otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, OTTO_LOG, &lr));
        assert_ok(otto_trial_suggest_float(t, "q", 0, 1, 0.25, 0, &q));
        assert_ok(otto_trial_suggest_int(t, "n", -5, 5, 1, 0, &n));
        assert_ok(otto_trial_suggest_int(t, "ln", 1, 1000, 1, OTTO_LOG, &ln));
        assert_ok(otto_trial_suggest_int(t, "sn", 0, 100, 20, 0, &sn));
        assert_ok(otto_trial_suggest_categorical(t, "opt", ch, 3, &c));
        assert_true(x >= -1 && x <= 1);
        assert_true(lr >= 1e-5 && lr <= 1e-1);
        assert_true(q == 0 || q == 0.25 || q == 0.5 || q == 0.75 || q == 1);
        assert_true(n >= -5 && n <= 5);
        assert_true(ln >= 1 && ln <= 1000);
        assert_true(sn % 20 == 0 && sn >= 0 && sn <= 100);
        assert_true(c < 3);
        double one = 1;
        assert_ok(otto_study_tell(f->s, t, OTTO_TRIAL_COMPLETE, &one, 1));
    }
}

static void step_adjustment_warns(void **state)
{
    fixture *f = *state;
    double x;
    int64_t n;
    int before = f->logs.n_warnings;
    for (int i = 0; i < 50; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(f->s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0.3, 0, &x));
        assert_ok(otto_trial_suggest_int(t, "n", 0, 10, 4, 0, &n));
        assert_true(x <= 0.9 + 1e-12);
        assert_true(n == 0 || n == 4 || n == 8);
        otto_distribution d;
        assert_ok(otto_trial_param_at(t, 0, NULL, &d, NULL));
        assert_close(d.high, 0.9, 1e-12);
    }
    assert_true(f->logs.n_warnings >= before + 2);
    assert_non_null(strstr(f->logs.last, "high lowered"));
}

static void report_semantics(void **state)
{
    fixture *f = *state;
    assert_ok(otto_trial_report(f->t, 0, 3.0));
    assert_ok(otto_trial_report(f->t, 2, 1.0));
    assert_ok(otto_trial_report(f->t, 1, 2.0)); /* out of order is kept sorted */
    int w = f->logs.n_warnings;
    assert_ok(otto_trial_report(f->t, 2, 99.0)); /* again: first value kept, warning */
    assert_int_equal(f->logs.n_warnings, w + 1);
    assert_status(otto_trial_report(f->t, -1, 1.0), OTTO_EINVAL);
    assert_int_equal(otto_trial_intermediate_count(f->t), 3);
    double v;
    int64_t step;
    assert_ok(otto_trial_intermediate_value(f->t, 2, &v));
    assert_close(v, 1.0, 0);
    assert_status(otto_trial_intermediate_value(f->t, 5, &v), OTTO_ENOTFOUND);
    assert_ok(otto_trial_intermediate_at(f->t, 1, &step, &v));
    assert_int_equal(step, 1);
    assert_status(otto_trial_intermediate_at(f->t, 3, &step, &v), OTTO_ERANGE);
    int prune = -1;
    assert_ok(otto_trial_should_prune(f->t, &prune));
    assert_int_equal(prune, 0);
    /* pruned: the value is the one at the last step */
    assert_ok(otto_study_tell(f->s, f->t, OTTO_TRIAL_PRUNED, NULL, 0));
    assert_ok(otto_trial_value(f->t, &v));
    assert_close(v, 1.0, 0);
    assert_status(otto_trial_report(f->t, 3, 0.5), OTTO_ESTATE);
    assert_status(otto_trial_should_prune(f->t, &prune), OTTO_ESTATE);
}

static void pruned_without_reports_has_no_value(void **state)
{
    fixture *f = *state;
    assert_ok(otto_study_tell(f->s, f->t, OTTO_TRIAL_PRUNED, NULL, 0));
    double v;
    assert_status(otto_trial_value(f->t, &v), OTTO_ESTATE);
    const otto_trial *best;
    assert_status(otto_study_best_trial(f->s, &best), OTTO_ENOTFOUND);
}

static void attributes_and_constraints(void **state)
{
    fixture *f = *state;
    assert_ok(otto_trial_set_user_attr(f->t, "note", "first"));
    assert_ok(otto_trial_set_user_attr(f->t, "note", "second"));
    assert_ok(otto_trial_set_user_attr(f->t, "host", "a"));
    assert_ok(otto_trial_set_system_attr(f->t, "cma:generation", "3"));
    assert_status(otto_trial_set_user_attr(f->t, "", "x"), OTTO_EINVAL);
    assert_status(otto_trial_set_user_attr(f->t, "k", NULL), OTTO_EINVAL);
    const char *v, *k;
    assert_ok(otto_trial_user_attr(f->t, "note", &v));
    assert_string_equal(v, "second");
    assert_int_equal(otto_trial_user_attr_count(f->t), 2);
    assert_ok(otto_trial_user_attr_at(f->t, 1, &k, &v));
    assert_string_equal(k, "host");
    assert_status(otto_trial_user_attr(f->t, "none", &v), OTTO_ENOTFOUND);
    assert_ok(otto_trial_system_attr(f->t, "cma:generation", &v));
    assert_string_equal(v, "3");
    assert_int_equal(otto_trial_system_attr_count(f->t), 1);
    /* the quiet lookups: NULL when absent, and the last error message stays */
    assert_status(otto_trial_user_attr(NULL, "note", &v), OTTO_EINVAL);
    char before[256];
    snprintf(before, sizeof before, "%s", otto_last_error_message());
    assert_string_equal(otto_trial_user_attr_find(f->t, "note"), "second");
    assert_string_equal(otto_trial_system_attr_find(f->t, "cma:generation"), "3");
    assert_null(otto_trial_user_attr_find(f->t, "cma:generation"));
    assert_null(otto_trial_system_attr_find(f->t, "note"));
    assert_null(otto_trial_system_attr_find(f->t, NULL));
    assert_null(otto_trial_user_attr_find(NULL, "note"));
    assert_string_equal(otto_last_error_message(), before);
    double c[2] = {-1.0, 0.5}, got[2];
    size_t n;
    assert_status(otto_trial_constraints(f->t, got, 2, &n), OTTO_ENOTFOUND);
    double bad[1] = {NAN};
    assert_status(otto_trial_set_constraints(f->t, bad, 1), OTTO_EINVAL);
    assert_status(otto_trial_set_constraints(f->t, c, 0), OTTO_EINVAL);
    assert_ok(otto_trial_set_constraints(f->t, c, 2));
    assert_ok(otto_trial_constraints(f->t, got, 2, &n));
    assert_int_equal(n, 2);
    assert_close(got[1], 0.5, 0);
    double one = 1;
    assert_ok(otto_study_tell(f->s, f->t, OTTO_TRIAL_COMPLETE, &one, 1));
    /* finished trials are immutable */
    assert_status(otto_trial_set_user_attr(f->t, "late", "x"), OTTO_ESTATE);
    assert_status(otto_trial_set_constraints(f->t, c, 2), OTTO_ESTATE);
    double x;
    assert_status(otto_trial_suggest_float(f->t, "late", 0, 1, 0, 0, &x), OTTO_ESTATE);
}

/* Optuna 5's trial.set_constraint: named values merged with positional ones
 * (constraints_func) into the one vector samplers read. */
static void named_constraints(void **state)
{
    fixture *f = *state;
    const char *name = "x";
    double got[4];
    size_t n = 0;
    /* bad input */
    assert_status(otto_trial_set_constraint(NULL, "c", 1), OTTO_EINVAL);
    assert_status(otto_trial_set_constraint(f->t, NULL, 1), OTTO_EINVAL);
    assert_status(otto_trial_set_constraint(f->t, "", 1), OTTO_EINVAL);
    assert_status(otto_trial_set_constraint(f->t, "c", NAN), OTTO_EINVAL);
    assert_status(otto_trial_set_constraint(f->t, "c", INFINITY), OTTO_EINVAL);
    assert_status(otto_trial_constraints(f->t, got, 4, &n), OTTO_ENOTFOUND);
    assert_status(otto_trial_constraint_name(f->t, 0, &name), OTTO_ERANGE);
    assert_status(otto_trial_constraint_name(f->t, 0, NULL), OTTO_EINVAL);
    /* set by name, read back */
    assert_ok(otto_trial_set_constraint(f->t, "latency", 0.25));
    assert_ok(otto_trial_set_constraint(f->t, "memory", -3));
    int warnings = f->logs.n_warnings;
    assert_ok(otto_trial_set_constraint(f->t, "latency", 9)); /* ignored, as Optuna */
    assert_int_equal(f->logs.n_warnings, warnings + 1);
    assert_ok(otto_trial_constraints(f->t, got, 4, &n));
    assert_int_equal(n, 2);
    assert_true(got[0] == 0.25 && got[1] == -3);
    assert_ok(otto_trial_constraint_name(f->t, 1, &name));
    assert_string_equal(name, "memory");
    assert_int_equal(otto_trial_constraint_count(f->t), 2);
    assert_true(otto_trial_constraint(f->t, 0) == 0.25);
    /* positional values come first, named "0", "1"; a name that is a
     * positional index replaces that value in place */
    double pos[2] = {1, 2};
    assert_ok(otto_trial_set_constraints(f->t, pos, 2));
    assert_ok(otto_trial_set_constraint(f->t, "1", -7));
    assert_ok(otto_trial_set_constraint(f->t, "01", 5)); /* not an index name */
    assert_ok(otto_trial_constraints(f->t, got, 4, &n));
    assert_int_equal(n, 5);
    double want[5] = {1, -7, 0.25, -3, 5};
    const char *names[5] = {NULL, "1", "latency", "memory", "01"};
    for (size_t i = 0; i < 5; i++) {
        assert_true(otto_trial_constraint(f->t, i) == want[i]);
        assert_ok(otto_trial_constraint_name(f->t, i, &name));
        if (names[i])
            assert_string_equal(name, names[i]);
        else
            assert_null(name);
    }
    /* positional values set again replace only themselves */
    double pos3[3] = {4, 4, 4};
    assert_ok(otto_trial_set_constraints(f->t, pos3, 3));
    assert_int_equal(otto_trial_constraint_count(f->t), 6);
    assert_true(otto_trial_constraint(f->t, 1) == -7 && otto_trial_constraint(f->t, 2) == 4);
    double one = 1;
    assert_ok(otto_study_tell(f->s, f->t, OTTO_TRIAL_COMPLETE, &one, 1));
    /* after tell: OTTO_ESTATE, nothing changes */
    assert_status(otto_trial_set_constraint(f->t, "late", 1), OTTO_ESTATE);
    assert_int_equal(otto_trial_constraint_count(f->t), 6);
    const otto_trial *done;
    assert_ok(otto_study_trial(f->s, 0, &done));
    assert_ok(otto_trial_constraint_name(done, 5, &name));
    assert_string_equal(name, "01");
    /* add_trial takes finite values only too: replay refuses others */
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    double inf = INFINITY;
    ex.n_constraints = 1;
    ex.constraints = &inf;
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_status(otto_study_add_trial_with(f->s, sp, NULL, OTTO_TRIAL_FAIL, NULL, 0, &ex, NULL),
                  OTTO_EINVAL);
    inf = -2;
    assert_ok(otto_study_add_trial_with(f->s, sp, NULL, OTTO_TRIAL_FAIL, NULL, 0, &ex, NULL));
    otto_space_destroy(sp);
}

static void accessors(void **state)
{
    fixture *f = *state;
    const char *ch[] = {"relu", "tanh"};
    double x;
    int64_t n;
    size_t c;
    assert_ok(otto_trial_suggest_float(f->t, "x", 0, 1, 0, 0, &x));
    assert_ok(otto_trial_suggest_int(f->t, "n", 1, 4, 1, 0, &n));
    assert_ok(otto_trial_suggest_categorical(f->t, "act", ch, 2, &c));
    double xf, nf;
    int64_t ni;
    size_t ci;
    const char *label;
    assert_ok(otto_trial_param_float(f->t, "x", &xf));
    assert_true(xf == x);
    assert_ok(otto_trial_param_float(f->t, "n", &nf));
    assert_true(nf == (double)n);
    assert_ok(otto_trial_param_int(f->t, "n", &ni));
    assert_true(ni == n);
    assert_status(otto_trial_param_int(f->t, "x", &ni), OTTO_EDIST);
    assert_status(otto_trial_param_float(f->t, "act", &xf), OTTO_EDIST);
    assert_status(otto_trial_param_index(f->t, "x", &ci), OTTO_EDIST);
    assert_ok(otto_trial_param_index(f->t, "act", &ci));
    assert_true(ci == c);
    assert_ok(otto_trial_param_label(f->t, "act", &label));
    assert_string_equal(label, ch[c]);
    assert_status(otto_trial_param_float(f->t, "missing", &xf), OTTO_ENOTFOUND);
    const char *name;
    otto_distribution d;
    double iv;
    assert_ok(otto_trial_param_at(f->t, 2, &name, &d, &iv));
    assert_string_equal(name, "act");
    assert_int_equal(d.kind, OTTO_DIST_CATEGORICAL);
    assert_string_equal(d.choices[1], "tanh");
    assert_status(otto_trial_param_at(f->t, 3, &name, &d, &iv), OTTO_ERANGE);
    assert_int_equal(otto_trial_number(f->t), 0);
    assert_int_equal(otto_trial_get_state(f->t), OTTO_TRIAL_RUNNING);
    double t0, t1;
    assert_ok(otto_trial_datetime_start(f->t, &t0));
    assert_status(otto_trial_datetime_complete(f->t, &t1), OTTO_ESTATE);
    assert_status(otto_trial_value(f->t, &x), OTTO_ESTATE);
    double val = 0.25;
    assert_ok(otto_study_tell(f->s, f->t, OTTO_TRIAL_COMPLETE, &val, 1));
    assert_ok(otto_trial_datetime_complete(f->t, &t1));
    assert_true(t1 >= t0 && t0 > 1.6e9);
    assert_ok(otto_trial_value(f->t, &x));
    assert_close(x, 0.25, 0);
    /* NULL handles never crash */
    assert_int_equal(otto_trial_number(NULL), -1);
    assert_int_equal(otto_trial_get_state(NULL), OTTO_TRIAL_FAIL);
    assert_int_equal(otto_trial_param_count(NULL), 0);
    assert_status(otto_trial_value(NULL, &x), OTTO_EINVAL);
    assert_status(otto_trial_param_float(NULL, "x", &x), OTTO_EINVAL);
    assert_status(otto_trial_report(NULL, 0, 1), OTTO_EINVAL);
    assert_null(otto_trial_rng(NULL));
    assert_null(otto_trial_rng(f->t)); /* finished */
    assert_string_equal(otto_trial_state_name(OTTO_TRIAL_PRUNED), "PRUNED");
}

/* Stepped floats far from zero: low + k*step rounds by up to an ulp of the
 * bounds, which is many grid tolerances of a small step. Every sampler's
 * draw must still count as inside the distribution (it did not: 420 of
 * 1,000 draws of [1e7, 1e7+1] step 0.01 failed with OTTO_ECALLBACK). */
static void stepped_floats_far_from_zero(void **state)
{
    (void)state;
    const double ranges[][3] = {
        {1e7, 1e7 + 1, 0.01}, {1.7e9, 1.7e9 + 100, 0.01}, {-3e11, -3e11 + 5, 0.01},
        {1.7e9, 1700000013.1679916, 0.01}, /* step does not divide: high lowered */
    };
    for (int with_tpe = 0; with_tpe < 2; with_tpe++) {
        otto_sampler *sm = NULL;
        if (with_tpe)
            assert_ok(otto_sampler_tpe_create(NULL, &sm));
        else
            assert_ok(otto_sampler_random_create(NULL, &sm));
        otto_study *s = make_study(3, OTTO_MINIMIZE, sm, NULL);
        for (int i = 0; i < (with_tpe ? 200 : 1000); i++) {
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            double y = 0;
            for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
                char name[8];
                snprintf(name, sizeof name, "x%zu", r);
                double x;
                assert_ok(otto_trial_suggest_float(t, name, ranges[r][0], ranges[r][1],
                                                   ranges[r][2], 0, &x));
                assert_true(x >= ranges[r][0] && x <= ranges[r][1]);
                double k = (x - ranges[r][0]) / ranges[r][2];
                assert_true(fabs(k - nearbyint(k)) < 0.01); /* on the grid */
                y += fabs(x - ranges[r][0] - 0.37 * (ranges[r][1] - ranges[r][0]));
            }
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
        }
        otto_study_destroy(s);
    }
}

/* Duplicate labels are found wherever they are, also in long lists (a hash
 * set; the pairwise check it replaced was O(n^2) under the study lock). */
static void duplicate_choices_in_long_lists(void **state)
{
    fixture *f = *state;
    enum { N = 50000 };
    char(*buf)[16] = malloc(sizeof(*buf) * N);
    const char **ch = malloc(sizeof(*ch) * N);
    assert_non_null(buf);
    assert_non_null(ch);
    for (size_t i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "c%zu", i);
        ch[i] = buf[i];
    }
    size_t idx;
    const size_t dups[][2] = {{0, 1}, {N - 2, N - 1}, {7, N - 1}};
    for (size_t k = 0; k < 3; k++) {
        const char *keep = ch[dups[k][1]];
        ch[dups[k][1]] = ch[dups[k][0]];
        assert_status(otto_trial_suggest_categorical(f->t, "c", ch, N, &idx), OTTO_EINVAL);
        assert_non_null(strstr(otto_last_error_message(), "twice"));
        ch[dups[k][1]] = keep;
    }
    assert_ok(otto_trial_suggest_categorical(f->t, "c", ch, N, &idx));
    assert_true(idx < N);
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    ch[N / 2] = ch[N / 3];
    assert_status(otto_space_add_categorical(sp, "c", ch, N), OTTO_EINVAL);
    otto_space_destroy(sp);
    free(ch);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(same_name_returns_first_value, setup, teardown),
        cmocka_unit_test_setup_teardown(incompatible_distribution_is_edist, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_suggest_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(values_lie_in_their_distribution, setup, teardown),
        cmocka_unit_test_setup_teardown(step_adjustment_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(report_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(pruned_without_reports_has_no_value, setup, teardown),
        cmocka_unit_test_setup_teardown(attributes_and_constraints, setup, teardown),
        cmocka_unit_test_setup_teardown(named_constraints, setup, teardown),
        cmocka_unit_test_setup_teardown(accessors, setup, teardown),
        cmocka_unit_test(stepped_floats_far_from_zero),
        cmocka_unit_test_setup_teardown(duplicate_choices_in_long_lists, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
