/* The storage test suite, run against every backend: memory, a journal file,
 * an SQLite database, and PostgreSQL when OTTO_TEST_POSTGRES holds a
 * conninfo (CI starts a throwaway server). History round trips, resume,
 * open modes, handles and processes sharing a study, heartbeats, SIGKILLed
 * workers, damaged files (flipped bytes, truncation, lost rows), and
 * read-only handles that change no byte. Worker processes are this program
 * started again (test_storage --child ROLE ...), which works where there is
 * no fork() too. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) /* the read-only bind mount test */
#include <sys/wait.h>
#endif

#include "../common.h"
#include "../testos.h"

#if defined(OTTO_HAVE_SQLITE)
#include <sqlite3.h>
#endif

typedef enum kind { MEMORY, JOURNAL, SQLITE, POSTGRES } kind;

typedef struct backend {
    kind kind;
    const char *conninfo; /* postgres */
    char dir[256];        /* journal: a fresh directory per group */
    int n;                /* files / names made so far */
    char path[320];       /* journal of the current test */
    char name[64];        /* study name of the current test */
    uint64_t salt;
} backend;

static void sleep_s(double s) { testos_sleep(s); }

/* A fresh journal path and study name for the next test. */
static void next_names(backend *b)
{
    b->n++;
    snprintf(b->path, sizeof b->path, "%s/j%d.otto", b->dir, b->n);
    snprintf(b->name, sizeof b->name, "study-%llx-%d", (unsigned long long)b->salt, b->n);
}

static int open_storage(const backend *b, const otto_storage_options *o, otto_storage **st)
{
    *st = NULL;
    if (b->kind == JOURNAL)
        return otto_storage_journal_open(b->path, o, st);
    if (b->kind == SQLITE)
        return otto_storage_sqlite_open(b->path, o, st);
    if (b->kind == POSTGRES)
        return otto_storage_postgres_open(b->conninfo, o, st);
    return OTTO_OK;
}

/* A study of the backend named b->name (storage options o may be NULL). */
static int open_study(const backend *b, otto_open_mode mode, otto_sampler *sm,
                      const otto_storage_options *o, log_capture *logs, otto_study **out)
{
    otto_storage *st;
    int rc = open_storage(b, o, &st);
    if (rc) {
        otto_sampler_destroy(sm);
        return rc;
    }
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 7;
    so.name = b->name;
    so.storage = st;
    so.open_mode = st ? mode : OTTO_OPEN_CREATE;
    so.sampler = sm;
    if (logs) {
        so.log_fn = capture_log;
        so.log_user_data = logs;
    }
    rc = otto_study_create(&so, out);
    otto_storage_close(st); /* the study holds its own reference */
    return rc;
}

static otto_sampler *random_sampler(void)
{
    otto_sampler *sm;
    assert_ok(otto_sampler_random_create(NULL, &sm));
    return sm;
}

static int setup_backend(void **state, kind k)
{
    backend *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    b->kind = k;
    b->salt = ((uint64_t)time(NULL) << 20) ^ (uint64_t)testos_pid();
    if (k == POSTGRES) {
        b->conninfo = getenv("OTTO_TEST_POSTGRES");
        if (!b->conninfo || !b->conninfo[0]) {
            free(b);
            return -1;
        }
    }
    if (testos_mkdtemp(b->dir, sizeof b->dir, "otto-storage") != 0) {
        free(b);
        return -1;
    }
    *state = b;
    return 0;
}

static int setup_memory(void **state) { return setup_backend(state, MEMORY); }
static int setup_journal(void **state) { return setup_backend(state, JOURNAL); }
static int setup_sqlite(void **state) { return setup_backend(state, SQLITE); }
static int setup_postgres(void **state) { return setup_backend(state, POSTGRES); }

static int teardown_backend(void **state)
{
    backend *b = *state;
    int rc = testos_rmtree(b->dir);
    free(b);
    return rc;
}

static int before_each(void **state)
{
    next_names(*state);
    return 0;
}

/* ---- a history with every kind of record ------------------------------------------------ */

static const char *const optimizers[] = {"sgd", "adam", "lion"};

/* 24 trials: define-by-run params, reports, attrs, constraints, every final
 * state, an enqueued trial and an added one. */
static void write_history(otto_study *s)
{
    const char *before;
    assert_ok(otto_study_set_user_attr(s, "dataset", "v1"));
    assert_ok(otto_study_user_attr(s, "dataset", &before));
    assert_ok(otto_study_set_user_attr(s, "owner", "ops"));
    assert_ok(otto_study_set_user_attr(s, "dataset", "v2"));
    assert_string_equal(before, "v1"); /* a handed-out value stays valid */
    assert_status(otto_study_set_user_attr(s, "", "x"), OTTO_EINVAL);
    assert_status(otto_study_set_user_attr(s, NULL, "x"), OTTO_EINVAL);
    assert_status(otto_study_set_user_attr(s, "k", NULL), OTTO_EINVAL);
    assert_status(otto_study_user_attr(s, "missing", &before), OTTO_ENOTFOUND);
    otto_param_value pv[2] = {{"lr", OTTO_VALUE_NUMBER, 0.01, NULL},
                              {"opt", OTTO_VALUE_LABEL, 0, "lion"}};
    const char *qk[1] = {"queued"}, *qv[1] = {"yes"};
    otto_trial_extras qe;
    otto_trial_extras_init(&qe);
    qe.n_user_attrs = 1;
    qe.user_keys = qk;
    qe.user_values = qv;
    assert_ok(otto_study_enqueue_trial_with(s, pv, 2, &qe));
    for (int i = 0; i < 22; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double lr, mom;
        int64_t layers;
        size_t opt;
        assert_ok(otto_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, OTTO_LOG, &lr));
        assert_ok(otto_trial_suggest_int(t, "layers", 1, 9, 2, 0, &layers));
        assert_ok(otto_trial_suggest_categorical(t, "opt", optimizers, 3, &opt));
        if (opt == 1)
            assert_ok(otto_trial_suggest_float(t, "momentum", 0, 1, 0.25, 0, &mom));
        double loss = lr * 100 + (double)layers;
        for (int64_t step = 0; step < 3; step++)
            assert_ok(otto_trial_report(t, step, loss + (double)(3 - step)));
        char v[32];
        snprintf(v, sizeof v, "run-%d", i);
        assert_ok(otto_trial_set_user_attr(t, "tag", v));
        double c[2] = {lr - 0.05, -1};
        if (i % 4 != 2) /* constraints_func's positional values */
            assert_ok(otto_trial_set_constraints(t, c, 2));
        if (i % 4 >= 1) { /* Optuna 5's named ones, alone or after them */
            assert_ok(otto_trial_set_constraint(t, "latency", lr - 0.01));
            assert_ok(otto_trial_set_constraint(t, i % 4 == 3 ? "1" : "mem", -0.5));
        }
        if (i % 7 == 3) {
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_PRUNED, NULL, 0));
        } else if (i % 7 == 5) {
            assert_ok(otto_trial_set_system_attr(t, "fail_reason", "diverged"));
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0));
        } else if (i == 20) {
            double nan = NAN;
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &nan, 1));
        } else {
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &loss, 1));
        }
    }
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "lr", 1e-5, 1e-1, 0, OTTO_LOG));
    assert_ok(otto_space_add_int(sp, "layers", 1, 9, 2, 0));
    double iv[2] = {1e-3, 5}, val = 5.1;
    int64_t num, steps[2] = {4, 1};
    double reported[2] = {6.5, 7.5}, cons[1] = {-0.5};
    const char *uk[1] = {"source"}, *uv[1] = {"\"warm start\""}, *sk[1] = {"origin"},
               *sv[1] = {"import"};
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    ex.n_reports = 2;
    ex.steps = steps;
    ex.report_values = reported;
    ex.n_user_attrs = ex.n_system_attrs = 1;
    ex.user_keys = uk;
    ex.user_values = uv;
    ex.system_keys = sk;
    ex.system_values = sv;
    ex.n_constraints = 1;
    ex.constraints = cons;
    assert_ok(otto_study_add_trial_with(s, sp, iv, OTTO_TRIAL_COMPLETE, &val, 1, &ex, &num));
    assert_int_equal(num, 22);
    otto_space_destroy(sp);
    otto_trial *running;
    assert_ok(otto_study_ask(s, &running)); /* left RUNNING */
    double lr;
    assert_ok(otto_trial_suggest_float(running, "lr", 1e-5, 1e-1, 0, OTTO_LOG, &lr));
    assert_ok(otto_trial_set_constraint(running, "pending", 1));
}

/* The constraint names of trial `number` are `names` (NULL: positional). */
static void assert_constraint_names(const otto_study *s, int64_t number, const char **names,
                                    size_t n)
{
    const otto_trial *t;
    assert_ok(otto_study_trial(s, number, &t));
    assert_int_equal(otto_trial_constraint_count(t), n);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        assert_ok(otto_trial_constraint_name(t, i, &name));
        if (names[i])
            assert_string_equal(name, names[i]);
        else
            assert_null(name);
    }
}

/* What write_history's constraints read as, from any handle. */
static void assert_history_constraints(const otto_study *s)
{
    const char *positional[2] = {NULL, NULL}, *after[4] = {NULL, NULL, "latency", "mem"},
               *named[2] = {"latency", "mem"}, *replaced[3] = {NULL, "1", "latency"},
               *pending[1] = {"pending"};
    assert_constraint_names(s, 4, positional, 2);
    assert_constraint_names(s, 5, after, 4);
    assert_constraint_names(s, 6, named, 2);
    assert_constraint_names(s, 7, replaced, 3);
    assert_constraint_names(s, 23, pending, 1); /* a running trial's, replayed */
    const otto_trial *t;
    assert_ok(otto_study_trial(s, 7, &t));
    assert_true(otto_trial_constraint(t, 1) == -0.5);
}

static void assert_same_attrs(const otto_trial *a, const otto_trial *b, int sys)
{
    size_t n = sys ? otto_trial_system_attr_count(a) : otto_trial_user_attr_count(a);
    assert_int_equal(n, sys ? otto_trial_system_attr_count(b) : otto_trial_user_attr_count(b));
    for (size_t i = 0; i < n; i++) {
        const char *k, *v, *v2;
        if (sys) {
            assert_ok(otto_trial_system_attr_at(a, i, &k, &v));
            assert_ok(otto_trial_system_attr(b, k, &v2));
        } else {
            assert_ok(otto_trial_user_attr_at(a, i, &k, &v));
            assert_ok(otto_trial_user_attr(b, k, &v2));
        }
        assert_string_equal(v, v2);
    }
}

