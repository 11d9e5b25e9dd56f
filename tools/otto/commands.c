/* The otto tool's listing subcommands: studies, trials, best, importance. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "table.h"

static const char *direction_text(otto_direction d)
{
    return d == OTTO_MAXIMIZE ? "maximize" : "minimize";
}

int cli_studies(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(argc, argv, ARG_FORMAT, &a);
    if (rc)
        return rc;
    otto_storage *st;
    if (cli_open_storage(a.storage, &st))
        return 1;
    size_t n = 0;
    rc = otto_storage_study_names(st, NULL, 0, &n);
    const char **names = malloc(sizeof *names * (n ? n : 1));
    if (rc || !names || otto_storage_study_names(st, names, n, &n)) {
        cli_otto_error(a.storage, rc ? rc : OTTO_ENOMEM);
        free(names);
        otto_storage_close(st);
        return 1;
    }
    cli_table t;
    static const char *const head[] = {"name", "direction", "trials", "complete", "best"};
    cli_table_init(&t, 5);
    for (size_t c = 0; c < 5; c++)
        cli_table_set_head(&t, c, head[c]);
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        cli_study cs;
        if (cli_load(a.storage, names[i], &cs)) {
            status = 1;
            continue;
        }
        long r = cli_table_add_row(&t);
        char buf[512] = "";
        size_t complete = 0;
        for (size_t k = 0; k < cs.n_trials; k++)
            complete += otto_trial_get_state(cs.trials[k]) == OTTO_TRIAL_COMPLETE;
        for (size_t k = 0; k < cs.n_objectives && k < 8; k++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", k ? "," : "",
                     direction_text(otto_study_direction(cs.study, k)));
        cli_table_set(&t, (size_t)r, 0, names[i], 0);
        cli_table_set(&t, (size_t)r, 1, buf, 0);
        snprintf(buf, sizeof buf, "%zu", cs.n_trials);
        cli_table_set(&t, (size_t)r, 2, buf, 1);
        snprintf(buf, sizeof buf, "%zu", complete);
        cli_table_set(&t, (size_t)r, 3, buf, 1);
        const otto_trial *best;
        if (cs.n_objectives == 1 && otto_study_best_trial(cs.study, &best) == OTTO_OK) {
            cli_number_text(cli_trial_value(best, 0), buf, sizeof buf);
            cli_table_set(&t, (size_t)r, 4, buf, 1);
        } else if (cs.n_objectives > 1) {
            size_t nf = 0;
            otto_study_best_trials(cs.study, NULL, 0, &nf);
            snprintf(buf, sizeof buf, "%zu on the Pareto front", nf);
            cli_table_set(&t, (size_t)r, 4, buf, 0);
        }
        cli_free(&cs);
    }
    cli_table_print(&t, a.format, stdout);
    cli_table_free(&t);
    free(names);
    otto_storage_close(st);
    return status;
}

/* Rows of trials: number, state, value(s), params, times (the columns of
 * Optuna's trials_dataframe). */
