/* Gaussian-process regression with a Matern-5/2 ARD kernel (see gp_model.h).
 *
 * k(x, x') = s (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r), r^2 = sum_j l_j d_j^2,
 * with l_j the inverse squared lengthscales, d_j = x_j - x'_j for continuous
 * dims and d_j^2 = [x_j != x'_j] for categorical ones. The MAP objective is the
 * negative log marginal likelihood
 *   0.5 y^T (K + noise I)^-1 y + 0.5 log det(K + noise I) + n/2 log 2pi
 * minus a log prior on the parameters: by default Optuna's (-0.1 (1/l + l) per
 * dim, Gamma(2, 1) on s, Gamma(1.1, 30) on the noise, whose rate a caller
 * may lower for objectives known to be noisy); optionally a log-normal
 * lengthscale prior whose median grows with sqrt(d) (Hvarfner et al. 2024),
 * which suits higher dimensions. Gradients use
 *   d(-log p)/dtheta = -0.5 tr((alpha alpha^T - K^-1) dK/dtheta). */
#include <math.h>
#include <string.h>

#include "linalg/linalg.h"
#include "numeric/fastmath.h"
#include "gp_model.h"

#define SQRT5 2.23606797749978969641
#define LOG_2PI 1.83787706640934548356
#define LOG_BOUND_LS 11.5     /* |log l| <= 11.5, l in [1e-5, 1e5] */
#define LOG_SCALE_LO (-6.9)   /* s in [1e-3, 1e3] */
#define LOG_SCALE_HI 6.9
#define LOG_NOISE_HI 2.3      /* noise <= 10 */

int otto__gp_init(otto__gp *gp, const otto_allocator *a, size_t d, const unsigned char *cat)
{
    memset(gp, 0, sizeof *gp);
    gp->a = a;
    gp->d = d;
    gp->cat = cat;
    gp->noise_rate = OTTO__GP_NOISE_RATE;
    gp->p.inv_ls2 = otto__calloc(a, d ? d : 1, sizeof(double));
    gp->row = otto__calloc(a, d ? d : 1, sizeof(double));
    if (!gp->p.inv_ls2 || !gp->row)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    otto__gp_default_params(gp);
    return OTTO_OK;
}

void otto__gp_free(otto__gp *gp)
{
    otto__free(gp->a, gp->p.inv_ls2);
    otto__free(gp->a, gp->row);
    otto__free(gp->a, gp->x);
    otto__free(gp->a, gp->y);
    otto__free(gp->a, gp->chol);
    otto__free(gp->a, gp->alpha);
    otto__free(gp->a, gp->work_k);
    otto__free(gp->a, gp->work_g);
    otto__free(gp->a, gp->kinv);
    memset(gp, 0, sizeof *gp);
}

void otto__gp_default_params(otto__gp *gp)
{
    for (size_t j = 0; j < gp->d; j++)
        gp->p.inv_ls2[j] = 1.0;
    gp->p.scale = 1.0;
    gp->p.noise = gp->fixed_noise ? OTTO__GP_MIN_NOISE : 1e-2;
}

int otto__gp_set_data(otto__gp *gp, size_t n, const double *x, const double *y)
{
    const otto_allocator *a = gp->a;
    if (n > gp->cap) {
        if (n > ((size_t)1 << 15))
            return otto__error(OTTO_ERANGE, "gp: %zu points is more than the model handles", n);
        double *nx = otto__reallocarray(a, gp->x, n * (gp->d ? gp->d : 1), sizeof *nx);
        if (nx)
            gp->x = nx;
        double *ny = otto__reallocarray(a, gp->y, n, sizeof *ny);
        if (ny)
            gp->y = ny;
        double *na = otto__reallocarray(a, gp->alpha, n, sizeof *na);
        if (na)
            gp->alpha = na;
        otto__free(a, gp->chol);
        otto__free(a, gp->work_k);
        otto__free(a, gp->work_g);
        gp->chol = otto__calloc(a, n * n, sizeof(double));
        gp->work_k = otto__calloc(a, n * n, sizeof(double));
        gp->work_g = otto__calloc(a, n * n, sizeof(double));
        if (!nx || !ny || !na || !gp->chol || !gp->work_k || !gp->work_g) {
            gp->cap = 0;
            gp->n = 0;
            return otto__error(OTTO_ENOMEM, "gp: out of memory for %zu points", n);
        }
        gp->cap = n;
    }
    gp->n = n;
    for (size_t i = 0; i < n; i++) /* row-major in, dimension-major stored */
        for (size_t k = 0; k < gp->d; k++)
            gp->x[k * n + i] = x[i * gp->d + k];
    memcpy(gp->y, y, n * sizeof *y);
    return OTTO_OK;
}

