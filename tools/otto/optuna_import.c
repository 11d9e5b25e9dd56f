/* `otto import SRC DST`: copy every study of an Optuna storage (its RDB
 * schema in SQLite, or its JournalStorage file) into any otto storage,
 * through otto's public API: names and directions, trials in number order
 * with their state, values, times, params and distributions, intermediate
 * values and attributes; waiting trials go to the queue. What cannot map
 * is refused before anything is written. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "distribution_json.h"
#include "json.h"
#include "optuna_model.h"

/* Optuna's study system attr of metric names (3.4+) and otto's own key. */
#define OPTUNA_METRIC_NAMES "study:metric_names"
#define OTTO_METRIC_NAMES OTTO_LABEL_TYPED "otto:metric_names"
/* Other study system attrs, kept as hidden study attrs under this prefix. */
#define OTTO_SYSTEM_PREFIX OTTO_LABEL_TYPED "optuna:system_attr:"

static const char usage[] =
    "usage: otto import SRC DST [--study-name NAME] [--skip-existing]\n"
    "  SRC: an Optuna database, sqlite:///optuna.db, or an Optuna journal file\n"
    "  DST: an otto journal file, sqlite:///path or postgresql://...\n";

static int has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Why study s cannot be copied as it is, or NULL. */
static const char *refusal(const opt_study *s, char *buf, size_t n)
{
    if (!s->n_directions || s->n_directions > 64)
        return snprintf(buf, n, "it has %zu objectives", s->n_directions), buf;
    for (size_t k = 0; k < s->n_directions; k++)
        if (s->directions[k] != 1 && s->directions[k] != 2)
            return snprintf(buf, n, "objective %zu has no direction (NOT_SET)", k), buf;
    int waiting = 0;
    for (size_t i = 0; i < s->n_trials; i++) {
        const opt_trial *t = s->trials[i];
        if ((size_t)t->number != i)
            return snprintf(buf, n, "its trial numbers are not 0, 1, 2, ... (trial %lld at "
                                    "position %zu)", (long long)t->number, i), buf;
        if (t->state == 4) {
            waiting = 1;
            continue;
        }
        if (waiting)
            return snprintf(buf, n, "trial %lld ran after a WAITING (enqueued) trial, and otto "
                                    "numbers a trial when it is asked, so its number would change",
                            (long long)t->number), buf;
        if (t->state == 1) {
            if (t->n_values != s->n_directions)
                return snprintf(buf, n, "COMPLETE trial %lld has %zu values for %zu objectives",
                                (long long)t->number, t->n_values, s->n_directions), buf;
            for (size_t k = 0; k < t->n_values; k++)
                if (isnan(t->values[k]))
                    return snprintf(buf, n, "COMPLETE trial %lld has no value %zu",
                                    (long long)t->number, k), buf;
        }
        for (size_t j = 0; j < t->n_params; j++)
            if (!otto_distribution_contains(&t->params[j].dist.d, t->params[j].internal))
                return snprintf(buf, n, "trial %lld: param '%s' is %g, outside its distribution "
                                        "(an enqueued value?), which otto cannot store",
                                (long long)t->number, t->params[j].name, t->params[j].internal),
                       buf;
    }
    return NULL;
}

static int attr_arrays(const opt_attr *a, size_t n, const char ***keys, const char ***values)
{
    *keys = malloc((n ? n : 1) * sizeof **keys);
    *values = malloc((n ? n : 1) * sizeof **values);
    if (!*keys || !*values)
        return 1;
    for (size_t i = 0; i < n; i++) {
        (*keys)[i] = a[i].key;
        (*values)[i] = a[i].json;
    }
    return 0;
}

/* Constraint values from Optuna's system attr "constraints", or 0. */
static size_t constraints_of(const opt_trial *t, double *out, size_t cap)
{
    for (size_t i = 0; i < t->n_sys; i++) {
        if (strcmp(t->sys[i].key, "constraints") != 0)
            continue;
        cli_json *v;
        char err[64];
        size_t n = 0;
        if (cli_json_parse(t->sys[i].json, strlen(t->sys[i].json), &v, err, sizeof err))
            return 0;
        if (v->kind == CLI_JSON_ARRAY && v->n <= cap) {
            for (n = 0; n < v->n && v->items[n]->kind == CLI_JSON_NUMBER &&
                        !isnan(v->items[n]->number); n++)
                out[n] = v->items[n]->number;
            if (n != v->n)
                n = 0;
        }
        cli_json_free(v);
        return n;
    }
    return 0;
}

