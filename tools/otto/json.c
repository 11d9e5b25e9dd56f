/* JSON values for the otto tool: reading (a recursive descent parser with a
 * depth cap) and printing as Python's json.dumps, str() and PyYAML do. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

#define MAX_DEPTH 64

/* ---- building ------------------------------------------------------------------ */

static cli_json *make(cli_json_kind k)
{
    cli_json *v = calloc(1, sizeof *v);
    if (v)
        v->kind = k;
    return v;
}

cli_json *cli_json_null(void) { return make(CLI_JSON_NULL); }

cli_json *cli_json_bool(int b)
{
    cli_json *v = make(CLI_JSON_BOOL);
    if (v)
        v->boolean = !!b;
    return v;
}

cli_json *cli_json_number(double x)
{
    cli_json *v = make(CLI_JSON_NUMBER);
    char buf[40];
    cli_py_float(x, buf, sizeof buf);
    if (v && !(v->text = strdup(isnan(x) ? "NaN" : isinf(x) ? (x > 0 ? "Infinity" : "-Infinity")
                                                             : buf))) {
        free(v);
        return NULL;
    }
    if (v)
        v->number = x;
    return v;
}

cli_json *cli_json_int(int64_t x)
{
    cli_json *v = make(CLI_JSON_NUMBER);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)x);
    if (v && !(v->text = strdup(buf))) {
        free(v);
        return NULL;
    }
    if (v) {
        v->number = (double)x;
        v->integer = 1;
    }
    return v;
}

cli_json *cli_json_string(const char *s)
{
    cli_json *v = make(CLI_JSON_STRING);
    if (v && !(v->text = strdup(s ? s : ""))) {
        free(v);
        return NULL;
    }
    return v;
}

cli_json *cli_json_array(void) { return make(CLI_JSON_ARRAY); }
cli_json *cli_json_object(void) { return make(CLI_JSON_OBJECT); }

static int grow(cli_json *c)
{
    if (c->n < c->cap)
        return 0;
    size_t cap = c->cap ? 2 * c->cap : 4;
    cli_json **items = realloc(c->items, cap * sizeof *items);
    if (!items)
        return 1;
    c->items = items;
    if (c->kind == CLI_JSON_OBJECT) {
        char **keys = realloc(c->keys, cap * sizeof *keys);
        if (!keys)
            return 1;
        c->keys = keys;
    }
    c->cap = cap;
    return 0;
}

int cli_json_push(cli_json *a, cli_json *item)
{
    if (!a || !item || grow(a)) {
        cli_json_free(item);
        return 1;
    }
    a->items[a->n++] = item;
    return 0;
}

int cli_json_set(cli_json *o, const char *key, cli_json *item)
{
    char *k = NULL;
    if (!o || !item || grow(o) || !(k = strdup(key))) {
        cli_json_free(item);
        return 1;
    }
    o->keys[o->n] = k;
    o->items[o->n++] = item;
    return 0;
}

void cli_json_free(cli_json *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        cli_json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
}

const cli_json *cli_json_get(const cli_json *o, const char *key)
{
    if (!o || o->kind != CLI_JSON_OBJECT)
        return NULL;
    for (size_t i = o->n; i-- > 0;) /* the last one wins, as in Python */
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}

/* ---- parsing ------------------------------------------------------------------- */

typedef struct parser {
    const char *s, *end;
    char *err;
    size_t n_err;
    int failed;
} parser;

static void fail(parser *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->n_err, "%s", msg);
}

static void skip_ws(parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(p->end - p->s) >= n && memcmp(p->s, word, n) == 0) {
        p->s += n;
        return 1;
    }
    return 0;
}