/* The loops below run over the stored points (contiguous in gp->x, which
 * is dimension-major) so that they vectorize; exp is the branch-free
 * otto__exp (relative error < 1e-15). */

/* r2[i - from] = sum_k l_k d_k(x_i, p)^2 for the stored points i in [from, n). */
static void dist2_to_point(const otto__gp *gp, const double *p, size_t from, double *r2)
{
    size_t n = gp->n, len = n - from;
    for (size_t i = 0; i < len; i++)
        r2[i] = 0.0;
    for (size_t k = 0; k < gp->d; k++) {
        const double *xk = gp->x + k * n + from;
        double lk = gp->p.inv_ls2[k], pk = p[k];
        if (gp->cat[k]) {
            for (size_t i = 0; i < len; i++)
                r2[i] += xk[i] != pk ? lk : 0.0;
        } else {
            for (size_t i = 0; i < len; i++) {
                double t = xk[i] - pk;
                r2[i] += lk * t * t;
            }
        }
    }
}

/* In place: r2 -> kernel values; g (may be NULL) -> dk/dr^2. */
static void matern(double scale, double *r2k, double *g, size_t len)
{
    if (g) {
        for (size_t i = 0; i < len; i++) {
            double r2 = r2k[i], r = sqrt(r2), e = scale * otto__exp(-SQRT5 * r);
            g[i] = -5.0 / 6.0 * (1.0 + SQRT5 * r) * e;
            r2k[i] = (1.0 + SQRT5 * r + 5.0 / 3.0 * r2) * e;
        }
    } else {
        for (size_t i = 0; i < len; i++) {
            double r2 = r2k[i], r = sqrt(r2);
            r2k[i] = scale * (1.0 + SQRT5 * r + 5.0 / 3.0 * r2) * otto__exp(-SQRT5 * r);
        }
    }
}

/* Stored point j as a row (into gp->row). */
static const double *point(const otto__gp *gp, size_t j)
{
    for (size_t k = 0; k < gp->d; k++)
        gp->row[k] = gp->x[k * gp->n + j];
    return gp->row;
}

/* Lower triangle of K + noise I into work_k; dk/dr^2 below the diagonal of
 * work_g and the noiseless kernel values above it. */
static void build_kernel(otto__gp *gp)
{
    size_t n = gp->n;
    double *K = gp->work_k, *G = gp->work_g;
    for (size_t j = 0; j < n; j++) {
        K[j + j * n] = gp->p.scale + gp->p.noise;
        double *kj = K + j * n + j + 1, *gj = G + j * n + j + 1;
        dist2_to_point(gp, point(gp, j), j + 1, kj);
        matern(gp->p.scale, kj, gj, n - j - 1);
        for (size_t i = j + 1; i < n; i++)
            G[j + i * n] = K[i + j * n];
    }
}

static int factorize(otto__gp *gp)
{
    size_t n = gp->n;
    otto__free(gp->a, gp->kinv);
    gp->kinv = NULL;
    int rc = otto__la_cholesky(gp->work_k, n, n, gp->chol, n, 1e-10, 1e-3, &gp->jitter);
    if (rc)
        return rc;
    memcpy(gp->alpha, gp->y, n * sizeof *gp->alpha);
    return otto__la_cholesky_solve(gp->chol, n, n, gp->alpha, n, 1);
}

int otto__gp_condition(otto__gp *gp)
{
    build_kernel(gp);
    return factorize(gp);
}

static double dim_prior_mu(size_t d) { return OTTO_SQRT2 + 0.5 * log((double)(d ? d : 1)); }

/* log prior and its gradient with respect to the log parameters (added into
 * grad when not NULL). */
