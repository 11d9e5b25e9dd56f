/* The TPE sampler (Bergstra et al. 2011; the components as analysed by
 * Watanabe 2023 and implemented by Optuna): split the observed trials into
 * the best gamma(n) ("below", density l) and the rest ("above", density g),
 * draw candidates from l and keep the one maximizing l(x)/g(x).
 *
 * Univariate mode estimates one parameter at a time when it is suggested;
 * multivariate mode estimates the relative search space jointly at ask time,
 * decomposed into groups of parameters that always appear together (group
 * mode) so conditional spaces are handled. Pruned trials rank after complete
 * ones by how far they got, infeasible trials (constraints > 0) after those,
 * and running trials ("constant liar") always count as bad. Between calls
 * the sampler keeps only what finished (immutable) trials determine: their
 * coordinates in sorted order per parameter (tpe_cache.c), their ranks, the
 * group decomposition, and warm scratch memory, all under one lock and each
 * brought up to date from the view, so it is safe from many threads at once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "arena.h"
#include "pareto_split.h"
#include "parzen.h"
#include "tpe_cache.h"

/* One parameter of a sampling problem: its name (id) and the key of the
 * distribution it is sampled with now. */
typedef struct column {
    const void *name;
    const otto_param_key *spec;
} column;

/* Trial j's param key and name id (finished trials and the asking one). */
static const otto_param_key *key_at(const otto_trial *t, size_t j)
{
    return otto_trial_param_key(t, j, NULL);
}

static const void *name_at(const otto_trial *t, size_t j)
{
    return otto_param_key_name_id(otto_trial_param_key(t, j, NULL));
}

static const otto_distribution *dist_of(const column *c)
{
    return otto_param_key_distribution(c->spec);
}

typedef struct group {
    column *cols;
    size_t n;
} group;

typedef struct groups {
    group *g;
    size_t n, cap;
} groups;

typedef struct tpe {
    otto_tpe_options o;
    otto_allocator own;    /* from create: this struct */
    otto__arena_pool pool; /* scratch memory of the calls in flight */
    otto__tpe_cache cache; /* coordinates and their order, kept across asks */
    /* the group decomposition of the first kept_seen view entries (under
     * cache.mu; allocated from kept_alloc, the study's) */
    groups kept;
    size_t kept_seen;
    int kept_any;
    const otto_allocator *kept_alloc;
    /* how the first ranks_seen view entries rank (under cache.mu) */
    struct ranked *ranks;
    size_t ranks_seen, ranks_cap;
    const otto_allocator *ranks_alloc;
} tpe;

/* A trial gathered for estimation, with its ranking key (smaller is better). */
struct ranked {
    int cls;           /* 0 feasible complete, 1 pruned, 2 infeasible, 3 running */
    double k1, k2;
    int64_t number;
    size_t row;        /* its row of unit coordinates */
    size_t vi;         /* its view index; SIZE_MAX for a running trial */
    const otto_trial *trial;
};
typedef struct ranked ranked;

enum { CLS_COMPLETE = 0, CLS_PRUNED = 1, CLS_INFEASIBLE = 2, CLS_RUNNING = 3 };

/* ---- defaults ------------------------------------------------------------------------ */

size_t otto_tpe_default_gamma(size_t n, void *user_data)
{
    (void)user_data;
    size_t g = (n + 9) / 10; /* ceil(0.1 n) */
    return g < 25 ? g : 25;
}

int otto_tpe_default_weights(size_t n, double *out, void *user_data)
{
    (void)user_data;
    if (n < 25) {
        for (size_t i = 0; i < n; i++)
            out[i] = 1.0;
        return OTTO_OK;
    }
    size_t ramp = n - 25; /* linspace(1/n, 1, n - 25) for the oldest trials */
    for (size_t i = 0; i < ramp; i++)
        out[i] = ramp == 1 ? 1.0 / (double)n
                           : 1.0 / (double)n + (double)i * (1.0 - 1.0 / (double)n) /
                                                   (double)(ramp - 1);
    for (size_t i = ramp; i < n; i++)
        out[i] = 1.0;
    return OTTO_OK;
}

/* otto's defaults where they depart from Optuna's (measured on the
 * comparison suite; see otto_sampler_tpe_create(3)): with joint kernels, the
 * best 15% of the trials (Optuna: 10%) form the good side, and up to 128
 * candidates (Optuna: 24) are drawn while the bad side has few kernels: a
 * budget of EI_BUDGET kernels times candidates, never under 24. */
#define GAMMA_JOINT 0.15
#define GAMMA_OPTUNA 0.10
#define EI_MAX 128
#define EI_MIN 24
#define EI_BUDGET 32768

/* The good side's size among n finished trials (running ones are all
 * "above") when the user gave no gamma function. */
static size_t default_n_below(const tpe *s, const otto_view *v, size_t n, int multivariate)
{
    double f = s->o.gamma_fraction > 0 ? s->o.gamma_fraction
               : multivariate         ? GAMMA_JOINT
                                      : GAMMA_OPTUNA;
    size_t k = (size_t)ceil(f * (double)n - 1e-9);
    /* several objectives: no cap, as in Optuna */
    return otto_view_n_objectives(v) > 1 || k < 25 ? k : 25;
}

static size_t n_candidates(const tpe *s, size_t n_above, int multivariate)
{
    if (s->o.n_ei_candidates)
        return s->o.n_ei_candidates;
    if (!multivariate)
        return EI_MIN;
    size_t n = EI_BUDGET / (n_above + 1);
    return n > EI_MAX ? EI_MAX : n < EI_MIN ? EI_MIN : n;
}

/* ---- helpers over the view ----------------------------------------------------------- */


/* The multivariate switch after OTTO_TPE_AUTO: joint for one objective. */
static int is_multivariate(const tpe *s, const otto_view *v)
{
    return s->o.multivariate == OTTO_TPE_AUTO ? otto_view_n_objectives(v) == 1
                                              : s->o.multivariate;
}

