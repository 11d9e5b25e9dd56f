/* Reading Optuna's JournalStorage file (one JSON operation a line, Optuna
 * 3.1's JournalFileStorage and 4's JournalFileBackend) into the import
 * model, replaying it as Optuna's JournalStorageReplayResult does: studies
 * and trials numbered in creation order, writes to finished trials and to
 * deleted studies ignored, a line that is not JSON refused unless it is a
 * torn last line. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "optuna_model.h"

enum { CREATE_STUDY, DELETE_STUDY, SET_STUDY_USER_ATTR, SET_STUDY_SYSTEM_ATTR, CREATE_TRIAL,
       SET_TRIAL_PARAM, SET_TRIAL_STATE_VALUES, SET_TRIAL_INTERMEDIATE_VALUE,
       SET_TRIAL_USER_ATTR, SET_TRIAL_SYSTEM_ATTR };

typedef struct replay {
    opt_source *src;
    opt_study **by_id; /* study ids: in creation order, deleted ones NULL */
    size_t n_ids;
    opt_trial **trials; /* trial ids: global, in creation order */
    opt_study **trial_study;
    size_t n_trials;
    char err[512];
} replay;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int bad(replay *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return 1;
}

/* The member `key` as an integer in [0, limit); -1 when absent or bad. */
static int64_t int_of(const cli_json *op, const char *key, int64_t limit)
{
    const cli_json *v = cli_json_get(op, key);
    if (!v || v->kind != CLI_JSON_NUMBER || !v->integer || v->number < 0 ||
        v->number >= (double)limit)
        return -1;
    return (int64_t)v->number;
}

static char *json_text(const cli_json *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return NULL;
    cli_json_print(v, m);
    if (fclose(m)) {
        free(text);
        return NULL;
    }
    return text;
}

/* {"key": value} of a set-attr operation into arr. */
static int set_attr(replay *r, const cli_json *op, const char *field, opt_attr **arr, size_t *n)
{
    const cli_json *kv = cli_json_get(op, field);
    if (!kv || kv->kind != CLI_JSON_OBJECT)
        return bad(r, "an operation without its '%s' object", field);
    for (size_t i = 0; i < kv->n; i++) {
        char *text = json_text(kv->items[i]);
        int rc = !text || opt_attr_set(arr, n, kv->keys[i], text);
        free(text);
        if (rc)
            return bad(r, "%s", "out of memory");
    }
    return 0;
}

static int number_of(const cli_json *v, double *out)
{
    if (!v || v->kind != CLI_JSON_NUMBER)
        return 1;
    *out = v->number;
    return 0;
}

static int set_values(replay *r, opt_trial *t, const cli_json *values, const cli_json *value)
{
    double buf[64];
    if (values && values->kind == CLI_JSON_ARRAY) {
        if (values->n > 64)
            return bad(r, "%s", "more than 64 objective values");
        for (size_t k = 0; k < values->n; k++)
            if (number_of(values->items[k], &buf[k]))
                return bad(r, "%s", "an objective value that is not a number");
        return opt_values_set(t, buf, values->n) ? bad(r, "%s", "out of memory") : 0;
    }
    if (value && value->kind == CLI_JSON_NUMBER)
        return opt_values_set(t, &value->number, 1) ? bad(r, "%s", "out of memory") : 0;
    return 0;
}

static int set_time(replay *r, const cli_json *op, const char *key, double *out)
{
    const cli_json *v = cli_json_get(op, key);
    if (!v || v->kind == CLI_JSON_NULL)
        return 0;
    if (v->kind != CLI_JSON_STRING || opt_parse_time(v->text, out))
        return bad(r, "'%s' is not an ISO date and time", key);
    return 0;
}

static int set_param(replay *r, opt_trial *t, const char *name, const char *dist_json,
                     const cli_json *internal)
{
    cli_json *dj;
    char err[200];
    cli_dist d;
    double v;
    if (number_of(internal, &v))
        return bad(r, "param '%s': its value is not a number", name);
    if (cli_json_parse(dist_json, strlen(dist_json), &dj, err, sizeof err))
        return bad(r, "param '%s': its distribution is not JSON", name);
    int rc = cli_dist_from_json(dj, &d, err, sizeof err);
    cli_json_free(dj);
    if (rc) {
        snprintf(r->err, sizeof r->err, "param '%.64s': %s", name, err);
        return 1;
    }
    if (opt_param_set(t, name, &d, v)) {
        cli_dist_free(&d);
        return bad(r, "%s", "out of memory");
    }
    return 0;
}