static void trial_rows(const cli_study *cs, const otto_trial *const *trials, size_t n,
                       cli_table *t)
{
    size_t nv = cs->n_objectives, n_cols = 2 + nv + cs->n_params + 3;
    cli_table_init(t, n_cols);
    char buf[1024];
    cli_table_set_head(t, 0, "number");
    cli_table_set_head(t, 1, "state");
    for (size_t k = 0; k < nv; k++) {
        if (nv == 1)
            snprintf(buf, sizeof buf, "value");
        else
            snprintf(buf, sizeof buf, "values_%zu", k);
        cli_table_set_head(t, 2 + k, buf);
    }
    for (size_t p = 0; p < cs->n_params; p++) {
        snprintf(buf, sizeof buf, "params_%s", cs->params[p].name);
        cli_table_set_head(t, 2 + nv + p, buf);
    }
    size_t tc = 2 + nv + cs->n_params;
    cli_table_set_head(t, tc, "datetime_start");
    cli_table_set_head(t, tc + 1, "datetime_complete");
    cli_table_set_head(t, tc + 2, "duration_s");
    for (size_t i = 0; i < n; i++) {
        const otto_trial *tr = trials[i];
        long r = cli_table_add_row(t);
        if (r < 0)
            return;
        snprintf(buf, sizeof buf, "%lld", (long long)otto_trial_number(tr));
        cli_table_set(t, (size_t)r, 0, buf, 1);
        cli_table_set(t, (size_t)r, 1, otto_trial_state_name(otto_trial_get_state(tr)), 0);
        for (size_t k = 0; k < nv; k++) {
            double v = cli_trial_value(tr, k);
            if (!isnan(v) || otto_trial_get_state(tr) == OTTO_TRIAL_COMPLETE) {
                cli_number_text(v, buf, sizeof buf);
                cli_table_set(t, (size_t)r, 2 + k, buf, 1);
            }
        }
        for (size_t p = 0; p < cs->n_params; p++) {
            cli_param_text(tr, &cs->params[p], buf, sizeof buf);
            cli_table_set(t, (size_t)r, 2 + nv + p, buf,
                          cs->params[p].dist.kind != OTTO_DIST_CATEGORICAL);
        }
        double t0, t1;
        if (otto_trial_datetime_start(tr, &t0) == OTTO_OK) {
            cli_time_text(t0, buf, sizeof buf);
            cli_table_set(t, (size_t)r, tc, buf, 0);
            if (otto_trial_datetime_complete(tr, &t1) == OTTO_OK) {
                cli_time_text(t1, buf, sizeof buf);
                cli_table_set(t, (size_t)r, tc + 1, buf, 0);
                snprintf(buf, sizeof buf, "%.3f", t1 - t0);
                cli_table_set(t, (size_t)r, tc + 2, buf, 1);
            }
        }
    }
}

int cli_trials(int argc, char **argv)
{
    cli_args a;
    cli_study cs;
    int rc = cli_parse_and_load(argc, argv, ARG_STUDY | ARG_FORMAT, &a, &cs);
    if (rc)
        return rc;
    cli_table t;
    trial_rows(&cs, cs.trials, cs.n_trials, &t);
    cli_table_print(&t, a.format, stdout);
    cli_table_free(&t);
    cli_free(&cs);
    return 0;
}

/* "hypervolume H (reference r, r)" under the front of a multi-objective
 * study, within --reference or otto_study_default_reference(3)'s point; 0,
 * or 1 after printing why not. */
static int print_hypervolume(const cli_study *cs, const cli_args *a)
{
    size_t m = cs->n_objectives, cap = cs->n_trials, n = 0;
    if (a->n_reference && a->n_reference != m) {
        cli_error("--reference: %zu values for %zu objectives", a->n_reference, m);
        return 1;
    }
    double *ref = malloc(sizeof *ref * m), *vol = malloc(sizeof *vol * (cap + 1));
    int64_t *num = malloc(sizeof *num * (cap + 1));
    int rc = ref && vol && num ? OTTO_OK : OTTO_ENOMEM;
    if (rc == OTTO_OK && a->n_reference)
        memcpy(ref, a->reference, sizeof *ref * m);
    else if (rc == OTTO_OK)
        rc = otto_study_default_reference(cs->study, ref, m);
    if (rc == OTTO_OK)
        rc = otto_study_hypervolume_history(cs->study, ref, m, num, vol, cap, &n);
    if (rc == OTTO_OK) {
        char buf[64];
        cli_number_text(n ? vol[(n < cap ? n : cap) - 1] : 0.0, buf, sizeof buf);
        printf("hypervolume %s (reference ", buf);
        for (size_t k = 0; k < m; k++) {
            cli_number_text(ref[k], buf, sizeof buf);
            printf("%s%s", k ? ", " : "", buf);
        }
        printf(")\n");
    } else if (rc != OTTO_ENOTFOUND) { /* no feasible trial: the front says it all */
        cli_otto_error(cs->name, rc);
    }
    free(ref);
    free(vol);
    free(num);
    return rc != OTTO_OK && rc != OTTO_ENOTFOUND;
}

