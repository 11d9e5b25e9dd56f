/* The charts of the otto report: optimization history, importances, slices,
 * parallel coordinates, intermediate values, a contour, the Pareto front, the
 * hypervolume history and a timeline. Each hovers a native <title> per mark (no scripts). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

static const char *const state_color[] = {"#7f7f7f", "#1f77b4", "#ff7f0e", "#d62728",
                                          "#bcbd22"}; /* RUNNING..WAITING */

int report_param_value(const otto_trial *t, const char *name, double *v)
{
    size_t n = otto_trial_param_count(t);
    for (size_t j = 0; j < n; j++) {
        const char *pn;
        if (otto_trial_param_at(t, j, &pn, NULL, v) == OTTO_OK && strcmp(pn, name) == 0)
            return 1;
    }
    return 0;
}

static void section_open(FILE *f, const char *title, const char *wide)
{
    fprintf(f, "<section class=\"card%s\"><h2>", wide ? wide : "");
    svg_escape(f, title);
    fputs("</h2>\n", f);
}

static void note(FILE *f, const char *text)
{
    fputs("<p class=\"note\">", f);
    svg_escape(f, text);
    fputs("</p>\n", f);
}

size_t report_complete(const report_data *d, const otto_trial **tr, double *v)
{
    size_t n = 0;
    for (size_t i = 0; i < d->cs->n_trials; i++) {
        const otto_trial *t = d->cs->trials[i];
        double y = cli_trial_value(t, d->k);
        if (otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE && isfinite(y)) {
            tr[n] = t;
            v[n++] = y;
        }
    }
    return n;
}

/* Charts of huge studies draw every stride-th trial, at most about `cap`
 * marks (a browser stays quick, the file stays small); say so under it. */
enum { MARKS_MAX = 2000 };

static size_t stride_for(size_t n, size_t cap)
{
    return n > cap ? (n + cap - 1) / cap : 1;
}

static void stride_note(FILE *f, size_t stride, size_t n)
{
    if (stride > 1)
        fprintf(f, "<p class=\"note\">One trial in %zu of %zu is drawn.</p>\n", stride, n);
}

/* A value axis: log when all values are positive and span over 3 decades. */
static void value_axis(axis *a, const double *v, size_t n)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    axis_fit(a, v, n, n && lo > 0 && hi / lo > 1e3);
}

static void mark_title(FILE *f, const otto_trial *t, const char *what, double v)
{
    char buf[64];
    cli_number_text(v, buf, sizeof buf);
    fprintf(f, "<title>trial %lld: %s %s</title>", (long long)otto_trial_number(t), what, buf);
}

static const char *objective_name(const report_data *d, char *buf, size_t n)
{
    if (d->cs->n_objectives == 1)
        return "objective value";
    snprintf(buf, n, "objective %zu", d->k);
    return buf;
}

void chart_history(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    const otto_trial **tr = malloc(sizeof *tr * (cs->n_trials + 1));
    double *v = malloc(sizeof *v * (cs->n_trials + 1));
    char name[64];
    section_open(f, "Optimization history", " wide");
    size_t n = tr && v ? report_complete(d, tr, v) : 0;
    if (n == 0) {
        note(f, "No COMPLETE trial yet.");
    } else {
        plot p = {.f = f, .left = 70, .top = 16, .width = 740, .height = 260};
        double xs[2] = {0, (double)(cs->n_trials ? cs->n_trials - 1 : 1)};
        axis_fit(&p.x, xs, 2, 0);
        value_axis(&p.y, v, n);
        svg_open(f, "history", 840, 330, "Objective value of each trial, with the best so far");
        plot_axes(&p, "trial", objective_name(d, name, sizeof name));
        fputs("<polyline class=\"best\" points=\"", f);
        double best = v[0];
        for (size_t i = 0; i < n; i++) { /* a step at each improvement */
            double prev = best;
            best = d->maximize ? fmax(best, v[i]) : fmin(best, v[i]);
            if (i && best == prev)
                continue;
            double x = plot_px(&p, (double)otto_trial_number(tr[i]));
            if (i)
                fprintf(f, "%.1f,%.1f ", x, plot_py(&p, prev));
            fprintf(f, "%.1f,%.1f ", x, plot_py(&p, best));
        }
        fprintf(f, "%.1f,%.1f\"/>\n", plot_px(&p, xs[1]), plot_py(&p, best));
        size_t stride = stride_for(n, MARKS_MAX);
        for (size_t i = 0; i < n; i += stride) {
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">",
                    plot_px(&p, (double)otto_trial_number(tr[i])), plot_py(&p, v[i]),
                    state_color[OTTO_TRIAL_COMPLETE]);
            mark_title(f, tr[i], "value", v[i]);
            fputs("</circle>\n", f);
        }
        fprintf(f, "<text x=\"700\" y=\"12\" class=\"legend\"><tspan fill=\"%s\">\xe2\x97\x8f"
                   "</tspan> trial  <tspan fill=\"#d62728\">\xe2\x80\x94</tspan> best so far"
                   "</text>\n",
                state_color[OTTO_TRIAL_COMPLETE]);
        svg_close(f);
        stride_note(f, stride, n);
    }
    fputs("</section>\n", f);
    free(tr);
    free(v);
}

