/* The records a study writes for each of its operations: the build steps of
 * its exchanges with the backend. Each runs under the backend's lock after
 * catching up, so trial numbers and queue entry ids are assigned against
 * everything other writers did before. */
#include <string.h>

#include "store.h"

static uint32_t sid(const otto_study *s) { return s->store->bs.id; }

/* ---- ask ---------------------------------------------------------------------------- */

typedef struct ask_ctx {
    otto_study *s;
    otto_trial *t;
    uint64_t taken; /* queue entry id + 1; 0 for none */
} ask_ctx;

static int build_ask(void *ctx, otto__wbuf *b)
{
    ask_ctx *c = ctx;
    otto_study *s = c->s;
    if (otto__segvec_reserve(&s->trials, &s->alloc)) /* catching up may have used it */
        return otto__error(OTTO_ENOMEM, "study_ask: out of memory");
    /* stale trials of dead workers fail first (applied to us once written,
     * like others' records); their retries join the queue's end */
    b->apply_from = b->n;
    size_t retries = otto__heartbeat_reap(s, b);
    b->apply_upto = b->n;
    c->t->number = (int64_t)otto__segvec_count(&s->trials);
    if (s->queue_head)
        c->taken = s->queue_head->id + 1;
    else if (retries)
        c->taken = s->n_enqueued + 1;
    otto__rec_begin(b, OTTO__OP_TRIAL, sid(s));
    otto__rec_f64(b, c->t->t_start);
    otto__rec_u8(b, s->store->st->opts.heartbeat_interval_s > 0 ? OTTO__TRIAL_HEARTBEAT : 0);
    otto__rec_u64(b, c->taken);
    otto__rec_end(b);
    return OTTO_OK;
}

int otto__store_ask(otto_study *s, otto_trial *t, otto__queued **taken, int *need_flush)
{
    ask_ctx c = {s, t, 0};
    int rc = otto__store_commit(s, build_ask, &c, 0, need_flush);
    if (!rc) {
        *taken = c.taken ? otto__queue_take_locked(s, c.taken - 1) : NULL;
        t->beats = s->store->st->opts.heartbeat_interval_s > 0;
        t->t_beat = t->t_start;
    }
    return rc;
}

/* ---- params, reports, attributes, constraints --------------------------------------------- */

int otto__store_param(otto_study *s, const otto_trial *t, const otto__spec *spec, double v)
{
    /* write only what replay will accept: the same check on both sides */
    const otto_distribution *d = &spec->dist;
    otto_distribution again;
    int rc = otto__dist_from_fields(&again, spec->name->str, d->kind, d->flags, d->low, d->high,
                                    d->step, d->choices, d->n_choices);
    if (rc)
        return rc;
    otto__wbuf *b = &s->store->pending;
    size_t before = b->n;
    otto__rec_param(b, sid(s), t->number, spec->name->str, d, v);
    if (b->failed) {
        b->n = before;
        b->failed = 0;
        return otto__error(OTTO_ENOMEM, "suggest '%s': out of memory", spec->name->str);
    }
    return OTTO_OK;
}

typedef struct report_ctx {
    const otto_study *s;
    const otto_trial *t;
    int64_t step;
    double v;
} report_ctx;

static int build_report(void *ctx, otto__wbuf *b)
{
    report_ctx *c = ctx;
    otto__rec_report(b, sid(c->s), c->t->number, c->step, c->v);
    return OTTO_OK;
}

int otto__store_report(otto_study *s, const otto_trial *t, int64_t step, double v)
{
    report_ctx c = {s, t, step, v};
    return otto__store_commit(s, build_report, &c, 0, NULL);
}

typedef struct attr_ctx {
    const otto_study *s;
    const otto_trial *t;
    int sys;
    const char *key, *value;
} attr_ctx;

static int build_attr(void *ctx, otto__wbuf *b)
{
    attr_ctx *c = ctx;
    otto__rec_attr(b, sid(c->s), c->t->number, c->sys, c->key, c->value);
    return OTTO_OK;
}

int otto__store_attr(otto_study *s, const otto_trial *t, int sys, const char *key,
                     const char *value)
{
    attr_ctx c = {s, t, sys, key, value};
    return otto__store_commit(s, build_attr, &c, 0, NULL);
}

typedef struct constraints_ctx {
    const otto_study *s;
    const otto_trial *t;
    const double *c;
    size_t n;
} constraints_ctx;

static int build_constraints(void *ctx, otto__wbuf *b)
{
    constraints_ctx *c = ctx;
    otto__rec_constraints(b, sid(c->s), c->t->number, c->c, c->n);
    return OTTO_OK;
}

int otto__store_constraints(otto_study *s, const otto_trial *t, const double *c, size_t n)
{
    constraints_ctx x = {s, t, c, n};
    return otto__store_commit(s, build_constraints, &x, 0, NULL);
}

