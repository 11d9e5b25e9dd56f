/* PED-ANOVA (Watanabe et al. 2023): a param matters to reaching the top
 * trials as much as its distribution among them differs from its
 * distribution among all trials of the region. Both distributions are
 * Parzen estimators on a grid of at most 50 cells (Scott's-rule bandwidth,
 * one prior kernel), compared by Pearson divergence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "importance/evaluators.h"
#include "numeric/truncnorm.h"

enum { N_STEPS = 50 };
static const double PRIOR_WEIGHT = 1.0;

/* The number of grid cells for a numeric param (1 for a single value). */
static size_t numeric_cells(const otto_distribution *d)
{
    if (d->kind == OTTO_DIST_INT && (d->flags & OTTO_LOG)) {
        double bits = ceil(log(d->high - d->low + 1) / log(2.0)) + 1;
        return bits < N_STEPS ? (size_t)bits : N_STEPS;
    }
    if (d->step > 0) {
        double cells = round((d->high - d->low) / d->step) + 1;
        return cells < N_STEPS ? (size_t)cells : N_STEPS;
    }
    return d->low < d->high ? N_STEPS : 1;
}

/* Counts of the selected trials' values per grid cell. */
static void grid_counts(const otto_distribution *d, size_t n_cells, const double *values,
                        const unsigned char *take, size_t n, double *counts)
{
    memset(counts, 0, n_cells * sizeof *counts);
    int lg = (d->flags & OTTO_LOG) != 0;
    double lo = lg ? log(d->low) : d->low, hi = lg ? log(d->high) : d->high;
    double width = (hi - lo) / (double)(n_cells - 1);
    for (size_t i = 0; i < n; i++) {
        if (take && !take[i])
            continue;
        double v = values[i];
        long idx;
        if (d->kind == OTTO_DIST_CATEGORICAL) {
            idx = (long)v;
        } else {
            v = lg ? log(v) : v;
            idx = (long)ceil((v - lo) / width - 0.5); /* ties to the lower cell */
        }
        idx = idx < 0 ? 0 : idx > (long)n_cells - 1 ? (long)n_cells - 1 : idx;
        counts[idx] += 1;
    }
}

/* The estimator's probability of each of G cells into pdf (plus 1e-12). */
static void parzen_on_grid(int categorical, const double *counts, size_t G, double *pdf)
{
    double W = 0, mean = 0;
    size_t m = 0;
    for (size_t c = 0; c < G; c++) {
        W += counts[c];
        mean += counts[c] * (double)c;
        m += counts[c] > 0;
    }
    double total = W + PRIOR_WEIGHT;
    if (categorical) {
        /* kernel of an observed choice: prior / n_kernels on every choice
         * plus 1 on its own, normalized; the prior kernel is uniform */
        double eps = PRIOR_WEIGHT / (double)(m + 1);
        double row = eps * (double)G + 1;
        for (size_t c = 0; c < G; c++) {
            double p = PRIOR_WEIGHT / total / (double)G;
            p += (W - counts[c]) / total * (eps / row); /* others' kernels here */
            p += counts[c] / total * ((eps + 1) / row);
            pdf[c] = p + 1e-12;
        }
        return;
    }
    mean /= W;
    double ss = 0;
    for (size_t c = 0; c < G; c++)
        ss += counts[c] * ((double)c - mean) * ((double)c - mean);
    double sd = sqrt(ss / (W - 1 > 1 ? W - 1 : 1));
    /* quartile cells by cumulative weight (searchsorted left at floor(W/4),
     * right at floor(3W/4)) */
    double q1_at = floor(W / 4), q3_at = floor(3 * W / 4), cum = 0;
    long q1 = -1, q3 = -1, last = 0;
    for (size_t c = 0; c < G; c++) {
        if (!(counts[c] > 0))
            continue;
        cum += counts[c];
        last = (long)c;
        if (q1 < 0 && cum >= q1_at)
            q1 = (long)c;
        if (q3 < 0 && cum > q3_at)
            q3 = (long)c;
    }
    if (q3 < 0)
        q3 = last;
    double iqr = (double)(q3 - q1);
    double sigma = 1.059 * fmin(iqr / 1.34, sd) * pow(W, -0.2);
    sigma = fmax(sigma, 0.5 / 1.64);
    double hi = (double)G - 1;
    for (size_t c = 0; c < G; c++)
        pdf[c] = 0;
    for (size_t o = 0; o <= G; o++) { /* the observed cells' kernels, then the prior's */
        double mu, s, w;
        if (o < G) {
            if (!(counts[o] > 0))
                continue;
            mu = (double)o, s = sigma, w = counts[o] / total;
        } else {
            mu = hi / 2, s = hi + 1, w = PRIOR_WEIGHT / total;
        }
        double lz = otto__log_gauss_mass((-0.5 - mu) / s, (hi + 0.5 - mu) / s);
        for (size_t c = 0; c < G; c++) {
            double x = (double)c;
            pdf[c] += w * exp(otto__log_gauss_mass((x - 0.5 - mu) / s, (x + 0.5 - mu) / s) - lz);
        }
    }
    for (size_t c = 0; c < G; c++)
        pdf[c] += 1e-12;
}

double otto__ped_anova_divergence(const otto_allocator *a, const otto_distribution *d,
                                  const double *values, const unsigned char *in_target, size_t n,
                                  int local)
{
    int categorical = d->kind == OTTO_DIST_CATEGORICAL;
    size_t G = categorical ? d->n_choices : numeric_cells(d);
    if (G < 2 || n == 0)
        return 0;
    double *buf = otto__malloc(a, sizeof(double) * 4 * G);
    if (!buf)
        return -1;
    double *counts = buf, *top = buf + G, *region = buf + 2 * G, *rc = buf + 3 * G;
    grid_counts(d, G, values, in_target, n, counts);
    parzen_on_grid(categorical, counts, G, top);
    if (local) {
        grid_counts(d, G, values, NULL, n, rc);
        parzen_on_grid(categorical, rc, G, region);
    } else {
        for (size_t c = 0; c < G; c++)
            region[c] = 1.0 / (double)G;
    }
    double div = 0;
    for (size_t c = 0; c < G; c++) {
        double r = top[c] / region[c] - 1;
        div += region[c] * r * r;
    }
    otto__free(a, buf);
    return div;
}