/* Everything a user can read of two trials is equal. */
static void assert_same_trial(const otto_trial *a, const otto_trial *b)
{
    assert_int_equal(otto_trial_number(a), otto_trial_number(b));
    assert_int_equal(otto_trial_get_state(a), otto_trial_get_state(b));
    double va[4], vb[4];
    size_t na = 0, nb = 0;
    int ra = otto_trial_values(a, va, 4, &na), rb = otto_trial_values(b, vb, 4, &nb);
    assert_int_equal(ra, rb);
    assert_int_equal(na, nb);
    for (size_t k = 0; !ra && k < na; k++)
        assert_true(va[k] == vb[k]); /* bit for bit, inf included */
    assert_int_equal(otto_trial_param_count(a), otto_trial_param_count(b));
    for (size_t i = 0; i < otto_trial_param_count(a); i++) {
        const char *n1, *n2;
        otto_distribution dist1, dist2, *d1 = &dist1, *d2 = &dist2;
        double x1, x2;
        assert_ok(otto_trial_param_at(a, i, &n1, d1, &x1));
        assert_ok(otto_trial_param_at(b, i, &n2, d2, &x2));
        assert_string_equal(n1, n2);
        assert_true(x1 == x2);
        assert_int_equal(d1->kind, d2->kind);
        assert_int_equal(d1->flags, d2->flags);
        assert_true(d1->low == d2->low && d1->high == d2->high && d1->step == d2->step);
        assert_int_equal(d1->n_choices, d2->n_choices);
        for (size_t c = 0; c < d1->n_choices; c++)
            assert_string_equal(d1->choices[c], d2->choices[c]);
    }
    assert_int_equal(otto_trial_intermediate_count(a), otto_trial_intermediate_count(b));
    for (size_t i = 0; i < otto_trial_intermediate_count(a); i++) {
        int64_t s1, s2;
        double x1, x2;
        assert_ok(otto_trial_intermediate_at(a, i, &s1, &x1));
        assert_ok(otto_trial_intermediate_at(b, i, &s2, &x2));
        assert_int_equal(s1, s2);
        assert_true(x1 == x2);
    }
    assert_same_attrs(a, b, 0);
    assert_same_attrs(a, b, 1);
    double ca[4], cb[4];
    size_t nca = 0, ncb = 0;
    otto_trial_constraints(a, ca, 4, &nca);
    otto_trial_constraints(b, cb, 4, &ncb);
    assert_int_equal(nca, ncb);
    for (size_t k = 0; k < nca && k < 4; k++) {
        const char *n1, *n2;
        assert_true(ca[k] == cb[k]);
        assert_ok(otto_trial_constraint_name(a, k, &n1));
        assert_ok(otto_trial_constraint_name(b, k, &n2));
        assert_true((n1 == NULL) == (n2 == NULL));
        if (n1)
            assert_string_equal(n1, n2);
    }
    double t1, t2;
    assert_ok(otto_trial_datetime_start(a, &t1));
    assert_ok(otto_trial_datetime_start(b, &t2));
    assert_close(t1, t2, 1e-6);
    if (otto_trial_get_state(a) != OTTO_TRIAL_RUNNING) {
        assert_ok(otto_trial_datetime_complete(a, &t1));
        assert_ok(otto_trial_datetime_complete(b, &t2));
        assert_close(t1, t2, 1e-6);
    }
}

static void assert_same_study(const otto_study *a, const otto_study *b)
{
    assert_int_equal(otto_study_user_attr_count(a), otto_study_user_attr_count(b));
    for (size_t i = 0; i < otto_study_user_attr_count(a); i++) {
        const char *k1, *v1, *k2, *v2;
        assert_ok(otto_study_user_attr_at(a, i, &k1, &v1));
        assert_ok(otto_study_user_attr_at(b, i, &k2, &v2));
        assert_string_equal(k1, k2);
        assert_string_equal(v1, v2);
    }
    assert_int_equal(otto_study_trial_count(a), otto_study_trial_count(b));
    for (size_t i = 0; i < otto_study_trial_count(a); i++) {
        const otto_trial *ta, *tb;
        assert_ok(otto_study_trial(a, (int64_t)i, &ta));
        assert_ok(otto_study_trial(b, (int64_t)i, &tb));
        assert_same_trial(ta, tb);
    }
    const otto_trial *ba, *bb;
    assert_ok(otto_study_best_trial(a, &ba));
    assert_ok(otto_study_best_trial(b, &bb));
    assert_int_equal(otto_trial_number(ba), otto_trial_number(bb));
}

/* Write a rich history; a second handle (memory: the same study) reads back
 * exactly what a user reads from the first. */
static void test_history_round_trip(void **state)
{
    backend *b = *state;
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    write_history(s);
    assert_int_equal(otto_study_trial_count(s), 24);
    assert_int_equal(otto_study_user_attr_count(s), 2);
    const char *k, *v;
    assert_ok(otto_study_user_attr_at(s, 0, &k, &v));
    assert_string_equal(k, "dataset");
    assert_string_equal(v, "v2");
    assert_status(otto_study_user_attr_at(s, 2, &k, &v), OTTO_ERANGE);
    const otto_trial *t;
    assert_ok(otto_study_trial(s, 0, &t));
    double lr;
    assert_ok(otto_trial_param_float(t, "lr", &lr));
    assert_true(lr == 0.01); /* the enqueued trial, with its enqueued attr */
    assert_ok(otto_trial_user_attr(t, "queued", &v));
    assert_string_equal(v, "yes");
    assert_history_constraints(s);
    if (b->kind == MEMORY) {
        assert_same_study(s, s);
    } else {
        assert_ok(otto_study_sync(s)); /* writes the running trial's queued param */
        otto_study *r;
        assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
        assert_same_study(s, r);
        assert_history_constraints(r);
        /* the reader may not drive the writer's running trial */
        const otto_trial *run;
        assert_ok(otto_study_trial(r, 23, &run));
        assert_int_equal(otto_trial_get_state(run), OTTO_TRIAL_RUNNING);
        double x;
        assert_status(otto_trial_suggest_float((otto_trial *)run, "y", 0, 1, 0, 0, &x),
                      OTTO_ESTATE);
        double one = 1; /* nor tell it (a crash before: the trial has no running part here) */
        assert_status(otto_study_tell(r, (otto_trial *)run, OTTO_TRIAL_COMPLETE, &one, 1),
                      OTTO_ESTATE);
        assert_non_null(strstr(otto_last_error_message(), "another worker"));
        assert_status(otto_trial_report((otto_trial *)run, 0, 1.0), OTTO_ESTATE);
        int prune;
        assert_status(otto_trial_should_prune((otto_trial *)run, &prune), OTTO_ESTATE);
        assert_status(otto_trial_set_user_attr((otto_trial *)run, "k", "v"), OTTO_ESTATE);
        assert_status(otto_trial_set_constraint((otto_trial *)run, "k", 1), OTTO_ESTATE);
        otto_study_destroy(r);
    }
    otto_study_destroy(s);
}

static double sphere(const otto_trial *t)
{
    double x, y;
    assert_ok(otto_trial_param_float(t, "x", &x));
    assert_ok(otto_trial_param_float(t, "y", &y));
    return x * x + y * y;
}

static void run_sphere(otto_study *s, int n)
{
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double x, y;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "y", -5, 5, 0, 0, &y));
        double v = x * x + y * y;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
}

/* Close and resume: numbering continues, and TPE resumes from the whole
 * history (the resumed run ends as good as an uninterrupted one). */
static void test_resume(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_study *s;
    otto_tpe_options to;
    otto_tpe_options_init(&to);
    to.seed = 3;
    otto_sampler *sm;
    assert_ok(otto_sampler_tpe_create(&to, &sm));
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, sm, NULL, NULL, &s));
    run_sphere(s, 30);
    otto_study_destroy(s);
    assert_ok(otto_sampler_tpe_create(&to, &sm));
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, sm, NULL, NULL, &s));
    assert_int_equal(otto_study_trial_count(s), 30);
    run_sphere(s, 30);
    assert_int_equal(otto_study_trial_count(s), 60);
    const otto_trial *best;
    assert_ok(otto_study_best_trial(s, &best));
    double v;
    assert_ok(otto_trial_value(best, &v));
    assert_true(v < 0.5); /* random search needs ~200 trials for this */
    /* the resumed trials are numbered after the loaded ones */
    const otto_trial *t;
    assert_ok(otto_study_trial(s, 59, &t));
    assert_int_equal(otto_trial_number(t), 59);
    assert_close(sphere(t), otto_trial_value(t, &v) == OTTO_OK ? v : -1, 0);
    otto_study_destroy(s);
}

static void test_open_modes(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_study *s = NULL, *s2 = NULL;
    assert_status(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s),
                  OTTO_ENOTFOUND);
    assert_null(s);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    assert_status(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s2),
                  OTTO_EEXIST);
    assert_null(s2);
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), NULL, NULL, &s2));
    otto_study_destroy(s2);

    /* other directions: refused under LOAD_IF_EXISTS, taken from storage under LOAD */
    otto_storage *st;
    assert_ok(open_storage(b, NULL, &st));
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = b->name;
    so.storage = st;
    so.direction = OTTO_MAXIMIZE;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
    assert_status(otto_study_create(&so, &s2), OTTO_EINVAL);
    so.open_mode = OTTO_OPEN_LOAD;
    assert_ok(otto_study_create(&so, &s2));
    assert_int_equal(otto_study_direction(s2, 0), OTTO_MINIMIZE);
    otto_study_destroy(s2);

    /* names, in creation order; a nameless study gets a unique one */
    so.name = NULL;
    so.open_mode = OTTO_OPEN_CREATE;
    assert_ok(otto_study_create(&so, &s2));
    assert_true(strncmp(otto_study_name(s2), "no-name-", 8) == 0);
    const char *names[512];
    size_t n;
    assert_ok(otto_storage_study_names(st, names, 512, &n));
    assert_true(n >= 2);
    int seen = 0;
    for (size_t i = 0; i < n && i < 512; i++)
        seen += strcmp(names[i], b->name) == 0 || strcmp(names[i], otto_study_name(s2)) == 0;
    assert_int_equal(seen, 2);
    otto_study_destroy(s2);
    otto_storage_close(st);
    otto_study_destroy(s);
}