typedef struct named_ctx {
    const otto_study *s;
    const otto_trial *t;
    const char *key;
    double value;
} named_ctx;

static int build_named(void *ctx, otto__wbuf *b)
{
    named_ctx *c = ctx;
    otto__rec_constraint_named(b, sid(c->s), c->t->number, c->key, c->value);
    return OTTO_OK;
}

int otto__store_constraint_named(otto_study *s, const otto_trial *t, const char *key,
                                 double value)
{
    named_ctx x = {s, t, key, value};
    return otto__store_commit(s, build_named, &x, 0, NULL);
}

typedef struct study_attr_ctx {
    const otto_study *s;
    const char *key, *value;
} study_attr_ctx;

static int build_study_attr(void *ctx, otto__wbuf *b)
{
    study_attr_ctx *c = ctx;
    otto__rec_begin(b, OTTO__OP_STUDY_ATTR, sid(c->s));
    otto__rec_str(b, c->key);
    otto__rec_str(b, c->value);
    otto__rec_end(b);
    return OTTO_OK;
}

int otto__store_study_attr(otto_study *s, const char *key, const char *value)
{
    study_attr_ctx c = {s, key, value};
    return otto__store_commit(s, build_study_attr, &c, 0, NULL);
}

/* ---- finishing ------------------------------------------------------------------------ */

typedef struct finish_ctx {
    otto_study *s;
    otto_trial *t;
    otto_trial_state st;
    const double *values;
    size_t n;
} finish_ctx;

static int build_finish(void *ctx, otto__wbuf *b)
{
    finish_ctx *c = ctx;
    if (c->t->live->remote_state) /* failed by another worker while we caught up */
        return otto__error(OTTO_ESTATE,
                           "study_tell: trial %lld was marked FAIL by another worker after its "
                           "heartbeat stopped for longer than the grace period",
                           (long long)c->t->number);
    if (otto__study_reserve_finish(c->s, c->t, c->st))
        return otto__error(OTTO_ENOMEM, "study_tell: out of memory; trial %lld is still running",
                           (long long)c->t->number);
    c->t->t_complete = otto__wall_time();
    otto__rec_finish(b, sid(c->s), c->t->number, c->st, c->values, c->n, c->t->t_complete);
    return OTTO_OK;
}

int otto__store_finish(otto_study *s, otto_trial *t, otto_trial_state st, const double *values,
                       size_t n_values, int *need_flush)
{
    finish_ctx c = {s, t, st, values, values ? n_values : 0};
    int rc = otto__store_commit(s, build_finish, &c, 1, need_flush);
    if (rc)
        t->t_complete = 0;
    return rc;
}

/* ---- enqueue and add_trial --------------------------------------------------------------- */

typedef struct enqueue_ctx {
    otto_study *s;
    otto__queued *q;
} enqueue_ctx;

static int build_enqueue(void *ctx, otto__wbuf *b)
{
    enqueue_ctx *c = ctx;
    c->q->id = c->s->n_enqueued; /* its order among all workers' entries */
    otto__rec_enqueue(b, sid(c->s), c->q);
    return OTTO_OK;
}

int otto__store_enqueue(otto_study *s, otto__queued *q, int *need_flush)
{
    enqueue_ctx c = {s, q};
    int rc = otto__store_commit(s, build_enqueue, &c, 1, need_flush);
    if (!rc)
        s->n_enqueued++;
    return rc;
}

typedef struct add_ctx {
    otto_study *s;
    otto_trial *t;
    otto_trial_state st;
} add_ctx;

static int build_add(void *ctx, otto__wbuf *b)
{
    add_ctx *c = ctx;
    otto_study *s = c->s;
    otto_trial *t = c->t;
    if (otto__segvec_reserve(&s->trials, &s->alloc) ||
        (c->st != OTTO_TRIAL_RUNNING && otto__study_reserve_finish(s, t, c->st)))
        return otto__error(OTTO_ENOMEM, "add_trial: out of memory");
    t->number = (int64_t)otto__segvec_count(&s->trials);
    otto__rec_begin(b, OTTO__OP_TRIAL, sid(s));
    otto__rec_f64(b, t->t_start);
    otto__rec_u8(b, 0);
    otto__rec_u64(b, 0);
    otto__rec_end(b);
    for (size_t i = 0; i < t->n_params; i++)
        otto__rec_param(b, sid(s), t->number, t->params[i].spec->name->str,
                        &t->params[i].spec->dist, t->params[i].value);
    for (size_t i = 0; i < t->n_inter; i++)
        otto__rec_report(b, sid(s), t->number, t->inter[i].step, t->inter[i].value);
    for (size_t i = 0; i < t->n_user; i++)
        otto__rec_attr(b, sid(s), t->number, 0, t->user[i].key, t->user[i].value);
    for (size_t i = 0; i < t->n_sys; i++)
        otto__rec_attr(b, sid(s), t->number, 1, t->sys[i].key, t->sys[i].value);
    if (t->n_positional)
        otto__rec_constraints(b, sid(s), t->number, t->positional, t->n_positional);
    for (size_t i = 0; i < t->n_named; i++)
        otto__rec_constraint_named(b, sid(s), t->number, t->named[i].key, t->named[i].value);
    if (c->st != OTTO_TRIAL_RUNNING) /* a RUNNING one is finished later, by tell */
        otto__rec_finish(b, sid(s), t->number, c->st, t->values,
                         !t->values ? 0 : c->st == OTTO_TRIAL_COMPLETE ? s->n_objectives : 1,
                         t->t_complete);
    return OTTO_OK;
}

