/* otto_study_should_stop: a GP bound on the improvement left (the regret
 * bound of Makarova et al. 2022, as Optuna's RegretBoundEvaluator computes
 * it) against the noise level, and an optimize callback that stops on it
 * (rules in otto/insight.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/mathconst.h"
#include "common/options.h"
#include "insight/model.h"
#include "linalg/linalg.h"
#include "numeric/qmc.h"

#define CHUNK 128
#define N_REFINE 5
/* Optuna's RegretBoundEvaluator (optuna/terminator/improvement/evaluator.py):
 * beta = 2 log(d n^2 pi^2 / (6 delta)) / 5 with delta = 0.1, the division by
 * 5 following Srinivas et al. (2010) as the paper does; the GP is fitted to
 * the top 50% of trials (at least min_n_trials = 20), and the search-space
 * minimum is taken over 2048 random samples. */
#define DELTA 0.1

void otto_stop_options_init_sized(otto_stop_options *o, size_t size)
{
    otto_stop_options def;
    memset(&def, 0, sizeof def);
    def.min_trials = 20;
    def.top_trials_ratio = 1.0;
    def.error = 0.0;
    def.n_candidates = 2048;
    def.seed = 0;
    def.max_fit_evals = 100;
    def.bound = OTTO_STOP_BOUND_JOINT;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int check_options(const otto_stop_options *o)
{
    if (o->min_trials < 2 || o->min_trials > 100000)
        return otto__error(OTTO_EINVAL, "study_should_stop: min_trials %zu must be in [2, 1e5]",
                           o->min_trials);
    if (!(o->top_trials_ratio > 0 && o->top_trials_ratio <= 1))
        return otto__error(OTTO_EINVAL,
                           "study_should_stop: top_trials_ratio %g must be in (0, 1]",
                           o->top_trials_ratio);
    if (!(o->error >= 0) || isinf(o->error))
        return otto__error(OTTO_EINVAL,
                           "study_should_stop: error %g must be 0 or a positive number",
                           o->error);
    if (o->n_candidates > 1000000)
        return otto__error(OTTO_EINVAL, "study_should_stop: n_candidates %zu exceeds 1e6",
                           o->n_candidates);
    if (o->max_fit_evals < 1 || o->max_fit_evals > 100000)
        return otto__error(OTTO_EINVAL,
                           "study_should_stop: max_fit_evals %zu must be in [1, 1e5]",
                           o->max_fit_evals);
    if (o->bound != OTTO_STOP_BOUND_JOINT && o->bound != OTTO_STOP_BOUND_UCB_LCB)
        return otto__error(OTTO_EINVAL, "study_should_stop: unknown bound %d", (int)o->bound);
    return OTTO_OK;
}

typedef struct ranked {
    double loss;
    size_t i;
} ranked;

static int by_loss(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->loss != b->loss)
        return a->loss < b->loss ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* The LCB search: the model, its beta, the dims free for refinement. */
typedef struct lcb_ctx {
    const otto__gp *gp;
    double sqrt_beta;
    size_t d, n_free;
    const size_t *free_idx;
    double *base, *work, *dmean, *dvar;
} lcb_ctx;

static int lcb_objective(void *ctx, const double *xf, double *f, double *grad)
{
    lcb_ctx *c = ctx;
    for (size_t k = 0; k < c->n_free; k++)
        c->base[c->free_idx[k]] = xf[k];
    double mu, var;
    int rc = otto__gp_predict_grad(c->gp, c->base, &mu, &var, c->dmean, c->dvar, c->work);
    if (rc)
        return rc;
    double sd = sqrt(var);
    *f = mu - c->sqrt_beta * sd;
    for (size_t k = 0; k < c->n_free; k++) {
        size_t j = c->free_idx[k];
        grad[k] = c->dmean[j] - c->sqrt_beta * c->dvar[j] / (2.0 * sd);
    }
    return OTTO_OK;
}

/* A quasi-random point's coordinate for dim j: a choice index, or a unit
 * coordinate moved onto the param's grid. */
static double draw(const otto_distribution *d, double u)
{
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        double k = floor(u * (double)d->n_choices);
        return k > (double)d->n_choices - 1 ? (double)d->n_choices - 1 : k;
    }
    return otto_distribution_to_unit(d, otto_distribution_from_unit(d, u));
}

/* Predictions at m points (m <= CHUNK), and with want_cov their posterior
 * covariance with the incumbent xa. */
static int predict_chunk(const otto__insight_gp *m, size_t len, const double *xs, double *mu,
                         double *var, const double *xa, double *cov, double *work)
{
    int rc = otto__gp_predict(&m->gp, len, xs, mu, var, work);
    if (!rc && xa)
        rc = otto__gp_posterior_cov(&m->gp, xa, len, xs, cov, work);
    return rc;
}

/* The standardized improvement bound (see otto/insight.h): the incumbent a
 * is the fitted configuration with the lowest UCB; the search space is
 * covered by the fitted rows, n_candidates quasi-random points and the
 * LCB-refined best few of them. */
