/* Opening storages and studies for the otto tool, and the text forms of
 * values, labels and times that every subcommand prints. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

uint32_t cli_utf8_next(const char *str, size_t *len)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            n = 0;
            break;
        }
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (!n || (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        *len = 1;
        return 0xFFFD;
    }
    *len = n;
    return cp;
}

int cli_hidden_char(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||  /* C0, DEL, C1 (U+009B is CSI) */
           (c >= 0x202A && c <= 0x202E) ||            /* bidi embeddings and overrides */
           (c >= 0x2066 && c <= 0x2069) ||            /* bidi isolates */
           c == 0x200E || c == 0x200F || c == 0x061C; /* bidi marks */
}

char *cli_terminal_text(const char *s)
{
    s = s ? s : "";
    char *out = malloc(strlen(s) + 1), *q = out;
    if (!out)
        return NULL;
    for (const char *p = s; *p;) {
        size_t n;
        uint32_t c = cli_utf8_next(p, &n);
        if (cli_hidden_char(c) || c == 0xFFFD) {
            *q++ = '?';
        } else {
            memcpy(q, p, n);
            q += n;
        }
        p += n;
    }
    *q = 0;
    return out;
}

void cli_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *safe = cli_terminal_text(msg); /* names in messages come from storages */
    fprintf(stderr, "otto: %s\n", safe ? safe : "out of memory");
    free(safe);
}

void cli_otto_error(const char *what, int rc)
{
    const char *msg = otto_last_error_message();
    cli_error("%s: %s%s%s", what, otto_strerror(rc), *msg ? ": " : "", msg);
}

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int open_storage(const char *spec, int read_only, int create, otto_storage **out);

int cli_open_storage(const char *spec, otto_storage **out)
{
    return open_storage(spec, 1, 0, out);
}

int cli_open_storage_rw(const char *spec, int create, otto_storage **out)
{
    return open_storage(spec, 0, create, out);
}

int cli_open_study_rw(otto_storage *st, const char *spec, const char *name,
                      otto_sampler *sampler, otto_study **out)
{
    *out = NULL;
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = st;
    so.name = name;
    so.open_mode = OTTO_OPEN_LOAD;
    so.sampler = sampler;
    int rc = otto_study_create(&so, out);
    if (rc == OTTO_ENOTFOUND) {
        cli_error("%s: no study named '%s' (see 'otto study-names --storage %s')", spec, name,
                  spec);
        return 1;
    }
    if (rc) {
        cli_otto_error(name, rc);
        return 1;
    }
    return 0;
}

static int open_storage(const char *spec, int read_only, int create, otto_storage **out)
{
    *out = NULL;
    if (!spec || !*spec) {
        cli_error("no storage given (a journal file, sqlite:///path or postgresql://...)");
        return 1;
    }
    /* the reading subcommands only read: never a header, a table or a
     * journal mode switch, and read-only files and mounts work */
    otto_storage_options so;
    otto_storage_options_init(&so);
    so.flags = read_only ? OTTO_STORAGE_READ_ONLY : 0;
    int rc;
    if (has_prefix(spec, "postgresql://") || has_prefix(spec, "postgres://")) {
        rc = otto_storage_postgres_open(spec, &so, out);
    } else {
        int sqlite = has_prefix(spec, "sqlite:///");
        /* as SQLAlchemy reads it: sqlite:///rel.db relative, sqlite:////abs.db absolute */
        const char *path = sqlite ? spec + strlen("sqlite:///") : spec;
        struct stat sb;
        int exists = stat(path, &sb) == 0;
        if (!exists && !create) {
            cli_error(read_only ? "%s: no such file (otto reads existing studies; it never "
                                  "creates one)"
                                : "%s: no such file (create-study makes one)",
                      path);
            return 1;
        }
        if (!*path) {
            cli_error("%s: no file name", spec);
            return 1;
        }
        if (exists && !S_ISREG(sb.st_mode)) {
            cli_error("%s: not a regular file", path);
            return 1;
        }
        rc = sqlite ? otto_storage_sqlite_open(path, &so, out)
                    : otto_storage_journal_open(path, &so, out);
    }
    if (rc) {
        cli_otto_error(spec, rc);
        return 1;
    }
    return 0;
}

static int snapshot(cli_study *cs)
{
    size_t n = otto_study_trial_count(cs->study);
    const otto_trial **tr = realloc(cs->trials, sizeof *tr * (n ? n : 1));
    if (!tr) {
        cli_error("out of memory");
        return 1;
    }
    cs->trials = tr;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (otto_study_trial(cs->study, (int64_t)i, &tr[k]) == OTTO_OK)
            k++;
    cs->n_trials = k;
    for (size_t i = 0; i < k; i++) {
        size_t c = otto_trial_param_count(tr[i]);
        for (size_t j = 0; j < c; j++) {
            const char *name;
            otto_distribution d;
            otto_trial_param_at(tr[i], j, &name, &d, NULL);
            size_t p;
            for (p = 0; p < cs->n_params; p++)
                if (strcmp(cs->params[p].name, name) == 0)
                    break;
            if (p < cs->n_params)
                continue;
            cli_param *ps = realloc(cs->params, sizeof *ps * (cs->n_params + 1));
            if (!ps) {
                cli_error("out of memory");
                return 1;
            }
            cs->params = ps;
            ps[cs->n_params++] = (cli_param){name, d};
        }
    }
    return 0;
}

