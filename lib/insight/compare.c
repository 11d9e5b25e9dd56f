/* otto_study_compare: how likely one trial's configuration truly beats
 * another's, from the GP's joint posterior of the two, or from Welch's t test
 * on their replicates (rules in otto/insight.h). */
#include <math.h>
#include <string.h>

#include "insight/model.h"
#include "numeric/student_t.h"

/* P(f(a) < f(b)) under the joint posterior at rows ia and ib. */
static int compare_gp(const otto__insight_data *data, otto__insight_gp *m, size_t ia, size_t ib,
                      double *p)
{
    size_t d = data->d, n = m->gp.n;
    const double *xa = data->x + ia * d, *xb = data->x + ib * d;
    size_t c = 0;
    while (c < d && xa[c] == xb[c])
        c++;
    if (c == d) { /* one configuration, as far as the model sees */
        *p = 0.5;
        return OTTO_OK;
    }
    double *work = otto__calloc(&data->alloc, 2 * n + 2 * d, sizeof *work);
    if (!work)
        return otto__error(OTTO_ENOMEM, "study_compare: out of memory");
    double *xs = work + 2 * n, mu[2], var[2], cov = 0.0;
    memcpy(xs, xa, d * sizeof *xs);
    memcpy(xs + d, xb, d * sizeof *xs);
    int rc = otto__gp_predict(&m->gp, 2, xs, mu, var, work);
    if (!rc)
        rc = otto__gp_posterior_cov(&m->gp, xa, 1, xb, &cov, work);
    otto__free(&data->alloc, work);
    if (rc)
        return rc;
    /* the variance of f(a) - f(b), floored as the GP floors each variance */
    double v = fmax(var[0] + var[1] - 2.0 * cov, 1e-12 * m->gp.p.scale);
    *p = 0.5 * erfc(-(mu[1] - mu[0]) / sqrt(v) / 1.41421356237309504880);
    return OTTO_OK;
}

/* Welch's t test on the configurations of rows ia and ib. */
static int compare_replicates(const otto__insight_data *data, size_t ia, size_t ib, double *p)
{
    otto__replicates r;
    int rc = otto__replicates_build(data, &r);
    if (rc)
        return rc;
    size_t ga = r.group[ia], gb = r.group[ib];
    double ka = (double)r.count[ga], kb = (double)r.count[gb];
    double diff = r.mean[gb] - r.mean[ga], se2 = NAN, df = NAN;
    if (ga == gb) {
        *p = 0.5;
    } else if (ka >= 2 && kb >= 2) {
        double va = r.m2[ga] / (ka - 1) / ka, vb = r.m2[gb] / (kb - 1) / kb;
        se2 = va + vb;
        double den = va * va / (ka - 1) + vb * vb / (kb - 1);
        df = den > 0 ? se2 * se2 / den : ka + kb - 2;
    } else if (r.pooled_df) {
        se2 = r.pooled_var * (1.0 / ka + 1.0 / kb);
        df = (double)r.pooled_df;
    } else {
        rc = otto__error(OTTO_ESTATE, "study_compare: no GP, and no configuration was "
                                      "evaluated more than once (nothing estimates the noise)");
    }
    if (!rc && ga != gb) {
        if (se2 > 0)
            *p = otto__student_t_cdf(diff / sqrt(se2), df);
        else /* no spread at all: the means decide */
            *p = diff > 0 ? 1.0 : diff < 0 ? 0.0 : 0.5;
    }
    otto__replicates_free(data, &r);
    return rc;
}

int otto_study_compare_with(const otto_study *s, const otto_recommend_options *opts,
                            const otto_trial *a, const otto_trial *b, double *p_better)
{
    if (p_better)
        *p_better = NAN;
    if (!s || !a || !b || !p_better)
        return otto__error(OTTO_EINVAL, "study_compare: NULL %s",
                           !s ? "study" : !a || !b ? "trial" : "output");
    otto_recommend_options o;
    int rc = otto__insight_recommend_options(opts, &o, "study_compare");
    if (rc)
        return rc;
    otto__insight_data data;
    rc = otto__insight_gather(s, "study_compare", &data);
    if (rc)
        return rc;
    size_t ia = otto__insight_find(&data, a), ib = otto__insight_find(&data, b);
    if (ia == SIZE_MAX || ib == SIZE_MAX) {
        const otto_trial *t = ia == SIZE_MAX ? a : b;
        otto__insight_data_free(&data);
        return otto__error(OTTO_EINVAL, "study_compare: trial %lld is not a COMPLETE trial of "
                                        "the study with a finite value",
                           (long long)otto_trial_number(t));
    }
    otto__insight_gp m;
    int have_gp = 0;
    double p = NAN;
    rc = otto__insight_choose(&data, &o, "study_compare", &m, &have_gp);
    if (!rc && have_gp)
        rc = compare_gp(&data, &m, ia, ib, &p);
    else if (!rc)
        rc = compare_replicates(&data, ia, ib, &p);
    if (have_gp)
        otto__insight_gp_free(&m);
    otto__insight_data_free(&data);
    if (!rc)
        *p_better = p;
    return rc;
}

int otto_study_compare(const otto_study *s, const otto_trial *a, const otto_trial *b,
                       double *p_better)
{
    return otto_study_compare_with(s, NULL, a, b, p_better);
}
