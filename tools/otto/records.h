/* Output in the shape of Optuna's CLI (records.c): a trial as the record
 * Optuna's `trials`, `best-trial` and `best-trials` print, values as Python
 * gives them, and the four formats of its -f option. */
#ifndef OTTO_CLI_RECORDS_H
#define OTTO_CLI_RECORDS_H

#include "args.h"
#include "cli.h"
#include "json.h"

/* A categorical label as the value Python would give (typed labels decoded:
 * 1, 2.5, true, null; other labels are strings). */
cli_json *cli_label_json(const char *label);
/* The value of param i of trial t (float, int or choice). */
cli_json *cli_param_json(const otto_trial *t, size_t i);
/* A stored attribute (JSON text, or plain text a C program set). */
cli_json *cli_attr_json(const char *text);

/* Trial t as Optuna's record: number, value (values), datetime_start,
 * datetime_complete, duration, params (by name), user_attrs (when
 * with_user_attrs), state. NULL when out of memory. */
cli_json *cli_trial_record(const cli_study *cs, const otto_trial *t, int with_user_attrs);
/* Whether any trial of the study has user attributes (Optuna's records then
 * carry user_attrs, else not). */
int cli_any_user_attrs(const cli_study *cs);

/* Print a record (an object) or a list of them (an array) as Optuna's
 * _format_output does: json as json.dumps, yaml as PyYAML, table as its
 * +---+ table, value as space-separated values per line; flatten turns
 * nested params_x, values_0 into columns. */
void cli_print_records(const cli_json *records, cli_oformat f, int flatten, FILE *out);

#endif /* OTTO_CLI_RECORDS_H */