int cli_load(const char *spec, const char *name, cli_study *cs)
{
    memset(cs, 0, sizeof *cs);
    if (cli_open_storage(spec, &cs->storage))
        return 1;
    const char *names[2];
    size_t n_names = 0;
    int rc = otto_storage_study_names(cs->storage, names, 2, &n_names);
    if (rc) {
        cli_otto_error(spec, rc);
        cli_free(cs);
        return 1;
    }
    if (!name) {
        if (n_names != 1) {
            cli_error(n_names ? "%s holds %zu studies: name one with -s (see 'otto studies %s')"
                              : "%s holds no study",
                      spec, n_names, spec);
            cli_free(cs);
            return 1;
        }
        name = names[0];
    }
    otto_study_options so;
    otto_study_options_init(&so);
    so.storage = cs->storage;
    so.name = name;
    so.open_mode = OTTO_OPEN_LOAD;
    so.seed = 0;
    if ((rc = otto_sampler_random_create(NULL, &so.sampler)) == OTTO_OK)
        rc = otto_study_create(&so, &cs->study);
    if (rc) {
        if (rc == OTTO_ENOTFOUND)
            cli_error("%s: no study named '%s' (see 'otto studies %s')", spec, name, spec);
        else
            cli_otto_error(name, rc);
        cli_free(cs);
        return 1;
    }
    cs->name = otto_study_name(cs->study);
    cs->n_objectives = otto_study_n_objectives(cs->study);
    if (snapshot(cs)) {
        cli_free(cs);
        return 1;
    }
    return 0;
}

int cli_refresh(cli_study *cs)
{
    int rc = otto_study_sync(cs->study);
    if (rc) {
        cli_otto_error(cs->name, rc);
        return 1;
    }
    return snapshot(cs);
}

void cli_free(cli_study *cs)
{
    otto_study_destroy(cs->study);
    otto_storage_close(cs->storage);
    free(cs->trials);
    free(cs->params);
    memset(cs, 0, sizeof *cs);
}

const char *cli_label_text(const char *label, char *buf, size_t n)
{
    size_t m = strlen(OTTO_LABEL_TYPED);
    if (strncmp(label, OTTO_LABEL_TYPED, m) != 0 || strlen(label) < m + 2 || label[m + 1] != ':')
        return label;
    const char *rest = label + m + 2;
    switch (label[m]) {
    case 'n':
        return "None";
    case 'b':
        return strcmp(rest, "1") == 0 ? "True" : "False";
    default:
        snprintf(buf, n, "%s", rest);
        return buf;
    }
}

void cli_number_text(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "nan");
    else if (isinf(v))
        snprintf(buf, n, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, n, "%.6g", v);
}

void cli_param_text(const otto_trial *t, const cli_param *p, char *buf, size_t n)
{
    buf[0] = 0;
    size_t c = otto_trial_param_count(t);
    for (size_t j = 0; j < c; j++) {
        const char *name;
        otto_distribution d;
        double v;
        otto_trial_param_at(t, j, &name, &d, &v);
        if (strcmp(name, p->name) != 0)
            continue;
        if (d.kind == OTTO_DIST_CATEGORICAL) {
            size_t i = (size_t)v;
            const char *shown = i < d.n_choices ? cli_label_text(d.choices[i], buf, n) : "?";
            if (shown != buf)
                snprintf(buf, n, "%s", shown);
        } else if (d.kind == OTTO_DIST_INT) {
            snprintf(buf, n, "%lld", (long long)v);
        } else {
            snprintf(buf, n, "%.10g", v);
        }
        return;
    }
}

void cli_time_text(double t, char *buf, size_t n)
{
    time_t s = (time_t)t;
    struct tm tm;
    if (!localtime_r(&s, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, n, "%.0f", t);
}

double cli_trial_value(const otto_trial *t, size_t k)
{
    double v[64];
    size_t n = 0;
    if (otto_trial_values(t, v, 64, &n) != OTTO_OK || k >= n || k >= 64)
        return NAN;
    return v[k];
}

cli_objective cli_objective_of(const cli_study *cs, size_t k)
{
    cli_objective o = {k, otto_study_direction(cs->study, k) == OTTO_MAXIMIZE ? -1 : 1};
    return o;
}

int cli_objective_target(const otto_trial *t, void *objective, double *out)
{
    const cli_objective *o = objective;
    *out = o->sign * cli_trial_value(t, o->k);
    return 0;
}
