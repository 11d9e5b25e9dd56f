/* Many threads on one study: 8 x 2,000 trials through otto_study_optimize and
 * through raw ask/tell from user threads, with reader threads listing trials,
 * reading running ones and the best trial at the same time. Exactly 16,000
 * trials with unique consecutive numbers, none lost. Run under TSan in CI. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../common.h"

#define THREADS 8
#define PER_THREAD 2000

typedef struct shared {
    otto_study *s;
    _Atomic int done;
    _Atomic long reads;
} shared;

static otto_trial_state objective(otto_trial *t, void *ud, double *values, size_t n)
{
    (void)ud;
    (void)n;
    double x;
    int64_t k;
    if (otto_trial_suggest_float(t, "x", -1, 1, 0, 0, &x) ||
        otto_trial_suggest_int(t, "k", 0, 9, 1, 0, &k))
        return OTTO_TRIAL_FAIL;
    otto_trial_report(t, 0, x);
    otto_trial_set_user_attr(t, "w", "1");
    values[0] = x * x + (double)k;
    return (otto_trial_number(t) % 10 == 0) ? OTTO_TRIAL_PRUNED : OTTO_TRIAL_COMPLETE;
}

static void *reader(void *arg)
{
    shared *sh = arg;
    while (!atomic_load(&sh->done)) {
        size_t n = otto_study_trial_count(sh->s);
        for (size_t i = n > 50 ? n - 50 : 0; i < n; i++) {
            const otto_trial *t;
            assert_ok(otto_study_trial(sh->s, (int64_t)i, &t));
            assert_int_equal(otto_trial_number(t), (int64_t)i);
            /* reads of RUNNING trials take the study lock inside */
            size_t np = otto_trial_param_count(t);
            for (size_t j = 0; j < np; j++) {
                const char *name;
                double v;
                if (otto_trial_param_at(t, j, &name, NULL, &v) == OTTO_OK)
                    assert_true(v >= -1 && v <= 9);
            }
            const char *w;
            otto_trial_user_attr(t, "w", &w);
            double iv;
            otto_trial_intermediate_value(t, 0, &iv);
            otto_trial_get_state(t);
        }
        const otto_trial *best;
        if (otto_study_best_trial(sh->s, &best) == OTTO_OK) {
            double v;
            assert_ok(otto_trial_value(best, &v));
        }
        atomic_fetch_add(&sh->reads, 1);
    }
    return NULL;
}

static void check_all(otto_study *s)
{
    size_t n = otto_study_trial_count(s);
    assert_int_equal(n, THREADS * PER_THREAD);
    char *seen = calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        const otto_trial *t;
        assert_ok(otto_study_trial(s, (int64_t)i, &t));
        int64_t num = otto_trial_number(t);
        assert_true(num >= 0 && (size_t)num < n && !seen[num]);
        seen[num] = 1;
        otto_trial_state st = otto_trial_get_state(t);
        assert_true(st == OTTO_TRIAL_COMPLETE || st == OTTO_TRIAL_PRUNED);
        assert_int_equal(st == OTTO_TRIAL_PRUNED, num % 10 == 0);
        assert_int_equal(otto_trial_param_count(t), 2);
    }
    free(seen);
}

static void start_readers(shared *sh, pthread_t *r, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&r[i], NULL, reader, sh), 0);
}

static void stop_readers(shared *sh, pthread_t *r, int n)
{
    atomic_store(&sh->done, 1);
    for (int i = 0; i < n; i++)
        pthread_join(r[i], NULL);
    assert_true(atomic_load(&sh->reads) > 0);
}

static void optimize_with_eight_threads(void **state)
{
    (void)state;
    shared sh = {make_random_study(21, OTTO_MINIMIZE, NULL), 0, 0};
    pthread_t r[2];
    start_readers(&sh, r, 2);
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = THREADS * PER_THREAD;
    oo.n_threads = THREADS;
    assert_ok(otto_study_optimize(sh.s, objective, NULL, &oo));
    stop_readers(&sh, r, 2);
    check_all(sh.s);
    otto_study_destroy(sh.s);
}

static void *user_worker(void *arg)
{
    otto_study *s = arg;
    double values[1];
    for (int i = 0; i < PER_THREAD; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        otto_trial_state st = objective(t, NULL, values, 1);
        assert_ok(otto_study_tell(s, t, st, st == OTTO_TRIAL_COMPLETE ? values : NULL,
                                  st == OTTO_TRIAL_COMPLETE ? 1 : 0));
    }
    return NULL;
}

static void raw_ask_tell_from_user_threads(void **state)
{
    (void)state;
    shared sh = {make_random_study(22, OTTO_MINIMIZE, NULL), 0, 0};
    pthread_t r[2], w[THREADS];
    start_readers(&sh, r, 2);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&w[i], NULL, user_worker, sh.s), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(w[i], NULL);
    stop_readers(&sh, r, 2);
    check_all(sh.s);
    otto_study_destroy(sh.s);
}

/* Two threads race to tell the same trial: exactly one wins. */
typedef struct race {
    otto_study *s;
    otto_trial *t;
    _Atomic int ok;
    _Atomic int estate;
} race;

static void *teller(void *arg)
{
    race *r = arg;
    double v = 1;
    int rc = otto_study_tell(r->s, r->t, OTTO_TRIAL_COMPLETE, &v, 1);
    if (rc == OTTO_OK)
        atomic_fetch_add(&r->ok, 1);
    else if (rc == OTTO_ESTATE)
        atomic_fetch_add(&r->estate, 1);
    return NULL;
}

static void racing_tells_are_told_once(void **state)
{
    (void)state;
    otto_study *s = make_study(23, OTTO_MINIMIZE, NULL, NULL);
    for (int round = 0; round < 200; round++) {
        race r = {s, NULL, 0, 0};
        assert_ok(otto_study_ask(s, &r.t));
        pthread_t a, b;
        pthread_create(&a, NULL, teller, &r);
        pthread_create(&b, NULL, teller, &r);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        assert_int_equal(atomic_load(&r.ok), 1);
        assert_int_equal(atomic_load(&r.estate), 1);
    }
    otto_study_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(optimize_with_eight_threads),
        cmocka_unit_test(raw_ask_tell_from_user_threads),
        cmocka_unit_test(racing_tells_are_told_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