static size_t window_start(const tpe *s, const otto_view *v)
{
    size_t n = otto_view_count(v);
    return s->o.n_history && n > s->o.n_history ? n - s->o.n_history : 0;
}

/* Whether the view has n_startup_trials usable trials (TPE's turn); stops
 * counting there. */
static int past_startup(const tpe *s, const otto_view *v)
{
    size_t c = 0;
    for (size_t i = window_start(s, v); i < otto_view_count(v) && c < s->o.n_startup_trials; i++)
        c += otto_trial_is_learnable(otto_view_trial(v, i));
    return c >= s->o.n_startup_trials;
}

static int single_valued(const otto_distribution *d)
{
    return d->kind == OTTO_DIST_CATEGORICAL ? d->n_choices == 1 : d->low == d->high;
}

/* ---- groups of parameters seen together ----------------------------------------------- */

static void groups_free(const otto_allocator *a, groups *gs)
{
    for (size_t i = 0; i < gs->n; i++)
        otto__free(a, gs->g[i].cols);
    otto__free(a, gs->g);
    memset(gs, 0, sizeof *gs);
}

static int groups_push(const otto_allocator *a, groups *gs, column *cols, size_t n)
{
    if (n == 0) {
        otto__free(a, cols);
        return OTTO_OK;
    }
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 4;
        group *g = otto__reallocarray(a, gs->g, cap, sizeof *g);
        if (!g) {
            otto__free(a, cols);
            return OTTO_ENOMEM;
        }
        gs->g = g;
        gs->cap = cap;
    }
    gs->g[gs->n].cols = cols;
    gs->g[gs->n].n = n;
    gs->n++;
    return OTTO_OK;
}

/* Optuna's group decomposition: each group splits into the part a trial has
 * and the part it has not; the trial's new names form a group of their own. */
static int groups_add_trial(const otto_allocator *a, groups *gs, const otto_trial *t)
{
    /* fast path: the trial has exactly the one group's names, in order */
    size_t np = otto_trial_param_count(t);
    if (gs->n == 1 && gs->g[0].n == np) {
        size_t j = 0;
        while (j < np && gs->g[0].cols[j].name == name_at(t, j))
            j++;
        if (j == np) {
            for (j = 0; j < np; j++)
                gs->g[0].cols[j].spec = key_at(t, j);
            return OTTO_OK;
        }
    }
    unsigned char *used = otto__calloc(a, np + 1, 1);
    groups next = {0};
    int rc = used ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < gs->n; i++) {
        const group *g = &gs->g[i];
        column *in = otto__calloc(a, g->n, sizeof *in), *out = otto__calloc(a, g->n, sizeof *out);
        if (!in || !out) {
            otto__free(a, in);
            otto__free(a, out);
            rc = OTTO_ENOMEM;
            break;
        }
        size_t n_in = 0, n_out = 0;
        for (size_t c = 0; c < g->n; c++) {
            size_t j = 0;
            while (j < np && name_at(t, j) != g->cols[c].name)
                j++;
            if (j < np) {
                in[n_in].name = g->cols[c].name;
                in[n_in++].spec = key_at(t, j);
                used[j] = 1;
            } else {
                out[n_out++] = g->cols[c];
            }
        }
        rc = groups_push(a, &next, in, n_in);
        if (!rc)
            rc = groups_push(a, &next, out, n_out);
        else
            otto__free(a, out);
    }
    if (!rc) {
        column *fresh = otto__calloc(a, np + 1, sizeof *fresh);
        size_t n = 0;
        rc = fresh ? OTTO_OK : OTTO_ENOMEM;
        for (size_t j = 0; !rc && j < np; j++)
            if (!used[j]) {
                fresh[n].name = name_at(t, j);
                fresh[n++].spec = key_at(t, j);
            }
        if (!rc)
            rc = groups_push(a, &next, fresh, n);
    }
    otto__free(a, used);
    if (rc) {
        groups_free(a, &next);
        return rc;
    }
    groups_free(a, gs);
    *gs = next;
    return OTTO_OK;
}

/* The intersection (same distributions) of the usable trials' params. */
static int intersection_add_trial(const otto_allocator *a, groups *gs, const otto_trial *t,
                                  int first)
{
    if (first) {
        size_t np = otto_trial_param_count(t);
        column *cols = otto__calloc(a, np + 1, sizeof *cols);
        if (!cols)
            return OTTO_ENOMEM;
        for (size_t j = 0; j < np; j++) {
            cols[j].name = name_at(t, j);
            cols[j].spec = key_at(t, j);
        }
        return groups_push(a, gs, cols, np);
    }
    if (gs->n == 0)
        return OTTO_OK;
    group *g = &gs->g[0];
    size_t kept = 0;
    for (size_t c = 0; c < g->n; c++) {
        if (otto_trial_param_like(t, g->cols[c].spec, c, NULL) == g->cols[c].spec)
            g->cols[kept++] = g->cols[c];
    }
    g->n = kept;
    return OTTO_OK;
}

/* Add the usable trials among view entries [*from, to) to gs; *from ends
 * where the scan stopped (at to unless out of memory). */
static int scan_groups(const tpe *s, const otto_view *v, const otto_allocator *a, groups *gs,
                       size_t *from, size_t to, int *any)
{
    int rc = OTTO_OK;
    for (; !rc && *from < to; ++*from) {
        const otto_trial *t = otto_view_trial(v, *from);
        if (!otto_trial_is_learnable(t))
            continue;
        rc = s->o.group ? groups_add_trial(a, gs, t) : intersection_add_trial(a, gs, t, !*any);
        if (rc)
            break;
        *any = 1;
    }
    return rc;
}