static int bound(const otto__insight_data *data, otto__insight_gp *m, const size_t *rows,
                 size_t k, const otto_stop_options *o, double *out)
{
    const otto_allocator *a = &data->alloc;
    size_t d = data->d, n = m->gp.n, n_cand = o->n_candidates;
    int joint = o->bound == OTTO_STOP_BOUND_JOINT;
    double beta = 2.0 * log((double)d * (double)k * (double)k * OTTO_PI * OTTO_PI / 6.0 / DELTA)
                  / 5.0;
    double sb = sqrt(beta > 0 ? beta : 0);
    size_t n_pts = k + n_cand;
    double *pts = otto__calloc(a, n_pts * d > 0 ? n_pts * d : 1, sizeof *pts);
    double *lcb = otto__calloc(a, n_pts ? n_pts : 1, sizeof *lcb);
    double *work = otto__calloc(a, n * (CHUNK + 1) + 3 * CHUNK + 4 * n + 5 * d,
                                sizeof *work);
    size_t *free_idx = otto__calloc(a, d ? d : 1, sizeof *free_idx);
    ranked *order = otto__calloc(a, n_pts ? n_pts : 1, sizeof *order);
    int rc = pts && lcb && work && free_idx && order
                 ? OTTO_OK
                 : otto__error(OTTO_ENOMEM, "study_should_stop: out of memory");
    if (rc)
        goto done;
    for (size_t i = 0; i < k; i++)
        memcpy(pts + i * d, data->x + rows[i] * d, d * sizeof *pts);
    for (size_t c = 0; c < n_cand; c++) {
        double *row = pts + (k + c) * d;
        otto__qmc_point(d, o->seed, c, row);
        for (size_t j = 0; j < d; j++)
            row[j] = draw(&data->dist[j], row[j]);
    }
    double *mu = work + n * (CHUNK + 1), *var = mu + CHUNK, *cov = var + CHUNK;
    /* the incumbent: the lowest UCB among the fitted configurations */
    double ucb_min = INFINITY, mu_a = NAN, var_a = NAN;
    size_t ia = 0;
    for (size_t c = 0; c < k && !rc; c += CHUNK) {
        size_t len = k - c < CHUNK ? k - c : CHUNK;
        rc = predict_chunk(m, len, pts + c * d, mu, var, NULL, NULL, work);
        for (size_t i = 0; !rc && i < len; i++)
            if (mu[i] + sb * sqrt(var[i]) < ucb_min) {
                ucb_min = mu[i] + sb * sqrt(var[i]);
                mu_a = mu[i];
                var_a = var[i];
                ia = c + i;
            }
    }
    if (!rc && !isfinite(ucb_min))
        rc = otto__error(OTTO_ENUMERIC, "study_should_stop: the GP predicts no finite bound");
    if (rc)
        goto done;
    double *xa = work + n * (CHUNK + 1) + 3 * CHUNK + 4 * n; /* d */
    memcpy(xa, pts + ia * d, d * sizeof *xa);
    /* the joint bound max_x mu_a - mu_x + sqrt(beta) sd(f_a - f_x), and LCB */
    double jmax = 0.0;
    for (size_t c = 0; c < n_pts && !rc; c += CHUNK) {
        size_t len = n_pts - c < CHUNK ? n_pts - c : CHUNK;
        rc = predict_chunk(m, len, pts + c * d, mu, var, joint ? xa : NULL, cov, work);
        for (size_t i = 0; !rc && i < len; i++) {
            lcb[c + i] = mu[i] - sb * sqrt(var[i]);
            if (joint)
                jmax = fmax(jmax, mu_a - mu[i] + sb * sqrt(fmax(var_a + var[i] - 2 * cov[i], 0)));
        }
    }
    if (rc)
        goto done;
    for (size_t i = 0; i < n_pts; i++) {
        order[i].loss = isnan(lcb[i]) ? INFINITY : lcb[i];
        order[i].i = i;
    }
    qsort(order, n_pts, sizeof *order, by_loss);
    double lcb_min = order[0].loss;
    /* refine the lowest LCBs over the continuous params (discrete ones stay) */
    lcb_ctx ctx = {.gp = &m->gp, .sqrt_beta = sb, .d = d, .free_idx = free_idx};
    for (size_t j = 0; j < d; j++)
        if (!data->cat[j] && otto_distribution_grid_size(&data->dist[j]) == 0 &&
            data->dist[j].low < data->dist[j].high)
            free_idx[ctx.n_free++] = j;
    ctx.work = work + n * (CHUNK + 1) + 3 * CHUNK;
    ctx.dmean = xa + d;
    ctx.dvar = ctx.dmean + d;
    ctx.base = ctx.dvar + d;
    double *xf = ctx.base + d;
    double *lov = NULL, *hiv = NULL;
    if (ctx.n_free) {
        lov = otto__calloc(a, 2 * ctx.n_free, sizeof *lov);
        if (!lov) {
            rc = otto__error(OTTO_ENOMEM, "study_should_stop: out of memory");
            goto done;
        }
        hiv = lov + ctx.n_free;
        for (size_t q = 0; q < ctx.n_free; q++) {
            lov[q] = 0.0;
            hiv[q] = 1.0;
        }
    }
    for (size_t r = 0; ctx.n_free && r < N_REFINE && r < n_pts && !rc; r++) {
        memcpy(ctx.base, pts + order[r].i * d, d * sizeof *ctx.base);
        for (size_t q = 0; q < ctx.n_free; q++)
            xf[q] = ctx.base[free_idx[q]];
        otto__la_bfgs_options bo;
        otto__la_bfgs_options_default(&bo);
        bo.max_evals = 50;
        bo.pgtol = 1e-6;
        otto__la_bfgs_result res;
        rc = otto__la_bfgs_minimize(a, lcb_objective, &ctx, ctx.n_free, xf, lov, hiv, &bo, &res);
        if (rc == OTTO_ENUMERIC) { /* keep what the sweep found */
            rc = OTTO_OK;
            continue;
        }
        for (size_t q = 0; !rc && q < ctx.n_free; q++)
            ctx.base[free_idx[q]] = xf[q];
        if (!rc)
            rc = predict_chunk(m, 1, ctx.base, mu, var, joint ? xa : NULL, cov, work);
        if (!rc) {
            lcb_min = fmin(lcb_min, mu[0] - sb * sqrt(var[0]));
            if (joint)
                jmax = fmax(jmax, mu_a - mu[0] + sb * sqrt(fmax(var_a + var[0] - 2 * cov[0], 0)));
        }
    }
    otto__free(a, lov);
    if (!rc)
        *out = joint ? jmax : fmax(ucb_min - lcb_min, 0.0);
done:
    otto__free(a, pts);
    otto__free(a, lcb);
    otto__free(a, work);
    otto__free(a, free_idx);
    otto__free(a, order);
    return rc;
}