static int add_trial(otto_study *study, const opt_trial *t, char *err, size_t n_err)
{
    otto_space *space;
    if (otto_space_create(&space))
        return snprintf(err, n_err, "out of memory"), OTTO_ENOMEM;
    double *internal = malloc((t->n_params ? t->n_params : 1) * sizeof *internal);
    const char **uk = NULL, **uv = NULL, **sk = NULL, **sv = NULL;
    int rc = !internal || attr_arrays(t->user, t->n_user, &uk, &uv) ||
                     attr_arrays(t->sys, t->n_sys, &sk, &sv)
                 ? OTTO_ENOMEM : OTTO_OK;
    for (size_t i = 0; !rc && i < t->n_params; i++) {
        internal[i] = t->params[i].internal;
        rc = cli_dist_add(space, t->params[i].name, &t->params[i].dist);
    }
    double cons[64];
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    ex.n_reports = t->n_inter;
    ex.steps = t->steps;
    ex.report_values = t->inter;
    ex.n_user_attrs = t->n_user;
    ex.user_keys = uk;
    ex.user_values = uv;
    ex.n_system_attrs = t->n_sys;
    ex.system_keys = sk;
    ex.system_values = sv;
    ex.n_constraints = constraints_of(t, cons, 64);
    ex.constraints = cons;
    ex.datetime_start = isnan(t->t_start) ? 0 : t->t_start;
    ex.datetime_complete = isnan(t->t_end) ? 0 : t->t_end;
    int64_t number = -1;
    if (!rc)
        rc = otto_study_add_trial_with(study, space, internal, (otto_trial_state)t->state,
                                       t->state == 1 ? t->values : NULL,
                                       t->state == 1 ? t->n_values : 0, &ex, &number);
    if (rc)
        snprintf(err, n_err, "trial %lld: %s: %s", (long long)t->number, otto_strerror(rc),
                 otto_last_error_message());
    else if (number != t->number)
        rc = OTTO_ESTATE, snprintf(err, n_err, "trial %lld was numbered %lld (another process "
                                               "writes to the study?)",
                                   (long long)t->number, (long long)number);
    free(uk);
    free(uv);
    free(sk);
    free(sv);
    free(internal);
    otto_space_destroy(space);
    return rc;
}

/* One fixed param of a WAITING trial, as Python's otto enqueues the value. */
static int fixed_value(const char *name, const cli_json *v, otto_param_value *p, char **label)
{
    *label = NULL;
    p->name = name;
    if (v->kind == CLI_JSON_NUMBER && isnan(v->number)) {
        p->kind = OTTO_VALUE_NUMBER;
        p->number = NAN;
        return 0;
    }
    if (!(*label = cli_choice_label(v)))
        return 1;
    p->label = *label;
    if (v->kind == CLI_JSON_NUMBER && isfinite(v->number)) {
        p->kind = OTTO_VALUE_ANY;
        p->number = v->number;
    } else {
        p->kind = OTTO_VALUE_LABEL;
    }
    return 0;
}