void chart_importance(FILE *f, const report_data *d)
{
    char title[64];
    snprintf(title, sizeof title, "Parameter importance (%s)", d->imp_method);
    section_open(f, title, NULL);
    if (d->n_imp == 0) {
        note(f, "No parameter to assess yet.");
        fputs("</section>\n", f);
        return;
    }
    size_t n = d->n_imp < 20 ? d->n_imp : 20;
    int h = 30 + 22 * (int)n;
    svg_open(f, "importance", 400, h, "Share of the objective's variance each param explains");
    for (size_t i = 0; i < n; i++) {
        double w = 200 * d->imp[i].importance, y = 10 + 22.0 * (double)i;
        fprintf(f, "<text x=\"128\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", y + 14);
        char shown[64];
        size_t len = strlen(d->imp[i].name);
        if (len > 20) {
            size_t cut = 19;
            while (cut > 0 && ((unsigned char)d->imp[i].name[cut] & 0xC0) == 0x80)
                cut--;
            memcpy(shown, d->imp[i].name, cut);
            strcpy(shown + cut, "\xe2\x80\xa6");
            svg_escape(f, shown);
        } else {
            svg_escape(f, d->imp[i].name);
        }
        fprintf(f, "</text><rect x=\"134\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
                   "fill=\"#1f77b4\"><title>",
                y + 2, w > 0.5 ? w : 0.5);
        svg_escape(f, d->imp[i].name);
        fprintf(f, ": %.3f</title></rect><text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%.3f</text>\n",
                d->imp[i].importance, 140 + w, y + 14, d->imp[i].importance);
    }
    svg_close(f);
    if (d->n_imp > n)
        note(f, "The 20 most important params are shown.");
    fputs("</section>\n", f);
}

/* The axis of a param over the trials that have it. */
static void param_axis(axis *a, const cli_param *p, const double *x, size_t n)
{
    if (p->dist.kind == OTTO_DIST_CATEGORICAL) {
        a->lo = -0.5;
        a->hi = (double)p->dist.n_choices - 0.5;
        a->log = 0;
        a->n_cats = p->dist.n_choices;
        a->cats = p->dist.choices;
        return;
    }
    axis_fit(a, x, n, (p->dist.flags & OTTO_LOG) != 0);
}

