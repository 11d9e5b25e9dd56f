/* Prefetched asks (otto_study_options.prefetch): ask never waits for the
 * worker (a sampler blocked on a condition variable, and ask still returns,
 * with a fallback-marked trial); destroy joins the worker with work in
 * flight (run under TSan); params inside their distributions; the seeded
 * reproducibility rule of otto/study.h, in otto_study_work mode and with
 * the owned thread; pending points; proposals no ask took are closed once;
 * otto_study_work without a thread; a journal storage. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <otto/sys/sampler.h>

#include "../common.h"
#include "../testos.h"

#define MAX_NUM 64

/* ---- a sampler whose relative sample waits at a gate --------------------------------- */

typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int closed;          /* sample_relative waits while closed */
    int inside;          /* a sample_relative call is waiting or running */
    int timed_out;       /* it gave up waiting (the test is broken) */
    int n_relative;
    pthread_t last_thread;
    int after[MAX_NUM];  /* after_trial calls per trial number */
    int after_state[MAX_NUM];
    int destroyed;
    int inside_at_destroy;
    /* what the last relative call saw as pending */
    size_t n_pending;
    int64_t pending_number[8];
    size_t pending_params[8];
    double pending_x[8];
} gate;

static void gate_init(gate *g)
{
    memset(g, 0, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
}

static void gate_fini(gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

static void gate_set(gate *g, int closed)
{
    pthread_mutex_lock(&g->mu);
    g->closed = closed;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static int gate_get(gate *g, const int *field)
{
    pthread_mutex_lock(&g->mu);
    int v = *field;
    pthread_mutex_unlock(&g->mu);
    return v;
}

/* Wait (up to 10 s) until *field >= want; 1 when it got there. */
static int gate_wait(gate *g, const int *field, int want)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&g->mu);
    int rc = 0;
    while (*field < want && rc == 0)
        rc = pthread_cond_timedwait(&g->cv, &g->mu, &until);
    int ok = *field >= want;
    pthread_mutex_unlock(&g->mu);
    return ok;
}

static int gate_relative(void *st, const otto_view *v, otto_trial *t, const otto_space *sp,
                         double *out)
{
    gate *g = st;
    const otto_trial *const *run;
    size_t n_run = 0;
    if (otto_view_running(v, &run, &n_run))
        return otto_set_error_message(OTTO_ENOMEM, "gate: view_running failed");
    pthread_mutex_lock(&g->mu);
    g->inside = 1;
    g->n_relative++;
    g->last_thread = pthread_self();
    g->n_pending = n_run < 8 ? n_run : 8;
    for (size_t i = 0; i < g->n_pending; i++) {
        g->pending_number[i] = otto_trial_number(run[i]);
        g->pending_params[i] = otto_trial_param_count(run[i]);
        g->pending_x[i] = NAN;
        otto_trial_param_float(run[i], "x", &g->pending_x[i]);
    }
    pthread_cond_broadcast(&g->cv);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    int rc = 0;
    while (g->closed && rc == 0)
        rc = pthread_cond_timedwait(&g->cv, &g->mu, &until);
    if (g->closed)
        g->timed_out = 1;
    g->inside = 0;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    for (size_t i = 0; i < otto_space_size(sp); i++) {
        otto_distribution d;
        otto_space_param(sp, i, NULL, &d);
        out[i] = otto_distribution_from_unit(&d, otto_rng_uniform(otto_trial_rng(t)));
    }
    return OTTO_OK;
}

static int gate_independent(void *st, const otto_view *v, otto_trial *t, const char *name,
                            const otto_distribution *d, double *out)
{
    (void)st;
    (void)v;
    (void)name;
    *out = otto_distribution_from_unit(d, otto_rng_uniform(otto_trial_rng(t)));
    return OTTO_OK;
}

static void gate_after(void *st, const otto_view *v, otto_trial *t, otto_trial_state final,
                       const double *values, size_t n)
{
    (void)v;
    (void)values;
    (void)n;
    gate *g = st;
    int64_t k = otto_trial_number(t);
    pthread_mutex_lock(&g->mu);
    if (k >= 0 && k < MAX_NUM) {
        g->after[k]++;
        g->after_state[k] = (int)final;
    }
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static void gate_destroy(void *st)
{
    gate *g = st;
    pthread_mutex_lock(&g->mu);
    g->destroyed++;
    g->inside_at_destroy = g->inside;
    pthread_mutex_unlock(&g->mu);
}

static const otto_sampler_vtable gate_vt = {
    .size = sizeof(otto_sampler_vtable),
    .name = "gate",
    .sample_relative = gate_relative,
    .sample_independent = gate_independent,
    .after_trial = gate_after,
    .destroy = gate_destroy,
};

static otto_study *gate_study(gate *g, size_t n, int thread)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 7;
    so.prefetch = n;
    so.prefetch_thread = thread;
    assert_ok(otto_sampler_create(&gate_vt, g, OTTO_SEED_NONE, &so.sampler));
    otto_study *s = NULL;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

static const char *prefetch_attr(const otto_trial *t)
{
    const char *v = "(none)";
    otto_trial_system_attr(t, "otto:prefetch", &v);
    return v;
}

/* Ask, suggest x in [0, 1], return it. */
static otto_trial *ask_x(otto_study *s, double *x)
{
    otto_trial *t = NULL;
    assert_ok(otto_study_ask(s, &t));
    assert_ok(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, x));
    return t;
}

static void tell_value(otto_study *s, otto_trial *t, double v)
{
    assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
}

/* Poll (up to 10 s) until the next ask would take a ready proposal. */
static int wait_ready(otto_study *s)
{
    for (int i = 0; i < 10000; i++) {
        if (otto_study_prefetch_ready(s) > 0)
            return 1;
        usleep(1000);
    }
    return 0;
}

static void add_history(otto_study *s, int n)
{
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", 0, 1, 0, 0));
    for (int i = 0; i < n; i++) {
        double x = (i + 0.5) / n, v = (x - 0.3) * (x - 0.3);
        assert_ok(otto_study_add_trial(s, sp, &x, OTTO_TRIAL_COMPLETE, &v, 1, NULL));
    }
    otto_space_destroy(sp);
}

/* ---- ask never waits -------------------------------------------------------------------- */

static void ask_returns_while_the_sampler_is_blocked(void **state)
{
    (void)state;
    gate g;
    gate_init(&g);
    otto_study *s = gate_study(&g, 1, 1);
    add_history(s, 3);
    double x;
    gate_set(&g, 1);
    otto_trial *t3 = ask_x(s, &x); /* no proposal yet: fallback; queues trial 4's */
    assert_string_equal(prefetch_attr(t3), "fallback");
    assert_true(gate_wait(&g, &g.inside, 1)); /* the worker is inside, blocked */
    tell_value(s, t3, 1.0);

    otto_trial *t4 = ask_x(s, &x); /* its proposal is blocked: ask must not wait */
    assert_int_equal(gate_get(&g, &g.inside), 1);
    assert_int_equal(gate_get(&g, &g.n_relative), 1);
    assert_string_equal(prefetch_attr(t4), "fallback");
    assert_true(x >= 0 && x <= 1);
    assert_int_equal(otto_study_prefetch_ready(s), 0);

    /* let the abandoned proposal finish: it is closed as FAIL, once */
    gate_set(&g, 0);
    assert_true(gate_wait(&g, &g.after[4], 1));
    assert_int_equal(gate_get(&g, &g.after_state[4]), OTTO_TRIAL_FAIL);
    tell_value(s, t4, 2.0); /* the sampler heard of number 4 already */
    assert_int_equal(gate_get(&g, &g.after[4]), 1);
    assert_int_equal(gate_get(&g, &g.after[3]), 1); /* a fallback trial it never sampled */
    assert_int_equal(gate_get(&g, &g.after_state[3]), OTTO_TRIAL_COMPLETE);

    /* proposal 5 (queued by ask 4) comes ready; ask takes it */
    assert_true(wait_ready(s));
    otto_trial *t5 = ask_x(s, &x);
    assert_string_equal(prefetch_attr(t5), "ready");
    tell_value(s, t5, 3.0);
    assert_int_equal(gate_get(&g, &g.after[5]), 1);
    assert_int_equal(gate_get(&g, &g.after_state[5]), OTTO_TRIAL_COMPLETE);
    assert_int_equal(gate_get(&g, &g.timed_out), 0);
    otto_study_destroy(s);
    assert_int_equal(g.destroyed, 1);
    gate_fini(&g);
}

/* ---- destroy with work in flight ------------------------------------------------------- */

static void *open_later(void *arg)
{
    usleep(50 * 1000);
    gate_set(arg, 0);
    return NULL;
}

static void destroy_joins_the_worker_in_flight(void **state)
{
    (void)state;
    gate g;
    gate_init(&g);
    otto_study *s = gate_study(&g, 2, 1);
    add_history(s, 3);
    gate_set(&g, 1);
    double x;
    otto_trial *t = ask_x(s, &x);
    assert_true(gate_wait(&g, &g.inside, 1));
    tell_value(s, t, 0.5);
    t = ask_x(s, &x); /* one more queued, one trial left running */
    (void)t;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, open_later, &g), 0);
    otto_study_destroy(s); /* waits for the blocked call, joins, frees */
    pthread_join(th, NULL);
    assert_int_equal(g.destroyed, 1);
    assert_int_equal(g.inside_at_destroy, 0); /* the sampler outlived its last call */
    assert_int_equal(g.timed_out, 0);
    gate_fini(&g);
}

