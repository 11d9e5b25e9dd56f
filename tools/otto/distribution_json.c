/* Optuna's distribution JSON read as otto distributions, with the checks
 * Optuna's json_to_distribution makes (unknown names and attributes are
 * refused). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distribution_json.h"
#include "json.h"

char *cli_choice_label(const cli_json *c)
{
    char buf[64], *out = NULL;
    size_t m = strlen(OTTO_LABEL_TYPED);
    switch (c->kind) {
    case CLI_JSON_STRING:
        if (strncmp(c->text, OTTO_LABEL_TYPED, m) != 0)
            return strdup(c->text);
        if ((out = malloc(strlen(c->text) + m + 3)))
            sprintf(out, "%ss:%s", OTTO_LABEL_TYPED, c->text);
        return out;
    case CLI_JSON_NULL:
        return strdup(OTTO_LABEL_TYPED "n:");
    case CLI_JSON_BOOL:
        return strdup(c->boolean ? OTTO_LABEL_TYPED "b:1" : OTTO_LABEL_TYPED "b:0");
    case CLI_JSON_NUMBER:
        if (c->integer) {
            if ((out = malloc(strlen(c->text) + m + 3)))
                sprintf(out, "%si:%s", OTTO_LABEL_TYPED,
                        strcmp(c->text, "-0") == 0 ? "0" : c->text); /* Python's int */
            return out;
        }
        cli_py_float(c->number, buf, sizeof buf);
        if ((out = malloc(strlen(buf) + m + 3)))
            sprintf(out, "%sf:%s", OTTO_LABEL_TYPED, buf);
        return out;
    default:
        return NULL;
    }
}

