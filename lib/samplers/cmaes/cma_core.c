/* CMA-ES in the unit cube (see cma_core.h). Conventions: C is column-major;
 * with the full covariance, B holds C's eigenvectors in its columns and D the
 * square roots of the eigenvalues, refreshed every generation up to 24
 * dimensions and lazily beyond (every lambda / (10 n (c1 + cmu))
 * generations, as the tutorial advises); with the
 * separable variant (Ros and Hansen 2008) C is a diagonal vector, D its square
 * root, and the learning rates grow by (n + 2) / 3. Default strategy
 * parameters are the tutorial's, with its negative ("active") weights for
 * the full covariance and positive weights only for the separable one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "cma_core.h"
#include "numeric/truncnorm.h"

#define HIST_WINDOW(c) (10 + (size_t)ceil(30.0 * (double)(c)->n / (double)(c)->lambda))

size_t otto__cma_default_lambda(size_t n)
{
    return 4 + (size_t)floor(3.0 * log((double)(n ? n : 1)));
}

void otto__cma_free(otto__cma *c)
{
    const otto_allocator *a = c->a;
    if (!a)
        return;
    otto__free(a, c->w);
    otto__free(a, c->m);
    otto__free(a, c->C);
    otto__free(a, c->B);
    otto__free(a, c->scratch);
    otto__free(a, c->best_hist);
    otto__free(a, c->order);
    memset(c, 0, sizeof *c);
}

int otto__cma_init(otto__cma *c, const otto_allocator *a, size_t n, size_t lambda,
                   const double *m0, double sigma0, int separable, const double *grid)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->n = n;
    c->lambda = lambda < 2 ? 2 : lambda;
    c->mu = c->lambda / 2;
    c->separable = separable;
    c->hist_cap = HIST_WINDOW(c) + 200;
    size_t nc = separable ? n : n * n;
    c->w = otto__calloc(a, c->lambda, sizeof *c->w);
    c->m = otto__calloc(a, 7 * n + 4 * n + c->lambda, sizeof(double));
    c->C = otto__calloc(a, nc, sizeof(double));
    c->B = separable ? NULL : otto__calloc(a, n * n, sizeof(double));
    c->scratch = separable ? NULL : otto__calloc(a, 2 * n * n, sizeof(double));
    c->best_hist = otto__calloc(a, c->hist_cap, sizeof(double));
    c->order = otto__calloc(a, c->lambda, sizeof *c->order);
    if (!c->w || !c->m || !c->C || (!separable && (!c->B || !c->scratch)) || !c->best_hist ||
        !c->order) {
        otto__cma_free(c);
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    }
    c->pc = c->m + n;
    c->ps = c->pc + n;
    c->D = c->ps + n;
    c->grid = c->D + n;
    c->A = c->grid + n;
    /* 7th block of n: spare */
    c->work = c->A + 2 * n;
    memcpy(c->m, m0, n * sizeof *m0);
    for (size_t i = 0; i < n; i++) {
        c->D[i] = 1.0;
        c->A[i] = 1.0;
        c->grid[i] = grid && grid[i] > 1 ? grid[i] : 0.0;
        if (separable)
            c->C[i] = 1.0;
        else
            c->C[i + i * n] = c->B[i + i * n] = 1.0;
    }
    /* weights w'_i = ln((lambda+1)/2) - ln i: the mu best get positive
     * weights summing to 1; with the full covariance the others get the
     * tutorial's negative ("active") weights, scaled so C stays positive
     * definite */
    double dn = (double)n, sp = 0.0, sp2 = 0.0, sn = 0.0, sn2 = 0.0;
    for (size_t i = 0; i < c->lambda; i++) {
        c->w[i] = log(((double)c->lambda + 1.0) / 2.0) - log((double)i + 1.0);
        if (i < c->mu) {
            sp += c->w[i];
            sp2 += c->w[i] * c->w[i];
        } else {
            sn += c->w[i];
            sn2 += c->w[i] * c->w[i];
        }
    }
    double mueff = c->mueff = sp * sp / sp2;
    double mueff_neg = sn2 > 0 ? sn * sn / sn2 : 0.0;
    const double alpha_cov = 2.0;
    c->cc = (4.0 + mueff / dn) / (dn + 4.0 + 2.0 * mueff / dn);
    c->cs = (mueff + 2.0) / (dn + mueff + 5.0);
    c->c1 = alpha_cov / ((dn + 1.3) * (dn + 1.3) + mueff);
    c->cmu = fmin(1.0 - c->c1 - 1e-8, alpha_cov * (mueff - 2.0 + 1.0 / mueff) /
                                          ((dn + 2.0) * (dn + 2.0) + alpha_cov * mueff / 2.0));
    if (separable) {
        double f = (dn + 2.0) / 3.0;
        c->c1 = fmin(c->c1 * f, 1.0);
        c->cmu = fmin(c->cmu * f, 1.0 - c->c1 - 1e-8);
    }
    double neg_scale = 0.0;
    if (!separable && sn < 0) {
        double a_mu = 1.0 + c->c1 / c->cmu;
        double a_eff = 1.0 + 2.0 * mueff_neg / (mueff + 2.0);
        double a_pd = (1.0 - c->c1 - c->cmu) / (dn * c->cmu);
        neg_scale = fmin(a_mu, fmin(a_eff, a_pd)) / -sn;
    }
    c->wsum = 0.0;
    for (size_t i = 0; i < c->lambda; i++) {
        c->w[i] = i < c->mu ? c->w[i] / sp : c->w[i] * neg_scale;
        c->wsum += c->w[i];
    }
    c->damps = 1.0 + 2.0 * fmax(0.0, sqrt((mueff - 1.0) / (dn + 1.0)) - 1.0) + c->cs;
    c->chi_n = sqrt(dn) * (1.0 - 1.0 / (4.0 * dn) + 1.0 / (21.0 * dn * dn));
    c->sigma = c->sigma0 = sigma0;
    c->margin = 1.0 / (dn * (double)c->lambda);
    c->cond = 1.0;
    c->last_range = INFINITY;
    return OTTO_OK;
}

