/* Replay: apply one stored record of another writer (or of an earlier run)
 * to the in-memory study. Every field is checked, since a record that passed
 * its checksum may still have been written by a buggy or hostile program: a
 * bad one is OTTO_ECORRUPT, never a crash. Each record applies completely or
 * not at all (OTTO_ENOMEM leaves the study as it was). */
#include <math.h>
#include <string.h>

#include "store.h"

#define MAX_CHOICES (1u << 20)

static int corrupt(const char *what) { return otto__error(OTTO_ECORRUPT, "%s", what); }

static int nomem(void) { return otto__error(OTTO_ENOMEM, "replay: out of memory"); }

/* The trial a record names: must exist. */
static otto_trial *target(otto_study *s, uint64_t number)
{
    if (number >= otto__segvec_count(&s->trials))
        return NULL;
    return otto__segvec_get(&s->trials, (size_t)number);
}

/* A RUNNING trial of another writer (records about our own trials or about
 * finished ones are stale and skipped). */
static int is_remote_running(const otto_trial *t)
{
    return !t->live && atomic_load(&((otto_trial *)t)->state) == OTTO_TRIAL_RUNNING;
}

static void remote_remove(otto__store *sto, const otto_trial *t)
{
    for (size_t i = 0; i < sto->n_remote; i++)
        if (sto->remote[i] == t) {
            sto->remote[i] = sto->remote[--sto->n_remote];
            return;
        }
}

void otto__store_forget_remote(otto_study *s, const otto_trial *t)
{
    if (s->store)
        remote_remove(s->store, t);
}

static int apply_trial(otto_study *s, otto__rbuf *r)
{
    otto__store *sto = s->store;
    double t_start = otto__get_f64(r);
    unsigned flags = otto__get_u8(r);
    uint64_t queued = otto__get_u64(r);
    if (r->bad || !isfinite(t_start) || (flags & ~OTTO__TRIAL_HEARTBEAT))
        return corrupt("invalid trial record");
    if (otto__segvec_reserve(&s->trials, &s->alloc))
        return nomem();
    if (sto->n_remote == sto->cap_remote) {
        size_t cap = sto->cap_remote ? 2 * sto->cap_remote : 16;
        otto_trial **p = otto__reallocarray(&s->alloc, sto->remote, cap, sizeof *p);
        if (!p)
            return nomem();
        sto->remote = p;
        sto->cap_remote = cap;
    }
    otto_trial *t = otto__calloc(&s->alloc, 1, sizeof *t);
    if (!t)
        return nomem();
    t->study = s;
    t->number = (int64_t)otto__segvec_count(&s->trials);
    atomic_init(&t->state, OTTO_TRIAL_RUNNING);
    t->t_start = t->t_beat = t_start;
    t->beats = (flags & OTTO__TRIAL_HEARTBEAT) != 0;
    otto__segvec_push(&s->trials, &s->alloc, t);
    sto->remote[sto->n_remote++] = t;
    if (queued) { /* the other writer took this queue entry */
        otto__queued *q = otto__queue_take_locked(s, queued - 1);
        if (q)
            otto__queued_free(&s->alloc, q);
    }
    return OTTO_OK;
}

static int read_dist(otto_study *s, otto__rbuf *r, const char *name, otto_distribution *d,
                     char ***choices_out, size_t *n_out)
{
    unsigned kind = otto__get_u8(r);
    unsigned flags = otto__get_u8(r);
    double low = otto__get_f64(r), high = otto__get_f64(r), step = otto__get_f64(r);
    uint32_t n_choices = otto__get_u32(r);
    *choices_out = NULL;
    if (r->bad)
        return corrupt("truncated param record");
    const char *const *labels = NULL;
    if (kind == OTTO_DIST_CATEGORICAL) {
        if (n_choices == 0 || n_choices > MAX_CHOICES || n_choices > r->n - r->off)
            return corrupt("categorical param record with a bad choice count");
        char **ch = otto__calloc(&s->alloc, n_choices, sizeof *ch);
        if (!ch)
            return nomem();
        *choices_out = ch;
        *n_out = n_choices;
        for (uint32_t c = 0; c < n_choices; c++) {
            const char *str = otto__get_str(r, NULL, 0, &s->alloc, &ch[c]);
            if (!str)
                return r->bad ? corrupt("bad choice label in a param record") : nomem();
        }
        labels = (const char *const *)ch;
    }
    if (otto__dist_from_fields(d, name, kind, flags, low, high, step, labels, n_choices))
        return otto__error_wrap(OTTO_ECORRUPT, "param record with an invalid distribution");
    return OTTO_OK;
}

