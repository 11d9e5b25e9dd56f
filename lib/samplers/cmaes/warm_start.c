/* Warm-starting CMA-ES (see warm_start.h). With the top solutions x_i (unit
 * coordinates) of the source task, mu = mean(x_i) and
 *     Sigma = alpha^2 I + mean(x_i x_i^T) - mu mu^T,
 * the search starts at mean mu with step det(Sigma)^(1 / 2n) and covariance
 * Sigma / det(Sigma)^(1 / n). */
#include <math.h>
#include <stdlib.h> /* qsort */
#include <string.h>

#include "linalg/linalg.h"
#include "warm_start.h"

#define GAMMA 0.1
#define ALPHA 0.1

void otto__cma_source_free(otto__cma_source *src, const otto_allocator *a)
{
    for (size_t i = 0; i < src->n; i++) {
        for (size_t k = 0; k < src->trials[i].n; k++)
            otto__free(a, src->trials[i].params[k].name);
        otto__free(a, src->trials[i].params);
    }
    otto__free(a, src->trials);
    src->trials = NULL;
    src->n = 0;
}

int otto__cma_source_copy(otto__cma_source *src, const otto_allocator *a,
                          const otto_trial *const *trials, size_t n)
{
    memset(src, 0, sizeof *src);
    if (!n)
        return OTTO_OK;
    if (!(src->trials = otto__calloc(a, n, sizeof *src->trials)))
        return OTTO_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const otto_trial *t = trials[i];
        double f;
        if (!t || otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE || otto_trial_value(t, &f))
            continue;
        otto__cma_source_trial *s = &src->trials[src->n++];
        s->f = f;
        size_t cnt = otto_trial_param_count(t);
        if (cnt && !(s->params = otto__calloc(a, cnt, sizeof *s->params)))
            return OTTO_ENOMEM;
        for (size_t k = 0; k < cnt; k++) {
            const char *name;
            otto_distribution d;
            double v;
            if (otto_trial_param_at(t, k, &name, &d, &v) || d.kind == OTTO_DIST_CATEGORICAL)
                continue;
            otto__cma_source_param *p = &s->params[s->n];
            if (!(p->name = otto__strdup(a, name)))
                return OTTO_ENOMEM;
            d.choices = NULL;
            d.n_choices = 0;
            p->dist = d;
            p->value = v;
            s->n++;
        }
    }
    return OTTO_OK;
}

static int same(const otto_distribution *a, const otto_distribution *b)
{
    return a->kind == b->kind && a->flags == b->flags && a->low == b->low &&
           a->high == b->high && a->step == b->step;
}

/* The source trial's unit point over the keys, or 0 when it lacks one. */
static int point(const otto__cma_source_trial *s, const otto_param_key *const *keys, size_t n,
                 double *x)
{
    for (size_t i = 0; i < n; i++) {
        const otto_distribution *d = otto_param_key_distribution(keys[i]);
        const otto__cma_source_param *p = NULL;
        for (size_t k = 0; k < s->n && !p; k++)
            if (!strcmp(s->params[k].name, otto_param_key_name(keys[i])) &&
                same(&s->params[k].dist, d))
                p = &s->params[k];
        if (!p || !otto_distribution_unit_inside(d, p->value, &x[i]))
            return 0;
    }
    return 1;
}

typedef struct ranked {
    double f;
    size_t i;
} ranked;

static int by_f(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return a->f < b->f ? -1 : a->f > b->f ? 1 : (a->i > b->i) - (a->i < b->i);
}

int otto__cma_warm_start(const otto__cma_source *src, const otto_allocator *a,
                         const otto_param_key *const *keys, size_t n, int maximize,
                         double *mean, double *sigma, double *cov)
{
    double *x = otto__calloc(a, (src->n + 1) * (n ? n : 1), sizeof *x);
    ranked *r = otto__calloc(a, src->n + 1, sizeof *r);
    double *l = otto__calloc(a, n * n + 1, sizeof *l);
    size_t m = 0;
    int rc = x && r && l ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < src->n; i++)
        if (!isnan(src->trials[i].f) && point(&src->trials[i], keys, n, x + m * n)) {
            r[m].f = maximize ? -src->trials[i].f : src->trials[i].f;
            r[m].i = m;
            m++;
        }
    size_t top = (size_t)floor((double)m * GAMMA);
    if (!rc && top < 1)
        rc = OTTO_ENOTFOUND;
    if (!rc) {
        qsort(r, m, sizeof *r, by_f);
        memset(mean, 0, n * sizeof *mean);
        memset(cov, 0, n * n * sizeof *cov);
        for (size_t t = 0; t < top; t++) {
            const double *xi = x + r[t].i * n;
            for (size_t j = 0; j < n; j++) {
                mean[j] += xi[j] / (double)top;
                for (size_t i = 0; i < n; i++)
                    cov[i + j * n] += xi[i] * xi[j] / (double)top;
            }
        }
        for (size_t j = 0; j < n; j++) {
            for (size_t i = 0; i < n; i++)
                cov[i + j * n] -= mean[i] * mean[j];
            cov[j + j * n] += ALPHA * ALPHA;
        }
        /* Sigma is positive definite (alpha^2 I plus a covariance) */
        double jitter;
        rc = otto__la_cholesky(cov, n, n, l, n, 0, 0, &jitter);
        if (!rc) {
            double logdet = otto__la_cholesky_logdet(l, n, n);
            *sigma = exp(logdet / (2.0 * (double)n));
            double scale = exp(-logdet / (double)n);
            for (size_t k = 0; k < n * n; k++)
                cov[k] *= scale;
        }
    }
    otto__free(a, x);
    otto__free(a, r);
    otto__free(a, l);
    return rc;
}
