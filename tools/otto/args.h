/* Command-line arguments of the otto tool's subcommands (args.c). */
#ifndef OTTO_CLI_ARGS_H
#define OTTO_CLI_ARGS_H

#include <stdint.h>

#include <otto/otto.h>

#include "table.h"

/* Which options a subcommand takes. */
enum {
    ARG_STUDY = 1 << 0,
    ARG_FORMAT = 1 << 1,
    ARG_OUTPUT = 1 << 2,
    ARG_EVALUATOR = 1 << 3,
    ARG_OBJECTIVE = 1 << 4,
    ARG_WATCH = 1 << 5,
    ARG_REFERENCE = 1 << 6,
};

#define CLI_MAX_REFERENCE 64

typedef struct cli_args {
    const char *storage;
    const char *study;       /* -s NAME */
    cli_format format;       /* --format */
    const char *output;      /* -o FILE */
    int evaluator;           /* --evaluator fanova|ped-anova */
    long objective;          /* --objective K (-1: not given) */
    double interval;         /* watch --interval S */
    double timeout;          /* watch --timeout S (0: none) */
    long until;              /* watch --until N finished trials (0: none) */
    size_t n_reference;      /* --reference V,V,... (0: not given) */
    double reference[CLI_MAX_REFERENCE];
} cli_args;

/* Parse argv (argv[0] is the subcommand) accepting the options in `takes`.
 * 0 on success; 2 after printing a usage error. */
int cli_parse(int argc, char **argv, unsigned takes, cli_args *a);

struct cli_study;
/* cli_parse, then load the study it names (cli_load): 0, or the exit
 * status after printing why not. */
int cli_parse_and_load(int argc, char **argv, unsigned takes, cli_args *a,
                       struct cli_study *cs);


/* ---- Optuna's command-line options (create-study, ask, tell, ...) ------------- */

/* Output formats of Optuna's CLI (-f/--format). */
typedef enum cli_oformat { CLI_O_TABLE, CLI_O_JSON, CLI_O_YAML, CLI_O_VALUE } cli_oformat;

/* Which of Optuna's options a subcommand takes. */
enum {
    OPT_FORMAT = 1 << 0,      /* -f/--format, --flatten */
    OPT_DIRECTIONS = 1 << 1,  /* --direction, --directions D... */
    OPT_SKIP_EXISTS = 1 << 2, /* --skip-if-exists */
    OPT_ASK = 1 << 3,         /* --search-space, --sampler, --sampler-kwargs */
    OPT_TELL = 1 << 4,        /* --trial-number, --values V..., --state, --skip-if-finished */
};

#define CLI_MAX_OBJECTIVES 64

typedef struct cli_oargs {
    const char *storage;      /* --storage URL, or the one operand */
    const char *study;        /* --study-name NAME (or -s) */
    cli_oformat format;
    int flatten;
    size_t n_directions;      /* 0: none given */
    otto_direction directions[CLI_MAX_OBJECTIVES];
    int skip_if_exists, skip_if_finished;
    const char *search_space, *sampler, *sampler_kwargs;
    int has_trial_number;
    int64_t trial_number;
    size_t n_values;          /* --values; 0: none given */
    double values[CLI_MAX_OBJECTIVES];
    int state;                /* --state: an otto_trial_state, or -1 */
} cli_oargs;

/* Parse Optuna's way (options in any order, --opt VALUE or --opt=VALUE,
 * --directions and --values taking one or more words) with `format` as the
 * default -f. 0, or 2 after printing a usage error. */
int cli_oparse(int argc, char **argv, unsigned takes, cli_oformat format, cli_oargs *a);

#endif /* OTTO_CLI_ARGS_H */