static void destroy_right_after_asks_with_the_auto_sampler(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = (uint64_t)round;
        so.prefetch = 2;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        for (int i = 0; i < 12 + 4 * round; i++) {
            double x, y;
            otto_trial *t = ask_x(s, &x);
            assert_ok(otto_trial_suggest_float(t, "y", -1, 1, 0, 0, &y));
            tell_value(s, t, x * x + y * y);
        }
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t)); /* left running, proposals queued or in flight */
        otto_study_destroy(s);
    }
}

/* ---- params inside their distributions -------------------------------------------------- */

static void prefetched_params_are_inside_their_distributions(void **state)
{
    (void)state;
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 11;
    so.prefetch = 2;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    otto_space *sp;
    const char *opts[] = {"a", "b", "c"};
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "f", -2, 3, 0, 0));
    assert_ok(otto_space_add_float(sp, "lf", 1e-4, 1, 0, OTTO_LOG));
    assert_ok(otto_space_add_float(sp, "sf", 0, 1, 0.25, 0));
    assert_ok(otto_space_add_int(sp, "i", -3, 9, 3, 0));
    assert_ok(otto_space_add_int(sp, "li", 1, 1000, 1, OTTO_LOG));
    assert_ok(otto_space_add_categorical(sp, "c", opts, 3));
    int n_ready = 0, n_fallback = 0;
    for (int i = 0; i < 30; i++) {
        if (i % 2)
            assert_true(wait_ready(s));
        otto_trial *t;
        assert_ok(otto_study_ask_with(s, sp, &t));
        const char *pf = prefetch_attr(t);
        n_ready += !strcmp(pf, "ready");
        n_fallback += !strcmp(pf, "fallback");
        double v = 0;
        for (size_t k = 0; k < otto_trial_param_count(t); k++) {
            const char *name;
            otto_distribution d;
            double value;
            assert_ok(otto_trial_param_at(t, k, &name, &d, &value));
            assert_true(otto_distribution_contains(&d, value));
            v += otto_distribution_to_unit(&d, value);
        }
        assert_int_equal(otto_trial_param_count(t), 6);
        tell_value(s, t, v);
    }
    assert_true(n_ready >= 14);
    assert_true(n_fallback >= 1);
    assert_int_equal(n_ready + n_fallback, 30);
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

