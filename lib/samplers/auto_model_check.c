/* Leave-one-out rank check of the GP for the auto sampler (see
 * auto_model_check.h). */
#include <math.h>
#include <string.h>

#include "samplers/auto_model_check.h"
#include "samplers/gp/gp_encode.h"
#include "samplers/gp/gp_model.h"

/* Kernel-parameter evaluations of the MAP fit: enough to converge in the
 * few dimensions and tens of trials the check sees. */
#define FIT_EVALS 100

/* Average ranks (1..n; ties share their mean rank) of v into r; idx holds n
 * scratch indices. Insertion sort: n is at most a few hundred. */
static void ranks(const double *v, size_t n, size_t *idx, double *r)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && v[idx[j - 1]] > v[i]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
            j++;
        for (size_t k = i; k <= j; k++)
            r[idx[k]] = 0.5 * (double)(i + j) + 1.0;
        i = j + 1;
    }
}

/* Pearson correlation of a and b (0 when either is constant). */
static double correlation(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0.0;
}

/* In place: zero mean, unit standard deviation (a constant column stays 0). */
static void standardize(double *y, size_t n)
{
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++)
        m += y[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        s += (y[i] - m) * (y[i] - m);
    s = sqrt(s / (double)n);
    for (size_t i = 0; i < n; i++)
        y[i] = s > 0 ? (y[i] - m) / s : 0.0;
}

/* The rows of the first n_use usable COMPLETE trials: x (n x d, row-major)
 * and y (minimized); returns how many. */
static size_t gather(const otto_view *v, const otto_param_key *const *keys, size_t d,
                     const unsigned char *cat, size_t n_use, double *x, double *y)
{
    double sign = otto_view_maximize(v, 0) ? -1.0 : 1.0;
    size_t n = 0;
    for (size_t i = 0; i < otto_view_count(v) && n < n_use; i++) {
        const otto_trial *t = otto_view_trial(v, i);
        double f = otto_trial_objective(t, 0);
        if (otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE || !isfinite(f))
            continue;
        size_t j = 0;
        for (; j < d; j++) {
            double value;
            const otto_distribution *dist = otto_param_key_distribution(keys[j]);
            if (!otto_trial_param_like(t, keys[j], j, &value) ||
                !otto__gp_encode(dist, cat[j], value, &x[n * d + j]))
                break;
        }
        if (j == d)
            y[n++] = sign * f;
    }
    return n;
}

int otto__auto_gp_loo_rank(const otto_view *v, size_t n_use, int small_ints_as_categories,
                           double *rho, size_t *n_used)
{
    *rho = 0.0;
    *n_used = 0;
    const otto_param_key *const *keys;
    size_t d = otto_view_intersection(v, &keys);
    if (d == 0 || n_use < 3)
        return otto__error(OTTO_EINVAL, "auto: nothing for the GP check to read");
    const otto_allocator *a = otto_view_allocator(v);
    unsigned char *cat = otto__calloc(a, d, 1);
    double *x = otto__calloc(a, n_use * d, sizeof *x);
    double *buf = otto__calloc(a, 4 * n_use, sizeof *buf);
    size_t *idx = otto__calloc(a, n_use, sizeof *idx);
    int rc = cat && x && buf && idx ? OTTO_OK : otto__error(OTTO_ENOMEM, "auto: out of memory");
    otto__gp gp;
    int have_gp = 0;
    double *y = buf, *loo = buf + n_use, *ry = buf + 2 * n_use, *rl = buf + 3 * n_use;
    size_t n = 0;
    if (!rc) {
        for (size_t j = 0; j < d; j++)
            cat[j] = (unsigned char)otto__gp_as_category(otto_param_key_distribution(keys[j]),
                                                         small_ints_as_categories);
        n = gather(v, keys, d, cat, n_use, x, y);
        if (n < 3)
            rc = otto__error(OTTO_EINVAL, "auto: too few trials for the GP check");
    }
    if (!rc) {
        standardize(y, n);
        rc = otto__gp_init(&gp, a, d, cat);
        have_gp = !rc;
    }
    if (!rc) {
        otto__gp_default_params(&gp);
        rc = otto__gp_set_data(&gp, n, x, y);
    }
    if (!rc)
        rc = otto__gp_fit(&gp, FIT_EVALS, 1);
    if (!rc)
        rc = otto__gp_prepare_grad(&gp);
    if (!rc) {
        /* K^-1 is stored lower; its diagonal is all the check needs */
        for (size_t i = 0; i < n; i++) {
            double kii = gp.kinv[i * n + i];
            loo[i] = kii > 0 ? y[i] - gp.alpha[i] / kii : y[i];
        }
        ranks(y, n, idx, ry);
        ranks(loo, n, idx, rl);
        *rho = correlation(ry, rl, n);
        *n_used = n;
    }
    if (have_gp)
        otto__gp_free(&gp);
    otto__free(a, cat);
    otto__free(a, x);
    otto__free(a, buf);
    otto__free(a, idx);
    return rc;
}

uint64_t otto__auto_check_input(const otto_view *v, size_t m)
{
    size_t seen = 0;
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < otto_view_count(v) && seen < m; i++) {
        const otto_trial *t = otto_view_trial(v, i);
        if (otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE ||
            !isfinite(otto_trial_objective(t, 0)))
            continue;
        int64_t number = otto_trial_number(t);
        h = otto__hash_bytes(&number, sizeof number) ^ (h * 0x100000001b3ULL);
        seen++;
    }
    return h;
}

int otto__auto_ints_check_run(const otto_view *v, size_t m, double margin,
                              otto__auto_ints_check *out)
{
    size_t used_numbers, used_categories;
    out->m = m;
    out->categorical = 0;
    out->rho_numbers = out->rho_categories = 0.0;
    int rc = otto__auto_gp_loo_rank(v, m, 0, &out->rho_numbers, &used_numbers);
    if (!rc)
        rc = otto__auto_gp_loo_rank(v, m, 1, &out->rho_categories, &used_categories);
    if (!rc)
        out->categorical = out->rho_categories > out->rho_numbers + margin;
    return rc;
}
