/* otto_study_optimize: the ask -> objective -> tell loop on the calling thread
 * plus n_threads - 1 workers, with a trial budget, a timeout, per-trial
 * callbacks, otto_study_stop and a stop when the sampler is exhausted. No
 * lock is held while user code runs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/options.h"
#include "internal.h"

void otto_optimize_options_init_sized(otto_optimize_options *o, size_t size)
{
    otto_optimize_options def;
    memset(&def, 0, sizeof def);
    def.n_threads = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

typedef struct run {
    otto_study *s;
    otto_objective_fn f;
    void *user_data;
    otto_optimize_options o;
    double deadline; /* monotonic seconds; 0 = none */
    _Atomic int64_t claimed;
    _Atomic int error;
    /* the first error's message, copied from the failing worker thread */
    pthread_mutex_t msg_mu;
    char msg[256];
} run;

static void record_error(run *r, int rc)
{
    int expected = OTTO_OK;
    if (atomic_compare_exchange_strong(&r->error, &expected, rc)) {
        pthread_mutex_lock(&r->msg_mu);
        snprintf(r->msg, sizeof r->msg, "%s", otto_last_error_message());
        pthread_mutex_unlock(&r->msg_mu);
    }
}

static int should_continue(run *r)
{
    if (atomic_load(&r->s->stop) || atomic_load(&r->error))
        return 0;
    if (r->deadline > 0 && otto__monotonic_time() >= r->deadline)
        return 0;
    if (r->o.n_trials > 0 && atomic_fetch_add(&r->claimed, 1) >= r->o.n_trials)
        return 0;
    return 1;
}

/* Stop once the sampler has nothing left to propose (every grid point has a
 * finished trial), as Optuna's optimize stops a GridSampler run. A failing
 * check is logged, never fatal to the run. */
static void stop_if_exhausted(otto_study *s)
{
    int exhausted = 0;
    if (otto_study_exhausted(s, &exhausted) != OTTO_OK)
        otto__log(&s->log, OTTO_LEVEL_WARNING, "optimize: the sampler could not say whether "
                  "it is exhausted: %s", otto_last_error_message());
    else if (exhausted)
        otto_study_stop(s);
}

static void *worker(void *arg)
{
    run *r = arg;
    otto_study *s = r->s;
    double *values = otto__calloc(&s->alloc, s->n_objectives, sizeof *values);
    if (!values) {
        record_error(r, otto__error(OTTO_ENOMEM, "optimize: out of memory"));
        return NULL;
    }
    while (should_continue(r)) {
        otto_trial *t;
        int rc = otto_study_ask(s, &t);
        if (rc) {
            record_error(r, rc);
            break;
        }
        for (size_t k = 0; k < s->n_objectives; k++)
            values[k] = NAN;
        otto_trial_state st = r->f(t, r->user_data, values, s->n_objectives);
        switch (st) {
        case OTTO_TRIAL_COMPLETE:
            rc = otto_study_tell(s, t, st, values, s->n_objectives);
            break;
        case OTTO_TRIAL_PRUNED:
        case OTTO_TRIAL_FAIL:
            rc = otto_study_tell(s, t, st, NULL, 0);
            break;
        default: {
            char reason[96];
            snprintf(reason, sizeof reason, "the objective returned %d, not COMPLETE, PRUNED or FAIL",
                     (int)st);
            otto_trial_set_system_attr(t, "fail_reason", reason);
            otto__log(&s->log, OTTO_LEVEL_WARNING, "trial %lld failed: %s",
                      (long long)t->number, reason);
            rc = otto_study_tell(s, t, OTTO_TRIAL_FAIL, NULL, 0);
            break;
        }
        }
        if (rc) {
            record_error(r, rc);
            break;
        }
        stop_if_exhausted(s);
        if (r->o.callback && r->o.callback(s, t, r->o.callback_user_data))
            otto_study_stop(s);
    }
    otto__free(&s->alloc, values);
    return NULL;
}

int otto_study_optimize(otto_study *s, otto_objective_fn f, void *user_data,
                        const otto_optimize_options *opts)
{
    if (!s || !f)
        return otto__error(OTTO_EINVAL, "optimize: NULL argument");
    run r;
    memset(&r, 0, sizeof r);
    otto_optimize_options_init(&r.o);
    if (opts) {
        int rc = otto__options_copy(&r.o, sizeof r.o, opts, "optimize_options");
        if (rc)
            return rc;
    }
    if (r.o.n_trials < 0)
        return otto__error(OTTO_EINVAL, "optimize: n_trials %lld must be >= 0",
                           (long long)r.o.n_trials);
    if (!(r.o.timeout_s >= 0) || r.o.timeout_s > 1e12)
        return otto__error(OTTO_EINVAL, "optimize: timeout_s %g must be >= 0 and finite",
                           r.o.timeout_s);
    int n_threads = r.o.n_threads;
    if (n_threads == -1)
        n_threads = otto__os_cpu_count();
    if (n_threads < 1 || n_threads > 4096)
        return otto__error(OTTO_EINVAL, "optimize: n_threads %d must be -1 or 1..4096",
                           r.o.n_threads);
    r.s = s;
    r.f = f;
    r.user_data = user_data;
    r.deadline = r.o.timeout_s > 0 ? otto__monotonic_time() + r.o.timeout_s : 0;
    atomic_init(&r.claimed, 0);
    atomic_init(&r.error, OTTO_OK);
    if (pthread_mutex_init(&r.msg_mu, NULL) != 0)
        return otto__error(OTTO_ESYSTEM, "optimize: cannot create a mutex");
    atomic_store(&s->stop, 0);

    pthread_t *threads = NULL;
    int started = 0;
    if (n_threads > 1) {
        threads = otto__calloc(&s->alloc, (size_t)n_threads - 1, sizeof *threads);
        for (int i = 0; threads && i < n_threads - 1; i++) {
            if (pthread_create(&threads[i], NULL, worker, &r) != 0) {
                otto__log(&s->log, OTTO_LEVEL_WARNING,
                          "optimize: could start only %d of %d threads", started + 1, n_threads);
                break;
            }
            started++;
        }
    }
    worker(&r);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    otto__free(&s->alloc, threads);
    pthread_mutex_destroy(&r.msg_mu);
    int rc = atomic_load(&r.error);
    if (rc)
        otto__error(rc, "%s", r.msg);
    return rc;
}
