/* Printing cli_table as aligned text, CSV or JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "table.h"

int cli_format_parse(const char *s, cli_format *out)
{
    if (strcmp(s, "table") == 0)
        *out = CLI_TABLE;
    else if (strcmp(s, "csv") == 0)
        *out = CLI_CSV;
    else if (strcmp(s, "json") == 0)
        *out = CLI_JSON;
    else {
        cli_error("unknown format '%s' (table, csv or json)", s);
        return 1;
    }
    return 0;
}

int cli_table_init(cli_table *t, size_t n_cols)
{
    memset(t, 0, sizeof *t);
    t->n_cols = n_cols;
    t->head = calloc(n_cols ? n_cols : 1, sizeof *t->head);
    return t->head ? 0 : 1;
}

int cli_table_set_head(cli_table *t, size_t col, const char *text)
{
    free(t->head[col]);
    t->head[col] = strdup(text);
    return t->head[col] ? 0 : 1;
}

long cli_table_add_row(cli_table *t)
{
    if (t->n_rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cells, sizeof *c * cap * (t->n_cols ? t->n_cols : 1));
        if (!c)
            return -1;
        t->cells = c;
        unsigned char *nb = realloc(t->number, cap * (t->n_cols ? t->n_cols : 1));
        if (!nb)
            return -1;
        t->number = nb;
        t->cap = cap;
    }
    size_t r = t->n_rows++;
    for (size_t c = 0; c < t->n_cols; c++) {
        t->cells[r * t->n_cols + c] = NULL;
        t->number[r * t->n_cols + c] = 0;
    }
    return (long)r;
}

int cli_table_set(cli_table *t, size_t row, size_t col, const char *text, int number)
{
    size_t i = row * t->n_cols + col;
    free(t->cells[i]);
    t->cells[i] = strdup(text);
    t->number[i] = (unsigned char)number;
    return t->cells[i] ? 0 : 1;
}

void cli_table_free(cli_table *t)
{
    for (size_t c = 0; c < t->n_cols; c++)
        free(t->head[c]);
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->head);
    free(t->cells);
    free(t->number);
    memset(t, 0, sizeof *t);
}

/* Display width in code points (UTF-8 continuation bytes do not count). */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void put_padded(FILE *out, const char *s, size_t width, int right)
{
    size_t w = width_of(s), pad = width > w ? width - w : 0;
    if (right)
        fprintf(out, "%*s", (int)pad, "");
    fputs(s ? s : "", out);
    if (!right)
        fprintf(out, "%*s", (int)pad, "");
}

/* A cell shown in a terminal: control characters become '?', so that a
 * name cannot move the cursor or clear the screen. */
static char *terminal_safe(const char *s)
{
    char *c = strdup(s ? s : "");
    for (char *p = c; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return c;
}

static void print_aligned(const cli_table *t, FILE *out)
{
    size_t *w = calloc(t->n_cols ? t->n_cols : 1, sizeof *w);
    if (!w)
        return;
    for (size_t c = 0; c < t->n_cols; c++) {
        w[c] = width_of(t->head[c]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t cw = width_of(t->cells[r * t->n_cols + c]);
            w[c] = cw > w[c] ? cw : w[c];
        }
    }
    for (size_t r = 0; r <= t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * t->n_cols + c];
            int right = r > 0 && t->number[(r - 1) * t->n_cols + c];
            char *safe = terminal_safe(s);
            if (c)
                fputs("  ", out);
            put_padded(out, safe, c + 1 < t->n_cols || right ? w[c] : 0, right);
            free(safe);
        }
        fputc('\n', out);
    }
    free(w);
}

static void put_csv(FILE *out, const char *s)
{
    s = s ? s : "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void put_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\u%04x", ch);
        else if (ch == '<') /* safe to paste into HTML <script> blocks too */
            fputs("\\u003c", out);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

void cli_table_print(const cli_table *t, cli_format f, FILE *out)
{
    if (f == CLI_TABLE) {
        print_aligned(t, out);
        return;
    }
    if (f == CLI_CSV) {
        for (size_t r = 0; r <= t->n_rows; r++)
            for (size_t c = 0; c < t->n_cols; c++) {
                put_csv(out, r == 0 ? t->head[c] : t->cells[(r - 1) * t->n_cols + c]);
                fputs(c + 1 < t->n_cols ? "," : "\r\n", out);
            }
        return;
    }
    fputs("[", out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs(r ? ",\n {" : "\n {", out);
        int first = 1;
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = t->cells[r * t->n_cols + c];
            if (!s || !*s)
                continue; /* a param the trial does not have, a value it lacks */
            fputs(first ? "" : ", ", out);
            first = 0;
            put_json_string(out, t->head[c]);
            fputs(": ", out);
            char *end;
            double v = strtod(s, &end);
            if (t->number[r * t->n_cols + c] && !*end && isfinite(v))
                fputs(s, out);
            else if (t->number[r * t->n_cols + c] && !*end)
                fputs("null", out); /* JSON has no NaN or infinity */
            else
                put_json_string(out, s);
        }
        fputs("}", out);
    }
    fputs(t->n_rows ? "\n]\n" : "]\n", out);
}
