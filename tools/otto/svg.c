/* SVG primitives of the otto report: every chart is drawn from these, so
 * escaping and axis arithmetic live in one place. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "svg.h"

void svg_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (c >= 0x20 && c != 0x7f)
                fputc(c, f);
            else if (c == '\t' || c == '\n')
                fputc(' ', f);
        }
    }
}

void svg_open(FILE *f, const char *cls, int width, int height, const char *label)
{
    fprintf(f, "<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
            cls, width, height, width, height);
    svg_escape(f, label);
    fputs("</title>\n", f);
}

void svg_close(FILE *f)
{
    fputs("</svg>\n", f);
}

void axis_fit(axis *a, const double *v, size_t n, int log)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && (!log || v[i] > 0)) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
    a->log = log;
    a->n_cats = 0;
    a->cats = NULL;
    if (!(lo <= hi)) { /* nothing to show */
        a->lo = log ? 1 : 0;
        a->hi = log ? 10 : 1;
        return;
    }
    if (log) {
        double l = log10(lo), h = log10(hi), pad = (h - l) * 0.05 + (h == l ? 0.5 : 0);
        a->lo = pow(10, l - pad);
        a->hi = pow(10, h + pad);
    } else {
        double pad = (hi - lo) * 0.05 + (hi == lo ? (fabs(lo) > 0 ? fabs(lo) * 0.1 : 1) : 0);
        a->lo = lo - pad;
        a->hi = hi + pad;
    }
}

double axis_frac(const axis *a, double v)
{
    if (a->n_cats)
        return (v + 0.5) / (double)a->n_cats;
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

double plot_px(const plot *p, double v)
{
    return p->left + p->width * axis_frac(&p->x, v);
}

double plot_py(const plot *p, double v)
{
    return p->top + p->height * (1 - axis_frac(&p->y, v));
}

/* Tick values of an axis: categories, powers of ten, or a 1-2-5 step. */
static size_t ticks(const axis *a, double *out, size_t cap)
{
    size_t n = 0;
    if (a->n_cats) {
        size_t every = a->n_cats > cap ? (a->n_cats + cap - 1) / cap : 1;
        for (size_t i = 0; i < a->n_cats && n < cap; i += every)
            out[n++] = (double)i;
        return n;
    }
    if (a->log && a->hi / a->lo >= 10) {
        double l = ceil(log10(a->lo)), h = floor(log10(a->hi));
        double every = ceil((h - l + 1) / (double)cap);
        for (double e = l; e <= h && n < cap; e += every)
            out[n++] = pow(10, e);
        return n;
    }
    double span = a->hi - a->lo, raw = span / 5, mag = pow(10, floor(log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag
                                                                                      : 10 * mag;
    for (double v = ceil(a->lo / step) * step; v <= a->hi && n < cap; v += step)
        out[n++] = fabs(v) < step * 1e-9 ? 0 : v;
    return n;
}

static void tick_label(FILE *f, const axis *a, double v)
{
    if (a->n_cats && !a->cats) {
        fprintf(f, "%d", (int)v + 1);
        return;
    }
    if (a->n_cats) {
        char buf[64], shown[40];
        size_t i = (size_t)v;
        const char *s = cli_label_text(a->cats[i], buf, sizeof buf);
        size_t len = strlen(s);
        if (len > 14) { /* shorten on a UTF-8 boundary */
            size_t cut = 13;
            while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
                cut--;
            memcpy(shown, s, cut);
            strcpy(shown + cut, "\xe2\x80\xa6");
            s = shown;
        }
        svg_escape(f, s);
        return;
    }
    fprintf(f, "%.4g", v);
}

void plot_axes(const plot *p, const char *xlabel, const char *ylabel)
{
    FILE *f = p->f;
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"frame\"/>\n",
            p->left, p->top, p->width, p->height);
    double tv[16];
    size_t n = ticks(&p->x, tv, 8);
    for (size_t i = 0; i < n; i++) {
        double x = plot_px(p, tv[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">",
                x, p->top, x, p->top + p->height, x, p->top + p->height + 14);
        tick_label(f, &p->x, tv[i]);
        fputs("</text>\n", f);
    }
    n = ticks(&p->y, tv, 6);
    for (size_t i = 0; i < n; i++) {
        double y = plot_py(p, tv[i]);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">",
                p->left, y, p->left + p->width, y, p->left - 4, y + 4);
        tick_label(f, &p->y, tv[i]);
        fputs("</text>\n", f);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"middle\">",
            p->left + p->width / 2, p->top + p->height + 32);
    svg_escape(f, xlabel);
    fprintf(f, "</text>\n<text class=\"label\" text-anchor=\"middle\" "
               "transform=\"translate(%.1f %.1f) rotate(-90)\">",
            p->left - 46, p->top + p->height / 2);
    svg_escape(f, ylabel);
    fputs("</text>\n", f);
}

void color_map(double t, char out[8])
{
    /* viridis at five stops, linearly between them */
    static const unsigned char stops[5][3] = {
        {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    t = !(t >= 0) ? 0 : t > 1 ? 1 : t;
    double pos = t * 4;
    int i = (int)pos < 4 ? (int)pos : 3;
    double w = pos - i;
    int rgb[3];
    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(stops[i][c] * (1 - w) + stops[i + 1][c] * w);
    snprintf(out, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}