static double log_prior(const otto__gp *gp, double *grad)
{
    double lp = 0.0;
    size_t d = gp->d;
    for (size_t j = 0; j < d; j++) {
        double l = gp->p.inv_ls2[j];
        if (gp->dim_scaled_prior) {
            /* log l = -2 log(lengthscale) ~ N(-2 mu, (2 sqrt3)^2) */
            double z = log(l) + 2.0 * dim_prior_mu(d);
            lp += -z * z / 24.0;
            if (grad)
                grad[j] += -z / 12.0;
        } else {
            lp += -0.1 * (1.0 / l + l);
            if (grad)
                grad[j] += 0.1 / l - 0.1 * l;
        }
    }
    double s = gp->p.scale, nv = gp->p.noise;
    lp += log(s) - s;                  /* Gamma(2, 1) */
    if (grad)
        grad[d] += 1.0 - s;
    if (!gp->fixed_noise) {
        double rate = gp->noise_rate; /* Gamma(1.1, rate) */
        lp += 0.1 * log(nv) - rate * nv;
        if (grad)
            grad[d + 1] += 0.1 - rate * nv;
    }
    return lp;
}

int otto__gp_neg_log_posterior(otto__gp *gp, double *f, double *grad)
{
    size_t n = gp->n, d = gp->d;
    build_kernel(gp);
    int rc = factorize(gp);
    if (rc)
        return rc;
    double quad = 0.0;
    for (size_t i = 0; i < n; i++)
        quad += gp->y[i] * gp->alpha[i];
    double nll = 0.5 * quad + 0.5 * otto__la_cholesky_logdet(gp->chol, n, n) +
                 0.5 * (double)n * LOG_2PI;
    size_t n_theta = d + 1 + !gp->fixed_noise;
    if (!grad) {
        *f = nll - log_prior(gp, NULL);
        return OTTO_OK;
    }
    for (size_t k = 0; k < n_theta; k++)
        grad[k] = 0.0;
    /* log prior gradient first (as +), then flip the sign for the total */
    double lp = log_prior(gp, grad);
    for (size_t k = 0; k < n_theta; k++)
        grad[k] = -grad[k];
    double *Kinv = gp->work_k, *G = gp->work_g;
    memcpy(Kinv, gp->chol, n * n * sizeof *Kinv);
    rc = otto__la_cholesky_inverse(Kinv, n, n);
    if (rc)
        return rc;
    const double *al = gp->alpha;
    const double *l = gp->p.inv_ls2;
    double tr_w = 0.0, tr_wk = 0.0; /* tr(W), tr(W dK/dlog s) */
    for (size_t a = 0; a < n; a++) {
        double waa = al[a] * al[a] - Kinv[a + a * n];
        tr_w += waa;
        tr_wk += waa * gp->p.scale;
    }
    /* W is symmetric with a zero-derivative diagonal for the lengthscales, so
     * -0.5 tr(W dK/dlog l_k) = -sum_{i>j} W_ij G_ij l_k d_ijk^2. W_ij G_ij
     * overwrites the strict lower triangle of Kinv. */
    for (size_t j = 0; j < n; j++) {
        for (size_t i = j + 1; i < n; i++) {
            double w = al[i] * al[j] - Kinv[i + j * n];
            tr_wk += 2.0 * w * G[j + i * n];
            Kinv[i + j * n] = w * G[i + j * n];
        }
    }
    for (size_t k = 0; k < d; k++) {
        const double *xk = gp->x + k * n;
        double acc = 0.0;
        for (size_t j = 0; j < n; j++) {
            const double *wg = Kinv + j * n, pj = xk[j];
            double cacc = 0.0;
            if (gp->cat[k]) {
                for (size_t i = j + 1; i < n; i++)
                    cacc += xk[i] != pj ? wg[i] : 0.0;
            } else {
                for (size_t i = j + 1; i < n; i++) {
                    double t = xk[i] - pj;
                    cacc += wg[i] * t * t;
                }
            }
            acc += cacc;
        }
        grad[k] -= l[k] * acc;
    }
    grad[d] -= 0.5 * tr_wk;
    if (!gp->fixed_noise)
        grad[d + 1] -= 0.5 * gp->p.noise * tr_w;
    *f = nll - lp;
    return OTTO_OK;
}

/* ---- fitting ------------------------------------------------------------------------- */

static size_t n_theta(const otto__gp *gp) { return gp->d + 1 + !gp->fixed_noise; }