static void free_choices(otto_study *s, char **ch, size_t n)
{
    if (!ch)
        return;
    for (size_t c = 0; c < n; c++)
        otto__free(&s->alloc, ch[c]);
    otto__free(&s->alloc, ch);
}

static int apply_param(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    char tmp[128], *owned = NULL, **choices = NULL;
    const char *name = otto__get_str(r, tmp, sizeof tmp, &s->alloc, &owned);
    if (!name)
        return r->bad ? corrupt("bad name in a param record") : nomem();
    otto_distribution d;
    memset(&d, 0, sizeof d);
    size_t n_choices = 0;
    int rc = otto__name_valid(name) ? read_dist(s, r, name, &d, &choices, &n_choices)
                                    : corrupt("param record without a name");
    double v = rc ? 0 : otto__get_f64(r);
    if (!rc && (r->bad || r->off != r->n || !isfinite(v) ||
                (d.kind != OTTO_DIST_FLOAT && v != floor(v)) ||
                (d.kind == OTTO_DIST_CATEGORICAL && !(v >= 0 && v < (double)d.n_choices))))
        rc = corrupt("param record with an invalid value");
    if (!rc && t && is_remote_running(t) && !otto__trial_find(t, name)) {
        const otto__spec *spec;
        rc = otto__names_spec(&s->names, &s->alloc, name, &d, &spec);
        if (rc == OTTO_EDIST) { /* two workers raced with incompatible definitions */
            otto__study_defer_log(s, OTTO_LEVEL_WARNING,
                      "trial %lld: another worker's param '%s' conflicts with this study's "
                      "definition of it; not loaded",
                      (long long)t->number, name);
            rc = OTTO_OK;
        } else if (rc && rc != OTTO_ENOMEM) { /* e.g. a choice twice: no writer does that */
            rc = corrupt("param record with an invalid distribution");
        } else if (!rc && otto__trial_add_param(t, spec, v)) {
            rc = nomem();
        }
    }
    free_choices(s, choices, n_choices);
    otto__free(&s->alloc, owned);
    return rc;
}

static int apply_report(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    int64_t step = (int64_t)otto__get_u64(r);
    double value = otto__get_f64(r);
    if (r->bad || r->off != r->n || step < 0)
        return corrupt("invalid report record");
    if (!t || !is_remote_running(t))
        return OTTO_OK;
    for (size_t i = 0; i < t->n_inter; i++)
        if (t->inter[i].step == step)
            return OTTO_OK; /* the first value of a step stays */
    return otto__trial_insert_report(&s->alloc, t, step, value, NULL) ? nomem() : OTTO_OK;
}

static int apply_attr(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    unsigned sys = otto__get_u8(r);
    char ktmp[128], vtmp[256], *kown = NULL, *vown = NULL;
    const char *key = otto__get_str(r, ktmp, sizeof ktmp, &s->alloc, &kown);
    const char *val = key ? otto__get_str(r, vtmp, sizeof vtmp, &s->alloc, &vown) : NULL;
    int rc = OTTO_OK;
    if (r->bad || r->off != r->n || sys > 1 || (key && !key[0]))
        rc = corrupt("invalid attr record");
    else if (!key || !val)
        rc = nomem();
    else if (t && is_remote_running(t))
        rc = sys ? otto__attr_set(&s->alloc, &t->sys, &t->n_sys, key, val)
                 : otto__attr_set(&s->alloc, &t->user, &t->n_user, key, val);
    if (rc == OTTO_ENOMEM)
        rc = nomem();
    otto__free(&s->alloc, kown);
    otto__free(&s->alloc, vown);
    return rc;
}

static int apply_constraints(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    uint32_t n = otto__get_u32(r);
    if (r->bad || n == 0 || n > (r->n - r->off) / 8 || r->n - r->off != (size_t)n * 8)
        return corrupt("invalid constraints record");
    double *c = otto__calloc(&s->alloc, n, sizeof *c);
    if (!c)
        return nomem();
    for (uint32_t i = 0; i < n; i++) {
        c[i] = otto__get_f64(r);
        if (!isfinite(c[i])) {
            otto__free(&s->alloc, c);
            return corrupt("constraints record with a non-finite value");
        }
    }
    int rc = OTTO_OK;
    if (t && is_remote_running(t) && otto__constraints_set_positional(&s->alloc, t, c, n))
        rc = nomem();
    otto__free(&s->alloc, c);
    return rc;
}

/* A named constraint (otto_trial_set_constraint): a key set again keeps its
 * first value, as the setter does. */
