/* Reading a study for lib/insight (see model.h): the usable trials through the
 * public API (the view its sampler sees), the intersection search space, coordinates as the GP sampler
 * makes them (samplers/gp/gp_encode.h), and the GP fit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insight/model.h"
#include "samplers/gp/gp_encode.h"

/* The rate of the Gamma(1.1, rate) prior on the standardized noise
 * variance. The GP sampler keeps Optuna's 30 (noise near 0.004-0.04 a
 * priori, right for the mostly deterministic objectives it is tuned on);
 * here objectives are presumed noisy. On a 5-D objective of pure noise (sd
 * 0.3, 60 trials, 6 seeds) a rate of 30 fitted a noise sd of 0.14-0.22,
 * reading the rest as signal; a rate of 1 fitted 0.22-0.28. On noise-free
 * objectives the fitted noise still falls to the minimum. */
#define NOISE_RATE 1.0

/* Param `name` of t (trying index hint first): 1 with its distribution and
 * value, else 0. */
static int find_param(const otto_trial *t, const char *name, size_t hint,
                      otto_distribution *dist, double *value)
{
    size_t n = otto_trial_param_count(t);
    const char *pn;
    if (hint < n && otto_trial_param_at(t, hint, &pn, dist, value) == OTTO_OK &&
        (pn == name || strcmp(pn, name) == 0))
        return 1;
    for (size_t i = 0; i < n; i++)
        if (i != hint && otto_trial_param_at(t, i, &pn, dist, value) == OTTO_OK &&
            (pn == name || strcmp(pn, name) == 0))
            return 1;
    return 0;
}

void otto__insight_data_free(otto__insight_data *data)
{
    const otto_allocator *a = &data->alloc;
    otto__free(a, data->trial);
    otto__free(a, data->loss);
    otto__free(a, data->name);
    otto__free(a, data->dist);
    otto__free(a, data->cat);
    otto__free(a, data->x);
    data->trial = NULL;
    data->loss = data->x = NULL;
    data->name = NULL;
    data->dist = NULL;
    data->cat = NULL;
    data->n = data->d = data->n_configs = 0;
}

static uint64_t hash_row(const double *row, size_t d)
{
    uint64_t h = 0x243f6a8885a308d3ULL;
    for (size_t k = 0; k < d; k++) {
        double v = row[k] == 0.0 ? 0.0 : row[k]; /* -0 and 0 alike */
        h = otto__hash_bytes(&v, sizeof v) ^ (h * 0x9e3779b97f4a7c15ULL);
    }
    return h;
}

/* Distinct rows of x, by hash and then by value within a hash. */
static int count_configs(otto__insight_data *data)
{
    size_t n = data->n, d = data->d;
    otto__keyed *k = otto__calloc(&data->alloc, n ? n : 1, sizeof *k);
    if (!k)
        return otto__error(OTTO_ENOMEM, "insight: out of memory");
    for (size_t i = 0; i < n; i++) {
        k[i].h = hash_row(data->x + i * d, d);
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, otto__keyed_cmp);
    size_t distinct = 0;
    for (size_t r = 0; r < n;) {
        size_t e = r + 1;
        while (e < n && k[e].h == k[r].h)
            e++;
        for (size_t i = r; i < e; i++) { /* new unless equal to an earlier row of the run */
            int seen = 0;
            for (size_t j = r; j < i && !seen; j++) {
                const double *a = data->x + k[i].i * d, *b = data->x + k[j].i * d;
                size_t c = 0;
                while (c < d && a[c] == b[c])
                    c++;
                seen = c == d;
            }
            distinct += !seen;
        }
        r = e;
    }
    otto__free(&data->alloc, k);
    data->n_configs = distinct;
    return OTTO_OK;
}

static int by_number(const void *a, const void *b)
{
    int64_t x = otto_trial_number(*(const otto_trial *const *)a);
    int64_t y = otto_trial_number(*(const otto_trial *const *)b);
    return (x > y) - (x < y);
}