int otto_study_should_stop_with(const otto_study *s, const otto_stop_options *opts,
                                double *improvement, double *error, int *stop)
{
    if (improvement)
        *improvement = INFINITY;
    if (error)
        *error = NAN;
    if (stop)
        *stop = 0;
    if (!s || !stop)
        return otto__error(OTTO_EINVAL, "study_should_stop: NULL %s", !s ? "study" : "stop");
    otto_stop_options o;
    otto_stop_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "stop_options") : OTTO_OK;
    if (!rc)
        rc = check_options(&o);
    if (rc)
        return rc;
    otto__insight_data data;
    rc = otto__insight_gather(s, "study_should_stop", &data);
    if (rc)
        return rc;
    if (data.n < o.min_trials) {
        otto__insight_data_free(&data);
        return OTTO_OK;
    }
    if (data.d == 0) {
        otto__insight_data_free(&data);
        return otto__error(OTTO_ESTATE, "study_should_stop: the intersection search space is "
                                        "empty (no param common to every usable trial)");
    }
    /* the top trials: floor(n ratio), at least min_trials */
    size_t k = (size_t)floor((double)data.n * o.top_trials_ratio);
    k = k < o.min_trials ? o.min_trials : k > data.n ? data.n : k;
    ranked *order = otto__calloc(&data.alloc, data.n, sizeof *order);
    size_t *rows = otto__calloc(&data.alloc, k, sizeof *rows);
    if (!order || !rows) {
        otto__free(&data.alloc, order);
        otto__free(&data.alloc, rows);
        otto__insight_data_free(&data);
        return otto__error(OTTO_ENOMEM, "study_should_stop: out of memory");
    }
    for (size_t i = 0; i < data.n; i++) {
        order[i].loss = data.loss[i];
        order[i].i = i;
    }
    qsort(order, data.n, sizeof *order, by_loss);
    for (size_t i = 0; i < k; i++)
        rows[i] = order[i].i;
    otto__free(&data.alloc, order);
    otto__insight_gp m;
    rc = otto__insight_gp_fit(&data, rows, k, o.max_fit_evals, &m);
    if (!rc) {
        double b = NAN;
        rc = bound(&data, &m, rows, k, &o, &b);
        if (!rc) {
            double imp = b * m.y_sd;
            double err = o.error > 0 ? o.error : sqrt(m.gp.p.noise) * m.y_sd;
            if (improvement)
                *improvement = imp;
            if (error)
                *error = err;
            *stop = imp < err;
        }
        otto__insight_gp_free(&m);
    }
    otto__free(&data.alloc, rows);
    otto__insight_data_free(&data);
    return rc;
}

int otto_study_should_stop(const otto_study *s, double *improvement, int *stop)
{
    return otto_study_should_stop_with(s, NULL, improvement, NULL, stop);
}

int otto_should_stop_callback(otto_study *s, const otto_trial *t, void *user_data)
{
    /* a trial that did not complete left the model as it was */
    if (t && otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE)
        return 0;
    int stop = 0;
    if (otto_study_should_stop_with(s, user_data, NULL, NULL, &stop) != OTTO_OK)
        return 0;
    return stop;
}