/* Two handles on one study in one process: unique numbers, each sees the
 * other's trials, and an enqueued trial runs once. */
/* Optuna's tell by number (and `otto tell --trial-number`): a handle
 * finishes a trial that another handle asked and never told. */
static void test_tell_number(void **state)
{
    backend *b = *state;
    otto_study *a, *c;
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), NULL, NULL, &a));
    otto_trial *t;
    assert_ok(otto_study_ask(a, &t));
    double x, v = 0.5;
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
    if (b->kind == MEMORY) { /* one handle: by number is the same as by handle */
        assert_status(otto_study_tell_number(a, 1, OTTO_TRIAL_COMPLETE, &v, 1),
                      OTTO_ENOTFOUND);
        assert_ok(otto_study_tell_number(a, 0, OTTO_TRIAL_COMPLETE, &v, 1));
        assert_status(otto_study_tell(a, t, OTTO_TRIAL_FAIL, NULL, 0), OTTO_ESTATE);
        otto_study_destroy(a);
        return;
    }
    assert_ok(otto_study_sync(a)); /* writes x */
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &c));
    assert_status(otto_study_tell_number(c, 1, OTTO_TRIAL_COMPLETE, &v, 1), OTTO_ENOTFOUND);
    assert_status(otto_study_tell_number(c, -1, OTTO_TRIAL_COMPLETE, &v, 1), OTTO_ENOTFOUND);
    assert_status(otto_study_tell_number(c, 0, OTTO_TRIAL_COMPLETE, NULL, 0), OTTO_EINVAL);
    assert_ok(otto_study_tell_number(c, 0, OTTO_TRIAL_COMPLETE, &v, 1));
    assert_status(otto_study_tell_number(c, 0, OTTO_TRIAL_FAIL, NULL, 0), OTTO_ESTATE);
    const otto_trial *done;
    assert_ok(otto_study_best_trial(c, &done));
    assert_int_equal(otto_trial_number(done), 0);
    double got;
    assert_ok(otto_trial_param_float(done, "x", &got));
    assert_true(got == x);
    otto_trial *t2; /* c asks and tells on as usual after taking one over */
    assert_ok(otto_study_ask(c, &t2));
    assert_int_equal(otto_trial_number(t2), 1);
    assert_ok(otto_study_tell(c, t2, OTTO_TRIAL_FAIL, NULL, 0));
    otto_study_destroy(c);
    /* the asker learns it is finished; a fresh handle reads it COMPLETE */
    assert_ok(otto_study_sync(a));
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &c));
    assert_ok(otto_study_trial(c, 0, &done));
    assert_int_equal(otto_trial_get_state(done), OTTO_TRIAL_COMPLETE);
    assert_ok(otto_trial_value(done, &got));
    assert_true(got == 0.5);
    otto_study_destroy(c);
    otto_study_destroy(a);
}

/* What a migration adds (otto import): RUNNING trials that tell_number
 * finishes later, PRUNED trials whose value is their last report, and
 * trials' own start and completion times; kept through the storage. */
static void test_add_trial_as_migrated(void **state)
{
    backend *b = *state;
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), NULL, NULL, &s));
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    double x = 0.25, one = 1;
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    int64_t steps[] = {3, 1};
    double reports[] = {0.5, 0.75};
    ex.n_reports = 2;
    ex.steps = steps;
    ex.report_values = reports;
    ex.datetime_start = 1000.5;
    ex.datetime_complete = 1010.25;
    int64_t n;
    assert_ok(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_PRUNED, NULL, 0, &ex, &n));
    assert_int_equal(n, 0);
    ex.n_reports = 0;
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_RUNNING, &one, 1, &ex, NULL),
                  OTTO_EINVAL);
    assert_ok(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_RUNNING, NULL, 0, &ex, &n));
    assert_int_equal(n, 1);
    ex.datetime_start = NAN;
    assert_status(otto_study_add_trial_with(s, sp, &x, OTTO_TRIAL_FAIL, NULL, 0, &ex, NULL),
                  OTTO_EINVAL);
    otto_study *r = s;
    if (b->kind != MEMORY)
        assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
    const otto_trial *t;
    double v;
    assert_ok(otto_study_trial(r, 0, &t));
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_PRUNED);
    assert_ok(otto_trial_value(t, &v));
    assert_true(v == 0.5); /* the report at step 3, the last */
    assert_ok(otto_trial_datetime_start(t, &v));
    assert_true(v == 1000.5);
    assert_ok(otto_trial_datetime_complete(t, &v));
    assert_true(v == 1010.25);
    assert_ok(otto_study_trial(r, 1, &t));
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_RUNNING);
    assert_status(otto_trial_datetime_complete(t, &v), OTTO_ESTATE);
    assert_ok(otto_study_tell_number(r, 1, OTTO_TRIAL_COMPLETE, &one, 1));
    assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
    if (r != s)
        otto_study_destroy(r);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

static void test_two_handles(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_study *a, *c;
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), NULL, NULL, &a));
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), NULL, NULL, &c));
    otto_trial *t0, *t1, *t2;
    assert_ok(otto_study_ask(a, &t0));
    assert_ok(otto_study_ask(c, &t1));
    assert_int_equal(otto_trial_number(t0), 0);
    assert_int_equal(otto_trial_number(t1), 1);
    double v = 2;
    assert_ok(otto_study_tell(a, t0, OTTO_TRIAL_COMPLETE, &v, 1));
    v = 1;
    assert_ok(otto_study_tell(c, t1, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_param_value pv = {"x", OTTO_VALUE_NUMBER, 0.25, NULL};
    assert_ok(otto_study_enqueue_trial(a, &pv, 1));
    otto_waiting_trial *w;
    size_t nw;
    assert_ok(otto_study_sync(c));
    assert_ok(otto_study_waiting(c, &w, &nw)); /* c sees a's queued trial */
    assert_int_equal(nw, 1);
    assert_string_equal(w[0].params[0].name, "x");
    assert_true(w[0].params[0].number == 0.25);
    otto_study_waiting_free(c, w, nw);
    assert_ok(otto_study_ask(c, &t2)); /* c takes a's queued trial */
    double x;
    assert_ok(otto_trial_suggest_float(t2, "x", 0, 1, 0, 0, &x));
    assert_true(x == 0.25);
    assert_ok(otto_study_tell(c, t2, OTTO_TRIAL_COMPLETE, &x, 1));
    assert_ok(otto_study_ask(a, &t0)); /* and a does not run it again */
    assert_int_equal(otto_trial_number(t0), 3);
    assert_ok(otto_trial_suggest_float(t0, "x", 0, 1, 0, 0, &x));
    assert_ok(otto_study_tell(a, t0, OTTO_TRIAL_COMPLETE, &x, 1));
    assert_ok(otto_study_sync(c));
    assert_same_study(a, c);
    const otto_trial *best;
    assert_ok(otto_study_best_trial(a, &best));
    assert_int_equal(otto_trial_number(best), 2);
    otto_study_destroy(a);
    otto_study_destroy(c);
}

/* ---- many processes ---------------------------------------------------------------------- */

static otto_trial_state quadratic(otto_trial *t, void *ud, double *out, size_t n)
{
    (void)ud;
    (void)n;
    double x;
    int64_t k;
    if (otto_trial_suggest_float(t, "x", -3, 3, 0, 0, &x) ||
        otto_trial_suggest_int(t, "k", 0, 10, 1, 0, &k))
        return OTTO_TRIAL_FAIL;
    out[0] = (x - 1) * (x - 1) + (double)k;
    return OTTO_TRIAL_COMPLETE;
}

/* The worker process of run_workers: waits until the file `go` exists,
 * then runs per_worker trials of b's study; its exit status says how far it
 * got (0: all). */
static int worker_child(const backend *b, int per_worker, otto_sync_policy policy, int seed,
                        const char *go)
{
    for (int waited = 0; !testos_exists(go); waited++) {
        if (waited > 60000)
            return 3;
        testos_sleep(0.001);
    }
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.sync = policy;
    otto_storage *st;
    if (open_storage(b, &o, &st))
        return 4;
    otto_sampler *sm;
    otto_sampler_random_create(NULL, &sm);
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = b->name;
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
    so.sampler = sm;
    so.seed = (uint64_t)seed;
    otto_study *s;
    if (otto_study_create(&so, &s))
        return 5;
    otto_storage_close(st);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = per_worker;
    int rc = otto_study_optimize(s, quadratic, NULL, &oo);
    otto_study_destroy(s);
    return rc ? 6 : 0;
}

/* n_workers processes start together (released by creating a file) and
 * each runs per_worker trials on one study; exactly n x per trials result,
 * with unique numbers and each value matching its own params. */
static void run_workers(backend *b, int n_workers, int per_worker, otto_sync_policy policy)
{
    char go[340], kinds[8], per[16], pol[8], seed[16][12];
    snprintf(go, sizeof go, "%s.go", b->path);
    snprintf(kinds, sizeof kinds, "%d", (int)b->kind);
    snprintf(per, sizeof per, "%d", per_worker);
    snprintf(pol, sizeof pol, "%d", (int)policy);
    testos_child kids[16];
    for (int w = 0; w < n_workers; w++) {
        snprintf(seed[w], sizeof seed[w], "%d", w);
        const char *args[] = {"--child", "worker", kinds, b->path, b->name, per, pol, seed[w],
                              go, NULL};
        assert_int_equal(testos_spawn_self(&kids[w], args), 0);
    }
    FILE *f = fopen(go, "w"); /* release them all at once */
    assert_non_null(f);
    fclose(f);
    for (int w = 0; w < n_workers; w++)
        assert_int_equal(testos_wait(&kids[w]), 0);
    remove(go);
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s));
    size_t n = otto_study_trial_count(s);
    assert_int_equal(n, (size_t)(n_workers * per_worker));
    for (size_t i = 0; i < n; i++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(s, (int64_t)i, &t));
        assert_int_equal(otto_trial_number(t), (int64_t)i);
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
        double x, v;
        int64_t k;
        assert_ok(otto_trial_param_float(t, "x", &x));
        assert_ok(otto_trial_param_int(t, "k", &k));
        assert_ok(otto_trial_value(t, &v));
        assert_true(v == (x - 1) * (x - 1) + (double)k);
    }
    otto_study_destroy(s);
}

