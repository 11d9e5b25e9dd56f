/* Parsing the otto tool's subcommand arguments: one storage operand and
 * the options the subcommand takes, in any order. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"

static int parse_number(const char *opt, const char *s, double lo, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !isfinite(v) || v < lo) {
        cli_error("%s: '%s' is not a number >= %g", opt, s, lo);
        return 2;
    }
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, unsigned takes, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->format = CLI_TABLE;
    a->evaluator = OTTO_IMPORTANCE_FANOVA;
    a->objective = -1;
    a->interval = 1.0;
    static const struct option longs[] = {
        {"study", required_argument, 0, 's'},     {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},    {"evaluator", required_argument, 0, 'e'},
        {"objective", required_argument, 0, 'k'}, {"interval", required_argument, 0, 'i'},
        {"timeout", required_argument, 0, 't'},   {"until", required_argument, 0, 'u'},
        {"study-name", required_argument, 0, 's'}, {0, 0, 0, 0}};
    static const unsigned needs[128] = {['s'] = ARG_STUDY, ['f'] = ARG_FORMAT,
                                        ['o'] = ARG_OUTPUT, ['e'] = ARG_EVALUATOR,
                                        ['k'] = ARG_OBJECTIVE, ['i'] = ARG_WATCH,
                                        ['t'] = ARG_WATCH, ['u'] = ARG_WATCH};
    optind = 1;
    opterr = 0;
    int c;
    double v;
    while ((c = getopt_long(argc, argv, ":s:f:o:", longs, NULL)) != -1) {
        if (c == '?' || c == ':' || c >= 128 || !(needs[c] & takes)) {
            const char *bad = argv[optind - 1];
            cli_error(c == ':' ? "%s %s: needs a value" : "%s: unknown option %s (see otto --help)",
                      argv[0], bad);
            return 2;
        }
        switch (c) {
        case 's':
            a->study = optarg;
            break;
        case 'f':
            if (cli_format_parse(optarg, &a->format))
                return 2;
            break;
        case 'o':
            a->output = optarg;
            break;
        case 'e':
            if (strcmp(optarg, "fanova") == 0)
                a->evaluator = OTTO_IMPORTANCE_FANOVA;
            else if (strcmp(optarg, "ped-anova") == 0 || strcmp(optarg, "pedanova") == 0)
                a->evaluator = OTTO_IMPORTANCE_PED_ANOVA;
            else {
                cli_error("--evaluator: '%s' (fanova or ped-anova)", optarg);
                return 2;
            }
            break;
        case 'k':
            if (parse_number("--objective", optarg, 0, &v) || v != floor(v))
                return 2;
            a->objective = (long)v;
            break;
        case 'i':
            if (parse_number("--interval", optarg, 0.01, &a->interval))
                return 2;
            break;
        case 't':
            if (parse_number("--timeout", optarg, 0, &a->timeout))
                return 2;
            break;
        case 'u':
            if (parse_number("--until", optarg, 1, &v))
                return 2;
            a->until = (long)v;
            break;
        }
    }
    if (optind >= argc) {
        cli_error("%s: no storage given (a journal file, sqlite:///path or postgresql://...)",
                  argv[0]);
        return 2;
    }
    if (optind + 1 < argc) {
        cli_error("%s: unexpected argument '%s'", argv[0], argv[optind + 1]);
        return 2;
    }
    a->storage = argv[optind];
    return 0;
}

int cli_parse_and_load(int argc, char **argv, unsigned takes, cli_args *a, cli_study *cs)
{
    int rc = cli_parse(argc, argv, takes, a);
    if (rc)
        return rc;
    return cli_load(a->storage, a->study, cs) ? 1 : 0;
}