static int groups_copy(const otto_allocator *a, const groups *from, groups *to)
{
    memset(to, 0, sizeof *to);
    for (size_t i = 0; i < from->n; i++) {
        column *cols = otto__malloc(a, (from->g[i].n + 1) * sizeof *cols);
        if (!cols) {
            groups_free(a, to);
            return OTTO_ENOMEM;
        }
        memcpy(cols, from->g[i].cols, from->g[i].n * sizeof *cols);
        if (groups_push(a, to, cols, from->g[i].n)) {
            groups_free(a, to);
            return OTTO_ENOMEM;
        }
    }
    return OTTO_OK;
}

/* Cut every cache kept by view index back to the prefix that view v shares
 * with the views they were built from (caller holds the cache lock): a
 * study's forgetting window slides and a pruner's filter changes the view,
 * so index i is not always the same trial. */
static int sync_caches(tpe *s, const otto_view *v)
{
    size_t valid;
    int rc = otto__tpe_cache_sync(&s->cache, v, &valid);
    if (s->kept_seen > valid) { /* a decomposition cannot be cut: start again */
        if (s->kept_alloc)
            groups_free(s->kept_alloc, &s->kept);
        s->kept_seen = 0;
        s->kept_any = 0;
    }
    if (s->ranks_seen > valid)
        s->ranks_seen = valid;
    return rc;
}

/* The decomposition of the view's usable trials (a copy in a). Without a
 * history window it is kept across asks and only brought up to date; a view
 * older than the kept one (another thread's newer ask went first) gets its
 * own scan, so the answer depends on the view alone. */
static int compute_groups(tpe *s, const otto_view *v, const otto_allocator *a, groups *gs)
{
    memset(gs, 0, sizeof *gs);
    size_t n = otto_view_count(v);
    int rc = OTTO_OK, done = 0;
    if (!s->o.n_history) {
        pthread_mutex_lock(&s->cache.mu);
        rc = sync_caches(s, v);
        if (!rc && s->kept_seen <= n) {
            rc = scan_groups(s, v, otto_view_allocator(v), &s->kept, &s->kept_seen, n, &s->kept_any);
            s->kept_alloc = otto_view_allocator(v);
            if (!rc)
                rc = groups_copy(a, &s->kept, gs);
            done = 1;
        }
        pthread_mutex_unlock(&s->cache.mu);
    }
    if (!done) {
        size_t from = window_start(s, v);
        int any = 0;
        rc = scan_groups(s, v, a, gs, &from, n, &any);
    }
    /* params with a single value need no sampling */
    for (size_t i = 0; !rc && i < gs->n; i++) {
        size_t kept = 0;
        for (size_t c = 0; c < gs->g[i].n; c++)
            if (!single_valued(dist_of(&gs->g[i].cols[c])))
                gs->g[i].cols[kept++] = gs->g[i].cols[c];
        gs->g[i].n = kept;
    }
    if (rc)
        groups_free(a, gs);
    return rc;
}

/* ---- gathering and ranking observations ------------------------------------------------- */

/* The trials gathered for one draw and what prepare() derives from them. */
typedef struct gathered {
    ranked *r;          /* after the split: the n_below best, then the rest */
    size_t n, n_usable, n_below;
    double *unit;       /* n rows x n_cols */
    double *gaps;       /* [c * n + slot] neighbour gaps; NULL with Scott's rule */
    uint32_t *order;    /* one numeric column: each side's slots by coordinate */
} gathered;

static void gathered_free(const otto_allocator *a, gathered *g)
{
    otto__free(a, g->r);
    otto__free(a, g->unit);
    otto__free(a, g->gaps);
    otto__free(a, g->order);
    memset(g, 0, sizeof *g);
}

/* Unit coordinates of t's values for the columns; 0 if t lacks one or has it
 * outside the distribution sampled now. */
static int trial_row(const otto_trial *t, const column *cols, size_t n_cols, double *row)
{
    for (size_t c = 0; c < n_cols; c++) {
        double value;
        if (!otto_trial_param_like(t, cols[c].spec, c, &value))
            return 0;
        const otto_distribution *d = dist_of(&cols[c]);
        if (d->kind == OTTO_DIST_CATEGORICAL) {
            row[c] = value;
            continue;
        }
        if (!otto_distribution_unit_inside(d, value, &row[c]))
            return 0;
    }
    return 1;
}

static double violation(const otto_trial *t)
{
    double v = 0;
    for (size_t i = 0, n = otto_trial_constraint_count(t); i < n; i++)
        v += fmax(otto_trial_constraint(t, i), 0.0);
    return v;
}

static void rank_single(const otto_view *v, const otto_trial *t, ranked *r)
{
    double sign = otto_view_maximize(v, 0) ? -1.0 : 1.0;
    otto_trial_state st = otto_trial_get_state(t);
    double viol = violation(t);
    if (viol > 0) {
        r->cls = CLS_INFEASIBLE;
        r->k1 = viol;
        r->k2 = 0;
    } else if (st == OTTO_TRIAL_COMPLETE) {
        r->cls = CLS_COMPLETE;
        r->k1 = sign * otto_trial_objective(t, 0);
        r->k2 = 0;
    } else { /* pruned: further is better, then the value there */
        r->cls = CLS_PRUNED;
        size_t n_inter;
        const otto_report *last = otto_trial_reports(t, &n_inter);
        if (n_inter) {
            last += n_inter - 1;
            r->k1 = -(double)last->step;
            r->k2 = isnan(last->value) ? INFINITY : sign * last->value;
        } else {
            r->k1 = 1.0;
            r->k2 = 0.0;
        }
    }
}

/* The feasible complete trials' losses (maximized objectives negated), row
 * per trial, and their entries in g->r; NULL rows when there are none. */
