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

/* Aligned columns for a terminal. Every cell goes through
 * cli_terminal_text first (widths are measured on what is shown), so that
 * a name can neither move the cursor, clear the screen nor reorder what
 * follows it on the line (bidi overrides). */
static void print_aligned(const cli_table *t, FILE *out)
{
    size_t n = (t->n_rows + 1) * t->n_cols;
    size_t *w = calloc(t->n_cols ? t->n_cols : 1, sizeof *w);
    char **shown = calloc(n ? n : 1, sizeof *shown);
    for (size_t i = 0; w && shown && i < n; i++) {
        size_t r = i / t->n_cols, c = i % t->n_cols;
        shown[i] = cli_terminal_text(r == 0 ? t->head[c] : t->cells[(r - 1) * t->n_cols + c]);
        if (!shown[i])
            break;
        size_t cw = width_of(shown[i]);
        w[c] = cw > w[c] ? cw : w[c];
    }
    int complete = w && shown && (!n || shown[n - 1]);
    for (size_t r = 0; complete && r <= t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            int right = r > 0 && t->number[(r - 1) * t->n_cols + c];
            if (c)
                fputs("  ", out);
            put_padded(out, shown[r * t->n_cols + c], c + 1 < t->n_cols || right ? w[c] : 0,
                       right);
        }
        fputc('\n', out);
    }
    if (!complete)
        cli_error("out of memory");
    for (size_t i = 0; shown && i < n; i++)
        free(shown[i]);
    free(shown);
    free(w);
}

/* Whether a cell would start a formula in a spreadsheet (OWASP's "CSV
 * injection"): text that begins with =, +, -, @, a tab or a carriage
 * return. A number cell that is a genuine number (-1.5, -inf) stays one. */
static int csv_formula_risk(const char *s, int number)
{
    if (!s || !*s || !strchr("=+-@\t\r", *s))
        return 0;
    if (number) {
        char *end;
        (void)strtod(s, &end);
        return *end != 0;
    }
    return 1;
}

/* One CSV cell (RFC 4180); text that a spreadsheet would run as a formula
 * gets a leading single quote, as OWASP advises, which spreadsheets show
 * as text and do not display. */
static void put_csv(FILE *out, const char *s, int number)
{
    s = s ? s : "";
    const char *quote = csv_formula_risk(s, number) ? "'" : "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(quote, out);
        fputs(s, out);
        return;
    }
    fputc('"', out);
    fputs(quote, out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* A JSON string; controls and bidi controls (cli_hidden_char) escaped, so
 * that JSON printed to a terminal is as safe as the table. */
static void put_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (size_t n; s && *s; s += n) {
        uint32_t c = cli_utf8_next(s, &n);
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", (int)c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (cli_hidden_char(c))
            fprintf(out, "\\u%04x", (unsigned)c);
        else if (c == '<') /* safe to paste into HTML <script> blocks too */
            fputs("\\u003c", out);
        else
            fwrite(s, 1, n, out); /* invalid bytes as they are (otto stores none) */
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
                put_csv(out, r == 0 ? t->head[c] : t->cells[(r - 1) * t->n_cols + c],
                        r > 0 && t->number[(r - 1) * t->n_cols + c]);
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