static int apply_constraint_named(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    char ktmp[128], *kown = NULL;
    const char *key = otto__get_str(r, ktmp, sizeof ktmp, &s->alloc, &kown);
    double value = key ? otto__get_f64(r) : NAN;
    int rc = OTTO_OK;
    if (r->bad || r->off != r->n || (key && (!key[0] || !isfinite(value))))
        rc = corrupt("invalid named constraint record");
    else if (!key)
        rc = nomem();
    else if (t && is_remote_running(t) && !otto__constraints_find_named(t, key) &&
             otto__constraints_add_named(&s->alloc, t, key, value))
        rc = nomem();
    otto__free(&s->alloc, kown);
    return rc;
}

static int apply_finish(otto_study *s, otto__rbuf *r, otto_trial *t)
{
    unsigned st = otto__get_u8(r);
    uint32_t n = otto__get_u32(r);
    if (r->bad || n > (r->n - r->off) / 8)
        return corrupt("invalid finish record");
    double vals_tmp[8], *vals = n <= 8 ? vals_tmp : otto__calloc(&s->alloc, n, sizeof *vals);
    if (!vals)
        return nomem();
    for (uint32_t k = 0; k < n; k++)
        vals[k] = otto__get_f64(r);
    double t_complete = otto__get_f64(r);
    int ok = !r->bad && r->off == r->n && isfinite(t_complete);
    if (ok && st == OTTO_TRIAL_COMPLETE)
        ok = n == s->n_objectives;
    else if (ok && st == OTTO_TRIAL_PRUNED)
        ok = n == 0 || (n == 1 && s->n_objectives == 1);
    else if (ok)
        ok = st == OTTO_TRIAL_FAIL && n == 0;
    for (uint32_t k = 0; ok && k < n; k++)
        ok = !isnan(vals[k]);
    int rc = ok ? OTTO_OK : corrupt("invalid finish record");
    if (!rc && t && t->live && atomic_load(&t->state) == OTTO_TRIAL_RUNNING) {
        /* another worker gave up on one of ours (missed heartbeats), or
         * this worker's own tell was written though its answer was lost:
         * the owner learns at its next call, and a COMPLETE or PRUNED
         * verdict keeps its values for it */
        if (!t->live->remote_state && st != OTTO_TRIAL_FAIL && n && !t->values) {
            t->values = otto__calloc(&s->alloc, n, sizeof *t->values);
            if (!t->values)
                rc = nomem();
            else
                memcpy(t->values, vals, n * sizeof *t->values);
        }
        if (!rc && !t->live->remote_state)
            t->live->remote_state = (int)st;
    } else if (!rc && t && is_remote_running(t)) {
        double *v = n ? otto__calloc(&s->alloc, n, sizeof *v) : NULL;
        if ((n && !v) || otto__study_reserve_finish(s, t, (otto_trial_state)st)) {
            otto__free(&s->alloc, v);
            rc = nomem();
        } else {
            if (n)
                memcpy(v, vals, n * sizeof *v);
            t->values = v;
            t->t_complete = t_complete;
            remote_remove(s->store, t);
            otto__study_finish_locked(s, t, (otto_trial_state)st);
        }
    }
    if (vals != vals_tmp)
        otto__free(&s->alloc, vals);
    return rc;
}

static int apply_heartbeat(otto__rbuf *r, otto_trial *t)
{
    double when = otto__get_f64(r);
    if (r->bad || r->off != r->n || !isfinite(when))
        return corrupt("invalid heartbeat record");
    if (t && is_remote_running(t) && when > t->t_beat)
        t->t_beat = when;
    return OTTO_OK;
}