/* ---- reproducibility -------------------------------------------------------------------- */

#define RUN_TRIALS 24

/* Trials in pairs (ask a, ask b, tell b, tell a) with the auto sampler (its
 * GP phase); before each ask, the proposal is made ready: by otto_study_work
 * (thread 0) or by waiting for the owned thread. Params to out. */
static void run_ready(size_t n, int thread, uint64_t seed, double out[RUN_TRIALS][2])
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.prefetch = n;
    so.prefetch_thread = thread;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    otto_space *sp;
    assert_ok(otto_space_create(&sp));
    assert_ok(otto_space_add_float(sp, "x", -3, 3, 0, 0));
    assert_ok(otto_space_add_float(sp, "y", -3, 3, 0, 0));
    for (int i = 0; i < RUN_TRIALS; i += 2) {
        otto_trial *t[2];
        for (int k = 0; k < 2; k++) {
            if (i + k > 0) {
                if (thread) {
                    assert_true(wait_ready(s));
                } else {
                    int did = 1;
                    while (did)
                        assert_ok(otto_study_work(s, &did));
                }
            }
            assert_ok(otto_study_ask_with(s, sp, &t[k]));
            assert_string_equal(prefetch_attr(t[k]), i + k ? "ready" : "fallback");
            assert_ok(otto_trial_param_float(t[k], "x", &out[i + k][0]));
            assert_ok(otto_trial_param_float(t[k], "y", &out[i + k][1]));
        }
        for (int k = 1; k >= 0; k--) {
            double v = (out[i + k][0] - 1) * (out[i + k][0] - 1) +
                       (out[i + k][1] + 0.5) * (out[i + k][1] + 0.5);
            tell_value(s, t[k], v);
        }
    }
    otto_space_destroy(sp);
    otto_study_destroy(s);
}