/* y = B (D .* z) (or D .* z), into y. */
static void transform(const otto__cma *c, const double *z, double *y)
{
    size_t n = c->n;
    if (c->separable) {
        for (size_t i = 0; i < n; i++)
            y[i] = c->D[i] * z[i];
        return;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = 0.0;
    for (size_t k = 0; k < n; k++) {
        double dz = c->D[k] * z[k];
        const double *bk = c->B + k * n;
        for (size_t i = 0; i < n; i++)
            y[i] += bk[i] * dz;
    }
}

static int inside(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] >= 0.0 && x[i] <= 1.0))
            return 0;
    return 1;
}

void otto__cma_sample(otto__cma *c, otto_rng *r, double *v, double *x)
{
    size_t n = c->n;
    double *z = c->work;
    for (int attempt = 0; attempt < 100; attempt++) {
        for (size_t i = 0; i < n; i++)
            z[i] = otto_rng_normal(r);
        transform(c, z, v);
        for (size_t i = 0; i < n; i++) {
            v[i] = c->m[i] + c->sigma * v[i];
            x[i] = c->m[i] + c->A[i] * (v[i] - c->m[i]);
        }
        if (inside(x, n))
            return;
    }
    for (size_t i = 0; i < n; i++) { /* clip, and tell the clipped point */
        x[i] = x[i] < 0.0 ? 0.0 : x[i] > 1.0 ? 1.0 : x[i];
        v[i] = c->m[i] + (x[i] - c->m[i]) / c->A[i];
    }
}

static int cmp_ranked(const void *a, const void *b)
{
    const otto__cma_ranked *x = a, *y = b;
    return x->f < y->f ? -1 : x->f > y->f ? 1 : (x->i > y->i) - (x->i < y->i);
}