int otto__store_add_trial(otto_study *s, otto_trial *t, otto_trial_state st, int *need_flush)
{
    add_ctx c = {s, t, st};
    return otto__store_commit(s, build_add, &c, 1, need_flush);
}

/* ---- record encoders ---------------------------------------------------------------- */

void otto__rec_report(otto__wbuf *b, uint32_t study, int64_t number, int64_t step, double v)
{
    otto__rec_begin(b, OTTO__OP_REPORT, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_u64(b, (uint64_t)step);
    otto__rec_f64(b, v);
    otto__rec_end(b);
}

void otto__rec_constraints(otto__wbuf *b, uint32_t study, int64_t number, const double *c,
                           size_t n)
{
    otto__rec_begin(b, OTTO__OP_CONSTRAINTS, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        otto__rec_f64(b, c[i]);
    otto__rec_end(b);
}

void otto__rec_constraint_named(otto__wbuf *b, uint32_t study, int64_t number, const char *key,
                                double value)
{
    otto__rec_begin(b, OTTO__OP_CONSTRAINT, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_str(b, key);
    otto__rec_f64(b, value);
    otto__rec_end(b);
}

void otto__rec_param(otto__wbuf *b, uint32_t study, int64_t number, const char *name,
                     const otto_distribution *d, double value)
{
    otto__rec_begin(b, OTTO__OP_PARAM, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_str(b, name);
    otto__rec_u8(b, (unsigned)d->kind);
    otto__rec_u8(b, d->flags);
    otto__rec_f64(b, d->low);
    otto__rec_f64(b, d->high);
    otto__rec_f64(b, d->step);
    otto__rec_u32(b, d->kind == OTTO_DIST_CATEGORICAL ? (uint32_t)d->n_choices : 0);
    for (size_t c = 0; d->kind == OTTO_DIST_CATEGORICAL && c < d->n_choices; c++)
        otto__rec_str(b, d->choices[c]);
    otto__rec_f64(b, value);
    otto__rec_end(b);
}

void otto__rec_finish(otto__wbuf *b, uint32_t study, int64_t number, otto_trial_state st,
                      const double *values, size_t n_values, double t_complete)
{
    otto__rec_begin(b, OTTO__OP_FINISH, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_u8(b, (unsigned)st);
    otto__rec_u32(b, values ? (uint32_t)n_values : 0);
    for (size_t k = 0; values && k < n_values; k++)
        otto__rec_f64(b, values[k]);
    otto__rec_f64(b, t_complete);
    otto__rec_end(b);
}

void otto__rec_attr(otto__wbuf *b, uint32_t study, int64_t number, int sys, const char *key,
                    const char *value)
{
    otto__rec_begin(b, OTTO__OP_ATTR, study);
    otto__rec_u64(b, (uint64_t)number);
    otto__rec_u8(b, sys ? 1u : 0u);
    otto__rec_str(b, key);
    otto__rec_str(b, value);
    otto__rec_end(b);
}

void otto__rec_enqueue(otto__wbuf *b, uint32_t study, const otto__queued *q)
{
    otto__rec_begin(b, OTTO__OP_ENQUEUE, study);
    otto__rec_u32(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++) {
        otto__rec_str(b, q->fixed[i].name);
        otto__rec_u8(b, (unsigned)q->fixed[i].kind);
        otto__rec_f64(b, q->fixed[i].number);
        otto__rec_str(b, q->fixed[i].label ? q->fixed[i].label : "");
    }
    otto__rec_u64(b, (uint64_t)(q->retry_of + 1));
    if (q->n_user) { /* optional: records without attrs read as before */
        otto__rec_u32(b, (uint32_t)q->n_user);
        for (size_t i = 0; i < q->n_user; i++) {
            otto__rec_str(b, q->user[i].key);
            otto__rec_str(b, q->user[i].value);
        }
    }
    otto__rec_end(b);
}
