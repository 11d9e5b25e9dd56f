/* The otto report's charts (charts.c), each an inline SVG in its own
 * <section>, drawn from a loaded study; report.c lays out the page. */
#ifndef OTTO_CLI_REPORT_H
#define OTTO_CLI_REPORT_H

#include <stdio.h>

#include "cli.h"

typedef struct report_data {
    const cli_study *cs;
    size_t k;                      /* the objective charted (0 for most charts) */
    int maximize;                  /* its direction */
    const otto_param_importance *imp;
    size_t n_imp;
    const char *imp_method;        /* "fANOVA", or "PED-ANOVA" for large studies */
    size_t *order;                 /* indices into cs->params, most important first */
} report_data;

/* The COMPLETE trials with a finite objective d->k, in number order: their
 * handles and values (room for every trial of the study). */
size_t report_complete(const report_data *d, const otto_trial **tr, double *v);
/* order[0..n) = the indices of v, best first (ties by index); 0 when out of
 * memory. */
int report_best_first(const report_data *d, const double *v, size_t n, size_t *order);
/* 1 and the internal value when trial t has param `name`. */
int report_param_value(const otto_trial *t, const char *name, double *v);

void chart_history(FILE *f, const report_data *d);
void chart_importance(FILE *f, const report_data *d);
void chart_slice(FILE *f, const report_data *d, size_t param);
void chart_parallel(FILE *f, const report_data *d);
void chart_intermediate(FILE *f, const report_data *d);
void chart_contour(FILE *f, const report_data *d, size_t p1, size_t p2);
void chart_pareto(FILE *f, const report_data *d);
void chart_hypervolume(FILE *f, const report_data *d);
void chart_timeline(FILE *f, const report_data *d);

#endif /* OTTO_CLI_REPORT_H */