/* Refresh B and D from C (full covariance). */
static int eigen(otto__cma *c)
{
    size_t n = c->n;
    int rc;
    if (n <= OTTO__LA_JACOBI_MAX) {
        /* C changes little per generation: in the previous eigenbasis,
         * M = B^T C B is nearly diagonal and Jacobi needs a sweep or two;
         * then B <- B V */
        double *t = c->scratch, *m = c->scratch + n * n;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                double s = 0.0;
                for (size_t k = 0; k < n; k++)
                    s += c->C[i + k * n] * c->B[k + j * n];
                t[i + j * n] = s; /* C B */
            }
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++) {
                double s = 0.0;
                for (size_t k = 0; k < n; k++)
                    s += c->B[k + i * n] * t[k + j * n];
                m[i + j * n] = m[j + i * n] = s; /* B^T C B */
            }
        rc = otto__la_symmetric_eigen(c->a, m, n, n, c->D);
        if (rc)
            return rc;
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                double s = 0.0;
                for (size_t k = 0; k < n; k++)
                    s += c->B[i + k * n] * m[k + j * n];
                t[i + j * n] = s;
            }
        memcpy(c->B, t, n * n * sizeof *t);
    } else {
        for (size_t j = 0; j < n; j++) /* symmetrize into B, lower triangle read */
            for (size_t i = j; i < n; i++)
                c->B[i + j * n] = c->B[j + i * n] = 0.5 * (c->C[i + j * n] + c->C[j + i * n]);
        rc = otto__la_symmetric_eigen(c->a, c->B, n, n, c->D);
        if (rc)
            return rc;
    }
    double lo = INFINITY, hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = c->D[i] > 1e-300 ? c->D[i] : 1e-300;
        lo = fmin(lo, e);
        hi = fmax(hi, e);
        c->D[i] = sqrt(e);
    }
    c->cond = hi / lo;
    c->eigen_gen = c->gen;
    return OTTO_OK;
}

int otto__cma_set_cov(otto__cma *c, const double *cov)
{
    if (c->separable)
        return OTTO_OK; /* a diagonal search keeps its isotropic start */
    size_t n = c->n;
    memcpy(c->C, cov, n * n * sizeof *cov);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++)
            c->B[i + j * n] = i == j ? 1.0 : 0.0;
    return eigen(c);
}

/* Keep every discrete coordinate's marginal from collapsing on one value:
 * probability >= alpha/2 beyond each neighbouring threshold (alpha beyond the
 * single threshold of an edge value, by moving the mean). */
static void apply_margin(otto__cma *c)
{
    size_t n = c->n;
    double alpha = c->margin;
    double z_side = -otto__ndtri(alpha / 2.0), z_edge = -otto__ndtri(alpha);
    for (size_t i = 0; i < n; i++) {
        double g = c->grid[i];
        if (g < 2)
            continue;
        double cii = c->separable ? c->C[i] : c->C[i + i * n];
        double base = c->sigma * sqrt(cii);
        if (!(base > 0))
            continue;
        double k = floor(c->m[i] * g);
        k = k < 0 ? 0 : k > g - 1 ? g - 1 : k;
        double lo = k / g, up = (k + 1) / g, s = c->A[i] * base;
        if (k > 0 && k < g - 1) { /* both neighbours: widen (or relax back) */
            double need = fmax(c->m[i] - lo, up - c->m[i]) / z_side;
            c->A[i] = fmax(1.0, need / base);
        } else if (k == 0 && g > 1 && up - c->m[i] > s * z_edge) {
            c->m[i] = up - s * z_edge;
        } else if (k == g - 1 && c->m[i] - lo > s * z_edge) {
            c->m[i] = lo + s * z_edge;
        }
    }
}

/* out = B^T x. Plain loops: n is small, and a BLAS call for an n x n
 * product would cost more than it computes (and wake BLAS threads). */
static void bt_times(const otto__cma *c, const double *x, double *out)
{
    size_t n = c->n;
    for (size_t k = 0; k < n; k++) {
        const double *bk = c->B + k * n;
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += bk[i] * x[i];
        out[k] = s;
    }
}