static int apply_enqueue(otto_study *s, otto__rbuf *r)
{
    uint32_t n = otto__get_u32(r);
    if (r->bad || n > (r->n - r->off) / 13)
        return corrupt("invalid enqueue record");
    otto__queued *q = otto__calloc(&s->alloc, 1, sizeof *q);
    if (!q)
        return nomem();
    q->retry_of = -1;
    int rc = OTTO_OK;
    if (n && !(q->fixed = otto__calloc(&s->alloc, n, sizeof *q->fixed)))
        rc = nomem();
    for (uint32_t i = 0; !rc && i < n; i++) {
        otto__fixed *f = &q->fixed[i];
        q->n = i + 1;
        char *label = NULL;
        const char *name = otto__get_str(r, NULL, 0, &s->alloc, &f->name);
        f->kind = (otto_value_kind)otto__get_u8(r);
        f->number = otto__get_f64(r);
        const char *lab = otto__get_str(r, NULL, 0, &s->alloc, &label);
        if (!r->bad && (!name || !lab)) {
            otto__free(&s->alloc, label);
            rc = nomem();
            break;
        }
        int ok = !r->bad && name[0] && f->kind >= OTTO_VALUE_NUMBER && f->kind <= OTTO_VALUE_ANY &&
                 (!(f->kind & OTTO_VALUE_NUMBER) || isfinite(f->number));
        for (uint32_t j = 0; ok && j < i; j++)
            ok = strcmp(q->fixed[j].name, name) != 0;
        if (ok && (f->kind & OTTO_VALUE_LABEL))
            f->label = label;
        else
            otto__free(&s->alloc, label);
        if (!ok)
            rc = corrupt("invalid enqueue record");
    }
    uint64_t retry = rc ? 0 : otto__get_u64(r);
    if (!rc && !r->bad && r->off < r->n) { /* optional: the trial's user attrs */
        uint32_t na = otto__get_u32(r);
        if (r->bad || na == 0 || na > (r->n - r->off) / 8)
            rc = corrupt("invalid enqueue record");
        for (uint32_t i = 0; !rc && i < na; i++) {
            char *key = NULL, *value = NULL;
            const char *k = otto__get_str(r, NULL, 0, &s->alloc, &key);
            const char *v = otto__get_str(r, NULL, 0, &s->alloc, &value);
            if (!r->bad && (!k || !v))
                rc = nomem();
            else if (r->bad || !k[0])
                rc = corrupt("invalid enqueue record");
            else if (otto__attr_set(&s->alloc, &q->user, &q->n_user, k, v))
                rc = nomem();
            otto__free(&s->alloc, key);
            otto__free(&s->alloc, value);
        }
    }
    if (!rc && (r->bad || r->off != r->n || retry > otto__segvec_count(&s->trials)))
        rc = corrupt("invalid enqueue record");
    q->retry_of = (int64_t)retry - 1;
    if (rc) {
        otto__queued_free(&s->alloc, q);
        return rc;
    }
    q->id = s->n_enqueued++;
    otto__queue_push_locked(s, q);
    return OTTO_OK;
}

static int apply_study_attr(otto_study *s, otto__rbuf *r)
{
    char ktmp[128], vtmp[256], *kown = NULL, *vown = NULL;
    const char *key = otto__get_str(r, ktmp, sizeof ktmp, &s->alloc, &kown);
    const char *val = key ? otto__get_str(r, vtmp, sizeof vtmp, &s->alloc, &vown) : NULL;
    int rc = OTTO_OK;
    if (r->bad || r->off != r->n || (key && !key[0]))
        rc = corrupt("invalid study attr record");
    else if (!key || !val || otto__study_attr_set_locked(s, key, val))
        rc = nomem();
    otto__free(&s->alloc, kown);
    otto__free(&s->alloc, vown);
    return rc;
}

int otto__replay_record(otto_study *s, const unsigned char *p, size_t len)
{
    otto__rbuf r;
    otto__rbuf_init(&r, p, len);
    unsigned op = otto__get_u8(&r);
    otto__get_u32(&r); /* the study id, matched by the backend */
    if (r.bad)
        return corrupt("record too short");
    switch (op) {
    case OTTO__OP_TRIAL:
        return apply_trial(s, &r);
    case OTTO__OP_ENQUEUE:
        return apply_enqueue(s, &r);
    case OTTO__OP_STUDY_ATTR:
        return apply_study_attr(s, &r);
    case OTTO__OP_PARAM:
    case OTTO__OP_REPORT:
    case OTTO__OP_ATTR:
    case OTTO__OP_CONSTRAINTS:
    case OTTO__OP_CONSTRAINT:
    case OTTO__OP_FINISH:
    case OTTO__OP_HEARTBEAT:
        break;
    default:
        return corrupt("record with an unknown operation");
    }
    uint64_t number = otto__get_u64(&r);
    otto_trial *t = target(s, number);
    if (r.bad || !t)
        return corrupt("record about a trial that does not exist");
    switch (op) {
    case OTTO__OP_PARAM:
        return apply_param(s, &r, t);
    case OTTO__OP_REPORT:
        return apply_report(s, &r, t);
    case OTTO__OP_ATTR:
        return apply_attr(s, &r, t);
    case OTTO__OP_CONSTRAINTS:
        return apply_constraints(s, &r, t);
    case OTTO__OP_CONSTRAINT:
        return apply_constraint_named(s, &r, t);
    case OTTO__OP_FINISH:
        return apply_finish(s, &r, t);
    default:
        return apply_heartbeat(&r, t);
    }
}