/* A storage handle opened before fork() still works in parent and children
 * at once (a child reopens the journal instead of sharing the parent's open
 * file description and lock, or connects anew instead of sharing the
 * parent's PostgreSQL socket). */
static void test_fork_after_open(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    if (!testos_have_fork()) {
        print_message("test_fork_after_open: skipped: no fork() on this system, so no "
                      "handle crosses into a child (test_processes spawns workers instead)\n");
        skip();
    }
    otto_storage *st;
    assert_ok(open_storage(b, NULL, &st));
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = b->name;
    so.storage = st;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
    long pids[2];
    for (int w = 0; w < 2; w++) {
        pids[w] = testos_fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            otto_study *s;
            so.sampler = random_sampler();
            if (otto_study_create(&so, &s))
                _Exit(2);
            otto_optimize_options oo;
            otto_optimize_options_init(&oo);
            oo.n_trials = 200;
            _Exit(otto_study_optimize(s, quadratic, NULL, &oo) ? 3 : 0);
        }
    }
    otto_study *s;
    so.sampler = random_sampler();
    assert_ok(otto_study_create(&so, &s));
    otto_optimize_options oo; /* the parent writes at the same time */
    otto_optimize_options_init(&oo);
    oo.n_trials = 200;
    assert_ok(otto_study_optimize(s, quadratic, NULL, &oo));
    for (int w = 0; w < 2; w++)
        assert_int_equal(testos_wait_forked(pids[w]), 0);
    otto_study_destroy(s);
    otto_storage_close(st);
    otto_study *r;
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
    assert_int_equal(otto_study_trial_count(r), 600);
    for (size_t i = 0; i < 600; i++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(r, (int64_t)i, &t));
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
    }
    otto_study_destroy(r);
}

static void test_processes(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    if (b->kind == JOURNAL || b->kind == SQLITE)
        run_workers(b, 4, 500, OTTO_SYNC_EVERY_TELL);
    else
        run_workers(b, 8, 500, OTTO_SYNC_EVERY_TELL);
}

/* 4 threads optimize one stored study (with heartbeats) while another
 * handle keeps reading it: every trial arrives once, numbered 0..n-1. */
typedef struct reader_arg {
    otto_study *s;
    _Atomic int stop;
    size_t max_seen;
} reader_arg;

static void *reader_main(void *p)
{
    reader_arg *r = p;
    while (!atomic_load(&r->stop)) {
        if (otto_study_sync(r->s) != OTTO_OK)
            break;
        size_t n = otto_study_trial_count(r->s);
        for (size_t i = 0; i < n; i++) {
            const otto_trial *t;
            if (otto_study_trial(r->s, (int64_t)i, &t) == OTTO_OK)
                (void)otto_trial_param_count(t);
        }
        r->max_seen = n;
    }
    return NULL;
}

static void test_threads(void **state)
{
    backend *b = *state;
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.heartbeat_interval_s = 0.01;
    o.sync = OTTO_SYNC_BATCH;
    otto_study *s, *r = NULL;
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), &o, NULL, &s));
    if (b->kind != MEMORY)
        assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
    reader_arg ra = {r, 0, 0};
    pthread_t th;
    if (r)
        assert_int_equal(pthread_create(&th, NULL, reader_main, &ra), 0);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 200;
    oo.n_threads = 4;
    assert_ok(otto_study_optimize(s, quadratic, NULL, &oo));
    if (r) {
        atomic_store(&ra.stop, 1);
        pthread_join(th, NULL);
        assert_ok(otto_study_sync(r));
        assert_same_study(s, r);
        otto_study_destroy(r);
    }
    assert_int_equal(otto_study_trial_count(s), 200);
    otto_study_destroy(s);
}

/* ---- heartbeats ---------------------------------------------------------------------------- */

/* A trial whose worker stops heartbeating is FAIL after the grace period,
 * with its params enqueued again; a trial that keeps beating is not. */
static void test_heartbeat(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.heartbeat_interval_s = 0.05;
    o.grace_period_s = 0.4;
    o.retry_failed_trials = 1;
    otto_study *dead, *alive, *w;
    log_capture logs = {0};
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), &o, NULL, &dead));
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), &o, NULL, &alive));
    assert_ok(open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), &o, &logs, &w));
    otto_trial *td, *ta, *t;
    double x, y;
    size_t opt;
    assert_ok(otto_study_ask(dead, &td));
    assert_ok(otto_trial_suggest_float(td, "x", 0, 1, 0, 0, &x));
    assert_ok(otto_trial_suggest_categorical(td, "opt", optimizers, 3, &opt));
    otto_study_destroy(dead); /* its heartbeats stop; the trial stays RUNNING */
    assert_ok(otto_study_ask(alive, &ta));
    sleep_s(0.7);
    assert_ok(otto_study_ask(w, &t)); /* reaps first, then takes the retry */
    const otto_trial *r;
    assert_ok(otto_study_trial(w, 0, &r));
    assert_int_equal(otto_trial_get_state(r), OTTO_TRIAL_FAIL);
    const char *why;
    assert_ok(otto_trial_system_attr(r, "fail_reason", &why));
    assert_non_null(strstr(why, "heartbeat"));
    assert_ok(otto_study_trial(w, 1, &r));
    assert_int_equal(otto_trial_get_state(r), OTTO_TRIAL_RUNNING); /* alive's keeps beating */
    assert_true(logs.n_warnings >= 1);
    const char *retried;
    assert_ok(otto_trial_system_attr(t, "failed_trial", &retried));
    assert_string_equal(retried, "0");
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &y));
    size_t opt2;
    assert_ok(otto_trial_suggest_categorical(t, "opt", optimizers, 3, &opt2));
    assert_true(x == y);
    assert_int_equal(opt, opt2);
    assert_ok(otto_study_tell(w, t, OTTO_TRIAL_COMPLETE, &y, 1));
    double v = 1;
    assert_ok(otto_study_tell(alive, ta, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_study_destroy(alive);
    otto_study_destroy(w);
}

/* ---- a worker killed with SIGKILL ---------------------------------------------------------- */

/* The child tells trials, reporting each (number, value) in the file
 * `progress` as it goes, then starts one more trial, reports (-1, 0) and
 * waits to be killed. */
static int sigkill_child(const backend *b, const char *progress)
{
    FILE *out = fopen(progress, "wb");
    if (!out)
        return 8;
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.heartbeat_interval_s = 0.05;
    o.grace_period_s = 0.3;
    otto_study *s;
    if (open_study(b, OTTO_OPEN_LOAD_IF_EXISTS, random_sampler(), &o, NULL, &s))
        return 2;
    for (int i = 0; i < 25; i++) {
        otto_trial *t;
        double x;
        if (otto_study_ask(s, &t) || otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x))
            return 3;
        double v = x * x;
        if (otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1))
            return 4;
        double msg[2] = {(double)otto_trial_number(t), v};
        if (fwrite(msg, sizeof msg, 1, out) != 1 || fflush(out) != 0)
            return 5;
    }
    otto_trial *t;
    double x;
    if (otto_study_ask(s, &t) || otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x))
        return 6;
    double msg[2] = {-1, 0};
    if (fwrite(msg, sizeof msg, 1, out) != 1 || fflush(out) != 0)
        return 7;
    for (;;)
        testos_sleep(1);
}

/* The records the sigkill child has reported so far (up to 26). */
static int read_progress(const char *path, double msgs[26][2])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int n = (int)fread(msgs, sizeof msgs[0], 26, f);
    fclose(f);
    return n;
}

static void test_sigkill(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    char progress[340], kinds[8];
    snprintf(progress, sizeof progress, "%s.progress", b->path);
    snprintf(kinds, sizeof kinds, "%d", (int)b->kind);
    const char *args[] = {"--child", "sigkill", kinds, b->path, b->name, progress, NULL};
    testos_child child;
    assert_int_equal(testos_spawn_self(&child, args), 0);
    double msgs[26][2];
    int n = 0, status = TESTOS_RUNNING;
    for (double waited = 0; waited < 120 && status == TESTOS_RUNNING; waited += 0.01) {
        n = read_progress(progress, msgs);
        if (n == 26)
            break;
        testos_sleep(0.01);
        status = testos_try_wait(&child);
    }
    if (status != TESTOS_RUNNING)
        print_error("the child ended before it was killed, status %d\n", status);
    assert_int_equal(status, TESTOS_RUNNING);
    assert_int_equal(n, 26);
    assert_true(msgs[25][0] < 0);
    double told[25][2];
    for (int i = 0; i < 25; i++) {
        assert_true(msgs[i][0] >= 0);
        told[i][0] = msgs[i][0];
        told[i][1] = msgs[i][1];
    }
    assert_int_equal(testos_kill(&child), 0);
    assert_int_equal(testos_wait(&child), TESTOS_KILLED);
    remove(progress);
    if (b->kind == JOURNAL) { /* and the kill hit mid-write: half a record at the end */
        FILE *f = fopen(b->path, "ab");
        assert_non_null(f);
        unsigned char half[7] = {40, 0, 0, 0, 1, 2, 3};
        assert_int_equal(fwrite(half, 1, sizeof half, f), sizeof half);
        assert_int_equal(fclose(f), 0);
    }

    otto_storage_options o;
    otto_storage_options_init(&o);
    o.heartbeat_interval_s = 0.05;
    o.grace_period_s = 0.3;
    log_capture logs = {0};
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), &o, &logs, &s));
    assert_int_equal(otto_study_trial_count(s), 26);
    for (int i = 0; i < 25; i++) { /* every told trial, exactly */
        const otto_trial *t;
        double v;
        assert_ok(otto_study_trial(s, (int64_t)told[i][0], &t));
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
        assert_ok(otto_trial_value(t, &v));
        assert_true(v == told[i][1]);
    }
    sleep_s(0.5);
    otto_trial *t;
    assert_ok(otto_study_ask(s, &t)); /* truncates the torn tail, fails the dead trial */
    const otto_trial *dead;
    assert_ok(otto_study_trial(s, 25, &dead));
    assert_int_equal(otto_trial_get_state(dead), OTTO_TRIAL_FAIL);
    double v = 0.5;
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    otto_study_destroy(s);
    if (b->kind == JOURNAL)
        { if (logs.n_warnings < 2) print_error("last: %s (%d)\n", logs.last, logs.n_warnings); assert_true(logs.n_warnings >= 2); }

    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s));
    assert_int_equal(otto_study_trial_count(s), 27);
    otto_study_destroy(s);
}