static void params_to_theta(const otto__gp *gp, double *th)
{
    for (size_t k = 0; k < gp->d; k++)
        th[k] = log(gp->p.inv_ls2[k]);
    th[gp->d] = log(gp->p.scale);
    if (!gp->fixed_noise)
        th[gp->d + 1] = log(gp->p.noise);
}

static void theta_to_params(otto__gp *gp, const double *th)
{
    for (size_t k = 0; k < gp->d; k++)
        gp->p.inv_ls2[k] = exp(th[k]);
    gp->p.scale = exp(th[gp->d]);
    gp->p.noise = gp->fixed_noise ? OTTO__GP_MIN_NOISE : exp(th[gp->d + 1]);
}

static int fit_objective(void *ctx, const double *th, double *f, double *grad)
{
    otto__gp *gp = ctx;
    theta_to_params(gp, th);
    int rc = otto__gp_neg_log_posterior(gp, f, grad);
    if (rc == OTTO_ENUMERIC) { /* not positive definite here: a step too far */
        *f = INFINITY;
        return OTTO_OK;
    }
    return rc;
}

int otto__gp_fit(otto__gp *gp, size_t max_evals, int also_default)
{
    size_t m = n_theta(gp);
    double *buf = otto__calloc(gp->a, 4 * m, sizeof *buf);
    if (!buf)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    double *lo = buf, *hi = buf + m, *th = buf + 2 * m, *best = buf + 3 * m;
    for (size_t k = 0; k < gp->d; k++) {
        lo[k] = -LOG_BOUND_LS;
        hi[k] = LOG_BOUND_LS;
    }
    lo[gp->d] = LOG_SCALE_LO;
    hi[gp->d] = LOG_SCALE_HI;
    if (!gp->fixed_noise) {
        lo[gp->d + 1] = log(OTTO__GP_MIN_NOISE);
        hi[gp->d + 1] = LOG_NOISE_HI;
    }
    otto__la_bfgs_options o;
    otto__la_bfgs_options_default(&o);
    o.max_evals = max_evals;
    o.pgtol = 1e-4;
    o.ftol = 1e-5;
    double best_f = INFINITY;
    int rc = OTTO_OK;
    for (int start = 0; start < 1 + (also_default != 0) && !rc; start++) {
        if (start == 1)
            otto__gp_default_params(gp);
        params_to_theta(gp, th);
        for (size_t k = 0; k < m; k++) /* warm starts may sit outside after a change */
            th[k] = th[k] < lo[k] ? lo[k] : th[k] > hi[k] ? hi[k] : th[k];
        otto__la_bfgs_result res;
        rc = otto__la_bfgs_minimize(gp->a, fit_objective, gp, m, th, lo, hi, &o, &res);
        if (rc == OTTO_ENUMERIC) /* the start itself failed: try the next */
            rc = OTTO_OK;
        else if (!rc && res.f < best_f) {
            best_f = res.f;
            memcpy(best, th, m * sizeof *th);
        }
    }
    if (!rc && !isfinite(best_f))
        rc = otto__error(OTTO_ENUMERIC, "gp: no kernel parameters gave a positive definite "
                                        "covariance");
    if (!rc) {
        theta_to_params(gp, best);
        rc = otto__gp_condition(gp);
    }
    otto__free(gp->a, buf);
    return rc;
}

/* ---- prediction ---------------------------------------------------------------------- */

int otto__gp_predict(const otto__gp *gp, size_t m, const double *xs, double *mean, double *var,
                     double *work)
{
    size_t n = gp->n;
    if (n == 0) {
        for (size_t c = 0; c < m; c++) {
            mean[c] = 0.0;
            var[c] = gp->p.scale;
        }
        return OTTO_OK;
    }
    for (size_t c = 0; c < m; c++) {
        dist2_to_point(gp, xs + c * gp->d, 0, work + c * n);
        matern(gp->p.scale, work + c * n, NULL, n);
    }
    otto__la_gemv(1, n, m, 1.0, work, n, gp->alpha, 0.0, mean);
    int rc = otto__la_lower_solve(gp->chol, n, n, 0, work, n, m);
    if (rc)
        return rc;
    for (size_t c = 0; c < m; c++) {
        const double *v = work + c * n;
        double q = 0.0;
        for (size_t i = 0; i < n; i++)
            q += v[i] * v[i];
        var[c] = fmax(gp->p.scale - q, 1e-12 * gp->p.scale);
    }
    return OTTO_OK;
}