static int complete_losses(const otto_view *v, const otto_allocator *a, const gathered *g,
                           size_t first, size_t count, ranked ***rows, double **loss,
                           size_t *m)
{
    size_t n_obj = otto_view_n_objectives(v);
    *m = 0;
    *rows = NULL;
    *loss = NULL;
    for (size_t i = first; i < first + count; i++)
        *m += g->r[i].cls == CLS_COMPLETE;
    if (*m == 0)
        return OTTO_OK;
    *rows = otto__calloc(a, *m, sizeof **rows);
    *loss = otto__calloc(a, *m * n_obj, sizeof **loss);
    if (!*rows || !*loss) {
        otto__free(a, *rows);
        otto__free(a, *loss);
        return OTTO_ENOMEM;
    }
    size_t j = 0;
    for (size_t i = first; i < first + count; i++)
        if (g->r[i].cls == CLS_COMPLETE) {
            for (size_t k = 0; k < n_obj; k++)
                (*loss)[j * n_obj + k] = (otto_view_maximize(v, k) ? -1.0 : 1.0) *
                                         otto_trial_objective(g->r[i].trial, k);
            (*rows)[j++] = &g->r[i];
        }
    return OTTO_OK;
}

/* Multi-objective: non-dominated rank, then the tie-break of the front that
 * the good side's n_below cuts (hypervolume subset selection or crowding). */
static int rank_multi(const tpe *s, const otto_view *v, const otto_allocator *a, gathered *g,
                      size_t n_below)
{
    size_t m, n_obj = otto_view_n_objectives(v);
    ranked **c;
    double *f;
    int rc = complete_losses(v, a, g, 0, g->n, &c, &f, &m);
    if (rc || m == 0)
        return rc;
    double *key = otto__calloc(a, 2 * m, sizeof *key);
    rc = key ? otto__tpe_pareto_rank(a, f, m, n_obj, n_below,
                                     s->o.pareto_tiebreak == OTTO_TPE_TIEBREAK_HSSP, key,
                                     key + m)
             : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < m; i++) {
        c[i]->k1 = key[i];
        c[i]->k2 = key[m + i];
    }
    otto__free(a, key);
    otto__free(a, c);
    otto__free(a, f);
    return rc;
}

/* How a finished trial ranks (fixed once it is finished). */
static void rank_finished(const otto_view *v, const otto_trial *t, ranked *r)
{
    r->number = otto_trial_number(t);
    r->trial = t;
    if (otto_view_n_objectives(v) > 1) {
        otto_trial_state st = otto_trial_get_state(t);
        double viol = violation(t);
        r->cls = viol > 0 ? CLS_INFEASIBLE : st == OTTO_TRIAL_COMPLETE ? CLS_COMPLETE
                                                                       : CLS_PRUNED;
        r->k1 = r->cls == CLS_INFEASIBLE ? viol : 0;
        r->k2 = 0;
    } else {
        rank_single(v, t, r);
    }
}

/* The ranks of view entries [0, n) kept across asks (caller holds the cache
 * lock), so gathering reads one array instead of every trial. */
static int rank_cache(tpe *s, const otto_view *v, size_t n)
{
    if (n <= s->ranks_seen)
        return OTTO_OK;
    if (n > s->ranks_cap) {
        size_t cap = 2 * s->ranks_cap > n ? 2 * s->ranks_cap : n;
        ranked *r = otto__reallocarray(otto_view_allocator(v), s->ranks, cap, sizeof *r);
        if (!r)
            return OTTO_ENOMEM;
        s->ranks = r;
        s->ranks_cap = cap;
        s->ranks_alloc = otto_view_allocator(v);
    }
    for (size_t i = s->ranks_seen; i < n; i++)
        rank_finished(v, otto_view_trial(v, i), &s->ranks[i]);
    s->ranks_seen = n;
    return OTTO_OK;
}

/* The trials with every column: finished ones (coordinates from the cache's
 * columns cc, ranks from the kept ones; caller holds the cache lock) and,
 * with constant liar, running ones. */
static int gather(tpe *s, const otto_view *v, const otto_allocator *a, const column *cols,
                  const otto__tpe_column *const *cc, size_t n_cols, gathered *g)
{
    memset(g, 0, sizeof *g);
    const otto_trial *const *running = NULL;
    size_t n_running = 0, n_view = otto_view_count(v);
    if (s->o.constant_liar && otto_view_running(v, &running, &n_running))
        return OTTO_ENOMEM;
    size_t start = window_start(s, v), cap = n_view - start + n_running + 1;
    g->r = otto__malloc(a, cap * sizeof *g->r);
    g->unit = otto__reallocarray(a, NULL, cap * (n_cols ? n_cols : 1), sizeof(double));
    if (!g->r || !g->unit || rank_cache(s, v, n_view)) {
        gathered_free(a, g);
        return OTTO_ENOMEM;
    }
    for (size_t i = start; i < n_view + n_running; i++) {
        double *row = g->unit + g->n * n_cols;
        ranked *r = &g->r[g->n];
        if (i >= n_view) {
            const otto_trial *t = running[i - n_view];
            if (!trial_row(t, cols, n_cols, row))
                continue;
            memset(r, 0, sizeof *r);
            r->cls = CLS_RUNNING;
            r->number = otto_trial_number(t);
            r->trial = t;
            r->vi = SIZE_MAX;
        } else {
            size_t c = 0; /* NaN: unusable, or lacks a column */
            while (c < n_cols && !isnan(row[c] = cc[c]->u_of[i]))
                c++;
            if (c < n_cols)
                continue;
            *r = s->ranks[i];
            r->vi = i;
            g->n_usable++;
        }
        r->row = g->n++;
    }
    return OTTO_OK;
}

static int cmp_rank(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2)
        return a->k2 < b->k2 ? -1 : 1;
    return (a->number > b->number) - (a->number < b->number);
}

static int cmp_number(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return (a->number > b->number) - (a->number < b->number);
}

static int sorted_by_number(const ranked *r, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (r[i - 1].number > r[i].number)
            return 0;
    return 1;
}

/* Reorder g->r into the n_below best (by rank) followed by the rest, each
 * part in trial-number order. n_below is at most 25 by default, so a bounded
 * insertion selection beats sorting all n; gathering already yields the view
 * order, which is number order in serial runs, so the big part rarely needs
 * a sort. */
