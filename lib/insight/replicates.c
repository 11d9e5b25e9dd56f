/* Replicate statistics (see model.h): usable trials with identical params
 * grouped into configurations, each with its mean loss and spread, and the
 * within-configuration variance pooled over the repeated ones, the model of
 * last resort where no GP can be fitted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insight/model.h"

/* 1 when params p (of a) and q (of b) are the same value: categoricals by
 * label (indices of two choice lists may differ), numbers by value. */
static int same_value(const otto_distribution *da, double va, const otto_distribution *db,
                      double vb)
{
    if ((da->kind == OTTO_DIST_CATEGORICAL) != (db->kind == OTTO_DIST_CATEGORICAL))
        return 0;
    if (da->kind != OTTO_DIST_CATEGORICAL)
        return va == vb;
    size_t ia = (size_t)va, ib = (size_t)vb;
    if (ia >= da->n_choices || ib >= db->n_choices)
        return 0;
    return strcmp(da->choices[ia], db->choices[ib]) == 0;
}

int otto__insight_same_params(const otto_trial *a, const otto_trial *b)
{
    size_t n = otto_trial_param_count(a);
    if (otto_trial_param_count(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *na, *nb;
        otto_distribution da, db;
        double va, vb;
        if (otto_trial_param_at(a, i, &na, &da, &va) != OTTO_OK)
            return 0;
        int found = 0;
        for (size_t k = 0; k < n && !found; k++) { /* usually at k == i */
            size_t j = (i + k) % n;
            if (otto_trial_param_at(b, j, &nb, &db, &vb) == OTTO_OK &&
                (na == nb || strcmp(na, nb) == 0))
                found = 1;
        }
        if (!found || !same_value(&da, va, &db, vb))
            return 0;
    }
    return 1;
}

/* A hash of t's params that does not depend on their order and agrees for
 * identical params. */
static uint64_t hash_params(const otto_trial *t)
{
    uint64_t h = 0;
    size_t n = otto_trial_param_count(t);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        otto_distribution d;
        double v;
        if (otto_trial_param_at(t, i, &name, &d, &v) != OTTO_OK)
            continue;
        uint64_t hv;
        if (d.kind == OTTO_DIST_CATEGORICAL && v >= 0 && (size_t)v < d.n_choices) {
            const char *label = d.choices[(size_t)v];
            hv = otto__hash_bytes(label, strlen(label));
        } else {
            v = v == 0.0 ? 0.0 : v;
            hv = otto__hash_bytes(&v, sizeof v);
        }
        h += otto__hash_bytes(name, strlen(name)) * 0x9e3779b97f4a7c15ULL ^ hv;
    }
    return h;
}

void otto__replicates_free(const otto__insight_data *data, otto__replicates *r)
{
    const otto_allocator *a = &data->alloc;
    otto__free(a, r->group);
    otto__free(a, r->first);
    otto__free(a, r->count);
    otto__free(a, r->mean);
    otto__free(a, r->m2);
    memset(r, 0, sizeof *r);
}

int otto__replicates_build(const otto__insight_data *data, otto__replicates *r)
{
    const otto_allocator *a = &data->alloc;
    size_t n = data->n, cap = n ? n : 1;
    memset(r, 0, sizeof *r);
    otto__keyed *k = otto__calloc(a, cap, sizeof *k);
    r->group = otto__calloc(a, cap, sizeof *r->group);
    r->first = otto__calloc(a, cap, sizeof *r->first);
    r->count = otto__calloc(a, cap, sizeof *r->count);
    r->mean = otto__calloc(a, cap, sizeof *r->mean);
    r->m2 = otto__calloc(a, cap, sizeof *r->m2);
    if (!k || !r->group || !r->first || !r->count || !r->mean || !r->m2) {
        otto__free(a, k);
        otto__replicates_free(data, r);
        return otto__error(OTTO_ENOMEM, "insight: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        k[i].h = hash_params(data->trial[i]);
        k[i].i = i;
        r->group[i] = SIZE_MAX;
    }
    qsort(k, n, sizeof *k, otto__keyed_cmp);
    /* within a run of equal hashes (in trial order), each trial joins the
     * first earlier one with identical params; groups are then numbered in
     * the order of their first trial */
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && k[e].h == k[s].h)
            e++;
        for (size_t i = s; i < e; i++) {
            size_t rep = k[i].i;
            for (size_t j = s; j < i; j++)
                if (r->group[k[j].i] == k[j].i &&
                    otto__insight_same_params(data->trial[k[j].i], data->trial[k[i].i])) {
                    rep = k[j].i;
                    break;
                }
            r->group[k[i].i] = rep; /* provisionally: the index of the first trial */
        }
        s = e;
    }
    otto__free(a, k);
    for (size_t i = 0; i < n; i++) {
        size_t rep = r->group[i]; /* rep <= i: its group is numbered already */
        if (rep == i) {
            r->first[r->n_groups] = i;
            r->group[i] = r->n_groups++;
        } else {
            r->group[i] = r->group[rep];
        }
    }
    /* Welford per group, in trial order */
    for (size_t i = 0; i < n; i++) {
        size_t g = r->group[i];
        double x = data->loss[i], delta = x - r->mean[g];
        r->count[g]++;
        r->mean[g] += delta / (double)r->count[g];
        r->m2[g] += delta * (x - r->mean[g]);
    }
    double ss = 0.0;
    for (size_t g = 0; g < r->n_groups; g++)
        if (r->count[g] > 1) {
            ss += r->m2[g];
            r->pooled_df += r->count[g] - 1;
        }
    r->pooled_var = r->pooled_df ? ss / (double)r->pooled_df : NAN;
    return OTTO_OK;
}