int otto__gp_posterior_cov(const otto__gp *gp, const double *xa, size_t m, const double *xs,
                           double *cov, double *work)
{
    size_t n = gp->n;
    for (size_t c = 0; c < m; c++) { /* the prior covariance k(a, x_c) */
        const double *xc = xs + c * gp->d;
        double r2 = 0.0;
        for (size_t k = 0; k < gp->d; k++) {
            double t = xa[k] - xc[k];
            r2 += gp->p.inv_ls2[k] * (gp->cat[k] ? (t != 0.0) : t * t);
        }
        cov[c] = r2;
    }
    matern(gp->p.scale, cov, NULL, m);
    if (n == 0)
        return OTTO_OK;
    for (size_t c = 0; c <= m; c++) { /* columns k_a, k_x1 .. k_xm */
        dist2_to_point(gp, c == 0 ? xa : xs + (c - 1) * gp->d, 0, work + c * n);
        matern(gp->p.scale, work + c * n, NULL, n);
    }
    int rc = otto__la_lower_solve(gp->chol, n, n, 0, work, n, m + 1); /* L^-1 [k_a K_x] */
    if (rc)
        return rc;
    for (size_t c = 0; c < m; c++) {
        const double *va = work, *vc = work + (c + 1) * n;
        double q = 0.0;
        for (size_t i = 0; i < n; i++)
            q += va[i] * vc[i];
        cov[c] -= q;
    }
    return OTTO_OK;
}

int otto__gp_prepare_grad(otto__gp *gp)
{
    size_t n = gp->n;
    otto__free(gp->a, gp->kinv);
    gp->kinv = otto__malloc(gp->a, (n ? n * n : 1) * sizeof(double));
    if (!gp->kinv)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    memcpy(gp->kinv, gp->chol, n * n * sizeof(double));
    int rc = otto__la_cholesky_inverse(gp->kinv, n, n);
    if (rc) {
        otto__free(gp->a, gp->kinv);
        gp->kinv = NULL;
    }
    return rc;
}

int otto__gp_predict_grad(const otto__gp *gp, const double *x, double *mean, double *var,
                          double *dmean, double *dvar, double *work)
{
    size_t n = gp->n, d = gp->d;
    double *k = work, *g = work + n, *u = work + 2 * n;
    dist2_to_point(gp, x, 0, k);
    matern(gp->p.scale, k, g, n);
    double mu = 0.0;
    for (size_t i = 0; i < n; i++)
        mu += k[i] * gp->alpha[i];
    double q = 0.0;
    if (gp->kinv) { /* u = K^-1 k, q = k^T K^-1 k */
        otto__la_symv(n, 1.0, gp->kinv, n, k, 0.0, u);
        for (size_t i = 0; i < n; i++)
            q += k[i] * u[i];
    } else {
        memcpy(u, k, n * sizeof *u);
        int rc = otto__la_lower_solve(gp->chol, n, n, 0, u, n, 1); /* u = L^-1 k */
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            q += u[i] * u[i];
        rc = otto__la_lower_solve(gp->chol, n, n, 1, u, n, 1); /* u = K^-1 k */
        if (rc)
            return rc;
    }
    double v = gp->p.scale - q, floor_v = 1e-12 * gp->p.scale;
    *mean = mu;
    *var = fmax(v, floor_v);
    /* dk_i/dx_j = g_i 2 l_j (x_j - x_ij) */
    for (size_t i = 0; i < n; i++) { /* k is free now: alpha_i g_i into it */
        k[i] = gp->alpha[i] * g[i];
        g[i] *= -2.0 * u[i];
    }
    for (size_t j = 0; j < d; j++) {
        dmean[j] = 0.0;
        dvar[j] = 0.0;
        if (gp->cat[j])
            continue;
        const double *xj = gp->x + j * n;
        double sm = 0.0, sv = 0.0;
        for (size_t i = 0; i < n; i++) {
            double t = x[j] - xj[i];
            sm += k[i] * t;
            sv += g[i] * t;
        }
        double c = 2.0 * gp->p.inv_ls2[j];
        dmean[j] = c * sm;
        dvar[j] = c * sv;
    }
    if (v < floor_v)
        for (size_t j = 0; j < d; j++)
            dvar[j] = 0.0;
    return OTTO_OK;
}