/* ---- damaged journals -------------------------------------------------------------------- */

static size_t read_file(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n);
    assert_non_null(*out);
    assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return (size_t)n;
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static void make_reference_journal(backend *b, otto_study **ref)
{
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    write_history(s);
    assert_ok(otto_study_sync(s)); /* writes the running trial's queued param */
    *ref = s;
}

/* Truncated at every byte offset: always a clean load of a prefix of the
 * history (the trials read agree with the original), and the next write
 * works and reloads. */
/* Tell n trials of study s (random sampler, one param). */
static void tell_some(otto_study *s, int n)
{
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double x;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1));
    }
}

/* A journal or SQLite file removed (with its directory) or replaced after
 * it was opened: every later exchange is OTTO_EIO, nothing is written to a
 * file nobody can reach, and a worker opening the path anew does not see a
 * study that silently forked. (Where a removed file keeps its name until its
 * last handle closes, as on Windows, its directory cannot be removed
 * meanwhile: that part is left out there, and wine does not even mark the
 * file delete-pending, the sign win32.c reads.) */
static void test_file_removed_or_replaced(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL && b->kind != SQLITE)
        skip();
    char sub[300];
    snprintf(sub, sizeof sub, "%.250s/lost%d", b->dir, b->n);
    assert_int_equal(testos_mkdir(sub), 0);
    snprintf(b->path, sizeof b->path, "%s/j.otto", sub);
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    tell_some(s, 10);
    otto_trial *t, *t2;
    double x = 0.5;
    assert_ok(otto_study_ask(s, &t));
    otto_study *fresh;
    if (testos_rmtree(sub) == 0) {
        assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1), OTTO_EIO);
        assert_non_null(strstr(otto_last_error_message(), "removed"));
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_RUNNING); /* not told */
        assert_status(otto_study_ask(s, &t2), OTTO_EIO);
        assert_status(otto_study_sync(s), OTTO_EIO);
        /* the directory comes back empty: still not ours, still refused */
        assert_int_equal(testos_mkdir(sub), 0);
        assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1), OTTO_EIO);
        assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &fresh));
        tell_some(fresh, 1);
        assert_status(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1), OTTO_EIO);
        assert_non_null(strstr(otto_last_error_message(), "replaced"));
        otto_study_destroy(s);
        assert_int_equal(otto_study_trial_count(fresh), 1);
        otto_study_destroy(fresh);
    } else {
        print_message("test_file_removed_or_replaced: removal skipped: a removed file keeps "
                      "its name here while open, and its directory stays\n");
        otto_study_destroy(s);
        assert_int_equal(testos_rmtree(sub), 0);
        assert_int_equal(testos_mkdir(sub), 0);
    }

    /* replaced by another journal renamed over it */
    snprintf(b->path, sizeof b->path, "%s/k.otto", sub);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    tell_some(s, 3);
    char other[320];
    snprintf(other, sizeof other, "%.290s/other.otto", sub);
    char keep[320];
    snprintf(keep, sizeof keep, "%s", b->path);
    snprintf(b->path, sizeof b->path, "%s", other);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &fresh));
    tell_some(fresh, 2);
    otto_study_destroy(fresh);
    if (testos_replace(other, keep) != 0) { /* Windows: not over a file that is open */
        print_message("test_file_removed_or_replaced: replacement skipped: a file that is "
                      "open cannot be renamed over here\n");
        otto_study_destroy(s);
        return;
    }
    assert_status(otto_study_ask(s, &t), OTTO_EIO);
    assert_non_null(strstr(otto_last_error_message(), "replaced"));
    otto_study_destroy(s);
    if (b->kind == SQLITE)
        return; /* SQLite leaves the replaced file's WAL beside the new one, and a
                 * new connection would read it (sqlite.org/howtocorrupt.html,
                 * 2.4): what otto promises is that the old handle stops */
    snprintf(b->path, sizeof b->path, "%s", keep);
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s));
    assert_int_equal(otto_study_trial_count(s), 2); /* the other's, untouched */
    otto_study_destroy(s);
}

static void test_truncation(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL)
        skip();
    otto_study *ref;
    make_reference_journal(b, &ref);
    unsigned char *orig;
    size_t n = read_file(b->path, &orig);
    char path[320];
    snprintf(path, sizeof path, "%.300s.cut", b->path);
    char saved[320];
    snprintf(saved, sizeof saved, "%s", b->path);
    snprintf(b->path, sizeof b->path, "%s", path);
    size_t last_count = 0;
    for (size_t cut = 0; cut <= n; cut += cut < 64 || cut + 64 > n ? 1 : 7) {
        write_file(path, orig, cut);
        otto_study *s;
        int rc = open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s);
        if (rc == OTTO_ENOTFOUND) /* cut before the study record was complete */
            continue;
        assert_ok(rc);
        size_t c = otto_study_trial_count(s);
        assert_true(c <= otto_study_trial_count(ref));
        for (size_t i = 0; i < c; i++) {
            const otto_trial *t, *u;
            assert_ok(otto_study_trial(s, (int64_t)i, &t));
            assert_ok(otto_study_trial(ref, (int64_t)i, &u));
            if (otto_trial_get_state(t) != OTTO_TRIAL_RUNNING)
                assert_same_trial(t, u);
        }
        if (cut == n) {
            assert_same_study(ref, s);
        } else if (cut % 5 == 0) { /* writing after a torn tail keeps the file valid */
            otto_trial *t;
            assert_ok(otto_study_ask(s, &t));
            double v = 1;
            assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
            otto_study_destroy(s);
            assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s));
            assert_int_equal(otto_study_trial_count(s), c + 1);
        }
        last_count = c;
        otto_study_destroy(s);
    }
    assert_int_equal(last_count, otto_study_trial_count(ref));
    snprintf(b->path, sizeof b->path, "%s", saved);
    free(orig);
    otto_study_destroy(ref);
}

/* A journal cut short outside otto while handles have read it: readers
 * and writers both say so (OTTO_ECORRUPT) instead of going on showing the
 * trials the file no longer holds. */
static void test_truncated_under_readers(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL)
        skip();
    otto_study *w, *r;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &w));
    tell_some(w, 200);
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
    assert_int_equal(otto_study_trial_count(r), 200);
    unsigned char *bytes;
    size_t n = read_file(b->path, &bytes);
    write_file(b->path, bytes, n / 2); /* the same file, cut in half */
    free(bytes);
    assert_status(otto_study_sync(r), OTTO_ECORRUPT);
    assert_non_null(strstr(otto_last_error_message(), "was cut"));
    otto_trial *t;
    assert_status(otto_study_ask(w, &t), OTTO_ECORRUPT);
    otto_study_destroy(r);
    otto_study_destroy(w);
}

/* A byte flipped anywhere: OTTO_ECORRUPT naming the damaged record's byte
 * offset (or a clean load when the flip only hit a study we do not read),
 * never a crash; nothing is ever appended after the damage. */
static void test_flipped_bytes(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL)
        skip();
    otto_study *ref;
    make_reference_journal(b, &ref);
    otto_study_destroy(ref);
    unsigned char *orig;
    size_t n = read_file(b->path, &orig);
    unsigned char *copy = malloc(n);
    assert_non_null(copy);
    uint64_t rng = 12345;
    int corrupt = 0;
    for (int trial = 0; trial < 300; trial++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        size_t at = (size_t)(rng >> 33) % n;
        memcpy(copy, orig, n);
        copy[at] ^= (unsigned char)(1u << ((rng >> 20) & 7));
        write_file(b->path, copy, n);
        otto_study *s = NULL;
        int rc = open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s);
        if (rc == OTTO_OK) {
            otto_trial *t;
            rc = otto_study_ask(s, &t);
            otto_study_destroy(s);
        }
        assert_true(rc == OTTO_ECORRUPT || rc == OTTO_ENOTFOUND);
        corrupt += rc == OTTO_ECORRUPT;
        if (at >= 16 && rc == OTTO_ECORRUPT)
            assert_non_null(strstr(otto_last_error_message(), "at byte"));
        unsigned char *after;
        size_t m = read_file(b->path, &after);
        assert_int_equal(m, n); /* nothing appended or cut */
        free(after);
    }
    assert_true(corrupt >= 250);
    free(copy);
    free(orig);
}

/* ---- bad input ------------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL)
        skip();
    otto_storage *st = NULL;
    assert_status(otto_storage_journal_open(NULL, NULL, &st), OTTO_EINVAL);
    assert_status(otto_storage_journal_open("", NULL, &st), OTTO_EINVAL);
    assert_status(otto_storage_journal_open(b->path, NULL, NULL), OTTO_EINVAL);
    assert_status(otto_storage_journal_open(b->dir, NULL, &st), OTTO_EIO);
    assert_null(st);
    char missing[400];
    snprintf(missing, sizeof missing, "%s/no/such/dir/j", b->dir);
    assert_status(otto_storage_journal_open(missing, NULL, &st), OTTO_EIO);
    /* not a journal */
    write_file(b->path, (const unsigned char *)"hello, world: not a journal", 27);
    assert_status(otto_storage_journal_open(b->path, NULL, &st), OTTO_ECORRUPT);
    remove(b->path);
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.sync = (otto_sync_policy)9;
    assert_status(otto_storage_journal_open(b->path, &o, &st), OTTO_EINVAL);
    otto_storage_options_init(&o);
    o.heartbeat_interval_s = 1;
    o.grace_period_s = 0.5;
    assert_status(otto_storage_journal_open(b->path, &o, &st), OTTO_EINVAL);
    o.grace_period_s = NAN;
    assert_status(otto_storage_journal_open(b->path, &o, &st), OTTO_EINVAL);
    otto_storage_close(NULL);
    size_t n;
    assert_status(otto_storage_study_names(NULL, NULL, 0, &n), OTTO_EINVAL);
    assert_status(otto_study_sync(NULL), OTTO_EINVAL);

    /* LOAD needs a storage and a name; bad open modes */
    otto_study_options so;
    otto_study_options_init(&so);
    so.open_mode = OTTO_OPEN_LOAD;
    otto_study *s = NULL;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_ok(otto_storage_journal_open(b->path, NULL, &st));
    so.storage = st;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    so.open_mode = (otto_open_mode)7;
    so.name = "x";
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_null(s);
    otto_storage_close(st);
    assert_status(otto_storage_postgres_open(NULL, NULL, &st), OTTO_EINVAL);
}

