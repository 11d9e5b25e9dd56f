/* otto_study_param_importances: gathers the study's COMPLETE trials and
 * their targets, picks the params an evaluator assesses, encodes them, runs
 * fANOVA or PED-ANOVA (fanova.c, ped_anova.c), then normalizes and sorts.
 * All of it, the result included, on the study's allocator. */
#include <math.h>
#include <stddef.h> /* max_align_t */
#include <stdlib.h> /* qsort */
#include <string.h>

#include "common/options.h"
#include "importance/evaluators.h"
#include "otto/importance.h"

/* At most this many named params (names are checked pairwise for repeats). */
#define OTTO_IMPORTANCE_PARAMS_MAX 4096
/* fANOVA's encoded trials (rows x columns, 8 bytes each) stay under 256 MiB. */
#define FANOVA_CELLS_MAX (1 << 25)

void otto_importance_options_init_sized(otto_importance_options *o, size_t size)
{
    otto_importance_options def = {
        .evaluator = OTTO_IMPORTANCE_FANOVA,
        .seed = 0,
        .normalize = 1,
        .n_trees = 64,
        .max_depth = 64,
        .target_quantile = 0.1,
        .region_quantile = 1.0,
        .evaluate_on_local = 1,
    };
    OTTO__OPTIONS_INIT(o, size, def);
}

/* A param under assessment: its name (owned by the study) and, for fANOVA,
 * its one distribution. */
typedef struct param {
    const char *name;
    otto_distribution dist;
    double importance;
} param;

static int single_valued(const otto_distribution *d)
{
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return d->n_choices < 2;
    return !(d->low < d->high) || otto_distribution_grid_size(d) == 1;
}

/* Param `name` of trial t: 1 and its distribution and internal value if the
 * trial has it, else 0. */
static int trial_param(const otto_trial *t, const char *name, otto_distribution *dist,
                       double *value)
{
    size_t n = otto_trial_param_count(t);
    for (size_t i = 0; i < n; i++) {
        const char *pn;
        if (otto_trial_param_at(t, i, &pn, dist, value) == OTTO_OK &&
            (pn == name || strcmp(pn, name) == 0))
            return 1;
    }
    return 0;
}