static void same_seed_n_and_tells_give_the_same_trials(void **state)
{
    (void)state;
    static double a[RUN_TRIALS][2], b[RUN_TRIALS][2], c[RUN_TRIALS][2], d[RUN_TRIALS][2];
    for (size_t n = 1; n <= 2; n++) {
        run_ready(n, 0, 5, a);
        run_ready(n, 0, 5, b);
        assert_memory_equal(a, b, sizeof a);
        /* when the worker computes does not matter: the owned thread gives the
         * same trials as long as every ask finds its proposal ready */
        run_ready(n, 1, 5, c);
        assert_memory_equal(a, c, sizeof a);
        run_ready(n, 0, 6, d); /* and the seed does */
        assert_true(memcmp(a, d, sizeof a) != 0);
    }
    run_ready(1, 0, 5, a);
    run_ready(2, 0, 5, b); /* N changes what proposals see */
    assert_true(memcmp(a, b, sizeof a) != 0);
}

/* ---- pending points ---------------------------------------------------------------------- */

static void proposals_see_running_trials_and_earlier_proposals(void **state)
{
    (void)state;
    gate g;
    gate_init(&g);
    otto_study *s = gate_study(&g, 2, 0);
    add_history(s, 3); /* trials 0..2 */
    otto_trial *t3;
    assert_ok(otto_study_ask(s, &t3)); /* fallback draw of x; queues 4 and 5 */
    double x3;
    assert_ok(otto_trial_suggest_float(t3, "x", 0, 1, 0, 0, &x3));
    int did;
    assert_ok(otto_study_work(s, &did)); /* proposal 4 */
    assert_int_equal(did, 1);
    assert_int_equal(g.n_pending, 1);
    assert_int_equal(g.pending_number[0], 3);
    assert_close(g.pending_x[0], x3, 0);
    assert_ok(otto_study_work(s, &did)); /* proposal 5: trial 3 and proposal 4 */
    assert_int_equal(did, 1);
    assert_int_equal(g.n_pending, 2);
    int64_t lo = g.pending_number[0] < g.pending_number[1] ? 0 : 1;
    assert_int_equal(g.pending_number[lo], 3);
    assert_int_equal(g.pending_number[1 - lo], 4);
    assert_int_equal(g.pending_params[1 - lo], 1);
    double x4p = g.pending_x[1 - lo];
    assert_ok(otto_study_work(s, &did));
    assert_int_equal(did, 0);
    otto_trial *t4;
    double x4;
    t4 = ask_x(s, &x4);
    assert_string_equal(prefetch_attr(t4), "ready");
    assert_close(x4, x4p, 0); /* proposal 5 saw trial 4's coordinates */
    tell_value(s, t3, 1);
    tell_value(s, t4, 1);
    otto_study_destroy(s);
    gate_fini(&g);
}

