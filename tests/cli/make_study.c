/* Writes the studies that the otto tool's tests read: a single-objective
 * study with hostile names (markup, quotes, non-ASCII) and every trial
 * state, a two-objective study, and with --live N a study that grows by one
 * trial every 20 ms while the tests read it. A postgresql:// URI instead of
 * a journal path writes the first two to that server, sqlite:///PATH to that
 * SQLite file; --many N writes a study of N trials, for the report's
 * limits; --inject writes a study whose names and labels are spreadsheet
 * formulas and terminal controls. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otto/otto.h>

#define CHECK(expr)                                                                  \
    do {                                                                             \
        int rc_ = (expr);                                                            \
        if (rc_) {                                                                   \
            fprintf(stderr, "%s: %s (%s)\n", #expr, otto_strerror(rc_),              \
                    otto_last_error_message());                                      \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

static otto_study *open_study(otto_storage *st, const char *name, size_t n_obj)
{
    otto_direction dirs[2] = {OTTO_MINIMIZE, OTTO_MAXIMIZE};
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = st;
    so.name = name;
    so.seed = 7;
    so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
    if (n_obj > 1) {
        so.n_objectives = n_obj;
        so.directions = dirs;
    }
    CHECK(otto_sampler_random_create(NULL, &so.sampler));
    otto_study *s;
    CHECK(otto_study_create(&so, &s));
    return s;
}

/* markup, quotes and non-ASCII (\"uni\" with umlaut and ring, then \"code\") */
#define HOSTILE_NAME "<script>alert('x')</script> \"q\" \xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9"

static const char *const opts[3] = {"adam", "<b>sgd</b>", "\xc3\xbcn\xc3\xaf"};

static void hostile(otto_storage *st)
{
    otto_study *s = open_study(st, HOSTILE_NAME, 1);
    for (int i = 0; i < 40; i++) {
        otto_trial *t;
        double lr, x;
        int64_t layers;
        size_t o;
        CHECK(otto_study_ask(s, &t));
        CHECK(otto_trial_suggest_float(t, "lr", 1e-5, 1e-1, 0, OTTO_LOG, &lr));
        CHECK(otto_trial_suggest_int(t, "layers", 1, 8, 1, 0, &layers));
        CHECK(otto_trial_suggest_categorical(t, "<img src=x onerror=alert(1)>", opts, 3, &o));
        CHECK(otto_trial_suggest_float(t, "x \"quoted\", comma", -2, 2, 0, 0, &x));
        double f = pow(log10(lr) + 3, 2) + 0.1 * (double)layers + 0.5 * (double)o + x * x;
        for (int step = 0; step < 5; step++)
            CHECK(otto_trial_report(t, step, f + 1.0 / (step + 1)));
        otto_trial_state state = i % 5 == 3 ? OTTO_TRIAL_PRUNED
                                 : i % 11 == 7 ? OTTO_TRIAL_FAIL
                                               : OTTO_TRIAL_COMPLETE;
        CHECK(otto_study_tell(s, t, state, state == OTTO_TRIAL_COMPLETE ? &f : NULL,
                              state == OTTO_TRIAL_COMPLETE));
    }
    otto_trial *running;
    CHECK(otto_study_ask(s, &running)); /* left RUNNING */
    otto_study_destroy(s);
}

static void pareto(otto_storage *st)
{
    otto_study *s = open_study(st, "pareto", 2);
    for (int i = 0; i < 30; i++) {
        otto_trial *t;
        double a, b;
        CHECK(otto_study_ask(s, &t));
        CHECK(otto_trial_suggest_float(t, "a", 0, 1, 0, 0, &a));
        CHECK(otto_trial_suggest_float(t, "b", 0, 1, 0, 0, &b));
        double v[2] = {a * a + b, (1 - a) * (1 - a) + b};
        v[1] = -v[1];
        CHECK(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, 2));
    }
    otto_study_destroy(s);
}