void chart_slice(FILE *f, const report_data *d, size_t param)
{
    const cli_study *cs = d->cs;
    const cli_param *p = &cs->params[param];
    const otto_trial **tr = malloc(sizeof *tr * (cs->n_trials + 1));
    double *v = malloc(sizeof *v * (cs->n_trials + 1)), *x = malloc(sizeof *x * (cs->n_trials + 1));
    char title[300], name[64];
    snprintf(title, sizeof title, "Slice: %s", p->name);
    section_open(f, title, " small");
    size_t n = tr && v && x ? report_complete(d, tr, v) : 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (report_param_value(tr[i], p->name, &x[m])) {
            tr[m] = tr[i];
            v[m++] = v[i];
        }
    if (m == 0) {
        note(f, "No COMPLETE trial has this param.");
    } else {
        plot pl = {.f = f, .left = 64, .top = 10, .width = 300, .height = 200};
        param_axis(&pl.x, p, x, m);
        value_axis(&pl.y, v, m);
        svg_open(f, "slice", 380, 260, title);
        plot_axes(&pl, p->name, objective_name(d, name, sizeof name));
        double last = (double)(cs->n_trials > 1 ? cs->n_trials - 1 : 1);
        size_t stride = stride_for(m, MARKS_MAX / 2);
        for (size_t i = 0; i < m; i += stride) {
            char c[8];
            color_map((double)otto_trial_number(tr[i]) / last, c);
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">",
                    plot_px(&pl, x[i]), plot_py(&pl, v[i]), c);
            mark_title(f, tr[i], "value", v[i]);
            fputs("</circle>\n", f);
        }
        svg_close(f);
        stride_note(f, stride, m);
    }
    fputs("</section>\n", f);
    free(tr);
    free(v);
    free(x);
}

/* A trial's value made ascending-is-better, and its index. */
typedef struct ranked_value {
    double key;
    size_t index;
} ranked_value;

static int by_rank_value(const void *a, const void *b)
{
    const ranked_value *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int report_best_first(const report_data *d, const double *v, size_t n, size_t *order)
{
    ranked_value *r = malloc(sizeof *r * (n ? n : 1));
    if (!r)
        return 0;
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked_value){d->maximize ? -v[i] : v[i], i};
    qsort(r, n, sizeof *r, by_rank_value);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].index;
    free(r);
    return 1;
}

void chart_parallel(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    size_t np = cs->n_params < 8 ? cs->n_params : 8, na = np + 1;
    const otto_trial **tr = malloc(sizeof *tr * (cs->n_trials + 1));
    double *v = malloc(sizeof *v * (cs->n_trials + 1));
    double *col = malloc(sizeof *col * (cs->n_trials + 1) * (na ? na : 1));
    axis *ax = calloc(na, sizeof *ax);
    section_open(f, "Parallel coordinates", " wide");
    size_t n = tr && v && col && ax ? report_complete(d, tr, v) : 0;
    if (n == 0 || np == 0) {
        note(f, n ? "The study has no params." : "No COMPLETE trial yet.");
        goto done;
    }
    value_axis(&ax[0], v, n);
    for (size_t a = 0; a < np; a++) {
        const cli_param *p = &cs->params[d->order[a]];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (report_param_value(tr[i], p->name, &col[a * n + i]))
                col[a * n + m++] = col[a * n + i];
        param_axis(&ax[a + 1], p, col + a * n, m);
    }
    double left = 60, top = 30, height = 240, gap = na > 1 ? 720.0 / (double)(na - 1) : 0;
    svg_open(f, "parallel", 840, 320, "Each trial as a line across the objective and the params");
    /* lines worst first, so the best are drawn on top */
    size_t *order = malloc(sizeof *order * n);
    if (!order || !report_best_first(d, v, n, order)) {
        free(order);
        svg_close(f);
        goto done;
    }
    size_t stride = stride_for(n, MARKS_MAX / 2);
    for (size_t r = (n - 1) % stride; r < n; r += stride) { /* the best is always drawn */
        size_t i = order[n - 1 - r];
        char c[8];
        double frac = axis_frac(&ax[0], v[i]);
        color_map(d->maximize ? frac : 1 - frac, c);
        fprintf(f, "<polyline class=\"trial\" stroke=\"%s\" points=\"", c);
        for (size_t a = 0; a < na; a++) {
            double val;
            if (a == 0)
                val = v[i];
            else if (!report_param_value(tr[i], cs->params[d->order[a - 1]].name, &val))
                continue;
            fprintf(f, "%.1f,%.1f ", left + gap * (double)a,
                    top + height * (1 - axis_frac(&ax[a], val)));
        }
        fputs("\">", f);
        mark_title(f, tr[i], "value", v[i]);
        fputs("</polyline>\n", f);
    }
    free(order);
    for (size_t a = 0; a < na; a++) {
        double x = left + gap * (double)a;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>"
                   "<text x=\"%.1f\" y=\"18\" class=\"label\" text-anchor=\"middle\">",
                x, top, x, top + height, x);
        char name[64];
        svg_escape(f, a == 0 ? objective_name(d, name, sizeof name)
                             : cs->params[d->order[a - 1]].name);
        fputs("</text>", f);
        char lo[64], hi[64], tmp[64];
        if (ax[a].n_cats) {
            snprintf(lo, sizeof lo, "%s", cli_label_text(ax[a].cats[0], tmp, sizeof tmp));
            snprintf(hi, sizeof hi, "%s",
                     cli_label_text(ax[a].cats[ax[a].n_cats - 1], tmp, sizeof tmp));
        } else {
            cli_number_text(ax[a].lo, lo, sizeof lo);
            cli_number_text(ax[a].hi, hi, sizeof hi);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">", x,
                top + height + 14);
        svg_escape(f, lo);
        fprintf(f, "</text><text x=\"%.1f\" y=\"%.1f\" class=\"tick\">", x + 4, top + 8);
        svg_escape(f, hi);
        fputs("</text>\n", f);
    }
    svg_close(f);
    stride_note(f, stride, n);
    if (cs->n_params > np)
        note(f, "The 8 most important params are shown.");