static int create_trial(replay *r, const cli_json *op, opt_study *s)
{
    opt_trial *t = opt_trial_add(s);
    opt_trial **tt = t ? realloc(r->trials, (r->n_trials + 1) * sizeof *tt) : NULL;
    if (tt)
        r->trials = tt;
    opt_study **ts = tt ? realloc(r->trial_study, (r->n_trials + 1) * sizeof *ts) : NULL;
    if (!ts)
        return bad(r, "%s", "out of memory");
    r->trial_study = ts;
    r->trials[r->n_trials] = t;
    r->trial_study[r->n_trials++] = s;
    int64_t state = cli_json_get(op, "state") ? int_of(op, "state", 5) : 0;
    if (state < 0)
        return bad(r, "%s", "a trial state that is not 0..4");
    t->state = (int)state;
    if (set_time(r, op, "datetime_start", &t->t_start) ||
        set_time(r, op, "datetime_complete", &t->t_end) ||
        set_values(r, t, cli_json_get(op, "values"), cli_json_get(op, "value")))
        return 1;
    const cli_json *dists = cli_json_get(op, "distributions"), *params = cli_json_get(op, "params");
    for (size_t i = 0; params && params->kind == CLI_JSON_OBJECT && i < params->n; i++) {
        const cli_json *dj = cli_json_get(dists, params->keys[i]);
        if (!dj || dj->kind != CLI_JSON_STRING)
            return bad(r, "param '%s' without its distribution", params->keys[i]);
        if (set_param(r, t, params->keys[i], dj->text, params->items[i]))
            return 1;
    }
    const cli_json *ua = cli_json_get(op, "user_attrs"), *sa = cli_json_get(op, "system_attrs");
    const cli_json *iv = cli_json_get(op, "intermediate_values");
    for (size_t i = 0; ua && ua->kind == CLI_JSON_OBJECT && i < ua->n; i++) {
        char *text = json_text(ua->items[i]);
        int rc = !text || opt_attr_set(&t->user, &t->n_user, ua->keys[i], text);
        free(text);
        if (rc)
            return bad(r, "%s", "out of memory");
    }
    for (size_t i = 0; sa && sa->kind == CLI_JSON_OBJECT && i < sa->n; i++) {
        char *text = json_text(sa->items[i]);
        int rc = !text || opt_attr_set(&t->sys, &t->n_sys, sa->keys[i], text);
        free(text);
        if (rc)
            return bad(r, "%s", "out of memory");
    }
    for (size_t i = 0; iv && iv->kind == CLI_JSON_OBJECT && i < iv->n; i++) {
        char *end;
        double v;
        long long step = strtoll(iv->keys[i], &end, 10);
        if (*end || end == iv->keys[i] || step < 0 || number_of(iv->items[i], &v))
            return bad(r, "%s", "an intermediate value that is not step: number");
        if (opt_inter_set(t, step, v))
            return bad(r, "%s", "out of memory");
    }
    return 0;
}

