/* JSON values for the otto tool: a small reader (search spaces given to
 * `otto ask`, Optuna's journal and distribution JSON read by `otto import`)
 * and a writer that prints as Python's json.dumps does, so output matches
 * Optuna's CLI byte for byte where it can. */
#ifndef OTTO_CLI_JSON_H
#define OTTO_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum cli_json_kind {
    CLI_JSON_NULL,
    CLI_JSON_BOOL,
    CLI_JSON_NUMBER,
    CLI_JSON_STRING,
    CLI_JSON_ARRAY,
    CLI_JSON_OBJECT
} cli_json_kind;

typedef struct cli_json {
    cli_json_kind kind;
    int boolean;
    double number;
    int integer;   /* NUMBER written as an integer (no fraction, no exponent) */
    char *text;    /* STRING: its UTF-8 text; NUMBER: the literal as written
                      (NaN, Infinity and -Infinity as Python writes them) */
    size_t n, cap; /* ARRAY, OBJECT: items */
    char **keys;   /* OBJECT: keys in the order read or added */
    struct cli_json **items;
} cli_json;

/* Parse len bytes of JSON (Python's dialect: NaN, Infinity and -Infinity are
 * numbers). Depth is capped, strings must be UTF-8 without NUL. 0 and *out,
 * or 1 with a message in err. */
int cli_json_parse(const char *s, size_t len, cli_json **out, char *err, size_t n_err);
void cli_json_free(cli_json *v);
/* The member `key` of an object, or NULL. */
const cli_json *cli_json_get(const cli_json *obj, const char *key);

/* Building (NULL when out of memory; add takes ownership of item, also
 * when it fails, and returns 1 then). */
cli_json *cli_json_null(void);
cli_json *cli_json_bool(int b);
cli_json *cli_json_number(double v); /* printed as a Python float */
cli_json *cli_json_int(int64_t v);
cli_json *cli_json_string(const char *s);
cli_json *cli_json_array(void);
cli_json *cli_json_object(void);
int cli_json_push(cli_json *array, cli_json *item);
int cli_json_set(cli_json *object, const char *key, cli_json *item);

/* Python's repr of a float (shortest round trip: 0.1, 1.0, 1e-05, nan,
 * inf). */
void cli_py_float(double v, char *buf, size_t n);
/* As Python's json.dumps(v) (separators ", " and ": ", non-ASCII kept
 * as json.dumps(ensure_ascii=True) escapes it, NaN and Infinity bare). */
void cli_json_print(const cli_json *v, FILE *out);
/* As Python's str(v) of the value json.loads would give (Optuna's table
 * cells): 'text' in quotes inside containers, None, True, {'k': 1}. */
void cli_json_print_python(const cli_json *v, int top, FILE *out);
/* YAML in the block style of PyYAML's safe_dump (keys sorted). */
void cli_json_print_yaml(const cli_json *v, FILE *out);

#endif /* OTTO_CLI_JSON_H */
