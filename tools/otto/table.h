/* A table of text cells that the otto tool prints as aligned columns (no
 * control or bidi characters reach the terminal), CSV (RFC 4180; text
 * that a spreadsheet would run as a formula starts with ') or JSON (an
 * array of objects; numeric cells unquoted). */
#ifndef OTTO_CLI_TABLE_H
#define OTTO_CLI_TABLE_H

#include <stdio.h>

typedef enum cli_format { CLI_TABLE, CLI_CSV, CLI_JSON } cli_format;

typedef struct cli_table {
    size_t n_cols, n_rows, cap;
    char **head;
    char **cells;          /* n_rows x n_cols, malloc'ed; NULL is empty */
    unsigned char *number; /* per cell: 1 = a number (JSON without quotes) */
} cli_table;

/* 0, or 1 after printing an error for an unknown format name. */
int cli_format_parse(const char *s, cli_format *out);
int cli_table_init(cli_table *t, size_t n_cols);
int cli_table_set_head(cli_table *t, size_t col, const char *text);
/* Append an empty row; returns its index, or -1 when out of memory. */
long cli_table_add_row(cli_table *t);
int cli_table_set(cli_table *t, size_t row, size_t col, const char *text, int number);
void cli_table_print(const cli_table *t, cli_format f, FILE *out);
void cli_table_free(cli_table *t);

#endif /* OTTO_CLI_TABLE_H */