done:
    fputs("</section>\n", f);
    free(tr);
    free(v);
    free(col);
    free(ax);
}

void chart_intermediate(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    section_open(f, "Intermediate values", " wide");
    size_t total = 0;
    for (size_t i = 0; i < cs->n_trials; i++)
        total += otto_trial_intermediate_count(cs->trials[i]);
    double *xs = malloc(sizeof *xs * (total + 1)), *ys = malloc(sizeof *ys * (total + 1));
    if (total == 0 || !xs || !ys) {
        note(f, "No trial reported intermediate values.");
        fputs("</section>\n", f);
        free(xs);
        free(ys);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < cs->n_trials; i++) {
        size_t c = otto_trial_intermediate_count(cs->trials[i]);
        for (size_t j = 0; j < c; j++) {
            int64_t step;
            otto_trial_intermediate_at(cs->trials[i], j, &step, &ys[k]);
            xs[k++] = (double)step;
        }
    }
    plot p = {.f = f, .left = 70, .top = 16, .width = 740, .height = 260};
    axis_fit(&p.x, xs, k, 0);
    value_axis(&p.y, ys, k);
    svg_open(f, "intermediate", 840, 330, "Values each trial reported, by step; pruned trials end in a cross");
    plot_axes(&p, "step", "intermediate value");
    size_t reporting = 0, seen = 0;
    for (size_t i = 0; i < cs->n_trials; i++)
        reporting += otto_trial_intermediate_count(cs->trials[i]) > 0;
    size_t stride = stride_for(reporting, 500); /* curves: each is many points */
    for (size_t i = 0; i < cs->n_trials; i++) {
        const otto_trial *t = cs->trials[i];
        size_t c = otto_trial_intermediate_count(t);
        if (!c || seen++ % stride)
            continue;
        otto_trial_state st = otto_trial_get_state(t);
        fprintf(f, "<polyline class=\"curve\" stroke=\"%s\" points=\"", state_color[st]);
        double lx = 0, ly = 0;
        for (size_t j = 0; j < c; j++) {
            int64_t step;
            double y;
            otto_trial_intermediate_at(t, j, &step, &y);
            if (!isfinite(y) || (p.y.log && y <= 0))
                continue;
            lx = plot_px(&p, (double)step);
            ly = plot_py(&p, y);
            fprintf(f, "%.1f,%.1f ", lx, ly);
        }
        fprintf(f, "\"><title>trial %lld (%s)</title></polyline>\n",
                (long long)otto_trial_number(t), otto_trial_state_name(st));
        if (st == OTTO_TRIAL_PRUNED)
            fprintf(f, "<path class=\"pruned\" d=\"M%.1f %.1fl6 6m0 -6l-6 6\" "
                       "transform=\"translate(-3 -3)\"><title>trial %lld pruned</title></path>\n",
                    lx, ly, (long long)otto_trial_number(t));
    }
    fprintf(f, "<text x=\"620\" y=\"12\" class=\"legend\"><tspan fill=\"%s\">\xe2\x80\x94</tspan>"
               " complete  <tspan fill=\"%s\">\xe2\x80\x94 \xc3\x97</tspan> pruned</text>\n",
            state_color[OTTO_TRIAL_COMPLETE], state_color[OTTO_TRIAL_PRUNED]);
    svg_close(f);
    stride_note(f, stride, reporting);
    fputs("</section>\n", f);
    free(xs);
    free(ys);
}