static int by_importance(const void *a, const void *b)
{
    const otto_param_importance *x = a, *y = b;
    if (x->importance != y->importance)
        return x->importance > y->importance ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* What precedes the entries of a result block: the allocator that
 * otto_param_importances_free gives the block back to (a copy, so the
 * result may outlive the study, though not its allocator), padded so the
 * entries that follow are aligned. */
typedef union result_head {
    otto_allocator alloc;
    max_align_t align;
} result_head;

/* The completed trials with a finite target, in trial order. */
typedef struct rows {
    const otto_trial **trial;
    double *y;
    size_t n;
} rows;

static int gather(const otto_importance_options *o, const otto_allocator *a,
                  const otto_trial **complete, size_t n_complete, rows *r)
{
    r->trial = otto__calloc(a, n_complete ? n_complete : 1, sizeof *r->trial);
    r->y = otto__calloc(a, n_complete ? n_complete : 1, sizeof *r->y);
    r->n = 0;
    if (!r->trial || !r->y)
        return otto__error(OTTO_ENOMEM, "param_importances: out of memory");
    for (size_t i = 0; i < n_complete; i++) {
        double y;
        if (o->target) {
            if (o->target(complete[i], o->target_user_data, &y))
                return otto__error(OTTO_ECALLBACK,
                                   "param_importances: the target failed on trial %lld",
                                   (long long)otto_trial_number(complete[i]));
        } else if (otto_trial_value(complete[i], &y) != OTTO_OK) {
            continue;
        }
        if (!isfinite(y))
            continue;
        r->trial[r->n] = complete[i];
        r->y[r->n++] = y;
    }
    return OTTO_OK;
}

/* The params fANOVA assesses and the rows that have all of them. */
static int fanova_params(const otto_importance_options *o, const otto_trial **complete,
                         size_t n_complete, param *ps, size_t *n_ps)
{
    size_t n = 0;
    if (o->params && o->n_params == 0) {
        *n_ps = 0;
        return OTTO_OK;
    }
    if (o->params) {
        int seen = 0;
        for (size_t i = 0; i < n_complete; i++) {
            otto_distribution d;
            size_t k;
            for (k = 0; k < o->n_params; k++)
                if (!trial_param(complete[i], o->params[k], &d, NULL))
                    break;
            if (k < o->n_params)
                continue;
            for (k = 0; k < o->n_params; k++) {
                trial_param(complete[i], o->params[k], &d, NULL);
                if (!seen) {
                    ps[k].name = o->params[k];
                    ps[k].dist = d;
                } else if (!otto_distribution_equal(&ps[k].dist, &d)) {
                    return otto__error(OTTO_EINVAL,
                                       "param_importances: param '%s' changes its distribution "
                                       "between trials (fANOVA needs one)",
                                       o->params[k]);
                }
            }
            seen = 1;
        }
        if (!seen)
            return otto__error(OTTO_ENOTFOUND,
                               "param_importances: no COMPLETE trial has all the named params");
        *n_ps = o->n_params;
        return OTTO_OK;
    }
    /* the intersection search space: in every COMPLETE trial, one distribution */
    if (n_complete) {
        size_t c = otto_trial_param_count(complete[0]);
        for (size_t i = 0; i < c; i++) {
            otto_trial_param_at(complete[0], i, &ps[n].name, &ps[n].dist, NULL);
            n++;
        }
    }
    for (size_t t = 1; t < n_complete && n; t++) {
        size_t kept = 0;
        for (size_t k = 0; k < n; k++) {
            otto_distribution d;
            if (trial_param(complete[t], ps[k].name, &d, NULL) &&
                otto_distribution_equal(&d, &ps[k].dist))
                ps[kept++] = ps[k];
        }
        n = kept;
    }
    *n_ps = n;
    return OTTO_OK;
}

static int run_fanova(const otto_importance_options *o, const otto_allocator *a, const rows *r,
                      param *ps, size_t n_ps)
{
    /* rows with every param (all of them, unless params were named) */
    size_t P = 0, n_cols = 0;
    size_t *col_start = otto__calloc(a, n_ps + 1, sizeof(size_t));
    size_t *n_cols_of = otto__calloc(a, n_ps + 1, sizeof(size_t));
    unsigned char *onehot = otto__malloc(a, n_ps + 1);
    size_t *which = otto__calloc(a, n_ps + 1, sizeof(size_t));
    double *imp = otto__calloc(a, n_ps + 1, sizeof(double));
    double *x = NULL, *y = NULL;
    int rc = OTTO_ENOMEM;
    if (!col_start || !n_cols_of || !onehot || !which || !imp)
        goto done;
    for (size_t k = 0; k < n_ps; k++) {
        ps[k].importance = 0;
        if (single_valued(&ps[k].dist))
            continue;
        which[P] = k;
        col_start[P] = n_cols;
        onehot[P] = ps[k].dist.kind == OTTO_DIST_CATEGORICAL;
        n_cols_of[P] = onehot[P] ? ps[k].dist.n_choices : 1;
        n_cols += n_cols_of[P++];
    }
    rc = OTTO_OK;
    if (P == 0 || r->n < 2)
        goto done;
    if (r->n > FANOVA_CELLS_MAX / n_cols) {
        rc = otto__error(OTTO_ERANGE,
                         "param_importances: %zu trials x %zu encoded columns (a categorical "
                         "counts one per choice) is over fANOVA's limit of %d cells; name "
                         "fewer params, or use PED-ANOVA",
                         r->n, n_cols, FANOVA_CELLS_MAX);
        goto done;
    }
    rc = OTTO_ENOMEM;
    x = otto__calloc(a, r->n * n_cols, sizeof *x);
    y = otto__calloc(a, r->n, sizeof *y);
    if (!x || !y)
        goto done;
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        double *row = x + n * n_cols;
        size_t g;
        for (g = 0; g < P; g++) {
            otto_distribution d;
            double v;
            if (!trial_param(r->trial[i], ps[which[g]].name, &d, &v))
                break;
            if (onehot[g]) {
                size_t c = (size_t)v;
                if (c >= n_cols_of[g])
                    break;
                row[col_start[g] + c] = 1;
            } else {
                row[col_start[g]] = otto_distribution_to_unit(&ps[which[g]].dist, v);
            }
        }
        if (g < P) { /* a row without every param (params were named) */
            memset(row, 0, n_cols * sizeof *row);
            continue;
        }
        y[n++] = r->y[i];
    }
    rc = OTTO_OK;
    if (n < 2)
        goto done;
    otto__fanova_input in = {n, n_cols, P, x, y, col_start, n_cols_of, onehot};
    uint64_t seed = o->seed;
    rc = o->seed == OTTO_SEED_NONE ? otto__entropy64(&seed) : OTTO_OK;
    if (!rc)
        rc = otto__fanova(&in, a, o->n_trees, o->max_depth, seed, imp);
    if (rc)
        goto done;
    for (size_t g = 0; g < P; g++)
        ps[which[g]].importance = imp[g];
done:
    if (rc == OTTO_ENOMEM)
        otto__error(rc, "param_importances: out of memory");
    otto__free(a, col_start);
    otto__free(a, n_cols_of);
    otto__free(a, onehot);
    otto__free(a, which);
    otto__free(a, imp);
    otto__free(a, x);
    otto__free(a, y);
    return rc;
}