/* The sync policies all keep every result across a close. */
static void test_sync_policies(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL && b->kind != SQLITE)
        skip();
    for (int pol = OTTO_SYNC_EVERY_TELL; pol <= OTTO_SYNC_NONE; pol++) {
        next_names(b);
        otto_storage_options o;
        otto_storage_options_init(&o);
        o.sync = (otto_sync_policy)pol;
        o.sync_interval_s = 0.001;
        otto_study *s;
        assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), &o, NULL, &s));
        run_sphere(s, 20);
        otto_study_destroy(s);
        assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s));
        assert_int_equal(otto_study_trial_count(s), 20);
        otto_study_destroy(s);
    }
}

/* ---- deleting a study ------------------------------------------------------------------ */

/* The storage's study names that start with prefix, without it, joined by
 * commas (a PostgreSQL server holds other runs' studies too). */
static void names_of(const backend *b, const char *prefix, char *out, size_t cap)
{
    otto_storage *st;
    assert_ok(open_storage(b, NULL, &st));
    const char *names[64];
    size_t n;
    assert_ok(otto_storage_study_names(st, names, 64, &n));
    out[0] = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (strncmp(names[i], prefix, strlen(prefix)) == 0)
            snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? "," : "",
                     names[i] + strlen(prefix));
    otto_storage_close(st);
}

/* A deleted study is gone (its name free again), other studies stay, and a
 * handle still open on it fails its next write instead of writing nowhere. */
static void test_delete_study(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    char base[64], prefix[48], a_name[48], b_name[48], names[512];
    snprintf(base, sizeof base, "%s", b->name);
    snprintf(prefix, sizeof prefix, "del-%.40s@", base);
    snprintf(a_name, sizeof a_name, "del-%.40s@A", base);
    snprintf(b_name, sizeof b_name, "del-%.40s@B", base);
    otto_study *a, *other;
    snprintf(b->name, sizeof b->name, "%s", a_name);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &a));
    tell_some(a, 3);
    snprintf(b->name, sizeof b->name, "%s", b_name);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &other));
    tell_some(other, 2);
    otto_study_destroy(other);
    names_of(b, prefix, names, sizeof names);
    assert_string_equal(names, "A,B");

    otto_storage *st;
    assert_ok(open_storage(b, NULL, &st));
    assert_ok(otto_storage_delete_study(st, a_name));
    assert_status(otto_storage_delete_study(st, a_name), OTTO_ENOTFOUND);
    assert_status(otto_storage_delete_study(st, ""), OTTO_EINVAL);
    assert_status(otto_storage_delete_study(st, NULL), OTTO_EINVAL);
    assert_status(otto_storage_delete_study(NULL, a_name), OTTO_EINVAL);
    otto_storage_close(st);
    names_of(b, prefix, names, sizeof names);
    assert_string_equal(names, "B");

    otto_trial *t;
    assert_status(otto_study_ask(a, &t), OTTO_ENOTFOUND); /* the old handle writes nowhere */
    otto_study_destroy(a);
    snprintf(b->name, sizeof b->name, "%s", a_name);
    assert_status(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &a),
                  OTTO_ENOTFOUND);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &a)); /* anew */
    assert_int_equal(otto_study_trial_count(a), 0);
    tell_some(a, 1);
    otto_study_destroy(a);
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &a));
    assert_int_equal(otto_study_trial_count(a), 1);
    otto_study_destroy(a);
    snprintf(b->name, sizeof b->name, "%s", b_name);
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &other));
    assert_int_equal(otto_study_trial_count(other), 2);
    otto_study_destroy(other);
    names_of(b, prefix, names, sizeof names);
    assert_string_equal(names, "B,A");
    snprintf(b->name, sizeof b->name, "%s", base);
}

/* ---- SQLite: damaged databases and bad input ------------------------------------------- */

#if defined(OTTO_HAVE_SQLITE)
static sqlite3 *raw_db(const backend *b)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* Load the study and ask once: the status of the first failure. */
static int load_and_ask(const backend *b)
{
    otto_study *s = NULL;
    int rc = open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &s);
    if (rc == OTTO_OK) {
        otto_trial *t;
        rc = otto_study_ask(s, &t);
        otto_study_destroy(s);
    }
    return rc;
}
#endif

/* A byte flipped in any stored batch, a lost batch, or damage to the file
 * itself: a clear error (OTTO_ECORRUPT where otto or SQLite can tell),
 * never a crash, and the damaged study is not written on. */
static void test_sqlite_damage(void **state)
{
    backend *b = *state;
    if (b->kind != SQLITE)
        skip();
#if defined(OTTO_HAVE_SQLITE)
    otto_study *ref;
    make_reference_journal(b, &ref);
    otto_study_destroy(ref);
    sqlite3 *db = raw_db(b);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, batch FROM otto_log ORDER BY seq", -1,
                                        &q, NULL),
                     SQLITE_OK);
    int64_t seqs[256];
    unsigned char *blobs[256];
    int lens[256], n = 0;
    while (sqlite3_step(q) == SQLITE_ROW && n < 256) {
        seqs[n] = sqlite3_column_int64(q, 0);
        lens[n] = sqlite3_column_bytes(q, 1);
        blobs[n] = malloc((size_t)lens[n]);
        assert_non_null(blobs[n]);
        memcpy(blobs[n], sqlite3_column_blob(q, 1), (size_t)lens[n]);
        n++;
    }
    sqlite3_finalize(q);
    assert_true(n > 20);
    sqlite3_stmt *up;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE otto_log SET batch = ?1 WHERE seq = ?2", -1,
                                        &up, NULL),
                     SQLITE_OK);
    uint64_t rng = 99;
    for (int k = 0; k < 100; k++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        int row = (int)((rng >> 33) % (uint64_t)n);
        int at = (int)((rng >> 13) % (uint64_t)lens[row]);
        blobs[row][at] ^= (unsigned char)(1u << ((rng >> 7) & 7));
        sqlite3_bind_blob(up, 1, blobs[row], lens[row], SQLITE_STATIC);
        sqlite3_bind_int64(up, 2, seqs[row]);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        assert_status(load_and_ask(b), OTTO_ECORRUPT);
        assert_non_null(strstr(otto_last_error_message(), "corrupt"));
        blobs[row][at] ^= (unsigned char)(1u << ((rng >> 7) & 7)); /* repair it */
        sqlite3_bind_blob(up, 1, blobs[row], lens[row], SQLITE_STATIC);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
    }
    sqlite3_finalize(up);
    assert_ok(load_and_ask(b)); /* repaired: loads (and ask wrote a batch) */
    long long count_before = 0;
    raw_exec(db, "DELETE FROM otto_log WHERE seq = 3");
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM otto_log", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    count_before = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    assert_status(load_and_ask(b), OTTO_ECORRUPT);
    assert_non_null(strstr(otto_last_error_message(), "skips"));
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM otto_log", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), count_before); /* nothing written */
    sqlite3_finalize(q);
    sqlite3_close(db);
    for (int i = 0; i < n; i++)
        free(blobs[i]);

    /* the file itself: checkpointed into the main file, then bytes flipped
     * or cut; SQLite or otto may or may not notice, but nothing crashes */
    db = raw_db(b);
    raw_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    unsigned char *orig;
    size_t size = read_file(b->path, &orig);
    unsigned char *copy = malloc(size);
    assert_non_null(copy);
    int errors = 0;
    for (int k = 0; k < 60; k++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        memcpy(copy, orig, size);
        size_t len = size;
        if (k % 3 == 2)
            len = (size_t)((rng >> 20) % size);
        else
            copy[(rng >> 33) % size] ^= 0xff;
        char wal[400];
        snprintf(wal, sizeof wal, "%s-wal", b->path);
        remove(wal);
        write_file(b->path, copy, len);
        int rc = load_and_ask(b);
        assert_true(rc == OTTO_OK || rc == OTTO_ECORRUPT || rc == OTTO_ENOTFOUND ||
                    rc == OTTO_EIO);
        errors += rc != OTTO_OK;
    }
    assert_true(errors > 10);
    free(copy);
    free(orig);
#endif
}

static void test_sqlite_bad_input(void **state)
{
    backend *b = *state;
    if (b->kind != SQLITE)
        skip();
#if defined(OTTO_HAVE_SQLITE)
    otto_storage *st = NULL;
    assert_status(otto_storage_sqlite_open(NULL, NULL, &st), OTTO_EINVAL);
    assert_status(otto_storage_sqlite_open("", NULL, &st), OTTO_EINVAL);
    assert_status(otto_storage_sqlite_open(":memory:", NULL, &st), OTTO_EINVAL);
    assert_status(otto_storage_sqlite_open(b->path, NULL, NULL), OTTO_EINVAL);
    assert_status(otto_storage_sqlite_open(b->dir, NULL, &st), OTTO_EIO);
    assert_null(st);
    char missing[400];
    snprintf(missing, sizeof missing, "%s/no/such/dir/x.db", b->dir);
    assert_status(otto_storage_sqlite_open(missing, NULL, &st), OTTO_EIO);
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.timeout_s = -1;
    assert_status(otto_storage_sqlite_open(b->path, &o, &st), OTTO_EINVAL);
    /* not a database at all */
    write_file(b->path, (const unsigned char *)"hello, world: this is no database at all, not "
                                               "even close to one",
               64);
    assert_status(otto_storage_sqlite_open(b->path, NULL, &st), OTTO_ECORRUPT);
    assert_null(st);
    remove(b->path);
    /* another program's database (an Optuna RDB storage, say): refused, untouched */
    sqlite3 *db = raw_db(b);
    raw_exec(db, "CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT)");
    sqlite3_close(db);
    assert_status(otto_storage_sqlite_open(b->path, NULL, &st), OTTO_ECORRUPT);
    assert_non_null(strstr(otto_last_error_message(), "not an otto database"));
    db = raw_db(b);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
    remove(b->path);
    /* a writer holding the database longer than timeout_s: OTTO_EIO, then fine */
    otto_storage_options_init(&o);
    o.timeout_s = 0.2;
    otto_study *s;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), &o, NULL, &s));
    db = raw_db(b);
    raw_exec(db, "BEGIN IMMEDIATE");
    otto_trial *t;
    time_t t0 = time(NULL);
    assert_status(otto_study_ask(s, &t), OTTO_EIO);
    assert_true(time(NULL) - t0 < 5);
    assert_non_null(strstr(otto_last_error_message(), "timeout_s"));
    raw_exec(db, "COMMIT");
    sqlite3_close(db);
    tell_some(s, 2);
    assert_int_equal(otto_study_trial_count(s), 2);
    otto_study_destroy(s);