int otto__insight_gather(const otto_study *s, const char *fn, otto__insight_data *data)
{
    memset(data, 0, sizeof *data);
    otto__alloc_default(&data->alloc);
    const otto_allocator *a = &data->alloc;
    size_t m = otto_study_n_objectives(s);
    if (m != 1)
        return otto__error(OTTO_ESTATE, "%s: the study has %zu objectives (one is needed)", fn,
                           m);
    data->maximize = otto_study_direction(s, 0) == OTTO_MAXIMIZE;
    /* the trials the study's sampler sees (otto_study_view: the forgetting
     * window applied), COMPLETE with a finite value, then in number order */
    otto_view *view;
    int rc = otto_study_view(s, &view);
    if (rc)
        return rc;
    size_t count = otto_view_count(view);
    data->trial = otto__calloc(a, count ? count : 1, sizeof *data->trial);
    data->loss = otto__calloc(a, count ? count : 1, sizeof *data->loss);
    if (!data->trial || !data->loss) {
        otto_view_destroy(view);
        goto oom;
    }
    for (size_t i = 0; i < count; i++) {
        const otto_trial *t = otto_view_trial(view, i);
        double v;
        if (otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE && otto_trial_value(t, &v) == OTTO_OK &&
            isfinite(v))
            data->trial[data->n++] = t;
    }
    otto_view_destroy(view); /* the trials outlive it: they are the study's */
    qsort(data->trial, data->n, sizeof *data->trial, by_number);
    for (size_t i = 0; i < data->n; i++) {
        double v = otto_trial_objective(data->trial[i], 0);
        data->loss[i] = data->maximize ? -v : v;
    }
    /* the intersection search space, in the first trial's order */
    size_t p = data->n ? otto_trial_param_count(data->trial[0]) : 0;
    data->name = otto__calloc(a, p ? p : 1, sizeof *data->name);
    data->dist = otto__calloc(a, p ? p : 1, sizeof *data->dist);
    data->cat = otto__calloc(a, p ? p : 1, 1);
    if (!data->name || !data->dist || !data->cat)
        goto oom;
    size_t *hint = otto__calloc(a, p ? p : 1, sizeof *hint);
    if (!hint)
        goto oom;
    for (size_t j = 0; j < p; j++) {
        otto_trial_param_at(data->trial[0], j, &data->name[j], &data->dist[j], NULL);
        hint[j] = j;
    }
    size_t d = p;
    for (size_t i = 1; i < data->n && d; i++) {
        size_t kept = 0;
        for (size_t j = 0; j < d; j++) {
            otto_distribution dj;
            if (find_param(data->trial[i], data->name[j], hint[j], &dj, NULL) &&
                otto_distribution_equal(&dj, &data->dist[j])) {
                data->name[kept] = data->name[j];
                data->dist[kept] = data->dist[j];
                hint[kept++] = hint[j];
            }
        }
        d = kept;
    }
    data->d = d;
    data->x = otto__calloc(a, data->n * d > 0 ? data->n * d : 1, sizeof *data->x);
    if (!data->x) {
        otto__free(a, hint);
        goto oom;
    }
    for (size_t j = 0; j < d; j++)
        data->cat[j] = (unsigned char)otto__gp_as_category(&data->dist[j], 0);
    for (size_t i = 0; i < data->n; i++)
        for (size_t j = 0; j < d; j++) {
            otto_distribution dj;
            double v = 0.0, *c = &data->x[i * d + j];
            find_param(data->trial[i], data->name[j], hint[j], &dj, &v);
            /* an enqueued value outside its range keeps its place outside the cube */
            if (!otto__gp_encode(&data->dist[j], data->cat[j], v, c))
                *c = otto_distribution_to_unit(&data->dist[j], v);
        }
    otto__free(a, hint);
    return count_configs(data);
oom:
    otto__insight_data_free(data);
    return otto__error(OTTO_ENOMEM, "%s: out of memory", fn);
}