static int enqueue(otto_study *study, const opt_trial *t, char *err, size_t n_err)
{
    cli_json *fixed = NULL;
    for (size_t i = 0; i < t->n_sys; i++)
        if (strcmp(t->sys[i].key, "fixed_params") == 0) {
            char why[64];
            if (cli_json_parse(t->sys[i].json, strlen(t->sys[i].json), &fixed, why, sizeof why) ||
                fixed->kind != CLI_JSON_OBJECT) {
                cli_json_free(fixed);
                return snprintf(err, n_err, "WAITING trial %lld: fixed_params is not an object",
                                (long long)t->number), OTTO_EINVAL;
            }
        }
    /* without fixed_params (a retried trial): its params */
    size_t n = fixed ? fixed->n : t->n_params;
    otto_param_value *pv = calloc(n ? n : 1, sizeof *pv);
    char **labels = calloc(n ? n : 1, sizeof *labels);
    const char **uk = NULL, **uv = NULL;
    int rc = !pv || !labels || attr_arrays(t->user, t->n_user, &uk, &uv) ? OTTO_ENOMEM : OTTO_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        if (fixed) {
            if (fixed_value(fixed->keys[i], fixed->items[i], &pv[i], &labels[i]))
                rc = OTTO_EINVAL, snprintf(err, n_err, "WAITING trial %lld: the fixed value of "
                                                       "'%s' is not a number, string, bool or "
                                                       "null",
                                           (long long)t->number, fixed->keys[i]);
            continue;
        }
        const opt_param *p = &t->params[i];
        pv[i].name = p->name;
        if (p->dist.d.kind == OTTO_DIST_CATEGORICAL) {
            pv[i].kind = OTTO_VALUE_LABEL;
            pv[i].label = p->dist.d.choices[(size_t)p->internal];
        } else {
            pv[i].kind = OTTO_VALUE_NUMBER;
            pv[i].number = p->internal;
        }
    }
    otto_trial_extras ex;
    otto_trial_extras_init(&ex);
    ex.n_user_attrs = t->n_user;
    ex.user_keys = uk;
    ex.user_values = uv;
    if (!rc && (rc = otto_study_enqueue_trial_with(study, pv, n, &ex)) != OTTO_OK)
        snprintf(err, n_err, "WAITING trial %lld: %s: %s", (long long)t->number,
                 otto_strerror(rc), otto_last_error_message());
    if (rc == OTTO_ENOMEM && !*err)
        snprintf(err, n_err, "out of memory");
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
    free(pv);
    free(uk);
    free(uv);
    cli_json_free(fixed);
    return rc;
}

/* Write study s to dst; on failure the partial copy is deleted. */
static int write_study(otto_storage *dst, const char *dst_spec, const opt_study *s,
                       size_t *n_running, size_t *n_waiting)
{
    otto_direction dirs[64];
    for (size_t k = 0; k < s->n_directions; k++)
        dirs[k] = s->directions[k] == 2 ? OTTO_MAXIMIZE : OTTO_MINIMIZE;
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = dst;
    so.name = s->name;
    so.open_mode = OTTO_OPEN_CREATE;
    so.n_objectives = s->n_directions;
    so.directions = dirs;
    so.seed = 0;
    otto_study *study = NULL;
    char err[600] = "";
    int rc = otto_sampler_random_create(NULL, &so.sampler);
    if (!rc)
        rc = otto_study_create(&so, &study);
    if (rc) {
        cli_otto_error(s->name, rc);
        return 1;
    }
    for (size_t i = 0; !rc && i < s->n_user; i++)
        if ((rc = otto_study_set_user_attr(study, s->user[i].key, s->user[i].json)) != OTTO_OK)
            snprintf(err, sizeof err, "study attr '%s': %s", s->user[i].key,
                     otto_last_error_message());
    for (size_t i = 0; !rc && i < s->n_sys; i++) {
        char key[1024];
        if (strcmp(s->sys[i].key, OPTUNA_METRIC_NAMES) == 0)
            snprintf(key, sizeof key, "%s", OTTO_METRIC_NAMES);
        else
            snprintf(key, sizeof key, "%s%s", OTTO_SYSTEM_PREFIX, s->sys[i].key);
        if ((rc = otto_study_set_user_attr(study, key, s->sys[i].json)) != OTTO_OK)
            snprintf(err, sizeof err, "study system attr '%s': %s", s->sys[i].key,
                     otto_last_error_message());
    }
    for (size_t i = 0; !rc && i < s->n_trials; i++) {
        const opt_trial *t = s->trials[i];
        rc = t->state == 4 ? enqueue(study, t, err, sizeof err) : add_trial(study, t, err, sizeof err);
        *n_running += t->state == 0;
        *n_waiting += t->state == 4;
    }
    otto_study_destroy(study);
    if (rc) {
        cli_error("import: study '%s': %s; nothing of it is kept in %s", s->name, err, dst_spec);
        otto_storage_delete_study(dst, s->name);
        return 1;
    }
    return 0;
}