static int split(const otto_allocator *a, gathered *g, size_t n_below)
{
    if (n_below == 0) {
        if (!sorted_by_number(g->r, g->n))
            qsort(g->r, g->n, sizeof *g->r, cmp_number);
        return OTTO_OK;
    }
    size_t *best = otto__malloc(a, n_below * sizeof *best);
    unsigned char *chosen = otto__calloc(a, g->n, 1);
    ranked *tmp = otto__malloc(a, g->n * sizeof *tmp);
    if (!best || !chosen || !tmp) {
        otto__free(a, best);
        otto__free(a, chosen);
        otto__free(a, tmp);
        return OTTO_ENOMEM;
    }
    size_t nb = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->r[i].cls == CLS_RUNNING)
            continue;
        if (nb == n_below && cmp_rank(&g->r[i], &g->r[best[nb - 1]]) >= 0)
            continue;
        size_t j = nb < n_below ? nb++ : nb - 1;
        while (j > 0 && cmp_rank(&g->r[i], &g->r[best[j - 1]]) < 0) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = i;
    }
    for (size_t j = 0; j < nb; j++)
        chosen[best[j]] = 1;
    size_t lo = 0, hi = nb;
    for (size_t i = 0; i < g->n; i++)
        tmp[chosen[i] ? lo++ : hi++] = g->r[i];
    memcpy(g->r, tmp, g->n * sizeof *tmp);
    if (!sorted_by_number(g->r, nb))
        qsort(g->r, nb, sizeof *g->r, cmp_number);
    if (!sorted_by_number(g->r + nb, g->n - nb))
        qsort(g->r + nb, g->n - nb, sizeof *g->r, cmp_number);
    otto__free(a, best);
    otto__free(a, chosen);
    otto__free(a, tmp);
    return OTTO_OK;
}

/* ---- one TPE draw over some columns ----------------------------------------------------- */

static void pz_dim_of(const otto_distribution *d, otto__pz_dim *pd)
{
    memset(pd, 0, sizeof *pd);
    if (d->kind == OTTO_DIST_CATEGORICAL) {
        pd->kind = OTTO__PZ_CATEGORICAL;
        pd->n_choices = d->n_choices;
    } else if (d->kind == OTTO_DIST_INT || d->step > 0) {
        /* cells of one step around each grid point; on a log scale they are
         * uneven in the working space, as in Optuna's log-normal kernels */
        pd->kind = OTTO__PZ_DISCRETE;
        pd->q = d->step / (d->high - d->low + d->step);
        if (d->flags & OTTO_LOG) {
            pd->half_step = 0.5 * d->step;
            pd->log_lo = log(d->low - pd->half_step);
            pd->log_span = log(d->high + pd->half_step) - pd->log_lo;
        }
    } else {
        pd->kind = OTTO__PZ_CONTINUOUS;
    }
}

static int side_weights(const tpe *s, size_t n, double *w)
{
    if (n == 0)
        return OTTO_OK;
    int rc = s->o.weights ? s->o.weights(n, w, s->o.weights_user_data)
                          : otto_tpe_default_weights(n, w, NULL);
    if (rc)
        return otto__error(rc < 0 ? rc : OTTO_ECALLBACK, "tpe: the weights function failed");
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(w[i] >= 0) || !isfinite(w[i]))
            return otto__error(OTTO_ECALLBACK, "tpe: weight %zu is %g (must be finite, >= 0)",
                               i, w[i]);
        sum += w[i];
    }
    if (!(sum > 0))
        return otto__error(OTTO_ECALLBACK, "tpe: the weights are all zero");
    return OTTO_OK;
}

/* The cache's columns for cols (caller holds the cache lock). */
static int cache_columns(tpe *s, const otto_view *v, const otto_allocator *a, const column *cols,
                         size_t n_cols, const otto__tpe_column **cc)
{
    if (sync_caches(s, v))
        return OTTO_ENOMEM;
    for (size_t c = 0; c < n_cols; c++)
        if (!(cc[c] = otto__tpe_cache_column(&s->cache, v, cols[c].spec, a)))
            return OTTO_ENOMEM;
    return OTTO_OK;
}

/* Neighbour gaps ([c * g->n + slot]) of the split trials in every numeric
 * column, walked in the cache's sorted order with the running trials merged
 * in: O(n) per column instead of a sort. */
static int neighbour_gaps(tpe *s, const otto_view *v, const otto_allocator *a,
                          const column *cols, size_t n_cols, const gathered *g, size_t n_below,
                          double *gaps, uint32_t *order)
{
    const otto__tpe_column **cc = otto__calloc(a, n_cols, sizeof *cc);
    otto__tpe_entry *loose = otto__malloc(a, (g->n + 1) * sizeof *loose);
    double *work_u = otto__malloc(a, (g->n + 1) * sizeof *work_u);
    uint32_t *work_slot = otto__malloc(a, (g->n + 1) * sizeof *work_slot);
    if (!cc || !loose || !work_u || !work_slot)
        return OTTO_ENOMEM;
    /* the columns again: other threads may have moved them since gather */
    pthread_mutex_lock(&s->cache.mu);
    int rc = cache_columns(s, v, a, cols, n_cols, cc);
    /* slots by view index; the columns may have read past this view (another
     * thread's newer one): those trials are no kernels here */
    size_t n_all = 0;
    for (size_t c = 0; !rc && c < n_cols; c++)
        n_all = cc[c]->seen > n_all ? cc[c]->seen : n_all;
    int32_t *slot_of = rc ? NULL : otto__malloc(a, (n_all + 1) * sizeof *slot_of);
    if (!rc && !slot_of)
        rc = OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < n_all; i++)
        slot_of[i] = -1;
    for (size_t k = 0; !rc && k < g->n; k++)
        if (g->r[k].vi != SIZE_MAX)
            slot_of[g->r[k].vi] = (int32_t)k;
    for (size_t c = 0; !rc && c < n_cols; c++) {
        if (dist_of(&cols[c])->kind == OTTO_DIST_CATEGORICAL)
            continue;
        size_t n_loose = 0;
        for (size_t k = 0; k < g->n; k++)
            if (g->r[k].vi == SIZE_MAX) {
                loose[n_loose].u = g->unit[g->r[k].row * n_cols + c];
                loose[n_loose].number = g->r[k].number;
                loose[n_loose++].vi = k;
            }
        otto__tpe_gaps(cc[c], slot_of, loose, n_loose, n_below, s->o.consider_endpoints,
                       work_u, work_slot, gaps + c * g->n);
        if (order) /* one numeric column: each side's slots by coordinate */
            memcpy(order, work_slot, g->n * sizeof *order);
    }
    pthread_mutex_unlock(&s->cache.mu);
    return rc;
}