#endif
}

/* ---- read-only storages (OTTO_STORAGE_READ_ONLY) ------------------------------------------ */

static int open_read_only(const backend *b, otto_storage **st)
{
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.flags = OTTO_STORAGE_READ_ONLY;
    return open_storage(b, &o, st);
}

/* A study of a read-only storage, or the status that refused it. */
static int load_read_only(const backend *b, otto_open_mode mode, otto_study **out)
{
    otto_storage *st;
    *out = NULL;
    int rc = open_read_only(b, &st);
    if (rc)
        return rc;
    otto_study_options so;
    otto_study_options_init(&so);
    so.name = b->name;
    so.storage = st;
    so.open_mode = mode;
    assert_ok(otto_sampler_random_create(NULL, &so.sampler));
    rc = otto_study_create(&so, out);
    otto_storage_close(st);
    return rc;
}

/* What a file is: its bytes and modification time. */
typedef struct file_image {
    unsigned char *bytes;
    size_t n;
    struct timespec mtime;
} file_image;

static void image_of(const char *path, file_image *im)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
#if defined(__linux__)
    im->mtime = sb.st_mtim;
#else /* Windows' stat has whole seconds */
    im->mtime.tv_sec = sb.st_mtime;
    im->mtime.tv_nsec = 0;
#endif
    im->n = read_file(path, &im->bytes);
}

static void assert_unchanged(const char *path, file_image *before)
{
    file_image now;
    image_of(path, &now);
    assert_int_equal(now.n, before->n);
    assert_memory_equal(now.bytes, before->bytes, now.n);
    assert_int_equal(now.mtime.tv_sec, before->mtime.tv_sec);
    assert_int_equal(now.mtime.tv_nsec, before->mtime.tv_nsec);
    free(now.bytes);
    free(before->bytes);
    before->bytes = NULL;
}

/* Reads work and every write is OTTO_ESTATE with nothing written: on any
 * backend, the file (journal, SQLite) byte for byte unchanged, while a
 * writer's later trials still reach the reader. */
static void test_read_only(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_storage *st = NULL;
    otto_study *s, *r, *r2;
    if (b->kind != POSTGRES) { /* a missing file is not created */
        assert_status(open_read_only(b, &st), OTTO_ENOTFOUND);
        assert_null(st);
        assert_int_equal(access(b->path, F_OK), -1);
    }
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.flags = 0x10;
    assert_status(open_storage(b, &o, &st), OTTO_EINVAL);
    assert_non_null(strstr(otto_last_error_message(), "flags"));

    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    tell_some(s, 3);
    assert_ok(otto_study_set_user_attr(s, "k", "v"));
    file_image before = {0};
    if (b->kind != POSTGRES)
        image_of(b->path, &before);

    assert_ok(open_read_only(b, &st));
    const char *names[64];
    size_t n = 0;
    assert_ok(otto_storage_study_names(st, names, 64, &n));
    int listed = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        listed |= strcmp(names[i], b->name) == 0;
    assert_true(listed);
    assert_status(otto_storage_delete_study(st, b->name), OTTO_ESTATE);
    assert_non_null(strstr(otto_last_error_message(), "read-only"));
    otto_storage_close(st);

    assert_status(load_read_only(b, OTTO_OPEN_CREATE, &r), OTTO_ESTATE);
    assert_null(r);
    assert_ok(load_read_only(b, OTTO_OPEN_LOAD_IF_EXISTS, &r2));
    otto_study_destroy(r2);
    assert_ok(load_read_only(b, OTTO_OPEN_LOAD, &r));
    assert_int_equal(otto_study_trial_count(r), 3);
    const char *v;
    assert_ok(otto_study_user_attr(r, "k", &v));
    assert_string_equal(v, "v");
    const otto_trial *best;
    assert_ok(otto_study_best_trial(r, &best));

    otto_trial *t;
    assert_status(otto_study_ask(r, &t), OTTO_ESTATE);
    assert_non_null(strstr(otto_last_error_message(), "read-only"));
    otto_param_value pv = {"x", OTTO_VALUE_NUMBER, 0.5, NULL};
    assert_status(otto_study_enqueue_trial(r, &pv, 1), OTTO_ESTATE);
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    double x = 0.5;
    assert_status(otto_study_add_trial(r, sp, &x, OTTO_TRIAL_COMPLETE, &x, 1, NULL), OTTO_ESTATE);
    otto_space_destroy(sp);
    assert_status(otto_study_set_user_attr(r, "k", "w"), OTTO_ESTATE);
    assert_ok(otto_study_user_attr(r, "k", &v));
    assert_string_equal(v, "v");
    assert_ok(otto_study_sync(r));
    assert_int_equal(otto_study_trial_count(r), 3);
    if (b->kind != POSTGRES)
        assert_unchanged(b->path, &before);

    tell_some(s, 2); /* a writer goes on; the reader sees it */
    if (b->kind != POSTGRES)
        image_of(b->path, &before);
    assert_ok(otto_study_sync(r));
    assert_int_equal(otto_study_trial_count(r), 5);
    assert_status(load_read_only(b, OTTO_OPEN_CREATE, &r2), OTTO_ESTATE);
    otto_study_destroy(r);
    if (b->kind != POSTGRES)
        assert_unchanged(b->path, &before);
    tell_some(s, 1); /* the writer still can: readers hold no lock it waits on */
    otto_study_destroy(s);

    /* an absent study under LOAD_IF_EXISTS is not created */
    snprintf(b->name, sizeof b->name, "never-%llx-%d", (unsigned long long)b->salt, b->n);
    assert_status(load_read_only(b, OTTO_OPEN_LOAD_IF_EXISTS, &r), OTTO_ENOTFOUND);
    assert_ok(open_read_only(b, &st));
    assert_ok(otto_storage_study_names(st, names, 64, &n));
    for (size_t i = 0; i < n && i < 64; i++)
        assert_string_not_equal(names[i], b->name);
    otto_storage_close(st);
}

/* Entries of directory d other than . and .. */
static int n_entries(const char *d)
{
    DIR *dir = opendir(d);
    assert_non_null(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dir);
    return n;
}

#if defined(OTTO_HAVE_SQLITE)
static long long pragma_of(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    /* read-write: closing the last connection removes the -wal and -shm */
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    long long v = sqlite3_column_type(q, 0) == SQLITE_TEXT
                      ? (long long)sqlite3_column_text(q, 0)[0]
                      : sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}
#endif

/* Read the study at b->path from a read-only bind mount of its directory
 * in a child (a mount namespace of its own): 0 when it reads n trials and
 * a writable open fails, 77 when mounts are not allowed here (or, off
 * Linux, do not exist). */
static int read_from_read_only_mount(backend *b, const char *dir, size_t n)
{
#if defined(__linux__)
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char cmd[1024];
        if (unshare(CLONE_NEWNS) != 0)
            _exit(77);
        snprintf(cmd, sizeof cmd,
                 "mount --make-rprivate / && mount --bind '%s' '%s' && "
                 "mount -o remount,bind,ro '%s'",
                 dir, dir, dir);
        if (system(cmd) != 0)
            _exit(77);
        otto_storage *st;
        if (open_storage(b, NULL, &st) == OTTO_OK) /* really read-only */
            _exit(3);
        otto_study *r;
        if (load_read_only(b, OTTO_OPEN_LOAD, &r) != OTTO_OK) {
            fprintf(stderr, "read-only mount: %s\n", otto_last_error_message());
            _exit(4);
        }
        int ok = otto_study_trial_count(r) == n;
        otto_study_destroy(r);
        _exit(ok ? 0 : 5);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
#else
    (void)b;
    (void)dir;
    (void)n;
    return 77; /* mount namespaces are Linux's */
#endif
}

/* A read-only handle creates nothing and changes no byte: an empty file
 * stays empty (and holds no studies), a torn journal tail is not cut, an
 * SQLite database keeps its journal mode (rollback or WAL), and a file on a
 * read-only mount is read. */
