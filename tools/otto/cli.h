/* The otto command-line tool (otto(1)): what its subcommands share. It reads
 * studies through the public API only, as any program linking libotto would;
 * all printing happens here, never in the library. */
#ifndef OTTO_CLI_H
#define OTTO_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <otto/otto.h>

/* A param as the study uses it: the distribution of its first trial. */
typedef struct cli_param {
    const char *name;
    otto_distribution dist;
} cli_param;

/* A loaded study and a snapshot of its trials (in number order) and params
 * (in order of first use). */
typedef struct cli_study {
    otto_storage *storage;
    otto_study *study;
    const char *name;
    size_t n_objectives;
    size_t n_trials;
    const otto_trial **trials;
    size_t n_params;
    cli_param *params;
} cli_study;

/* The code point of the UTF-8 sequence at s (not at its end) and its
 * length; a byte that does not start a valid sequence is U+FFFD, one byte
 * long. */
uint32_t cli_utf8_next(const char *s, size_t *len);
/* Whether code point c could rewrite or reorder what a terminal shows: C0
 * and C1 controls, DEL, and the bidi controls of "Trojan Source" (U+202A-
 * U+202E, U+2066-U+2069, U+200E, U+200F, U+061C). */
int cli_hidden_char(uint32_t c);
/* A malloc'ed copy of s for a terminal: each such character (and any byte
 * that is not valid UTF-8) is '?'. NULL when out of memory. */
char *cli_terminal_text(const char *s);

/* "otto: ..." on stderr (through cli_terminal_text). */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The library's last failure, as a cli_error with context. */
void cli_otto_error(const char *what, int rc);

/* Open STORAGE: a journal file path, sqlite:///path or a postgresql:// URI.
 * A journal or SQLite file must exist. 0 on success; prints the error. */
int cli_open_storage(const char *spec, otto_storage **out);
/* Open STORAGE for writing (create-study, ask, tell, delete-study, import):
 * read-write, and with `create` a journal or SQLite file that does not
 * exist is made. 0 on success; prints the error. */
int cli_open_storage_rw(const char *spec, int create, otto_storage **out);
/* Open study `name` of a storage opened for writing, with the auto sampler
 * (or `sampler`, which it takes), or print why not: 0 or 1. */
int cli_open_study_rw(otto_storage *st, const char *spec, const char *name,
                      otto_sampler *sampler, otto_study **out);
/* Load study `name` (NULL: the storage's only study) and snapshot it. */
int cli_load(const char *spec, const char *name, cli_study *cs);
/* Read what other processes wrote since, and snapshot again. */
int cli_refresh(cli_study *cs);
void cli_free(cli_study *cs);

/* A param's value in a trial as text ("" when the trial lacks it); a
 * categorical shows its label as Python would print the value. */
void cli_param_text(const otto_trial *t, const cli_param *p, char *buf, size_t n);
/* A categorical label as shown to people (typed labels decoded). */
const char *cli_label_text(const char *label, char *buf, size_t n);
/* Local time "YYYY-MM-DD HH:MM:SS" of a Unix time. */
void cli_time_text(double t, char *buf, size_t n);
/* Short number text: %.6g, "nan", "inf". */
void cli_number_text(double v, char *buf, size_t n);
/* The trial's objective k, or NaN when it has none. */
double cli_trial_value(const otto_trial *t, size_t k);

/* Objective k as an importance target, lower better (negated when the
 * study maximizes it): PED-ANOVA ranks lower targets as better, and fANOVA
 * does not mind the sign. */
typedef struct cli_objective {
    size_t k;
    double sign;
} cli_objective;
cli_objective cli_objective_of(const cli_study *cs, size_t k);
int cli_objective_target(const otto_trial *t, void *objective, double *out);

/* Subcommands: each returns the process exit status. */
int cli_studies(int argc, char **argv);
int cli_trials(int argc, char **argv);
int cli_best(int argc, char **argv);
int cli_importance(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_watch(int argc, char **argv);
/* Optuna's subcommands, with its names, options and output */
int cli_create_study(int argc, char **argv);
int cli_delete_study(int argc, char **argv);
int cli_study_names(int argc, char **argv);
int cli_ask(int argc, char **argv);
int cli_tell(int argc, char **argv);
int cli_best_trial(int argc, char **argv);
int cli_best_trials(int argc, char **argv);
/* otto import: Optuna's studies into an otto storage */
int cli_import(int argc, char **argv);

#endif /* OTTO_CLI_H */