/* Gather the trials for cols, split them into the n_below best (first in
 * g->r) and the rest, and find the kernels' neighbour gaps (none with
 * Scott's rule). The cache lock is not held while user functions (gamma)
 * run. */
static int prepare(tpe *s, const otto_view *v, const otto_allocator *a, const column *cols,
                   size_t n_cols, int multivariate, gathered *g)
{
    memset(g, 0, sizeof *g);
    const otto__tpe_column **cc = otto__calloc(a, n_cols + 1, sizeof *cc);
    if (!cc)
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    pthread_mutex_lock(&s->cache.mu);
    int rc = cache_columns(s, v, a, cols, n_cols, cc);
    if (!rc)
        rc = gather(s, v, a, cols, cc, n_cols, g);
    pthread_mutex_unlock(&s->cache.mu);
    if (rc)
        return otto__error(rc, "tpe: out of memory");
    size_t n_below = s->o.gamma ? s->o.gamma(g->n_usable, s->o.gamma_user_data)
                                : default_n_below(s, v, g->n_usable, multivariate);
    if (n_below == OTTO_TPE_GAMMA_ERROR)
        return otto__error(OTTO_ECALLBACK, "tpe: the gamma function failed");
    g->n_below = n_below < g->n_usable ? n_below : g->n_usable;
    if (otto_view_n_objectives(v) > 1 && rank_multi(s, v, a, g, g->n_below))
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    if (split(a, g, g->n_below))
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    if (multivariate && s->o.scott_bandwidth)
        return OTTO_OK;
    int one_numeric = n_cols == 1 && dist_of(&cols[0])->kind != OTTO_DIST_CATEGORICAL;
    g->gaps = otto__malloc(a, (n_cols * g->n + 1) * sizeof *g->gaps);
    g->order = one_numeric ? otto__malloc(a, (g->n + 1) * sizeof *g->order) : NULL;
    if (!g->gaps || (one_numeric && !g->order) ||
        neighbour_gaps(s, v, a, cols, n_cols, g, g->n_below, g->gaps, g->order))
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    return OTTO_OK;
}

/* The good side's weights with several objectives: 1, or (by_contribution, Optuna 3.x-4.x)
 * each feasible complete trial's hypervolume contribution to their front. */
static int hypervolume_weights(const otto_view *v, const otto_allocator *a, const gathered *g,
                               int by_contribution, double *w)
{
    for (size_t i = 0; i < g->n_below; i++)
        w[i] = 1.0;
    if (!by_contribution)
        return OTTO_OK;
    size_t m;
    ranked **c;
    double *f;
    int rc = complete_losses(v, a, g, 0, g->n_below, &c, &f, &m);
    double *cw = rc || m == 0 ? NULL : otto__calloc(a, m, sizeof *cw);
    if (!rc && m && !cw)
        rc = OTTO_ENOMEM;
    if (!rc && m)
        rc = otto__tpe_pareto_weights(a, f, m, otto_view_n_objectives(v), cw);
    for (size_t i = 0; !rc && i < m; i++)
        w[c[i] - g->r] = cw[i];
    otto__free(a, cw);
    otto__free(a, c);
    otto__free(a, f);
    return rc;
}

/* Fit l and g on the split trials and write the best of n_ei candidates
 * (internal values, one per column) to out. */
