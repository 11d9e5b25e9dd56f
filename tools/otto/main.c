/* otto(1): look at studies that otto programs write to a journal file, an
 * SQLite database or PostgreSQL, without stopping them; drive a study from a
 * shell with Optuna's CLI commands; bring studies over from Optuna. */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: otto COMMAND STORAGE [options]\n"
    "\n"
    "STORAGE is a journal file, sqlite:///path.db or a postgresql:// URI.\n"
    "-s NAME picks the study (needed when the storage holds several).\n"
    "\n"
    "  studies STORAGE [--format F]            the studies, with their best values\n"
    "  trials STORAGE [-s NAME] [--format F]   every trial (F: table, csv, json)\n"
    "  best STORAGE [-s NAME] [--format F] [--reference V,V...]\n"
    "                                          the best trial, or the Pareto front\n"
    "                                          and its hypervolume\n"
    "  importance STORAGE [-s NAME] [--evaluator fanova|ped-anova] [--objective K]\n"
    "                                          how much each param matters\n"
    "  report STORAGE [-s NAME] -o FILE.html   a self-contained HTML report\n"
    "  watch STORAGE [-s NAME] [--interval S] [--timeout S] [--until N]\n"
    "                                          follow a running study\n"
    "\n"
    "Optuna's commands (--storage URL or the STORAGE operand; -f json|table|yaml|value):\n"
    "  create-study --storage URL [--study-name NAME] [--direction D | --directions D...]\n"
    "               [--skip-if-exists]         make a study (a missing file too)\n"
    "  delete-study --storage URL --study-name NAME\n"
    "  study-names --storage URL [-f F]\n"
    "  ask --storage URL --study-name NAME [--search-space JSON] [--sampler CLASS\n"
    "      [--sampler-kwargs JSON]] [-f F] [--flatten]   start a trial: number, params\n"
    "  tell --storage URL --study-name NAME --trial-number N [--values V...]\n"
    "       [--state complete|pruned|fail] [--skip-if-finished]\n"
    "  best-trial, best-trials --storage URL --study-name NAME [-f F] [--flatten]\n"
    "\n"
    "  import SRC DST [--study-name NAME] [--skip-existing]\n"
    "       copy Optuna's studies (SRC: sqlite:///optuna.db or an Optuna journal file)\n"
    "       into an otto storage\n"
    "\n"
    "See otto(1).\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("otto %s\n", otto_version_string());
        return 0;
    }
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {{"studies", cli_studies},           {"trials", cli_trials},
                    {"best", cli_best},                 {"importance", cli_importance},
                    {"report", cli_report},             {"watch", cli_watch},
                    {"create-study", cli_create_study}, {"delete-study", cli_delete_study},
                    {"study-names", cli_study_names},   {"ask", cli_ask},
                    {"tell", cli_tell},                 {"best-trial", cli_best_trial},
                    {"best-trials", cli_best_trials},   {"import", cli_import}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see otto --help)", cmd);
    return 2;
}