static int hex4(parser *p, unsigned *out)
{
    if (p->end - p->s < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    p->s += 4;
    *out = v;
    return 1;
}

static size_t put_utf8(char *q, uint32_t c)
{
    if (c < 0x80) {
        q[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        q[0] = (char)(0xC0 | c >> 6);
        q[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        q[0] = (char)(0xE0 | c >> 12);
        q[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        q[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    q[0] = (char)(0xF0 | c >> 18);
    q[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    q[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    q[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* A string after its opening quote; malloc'ed UTF-8. */
static char *string_body(parser *p)
{
    const char *start = p->s;
    char *out = malloc((size_t)(p->end - start) + 1), *q = out;
    if (!out) {
        fail(p, "out of memory");
        return NULL;
    }
    while (p->s < p->end && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            fail(p, "control character in a string");
            break;
        }
        if (c != '\\') {
            size_t n;
            uint32_t cp = cli_utf8_next(p->s, &n);
            if (cp == 0xFFFD && (n != 3 || memcmp(p->s, "\xef\xbf\xbd", 3) != 0)) {
                fail(p, "a string is not UTF-8");
                break;
            }
            memcpy(q, p->s, n);
            q += n;
            p->s += n;
            continue;
        }
        p->s++;
        char e = p->s < p->end ? *p->s++ : 0;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            *q++ = map[simple - "\"\\/bfnrt"];
            continue;
        }
        unsigned u, lo;
        if (e != 'u' || !hex4(p, &u)) {
            fail(p, "bad escape in a string");
            break;
        }
        uint32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (!literal(p, "\\u") || !hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                fail(p, "a lone surrogate in a string");
                break;
            }
            cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0) {
            fail(p, u ? "a lone surrogate in a string" : "NUL in a string");
            break;
        }
        q += put_utf8(q, cp);
    }
    if (!p->failed && p->s >= p->end)
        fail(p, "unterminated string");
    if (p->failed) {
        free(out);
        return NULL;
    }
    p->s++; /* the closing quote */
    *q = 0;
    return out;
}

static cli_json *value(parser *p, int depth);

static cli_json *number(parser *p)
{
    const char *start = p->s;
    int integer = 1;
    if (p->s < p->end && *p->s == '-')
        p->s++;
    if (literal(p, "Infinity")) {
        cli_json *v = make(CLI_JSON_NUMBER);
        if (v && (v->text = strndup(start, (size_t)(p->s - start))))
            v->number = *start == '-' ? -INFINITY : INFINITY;
        return v && v->text ? v : (free(v), fail(p, "out of memory"), NULL);
    }
    const char *digits = p->s;
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
        p->s++;
    if (p->s == digits || (*digits == '0' && p->s - digits > 1)) {
        fail(p, "bad number");
        return NULL;
    }
    if (p->s < p->end && *p->s == '.') {
        integer = 0;
        const char *frac = ++p->s;
        while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
            p->s++;
        if (p->s == frac) {
            fail(p, "bad number");
            return NULL;
        }
    }
    if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
        integer = 0;
        p->s++;
        if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
            p->s++;
        const char *exp = p->s;
        while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
            p->s++;
        if (p->s == exp) {
            fail(p, "bad number");
            return NULL;
        }
    }
    cli_json *v = make(CLI_JSON_NUMBER);
    if (!v || !(v->text = strndup(start, (size_t)(p->s - start)))) {
        free(v);
        fail(p, "out of memory");
        return NULL;
    }
    v->number = strtod(v->text, NULL);
    v->integer = integer;
    return v;
}

static cli_json *container(parser *p, int depth, int object)
{
    cli_json *c = make(object ? CLI_JSON_OBJECT : CLI_JSON_ARRAY);
    if (!c) {
        fail(p, "out of memory");
        return NULL;
    }
    skip_ws(p);
    if (p->s < p->end && *p->s == (object ? '}' : ']')) {
        p->s++;
        return c;
    }
    for (;;) {
        skip_ws(p);
        char *key = NULL;
        if (object) {
            if (p->s >= p->end || *p->s != '"') {
                fail(p, "expected a key");
                break;
            }
            p->s++;
            if (!(key = string_body(p)))
                break;
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') {
                free(key);
                fail(p, "expected ':'");
                break;
            }
            p->s++;
        }
        cli_json *item = value(p, depth + 1);
        int bad = !item || (object ? cli_json_set(c, key, item) : cli_json_push(c, item));
        free(key);
        if (bad) {
            fail(p, "out of memory");
            break;
        }
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == (object ? '}' : ']')) {
            p->s++;
            return c;
        }
        fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    cli_json_free(c);
    return NULL;
}

static cli_json *value(parser *p, int depth)
{
    if (depth > MAX_DEPTH) {
        fail(p, "nested deeper than %d", MAX_DEPTH);
        return NULL;
    }
    skip_ws(p);
    if (p->s >= p->end) {
        fail(p, "unexpected end");
        return NULL;
    }
    char c = *p->s;
    if (c == '{' || c == '[') {
        p->s++;
        return container(p, depth, c == '{');
    }
    if (c == '"') {
        p->s++;
        char *s = string_body(p);
        cli_json *v = s ? make(CLI_JSON_STRING) : NULL;
        if (v)
            v->text = s;
        else
            free(s);
        if (s && !v)
            fail(p, "out of memory");
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9') || c == 'I')
        return number(p);
    if (literal(p, "NaN")) {
        cli_json *v = make(CLI_JSON_NUMBER);
        if (v && !(v->text = strdup("NaN"))) {
            free(v);
            v = NULL;
        }
        if (v)
            v->number = NAN;
        return v;
    }
    if (literal(p, "true") || literal(p, "false")) {
        cli_json *v = cli_json_bool(p->s[-1] == 'e' && p->s[-2] == 'u');
        if (!v)
            fail(p, "out of memory");
        return v;
    }
    if (literal(p, "null"))
        return cli_json_null();
    fail(p, "unexpected character '%c'", c);
    return NULL;
}

int cli_json_parse(const char *s, size_t len, cli_json **out, char *err, size_t n_err)
{
    parser p = {s, s + len, err, n_err, 0};
    *out = NULL;
    cli_json *v = value(&p, 0);
    skip_ws(&p);
    if (v && p.s != p.end)
        fail(&p, "trailing characters");
    if (p.failed || !v) {
        if (!p.failed)
            fail(&p, "out of memory");
        size_t at = (size_t)(p.s - s);
        size_t m = strlen(err);
        snprintf(err + m, n_err > m ? n_err - m : 0, " (at byte %zu)", at);
        cli_json_free(v);
        return 1;
    }
    *out = v;
    return 0;
}

/* ---- printing ------------------------------------------------------------------ */

void cli_py_float(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "inf" : "-inf");
        return;
    }
    char digits[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) { /* the shortest that reads back */
        snprintf(digits, sizeof digits, "%.*e", prec - 1, v);
        if (strtod(digits, NULL) == v)
            break;
    }
    /* digits is d.ddde[+-]XX: Python's repr uses fixed notation for
     * exponents in [-4, 16), scientific otherwise */
    char *e = strchr(digits, 'e');
    int exp = atoi(e + 1);
    *e = 0;
    char mant[24];
    size_t m = 0;
    for (const char *c = digits; *c; c++)
        if (*c >= '0' && *c <= '9')
            mant[m++] = *c;
    mant[m] = 0;
    const char *sign = v < 0 ? "-" : "";
    if (exp < -4 || exp >= 16) {
        if (m == 1)
            snprintf(buf, n, "%s%ce%c%02d", sign, mant[0], exp < 0 ? '-' : '+', abs(exp));
        else
            snprintf(buf, n, "%s%c.%se%c%02d", sign, mant[0], mant + 1, exp < 0 ? '-' : '+',
                     abs(exp));
    } else if (exp < 0) {
        snprintf(buf, n, "%s0.%0*d%s", sign, -exp - 1, 0, mant);
        if (exp == -1) /* %0*d with width 0 still printed one zero */
            snprintf(buf, n, "%s0.%s", sign, mant);
    } else if ((size_t)exp + 1 >= m) {
        snprintf(buf, n, "%s%s%0*d.0", sign, mant, (int)((size_t)exp + 1 - m), 0);
        if ((size_t)exp + 1 == m)
            snprintf(buf, n, "%s%s.0", sign, mant);
    } else {
        snprintf(buf, n, "%s%.*s.%s", sign, exp + 1, mant, mant + exp + 1);
    }
}

static void put_json_string(const char *s, FILE *out)
{
    fputc('"', out);
    for (size_t n; *s; s += n) {
        uint32_t c = cli_utf8_next(s, &n);
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20 || c > 0x7E) { /* ensure_ascii, as json.dumps */
                if (c >= 0x10000) {
                    uint32_t v = c - 0x10000;
                    fprintf(out, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
                } else {
                    fprintf(out, "\\u%04x", (unsigned)c);
                }
            } else {
                fputc((int)c, out);
            }
        }
    }
    fputc('"', out);
}

void cli_json_print(const cli_json *v, FILE *out)
{
    switch (v->kind) {
    case CLI_JSON_NULL: fputs("null", out); break;
    case CLI_JSON_BOOL: fputs(v->boolean ? "true" : "false", out); break;
    case CLI_JSON_NUMBER: fputs(v->text, out); break;
    case CLI_JSON_STRING: put_json_string(v->text, out); break;
    case CLI_JSON_ARRAY:
    case CLI_JSON_OBJECT:
        fputc(v->kind == CLI_JSON_ARRAY ? '[' : '{', out);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                fputs(", ", out);
            if (v->kind == CLI_JSON_OBJECT) {
                put_json_string(v->keys[i], out);
                fputs(": ", out);
            }
            cli_json_print(v->items[i], out);
        }
        fputc(v->kind == CLI_JSON_ARRAY ? ']' : '}', out);
        break;
    }
}

/* Python's repr of a str: single quotes unless the text has ' and no ". */
static void put_py_string(const char *s, FILE *out)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    fputc(q, out);
    for (size_t n; *s; s += n) {
        uint32_t c = cli_utf8_next(s, &n);
        if (c == (uint32_t)q || c == '\\')
            fprintf(out, "\\%c", (int)c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (cli_hidden_char(c) || c == 0xFFFD)
            fprintf(out, c < 0x100 ? "\\x%02x" : "\\u%04x", (unsigned)c);
        else
            fwrite(s, 1, n, out);
    }
    fputc(q, out);
}

static void put_py_number(const cli_json *v, FILE *out)
{
    if (v->integer) {
        fputs(v->text, out);
        return;
    }
    char buf[40];
    cli_py_float(v->number, buf, sizeof buf);
    fputs(buf, out);
}

void cli_json_print_python(const cli_json *v, int top, FILE *out)
{
    switch (v->kind) {
    case CLI_JSON_NULL: fputs("None", out); break;
    case CLI_JSON_BOOL: fputs(v->boolean ? "True" : "False", out); break;
    case CLI_JSON_NUMBER: put_py_number(v, out); break;
    case CLI_JSON_STRING:
        if (top) { /* str() of a str is the text: made safe for a terminal */
            char *safe = cli_terminal_text(v->text);
            fputs(safe ? safe : "", out);
            free(safe);
        } else {
            put_py_string(v->text, out);
        }
        break;
    case CLI_JSON_ARRAY:
    case CLI_JSON_OBJECT:
        fputc(v->kind == CLI_JSON_ARRAY ? '[' : '{', out);
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                fputs(", ", out);
            if (v->kind == CLI_JSON_OBJECT) {
                put_py_string(v->keys[i], out);
                fputs(": ", out);
            }
            cli_json_print_python(v->items[i], 0, out);
        }
        fputc(v->kind == CLI_JSON_ARRAY ? ']' : '}', out);
        break;
    }
}

/* ---- YAML (PyYAML's safe_dump: block style, keys sorted) ------------------------- */

static int yaml_plain_ok(const char *s)
{
    static const char *const reserved[] = {"null", "Null", "NULL", "~", "true", "True", "TRUE",
                                           "false", "False", "FALSE", "yes", "Yes", "YES", "no",
                                           "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                                           ".nan", ".inf", "-.inf", ""};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcmp(s, reserved[i]) == 0)
            return 0;
    char *end;
    (void)strtod(s, &end);
    if (*end == 0 || (*s >= '0' && *s <= '9'))
        return 0; /* a number, or something a resolver could read as a date */
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '/'))
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              strchr("_-./ ", *c)))
            return 0;
    return s[strlen(s) - 1] != ' ';
}

