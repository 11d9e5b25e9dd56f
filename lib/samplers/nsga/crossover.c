/* The six crossovers of Optuna's NSGA-II, each from its paper as Optuna
 * implements it (optuna/samplers/nsgaii/_crossovers/), on coordinates in the
 * shared [0,1] working space; Optuna works in log- and step-transformed
 * coordinates that differ from these by a per-param affine map, under which
 * every operator but UNDX (which draws orthogonal directions) is the same. */
#include <math.h>

#include "crossover.h"

size_t otto__crossover_parents(int kind)
{
    return kind == OTTO_NSGA_UNDX || kind == OTTO_NSGA_SPX ? 3 : 2;
}

static void uniform(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c)
{
    for (size_t i = 0; i < n; i++)
        c[i] = otto_rng_uniform(r) >= x->swapping_prob ? p[n + i] : p[i];
}

/* Eshelman and Schaffer 1992: uniform in [min - alpha d, max + alpha d]. */
static void blx_alpha(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c)
{
    for (size_t i = 0; i < n; i++) {
        double lo = fmin(p[i], p[n + i]), hi = fmax(p[i], p[n + i]);
        double d = x->blx_alpha * (hi - lo);
        c[i] = (hi + d - (lo - d)) * otto_rng_uniform(r) + lo - d;
    }
}

/* One child of the paper's two, as Optuna's SBX and VSBX make it: gene by
 * gene the pair (c1, c2) with use_child_gene_prob, else the parents' pair,
 * swapped with uniform_crossover_prob; then the first or the second child
 * with equal odds (drawn first here, which changes no distribution). */
static void pick_genes(const otto__crossover *x, const double *p, const double *c1,
                       const double *c2, size_t n, otto_rng *r, double *child)
{
    int second = otto_rng_uniform(r) < 0.5;
    for (size_t i = 0; i < n; i++) {
        int use_child = otto_rng_uniform(r) < x->sbx_use_child_gene_prob;
        double a = use_child ? c1[i] : p[i], b = use_child ? c2[i] : p[n + i];
        int swap = otto_rng_uniform(r) < x->sbx_uniform_crossover_prob;
        child[i] = swap != second ? b : a;
    }
}

/* Deb and Agrawal 1995, bounded form (Deb's NSGA-II code): spread factors
 * beta from the polynomial distribution of index eta, truncated so that
 * the children stay inside [0,1]. */
static void sbx(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c,
                double *s)
{
    double *c1 = s, *c2 = s + n, eta = x->sbx_eta;
    for (size_t i = 0; i < n; i++) {
        double lo = fmin(p[i], p[n + i]), hi = fmax(p[i], p[n + i]);
        double diff = fmax(hi - lo, 1e-10);
        double beta1 = 1 + 2 * (lo - 0.0) / diff, beta2 = 1 + 2 * (1.0 - hi) / diff;
        double alpha1 = 2 - pow(beta1, -(eta + 1)), alpha2 = 2 - pow(beta2, -(eta + 1));
        double u = otto_rng_uniform(r);
        double bq1 = u > 1 / alpha1 ? pow(1 / (2 - u * alpha1), 1 / (eta + 1))
                                    : pow(u * alpha1, 1 / (eta + 1));
        double bq2 = u > 1 / alpha2 ? pow(1 / (2 - u * alpha2), 1 / (eta + 1))
                                    : pow(u * alpha2, 1 / (eta + 1));
        c1[i] = 0.5 * ((lo + hi) - bq1 * diff);
        c2[i] = 0.5 * ((lo + hi) + bq2 * diff);
    }
    pick_genes(x, p, c1, c2, n, r, c);
}

/* Ballester and Carter 2003: SBX's spread without excluding the region
 * between the parents' mirror images. */
static void vsbx(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c,
                 double *s)
{
    double *c1 = s, *c2 = s + n, eta = x->sbx_eta, eps = 1e-10;
    for (size_t i = 0; i < n; i++) {
        double u = otto_rng_uniform(r);
        c1[i] = pow(1 / fmax(2 * u, eps), 1 / (eta + 1));       /* beta_1 */
        c2[i] = pow(1 / fmax(2 * (1 - u), eps), 1 / (eta + 1)); /* beta_2 */
    }
    int first1 = otto_rng_uniform(r) <= 0.5, first2 = otto_rng_uniform(r) <= 0.5;
    for (size_t i = 0; i < n; i++) {
        double b1 = c1[i], b2 = c2[i], x1 = p[i], x2 = p[n + i];
        c1[i] = first1 ? 0.5 * ((1 + b1) * x1 + (1 - b2) * x2)
                       : 0.5 * ((1 - b1) * x1 + (1 + b2) * x2);
        c2[i] = first2 ? 0.5 * ((3 - b1) * x1 - (1 - b2) * x2)
                       : 0.5 * (-(1 - b1) * x1 + (3 - b2) * x2);
    }
    pick_genes(x, p, c1, c2, n, r, c);
}

