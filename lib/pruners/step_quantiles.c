/* Running per-step quantiles (see step_quantiles.h). The quantile follows
 * numpy's default linear interpolation between the order statistics around
 * rank q * (n - 1), the way Optuna's percentile pruner computes it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "step_quantiles.h"

#define EMPTY INT64_MIN

static int heap_push(const otto_allocator *a, otto__heap *h, double x, int max_heap)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 8;
        double *v = otto__reallocarray(a, h->v, cap, sizeof *v);
        if (!v)
            return OTTO_ENOMEM;
        h->v = v;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        int up = max_heap ? x > h->v[p] : x < h->v[p];
        if (!up)
            break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = x;
    return OTTO_OK;
}

static double heap_pop(otto__heap *h, int max_heap)
{
    double top = h->v[0], x = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && (max_heap ? h->v[c + 1] > h->v[c] : h->v[c + 1] < h->v[c]))
            c++;
        if (max_heap ? h->v[c] <= x : h->v[c] >= x)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n)
        h->v[i] = x;
    return top;
}

void otto__sq_init(otto__step_quantiles *s, double q, const otto_allocator *a)
{
    memset(s, 0, sizeof *s);
    s->q = q;
    s->a = a;
}

void otto__sq_free(otto__step_quantiles *s)
{
    for (size_t i = 0; i < s->cap; i++)
        if (s->keys[i] != EMPTY) {
            otto__free(s->a, s->vals[i].lower.v);
            otto__free(s->a, s->vals[i].upper.v);
        }
    otto__free(s->a, s->keys);
    otto__free(s->a, s->vals);
    const otto_allocator *a = s->a;
    memset(s, 0, sizeof *s);
    s->a = a;
}

static size_t slot(const otto__step_quantiles *s, int64_t step)
{
    uint64_t h = (uint64_t)step * 0x9e3779b97f4a7c15ULL;
    size_t i = (size_t)(h >> 20) & (s->cap - 1);
    while (s->keys[i] != EMPTY && s->keys[i] != step)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static int grow(otto__step_quantiles *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64;
    int64_t *keys = otto__calloc(s->a, cap, sizeof *keys);
    otto__quantile *vals = otto__calloc(s->a, cap, sizeof *vals);
    if (!keys || !vals) {
        otto__free(s->a, keys);
        otto__free(s->a, vals);
        return OTTO_ENOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        keys[i] = EMPTY;
    otto__step_quantiles old = *s;
    s->keys = keys;
    s->vals = vals;
    s->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i] != EMPTY) {
            size_t j = slot(s, old.keys[i]);
            s->keys[j] = old.keys[i];
            s->vals[j] = old.vals[i];
        }
    otto__free(s->a, old.keys);
    otto__free(s->a, old.vals);
    return OTTO_OK;
}

int otto__sq_add(otto__step_quantiles *s, int64_t step, double value)
{
    if ((s->n + 1) * 4 > s->cap * 3 && grow(s))
        return OTTO_ENOMEM;
    size_t i = slot(s, step);
    if (s->keys[i] == EMPTY) {
        s->keys[i] = step;
        s->n++;
    }
    otto__quantile *qt = &s->vals[i];
    qt->n_reported++;
    if (isnan(value))
        return OTTO_OK;
    int rc = (qt->lower.n == 0 || value <= qt->lower.v[0]) ? heap_push(s->a, &qt->lower, value, 1)
                                                            : heap_push(s->a, &qt->upper, value, 0);
    if (rc)
        return rc;
    /* rebalance: the lower heap holds the order statistics 0 .. floor(rank) */
    size_t n = qt->lower.n + qt->upper.n;
    size_t want = (size_t)floor(s->q * (double)(n - 1)) + 1;
    while (qt->lower.n > want)
        if (heap_push(s->a, &qt->upper, heap_pop(&qt->lower, 1), 0))
            return OTTO_ENOMEM;
    while (qt->lower.n < want)
        if (heap_push(s->a, &qt->lower, heap_pop(&qt->upper, 0), 1))
            return OTTO_ENOMEM;
    return OTTO_OK;
}

double otto__sq_get(const otto__step_quantiles *s, int64_t step, size_t *n_reported)
{
    *n_reported = 0;
    if (!s->cap)
        return NAN;
    size_t i = slot(s, step);
    if (s->keys[i] == EMPTY)
        return NAN;
    const otto__quantile *qt = &s->vals[i];
    *n_reported = qt->n_reported;
    size_t n = qt->lower.n + qt->upper.n;
    if (n == 0)
        return NAN;
    double rank = s->q * (double)(n - 1), frac = rank - floor(rank);
    double lo = qt->lower.v[0];
    if (frac == 0 || qt->upper.n == 0)
        return lo;
    return lo + (qt->upper.v[0] - lo) * frac;
}
