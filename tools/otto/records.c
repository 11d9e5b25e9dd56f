/* Output in the shape of Optuna's CLI: trial records, the -f formats, and
 * the best-trial and best-trials subcommands that print them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "records.h"

cli_json *cli_label_json(const char *label)
{
    size_t m = strlen(OTTO_LABEL_TYPED);
    if (strncmp(label, OTTO_LABEL_TYPED, m) != 0 || strlen(label) < m + 2 || label[m + 1] != ':')
        return cli_json_string(label);
    const char *rest = label + m + 2;
    char *end;
    switch (label[m]) {
    case 'n':
        return cli_json_null();
    case 'b':
        return cli_json_bool(strcmp(rest, "1") == 0);
    case 'i': {
        cli_json *v;
        (void)strtod(rest, &end);
        if (*rest && !*end && (v = cli_json_int(0)) != NULL) { /* exact digits, any size */
            free(v->text);
            if (!(v->text = strdup(rest))) {
                free(v);
                return NULL;
            }
            v->number = strtod(rest, NULL);
            return v;
        }
        break;
    }
    case 'f': {
        double x = strtod(rest, &end);
        if (*rest && !*end)
            return cli_json_number(x);
        break;
    }
    case 's':
        return cli_json_string(rest);
    }
    return cli_json_string(label);
}

cli_json *cli_param_json(const otto_trial *t, size_t i)
{
    otto_distribution d;
    double v;
    if (otto_trial_param_at(t, i, NULL, &d, &v) != OTTO_OK)
        return cli_json_null();
    if (d.kind == OTTO_DIST_CATEGORICAL)
        return (size_t)v < d.n_choices ? cli_label_json(d.choices[(size_t)v]) : cli_json_null();
    if (d.kind == OTTO_DIST_INT)
        return cli_json_int((int64_t)v);
    return cli_json_number(v);
}

cli_json *cli_attr_json(const char *text)
{
    cli_json *v;
    char err[128];
    if (cli_json_parse(text, strlen(text), &v, err, sizeof err) == 0)
        return v;
    return cli_json_string(text);
}