/* ---- fallback, work mode, stale proposals ------------------------------------------------ */

static void work_mode_runs_nothing_by_itself(void **state)
{
    (void)state;
    gate g;
    gate_init(&g);
    otto_study *s = gate_study(&g, 1, 0);
    add_history(s, 2);
    double x;
    for (int i = 0; i < 4; i++) { /* nobody works: every ask falls back */
        otto_trial *t = ask_x(s, &x);
        assert_string_equal(prefetch_attr(t), "fallback");
        tell_value(s, t, x);
    }
    usleep(20 * 1000);
    assert_int_equal(gate_get(&g, &g.n_relative), 0); /* no thread ran anything */
    int did = 0;
    assert_ok(otto_study_work(s, &did));
    assert_int_equal(did, 1);
    assert_int_equal(g.n_relative, 1);
    assert_true(pthread_equal(g.last_thread, pthread_self()));
    assert_int_equal(otto_study_prefetch_ready(s), 1);
    assert_ok(otto_study_work(s, &did));
    assert_int_equal(did, 0);
    otto_trial *t = ask_x(s, &x);
    assert_string_equal(prefetch_attr(t), "ready");
    tell_value(s, t, x);

    /* a ready proposal whose number goes to an added trial is closed once */
    assert_ok(otto_study_work(s, &did)); /* proposal 7 */
    assert_int_equal(did, 1);
    add_history(s, 1); /* takes number 7 */
    t = ask_x(s, &x);  /* number 8: fallback, and proposal 7 is stale */
    assert_int_equal(otto_trial_number(t), 8);
    assert_string_equal(prefetch_attr(t), "fallback");
    assert_int_equal(g.after[7], 0);
    assert_ok(otto_study_work(s, &did)); /* closes 7 */
    assert_int_equal(did, 1);
    assert_int_equal(g.after[7], 1);
    assert_int_equal(g.after_state[7], OTTO_TRIAL_FAIL);
    tell_value(s, t, x);
    assert_int_equal(g.after[8], 1);
    otto_study_destroy(s);
    gate_fini(&g);

    /* without prefetch there is nothing to do */
    otto_study *plain = make_random_study(1, OTTO_MINIMIZE, NULL);
    assert_ok(otto_study_work(plain, &did));
    assert_int_equal(did, 0);
    assert_ok(otto_study_work(plain, NULL));
    assert_int_equal(otto_study_prefetch_ready(plain), 0);
    otto_study_destroy(plain);
    assert_status(otto_study_work(NULL, &did), OTTO_EINVAL);
    assert_int_equal(otto_study_prefetch_ready(NULL), 0);
}

static void set_sampler_drops_the_proposals(void **state)
{
    (void)state;
    gate g;
    gate_init(&g);
    otto_study *s = gate_study(&g, 2, 1);
    add_history(s, 3);
    double x;
    otto_trial *t = ask_x(s, &x);
    tell_value(s, t, x);
    otto_sampler *r;
    assert_ok(otto_sampler_random_create(NULL, &r));
    assert_ok(otto_study_set_sampler(s, r)); /* waits for the worker's unit */
    assert_int_equal(g.destroyed, 1);
    assert_int_equal(g.inside_at_destroy, 0);
    t = ask_x(s, &x); /* the random sampler has no relative sample: no prefetch */
    assert_string_equal(prefetch_attr(t), "(none)");
    tell_value(s, t, x);
    otto_study_destroy(s);
    gate_fini(&g);
}