/* Kita, Ono and Kobayashi 1999: around the midpoint of parents 1 and 2,
 * along their difference (N(0, sigma_xi^2) times it) and orthogonally to it
 * (N(0, sigma_eta^2) per direction times parent 3's distance from their
 * line). As Optuna, sigma_xi^2 and sigma_eta^2 are the draws' standard
 * deviations. The orthogonal part is an isotropic normal vector with its
 * component along the parents' line removed: the same distribution as
 * Optuna's sum over an orthonormal basis of the orthogonal complement. */
static void undx(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c,
                 double *s)
{
    const double *p1 = p, *p2 = p + n, *p3 = p + 2 * n;
    double sigma_eta = isnan(x->undx_sigma_eta) ? 0.35 / sqrt((double)n) : x->undx_sigma_eta;
    double *e = s, *z = s + n, norm = 0;
    for (size_t i = 0; i < n; i++) {
        e[i] = p2[i] - p1[i];
        norm += e[i] * e[i];
    }
    norm = fmax(sqrt(norm), 1e-10);
    double along = 0, dist = 0;
    for (size_t i = 0; i < n; i++) {
        e[i] /= norm;
        along += (p3[i] - p1[i]) * e[i];
    }
    for (size_t i = 0; i < n; i++) {
        double v = p3[i] - p1[i] - along * e[i];
        dist += v * v;
    }
    dist = sqrt(dist);
    double xi = otto_rng_normal(r) * x->undx_sigma_xi * x->undx_sigma_xi, zdot = 0;
    int degenerate = norm <= 1e-10;
    for (size_t i = 0; i < n; i++) {
        z[i] = otto_rng_normal(r) * sigma_eta * sigma_eta;
        zdot += z[i] * e[i];
    }
    if (degenerate) /* no line: Optuna's basis is then the unit vectors 2..n */
        z[0] = zdot = 0;
    for (size_t i = 0; i < n; i++) {
        c[i] = 0.5 * (p1[i] + p2[i]) + xi * (p1[i] - p2[i]);
        if (n > 1)
            c[i] += dist * (z[i] - zdot * e[i]);
    }
}

/* Tsutsui, Goldberg and Sastry 2000: uniform in the parents' simplex
 * expanded by epsilon around its centroid. */
static void spx(const otto__crossover *x, const double *p, size_t n, otto_rng *r, double *c,
                double *s)
{
    enum { K = 3 };
    double eps = isnan(x->spx_epsilon) ? sqrt((double)n + 2) : x->spx_epsilon;
    double rs[K - 1];
    for (size_t k = 0; k < K - 1; k++)
        rs[k] = pow(otto_rng_uniform(r), 1.0 / (double)(k + 1));
    for (size_t i = 0; i < n; i++) {
        double g = (p[i] + p[n + i] + p[2 * n + i]) / K, ck = 0, xk[K];
        for (size_t k = 0; k < K; k++)
            xk[k] = g + eps * (p[k * n + i] - g);
        for (size_t k = 1; k < K; k++)
            ck = rs[k - 1] * (xk[k - 1] - xk[k] + ck);
        c[i] = xk[K - 1] + ck;
    }
    (void)s;
}

void otto__crossover_child(const otto__crossover *x, const double *parents, size_t n,
                           otto_rng *r, double *child, double *scratch)
{
    switch (x->kind) {
    case OTTO_NSGA_BLX_ALPHA:
        blx_alpha(x, parents, n, r, child);
        break;
    case OTTO_NSGA_SBX:
        sbx(x, parents, n, r, child, scratch);
        break;
    case OTTO_NSGA_VSBX:
        vsbx(x, parents, n, r, child, scratch);
        break;
    case OTTO_NSGA_UNDX:
        undx(x, parents, n, r, child, scratch);
        break;
    case OTTO_NSGA_SPX:
        spx(x, parents, n, r, child, scratch);
        break;
    default:
        uniform(x, parents, n, r, child);
        break;
    }
}