static void live(otto_storage *st, int n)
{
    otto_study *s = open_study(st, "live", 1);
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double x;
        CHECK(otto_study_ask(s, &t));
        CHECK(otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x));
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        double f = x * x;
        CHECK(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
    }
    otto_study_destroy(s);
}

/* A long study: n trials of 3 params, with reports, fast (no fsync). */
static void many(const char *path, int n)
{
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.sync = OTTO_SYNC_NONE;
    otto_storage *st;
    CHECK(otto_storage_journal_open(path, &o, &st));
    otto_study *s = open_study(st, "many", 1);
    otto_storage_close(st);
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double a, b, c;
        CHECK(otto_study_ask(s, &t));
        CHECK(otto_trial_suggest_float(t, "a", -1, 1, 0, 0, &a));
        CHECK(otto_trial_suggest_float(t, "b", -1, 1, 0, 0, &b));
        CHECK(otto_trial_suggest_float(t, "c", 1e-3, 1, 0, OTTO_LOG, &c));
        double f = 4 * a * a + b * b + c;
        CHECK(otto_trial_report(t, 0, f + 1));
        CHECK(otto_trial_report(t, 1, f));
        CHECK(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &f, 1));
    }
    otto_study_destroy(s);
}

/* A study named and labelled to attack whoever reads it: cells that
 * spreadsheets run as formulas (=, +, -, @, tab, CR first), a right-to-left
 * override (U+202E), a bidi isolate (U+2066), C1 controls (U+0085, U+009B:
 * CSI) and negative numbers, which must stay numbers. */
#define INJECT_NAME "@inject\xe2\x80\xae"
static void inject(const char *path)
{
    static const char *const labels[] = {
        "=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
        "safe", "ev\xe2\x80\xaeil", "c1\xc2\x85\xc2\x9b" "31m", "bi\xe2\x81\xa6" "di"};
    enum { N = sizeof labels / sizeof labels[0] };
    otto_storage *st;
    CHECK(otto_storage_journal_open(path, NULL, &st));
    otto_study *s = open_study(st, INJECT_NAME, 1);
    otto_storage_close(st);
    for (int i = 0; i < N; i++) {
        otto_param_value pv = {"cmd", OTTO_VALUE_LABEL, 0, labels[i]};
        CHECK(otto_study_enqueue_trial(s, &pv, 1));
        otto_trial *t;
        size_t o;
        double x;
        CHECK(otto_study_ask(s, &t));
        CHECK(otto_trial_suggest_categorical(t, "cmd", labels, N, &o));
        CHECK(otto_trial_suggest_float(t, "=x", -2, -1, 0, 0, &x));
        double v = x - 0.5;
        CHECK(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    otto_study_destroy(s);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: make_study JOURNAL|sqlite:///PATH|postgresql://... "
                        "[--live N | --many N | --inject]\n");
        return 2;
    }
    if (argc == 3 && strcmp(argv[2], "--inject") == 0) {
        inject(argv[1]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[2], "--many") == 0) {
        many(argv[1], atoi(argv[3]));
        return 0;
    }
    otto_storage *st;
    int pg = strncmp(argv[1], "postgresql://", 13) == 0;
    if (pg) { /* a server's studies outlive the test: start afresh */
        CHECK(otto_storage_postgres_open(argv[1], NULL, &st));
        otto_storage_delete_study(st, HOSTILE_NAME);
        otto_storage_delete_study(st, "pareto");
    } else if (strncmp(argv[1], "sqlite:///", 10) == 0) {
        CHECK(otto_storage_sqlite_open(argv[1] + 10, NULL, &st));
    } else {
        CHECK(otto_storage_journal_open(argv[1], NULL, &st));
    }
    if (argc == 4 && strcmp(argv[2], "--live") == 0) {
        live(st, atoi(argv[3]));
    } else {
        hostile(st);
        pareto(st);
    }
    otto_storage_close(st);
    return 0;
}