int cli_import(int argc, char **argv)
{
    const char *src_spec = NULL, *dst_spec = NULL, *only = NULL;
    int skip_existing = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--skip-existing") == 0) {
            skip_existing = 1;
        } else if (strcmp(argv[i], "--study-name") == 0 || strcmp(argv[i], "-s") == 0) {
            if (++i >= argc) {
                cli_error("import %s: needs a value", argv[i - 1]);
                return 2;
            }
            only = argv[i];
        } else if (has_prefix(argv[i], "--study-name=")) {
            only = argv[i] + strlen("--study-name=");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("import: unknown option %s", argv[i]);
            fputs(usage, stderr);
            return 2;
        } else if (!src_spec) {
            src_spec = argv[i];
        } else if (!dst_spec) {
            dst_spec = argv[i];
        } else {
            cli_error("import: unexpected argument '%s'", argv[i]);
            return 2;
        }
    }
    if (!src_spec || !dst_spec) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(src_spec, dst_spec) == 0) {
        cli_error("import: SRC and DST are the same storage");
        return 2;
    }
    opt_source src;
    if (has_prefix(src_spec, "sqlite:///")) {
        if (opt_read_sqlite(src_spec + strlen("sqlite:///"), &src))
            return 1;
    } else if (has_prefix(src_spec, "postgresql://") || has_prefix(src_spec, "postgres://") ||
               has_prefix(src_spec, "mysql")) {
        cli_error("import: %s: otto imports Optuna's SQLite databases and journal files (copy "
                  "a server's study to SQLite with optuna.copy_study first)",
                  src_spec);
        return 1;
    } else {
        FILE *f = fopen(src_spec, "rb");
        char magic[16] = "";
        if (f) {
            size_t got = fread(magic, 1, sizeof magic, f);
            fclose(f);
            if (got == sizeof magic && memcmp(magic, "SQLite format 3", 16) == 0) {
                cli_error("import: %s is an SQLite database: give it as sqlite:///%s", src_spec,
                          src_spec);
                return 2;
            }
        }
        if (opt_read_journal(src_spec, &src))
            return 1;
    }
    if (src.warning)
        cli_error("import: warning: %s", src.warning);
    otto_storage *dst;
    if (cli_open_storage_rw(dst_spec, 1, &dst)) {
        opt_source_free(&src);
        return 1;
    }
    /* everything that cannot map is refused before anything is written */
    size_t n_have = 0;
    int rc = otto_storage_study_names(dst, NULL, 0, &n_have);
    const char **have = malloc((n_have ? n_have : 1) * sizeof *have);
    if (!rc && !have)
        rc = OTTO_ENOMEM;
    if (!rc)
        rc = otto_storage_study_names(dst, have, n_have, &n_have);
    if (rc) {
        cli_otto_error(dst_spec, rc);
        free(have);
        otto_storage_close(dst);
        opt_source_free(&src);
        return 1;
    }
    int status = 0;
    size_t n_selected = 0;
    unsigned char *skip = calloc(src.n ? src.n : 1, 1);
    for (size_t i = 0; skip && i < src.n; i++) {
        const opt_study *s = src.studies[i];
        char why[400];
        const char *no;
        if (s->deleted || (only && strcmp(s->name, only) != 0)) {
            skip[i] = 1;
            continue;
        }
        n_selected++;
        int exists = 0;
        for (size_t k = 0; k < n_have; k++)
            exists |= strcmp(have[k], s->name) == 0;
        if (exists && skip_existing) {
            skip[i] = 1;
            char *safe = cli_terminal_text(s->name);
            printf("skipped study '%s': %s already has it\n", safe ? safe : "?", dst_spec);
            free(safe);
        } else if (exists) {
            cli_error("import: %s already has a study named '%s' (--skip-existing skips it; "
                      "otto delete-study removes it)",
                      dst_spec, s->name);
            status = 1;
        } else if ((no = refusal(s, why, sizeof why)) != NULL) {
            cli_error("import: study '%s' cannot be imported: %s", s->name, no);
            status = 1;
        }
    }
    if (!skip)
        status = 1, cli_error("out of memory");
    if (!status && only && !n_selected) {
        cli_error("import: %s has no study named '%s'", src_spec, only);
        status = 1;
    }
    for (size_t i = 0; !status && i < src.n; i++) {
        if (skip[i])
            continue;
        const opt_study *s = src.studies[i];
        size_t n_running = 0, n_waiting = 0;
        if (write_study(dst, dst_spec, s, &n_running, &n_waiting)) {
            status = 1;
            break;
        }
        char *safe = cli_terminal_text(s->name);
        printf("imported study '%s': %zu trials", safe ? safe : "?", s->n_trials - n_waiting);
        if (n_running)
            printf(" (%zu RUNNING: otto tell --trial-number finishes them)", n_running);
        if (n_waiting)
            printf(", %zu WAITING enqueued", n_waiting);
        putchar('\n');
        free(safe);
    }
    free(skip);
    free(have);
    otto_storage_close(dst);
    opt_source_free(&src);
    return status;
}