static int tpe_draw(const tpe *s, const otto_view *v, const otto_allocator *a, otto_rng *rng,
                    const column *cols, size_t n_cols, const gathered *g, int multivariate,
                    double *out)
{
    int multi = otto_view_n_objectives(v) > 1;
    size_t n_below = g->n_below, n_above = g->n - n_below;

    size_t n_ei = n_candidates(s, n_above, multivariate);
    otto__pz_dim *dims = otto__calloc(a, n_cols, sizeof *dims);
    double *w = otto__calloc(a, g->n + 1, sizeof *w);
    size_t *rows = otto__malloc(a, (g->n + 1) * sizeof *rows);
    double *cand = otto__calloc(a, n_ei * n_cols, sizeof *cand);
    double *internal = otto__calloc(a, n_ei * n_cols, sizeof *internal);
    double *ll = otto__calloc(a, 2 * n_ei, sizeof *ll);
    otto__parzen l = {0}, gz = {0};
    int rc = dims && w && rows && cand && internal && ll ? OTTO_OK : OTTO_ENOMEM;
    for (size_t c = 0; !rc && c < n_cols; c++)
        pz_dim_of(dist_of(&cols[c]), &dims[c]);
    for (size_t i = 0; !rc && i < g->n; i++)
        rows[i] = g->r[i].row; /* below first, then above */
    otto__pz_params pp = {s->o.consider_prior, s->o.prior_weight, s->o.consider_magic_clip,
                          s->o.consider_endpoints, multivariate && s->o.scott_bandwidth,
                          s->o.unnormalized_kernels};
    if (!rc && multi) /* Optuna 5 weighs the good side of a Pareto split evenly */
        rc = hypervolume_weights(v, a, g, s->o.hypervolume_weights, w);
    else if (!rc)
        rc = side_weights(s, n_below, w);
    if (!rc)
        rc = side_weights(s, n_above, w + n_below);
    /* one numeric column: kernels in coordinate order (the mixture is the
     * same), so the far ones form whole blocks that the density skips */
    double *w_sorted = NULL, *gaps_sorted = NULL;
    if (!rc && g->order) {
        w_sorted = otto__malloc(a, (g->n + 1) * sizeof *w_sorted);
        gaps_sorted = otto__malloc(a, (g->n + 1) * sizeof *gaps_sorted);
        rc = w_sorted && gaps_sorted ? OTTO_OK : OTTO_ENOMEM;
        for (size_t i = 0; !rc && i < g->n; i++) {
            rows[i] = g->r[g->order[i]].row;
            w_sorted[i] = w[g->order[i]];
            gaps_sorted[i] = g->gaps[g->order[i]];
        }
    }
    const double *wk = w_sorted ? w_sorted : w, *gk = gaps_sorted ? gaps_sorted : g->gaps;
    if (!rc)
        rc = otto__parzen_build(&l, a, dims, n_cols, g->unit, rows, n_below, wk, gk, g->n, &pp);
    if (!rc)
        rc = otto__parzen_build(&gz, a, dims, n_cols, g->unit, rows + n_below, n_above,
                                wk + n_below, gk ? gk + n_below : NULL, g->n, &pp);
    if (!rc) {
        otto__parzen_sample(&l, rng, n_ei, cand);
        /* snap candidates onto their grids, so densities are taken where the
         * value will actually be */
        for (size_t i = 0; i < n_ei; i++)
            for (size_t c = 0; c < n_cols; c++) {
                const otto_distribution *d = dist_of(&cols[c]);
                double *u = &cand[i * n_cols + c];
                if (d->kind == OTTO_DIST_CATEGORICAL) {
                    internal[i * n_cols + c] = *u;
                } else {
                    internal[i * n_cols + c] = otto_distribution_from_unit(d, *u);
                    double back = otto_distribution_to_unit(d, internal[i * n_cols + c]);
                    *u = back < 0.0 ? 0.0 : back > 1.0 ? 1.0 : back;
                }
            }
        otto__parzen_log_pdf(&l, n_ei, cand, ll);
        otto__parzen_log_pdf(&gz, n_ei, cand, ll + n_ei);
        size_t best = 0;
        double best_score = -INFINITY;
        for (size_t i = 0; i < n_ei; i++) {
            double score = ll[i] - ll[n_ei + i];
            if (score > best_score) {
                best_score = score;
                best = i;
            }
        }
        memcpy(out, internal + best * n_cols, n_cols * sizeof *out);
    }
    otto__parzen_free(&l);
    otto__parzen_free(&gz);
    otto__free(a, dims);
    otto__free(a, w);
    otto__free(a, w_sorted);
    otto__free(a, gaps_sorted);
    otto__free(a, rows);
    otto__free(a, cand);
    otto__free(a, internal);
    otto__free(a, ll);
    return rc == OTTO_ENOMEM ? otto__error(rc, "tpe: out of memory") : rc;
}

static double random_value(otto_rng *rng, const otto_distribution *d)
{
    return otto_distribution_from_unit(d, otto_rng_uniform(rng));
}

/* ---- vtable ---------------------------------------------------------------------------------- */

/* Every call works in a scratch arena lent by the sampler's pool. */
static const otto_allocator *borrow(tpe *s, const otto_view *v, otto__arena **arena)
{
    *arena = otto__arena_take(&s->pool, otto_view_allocator(v));
    return *arena ? otto__arena_allocator(*arena) : NULL;
}

static int tpe_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *space)
{
    (void)trial;
    tpe *s = state;
    if (!is_multivariate(s, v) || !past_startup(s, v))
        return OTTO_OK;
    otto__arena *arena;
    const otto_allocator *a = borrow(s, v, &arena);
    if (!a)
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    groups gs;
    int rc = compute_groups(s, v, a, &gs);
    for (size_t i = 0; !rc && i < gs.n; i++)
        for (size_t c = 0; !rc && c < gs.g[i].n; c++)
            rc = otto_space_add_key(space, gs.g[i].cols[c].spec);
    otto__arena_give(&s->pool, arena);
    return rc;
}

static int tpe_relative(void *state, const otto_view *v, otto_trial *trial,
                        const otto_space *space, double *out)
{
    tpe *s = state;
    otto_rng *rng = otto_trial_rng(trial);
    otto__arena *arena;
    const otto_allocator *a = borrow(s, v, &arena);
    if (!a)
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    groups gs;
    int rc = compute_groups(s, v, a, &gs);
    for (size_t i = 0; !rc && i < gs.n; i++) {
        group *gr = &gs.g[i];
        if (gr->n == 0)
            continue;
        double *vals = otto__calloc(a, gr->n, sizeof *vals);
        size_t *pos = otto__calloc(a, gr->n, sizeof *pos);
        gathered g = {0};
        rc = vals && pos ? OTTO_OK : otto__error(OTTO_ENOMEM, "tpe: out of memory");
        for (size_t c = 0; !rc && c < gr->n; c++)
            if (otto_space_find(space, otto_param_key_name(gr->cols[c].spec), &pos[c]))
                rc = otto__error(OTTO_ECALLBACK, "tpe: relative space lost '%s'",
                                 otto_param_key_name(gr->cols[c].spec));
        if (!rc)
            rc = prepare(s, v, a, gr->cols, gr->n, 1, &g);
        if (!rc && g.n_usable < s->o.n_startup_trials) {
            /* a rarely used branch: random until it has enough trials */
            for (size_t c = 0; c < gr->n; c++)
                vals[c] = random_value(rng, dist_of(&gr->cols[c]));
        } else if (!rc) {
            rc = tpe_draw(s, v, a, rng, gr->cols, gr->n, &g, 1, vals);
        }
        for (size_t c = 0; !rc && c < gr->n; c++)
            out[pos[c]] = vals[c];
        gathered_free(a, &g);
        otto__free(a, vals);
        otto__free(a, pos);
    }
    otto__arena_give(&s->pool, arena);
    return rc;
}

