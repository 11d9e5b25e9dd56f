/* otto report: one self-contained HTML file (inline SVG and CSS, no script,
 * no network) that shows a study to someone who was not there. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "report.h"
#include "svg.h"

/* Above this many COMPLETE trials the report ranks params by PED-ANOVA
 * (milliseconds) instead of fANOVA (seconds at 10,000 trials). */
enum { FANOVA_TRIALS_MAX = 5000 };

static const char style[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
    "background:#f6f7f9;color:#1d2330}"
    "header{background:#1d2330;color:#fff;padding:18px 28px}"
    "header h1{margin:0;font-size:22px;font-weight:600;overflow-wrap:anywhere}"
    "header p{margin:4px 0 0;color:#b8c0cc;overflow-wrap:anywhere}"
    "main{display:flex;flex-wrap:wrap;gap:16px;padding:16px 28px}"
    ".card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 16px;"
    "flex:1 1 380px;max-width:880px;overflow-x:auto}"
    ".card.wide{flex-basis:840px}.card.small{flex:0 1 400px}"
    ".card h2{font-size:15px;margin:0 0 8px;font-weight:600;overflow-wrap:anywhere}"
    ".note{color:#5a6472;font-size:12px;margin:6px 0 0}"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}"
    "td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    "th{color:#5a6472;font-weight:500}"
    "svg{display:block;max-width:100%;height:auto}"
    "svg text{font:11px system-ui,sans-serif;fill:#1d2330}"
    "svg .label{font-size:12px;fill:#3b4452}svg .tick{fill:#5a6472}"
    "svg .legend{font-size:11px;fill:#3b4452}"
    "svg .frame{fill:none;stroke:#c5cbd3}svg .grid{stroke:#eef0f3}"
    "svg .axis{stroke:#8a94a3}svg .best{fill:none;stroke:#d62728;stroke-width:2}"
    "svg .trial{fill:none;stroke-width:1.2;stroke-opacity:.7}"
    "svg .curve{fill:none;stroke-width:1.2;stroke-opacity:.8}"
    "svg .pruned{stroke:#ff7f0e;stroke-width:2;fill:none}"
    "svg .point{fill:#fff;stroke:#1d2330;stroke-width:1}";

static void summary(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    size_t count[5] = {0};
    for (size_t i = 0; i < cs->n_trials; i++) {
        otto_trial_state st = otto_trial_get_state(cs->trials[i]);
        if ((unsigned)st < 5)
            count[st]++;
    }
    fputs("<section class=\"card wide\"><h2>Summary</h2><table>\n<tr><th>direction</th><td>", f);
    for (size_t k = 0; k < cs->n_objectives; k++)
        fprintf(f, "%s%s", k ? ", " : "",
                otto_study_direction(cs->study, k) == OTTO_MAXIMIZE ? "maximize" : "minimize");
    fprintf(f, "</td></tr>\n<tr><th>trials</th><td>%zu: %zu complete, %zu pruned, %zu failed, "
               "%zu running</td></tr>\n",
            cs->n_trials, count[OTTO_TRIAL_COMPLETE], count[OTTO_TRIAL_PRUNED],
            count[OTTO_TRIAL_FAIL], count[OTTO_TRIAL_RUNNING]);
    const otto_trial *best = NULL;
    size_t nf = 0;
    if (cs->n_objectives == 1 && otto_study_best_trial(cs->study, &best) == OTTO_OK) {
        char buf[64];
        cli_number_text(cli_trial_value(best, 0), buf, sizeof buf);
        fprintf(f, "<tr><th>best value</th><td>%s (trial %lld)</td></tr>\n", buf,
                (long long)otto_trial_number(best));
        fputs("<tr><th>best params</th><td><table>", f);
        for (size_t p = 0; p < cs->n_params; p++) {
            char v[512];
            cli_param_text(best, &cs->params[p], v, sizeof v);
            if (!*v)
                continue;
            fputs("<tr><th>", f);
            svg_escape(f, cs->params[p].name);
            fputs("</th><td>", f);
            svg_escape(f, v);
            fputs("</td></tr>", f);
        }
        fputs("</table></td></tr>\n", f);
    } else if (cs->n_objectives > 1 && otto_study_best_trials(cs->study, NULL, 0, &nf) == OTTO_OK) {
        fprintf(f, "<tr><th>Pareto front</th><td>%zu trials</td></tr>\n", nf);
    }
    fputs("</table></section>\n", f);
}

/* The COMPLETE trials with a finite objective 0, best first (ties by
 * number); out has room for every trial. */
static size_t best_first(const report_data *d, const otto_trial **out)
{
    size_t cap = d->cs->n_trials + 1;
    const otto_trial **tr = malloc(sizeof *tr * cap);
    double *v = malloc(sizeof *v * cap);
    size_t *order = malloc(sizeof *order * cap);
    size_t n = tr && v && order ? report_complete(d, tr, v) : 0;
    if (n && !report_best_first(d, v, n, order))
        n = 0;
    for (size_t i = 0; i < n; i++)
        out[i] = tr[order[i]];
    free(tr);
    free(v);
    free(order);
    return n;
}

/* The ten best trials with their params (single objective), or the Pareto
 * front (several), as a table. */
static void top_trials(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    size_t n = 0, cap = cs->n_trials + 1;
    const otto_trial **rows = malloc(sizeof *rows * cap);
    if (!rows)
        return;
    if (cs->n_objectives == 1) {
        n = best_first(d, rows);
        n = n < 10 ? n : 10;
    } else if (otto_study_best_trials(cs->study, rows, cap, &n) != OTTO_OK) {
        n = 0;
    }
    n = n < cap ? n : cap;
    fprintf(f, "<section class=\"card wide\"><h2>%s</h2>\n",
            cs->n_objectives == 1 ? "Best trials" : "Pareto front");
    if (n == 0) {
        fputs("<p class=\"note\">No COMPLETE trial yet.</p></section>\n", f);
        free(rows);
        return;
    }
    fputs("<table><tr><th>trial</th>", f);
    for (size_t k = 0; k < cs->n_objectives; k++)
        fprintf(f, cs->n_objectives == 1 ? "<th>value</th>" : "<th>objective %zu</th>", k);
    for (size_t p = 0; p < cs->n_params; p++) {
        fputs("<th>", f);
        svg_escape(f, cs->params[d->order[p]].name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t i = 0; i < n && i < 50; i++) {
        char buf[512];
        fprintf(f, "<tr><td>%lld</td>", (long long)otto_trial_number(rows[i]));
        for (size_t k = 0; k < cs->n_objectives; k++) {
            cli_number_text(cli_trial_value(rows[i], k), buf, sizeof buf);
            fprintf(f, "<td>%s</td>", buf);
        }
        for (size_t p = 0; p < cs->n_params; p++) {
            cli_param_text(rows[i], &cs->params[d->order[p]], buf, sizeof buf);
            fputs("<td>", f);
            svg_escape(f, buf);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>", f);
    if (n > 50)
        fprintf(f, "<p class=\"note\">The first 50 of %zu trials on the front.</p>", n);
    fputs("</section>\n", f);
    free(rows);
}

static int write_report(FILE *f, const cli_study *cs, const char *storage)
{
    report_data d = {cs, 0, otto_study_direction(cs->study, 0) == OTTO_MAXIMIZE, NULL, 0,
                     "fANOVA", NULL};
    otto_param_importance *imp = NULL;
    size_t n_imp = 0;
    otto_importance_options o;
    otto_importance_options_init(&o);
    size_t complete = 0;
    for (size_t i = 0; i < cs->n_trials; i++)
        complete += otto_trial_get_state(cs->trials[i]) == OTTO_TRIAL_COMPLETE;
    if (complete > FANOVA_TRIALS_MAX) { /* fANOVA's forest grows with the trials */
        o.evaluator = OTTO_IMPORTANCE_PED_ANOVA;
        d.imp_method = "PED-ANOVA";
    }
    cli_objective so = cli_objective_of(cs, 0);
    if (cs->n_objectives > 1) {
        o.target = cli_objective_target;
        o.target_user_data = &so;
    }
    if (otto_study_param_importances(cs->study, &o, &imp, &n_imp) != OTTO_OK)
        n_imp = 0;
    d.imp = imp;
    d.n_imp = n_imp;
    /* params by importance; those fANOVA left out (conditional) after them */
    d.order = malloc(sizeof *d.order * (cs->n_params + 1));
    if (!d.order) {
        otto_param_importances_free(imp);
        cli_error("out of memory");
        return 1;
    }
    size_t n_order = 0;
    for (size_t i = 0; i < n_imp; i++)
        for (size_t p = 0; p < cs->n_params; p++)
            if (strcmp(cs->params[p].name, imp[i].name) == 0)
                d.order[n_order++] = p;
    for (size_t p = 0; p < cs->n_params; p++) {
        size_t j;
        for (j = 0; j < n_order; j++)
            if (d.order[j] == p)
                break;
        if (j == n_order)
            d.order[n_order++] = p;
    }

    char when[64];
    cli_time_text((double)time(NULL), when, sizeof when);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>otto report: ",
          f);
    svg_escape(f, cs->name);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<header><h1>Study ", style);
    svg_escape(f, cs->name);
    fprintf(f, "</h1><p>otto %s report, made %s from ", otto_version_string(), when);
    svg_escape(f, storage);
    fputs("</p></header>\n<main>\n", f);
    summary(f, &d);
    top_trials(f, &d);
    chart_history(f, &d);
    chart_importance(f, &d);
    if (cs->n_params >= 2)
        chart_contour(f, &d, d.order[0], d.order[1]);
    if (cs->n_objectives > 1) {
        chart_pareto(f, &d);
        chart_hypervolume(f, &d);
    }
    chart_parallel(f, &d);
    for (size_t i = 0; i < cs->n_params; i++)
        chart_slice(f, &d, d.order[i]);
    chart_intermediate(f, &d);
    chart_timeline(f, &d);
    fputs("</main>\n</body></html>\n", f);
    free(d.order);
    otto_param_importances_free(imp);
    return 0;
}

int cli_report(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(argc, argv, ARG_STUDY | ARG_OUTPUT, &a);
    if (rc)
        return rc;
    if (!a.output) {
        cli_error("report: say where with -o FILE.html ('-' for standard output)");
        return 2;
    }
    cli_study cs;
    if (cli_load(a.storage, a.study, &cs))
        return 1;
    int to_stdout = strcmp(a.output, "-") == 0;
    /* write beside the target and rename, so a reader never sees half a file */
    size_t len = strlen(a.output) + 16;
    char *tmp = malloc(len);
    FILE *f = NULL;
    if (tmp) {
        snprintf(tmp, len, "%s.tmp", a.output);
        f = to_stdout ? stdout : fopen(tmp, "w");
    }
    if (!f) {
        cli_error("%s: cannot write: %s", a.output, tmp ? strerror(errno) : "out of memory");
        free(tmp);
        cli_free(&cs);
        return 1;
    }
    rc = write_report(f, &cs, a.storage);
    if (!to_stdout) {
        if (fclose(f) != 0 || rc) {
            if (!rc)
                cli_error("%s: cannot write: %s", tmp, strerror(errno));
            remove(tmp);
            rc = 1;
        } else if (rename(tmp, a.output) != 0) {
            cli_error("%s: cannot write: %s", a.output, strerror(errno));
            remove(tmp);
            rc = 1;
        }
    }
    free(tmp);
    cli_free(&cs);
    return rc;
}