void chart_contour(FILE *f, const report_data *d, size_t p1, size_t p2)
{
    const cli_study *cs = d->cs;
    const cli_param *px = &cs->params[p1], *py = &cs->params[p2];
    const otto_trial **tr = malloc(sizeof *tr * (cs->n_trials + 1));
    double *v = malloc(sizeof *v * (cs->n_trials + 1));
    double *x = malloc(sizeof *x * (cs->n_trials + 1)), *y = malloc(sizeof *y * (cs->n_trials + 1));
    char title[600], name[64];
    snprintf(title, sizeof title, "Contour: %s and %s", px->name, py->name);
    section_open(f, title, NULL);
    size_t n = tr && v && x && y ? report_complete(d, tr, v) : 0, m = 0, with_both = 0;
    size_t stride = stride_for(n, MARKS_MAX / 2);
    for (size_t i = 0; i < n; i++)
        if (report_param_value(tr[i], px->name, &x[m]) &&
            report_param_value(tr[i], py->name, &y[m]) && with_both++ % stride == 0) {
            tr[m] = tr[i];
            v[m++] = v[i];
        }
    if (m < 2) {
        note(f, "Fewer than two COMPLETE trials have both params.");
        goto done;
    }
    plot p = {.f = f, .left = 64, .top = 10, .width = 300, .height = 260};
    param_axis(&p.x, px, x, m);
    param_axis(&p.y, py, y, m);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < m; i++) {
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
    }
    svg_open(f, "contour", 400, 320, title);
    /* the objective between trials, by inverse-distance weighting in the
     * plot's own coordinates (each axis 0..1) */
    enum { G = 30 };
    for (int gx = 0; gx < G; gx++)
        for (int gy = 0; gy < G; gy++) {
            double cx = (gx + 0.5) / G, cy = (gy + 0.5) / G, sw = 0, sv = 0;
            for (size_t i = 0; i < m; i++) {
                double dx = axis_frac(&p.x, x[i]) - cx, dy = axis_frac(&p.y, y[i]) - cy;
                double w = 1 / (dx * dx + dy * dy + 1e-6);
                w *= w; /* power 4: local, but smooth */
                sw += w;
                sv += w * v[i];
            }
            double t = hi > lo ? (sv / sw - lo) / (hi - lo) : 0.5;
            char c[8];
            color_map(d->maximize ? t : 1 - t, c);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                    p.left + p.width * gx / G, p.top + p.height * (1 - (gy + 1.0) / G),
                    p.width / G + 0.3, p.height / G + 0.3, c);
        }
    fputc('\n', f);
    plot_axes(&p, px->name, py->name);
    for (size_t i = 0; i < m; i++) {
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" class=\"point\">", plot_px(&p, x[i]),
                plot_py(&p, y[i]));
        mark_title(f, tr[i], "value", v[i]);
        fputs("</circle>\n", f);
    }
    svg_close(f);
    fprintf(f, "<p class=\"note\">Colour: %s, yellow is better. The two most important "
               "params.</p>\n",
            objective_name(d, name, sizeof name));
    stride_note(f, stride, with_both);
done:
    fputs("</section>\n", f);
    free(tr);
    free(v);
    free(x);
    free(y);
}

