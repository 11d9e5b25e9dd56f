/* Multi-objective GP acquisition (see gp_multi.h): targets per objective, the
 * front of feasible and pending rows, and log EHVI over the per-objective
 * posteriors with its gradient through each model's mean and variance. */
#include <math.h>
#include <string.h>

#include "gp_multi.h"

void otto__gp_multi_free(otto__gp_multi *mo)
{
    if (!mo || !mo->a)
        return;
    const otto_allocator *a = mo->a;
    otto__free(a, mo->y);
    otto__free(a, mo->mean);
    otto__free(a, mo->mu);
    otto__ehvi_free(&mo->ehvi);
    memset(mo, 0, sizeof *mo);
}

static double oriented(const otto_view *v, const otto_trial *t, size_t k)
{
    return otto_trial_objective(t, k) * (otto_view_maximize(v, k) ? -1.0 : 1.0);
}

int otto__gp_multi_targets(otto__gp_multi *mo, const otto_allocator *a, const otto_view *v,
                           const otto_trial *const *rows, size_t n, size_t ld, otto_rng *rng,
                           double *score)
{
    otto__gp_multi_free(mo);
    size_t m = otto_view_n_objectives(v);
    mo->a = a;
    mo->m = m;
    mo->ld = ld ? ld : 1;
    mo->y = otto__calloc(a, m * mo->ld, sizeof *mo->y);
    mo->mean = otto__calloc(a, 2 * m * OTTO__GP_MULTI_CHUNK, sizeof *mo->mean);
    double *w = otto__calloc(a, 3 * m, sizeof *w);
    if (!mo->y || !mo->mean || !w) {
        otto__free(a, w);
        return otto__error(OTTO_ENOMEM, "gp: out of memory for %zu objectives", m);
    }
    mo->var = mo->mean + m * OTTO__GP_MULTI_CHUNK;
    double *lo = w + m, *hi = w + 2 * m;
    for (size_t k = 0; k < m; k++) {
        w[k] = -log(1.0 - otto_rng_uniform(rng));
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            double f = mo->y[k * mo->ld + i] = oriented(v, rows[i], k);
            if (isfinite(f)) {
                lo[k] = fmin(lo[k], f);
                hi[k] = fmax(hi[k], f);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t dominated_by = 0;
        for (size_t j = 0; j < n; j++) {
            int le = 1, lt = 0;
            for (size_t k = 0; k < m && le; k++) {
                double yj = mo->y[k * mo->ld + j], yi = mo->y[k * mo->ld + i];
                le = yj <= yi;
                lt |= yj < yi;
            }
            dominated_by += le && lt;
        }
        double cheb = 0.0, wsum = 0.0;
        for (size_t k = 0; k < m; k++)
            wsum += w[k];
        for (size_t k = 0; k < m; k++) {
            double range = hi[k] > lo[k] ? hi[k] - lo[k] : 1.0;
            double u = isfinite(lo[k]) ? (mo->y[k * mo->ld + i] - lo[k]) / range : 0.0;
            u = isnan(u) ? 0.0 : u > 1.0 ? 1.0 : u < 0.0 ? 0.0 : u;
            cheb = fmax(cheb, w[k] / wsum * u);
        }
        score[i] = (double)dominated_by + 0.5 * cheb;
    }
    otto__free(a, w);
    return OTTO_OK;
}

int otto__gp_multi_prepare(otto__gp_multi *mo, size_t n, size_t n_pend,
                           const unsigned char *feasible, size_t d)
{
    const otto_allocator *a = mo->a;
    size_t m = mo->m;
    otto__free(a, mo->mu);
    mo->mu = otto__calloc(a, 4 * m + 2 * m * (d ? d : 1), sizeof *mo->mu);
    double *front = otto__calloc(a, (n + n_pend ? n + n_pend : 1) * m, sizeof *front);
    double *ref = otto__calloc(a, m, sizeof *ref);
    int rc = mo->mu && front && ref ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
    if (!rc) {
        mo->sd = mo->mu + m;
        mo->dmu = mo->sd + m;
        mo->dsd = mo->dmu + m;
        mo->dmean = mo->dsd + m;
        mo->dvar = mo->dmean + m * (d ? d : 1);
        size_t nf = 0;
        for (size_t i = 0; i < n; i++)
            if (feasible[i]) {
                for (size_t k = 0; k < m; k++)
                    front[nf * m + k] = mo->y[k * mo->ld + i];
                nf++;
            }
        mo->have_front = nf > 0;
        otto__ehvi_reference(front, nf, m, ref);
        for (size_t i = n; i < n + n_pend && nf; i++) { /* kriging believer */
            for (size_t k = 0; k < m; k++)
                front[nf * m + k] = mo->y[k * mo->ld + i];
            nf++;
        }
        otto__ehvi_free(&mo->ehvi);
        if (mo->have_front)
            rc = otto__ehvi_init(&mo->ehvi, a, front, nf, m, ref);
    }
    otto__free(a, front);
    otto__free(a, ref);
    return rc;
}

int otto__gp_multi_batch(otto__gp_multi *mo, const otto__gp *models, size_t count,
                         const double *xs, double *out, double *work)
{
    size_t m = mo->m;
    if (!mo->have_front) {
        for (size_t c = 0; c < count; c++)
            out[c] = 0.0;
        return OTTO_OK;
    }
    for (size_t k = 0; k < m; k++) {
        int rc = otto__gp_predict(&models[k], count, xs, mo->mean + k * OTTO__GP_MULTI_CHUNK,
                                  mo->var + k * OTTO__GP_MULTI_CHUNK, work);
        if (rc)
            return rc;
    }
    for (size_t c = 0; c < count; c++) {
        for (size_t k = 0; k < m; k++) {
            mo->mu[k] = mo->mean[k * OTTO__GP_MULTI_CHUNK + c];
            mo->sd[k] = sqrt(mo->var[k * OTTO__GP_MULTI_CHUNK + c]);
        }
        out[c] = otto__log_ehvi(&mo->ehvi, mo->mu, mo->sd, NULL, NULL);
    }
    return OTTO_OK;
}

int otto__gp_multi_grad(otto__gp_multi *mo, const otto__gp *models, const double *x,
                        double *val, double *grad, double *gwork)
{
    size_t m = mo->m, d = models[0].d;
    for (size_t j = 0; j < d; j++)
        grad[j] = 0.0;
    *val = 0.0;
    if (!mo->have_front)
        return OTTO_OK;
    for (size_t k = 0; k < m; k++) {
        double var;
        int rc = otto__gp_predict_grad(&models[k], x, &mo->mu[k], &var, mo->dmean + k * d,
                                       mo->dvar + k * d, gwork);
        if (rc)
            return rc;
        mo->sd[k] = sqrt(var);
    }
    *val = otto__log_ehvi(&mo->ehvi, mo->mu, mo->sd, mo->dmu, mo->dsd);
    /* chain rule: d/dx = dmu_k dmean_k + dsd_k dvar_k / (2 sd_k) */
    for (size_t k = 0; k < m; k++) {
        double sd = mo->sd[k] > 0 ? mo->sd[k] : 1e-300;
        for (size_t j = 0; j < d; j++)
            grad[j] += mo->dmu[k] * mo->dmean[k * d + j] +
                       mo->dsd[k] * mo->dvar[k * d + j] / (2.0 * sd);
    }
    return OTTO_OK;
}
