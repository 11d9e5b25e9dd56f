/* otto_study_recommend: the usable trial whose configuration the GP's
 * posterior mean judges best, or, where no GP can be fitted, the
 * configuration with the best replicate mean (rules in otto/insight.h). Also
 * the model choice that otto_study_compare shares. */
#include <math.h>
#include <string.h>

#include "common/options.h"
#include "insight/model.h"

#define PREDICT_CHUNK 64

void otto_recommend_options_init_sized(otto_recommend_options *o, size_t size)
{
    otto_recommend_options def;
    memset(&def, 0, sizeof def);
    def.model = OTTO_INSIGHT_AUTO;
    def.min_trials = 10;
    def.max_fit_evals = 100;
    OTTO__OPTIONS_INIT(o, size, def);
}

int otto__insight_recommend_options(const otto_recommend_options *opts,
                                    otto_recommend_options *o, const char *fn)
{
    otto_recommend_options_init(o);
    if (opts) {
        int rc = otto__options_copy(o, sizeof *o, opts, "recommend_options");
        if (rc)
            return rc;
    }
    if (o->model != OTTO_INSIGHT_AUTO && o->model != OTTO_INSIGHT_GP &&
        o->model != OTTO_INSIGHT_REPLICATES)
        return otto__error(OTTO_EINVAL, "%s: unknown model %d", fn, (int)o->model);
    if (o->min_trials < 2 || o->min_trials > 100000)
        return otto__error(OTTO_EINVAL, "%s: min_trials %zu must be in [2, 1e5]", fn,
                           o->min_trials);
    if (o->max_fit_evals < 1 || o->max_fit_evals > 100000)
        return otto__error(OTTO_EINVAL, "%s: max_fit_evals %zu must be in [1, 1e5]", fn,
                           o->max_fit_evals);
    return OTTO_OK;
}

int otto__insight_choose(const otto__insight_data *data, const otto_recommend_options *o,
                         const char *fn, otto__insight_gp *m, int *have_gp)
{
    *have_gp = 0;
    if (o->model == OTTO_INSIGHT_REPLICATES)
        return OTTO_OK;
    const char *why = NULL;
    if (data->n < o->min_trials)
        why = "too few usable trials";
    else if (data->d == 0)
        why = "the intersection search space is empty";
    else if (data->n_configs < 2)
        why = "fewer than two distinct configurations";
    if (why) {
        if (o->model == OTTO_INSIGHT_GP)
            return otto__error(OTTO_ESTATE, "%s: no GP (%s: %zu usable trials, %zu params, "
                                            "%zu configurations)",
                               fn, why, data->n, data->d, data->n_configs);
        return OTTO_OK;
    }
    int rc = otto__insight_gp_fit(data, NULL, 0, o->max_fit_evals, m);
    if (rc == OTTO_ENUMERIC && o->model == OTTO_INSIGHT_AUTO)
        return OTTO_OK; /* replicates, then */
    if (rc == OTTO_ENUMERIC)
        return otto__error_wrap(OTTO_ESTATE, "%s: no GP", fn);
    *have_gp = rc == OTTO_OK;
    return rc;
}

/* The GP's choice: the row with the lowest posterior mean. */
static int recommend_gp(const otto__insight_data *data, otto__insight_gp *m, size_t *best,
                        double *mean, double *sd)
{
    size_t n = data->n, d = data->d;
    double *work = otto__calloc(&data->alloc, n * PREDICT_CHUNK + 2 * PREDICT_CHUNK,
                                sizeof *work);
    if (!work)
        return otto__error(OTTO_ENOMEM, "study_recommend: out of memory");
    double *mu = work + n * PREDICT_CHUNK, *var = mu + PREDICT_CHUNK;
    double best_mu = INFINITY, best_var = NAN;
    int rc = OTTO_OK;
    for (size_t c = 0; c < n && !rc; c += PREDICT_CHUNK) {
        size_t k = n - c < PREDICT_CHUNK ? n - c : PREDICT_CHUNK;
        rc = otto__gp_predict(&m->gp, k, data->x + c * d, mu, var, work);
        for (size_t i = 0; !rc && i < k; i++) /* replicates tie: the first wins */
            if (isfinite(mu[i]) &&
                (!isfinite(best_mu) || mu[i] < best_mu - 1e-12 * (1.0 + fabs(best_mu)))) {
                best_mu = mu[i];
                best_var = var[i];
                *best = c + i;
            }
    }
    otto__free(&data->alloc, work);
    if (!rc && !isfinite(best_mu))
        rc = otto__error(OTTO_ENUMERIC, "study_recommend: the GP predicts no finite mean");
    if (!rc) {
        *mean = m->y_mean + m->y_sd * best_mu;
        *sd = m->y_sd * sqrt(best_var);
    }
    return rc;
}

static int recommend_replicates(const otto__insight_data *data, size_t *best, double *mean,
                                double *sd)
{
    otto__replicates r;
    int rc = otto__replicates_build(data, &r);
    if (rc)
        return rc;
    size_t g_best = 0;
    for (size_t g = 1; g < r.n_groups; g++) /* in first-trial order: ties to the earliest */
        if (r.mean[g] < r.mean[g_best])
            g_best = g;
    *best = r.first[g_best];
    *mean = r.mean[g_best];
    *sd = r.pooled_df ? sqrt(r.pooled_var / (double)r.count[g_best]) : NAN;
    otto__replicates_free(data, &r);
    return OTTO_OK;
}

int otto_study_recommend(const otto_study *s, const otto_recommend_options *opts,
                         const otto_trial **trial, double *mean, double *sd)
{
    if (trial)
        *trial = NULL;
    if (mean)
        *mean = NAN;
    if (sd)
        *sd = NAN;
    if (!s)
        return otto__error(OTTO_EINVAL, "study_recommend: NULL study");
    if (!trial)
        return otto__error(OTTO_EINVAL, "study_recommend: NULL trial output");
    otto_recommend_options o;
    int rc = otto__insight_recommend_options(opts, &o, "study_recommend");
    if (rc)
        return rc;
    otto__insight_data data;
    rc = otto__insight_gather(s, "study_recommend", &data);
    if (rc)
        return rc;
    if (data.n == 0) {
        otto__insight_data_free(&data);
        return otto__error(OTTO_ENOTFOUND,
                           "study_recommend: no COMPLETE trial with a finite value");
    }
    otto__insight_gp m;
    int have_gp = 0;
    size_t best = 0;
    double mu = NAN, sdev = NAN;
    rc = otto__insight_choose(&data, &o, "study_recommend", &m, &have_gp);
    if (!rc && have_gp)
        rc = recommend_gp(&data, &m, &best, &mu, &sdev);
    else if (!rc)
        rc = recommend_replicates(&data, &best, &mu, &sdev);
    if (have_gp)
        otto__insight_gp_free(&m);
    if (!rc) {
        *trial = data.trial[best];
        if (mean)
            *mean = data.maximize ? -mu : mu;
        if (sd)
            *sd = sdev;
    }
    otto__insight_data_free(&data);
    return rc;
}