int otto__cma_tell(otto__cma *c, const double *vs, const double *f)
{
    size_t n = c->n, lam = c->lambda, mu = c->mu;
    for (size_t i = 0; i < lam; i++) {
        c->order[i].f = f[i];
        c->order[i].i = i;
    }
    qsort(c->order, lam, sizeof *c->order, cmp_ranked);
    double *yw = c->work, *t = c->work + n, *u = c->work + 2 * n;
    for (size_t i = 0; i < n; i++)
        yw[i] = 0.0;
    for (size_t k = 0; k < mu; k++) {
        const double *v = vs + c->order[k].i * n;
        for (size_t i = 0; i < n; i++)
            yw[i] += c->w[k] * (v[i] - c->m[i]) / c->sigma;
    }
    for (size_t i = 0; i < n; i++)
        c->m[i] += c->sigma * yw[i];
    /* ps with C^-1/2 yw = B D^-1 B^T yw */
    if (c->separable) {
        for (size_t i = 0; i < n; i++)
            u[i] = yw[i] / c->D[i];
    } else {
        bt_times(c, yw, t);
        for (size_t i = 0; i < n; i++)
            t[i] /= c->D[i];
        for (size_t i = 0; i < n; i++)
            u[i] = 0.0;
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; i < n; i++)
                u[i] += c->B[i + k * n] * t[k];
    }
    double k_s = sqrt(c->cs * (2.0 - c->cs) * c->mueff), psn = 0.0;
    for (size_t i = 0; i < n; i++) {
        c->ps[i] = (1.0 - c->cs) * c->ps[i] + k_s * u[i];
        psn += c->ps[i] * c->ps[i];
    }
    psn = sqrt(psn);
    c->gen++;
    double hsig_den = sqrt(1.0 - pow(1.0 - c->cs, 2.0 * (double)c->gen));
    int hsig = psn / hsig_den < (1.4 + 2.0 / ((double)n + 1.0)) * c->chi_n;
    double k_c = sqrt(c->cc * (2.0 - c->cc) * c->mueff);
    for (size_t i = 0; i < n; i++)
        c->pc[i] = (1.0 - c->cc) * c->pc[i] + (hsig ? k_c * yw[i] : 0.0);
    /* C <- (1 - c1 - cmu sum w + (1-hsig) c1 cc (2-cc)) C + c1 pc pc^T
     *      + cmu sum_i w_i' y_i y_i^T, where negative weights are rescaled by
     *      n / |C^-1/2 y_i|^2 (tutorial, eq. 46-47) */
    double decay = 1.0 - c->c1 - c->cmu * c->wsum + (hsig ? 0.0 : c->c1 * c->cc * (2.0 - c->cc));
    if (c->separable) {
        for (size_t i = 0; i < n; i++) {
            double r = 0.0;
            for (size_t k = 0; k < mu; k++) {
                double y = (vs[c->order[k].i * n + i] - (c->m[i] - c->sigma * yw[i])) / c->sigma;
                r += c->w[k] * y * y;
            }
            c->C[i] = decay * c->C[i] + c->c1 * c->pc[i] * c->pc[i] + c->cmu * r;
            c->D[i] = sqrt(fmax(c->C[i], 1e-300));
        }
        double lo = INFINITY, hi = 0.0;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, c->C[i]);
            hi = fmax(hi, c->C[i]);
        }
        c->cond = hi / fmax(lo, 1e-300);
    } else {
        for (size_t j = 0; j < n; j++)
            for (size_t i = j; i < n; i++)
                c->C[i + j * n] = decay * c->C[i + j * n] + c->c1 * c->pc[i] * c->pc[j];
        for (size_t k = 0; k < lam; k++) {
            if (c->w[k] == 0.0)
                continue;
            const double *v = vs + c->order[k].i * n;
            for (size_t i = 0; i < n; i++) /* old mean = m - sigma yw */
                t[i] = (v[i] - (c->m[i] - c->sigma * yw[i])) / c->sigma;
            double wk = c->cmu * c->w[k];
            if (c->w[k] < 0) {
                bt_times(c, t, u); /* |D^-1 B^T y|^2 */
                double q = 0.0;
                for (size_t i = 0; i < n; i++)
                    q += (u[i] / c->D[i]) * (u[i] / c->D[i]);
                wk *= (double)n / fmax(q, 1e-300);
            }
            for (size_t j = 0; j < n; j++)
                for (size_t i = j; i < n; i++)
                    c->C[i + j * n] += wk * t[i] * t[j];
        }
        for (size_t j = 0; j < n; j++) /* mirror the lower triangle */
            for (size_t i = j + 1; i < n; i++)
                c->C[j + i * n] = c->C[i + j * n];
    }
    c->sigma *= exp(fmin(1.0, c->cs / c->damps * (psn / c->chi_n - 1.0)));
    /* the negative weights above are whitened with B and D: in small
     * dimensions refresh them every generation (cheap there, and stale ones
     * can cost C its positive definiteness); beyond, lazily as the tutorial
     * advises */
    if (!c->separable &&
        (n <= OTTO__LA_JACOBI_MAX ||
         (double)(c->gen - c->eigen_gen) > (double)lam / ((c->c1 + c->cmu) * (double)n * 10.0))) {
        int rc = eigen(c);
        if (rc)
            return rc;
    }
    apply_margin(c);
    /* termination bookkeeping */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < lam; i++) {
        lo = fmin(lo, f[i]);
        hi = fmax(hi, f[i]);
    }
    c->last_range = hi - lo;
    c->best_hist[(c->gen - 1) % c->hist_cap] = f[c->order[0].i];
    return OTTO_OK;
}

