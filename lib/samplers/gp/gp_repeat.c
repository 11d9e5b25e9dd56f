/* Intensification for the GP sampler's noisy mode (see gp_repeat.h): which
 * evaluated configuration, if any, is worth a repeat more than the best new
 * point is worth a trial. Units are the model's: standardized objective. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gp_repeat.h"
#include "log_ei.h"

/* Rivals of the incumbent considered per ask: the best few by posterior
 * mean (the pairs whose order a repeat can change are among them). */
#define N_RIVALS 5
#define PREDICT_CHUNK 256

void otto__gp_configs_free(otto__gp_configs *c)
{
    const otto_allocator *a = c->a;
    if (a) {
        otto__free(a, c->row);
        otto__free(a, c->count);
        otto__free(a, c->mean);
    }
    memset(c, 0, sizeof *c);
}

int otto__gp_configs_build(otto__gp_configs *c, const otto__gp *gp, size_t n, size_t n_pend,
                           size_t d, const double *x, const otto_allocator *a)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    size_t rows = n ? n : 1, m = PREDICT_CHUNK;
    c->row = otto__calloc(a, rows, sizeof *c->row);
    c->count = otto__calloc(a, rows, sizeof *c->count);
    c->mean = otto__calloc(a, 2 * rows, sizeof *c->mean);
    double *xs = otto__calloc(a, m * (d ? d : 1), sizeof *xs);
    double *work = otto__calloc(a, (gp->n ? gp->n : 1) * m, sizeof *work);
    int rc = c->row && c->count && c->mean && xs && work
                 ? OTTO_OK
                 : otto__error(OTTO_ENOMEM, "gp: out of memory");
    c->var = c->mean ? c->mean + rows : NULL;
    /* identical rows are identical params: the encoding is a function of them */
    for (size_t i = 0; !rc && i < n + n_pend; i++) {
        const double *xi = x + i * d;
        size_t k = 0;
        while (k < c->n_cfg && memcmp(x + c->row[k] * d, xi, d * sizeof *xi))
            k++;
        if (k == c->n_cfg) {
            if (i >= n) /* a pending new point: not an evaluated configuration */
                continue;
            c->row[c->n_cfg++] = i;
        }
        c->count[k]++;
    }
    for (size_t k0 = 0; !rc && k0 < c->n_cfg; k0 += m) {
        size_t mm = c->n_cfg - k0 < m ? c->n_cfg - k0 : m;
        for (size_t k = 0; k < mm; k++)
            memcpy(xs + k * d, x + c->row[k0 + k] * d, d * sizeof *xs);
        rc = otto__gp_predict(gp, mm, xs, c->mean + k0, c->var + k0, work);
    }
    for (size_t k = 0; !rc && k < c->n_cfg; k++) {
        c->n_repeats += c->count[k] - 1;
        if (c->mean[k] < c->mean[c->best])
            c->best = k;
    }
    otto__free(a, xs);
    otto__free(a, work);
    if (rc)
        otto__gp_configs_free(c);
    return rc;
}

/* log of the pair's knowledge gradient when config c (variance vc) is
 * evaluated once more: s h(-delta / s). */
static double log_pair_gain(double delta, double vc, double cov, double noise)
{
    double s = fabs(vc - cov) / sqrt(vc + noise);
    if (!(s > 0.0))
        return -INFINITY;
    return log(s) + otto__log_h(-delta / s);
}

int otto__gp_repeat_pick(const otto__gp_configs *c, const otto__gp *gp, size_t d,
                         const double *x, double log_ei_new, size_t n_total,
                         size_t max_replicates, double max_share, size_t *cfg_out)
{
    *cfg_out = SIZE_MAX;
    if (c->n_cfg < 2 || (double)(c->n_repeats + 1) > max_share * (double)n_total)
        return OTTO_OK;
    /* the rivals: the N_RIVALS lowest posterior means other than the incumbent */
    size_t rival[N_RIVALS], n_rival = 0;
    for (size_t r = 0; r < N_RIVALS; r++) {
        size_t pick = SIZE_MAX;
        for (size_t k = 0; k < c->n_cfg; k++) {
            int taken = k == c->best;
            for (size_t t = 0; t < n_rival; t++)
                taken |= rival[t] == k;
            if (!taken && (pick == SIZE_MAX || c->mean[k] < c->mean[pick]))
                pick = k;
        }
        if (pick == SIZE_MAX)
            break;
        rival[n_rival++] = pick;
    }
    const otto_allocator *a = c->a;
    double *xs = otto__calloc(a, N_RIVALS * (d ? d : 1), sizeof *xs);
    double *work = otto__calloc(a, (gp->n ? gp->n : 1) * (N_RIVALS + 1), sizeof *work);
    double cov[N_RIVALS];
    int rc = xs && work ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
    for (size_t t = 0; !rc && t < n_rival; t++)
        memcpy(xs + t * d, x + c->row[rival[t]] * d, d * sizeof *xs);
    if (!rc)
        rc = otto__gp_posterior_cov(gp, x + c->row[c->best] * d, n_rival, xs, cov, work);
    otto__free(a, xs);
    otto__free(a, work);
    if (rc)
        return rc;
    double noise = gp->p.noise, best_gain = -INFINITY;
    size_t ib = c->best, pick = SIZE_MAX;
    for (size_t t = 0; t < n_rival; t++) {
        size_t r = rival[t];
        double delta = c->mean[r] - c->mean[ib];
        /* the incumbent first, so that it wins ties */
        const size_t who[2] = {ib, r};
        for (int w = 0; w < 2; w++) {
            size_t k = who[w];
            if (c->count[k] >= max_replicates)
                continue;
            double g = log_pair_gain(delta, c->var[k], cov[t], noise);
            if (g > best_gain) {
                best_gain = g;
                pick = k;
            }
        }
    }
    if (pick != SIZE_MAX && best_gain > log_ei_new)
        *cfg_out = pick;
    return OTTO_OK;
}
