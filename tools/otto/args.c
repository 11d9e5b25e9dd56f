/* Parsing the otto tool's subcommand arguments: one storage operand and
 * the options the subcommand takes, in any order. */
#include <errno.h>
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

/* --reference V,V,...: finite numbers separated by commas. */
static int parse_reference(const char *text, cli_args *a)
{
    a->n_reference = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || !isfinite(v) || (*end && *end != ',')) {
            cli_error("--reference '%s': finite numbers separated by commas", text);
            return 1;
        }
        if (a->n_reference == CLI_MAX_REFERENCE) {
            cli_error("--reference: at most %d values", CLI_MAX_REFERENCE);
            return 1;
        }
        a->reference[a->n_reference++] = v;
        if (!*end)
            return 0;
        p = end + 1;
    }
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
        {"study-name", required_argument, 0, 's'}, {"storage", required_argument, 0, 'S'},
        {"reference", required_argument, 0, 'r'}, {0, 0, 0, 0}};
    static const unsigned needs[128] = {['s'] = ARG_STUDY, ['f'] = ARG_FORMAT,
                                        ['o'] = ARG_OUTPUT, ['e'] = ARG_EVALUATOR,
                                        ['k'] = ARG_OBJECTIVE, ['i'] = ARG_WATCH,
                                        ['t'] = ARG_WATCH, ['u'] = ARG_WATCH, ['r'] = ARG_REFERENCE,
                                        ['S'] = ~0u};
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
        case 'S': /* Optuna's --storage URL, in place of the operand */
            a->storage = optarg;
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
        case 'r':
            if (parse_reference(optarg, a))
                return 2;
            break;
        }
    }
    if (optind >= argc && !a->storage) {
        cli_error("%s: no storage given (a journal file, sqlite:///path or postgresql://...)",
                  argv[0]);
        return 2;
    }
    if (optind + (a->storage ? 0 : 1) < argc) {
        cli_error("%s: unexpected argument '%s'", argv[0], argv[optind + (a->storage ? 0 : 1)]);
        return 2;
    }
    if (!a->storage)
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

/* ---- Optuna's options ------------------------------------------------------------ */

/* argv[*i] is --name or --name=VALUE: 1 when it matches; *value is what
 * follows '=' or NULL. */
static int is_opt(const char *arg, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || (arg[n] != 0 && arg[n] != '='))
        return 0;
    *value = arg[n] == '=' ? arg + n + 1 : NULL;
    return 1;
}

static int is_number(const char *s)
{
    char *end;
    (void)strtod(s, &end);
    return *s && !*end;
}