static cli_json *time_json(double t)
{
    char buf[64];
    time_t s = (time_t)floor(t);
    struct tm tm;
    if (!localtime_r(&s, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
        return cli_json_null();
    return cli_json_string(buf);
}

/* str() of Python's timedelta: "H:MM:SS" and ".ffffff" when it has
 * microseconds, "N day(s), " before it. */
static cli_json *duration_json(double seconds)
{
    long long us = llround(seconds * 1e6);
    int neg = us < 0;
    if (neg) /* as timedelta normalizes: -1 day, 23:59:59.5 */
        us = -us;
    long long days = us / 86400000000LL, rest = us % 86400000000LL;
    char buf[96], head[40] = "";
    if (neg) {
        days = -days - (rest ? 1 : 0);
        rest = rest ? 86400000000LL - rest : 0;
    }
    if (days)
        snprintf(head, sizeof head, "%lld day%s, ", days, days == 1 || days == -1 ? "" : "s");
    long long secs = rest / 1000000, micro = rest % 1000000;
    if (micro)
        snprintf(buf, sizeof buf, "%s%lld:%02lld:%02lld.%06lld", head, secs / 3600,
                 secs / 60 % 60, secs % 60, micro);
    else
        snprintf(buf, sizeof buf, "%s%lld:%02lld:%02lld", head, secs / 3600, secs / 60 % 60,
                 secs % 60);
    return cli_json_string(buf);
}

static int name_cmp(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

int cli_any_user_attrs(const cli_study *cs)
{
    for (size_t i = 0; i < cs->n_trials; i++)
        if (otto_trial_user_attr_count(cs->trials[i]))
            return 1;
    return 0;
}

cli_json *cli_trial_record(const cli_study *cs, const otto_trial *t, int with_user_attrs)
{
    cli_json *r = cli_json_object();
    int bad = !r || cli_json_set(r, "number", cli_json_int(otto_trial_number(t)));
    double vals[CLI_MAX_OBJECTIVES];
    size_t nv = 0;
    int has = otto_trial_values(t, vals, CLI_MAX_OBJECTIVES, &nv) == OTTO_OK;
    if (cs->n_objectives == 1) {
        bad = bad || cli_json_set(r, "value", has && nv ? cli_json_number(vals[0])
                                                         : cli_json_null());
    } else {
        cli_json *a = has ? cli_json_array() : cli_json_null();
        for (size_t k = 0; has && a && k < nv && k < CLI_MAX_OBJECTIVES; k++)
            bad = bad || cli_json_push(a, cli_json_number(vals[k]));
        bad = bad || cli_json_set(r, "values", a);
    }
    double t0, t1;
    int started = otto_trial_datetime_start(t, &t0) == OTTO_OK;
    int done = otto_trial_datetime_complete(t, &t1) == OTTO_OK;
    bad = bad || cli_json_set(r, "datetime_start", started ? time_json(t0) : cli_json_null());
    bad = bad || cli_json_set(r, "datetime_complete", done ? time_json(t1) : cli_json_null());
    bad = bad || cli_json_set(r, "duration",
                              started && done ? duration_json(t1 - t0) : cli_json_null());
    /* params by name, as the columns of Optuna's trials_dataframe */
    size_t np = otto_trial_param_count(t);
    const char **names = malloc((np ? np : 1) * sizeof *names);
    cli_json *params = cli_json_object();
    bad = bad || !names || !params;
    for (size_t i = 0; !bad && i < np; i++)
        otto_trial_param_at(t, i, &names[i], NULL, NULL);
    if (!bad)
        qsort(names, np, sizeof *names, name_cmp);
    for (size_t i = 0; !bad && i < np; i++)
        for (size_t j = 0; j < np; j++) {
            const char *nm;
            otto_trial_param_at(t, j, &nm, NULL, NULL);
            if (nm == names[i]) {
                bad = cli_json_set(params, nm, cli_param_json(t, j));
                break;
            }
        }
    free(names);
    bad = bad || cli_json_set(r, "params", params);
    if (bad && params && !r)
        cli_json_free(params);
    if (with_user_attrs) {
        cli_json *ua = cli_json_object();
        size_t nu = otto_trial_user_attr_count(t);
        for (size_t i = 0; ua && !bad && i < nu; i++) {
            const char *k, *v;
            otto_trial_user_attr_at(t, i, &k, &v);
            bad = cli_json_set(ua, k, cli_attr_json(v));
        }
        bad = bad || cli_json_set(r, "user_attrs", ua);
    }
    bad = bad || cli_json_set(r, "state",
                              cli_json_string(otto_trial_state_name(otto_trial_get_state(t))));
    if (bad) {
        cli_json_free(r);
        return NULL;
    }
    return r;
}

/* ---- formats ---------------------------------------------------------------------- */

/* A record with nested objects and arrays spread into columns (params_x,
 * values_0), as Optuna's --flatten; an empty one leaves no column. */
static cli_json *flatten(const cli_json *rec)
{
    cli_json *f = cli_json_object();
    for (size_t i = 0; f && i < rec->n; i++) {
        const cli_json *v = rec->items[i];
        if (v->kind != CLI_JSON_OBJECT && v->kind != CLI_JSON_ARRAY) {
            cli_json *copy;
            char err[64];
            char *text = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&text, &len);
            if (!m)
                goto oom;
            cli_json_print(v, m);
            fclose(m);
            int bad = cli_json_parse(text, len, &copy, err, sizeof err);
            free(text);
            if (bad || cli_json_set(f, rec->keys[i], copy))
                goto oom;
            continue;
        }
        for (size_t j = 0; j < v->n; j++) {
            char key[1024];
            if (v->kind == CLI_JSON_OBJECT)
                snprintf(key, sizeof key, "%s_%s", rec->keys[i], v->keys[j]);
            else
                snprintf(key, sizeof key, "%s_%zu", rec->keys[i], j);
            cli_json *copy;
            char err[64];
            char *text = NULL;
            size_t len = 0;
            FILE *m = open_memstream(&text, &len);
            if (!m)
                goto oom;
            cli_json_print(v->items[j], m);
            fclose(m);
            int bad = cli_json_parse(text, len, &copy, err, sizeof err);
            free(text);
            if (bad || cli_json_set(f, key, copy))
                goto oom;
        }
    }
    return f;
oom:
    cli_json_free(f);
    return NULL;
}

/* Display width in code points. */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static char *cell_text(const cli_json *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return NULL;
    if (v && v->kind != CLI_JSON_NULL)
        cli_json_print_python(v, 1, m);
    fclose(m);
    return text;
}

/* Optuna's _dump_table: +---+ rules, a column right-aligned when every
 * cell is a number or empty. */
static void print_table(const cli_json *rows, FILE *out)
{
    size_t n_cols = 0, cap = 0;
    const char **head = NULL;
    for (size_t r = 0; r < rows->n; r++) /* columns in order of first appearance */
        for (size_t i = 0; i < rows->items[r]->n; i++) {
            const char *k = rows->items[r]->keys[i];
            size_t c;
            for (c = 0; c < n_cols && strcmp(head[c], k) != 0; c++)
                ;
            if (c < n_cols)
                continue;
            if (n_cols == cap) {
                cap = cap ? 2 * cap : 8;
                const char **h = realloc(head, cap * sizeof *h);
                if (!h) {
                    free(head);
                    cli_error("out of memory");
                    return;
                }
                head = h;
            }
            head[n_cols++] = k;
        }
    size_t n_cells = rows->n * (n_cols ? n_cols : 1);
    char **cells = calloc(n_cells ? n_cells : 1, sizeof *cells);
    size_t *w = calloc(n_cols ? n_cols : 1, sizeof *w);
    int *numeric = calloc(n_cols ? n_cols : 1, sizeof *numeric);
    if (!cells || !w || !numeric) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t c = 0; c < n_cols; c++) {
        char *h = cli_terminal_text(head[c]);
        w[c] = h ? width_of(h) : 0;
        free(h);
        numeric[c] = 1;
        for (size_t r = 0; r < rows->n; r++) {
            const cli_json *v = cli_json_get(rows->items[r], head[c]);
            if (v && v->kind != CLI_JSON_NULL && v->kind != CLI_JSON_NUMBER)
                numeric[c] = 0;
            char *t = cell_text(v);
            char *safe = cli_terminal_text(t ? t : "");
            free(t);
            cells[r * n_cols + c] = safe;
            size_t cw = safe ? width_of(safe) : 0;
            w[c] = cw > w[c] ? cw : w[c];
        }
    }
    for (size_t line = 0; line < rows->n + 4; line++) {
        if (line == 0 || line == 2 || line == rows->n + 3) { /* a rule */
            fputc('+', out);
            for (size_t c = 0; c < n_cols; c++) {
                for (size_t k = 0; k < w[c] + 2; k++)
                    fputc('-', out);
                fputc('+', out);
            }
            fputc('\n', out);
            continue;
        }
        fputc('|', out);
        for (size_t c = 0; c < n_cols; c++) {
            char *hsafe = line == 1 ? cli_terminal_text(head[c]) : NULL;
            const char *s = line == 1 ? hsafe : cells[(line - 3) * n_cols + c];
            s = s ? s : "";
            size_t pad = w[c] - width_of(s);
            if (numeric[c])
                fprintf(out, " %*s%s |", (int)pad, "", s);
            else
                fprintf(out, " %s%*s |", s, (int)pad, "");
            free(hsafe);
        }
        fputc('\n', out);
    }
done:
    for (size_t i = 0; cells && i < n_cells; i++)
        free(cells[i]);
    free(cells);
    free(w);
    free(numeric);
    free(head);
}

void cli_print_records(const cli_json *records, cli_oformat f, int flatten_it, FILE *out)
{
    int single = records->kind == CLI_JSON_OBJECT;
    cli_json *rows = cli_json_array();
    for (size_t r = 0; rows && r < (single ? 1 : records->n); r++) {
        const cli_json *rec = single ? records : records->items[r];
        cli_json *row = flatten_it ? flatten(rec) : NULL;
        if (!flatten_it) { /* a copy, so rows owns what it holds */
            char *text = NULL;
            size_t len = 0;
            char err[64];
            FILE *m = open_memstream(&text, &len);
            if (m) {
                cli_json_print(rec, m);
                fclose(m);
                if (cli_json_parse(text, len, &row, err, sizeof err))
                    row = NULL;
            }
            free(text);
        }
        if (!row || cli_json_push(rows, row)) {
            cli_json_free(rows);
            rows = NULL;
        }
    }
    if (!rows) {
        cli_error("out of memory");
        return;
    }
    const cli_json *shown = single ? rows->items[0] : rows;
    switch (f) {
    case CLI_O_JSON:
        cli_json_print(shown, out);
        fputc('\n', out);
        break;
    case CLI_O_YAML:
        cli_json_print_yaml(shown, out);
        break;
    case CLI_O_TABLE:
        print_table(rows, out);
        break;
    case CLI_O_VALUE: /* Optuna 4: each record's values, space-separated */
        for (size_t r = 0; r < rows->n; r++) {
            const cli_json *row = rows->items[r];
            for (size_t i = 0; i < row->n; i++) {
                char *t = cell_text(row->items[i]);
                char *safe = cli_terminal_text(t ? t : "");
                fprintf(out, "%s%s", i ? " " : "", safe ? safe : "");
                free(safe);
                free(t);
            }
            fputc('\n', out);
        }
        break;
    }
    cli_json_free(rows);
}

/* ---- best-trial, best-trials -------------------------------------------------------- */

static int best(int argc, char **argv, int many)
{
    cli_oargs a;
    int rc = cli_oparse(argc, argv, OPT_FORMAT, CLI_O_TABLE, &a);
    if (rc)
        return rc;
    if (!a.study) {
        cli_error("%s: --study-name is required", argv[0]);
        return 2;
    }
    cli_study cs;
    if (cli_load(a.storage, a.study, &cs))
        return 1;
    size_t n = 0;
    const otto_trial **front = NULL;
    if (!many) {
        front = malloc(sizeof *front);
        rc = !front ? OTTO_ENOMEM : otto_study_best_trial(cs.study, front);
        n = rc == OTTO_OK;
        if (rc == OTTO_ENOTFOUND)
            cli_error("study '%s': no trials are completed yet", cs.name);
        else if (rc == OTTO_ESTATE)
            cli_error("study '%s' has %zu objectives: a single best trial cannot be retrieved "
                      "(use best-trials)",
                      cs.name, cs.n_objectives);
    } else {
        otto_study_best_trials(cs.study, NULL, 0, &n);
        front = malloc((n ? n : 1) * sizeof *front);
        rc = front ? otto_study_best_trials(cs.study, front, n, &n) : OTTO_ENOMEM;
    }
    if (rc && rc != OTTO_ENOTFOUND && rc != OTTO_ESTATE)
        cli_otto_error(cs.name, rc);
    cli_json *out = NULL;
    if (!rc) {
        int ua = cli_any_user_attrs(&cs);
        out = many ? cli_json_array() : NULL;
        for (size_t i = 0; i < n; i++) {
            cli_json *rec = cli_trial_record(&cs, front[i], ua);
            if (many ? cli_json_push(out, rec) : !(out = rec)) {
                cli_json_free(out);
                out = NULL;
                break;
            }
        }
        if (out)
            cli_print_records(out, a.format, a.flatten, stdout);
        else
            cli_error("out of memory");
    }
    cli_json_free(out);
    free(front);
    cli_free(&cs);
    return rc || !out ? 1 : 0;
}

int cli_best_trial(int argc, char **argv) { return best(argc, argv, 0); }
int cli_best_trials(int argc, char **argv) { return best(argc, argv, 1); }