/* The params PED-ANOVA assesses: the named ones, or every param of a
 * COMPLETE trial (each name once). ps has room for every param of every
 * complete trial. */
static int ped_params(const otto_importance_options *o, const otto_trial **complete,
                      size_t n_complete, param *ps, size_t *n_ps)
{
    size_t n = 0;
    if (o->params) {
        for (size_t k = 0; k < o->n_params; k++) {
            size_t i;
            for (i = 0; i < n_complete; i++)
                if (trial_param(complete[i], o->params[k], &ps[k].dist, NULL))
                    break;
            if (i == n_complete)
                return otto__error(OTTO_ENOTFOUND,
                                   "param_importances: no COMPLETE trial has param '%s'",
                                   o->params[k]);
            ps[k].name = o->params[k];
        }
        *n_ps = o->n_params;
        return OTTO_OK;
    }
    for (size_t i = 0; i < n_complete; i++) {
        size_t c = otto_trial_param_count(complete[i]);
        for (size_t j = 0; j < c; j++) {
            const char *name;
            otto_distribution d;
            otto_trial_param_at(complete[i], j, &name, &d, NULL);
            size_t k;
            for (k = 0; k < n; k++)
                if (ps[k].name == name || strcmp(ps[k].name, name) == 0)
                    break;
            if (k == n) {
                ps[n].name = name;
                ps[n++].dist = d;
            }
        }
    }
    *n_ps = n;
    return OTTO_OK;
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Mark (keep[]) the rows whose loss is at or below the value of rank
 * ceil(q n) among them; returns how many. */
static size_t top_quantile(const double *loss, size_t n, double q, double *sorted,
                           unsigned char *keep)
{
    memcpy(sorted, loss, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, ascending);
    size_t rank = (size_t)ceil(q * (double)n);
    rank = rank < 1 ? 1 : rank > n ? n : rank;
    double cut = sorted[rank - 1];
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        keep[i] = loss[i] <= cut;
        kept += keep[i];
    }
    return kept;
}

/* Conditional PED-ANOVA: for each param, each regime (the region trials
 * that have it with one distribution) adds alpha^2 / beta times its
 * divergence, alpha and beta being the regime's shares of the target and
 * region trials; the sum is scaled by (|target| / |region|)^2. */