int cli_oparse(int argc, char **argv, unsigned takes, cli_oformat format, cli_oargs *a)
{
    memset(a, 0, sizeof *a);
    a->format = format;
    a->state = -1;
    const char *cmd = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        /* the option's value: after '=' or the next word */
#define VALUE(opt)                                                                           \
    do {                                                                                     \
        if (!v && (v = i + 1 < argc ? argv[++i] : NULL) == NULL) {                          \
            cli_error("%s %s: needs a value", cmd, opt);                                     \
            return 2;                                                                        \
        }                                                                                    \
    } while (0)
        if (is_opt(arg, "--storage", &v)) {
            VALUE("--storage");
            a->storage = v;
        } else if (is_opt(arg, "--study-name", &v) || is_opt(arg, "--study", &v) ||
                   strcmp(arg, "-s") == 0) {
            VALUE("--study-name");
            a->study = v;
        } else if ((takes & OPT_FORMAT) && (is_opt(arg, "--format", &v) || strcmp(arg, "-f") == 0)) {
            VALUE("--format");
            static const char *const names[] = {"table", "json", "yaml", "value"};
            size_t k;
            for (k = 0; k < 4 && strcmp(v, names[k]) != 0; k++)
                ;
            if (k == 4) {
                cli_error("%s --format: '%s' (json, table, yaml or value)", cmd, v);
                return 2;
            }
            a->format = (cli_oformat)k;
        } else if ((takes & OPT_FORMAT) && strcmp(arg, "--flatten") == 0) {
            a->flatten = 1;
        } else if ((takes & OPT_DIRECTIONS) &&
                   (is_opt(arg, "--direction", &v) || is_opt(arg, "--directions", &v))) {
            int many = strncmp(arg, "--directions", 12) == 0;
            if (a->n_directions) {
                cli_error("%s: give --direction or --directions once", cmd);
                return 2;
            }
            for (int first = 1;; first = 0) {
                if (!v) {
                    if (i + 1 >= argc || argv[i + 1][0] == '-')
                        break;
                    v = argv[++i];
                }
                if (strcmp(v, "minimize") != 0 && strcmp(v, "maximize") != 0) {
                    cli_error("%s %s: '%s' (minimize or maximize)", cmd, arg, v);
                    return 2;
                }
                if (a->n_directions == CLI_MAX_OBJECTIVES) {
                    cli_error("%s: more than %d directions", cmd, CLI_MAX_OBJECTIVES);
                    return 2;
                }
                a->directions[a->n_directions++] = v[1] == 'a' ? OTTO_MAXIMIZE : OTTO_MINIMIZE;
                v = NULL;
                if (!many || (first && strchr(arg, '=')))
                    break;
            }
            if (!a->n_directions) {
                cli_error("%s %s: needs minimize or maximize", cmd, arg);
                return 2;
            }
        } else if ((takes & OPT_SKIP_EXISTS) && strcmp(arg, "--skip-if-exists") == 0) {
            a->skip_if_exists = 1;
        } else if ((takes & OPT_ASK) && is_opt(arg, "--search-space", &v)) {
            VALUE("--search-space");
            a->search_space = v;
        } else if ((takes & OPT_ASK) && is_opt(arg, "--sampler", &v)) {
            VALUE("--sampler");
            a->sampler = v;
        } else if ((takes & OPT_ASK) && is_opt(arg, "--sampler-kwargs", &v)) {
            VALUE("--sampler-kwargs");
            a->sampler_kwargs = v;
        } else if ((takes & OPT_TELL) && is_opt(arg, "--trial-number", &v)) {
            VALUE("--trial-number");
            char *end;
            long long n = strtoll(v, &end, 10);
            if (!*v || *end) {
                cli_error("%s --trial-number: '%s' is not an integer", cmd, v);
                return 2;
            }
            a->trial_number = n;
            a->has_trial_number = 1;
        } else if ((takes & OPT_TELL) && is_opt(arg, "--values", &v)) {
            int given = v != NULL;
            for (;;) {
                if (!v) {
                    if (i + 1 >= argc || !is_number(argv[i + 1]))
                        break;
                    v = argv[++i];
                }
                if (!is_number(v)) {
                    cli_error("%s --values: '%s' is not a number", cmd, v);
                    return 2;
                }
                if (a->n_values == CLI_MAX_OBJECTIVES) {
                    cli_error("%s: more than %d values", cmd, CLI_MAX_OBJECTIVES);
                    return 2;
                }
                a->values[a->n_values++] = strtod(v, NULL);
                v = NULL;
                if (given)
                    break;
            }
            if (!a->n_values) {
                cli_error("%s --values: needs one or more numbers", cmd);
                return 2;
            }
        } else if ((takes & OPT_TELL) && is_opt(arg, "--state", &v)) {
            VALUE("--state");
            if (strcmp(v, "complete") == 0)
                a->state = OTTO_TRIAL_COMPLETE;
            else if (strcmp(v, "pruned") == 0)
                a->state = OTTO_TRIAL_PRUNED;
            else if (strcmp(v, "fail") == 0)
                a->state = OTTO_TRIAL_FAIL;
            else {
                cli_error("%s --state: '%s' (complete, pruned or fail)", cmd, v);
                return 2;
            }
        } else if ((takes & OPT_TELL) && strcmp(arg, "--skip-if-finished") == 0) {
            a->skip_if_finished = 1;
        } else if (arg[0] == '-' && arg[1]) {
            cli_error("%s: unknown option %s (see otto --help)", cmd, arg);
            return 2;
        } else if (!a->storage) {
            a->storage = arg;
        } else {
            cli_error("%s: unexpected argument '%s'", cmd, arg);
            return 2;
        }
#undef VALUE
    }
    if (!a->storage) {
        cli_error("%s: no storage given (--storage: a journal file, sqlite:///path or "
                  "postgresql://...)",
                  cmd);
        return 2;
    }
    return 0;
}