size_t otto__insight_find(const otto__insight_data *data, const otto_trial *t)
{
    size_t lo = 0, hi = data->n;
    int64_t num = otto_trial_number(t);
    while (lo < hi) { /* trials are in number order */
        size_t mid = lo + (hi - lo) / 2;
        if (otto_trial_number(data->trial[mid]) < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < data->n && data->trial[lo] == t ? lo : SIZE_MAX;
}

/* ---- the GP -------------------------------------------------------------------- */

void otto__insight_gp_free(otto__insight_gp *m)
{
    const otto_allocator *a = m->gp.a;
    if (a)
        otto__free(a, m->work);
    otto__gp_free(&m->gp);
    m->work = NULL;
}

int otto__insight_gp_fit(const otto__insight_data *data, const size_t *rows, size_t n_rows,
                         size_t max_evals, otto__insight_gp *m)
{
    const otto_allocator *a = &data->alloc;
    size_t d = data->d, n = rows ? n_rows : data->n;
    memset(m, 0, sizeof *m);
    double *x = otto__calloc(a, n * d > 0 ? n * d : 1, sizeof *x);
    double *y = otto__calloc(a, n ? n : 1, sizeof *y);
    double *best = otto__calloc(a, d + 2, sizeof *best);
    m->work = otto__calloc(a, 2 * (n ? n : 1), sizeof *m->work);
    int rc = otto__gp_init(&m->gp, a, d, data->cat);
    if (!rc && (!x || !y || !best || !m->work))
        rc = otto__error(OTTO_ENOMEM, "insight: out of memory");
    if (rc)
        goto done;
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        memcpy(x + i * d, data->x + r * d, d * sizeof *x);
        y[i] = data->loss[r];
        mean += y[i];
    }
    mean /= (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(var / (double)(n ? n : 1));
    if (!(sd > 1e-12 * fmax(1.0, fabs(mean))))
        sd = 1.0; /* all values equal: nothing to scale */
    for (size_t i = 0; i < n; i++)
        y[i] = (y[i] - mean) / sd;
    m->y_mean = mean;
    m->y_sd = sd;
    m->gp.fixed_noise = 0;
    m->gp.noise_rate = NOISE_RATE;
    rc = otto__gp_set_data(&m->gp, n, x, y);
    if (rc)
        goto done;
    /* Two starts: the GP sampler's defaults (little noise), and one that
     * reads half the variance as noise; on a very noisy objective the first
     * can stay in the optimum that explains every draw as signal with short
     * lengthscales. The better posterior wins. */
    double best_f = INFINITY;
    for (int start = 0; start < 2; start++) {
        otto__gp_default_params(&m->gp);
        if (start == 1) {
            m->gp.p.noise = 0.5;
            m->gp.p.scale = 0.5;
        }
        double f;
        int frc = otto__gp_fit(&m->gp, max_evals, 0);
        if (!frc)
            frc = otto__gp_neg_log_posterior(&m->gp, &f, NULL);
        if (frc == OTTO_ENUMERIC)
            continue;
        if (frc) {
            rc = frc;
            goto done;
        }
        if (f < best_f) {
            best_f = f;
            memcpy(best, m->gp.p.inv_ls2, d * sizeof *best);
            best[d] = m->gp.p.scale;
            best[d + 1] = m->gp.p.noise;
        }
    }
    if (!isfinite(best_f)) {
        rc = otto__error(OTTO_ENUMERIC, "insight: no GP could be fitted to %zu trials", n);
        goto done;
    }
    memcpy(m->gp.p.inv_ls2, best, d * sizeof *best);
    m->gp.p.scale = best[d];
    m->gp.p.noise = best[d + 1];
    rc = otto__gp_condition(&m->gp);
done:
    otto__free(a, x);
    otto__free(a, y);
    otto__free(a, best);
    if (rc)
        otto__insight_gp_free(m);
    return rc;
}

int otto__keyed_cmp(const void *pa, const void *pb)
{
    const otto__keyed *a = pa, *b = pb;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}