void cli_dist_free(cli_dist *d)
{
    for (size_t i = 0; d->labels && i < d->d.n_choices; i++)
        free(d->labels[i]);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

/* attribute `key` of attrs as a number; 1 when present. */
static int num_attr(const cli_json *attrs, const char *key, double *out, int *is_null,
                    char *err, size_t n_err, int *bad)
{
    const cli_json *v = cli_json_get(attrs, key);
    *is_null = v && v->kind == CLI_JSON_NULL;
    if (!v || *is_null)
        return 0;
    if (v->kind != CLI_JSON_NUMBER || !isfinite(v->number)) {
        snprintf(err, n_err, "attribute '%s' is not a finite number", key);
        *bad = 1;
        return 0;
    }
    *out = v->number;
    return 1;
}

int cli_dist_from_json(const cli_json *j, cli_dist *out, char *err, size_t n_err)
{
    memset(out, 0, sizeof *out);
    const cli_json *name = cli_json_get(j, "name"), *attrs = cli_json_get(j, "attributes");
    if (!j || j->kind != CLI_JSON_OBJECT || !name || name->kind != CLI_JSON_STRING || !attrs ||
        attrs->kind != CLI_JSON_OBJECT) {
        snprintf(err, n_err, "a distribution is {\"name\": ..., \"attributes\": {...}}");
        return 1;
    }
    static const struct {
        const char *name, *attrs; /* attributes it takes, space-separated */
        otto_dist_kind kind;
        int log;
    } known[] = {
        {"FloatDistribution", "low high step log", OTTO_DIST_FLOAT, -1},
        {"IntDistribution", "low high step log", OTTO_DIST_INT, -1},
        {"CategoricalDistribution", "choices", OTTO_DIST_CATEGORICAL, 0},
        {"UniformDistribution", "low high", OTTO_DIST_FLOAT, 0},
        {"LogUniformDistribution", "low high", OTTO_DIST_FLOAT, 1},
        {"DiscreteUniformDistribution", "low high q", OTTO_DIST_FLOAT, 0},
        {"IntUniformDistribution", "low high step", OTTO_DIST_INT, 0},
        {"IntLogUniformDistribution", "low high step", OTTO_DIST_INT, 1},
    };
    size_t k;
    for (k = 0; k < sizeof known / sizeof *known && strcmp(name->text, known[k].name); k++)
        ;
    if (k == sizeof known / sizeof *known) {
        snprintf(err, n_err, "unknown distribution class '%s'", name->text);
        return 1;
    }
    for (size_t i = 0; i < attrs->n; i++) {
        const char *a = attrs->keys[i], *p = strstr(known[k].attrs, a);
        size_t n = strlen(a);
        if (!n || !p || (p != known[k].attrs && p[-1] != ' ') || (p[n] && p[n] != ' ')) {
            snprintf(err, n_err, "%s has no attribute '%s'", known[k].name, a);
            return 1;
        }
    }
    otto_distribution *d = &out->d;
    d->kind = known[k].kind;
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        const cli_json *ch = cli_json_get(attrs, "choices");
        if (!ch || ch->kind != CLI_JSON_ARRAY || !ch->n) {
            snprintf(err, n_err, "CategoricalDistribution needs a non-empty list of choices");
            return 1;
        }
        out->labels = calloc(ch->n, sizeof *out->labels);
        if (!out->labels) {
            snprintf(err, n_err, "out of memory");
            return 1;
        }
        d->n_choices = ch->n;
        d->choices = (const char *const *)out->labels;
        for (size_t i = 0; i < ch->n; i++)
            if (!(out->labels[i] = cli_choice_label(ch->items[i]))) {
                snprintf(err, n_err, "choice %zu is not None, a bool, a number or a string", i);
                cli_dist_free(out);
                return 1;
            }
        return 0;
    }
    int bad = 0, null_low, null_high, null_step, null_q;
    double lo = 0, hi = 0, step = 0, q = 0;
    int has_lo = num_attr(attrs, "low", &lo, &null_low, err, n_err, &bad);
    int has_hi = num_attr(attrs, "high", &hi, &null_high, err, n_err, &bad);
    int has_step = num_attr(attrs, "step", &step, &null_step, err, n_err, &bad);
    int has_q = num_attr(attrs, "q", &q, &null_q, err, n_err, &bad);
    if (bad)
        return 1;
    if (!has_lo || !has_hi) {
        snprintf(err, n_err, "%s needs numbers low and high", known[k].name);
        return 1;
    }
    const cli_json *log = cli_json_get(attrs, "log");
    if (log && log->kind != CLI_JSON_BOOL) {
        snprintf(err, n_err, "attribute 'log' is not true or false");
        return 1;
    }
    d->flags = (known[k].log == 1 || (log && log->boolean)) ? OTTO_LOG : 0;
    d->low = lo;
    d->high = hi;
    if (d->kind == OTTO_DIST_INT) {
        d->step = has_step ? step : 1;
        if (lo != floor(lo) || hi != floor(hi) || d->step != floor(d->step)) {
            snprintf(err, n_err, "%s needs integer low, high and step", known[k].name);
            return 1;
        }
    } else {
        d->step = has_q ? q : has_step ? step : 0;
        if ((has_step || has_q) && d->step <= 0) {
            snprintf(err, n_err, "%s: step must be positive", known[k].name);
            return 1;
        }
    }
    return 0;
}

int cli_dist_add(otto_space *space, const char *name, const cli_dist *c)
{
    const otto_distribution *d = &c->d;
    switch (d->kind) {
    case OTTO_DIST_FLOAT:
        return otto_space_add_float(space, name, d->low, d->high, d->step, d->flags);
    case OTTO_DIST_INT:
        if (fabs(d->low) > OTTO_INT_LIMIT || fabs(d->high) > OTTO_INT_LIMIT ||
            d->step > OTTO_INT_LIMIT)
            return otto_space_add_int(space, name, 1, 0, 1, 0); /* out of range: EINVAL */
        return otto_space_add_int(space, name, (int64_t)d->low, (int64_t)d->high,
                                  (int64_t)d->step, d->flags);
    default:
        return otto_space_add_categorical(space, name, d->choices, d->n_choices);
    }
}