/* Text a single-quoted scalar can hold: printable, on one line. */
static int yaml_single_ok(const char *s)
{
    for (size_t n; *s; s += n) {
        uint32_t c = cli_utf8_next(s, &n);
        if (cli_hidden_char(c) || c == 0xFFFD || c == 0xFEFF)
            return 0;
    }
    return 1;
}

static void yaml_scalar(const cli_json *v, FILE *out)
{
    switch (v->kind) {
    case CLI_JSON_NULL: fputs("null", out); break;
    case CLI_JSON_BOOL: fputs(v->boolean ? "true" : "false", out); break;
    case CLI_JSON_NUMBER:
        if (isnan(v->number))
            fputs(".nan", out);
        else if (isinf(v->number))
            fputs(v->number > 0 ? ".inf" : "-.inf", out);
        else
            put_py_number(v, out);
        break;
    case CLI_JSON_STRING:
        if (yaml_plain_ok(v->text)) {
            fputs(v->text, out);
        } else if (yaml_single_ok(v->text)) { /* PyYAML's choice for printable text */
            fputc('\'', out);
            for (const char *c = v->text; *c; c++)
                fputs(*c == '\'' ? "''" : (char[]){*c, 0}, out);
            fputc('\'', out);
        } else {
            put_json_string(v->text, out); /* a double-quoted YAML scalar */
        }
        break;
    default: break;
    }
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void yaml_node(const cli_json *v, int indent, int inline_first, FILE *out);

static void yaml_object(const cli_json *v, int indent, int inline_first, FILE *out)
{
    size_t *order = malloc((v->n ? v->n : 1) * sizeof *order);
    const char **keys = malloc((v->n ? v->n : 1) * sizeof *keys);
    if (!order || !keys) {
        free(order);
        free(keys);
        return;
    }
    for (size_t i = 0; i < v->n; i++)
        keys[i] = v->keys[i];
    qsort(keys, v->n, sizeof *keys, key_cmp);
    for (size_t i = 0; i < v->n; i++)
        for (size_t j = 0; j < v->n; j++)
            if (v->keys[j] == keys[i])
                order[i] = j;
    for (size_t i = 0; i < v->n; i++) {
        const cli_json *item = v->items[order[i]];
        if (i || !inline_first)
            fprintf(out, "%*s", indent, "");
        cli_json key = {.kind = CLI_JSON_STRING, .text = v->keys[order[i]]};
        yaml_scalar(&key, out);
        fputc(':', out);
        if ((item->kind == CLI_JSON_OBJECT || item->kind == CLI_JSON_ARRAY) && item->n) {
            fputc('\n', out);
            yaml_node(item, item->kind == CLI_JSON_OBJECT ? indent + 2 : indent, 0, out);
        } else {
            fputc(' ', out);
            yaml_node(item, indent, 1, out);
        }
    }
    free(order);
    free(keys);
}

static void yaml_node(const cli_json *v, int indent, int inline_first, FILE *out)
{
    if (v->kind == CLI_JSON_OBJECT && v->n) {
        yaml_object(v, indent, inline_first, out);
        return;
    }
    if (v->kind == CLI_JSON_ARRAY && v->n) {
        for (size_t i = 0; i < v->n; i++) {
            if (i || !inline_first)
                fprintf(out, "%*s", indent, "");
            fputs("- ", out);
            yaml_node(v->items[i], indent + 2, 1, out);
        }
        return;
    }
    if (v->kind == CLI_JSON_OBJECT || v->kind == CLI_JSON_ARRAY)
        fputs(v->kind == CLI_JSON_OBJECT ? "{}" : "[]", out);
    else
        yaml_scalar(v, out);
    fputc('\n', out);
}

void cli_json_print_yaml(const cli_json *v, FILE *out) { yaml_node(v, 0, 0, out); }