static int run_ped_anova(const otto_study *s, const otto_importance_options *o,
                         const otto_allocator *a, const rows *r, param *ps, size_t n_ps)
{
    size_t n = r->n;
    for (size_t k = 0; k < n_ps; k++)
        ps[k].importance = 0;
    if (n < 2)
        return OTTO_OK;
    double *loss = otto__calloc(a, n, sizeof(double)), *sorted = otto__calloc(a, n, sizeof(double));
    double *values = otto__calloc(a, n, sizeof(double));
    unsigned char *in_target = otto__malloc(a, n), *in_region = otto__malloc(a, n);
    unsigned char *sub_target = otto__malloc(a, n), *done_row = otto__malloc(a, n);
    int rc = OTTO_ENOMEM;
    if (!loss || !sorted || !values || !in_target || !in_region || !sub_target || !done_row)
        goto done;
    /* lower is better: the objective as the study's direction says, or the
     * target as given */
    double sign = !o->target && otto_study_direction(s, 0) == OTTO_MAXIMIZE ? -1 : 1;
    for (size_t i = 0; i < n; i++)
        loss[i] = sign * r->y[i];
    size_t n_target = top_quantile(loss, n, o->target_quantile, sorted, in_target);
    size_t n_region = top_quantile(loss, n, o->region_quantile, sorted, in_region);
    double quantile = (double)n_target / (double)n_region;
    for (size_t k = 0; k < n_ps; k++) {
        memset(done_row, 0, n);
        for (size_t i = 0; i < n; i++) { /* each regime, found at its first row */
            otto_distribution d;
            if (done_row[i] || !in_region[i] || !trial_param(r->trial[i], ps[k].name, &d, NULL))
                continue;
            size_t m = 0, m_target = 0;
            for (size_t j = i; j < n; j++) {
                otto_distribution dj;
                double v;
                if (done_row[j] || !in_region[j] || !trial_param(r->trial[j], ps[k].name, &dj, &v) ||
                    !otto_distribution_equal(&d, &dj))
                    continue;
                done_row[j] = 1;
                values[m] = v;
                sub_target[m] = in_target[j];
                m_target += in_target[j];
                m++;
            }
            if (m < 2 || m_target == 0 || single_valued(&d))
                continue;
            double div = otto__ped_anova_divergence(a, &d, values, sub_target, m,
                                                    o->evaluate_on_local);
            if (div < 0)
                goto done;
            double alpha = (double)m_target / (double)n_target;
            double beta = (double)m / (double)n_region;
            ps[k].importance += alpha * alpha / beta * div;
        }
        ps[k].importance *= quantile * quantile;
    }
    rc = OTTO_OK;
done:
    if (rc)
        otto__error(rc, "param_importances: out of memory");
    otto__free(a, loss);
    otto__free(a, sorted);
    otto__free(a, values);
    otto__free(a, in_target);
    otto__free(a, in_region);
    otto__free(a, sub_target);
    otto__free(a, done_row);
    return rc;
}

static int check_options(const otto_study *s, const otto_importance_options *o)
{
    if (o->evaluator != OTTO_IMPORTANCE_FANOVA && o->evaluator != OTTO_IMPORTANCE_PED_ANOVA)
        return otto__error(OTTO_EINVAL, "param_importances: unknown evaluator %d",
                           (int)o->evaluator);
    if (!o->target && otto_study_n_objectives(s) > 1)
        return otto__error(OTTO_EINVAL, "param_importances: a study with %zu objectives needs "
                                        "a target (which value to assess)",
                           otto_study_n_objectives(s));
    if (o->params && o->n_params > OTTO_IMPORTANCE_PARAMS_MAX)
        return otto__error(OTTO_EINVAL, "param_importances: %zu params (at most %d)",
                           o->n_params, OTTO_IMPORTANCE_PARAMS_MAX);
    for (size_t k = 0; o->params && k < o->n_params; k++) {
        int rc = otto__text_check(o->params[k], 0, "param_importances", "param name");
        if (rc)
            return rc;
        for (size_t j = 0; j < k; j++)
            if (strcmp(o->params[j], o->params[k]) == 0)
                return otto__error(OTTO_EINVAL, "param_importances: param '%s' named twice",
                                   o->params[k]);
    }
    if (o->evaluator == OTTO_IMPORTANCE_FANOVA &&
        (o->n_trees < 1 || o->n_trees > 100000 || o->max_depth < 1 || o->max_depth > 1024))
        return otto__error(OTTO_EINVAL, "param_importances: fANOVA needs 1 <= n_trees <= 100000 "
                                        "and 1 <= max_depth <= 1024 (got %zu, %zu)",
                           o->n_trees, o->max_depth);
    if (o->evaluator == OTTO_IMPORTANCE_PED_ANOVA &&
        !(o->target_quantile > 0 && o->target_quantile < o->region_quantile &&
          o->region_quantile <= 1))
        return otto__error(OTTO_EINVAL, "param_importances: PED-ANOVA needs 0 < target_quantile "
                                        "< region_quantile <= 1 (got %g, %g)",
                           o->target_quantile, o->region_quantile);
    return OTTO_OK;
}