void chart_pareto(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    section_open(f, "Pareto front (objectives 0 and 1)", NULL);
    size_t nf = 0;
    otto_study_best_trials(cs->study, NULL, 0, &nf);
    const otto_trial **front = malloc(sizeof *front * (nf + 1));
    double *xs = malloc(sizeof *xs * (cs->n_trials + 1)), *ys = malloc(sizeof *ys * (cs->n_trials + 1));
    const otto_trial **tr = malloc(sizeof *tr * (cs->n_trials + 1));
    size_t n = 0;
    if (front && xs && ys && tr && otto_study_best_trials(cs->study, front, nf, &nf) == OTTO_OK)
        for (size_t i = 0; i < cs->n_trials; i++) {
            const otto_trial *t = cs->trials[i];
            double a = cli_trial_value(t, 0), b = cli_trial_value(t, 1);
            if (otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE && isfinite(a) && isfinite(b)) {
                tr[n] = t;
                xs[n] = a;
                ys[n++] = b;
            }
        }
    if (n == 0) {
        note(f, "No COMPLETE trial yet.");
    } else {
        plot p = {.f = f, .left = 64, .top = 10, .width = 300, .height = 260};
        value_axis(&p.x, xs, n);
        value_axis(&p.y, ys, n);
        svg_open(f, "pareto", 400, 320, "Trials by their first two objectives; the front in red");
        plot_axes(&p, "objective 0", "objective 1");
        size_t stride = stride_for(n, MARKS_MAX);
        for (size_t i = 0; i < n; i++) {
            int on = 0;
            for (size_t j = 0; j < nf && !on; j++)
                on |= front[j] == tr[i];
            if (!on && i % stride)
                continue; /* every point of the front, a sample of the rest */
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>trial %lld: "
                       "%.6g, %.6g%s</title></circle>\n",
                    plot_px(&p, xs[i]), plot_py(&p, ys[i]), on ? "4" : "2.5",
                    on ? "#d62728" : "#9ab", (long long)otto_trial_number(tr[i]), xs[i], ys[i],
                    on ? " (on the front)" : "");
        }
        svg_close(f);
        if (stride > 1)
            fprintf(f, "<p class=\"note\">The front and one other trial in %zu are drawn.</p>\n",
                    stride);
    }
    fputs("</section>\n", f);
    free(front);
    free(xs);
    free(ys);
    free(tr);
}

void chart_hypervolume(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    size_t m = cs->n_objectives, cap = cs->n_trials, n = 0;
    section_open(f, "Hypervolume history", " wide");
    double *ref = malloc(sizeof *ref * m), *vol = malloc(sizeof *vol * (cap + 1));
    int64_t *num = malloc(sizeof *num * (cap + 1));
    int rc = ref && vol && num ? otto_study_default_reference(cs->study, ref, m) : OTTO_ENOMEM;
    if (rc == OTTO_OK)
        rc = otto_study_hypervolume_history(cs->study, ref, m, num, vol, cap, &n);
    n = n < cap ? n : cap;
    if (rc == OTTO_ENOTFOUND || (rc == OTTO_OK && n == 0)) {
        note(f, "No feasible COMPLETE trial yet.");
    } else if (rc != OTTO_OK) {
        note(f, otto_last_error_message());
    } else {
        plot p = {.f = f, .left = 70, .top = 16, .width = 740, .height = 260};
        double xs[2] = {0, (double)(cap ? cap - 1 : 1)};
        axis_fit(&p.x, xs, 2, 0);
        value_axis(&p.y, vol, n);
        svg_open(f, "hypervolume", 840, 330,
                 "Hypervolume that the feasible trials so far dominate, trial by trial");
        plot_axes(&p, "trial", "hypervolume");
        fputs("<polyline class=\"best\" points=\"", f);
        for (size_t i = 0; i < n; i++) { /* a step at each change */
            double x = plot_px(&p, (double)num[i]);
            if (i && vol[i] != vol[i - 1])
                fprintf(f, "%.1f,%.1f ", x, plot_py(&p, vol[i - 1]));
            if (!i || vol[i] != vol[i - 1])
                fprintf(f, "%.1f,%.1f ", x, plot_py(&p, vol[i]));
        }
        fprintf(f, "%.1f,%.1f\"/>\n", plot_px(&p, xs[1]), plot_py(&p, vol[n - 1]));
        svg_close(f);
        fputs("<p class=\"note\">Within the reference point (", f);
        for (size_t k = 0; k < m; k++) {
            char buf[64];
            cli_number_text(ref[k], buf, sizeof buf);
            fprintf(f, "%s%s", k ? ", " : "", buf);
        }
        fputs("): each objective's worst feasible value, a tenth of its span further.</p>\n", f);
    }
    fputs("</section>\n", f);
    free(ref);
    free(vol);
    free(num);
}