static int tpe_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                           const otto_distribution *dist, double *out)
{
    tpe *s = state;
    otto_rng *rng = otto_trial_rng(trial);
    const otto_param_key *key = otto_view_param_key(v, name, dist);
    if (!key)
        return otto__error(OTTO_EDIST, "tpe: '%s' has no key in the study", name);
    column col = {otto_param_key_name_id(key), key};
    if (single_valued(dist) || !past_startup(s, v)) {
        *out = random_value(rng, dist);
        return OTTO_OK;
    }
    otto__arena *arena;
    const otto_allocator *a = borrow(s, v, &arena);
    if (!a)
        return otto__error(OTTO_ENOMEM, "tpe: out of memory");
    gathered g;
    int rc = prepare(s, v, a, &col, 1, 0, &g);
    if (!rc && g.n_usable < s->o.n_startup_trials) {
        *out = random_value(rng, dist);
    } else if (!rc) {
        if (is_multivariate(s, v) && s->o.warn_independent_sampling)
            otto_view_log(v, OTTO_LEVEL_WARNING,
                      "tpe: '%s' is outside the relative search space; sampled "
                      "independently (univariate TPE)",
                      name);
        rc = tpe_draw(s, v, a, rng, &col, 1, &g, 0, out);
    }
    otto__arena_give(&s->pool, arena);
    return rc;
}

static void tpe_destroy(void *state)
{
    tpe *s = state;
    otto__arena_pool_destroy(&s->pool);
    otto__tpe_cache_destroy(&s->cache);
    if (s->kept_alloc)
        groups_free(s->kept_alloc, &s->kept);
    if (s->ranks_alloc)
        otto__free(s->ranks_alloc, s->ranks);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_sampler_vtable tpe_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "tpe",
    .infer_relative_space = tpe_infer,
    .sample_relative = tpe_relative,
    .sample_independent = tpe_independent,
    .destroy = tpe_destroy,
};

void otto_tpe_options_init_sized(otto_tpe_options *o, size_t size)
{
    otto_tpe_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    def.n_startup_trials = 10;
    def.n_ei_candidates = 0;  /* otto's schedule */
    def.multivariate = OTTO_TPE_AUTO;
    def.group = 1;
    def.constant_liar = 1;
    def.consider_prior = 1;
    def.prior_weight = 1.0;
    def.consider_magic_clip = 1;
    def.consider_endpoints = 0;
    def.warn_independent_sampling = 0;
    def.pareto_tiebreak = OTTO_TPE_TIEBREAK_HSSP;
    def.hypervolume_weights = 0;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int check_flag(int v, const char *name)
{
    if (v != 0 && v != 1)
        return otto__error(OTTO_EINVAL, "tpe_options: %s must be 0 or 1 (got %d)", name, v);
    return OTTO_OK;
}

int otto_sampler_tpe_create(const otto_tpe_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_tpe_create: out is NULL");
    otto_tpe_options o;
    otto_tpe_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "tpe_options") : OTTO_OK;
    if (!rc && o.n_ei_candidates > 100000)
        rc = otto__error(OTTO_EINVAL, "tpe_options: n_ei_candidates %zu is unreasonably large",
                         o.n_ei_candidates);
    if (!rc && !(o.gamma_fraction >= 0 && o.gamma_fraction <= 1))
        rc = otto__error(OTTO_EINVAL, "tpe_options: gamma_fraction %g must be in [0, 1]",
                         o.gamma_fraction);
    if (!rc && !(o.prior_weight > 0 && isfinite(o.prior_weight)))
        rc = otto__error(OTTO_EINVAL, "tpe_options: prior_weight %g must be finite and > 0",
                         o.prior_weight);
    if (!rc && o.multivariate != OTTO_TPE_AUTO)
        rc = check_flag(o.multivariate, "multivariate");
    if (!rc)
        rc = check_flag(o.group, "group");
    if (!rc)
        rc = check_flag(o.constant_liar, "constant_liar");
    if (!rc)
        rc = check_flag(o.consider_prior, "consider_prior");
    if (!rc)
        rc = check_flag(o.consider_magic_clip, "consider_magic_clip");
    if (!rc)
        rc = check_flag(o.consider_endpoints, "consider_endpoints");
    if (!rc)
        rc = check_flag(o.warn_independent_sampling, "warn_independent_sampling");
    if (!rc)
        rc = check_flag(o.unnormalized_kernels, "unnormalized_kernels");
    if (!rc)
        rc = check_flag(o.scott_bandwidth, "scott_bandwidth");
    if (!rc)
        rc = check_flag(o.hypervolume_weights, "hypervolume_weights");
    if (!rc && o.pareto_tiebreak != OTTO_TPE_TIEBREAK_HSSP &&
        o.pareto_tiebreak != OTTO_TPE_TIEBREAK_CROWDING)
        rc = otto__error(OTTO_EINVAL, "tpe_options: pareto_tiebreak %d is neither "
                         "OTTO_TPE_TIEBREAK_HSSP nor OTTO_TPE_TIEBREAK_CROWDING",
                         o.pareto_tiebreak);
    /* group decomposes the multivariate space: univariate TPE has none, so
     * group is simply unused there (Optuna only refuses an explicit pair) */
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o.allocator, "tpe_options");
    if (rc)
        return rc;
    tpe *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    s->o = o;
    s->o.allocator = NULL; /* the caller's pointer: s->own holds the copy */
    s->own = own;
    otto__arena_pool_init(&s->pool);
    otto__tpe_cache_init(&s->cache);
    return otto_sampler_create_with(&tpe_vtable, s, o.seed, &own, out);
}