static double hist(const otto__cma *c, size_t ago) /* best of generation gen-1-ago */
{
    return c->best_hist[(c->gen - 1 - ago) % c->hist_cap];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static double median_of(const otto__cma *c, size_t from_ago, size_t count, double *buf)
{
    for (size_t i = 0; i < count; i++)
        buf[i] = hist(c, from_ago + i);
    qsort(buf, count, sizeof *buf, cmp_double);
    return buf[count / 2];
}

const char *otto__cma_stop_reason(const otto__cma *c)
{
    size_t n = c->n;
    if (c->gen == 0)
        return NULL;
    if (!isfinite(c->sigma) || c->sigma <= 0)
        return "sigma";
    if (c->cond > 1e14)
        return "condition";
    size_t win = HIST_WINDOW(c);
    if (c->gen >= win) {
        double r_lo = INFINITY, r_hi = -INFINITY;
        for (size_t i = 0; i < win; i++) {
            r_lo = fmin(r_lo, hist(c, i));
            r_hi = fmax(r_hi, hist(c, i));
        }
        if (r_hi - r_lo < 1e-12 && c->last_range < 1e-12)
            return "tolfun";
    }
    int tolx = 1;
    for (size_t i = 0; i < n && tolx; i++) {
        double cii = c->separable ? c->C[i] : c->C[i + i * n];
        tolx = c->sigma * sqrt(cii) < 1e-12 * c->sigma0 && c->sigma * fabs(c->pc[i]) < 1e-12 * c->sigma0;
    }
    if (tolx)
        return "tolx";
    /* no effect of a 0.1-sigma step along axis gen mod n, or of 0.2 sigma in
     * any coordinate */
    size_t k = c->gen % n;
    int axis = 1;
    for (size_t i = 0; i < n && axis; i++) {
        double step = c->separable ? (i == k ? 0.1 * c->sigma * c->D[k] : 0.0)
                                   : 0.1 * c->sigma * c->D[k] * c->B[i + k * n];
        axis = c->m[i] + step == c->m[i];
    }
    if (axis)
        return "noeffectaxis";
    for (size_t i = 0; i < n; i++) {
        double cii = c->separable ? c->C[i] : c->C[i + i * n];
        if (c->m[i] + 0.2 * c->sigma * sqrt(cii) == c->m[i])
            return "noeffectcoord";
    }
    /* stagnation: the median of the last 20 generations' best values is no
     * better than that of 20 generations a window earlier */
    size_t stag = 120 + (size_t)(30.0 * (double)n / (double)c->lambda);
    if (stag + 20 > c->hist_cap)
        stag = c->hist_cap - 20;
    if (c->gen >= stag + 20) {
        double buf[20];
        if (median_of(c, 0, 20, buf) >= median_of(c, stag, 20, buf))
            return "stagnation";
    }
    return NULL;
}