void chart_timeline(FILE *f, const report_data *d)
{
    const cli_study *cs = d->cs;
    section_open(f, "Timeline", " wide");
    size_t n = cs->n_trials, from = n > MARKS_MAX ? n - MARKS_MAX : 0; /* the latest */
    double *t0 = malloc(sizeof *t0 * (n + 1)), *t1 = malloc(sizeof *t1 * (n + 1));
    size_t *lane = malloc(sizeof *lane * (n + 1));
    double *lane_end = malloc(sizeof *lane_end * (n + 1));
    double first = INFINITY, last = -INFINITY;
    size_t m = 0, n_lanes = 0;
    for (size_t i = from; t0 && t1 && lane && lane_end && i < n; i++) {
        double a, b;
        if (otto_trial_datetime_start(cs->trials[i], &a) != OTTO_OK)
            continue;
        if (otto_trial_datetime_complete(cs->trials[i], &b) != OTTO_OK)
            b = NAN; /* running: drawn to the last moment seen */
        t0[i] = a;
        t1[i] = b;
        first = fmin(first, a);
        last = fmax(last, isnan(b) ? a : b);
        m++;
    }
    if (m == 0) {
        note(f, "No trial has started yet.");
        goto done;
    }
    /* lanes: each trial in the first lane free when it starts, so that a
     * lane reads as one worker's trials one after another */
    for (size_t i = from; i < n; i++) {
        double a, b;
        if (otto_trial_datetime_start(cs->trials[i], &a) != OTTO_OK)
            continue;
        b = isnan(t1[i]) ? last : t1[i];
        size_t l;
        for (l = 0; l < n_lanes; l++)
            if (lane_end[l] <= a)
                break;
        if (l == n_lanes)
            n_lanes++;
        lane[i] = l;
        lane_end[l] = b;
    }
    double lane_h = n_lanes > 24 ? 432.0 / (double)n_lanes : 18;
    int height = (int)(lane_h * (double)n_lanes) + 70;
    plot p = {.f = f, .left = 70, .top = 10, .width = 740, .height = lane_h * (double)n_lanes};
    double xs[2] = {0, last - first > 0 ? last - first : 1};
    axis_fit(&p.x, xs, 2, 0);
    p.x.lo = 0;
    p.y.n_cats = n_lanes; /* lanes 1..n, labelled by number */
    svg_open(f, "timeline", 840, height, "When each trial ran, in lanes of concurrent trials");
    plot_axes(&p, "seconds since the first trial started", "lane");
    for (size_t i = from; i < n; i++) {
        double a;
        if (otto_trial_datetime_start(cs->trials[i], &a) != OTTO_OK)
            continue;
        double b = isnan(t1[i]) ? last : t1[i];
        otto_trial_state st = otto_trial_get_state(cs->trials[i]);
        double x0 = plot_px(&p, a - first), x1 = plot_px(&p, b - first);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                   "<title>trial %lld %s, %.3f s</title></rect>\n",
                x0, plot_py(&p, (double)lane[i]) - lane_h / 2 + 1, fmax(x1 - x0, 1.0),
                fmax(lane_h - 2, 1.0), state_color[st], (long long)otto_trial_number(cs->trials[i]),
                otto_trial_state_name(st), b - a);
    }
    fprintf(f, "<text x=\"500\" y=\"%d\" class=\"legend\">", height - 4);
    static const otto_trial_state shown[] = {OTTO_TRIAL_COMPLETE, OTTO_TRIAL_PRUNED,
                                             OTTO_TRIAL_FAIL, OTTO_TRIAL_RUNNING};
    for (size_t s = 0; s < 4; s++)
        fprintf(f, "<tspan fill=\"%s\">\xe2\x96\xa0</tspan> %s  ", state_color[shown[s]],
                otto_trial_state_name(shown[s]));
    fputs("</text>\n", f);
    svg_close(f);
    if (from)
        fprintf(f, "<p class=\"note\">The last %d of %zu trials.</p>\n", (int)MARKS_MAX, n);
    note(f, "otto does not record which process ran a trial: a lane holds trials that did not "
            "overlap in time, so with one trial per worker at a time the lanes are as many as "
            "the workers that ran at once.");
done:
    fputs("</section>\n", f);
    free(t0);
    free(t1);
    free(lane);
    free(lane_end);
}