static void test_read_only_files(void **state)
{
    backend *b = *state;
    if (b->kind != JOURNAL && b->kind != SQLITE)
        skip();
    char dir[300];
    snprintf(dir, sizeof dir, "%.250s/ro%d", b->dir, b->n);
    assert_int_equal(testos_mkdir(dir), 0);
    snprintf(b->path, sizeof b->path, "%s/empty", dir);
    static const unsigned char nothing[1];
    write_file(b->path, nothing, 0);
    otto_storage *st;
    otto_study *r, *s;
    size_t n = 9;
    assert_ok(open_read_only(b, &st));
    assert_ok(otto_storage_study_names(st, NULL, 0, &n));
    assert_int_equal(n, 0);
    otto_storage_close(st);
    assert_status(load_read_only(b, OTTO_OPEN_LOAD, &r), OTTO_ENOTFOUND);
    file_image im;
    image_of(b->path, &im);
    assert_int_equal(im.n, 0);
    free(im.bytes);
    assert_int_equal(n_entries(dir), 1);
    unlink(b->path);

    snprintf(b->path, sizeof b->path, "%s/study", dir);
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    tell_some(s, 4);
    otto_study_destroy(s);
    if (b->kind == JOURNAL) { /* a torn tail: a writer died mid-record */
        unsigned char *bytes;
        size_t len = read_file(b->path, &bytes);
        write_file(b->path, bytes, len - 3);
        free(bytes);
    }
#if defined(OTTO_HAVE_SQLITE)
    if (b->kind == SQLITE) { /* someone switched it to a rollback journal */
        assert_int_equal(pragma_of(b->path, "PRAGMA journal_mode"), 'w');
        sqlite3 *db = raw_db(b);
        raw_exec(db, "PRAGMA journal_mode = DELETE");
        sqlite3_close(db);
        assert_int_equal(pragma_of(b->path, "PRAGMA journal_mode"), 'd');
    }
#endif
    file_image before;
    image_of(b->path, &before);
    assert_ok(load_read_only(b, OTTO_OPEN_LOAD, &r));
    assert_int_equal(otto_study_trial_count(r), 4);
    const otto_trial *last;
    assert_ok(otto_study_trial(r, 3, &last)); /* the journal's torn tell is not there */
    assert_int_equal(otto_trial_get_state(last),
                     b->kind == JOURNAL ? OTTO_TRIAL_RUNNING : OTTO_TRIAL_COMPLETE);
    assert_ok(otto_study_sync(r));
    otto_study_destroy(r);
    assert_unchanged(b->path, &before);
    assert_int_equal(n_entries(dir), 1); /* no -wal, -shm or -journal made */
#if defined(OTTO_HAVE_SQLITE)
    if (b->kind == SQLITE) { /* back to WAL: still read, still WAL */
        assert_int_equal(pragma_of(b->path, "PRAGMA journal_mode"), 'd');
        sqlite3 *db = raw_db(b);
        raw_exec(db, "PRAGMA journal_mode = WAL");
        sqlite3_close(db);
        image_of(b->path, &before);
        assert_ok(load_read_only(b, OTTO_OPEN_LOAD, &r));
        assert_int_equal(otto_study_trial_count(r), 4);
        otto_study_destroy(r);
        assert_unchanged(b->path, &before);
        assert_int_equal(pragma_of(b->path, "PRAGMA journal_mode"), 'w');
        char side[700];
        snprintf(side, sizeof side, "rm -f '%s-wal' '%s-shm'", b->path, b->path);
        assert_int_equal(system(side), 0); /* as after a clean close of the last writer */
    }
#endif
    int rc = read_from_read_only_mount(b, dir, 4);
    if (rc == 77)
        print_message("read-only mount: skipped (no mount namespaces here)\n");
    else
        assert_int_equal(rc, 0);
}

static uint64_t prop_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double prop_unit(uint64_t *x) { return (double)(prop_next(x) >> 11) * 0x1p-53; }

/* Suggest one random distribution as param `name`: ints near +-2^53, floats
 * from 1e-12 to 1e15 with decimal, odd or absent steps, logs, categoricals.
 * OTTO_EINVAL (refused up front) is fine; anything accepted must replay. */
static int suggest_random_distribution(otto_trial *t, const char *name, uint64_t *x)
{
    const double lim = OTTO_INT_LIMIT;
    int which = (int)(prop_next(x) % 5);
    if (which == 0) {
        static const int64_t edges[][2] = {{0, (int64_t)1 << 53},
                                           {-((int64_t)1 << 53), (int64_t)1 << 53},
                                           {((int64_t)1 << 53) - 7, (int64_t)1 << 53}};
        int64_t low, high, step = 1, v;
        if (prop_next(x) % 4 == 0) {
            const int64_t *e = edges[prop_next(x) % 3];
            low = e[0];
            high = e[1];
        } else {
            double mag = ldexp(1.0, (int)(prop_next(x) % 54));
            low = (int64_t)((prop_unit(x) * 2 - 1) * fmin(mag, lim));
            high = (int64_t)fmin((double)low + prop_unit(x) * mag, lim);
            if (high < low)
                high = low;
            step = 1 + (int64_t)(prop_unit(x) * (double)(high - low) * 0.3);
        }
        unsigned flags = 0;
        if (low >= 1 && prop_next(x) % 3 == 0) {
            flags = OTTO_LOG;
            step = 1;
        }
        return otto_trial_suggest_int(t, name, low, high, step, flags, &v);
    }
    if (which == 4) {
        const char *ch[] = {"a", "bb", "", "\xc3\xa9", "x y"};
        size_t idx;
        return otto_trial_suggest_categorical(t, name, ch, 1 + prop_next(x) % 5, &idx);
    }
    double mag = pow(10.0, -12.0 + 27.0 * prop_unit(x));
    double low = (prop_next(x) % 3 == 0 ? -1 : 1) * mag * (1 + prop_unit(x));
    double span = mag * pow(10.0, -9.0 * prop_unit(x)) * prop_unit(x);
    double high = low + span, step = 0, v;
    int pick = (int)(prop_next(x) % 4);
    if (pick == 1) /* a decimal step: 1, 0.1, 0.01 ... of the span's size */
        step = pow(10.0, floor(log10(fmax(span, 1e-300))) - (double)(prop_next(x) % 4));
    else if (pick == 2)
        step = span * prop_unit(x);
    unsigned flags = 0;
    if (pick == 3 && low > 0)
        flags = OTTO_LOG;
    return otto_trial_suggest_float(t, name, low, high, step, flags, &v);
}

/* Whatever suggest accepts, every backend writes and reads back: 2,000
 * random distributions (73 of 2,596 such once made a stored study
 * unreadable for every worker), then the whole study is compared. */
static void test_distributions_round_trip(void **state)
{
    backend *b = *state;
    if (b->kind == MEMORY)
        skip();
    otto_study *s, *r;
    assert_ok(open_study(b, OTTO_OPEN_CREATE, random_sampler(), NULL, NULL, &s));
    uint64_t x = 0x5eed ^ b->salt;
    int accepted = 0, refused = 0;
    for (int i = 0; i < 40; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        for (int p = 0; p < 50; p++) {
            char name[16];
            snprintf(name, sizeof name, "p%d", i * 50 + p);
            int rc = suggest_random_distribution(t, name, &x);
            if (rc == OTTO_EINVAL)
                refused++;
            else
                assert_ok(rc);
            accepted += rc == OTTO_OK;
        }
        double y = i;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &y, 1));
    }
    assert_true(accepted > 1500); /* the generator mostly makes valid spaces */
    print_message("%d distributions written, %d refused by suggest\n", accepted, refused);
    assert_ok(open_study(b, OTTO_OPEN_LOAD, random_sampler(), NULL, NULL, &r));
    assert_same_study(s, r);
    otto_study_destroy(r);
    otto_study_destroy(s);
}

#define STORAGE_TESTS                                                                  \
    cmocka_unit_test_setup(test_history_round_trip, before_each),                      \
        cmocka_unit_test_setup(test_resume, before_each),                              \
        cmocka_unit_test_setup(test_open_modes, before_each),                          \
        cmocka_unit_test_setup(test_two_handles, before_each),                         \
        cmocka_unit_test_setup(test_tell_number, before_each),                         \
        cmocka_unit_test_setup(test_add_trial_as_migrated, before_each),               \
        cmocka_unit_test_setup(test_processes, before_each),                           \
        cmocka_unit_test_setup(test_fork_after_open, before_each),                     \
        cmocka_unit_test_setup(test_threads, before_each),                             \
        cmocka_unit_test_setup(test_heartbeat, before_each),                           \
        cmocka_unit_test_setup(test_sigkill, before_each),                             \
        cmocka_unit_test_setup(test_truncation, before_each),                          \
        cmocka_unit_test_setup(test_truncated_under_readers, before_each),             \
        cmocka_unit_test_setup(test_file_removed_or_replaced, before_each),            \
        cmocka_unit_test_setup(test_flipped_bytes, before_each),                       \
        cmocka_unit_test_setup(test_bad_input, before_each),                           \
        cmocka_unit_test_setup(test_sync_policies, before_each),                       \
        cmocka_unit_test_setup(test_delete_study, before_each),                        \
        cmocka_unit_test_setup(test_sqlite_damage, before_each),                       \
        cmocka_unit_test_setup(test_sqlite_bad_input, before_each),                    \
        cmocka_unit_test_setup(test_distributions_round_trip, before_each),            \
        cmocka_unit_test_setup(test_read_only, before_each),                           \
        cmocka_unit_test_setup(test_read_only_files, before_each)

/* test_storage --child ROLE KIND PATH NAME ...: a worker process of
 * run_workers or test_sigkill; its exit status says how it went. */
static int child_main(int argc, char **argv)
{
    if (argc < 4)
        return 100;
    backend b;
    memset(&b, 0, sizeof b);
    b.kind = (kind)atoi(argv[1]);
    snprintf(b.path, sizeof b.path, "%s", argv[2]);
    snprintf(b.name, sizeof b.name, "%s", argv[3]);
    if (b.kind == POSTGRES)
        b.conninfo = getenv("OTTO_TEST_POSTGRES");
    if (strcmp(argv[0], "worker") == 0 && argc == 8)
        return worker_child(&b, atoi(argv[4]), (otto_sync_policy)atoi(argv[5]), atoi(argv[6]),
                            argv[7]);
    if (strcmp(argv[0], "sigkill") == 0 && argc == 5)
        return sigkill_child(&b, argv[4]);
    return 100;
}

int main(int argc, char **argv)
{
    testos_init(argc, argv);
    if (argc > 1 && strcmp(argv[1], "--child") == 0)
        return child_main(argc - 2, argv + 2);
    const struct CMUnitTest tests[] = {STORAGE_TESTS};
    int failed = cmocka_run_group_tests_name("memory", tests, setup_memory, teardown_backend);
    failed += cmocka_run_group_tests_name("journal", tests, setup_journal, teardown_backend);
#if defined(OTTO_HAVE_SQLITE)
    failed += cmocka_run_group_tests_name("sqlite", tests, setup_sqlite, teardown_backend);
#else
    (void)setup_sqlite;
    print_message("sqlite: skipped (otto was built without libsqlite3)\n");
#endif
    const char *pg = getenv("OTTO_TEST_POSTGRES");
    if (pg && pg[0])
        failed += cmocka_run_group_tests_name("postgres", tests, setup_postgres, teardown_backend);
    else
        print_message("postgres: skipped (set OTTO_TEST_POSTGRES to a conninfo to run it)\n");
    return failed;
}