int otto_study_param_importances(const otto_study *s, const otto_importance_options *opts,
                                 otto_param_importance **out, size_t *n_out)
{
    if (!out || !n_out)
        return otto__error(OTTO_EINVAL, "param_importances: NULL output");
    *out = NULL;
    *n_out = 0;
    if (!s)
        return otto__error(OTTO_EINVAL, "param_importances: NULL study");
    otto_importance_options o;
    otto_importance_options_init(&o);
    if (opts) {
        int rc = otto__options_copy(&o, sizeof o, opts, "importance_options");
        if (rc)
            return rc;
    }
    int rc = check_options(s, &o);
    if (rc)
        return rc;

    const otto_allocator *a = otto_study_allocator(s);
    size_t count = otto_study_trial_count(s), n_complete = 0, n_slots = 0;
    const otto_trial **complete = otto__calloc(a, count ? count : 1, sizeof *complete);
    rows r = {0};
    param *ps = NULL;
    result_head *res = NULL;
    rc = OTTO_ENOMEM;
    if (!complete)
        goto done;
    for (size_t i = 0; i < count; i++) {
        const otto_trial *t;
        if (otto_study_trial(s, (int64_t)i, &t) == OTTO_OK &&
            otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE) {
            complete[n_complete++] = t;
            n_slots += otto_trial_param_count(t);
        }
    }
    if (o.params)
        n_slots = o.n_params;
    ps = otto__calloc(a, n_slots ? n_slots : 1, sizeof *ps);
    if (!ps)
        goto done;
    size_t n_ps = 0;
    rc = o.evaluator == OTTO_IMPORTANCE_FANOVA
             ? fanova_params(&o, complete, n_complete, ps, &n_ps)
             : ped_params(&o, complete, n_complete, ps, &n_ps);
    if (!rc)
        rc = gather(&o, a, complete, n_complete, &r);
    if (!rc)
        rc = o.evaluator == OTTO_IMPORTANCE_FANOVA ? run_fanova(&o, a, &r, ps, n_ps)
                                                   : run_ped_anova(s, &o, a, &r, ps, n_ps);
    if (rc)
        goto done;

    double sum = 0;
    size_t names = 0;
    for (size_t k = 0; k < n_ps; k++) {
        sum += ps[k].importance;
        names += strlen(ps[k].name) + 1;
    }
    if (o.normalize)
        for (size_t k = 0; k < n_ps; k++)
            ps[k].importance = sum > 0 ? ps[k].importance / sum : 1.0 / (double)n_ps;
    /* one block: the allocator, the entries, then their names */
    size_t n_entries = n_ps ? n_ps : 1;
    if (n_entries > (SIZE_MAX - sizeof *res - names) / sizeof(otto_param_importance)) {
        rc = otto__error(OTTO_ENOMEM, "param_importances: out of memory");
        goto done;
    }
    res = otto__malloc(a, sizeof *res + sizeof(otto_param_importance) * n_entries + names);
    rc = OTTO_ENOMEM;
    if (!res)
        goto done;
    res->alloc = *a;
    otto_param_importance *entries = (otto_param_importance *)(res + 1);
    char *text = (char *)(entries + n_entries);
    for (size_t k = 0; k < n_ps; k++) {
        size_t len = strlen(ps[k].name) + 1;
        memcpy(text, ps[k].name, len);
        entries[k].name = text;
        entries[k].importance = ps[k].importance;
        text += len;
    }
    qsort(entries, n_ps, sizeof *entries, by_importance);
    *out = entries;
    *n_out = n_ps;
    res = NULL;
    rc = OTTO_OK;
done:
    if (rc == OTTO_ENOMEM)
        otto__error(rc, "param_importances: out of memory");
    otto__free(a, complete);
    otto__free(a, r.trial);
    otto__free(a, r.y);
    otto__free(a, ps);
    otto__free(a, res);
    return rc;
}

void otto_param_importances_free(otto_param_importance *imp)
{
    if (!imp)
        return;
    result_head *head = (result_head *)(void *)imp - 1;
    otto_allocator a = head->alloc;
    otto__free(&a, head);
}