static void bad_prefetch_options_are_einval(void **state)
{
    (void)state;
    otto_study_options so;
    otto_study_options_init(&so);
    assert_int_equal(so.prefetch, 0);
    assert_int_equal(so.prefetch_thread, 1);
    otto_study *s = NULL;
    so.prefetch = 2;
    so.prefetch_thread = 2;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
    assert_null(s);
    so.prefetch_thread = 0;
    so.prefetch = 100000;
    assert_status(otto_study_create(&so, &s), OTTO_EINVAL);
}

/* ---- concurrency and storage --------------------------------------------------------------- */

static otto_trial_state objective(otto_trial *t, void *ud, double *values, size_t n)
{
    (void)ud;
    (void)n;
    double x, y;
    if (otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x) ||
        otto_trial_suggest_float(t, "y", -1, 1, 0, 0, &y))
        return OTTO_TRIAL_FAIL;
    values[0] = x * x + y * y;
    return OTTO_TRIAL_COMPLETE;
}

static void optimize_with_threads_and_prefetch(void **state)
{
    (void)state;
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = 3;
    so.prefetch = 2;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 40;
    oo.n_threads = 4;
    assert_ok(otto_study_optimize(s, objective, NULL, &oo));
    assert_int_equal(otto_study_trial_count(s), 40);
    for (int64_t k = 0; k < 40; k++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(s, k, &t));
        assert_int_equal(otto_trial_get_state(t), OTTO_TRIAL_COMPLETE);
        const char *pf = prefetch_attr(t);
        assert_true(!strcmp(pf, "ready") || !strcmp(pf, "fallback"));
    }
    otto_study_destroy(s);
}

static void a_journal_keeps_the_asked_trials_only(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_int_equal(testos_mkdtemp(dir, sizeof dir, "otto-prefetch"), 0);
    snprintf(path, sizeof path, "%s/j.log", dir);
    double xs[6];
    for (int pass = 0; pass < 2; pass++) {
        otto_storage *st;
        assert_ok(otto_storage_journal_open(path, NULL, &st));
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 2;
        so.name = "pf";
        so.storage = st;
        so.open_mode = pass ? OTTO_OPEN_LOAD : OTTO_OPEN_CREATE;
        so.prefetch = 1;
        so.prefetch_thread = 0;
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        otto_storage_close(st); /* the study holds its own reference */
        if (!pass) {
            for (int i = 0; i < 6; i++) {
                int did = 1;
                while (did)
                    assert_ok(otto_study_work(s, &did));
                otto_trial *t = ask_x(s, &xs[i]);
                tell_value(s, t, xs[i]);
            }
            assert_ok(otto_study_work(s, NULL)); /* proposal 6: never stored */
        } else {
            assert_int_equal(otto_study_trial_count(s), 6);
            for (int64_t k = 0; k < 6; k++) {
                const otto_trial *t;
                double x;
                assert_ok(otto_study_trial(s, k, &t));
                assert_ok(otto_trial_param_float(t, "x", &x));
                assert_close(x, xs[k], 0);
                assert_string_equal(prefetch_attr(t), k ? "ready" : "fallback");
                const char *used;
                assert_ok(otto_trial_system_attr(t, "auto:sampler", &used));
            }
        }
        otto_study_destroy(s);
    }
    testos_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ask_returns_while_the_sampler_is_blocked),
        cmocka_unit_test(destroy_joins_the_worker_in_flight),
        cmocka_unit_test(destroy_right_after_asks_with_the_auto_sampler),
        cmocka_unit_test(prefetched_params_are_inside_their_distributions),
        cmocka_unit_test(same_seed_n_and_tells_give_the_same_trials),
        cmocka_unit_test(proposals_see_running_trials_and_earlier_proposals),
        cmocka_unit_test(work_mode_runs_nothing_by_itself),
        cmocka_unit_test(set_sampler_drops_the_proposals),
        cmocka_unit_test(bad_prefetch_options_are_einval),
        cmocka_unit_test(optimize_with_threads_and_prefetch),
        cmocka_unit_test(a_journal_keeps_the_asked_trials_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