static int apply(replay *r, const cli_json *op)
{
    int64_t code = int_of(op, "op_code", 10);
    if (op->kind != CLI_JSON_OBJECT || code < 0)
        return bad(r, "%s", "not an Optuna journal operation (no op_code 0..9)");
    if (code == CREATE_STUDY) {
        const cli_json *name = cli_json_get(op, "study_name"), *dirs = cli_json_get(op, "directions");
        if (!name || name->kind != CLI_JSON_STRING || !dirs || dirs->kind != CLI_JSON_ARRAY ||
            !dirs->n)
            return bad(r, "%s", "a create-study operation without a name or directions");
        for (size_t i = 0; i < r->n_ids; i++) /* a duplicate name: Optuna ignores it */
            if (r->by_id[i] && strcmp(r->by_id[i]->name, name->text) == 0)
                return 0;
        opt_study **ids = realloc(r->by_id, (r->n_ids + 1) * sizeof *ids);
        if (!ids)
            return bad(r, "%s", "out of memory");
        r->by_id = ids;
        opt_study *s = opt_study_add(r->src, name->text);
        if (!s || !(s->directions = calloc(dirs->n, sizeof *s->directions)))
            return bad(r, "%s", "out of memory");
        r->by_id[r->n_ids++] = s;
        s->n_directions = dirs->n;
        for (size_t i = 0; i < dirs->n; i++) {
            const cli_json *d = dirs->items[i];
            if (d->kind != CLI_JSON_NUMBER || !d->integer || d->number < 0 || d->number > 2)
                return bad(r, "%s", "a study direction that is not 0, 1 or 2");
            s->directions[i] = (int)d->number;
        }
        return 0;
    }
    if (code <= SET_STUDY_SYSTEM_ATTR || code == CREATE_TRIAL) {
        int64_t id = int_of(op, "study_id", (int64_t)r->n_ids);
        opt_study *s = id >= 0 ? r->by_id[id] : NULL;
        if (!s) /* an unknown or deleted study: Optuna skips it */
            return 0;
        if (code == DELETE_STUDY) {
            s->deleted = 1;
            r->by_id[id] = NULL;
            return 0;
        }
        if (code == SET_STUDY_USER_ATTR)
            return set_attr(r, op, "user_attr", &s->user, &s->n_user);
        if (code == SET_STUDY_SYSTEM_ATTR)
            return set_attr(r, op, "system_attr", &s->sys, &s->n_sys);
        return create_trial(r, op, s);
    }
    int64_t id = int_of(op, "trial_id", (int64_t)r->n_trials);
    opt_trial *t = id >= 0 ? r->trials[id] : NULL;
    if (!t || r->trial_study[id]->deleted || (t->state != 0 && t->state != 4))
        return 0; /* unknown, or finished: Optuna ignores it */
    switch (code) {
    case SET_TRIAL_PARAM: {
        const cli_json *name = cli_json_get(op, "param_name"), *d = cli_json_get(op, "distribution");
        if (!name || name->kind != CLI_JSON_STRING || !d || d->kind != CLI_JSON_STRING)
            return bad(r, "%s", "a set-param operation without a name or distribution");
        return set_param(r, t, name->text, d->text, cli_json_get(op, "param_value_internal"));
    }
    case SET_TRIAL_STATE_VALUES: {
        int64_t state = int_of(op, "state", 5);
        if (state < 0)
            return bad(r, "%s", "a trial state that is not 0..4");
        if (state == 0 && t->state == 0)
            return 0; /* another worker took the waiting trial first */
        if (state == 0 && set_time(r, op, "datetime_start", &t->t_start))
            return 1;
        if (state != 0 && state != 4 && set_time(r, op, "datetime_complete", &t->t_end))
            return 1;
        t->state = (int)state;
        const cli_json *values = cli_json_get(op, "values");
        return values && values->kind != CLI_JSON_NULL ? set_values(r, t, values, NULL) : 0;
    }
    case SET_TRIAL_INTERMEDIATE_VALUE: {
        int64_t step = int_of(op, "step", INT64_MAX);
        double v;
        if (step < 0 || number_of(cli_json_get(op, "intermediate_value"), &v))
            return bad(r, "%s", "an intermediate value that is not step: number");
        return opt_inter_set(t, step, v) ? bad(r, "%s", "out of memory") : 0;
    }
    case SET_TRIAL_USER_ATTR:
        return set_attr(r, op, "user_attr", &t->user, &t->n_user);
    default:
        return set_attr(r, op, "system_attr", &t->sys, &t->n_sys);
    }
}

int opt_read_journal(const char *path, opt_source *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("import: %s: %s", path, strerror(errno));
        return 1;
    }
    replay r = {.src = out};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long number = 0;
    int rc = 0;
    long bad_line = 0; /* a line that did not parse: only the last one may */
    char bad_why[200] = "";
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        number++;
        if (bad_line) { /* a bad line before this one: not a torn tail */
            cli_error("import: %s line %ld is not JSON (%s); is it an Optuna journal?", path,
                      bad_line, bad_why);
            rc = 1;
            break;
        }
        if (strlen(line) != (size_t)len) {
            snprintf(bad_why, sizeof bad_why, "a NUL byte");
            bad_line = number;
            continue;
        }
        cli_json *op;
        if (cli_json_parse(line, (size_t)len, &op, bad_why, sizeof bad_why)) {
            bad_line = number;
            continue;
        }
        if (apply(&r, op)) {
            cli_error("import: %s line %ld: %s", path, number, r.err);
            rc = 1;
        }
        cli_json_free(op);
    }
    if (!rc && ferror(f)) {
        cli_error("import: %s: read error", path);
        rc = 1;
    }
    if (!rc && bad_line && number == 1 && r.n_ids == 0) {
        cli_error("import: %s is not an Optuna journal (line 1 is not JSON: %s)", path, bad_why);
        rc = 1;
    } else if (!rc && bad_line) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s: skipped its last line %ld, cut short (%s), as Optuna does",
                 path, bad_line, bad_why);
        out->warning = strdup(msg);
    }
    if (!rc && !number) {
        cli_error("import: %s is empty", path);
        rc = 1;
    }
    free(line);
    fclose(f);
    free(r.by_id);
    free(r.trials);
    free(r.trial_study);
    if (rc)
        opt_source_free(out);
    return rc;
}
