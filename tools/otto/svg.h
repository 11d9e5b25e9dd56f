/* Inline SVG charts for the otto tool's HTML report (svg.c): escaping,
 * axes with readable ticks (linear, log or categorical), and colours. */
#ifndef OTTO_CLI_SVG_H
#define OTTO_CLI_SVG_H

#include <stdio.h>

typedef struct axis {
    double lo, hi;             /* data range shown (log axes: positive) */
    int log;                   /* log scale */
    size_t n_cats;             /* > 0: categorical, positions 0..n_cats-1 */
    const char *const *cats;   /* their labels (raw; shown decoded); NULL: 1, 2, ... */
} axis;

/* A plot area of an SVG, in pixels, with its two axes. */
typedef struct plot {
    FILE *f;
    double left, top, width, height;
    axis x, y;
} plot;

/* Text as XML character data or attribute value: & < > " ' escaped, and
 * control characters (which XML forbids) dropped. */
void svg_escape(FILE *f, const char *s);
/* <svg class="chart CLS" ...> with a <title> for screen readers. */
void svg_open(FILE *f, const char *cls, int width, int height, const char *label);
void svg_close(FILE *f);
/* An axis spanning the finite values (positive ones for log), padded by 5%. */
void axis_fit(axis *a, const double *v, size_t n, int log);
/* 0..1 along the axis (categorical: the centre of cell v). */
double axis_frac(const axis *a, double v);
double plot_px(const plot *p, double v);  /* x pixel of a data value */
double plot_py(const plot *p, double v);  /* y pixel */
/* Frame, grid lines, ticks and axis labels. */
void plot_axes(const plot *p, const char *xlabel, const char *ylabel);
/* A colour of the viridis-like map for t in [0,1], as "#rrggbb". */
void color_map(double t, char out[8]);

#endif /* OTTO_CLI_SVG_H */
