/* Command-line arguments of the otto tool's subcommands (args.c). */
#ifndef OTTO_CLI_ARGS_H
#define OTTO_CLI_ARGS_H

#include "table.h"

/* Which options a subcommand takes. */
enum {
    ARG_STUDY = 1 << 0,
    ARG_FORMAT = 1 << 1,
    ARG_OUTPUT = 1 << 2,
    ARG_EVALUATOR = 1 << 3,
    ARG_OBJECTIVE = 1 << 4,
    ARG_WATCH = 1 << 5,
};

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
} cli_args;

/* Parse argv (argv[0] is the subcommand) accepting the options in `takes`.
 * 0 on success; 2 after printing a usage error. */
int cli_parse(int argc, char **argv, unsigned takes, cli_args *a);

struct cli_study;
/* cli_parse, then load the study it names (cli_load): 0, or the exit
 * status after printing why not. */
int cli_parse_and_load(int argc, char **argv, unsigned takes, cli_args *a,
                       struct cli_study *cs);

#endif /* OTTO_CLI_ARGS_H */