int cli_best(int argc, char **argv)
{
    cli_args a;
    cli_study cs;
    int rc = cli_parse_and_load(argc, argv, ARG_STUDY | ARG_FORMAT | ARG_REFERENCE, &a, &cs);
    if (rc)
        return rc;
    if (a.n_reference && cs.n_objectives == 1) {
        cli_error("--reference: study '%s' has one objective", cs.name);
        cli_free(&cs);
        return 2;
    }
    size_t n = 0;
    const otto_trial **best = NULL;
    if (cs.n_objectives == 1) {
        best = malloc(sizeof *best);
        rc = best ? otto_study_best_trial(cs.study, best) : OTTO_ENOMEM;
        n = rc == OTTO_OK;
    } else {
        otto_study_best_trials(cs.study, NULL, 0, &n);
        best = malloc(sizeof *best * (n ? n : 1));
        rc = best ? otto_study_best_trials(cs.study, best, n, &n) : OTTO_ENOMEM;
    }
    if (rc) {
        if (rc == OTTO_ENOTFOUND || rc == OTTO_ESTATE)
            cli_error("study '%s' has no COMPLETE trial yet", cs.name);
        else
            cli_otto_error(cs.name, rc);
        free(best);
        cli_free(&cs);
        return 1;
    }
    cli_table t;
    trial_rows(&cs, best, n, &t);
    cli_table_print(&t, a.format, stdout);
    cli_table_free(&t);
    free(best);
    if (cs.n_objectives > 1 && a.format == CLI_TABLE) /* csv and json stay one table */
        rc = print_hypervolume(&cs, &a);
    cli_free(&cs);
    return rc;
}

int cli_importance(int argc, char **argv)
{
    cli_args a;
    cli_study cs;
    int rc = cli_parse_and_load(argc, argv, ARG_STUDY | ARG_FORMAT | ARG_EVALUATOR | ARG_OBJECTIVE, &a, &cs);
    if (rc)
        return rc;
    if (a.objective >= (long)cs.n_objectives) {
        cli_error("--objective %ld: study '%s' has %zu objective(s)", a.objective, cs.name,
                  cs.n_objectives);
        cli_free(&cs);
        return 2;
    }
    if (cs.n_objectives > 1 && a.objective < 0) {
        cli_error("study '%s' has %zu objectives: say which with --objective K", cs.name,
                  cs.n_objectives);
        cli_free(&cs);
        return 2;
    }
    otto_importance_options o;
    otto_importance_options_init(&o);
    o.evaluator = (otto_importance_evaluator)a.evaluator;
    cli_objective ref = cli_objective_of(&cs, a.objective < 0 ? 0 : (size_t)a.objective);
    if (a.objective >= 0) {
        o.target = cli_objective_target;
        o.target_user_data = &ref;
    }
    otto_param_importance *imp;
    size_t n;
    rc = otto_study_param_importances(cs.study, &o, &imp, &n);
    if (rc) {
        cli_otto_error(cs.name, rc);
        cli_free(&cs);
        return 1;
    }
    cli_table t;
    cli_table_init(&t, 2);
    cli_table_set_head(&t, 0, "param");
    cli_table_set_head(&t, 1, "importance");
    for (size_t i = 0; i < n; i++) {
        long r = cli_table_add_row(&t);
        char buf[64];
        snprintf(buf, sizeof buf, "%.4f", imp[i].importance);
        cli_table_set(&t, (size_t)r, 0, imp[i].name, 0);
        cli_table_set(&t, (size_t)r, 1, buf, 1);
    }
    cli_table_print(&t, a.format, stdout);
    cli_table_free(&t);
    otto_param_importances_free(imp);
    cli_free(&cs);
    return 0;
}
