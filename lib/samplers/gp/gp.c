/* The GP-EI sampler: Bayesian optimization with a Gaussian-process surrogate
 * (gp_model.c) and log expected improvement (log_ei.c).
 *
 * At each ask over the relative (intersection) search space: the complete
 * trials become points in the unit cube (log params in log space, int and
 * step params at the centre of their grid cell, categoricals, and with
 * small_ints_as_categories ints of at most 16 values, as their category index
 * under a Hamming kernel), their values are standardized, the kernel is fitted
 * by MAP warm-started from the previous fit, running trials join as pending
 * points at their posterior mean (kriging believer), and the next point
 * maximizes log EI (times the GP probability of feasibility per constraint)
 * over a quasi-random sweep plus perturbations of the best trials, the best few
 * refined by projected L-BFGS on the continuous coordinates and exhaustive
 * sweeps over the discrete ones. With local_steps, one trial in three is
 * a local step: the minimum of a quadratic fitted to the best trial's
 * neighbourhood in a trust region (quadratic_point), or else the same search
 * with a model of that neighbourhood in a box around it (local_problem).
 * Multi-objective studies maximize log EHVI over one GP per objective
 * (gp_multi.c), or with OTTO_GP_PAREGO a random augmented Chebyshev
 * scalarization per trial. The study's first trial takes the centre of every
 * numeric range; the rest of the first n_startup_trials come from a shifted
 * R_d quasi-random design; params outside the relative space, and any trial
 * whose model cannot be fitted, are sampled at random (the latter with a
 * warning), so the study never fails because of the GP. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "linalg/linalg.h"
#include "gp_encode.h"
#include "gp_model.h"
#include "gp_repeat.h"
#include "gp_warp.h"
#include "gp_multi.h"
#include "gp_quadratic.h"
#include "log_ei.h"
#include "numeric/qmc.h"
#include "numeric/truncnorm.h"

/* Kernel parameters of the last fit of one model (objective or constraint k),
 * the warm start of the next. */
typedef struct warm {
    size_t d;
    double *inv_ls2;
    double scale, noise;
} warm;

typedef struct gp_sampler {
    otto_gp_options o;
    otto_allocator own;   /* from create: this struct */
    pthread_mutex_t mu;
    warm *warm;           /* from alloc, the study's (set on first store) */
    size_t n_warm;
    const otto_allocator *alloc;
} gp_sampler;

/* The points of one ask. */
typedef struct problem {
    const otto_allocator *a;
    size_t d;
    const otto_distribution **dist; /* per dim (into dist_copy) */
    otto_distribution *dist_copy;   /* the space's, valid during the ask */
    unsigned char *cat;             /* Hamming kernel dims */
    unsigned char *swept;           /* dims optimized by trying every value */
    unsigned char *relaxed;         /* dims optimized by gradient (then snapped) */
    size_t n, n_pend, cap;          /* complete rows, then pending rows */
    double *x;                      /* (n + n_pend) x d, row-major */
    double *y;                      /* n + n_pend standardized objective values */
    double *y_warp;                 /* n: the same warped (output_warping), or NULL */
    double warp_log_jacobian;       /* otto__gp_warp's */
    unsigned char *feasible;        /* n */
    size_t n_con;
    double *con;                    /* n_con columns of n standardized constraint values */
    double *con_zero;               /* n_con: where 0 (the feasibility bound) went */
    double *con_row;                /* n_con: one trial's constraints (after con_zero) */
    const otto_trial **trials;      /* n: the trial of each complete row */
    double sign;                    /* one objective: -1 when maximized, else 1 */
    otto__gp_multi *mo;             /* EHVI multi-objective: y is then a ranking score */
} problem;

/* The acquisition function of one ask. */
typedef struct acq {
    const problem *pb;
    otto__gp *obj;
    int have_best;
    double best;
    otto__gp *con;
    size_t n_con;
    otto__gp_multi *mo; /* multi-objective: obj holds mo->m models */
    double *work;      /* max(n, 1) x CHUNK prediction workspace */
    double *mean, *var; /* CHUNK each */
    double *gwork, *dmean, *dvar, *g; /* 4n, d, d, d */
    double *base;       /* d: the point whose non-free dims bfgs holds */
    size_t *free_idx;
    size_t n_free;
} acq;

#define CHUNK 256
/* Noisy mode's limits on repeats: evaluations of one configuration, and the
 * share of the trials (of those the GP sees, this one included) that are
 * repeats, so that exploring never stops. */
#define REPEAT_MAX_REPLICATES 3
#define REPEAT_MAX_SHARE 0.1
#define MAX_SWEEP_GRID 64
#define MAX_SWEEP_CHOICES 4096
/* Local steps (otto_gp_options.local_steps): the neighbourhood of the best
 * trial, in trials, for d dims; one trial in LOCAL_PERIOD is a local step
 * once the history holds LOCAL_START neighbourhoods; the smallest half-width
 * of the box, in unit coordinates. Chosen on the development suite's train
 * split (bench/devsuite/RESULTS_LOCAL.md) among one in 2 or 3 and from 2, 3
 * or 4 neighbourhoods. */
#define LOCAL_NEIGHBOURS(d) ((d) * 3 > 10 ? (d) * 3 : 10)
#define LOCAL_PERIOD 3
#define LOCAL_START 3
#define LOCAL_MIN_REACH 1e-9
/* The quadratic step's points in d dims: half as many again as the
 * quadratic's coefficients, so that the least-squares fit averages. */
#define QUAD_POINTS(d) (OTTO__GP_QUADRATIC_TERMS(d) + OTTO__GP_QUADRATIC_TERMS(d) / 2)
/* The trust region's smallest radius (relative to the neighbourhood's
 * span), after 20 quadratic steps in a row found nothing better. */
#define QUAD_MIN_RADIUS 1e-6
/* The system attribute that marks a local step's trial ("1"; "quadratic"
 * for a quadratic step, which quadratic_point and quadratic_streak read
 * back), for people reading a study. */
#define LOCAL_ATTR "gp:local_step"
/* Output warping (pick_warp): the log evidence the warped targets must gain,
 * in nats, for their one extra parameter: half the 5% point of chi-squared
 * with one degree of freedom, a likelihood-ratio test at 5%. */
#define WARP_MARGIN 1.92

static const otto_allocator *alloc_of(const otto_view *v) { return otto_view_allocator(v); }

/* A coordinate moved onto the grid of its distribution: for a dim read as
 * a category (cat), a category index in [0, grid size). */
static double snap_unit(const otto_distribution *d, int cat, double u)
{
    if (cat) {
        double k = floor(u), last = otto_distribution_grid_size(d) - 1;
        return k < 0 ? 0 : k > last ? last : k;
    }
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    if (d->kind == OTTO_DIST_INT || d->step > 0 || (d->flags & OTTO_LOG))
        return otto_distribution_to_unit(d, otto_distribution_from_unit(d, u));
    return u;
}

/* A uniform coordinate (unit, or a category index). */
static double draw_coordinate(const otto_distribution *d, int cat, double u)
{
    return cat ? snap_unit(d, 1, u * otto_distribution_grid_size(d)) : snap_unit(d, 0, u);
}

/* ---- gathering the observations ------------------------------------------------------- */

static void problem_free(problem *pb)
{
    const otto_allocator *a = pb->a;
    otto__free(a, pb->dist);
    otto__free(a, pb->dist_copy);
    otto__free(a, pb->cat);
    otto__free(a, pb->swept);
    otto__free(a, pb->relaxed);
    otto__free(a, pb->x);
    otto__free(a, pb->y);
    otto__free(a, pb->y_warp);
    otto__free(a, pb->feasible);
    otto__free(a, pb->con);
    otto__free(a, pb->con_zero);
    otto__free(a, pb->trials);
    otto__gp_multi_free(pb->mo);
    otto__free(a, pb->mo);
    memset(pb, 0, sizeof *pb);
}

/* Unit coordinates of t's params for the space; 0 if t lacks one or has it
 * outside the distribution sampled now. */
static int trial_row(const problem *pb, const otto_space *sp, const otto_trial *t, double *row)
{
    for (size_t j = 0; j < pb->d; j++) {
        const otto_param_key *key = otto_space_param_key(sp, j); /* the study's spaces */
        double value;
        const char *name = NULL; /* set by otto_space_param when it succeeds */
        if (key ? !otto_trial_param_like(t, key, j, &value)
                : otto_space_param(sp, j, &name, NULL) != OTTO_OK ||
                      !otto_trial_param_find(t, name, &value))
            return 0;
        if (!otto__gp_encode(pb->dist[j], pb->cat[j], value, &row[j]))
            return 0;
    }
    return 1;
}

/* small_ints: read small ints as categories (gp_encode.h). */
static int problem_init(problem *pb, const otto_allocator *a, const otto_space *sp,
                        int small_ints)
{
    memset(pb, 0, sizeof *pb);
    pb->a = a;
    size_t d = pb->d = otto_space_size(sp);
    pb->dist = otto__calloc(a, d, sizeof *pb->dist);
    pb->dist_copy = otto__calloc(a, d, sizeof *pb->dist_copy);
    pb->cat = otto__calloc(a, d, 1);
    pb->swept = otto__calloc(a, d, 1);
    pb->relaxed = otto__calloc(a, d, 1);
    if (!pb->dist || !pb->dist_copy || !pb->cat || !pb->swept || !pb->relaxed)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    for (size_t j = 0; j < d; j++) {
        otto_space_param(sp, j, NULL, &pb->dist_copy[j]); /* j < size: cannot fail */
        const otto_distribution *dj = pb->dist[j] = &pb->dist_copy[j];
        double g = otto_distribution_grid_size(dj);
        pb->cat[j] = (unsigned char)otto__gp_as_category(dj, small_ints);
        pb->swept[j] = pb->cat[j] ? g <= MAX_SWEEP_CHOICES : g > 0 && g <= MAX_SWEEP_GRID;
        pb->relaxed[j] = !pb->cat[j] && !pb->swept[j];
    }
    return OTTO_OK;
}

static int grow_rows(problem *pb, size_t need)
{
    if (need <= pb->cap)
        return OTTO_OK;
    size_t cap = pb->cap ? 2 * pb->cap : 64;
    while (cap < need)
        cap *= 2;
    double *x = otto__reallocarray(pb->a, pb->x, cap, pb->d * sizeof(double));
    if (x)
        pb->x = x;
    double *y = otto__reallocarray(pb->a, pb->y, cap, sizeof(double));
    if (y)
        pb->y = y;
    unsigned char *f = otto__reallocarray(pb->a, pb->feasible, cap, 1);
    if (f)
        pb->feasible = f;
    if (!x || !y || !f)
        return otto__error(OTTO_ENOMEM, "gp: out of memory for %zu trials", need);
    pb->cap = cap;
    return OTTO_OK;
}

/* Objective values of the gathered trials, oriented for minimization and
 * (multi-objective) scalarized with ParEGO weights from the trial's stream;
 * with EHVI, per objective into pb->mo and a ranking score into pb->y. */
static int objective_targets(problem *pb, const otto_view *v, const otto_trial **rows,
                             otto_rng *rng)
{
    size_t n = pb->n, m = otto_view_n_objectives(v);
    if (pb->mo) { /* rows for the complete trials, then the running ones */
        const otto_trial *const *run;
        size_t n_run = 0;
        int rc = otto_view_running(v, &run, &n_run);
        return rc ? rc : otto__gp_multi_targets(pb->mo, pb->a, v, rows, n, n + n_run, rng, pb->y);
    }
    if (m == 1) {
        pb->sign = otto_view_maximize(v, 0) ? -1.0 : 1.0;
        for (size_t i = 0; i < n; i++)
            pb->y[i] = pb->sign * otto_trial_objective(rows[i], 0);
        return OTTO_OK;
    }
    double *w = otto__calloc(pb->a, 3 * m, sizeof *w), *lo = w + m, *hi = w + 2 * m;
    if (!w)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    double wsum = 0.0;
    for (size_t k = 0; k < m; k++) {
        w[k] = -log(1.0 - otto_rng_uniform(rng)); /* uniform on the simplex */
        wsum += w[k];
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < m; k++) {
            double f = otto_trial_objective(rows[i], k) * (otto_view_maximize(v, k) ? -1.0 : 1.0);
            if (isfinite(f)) {
                lo[k] = fmin(lo[k], f);
                hi[k] = fmax(hi[k], f);
            }
        }
    for (size_t i = 0; i < n; i++) {
        double mx = -INFINITY, sum = 0.0;
        for (size_t k = 0; k < m; k++) {
            double f = otto_trial_objective(rows[i], k) * (otto_view_maximize(v, k) ? -1.0 : 1.0);
            double range = hi[k] > lo[k] ? hi[k] - lo[k] : 1.0;
            double u = isfinite(lo[k]) ? (f - lo[k]) / range : 0.0;
            u = isnan(u) ? 0.0 : u > 1.0 ? 1.0 : u < 0.0 ? 0.0 : u;
            double t = w[k] / wsum * u;
            mx = fmax(mx, t);
            sum += t;
        }
        pb->y[i] = mx + 0.05 * sum;
    }
    otto__free(pb->a, w);
    return OTTO_OK;
}

/* In place: infinities to the worst/best finite value, then zero mean and unit
 * standard deviation (a constant column becomes all zeros). Returns where 0
 * went. */
static double standardize(double *y, size_t n, size_t stride)
{
    double lo = INFINITY, hi = -INFINITY, mean = 0.0, var = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = y[i * stride];
        if (isfinite(t)) {
            lo = fmin(lo, t);
            hi = fmax(hi, t);
        }
    }
    for (size_t i = 0; i < n; i++) {
        double *t = &y[i * stride];
        if (!isfinite(*t))
            *t = !isfinite(lo) ? 0.0 : *t > 0 ? hi : lo;
        mean += *t;
    }
    mean /= (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        double t = y[i * stride] - mean;
        var += t * t;
    }
    double sd = sqrt(var / (double)(n ? n : 1));
    if (!(sd > 1e-12 * fmax(1.0, fabs(mean))))
        sd = 1.0;
    for (size_t i = 0; i < n; i++)
        y[i * stride] = (y[i * stride] - mean) / sd;
    return -mean / sd;
}

/* Rows from the complete trials (and pending rows from running ones). */
static int gather(problem *pb, const otto_view *v, const otto_space *sp, otto_rng *rng,
                  int with_running, int warp)
{
    size_t count = otto_view_count(v);
    const otto_trial **rows = otto__calloc(pb->a, count ? count : 1, sizeof *rows);
    if (!rows)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    int rc = OTTO_OK;
    size_t n_con = SIZE_MAX;
    for (size_t i = 0; i < count && !rc; i++) {
        const otto_trial *t = otto_view_trial(v, i);
        if (otto_trial_get_state(t) != OTTO_TRIAL_COMPLETE || isnan(otto_trial_objective(t, 0)))
            continue;
        rc = grow_rows(pb, pb->n + 1);
        if (!rc && trial_row(pb, sp, t, pb->x + pb->n * pb->d)) {
            rows[pb->n++] = t;
            size_t c = otto_trial_constraint_count(t);
            n_con = n_con == SIZE_MAX ? c : n_con == c ? n_con : 0;
        }
    }
    if (!rc)
        rc = objective_targets(pb, v, rows, rng);
    if (!rc && warp && otto_view_n_objectives(v) == 1 && pb->n) {
        pb->y_warp = otto__calloc(pb->a, pb->n, sizeof *pb->y_warp);
        if (!pb->y_warp)
            rc = otto__error(OTTO_ENOMEM, "gp: out of memory");
        else
            memcpy(pb->y_warp, pb->y, pb->n * sizeof *pb->y);
        if (!rc && otto__gp_warp(pb->y_warp, pb->n, &pb->warp_log_jacobian) == 1.0) {
            otto__free(pb->a, pb->y_warp);
            pb->y_warp = NULL;
        }
    }
    pb->n_con = n_con == SIZE_MAX ? 0 : n_con;
    if (!rc && pb->n_con) {
        pb->con = otto__calloc(pb->a, pb->n * pb->n_con, sizeof *pb->con);
        pb->con_zero = otto__calloc(pb->a, 2 * pb->n_con, sizeof *pb->con_zero);
        pb->con_row = pb->con_zero ? pb->con_zero + pb->n_con : NULL;
        rc = pb->con && pb->con_zero ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
    }
    for (size_t i = 0; !rc && i < pb->n; i++) {
        int feas = 1;
        if (pb->n_con)
            rc = otto_trial_constraints(rows[i], pb->con_row, pb->n_con, NULL);
        for (size_t c = 0; !rc && c < pb->n_con; c++) {
            double g = pb->con_row[c];
            pb->con[i + c * pb->n] = g;
            feas &= g <= 0;
        }
        pb->feasible[i] = (unsigned char)feas;
    }
    pb->trials = rows;
    if (!rc) {
        standardize(pb->y, pb->n, 1);
        if (pb->y_warp)
            standardize(pb->y_warp, pb->n, 1);
        for (size_t k = 0; pb->mo && k < pb->mo->m; k++)
            standardize(pb->mo->y + k * pb->mo->ld, pb->n, 1);
        for (size_t c = 0; c < pb->n_con; c++)
            pb->con_zero[c] = standardize(pb->con + c * pb->n, pb->n, 1);
    }
    if (rc || !with_running)
        return rc;
    const otto_trial *const *run;
    size_t n_run;
    rc = otto_view_running(v, &run, &n_run);
    for (size_t i = 0; !rc && i < n_run; i++) {
        rc = grow_rows(pb, pb->n + pb->n_pend + 1);
        if (!rc && trial_row(pb, sp, run[i], pb->x + (pb->n + pb->n_pend) * pb->d))
            pb->n_pend++;
    }
    return rc;
}

/* ---- models ----------------------------------------------------------------------------- */

static void warm_load(gp_sampler *s, size_t slot, otto__gp *gp, int *have)
{
    *have = 0;
    pthread_mutex_lock(&s->mu);
    if (slot < s->n_warm && s->warm[slot].d == gp->d && s->warm[slot].inv_ls2) {
        memcpy(gp->p.inv_ls2, s->warm[slot].inv_ls2, gp->d * sizeof(double));
        gp->p.scale = s->warm[slot].scale;
        gp->p.noise = gp->fixed_noise ? OTTO__GP_MIN_NOISE : s->warm[slot].noise;
        *have = 1;
    }
    pthread_mutex_unlock(&s->mu);
}

/* Keep the fitted parameters for the next ask (best effort: a failed
 * allocation only costs the next fit its warm start). */
static void warm_store(gp_sampler *s, const otto_allocator *a, size_t slot, const otto__gp *gp)
{
    pthread_mutex_lock(&s->mu);
    s->alloc = a; /* one study's allocator: a sampler belongs to one study */
    if (slot >= s->n_warm) {
        warm *w = otto__reallocarray(a, s->warm, slot + 1, sizeof *w);
        if (w) {
            memset(w + s->n_warm, 0, (slot + 1 - s->n_warm) * sizeof *w);
            s->warm = w;
            s->n_warm = slot + 1;
        }
    }
    if (slot < s->n_warm) {
        warm *w = &s->warm[slot];
        if (w->d != gp->d) {
            otto__free(a, w->inv_ls2);
            w->inv_ls2 = otto__malloc(a, (gp->d ? gp->d : 1) * sizeof(double));
            w->d = w->inv_ls2 ? gp->d : 0;
        }
        if (w->inv_ls2) {
            memcpy(w->inv_ls2, gp->p.inv_ls2, gp->d * sizeof(double));
            w->scale = gp->p.scale;
            w->noise = gp->p.noise;
        }
    }
    pthread_mutex_unlock(&s->mu);
}

/* Likelihood evaluations for one fit. Each costs about n^3 flops (factor and
 * inverse), so the budget is about 6e7 flops: up to ~85 points the fit runs
 * to convergence (max_fit_evals), beyond it a few quasi-Newton steps per ask
 * continue from the previous ask's parameters, so the fit is amortized over
 * the asks of a study (at least 3 evaluations per ask). */
static size_t fit_budget(const gp_sampler *s, size_t n)
{
    double cube = (double)n * (double)n * (double)n;
    double by_cost = 6e7 / (cube > 1 ? cube : 1);
    size_t b = by_cost < 3 ? 3 : by_cost > 1e6 ? 1000000 : (size_t)by_cost;
    return b < s->o.max_fit_evals ? b : s->o.max_fit_evals;
}

static int fit_model(gp_sampler *s, const problem *pb, otto__gp *gp, size_t slot,
                     const double *y, int local)
{
    int rc = otto__gp_init(gp, pb->a, pb->d, pb->cat);
    if (rc)
        return rc;
    /* a local step's model interpolates (local_problem) */
    gp->fixed_noise = s->o.deterministic_objective || local;
    gp->dim_scaled_prior = s->o.dim_scaled_prior;
    otto__gp_default_params(gp);
    rc = otto__gp_set_data(gp, pb->n, pb->x, y);
    if (rc)
        return rc;
    int have;
    warm_load(s, slot, gp, &have);
    /* a periodic restart from the defaults guards against a warm start stuck
     * in a poor local optimum while fits are cheap */
    rc = otto__gp_fit(gp, fit_budget(s, pb->n), !have || (pb->n <= 150 && pb->n % 8 == 0));
    if (!rc)
        warm_store(s, pb->a, slot, gp);
    return rc;
}

/* Condition an objective model (targets y, room for the pending rows) on the
 * pending points at its own mean. */
static int add_pending(problem *pb, otto__gp *gp, double *y)
{
    if (!pb->n_pend)
        return OTTO_OK;
    size_t n = pb->n, np = pb->n_pend;
    double *work = otto__calloc(pb->a, n * np + np, sizeof *work);
    if (!work)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    int rc = otto__gp_predict(gp, np, pb->x + n * pb->d, y + n, work + n * np, work);
    otto__free(pb->a, work);
    if (!rc)
        rc = otto__gp_set_data(gp, n + np, pb->x, y);
    if (!rc)
        rc = otto__gp_condition(gp);
    if (rc == OTTO_ENUMERIC) { /* pending points only spread asks out: drop them */
        pb->n_pend = 0;
        rc = otto__gp_set_data(gp, n, pb->x, y);
        if (!rc)
            rc = otto__gp_condition(gp);
    }
    return rc;
}

/* ---- acquisition --------------------------------------------------------------------------- */

/* log EI (or 0 without a feasible incumbent) plus the log probability of
 * feasibility, for m points (m <= CHUNK). */
static int acq_batch(acq *q, size_t m, const double *xs, double *out)
{
    int rc = q->mo ? otto__gp_multi_batch(q->mo, q->obj, m, xs, out, q->work)
                   : otto__gp_predict(q->obj, m, xs, q->mean, q->var, q->work);
    for (size_t c = 0; !rc && !q->mo && c < m; c++) {
        double sd = sqrt(q->var[c]);
        out[c] = q->have_best ? otto__log_h((q->best - q->mean[c]) / sd) + log(sd) : 0.0;
    }
    for (size_t k = 0; !rc && k < q->n_con; k++) {
        rc = otto__gp_predict(&q->con[k], m, xs, q->mean, q->var, q->work);
        for (size_t c = 0; !rc && c < m; c++)
            out[c] += otto__log_ndtr((q->pb->con_zero[k] - q->mean[c]) / sqrt(q->var[c]));
    }
    return rc;
}

static int acq_many(acq *q, size_t m, const double *xs, double *out)
{
    int rc = OTTO_OK;
    for (size_t c = 0; !rc && c < m; c += CHUNK)
        rc = acq_batch(q, m - c < CHUNK ? m - c : CHUNK, xs + c * q->pb->d, out + c);
    return rc;
}

/* Value and gradient (over all d coordinates) at x. */
static int acq_grad(acq *q, const double *x, double *val, double *grad)
{
    size_t d = q->pb->d;
    double mean, var;
    int rc = q->mo ? otto__gp_multi_grad(q->mo, q->obj, x, val, grad, q->gwork)
                   : otto__gp_predict_grad(q->obj, x, &mean, &var, q->dmean, q->dvar, q->gwork);
    if (rc)
        return rc;
    if (!q->mo) {
        for (size_t j = 0; j < d; j++)
            grad[j] = 0.0;
        *val = 0.0;
    }
    /* for a target t: z = (t - mean)/sd, dz = -(dmean + z dsd)/sd, dsd = dvar/(2 sd) */
    if (q->have_best && !q->mo) {
        double sd = sqrt(var), z = (q->best - mean) / sd, dl = otto__dlog_h(z);
        *val = otto__log_h(z) + log(sd);
        for (size_t j = 0; j < d; j++) {
            double dsd = q->dvar[j] / (2.0 * sd);
            grad[j] = dl * (-(q->dmean[j] + z * dsd) / sd) + dsd / sd;
        }
    }
    for (size_t k = 0; k < q->n_con; k++) {
        rc = otto__gp_predict_grad(&q->con[k], x, &mean, &var, q->dmean, q->dvar, q->gwork);
        if (rc)
            return rc;
        double sd = sqrt(var), z = (q->pb->con_zero[k] - mean) / sd, dl = otto__dlog_ndtr(z);
        *val += otto__log_ndtr(z);
        for (size_t j = 0; j < d; j++) {
            double dsd = q->dvar[j] / (2.0 * sd);
            grad[j] += dl * (-(q->dmean[j] + z * dsd) / sd);
        }
    }
    return OTTO_OK;
}

/* bfgs objective over the free coordinates: -acquisition. */
static int acq_objective(void *ctx, const double *xf, double *f, double *grad)
{
    acq *q = ctx;
    for (size_t k = 0; k < q->n_free; k++)
        q->base[q->free_idx[k]] = xf[k];
    double val;
    int rc = acq_grad(q, q->base, &val, q->g);
    if (rc)
        return rc;
    *f = isfinite(val) ? -val : INFINITY;
    for (size_t k = 0; k < q->n_free; k++)
        grad[k] = -q->g[q->free_idx[k]];
    return OTTO_OK;
}

/* Try every value of discrete dim j at x; keep the best. */
static int sweep_dim(acq *q, size_t j, double *x, double *val, double *buf, double *vals)
{
    const otto_distribution *dist = q->pb->dist[j];
    size_t d = q->pb->d, g = (size_t)otto_distribution_grid_size(dist);
    int rc = OTTO_OK;
    for (size_t start = 0; !rc && start < g; start += CHUNK) {
        size_t m = g - start < CHUNK ? g - start : CHUNK;
        for (size_t c = 0; c < m; c++) {
            double k = (double)(start + c);
            memcpy(buf + c * d, x, d * sizeof *x);
            buf[c * d + j] = q->pb->cat[j]
                                 ? k
                                 : otto_distribution_to_unit(dist, dist->low + k * dist->step);
        }
        rc = acq_batch(q, m, buf, vals);
        for (size_t c = 0; !rc && c < m; c++)
            if (vals[c] > *val) {
                *val = vals[c];
                x[j] = buf[c * d + j];
            }
    }
    return rc;
}

/* Local refinement of x: projected L-BFGS over the continuous coordinates,
 * snapping, then a sweep of each discrete coordinate; twice when both kinds
 * are present. *val is x's acquisition value on entry and exit. */
static int refine(acq *q, double *x, double *val, double *buf, double *vals)
{
    const problem *pb = q->pb;
    size_t d = pb->d;
    int has_swept = 0;
    for (size_t j = 0; j < d; j++)
        has_swept |= pb->swept[j];
    int rc = OTTO_OK;
    for (int round = 0; round < 1 + has_swept && !rc; round++) {
        if (q->n_free) {
            double *xf = buf, *lo = buf + q->n_free, *hi = buf + 2 * q->n_free;
            for (size_t k = 0; k < q->n_free; k++) {
                xf[k] = x[q->free_idx[k]];
                lo[k] = 0.0;
                hi[k] = 1.0;
            }
            memcpy(q->base, x, d * sizeof *x);
            otto__la_bfgs_options o;
            otto__la_bfgs_options_default(&o);
            o.max_evals = 40;
            o.pgtol = 1e-7;
            otto__la_bfgs_result res;
            rc = otto__la_bfgs_minimize(pb->a, acq_objective, q, q->n_free, xf, lo, hi, &o, &res);
            if (rc == OTTO_ENUMERIC) /* keep the sweep point */
                return OTTO_OK;
            if (rc)
                return rc;
            memcpy(buf + 3 * q->n_free, x, d * sizeof *x); /* candidate: refined and snapped */
            double *cand = buf + 3 * q->n_free;
            for (size_t k = 0; k < q->n_free; k++) {
                size_t j = q->free_idx[k];
                cand[j] = snap_unit(pb->dist[j], 0, xf[k]);
            }
            double cv;
            rc = acq_batch(q, 1, cand, &cv);
            if (!rc && cv > *val) {
                *val = cv;
                memcpy(x, cand, d * sizeof *x);
            }
        }
        for (size_t j = 0; !rc && j < d; j++)
            if (pb->swept[j])
                rc = sweep_dim(q, j, x, val, buf, vals);
    }
    return rc;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = ((const double *)a)[0], y = ((const double *)b)[0];
    return x > y ? -1 : x < y ? 1 : 0;
}

/* Indices of the k rows with the smallest objective, feasible ones first. */
static size_t best_rows(const problem *pb, size_t *idx, size_t k)
{
    size_t got = 0;
    for (int pass = 0; pass < 2; pass++)
        while (got < k) {
            size_t pick = SIZE_MAX;
            for (size_t i = 0; i < pb->n; i++) {
                int taken = 0;
                for (size_t r = 0; r < got; r++)
                    taken |= idx[r] == i;
                if (!taken && pb->feasible[i] == (pass == 0) &&
                    (pick == SIZE_MAX || pb->y[i] < pb->y[pick]))
                    pick = i;
            }
            if (pick == SIZE_MAX)
                break;
            idx[got++] = pick;
        }
    return got;
}

/* Maximize the acquisition function into x. */
static int maximize(acq *q, const gp_sampler *s, otto_rng *rng, double *x)
{
    const problem *pb = q->pb;
    const otto_allocator *a = pb->a;
    size_t d = pb->d, m = s->o.n_candidates, n_local = s->o.n_local_search;
    size_t n_pert = m / 4, n_qmc = m - n_pert;
    double *cand = otto__calloc(a, m * d, sizeof *cand);
    double *scored = otto__calloc(a, 2 * m, sizeof *scored); /* (value, index) pairs */
    double *vals = otto__calloc(a, m > CHUNK ? m : CHUNK, sizeof *vals);
    size_t bufn = 3 * d + d + CHUNK * d;
    double *buf = otto__calloc(a, bufn, sizeof *buf);
    double *xr = otto__calloc(a, d, sizeof *xr);
    size_t top[5];
    int rc = cand && scored && vals && buf && xr ? OTTO_OK
                                                : otto__error(OTTO_ENOMEM, "gp: out of memory");
    if (!rc) {
        uint64_t qseed = otto_rng_next(rng);
        for (size_t c = 0; c < n_qmc; c++) {
            double *row = cand + c * d;
            otto__qmc_point(d, qseed, c, row);
            for (size_t j = 0; j < d; j++)
                row[j] = draw_coordinate(pb->dist[j], pb->cat[j], row[j]);
        }
        static const double sigmas[3] = {0.02, 0.08, 0.2};
        size_t k = best_rows(pb, top, 5);
        for (size_t c = n_qmc; c < m; c++) {
            double *row = cand + c * d;
            if (!k) {
                for (size_t j = 0; j < d; j++)
                    row[j] = draw_coordinate(pb->dist[j], pb->cat[j], otto_rng_uniform(rng));
                continue;
            }
            const double *from = pb->x + top[c % k] * d;
            double sg = sigmas[(c / k) % 3];
            for (size_t j = 0; j < d; j++) {
                if (pb->cat[j] || (pb->swept[j] && otto_distribution_grid_size(pb->dist[j]) < 8))
                    row[j] = otto_rng_uniform(rng) * (double)d < 1.0
                                 ? draw_coordinate(pb->dist[j], pb->cat[j], otto_rng_uniform(rng))
                                 : from[j];
                else
                    row[j] = snap_unit(pb->dist[j], 0, from[j] + sg * otto_rng_normal(rng));
            }
        }
        rc = acq_many(q, m, cand, vals);
    }
    if (!rc) {
        for (size_t c = 0; c < m; c++) {
            scored[2 * c] = isnan(vals[c]) ? -INFINITY : vals[c];
            scored[2 * c + 1] = (double)c;
        }
        qsort(scored, m, 2 * sizeof *scored, cmp_desc);
        memcpy(x, cand + (size_t)scored[1] * d, d * sizeof *x);
        double best = scored[0];
        for (size_t r = 0; !rc && r < n_local && r < m; r++) {
            const double *c0 = cand + (size_t)scored[2 * r + 1] * d;
            if (r > 0 && !memcmp(c0, cand + (size_t)scored[2 * r - 1] * d, d * sizeof *c0))
                continue;
            memcpy(xr, c0, d * sizeof *xr);
            double val = scored[2 * r];
            rc = refine(q, xr, &val, buf, vals);
            if (!rc && val > best) {
                best = val;
                memcpy(x, xr, d * sizeof *x);
            }
        }
    }
    otto__free(a, cand);
    otto__free(a, scored);
    otto__free(a, vals);
    otto__free(a, buf);
    otto__free(a, xr);
    return rc;
}

/* ---- sampling ------------------------------------------------------------------------------- */

static void random_point(const problem *pb, otto_rng *rng, double *out)
{
    for (size_t j = 0; j < pb->d; j++)
        out[j] = otto_distribution_from_unit(pb->dist[j], otto_rng_uniform(rng));
}

static void startup_point(const problem *pb, const otto_view *v, int64_t number, double *out)
{
    otto__qmc_point(pb->d, otto_view_seed(v), (uint64_t)number, out);
    for (size_t j = 0; j < pb->d; j++)
        out[j] = otto_distribution_from_unit(pb->dist[j], out[j]);
}

/* Noisy mode (single objective, no constraints): EI improves on the
 * incumbent's posterior mean instead of the best observed value (which
 * noise biases low), and an evaluated configuration is evaluated again when
 * that is worth more than the best new point (gp_repeat.h). */
static int noisy_mode(const gp_sampler *s, const problem *pb, size_t n_objectives)
{
    return s->o.noisy && n_objectives == 1 && pb->n_con == 0;
}

/* ---- local steps ------------------------------------------------------------------------- */

/* Whether the last complete trial (by number) was a quadratic step that
 * found a new best: then this ask is a local step too, so that a trust
 * region that is working keeps going. */
static int quadratic_streak(const problem *pb)
{
    size_t last = 0;
    if (!pb->n)
        return 0;
    for (size_t i = 1; i < pb->n; i++)
        if (otto_trial_number(pb->trials[i]) > otto_trial_number(pb->trials[last]))
            last = i;
    const char *kind = otto_trial_system_attr_find(pb->trials[last], LOCAL_ATTR);
    if (!kind || strcmp(kind, "quadratic"))
        return 0;
    double f = otto_trial_objective(pb->trials[last], 0);
    for (size_t i = 0; i < pb->n; i++)
        if (i != last && pb->sign * otto_trial_objective(pb->trials[i], 0) <= pb->sign * f)
            return 0;
    return 1;
}

/* Whether this ask is a local step (otto_gp_options.local_steps): one
 * trial in LOCAL_PERIOD by number, and the one after a quadratic step that
 * found a new best (quadratic_streak), once the history holds LOCAL_START
 * neighbourhoods, on single-objective studies without constraints, noisy
 * mode or dims searched by sweeping (categories, small grids). */
static int local_step(const gp_sampler *s, const problem *pb, size_t n_objectives,
                      int64_t number)
{
    if (!s->o.local_steps || n_objectives != 1 || pb->mo || pb->n_con || s->o.noisy ||
        (number % LOCAL_PERIOD != LOCAL_PERIOD - 1 && !quadratic_streak(pb)))
        return 0;
    for (size_t j = 0; j < pb->d; j++)
        if (!pb->relaxed[j])
            return 0;
    return pb->n >= LOCAL_START * LOCAL_NEIGHBOURS(pb->d);
}

/* (-distance^2, row) pairs: nearest first, ties by row, so that every qsort
 * gives the same order. */
static int cmp_near(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] > y[0] ? -1 : x[0] < y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* near (2n) receives the complete rows as (-distance^2, row) pairs from xb,
 * nearest first. */
static void sort_near(const problem *pb, const double *xb, double *near)
{
    size_t d = pb->d, n = pb->n;
    for (size_t i = 0; i < n; i++) {
        double r2 = 0.0;
        for (size_t j = 0; j < d; j++)
            r2 += (pb->x[i * d + j] - xb[j]) * (pb->x[i * d + j] - xb[j]);
        near[2 * i] = -r2;
        near[2 * i + 1] = (double)i;
    }
    qsort(near, n, 2 * sizeof *near, cmp_near);
}

/* The neighbourhood of the best complete row, as a problem of its own: the
 * LOCAL_NEIGHBOURS(d) rows nearest the best (itself included) and every
 * pending row, in the coordinates of a box around the best, their values
 * standardized again among themselves, and fitted without noise (noise at
 * its floor): a local step assumes that differences near the best are
 * signal (noisy objectives belong in noisy mode, which takes no local
 * steps). The box is the best row plus or minus
 * the neighbours' largest distance from it, per dim and inside the cube;
 * mapped onto the unit cube, it gives the kernel's lengthscales and the
 * acquisition search the scale of the neighbourhood, and the standardization
 * resolves differences near the best that the whole history's spread hides.
 * Its dims are plain floats on [0, 1] (local steps have relaxed dims only;
 * the point found is snapped when mapped back). box receives lo[d] then
 * width[d]; problem_free releases loc. */
static int local_problem(const problem *pb, problem *loc, double *box)
{
    size_t d = pb->d, n = pb->n, k = LOCAL_NEIGHBOURS(d), best = 0;
    for (size_t i = 1; i < n; i++)
        if (pb->y[i] < pb->y[best])
            best = i;
    const double *xb = pb->x + best * d;
    double *lo = box, *width = box + d;
    memset(loc, 0, sizeof *loc);
    loc->a = pb->a;
    loc->d = d;
    loc->dist = otto__calloc(pb->a, d, sizeof *loc->dist);
    loc->dist_copy = otto__calloc(pb->a, d, sizeof *loc->dist_copy);
    loc->cat = otto__calloc(pb->a, d, 1);
    loc->swept = otto__calloc(pb->a, d, 1);
    loc->relaxed = otto__calloc(pb->a, d, 1);
    double *near = otto__calloc(pb->a, 2 * n, sizeof *near); /* (-distance^2, row) pairs */
    if (!loc->dist || !loc->dist_copy || !loc->cat || !loc->swept || !loc->relaxed || !near ||
        grow_rows(loc, k + pb->n_pend)) {
        otto__free(pb->a, near);
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    }
    for (size_t j = 0; j < d; j++) {
        loc->dist_copy[j].kind = OTTO_DIST_FLOAT;
        loc->dist_copy[j].high = 1.0;
        loc->dist[j] = &loc->dist_copy[j];
        loc->relaxed[j] = 1;
    }
    sort_near(pb, xb, near);
    for (size_t j = 0; j < d; j++) {
        double reach = LOCAL_MIN_REACH;
        for (size_t r = 0; r < k; r++)
            reach = fmax(reach, fabs(pb->x[(size_t)near[2 * r + 1] * d + j] - xb[j]));
        lo[j] = fmax(0.0, xb[j] - reach);
        width[j] = fmin(1.0, xb[j] + reach) - lo[j];
    }
    for (size_t r = 0; r < k + pb->n_pend; r++) {
        size_t i = r < k ? (size_t)near[2 * r + 1] : n + (r - k);
        for (size_t j = 0; j < d; j++)
            loc->x[r * d + j] = (pb->x[i * d + j] - lo[j]) / width[j];
        if (r < k) {
            loc->y[r] = pb->y[i];
            loc->feasible[r] = 1;
        }
    }
    loc->n = k;
    loc->n_pend = pb->n_pend;
    standardize(loc->y, k, 1);
    otto__free(pb->a, near);
    return OTTO_OK;
}

/* The quadratic step (gp_quadratic.h), tried first at each local step once
 * the history holds QUAD_POINTS(d) trials: a full quadratic fitted to the
 * objective's own values (not the standardized or warped targets, whose
 * rounding would cap the precision near the optimum) at the QUAD_POINTS(d)
 * complete rows nearest the best one, in the coordinates of the box they
 * span around it, minimized over a ball of radius 1 there, halved by every
 * quadratic step since the best trial (a trust region that shrinks while it
 * fails and starts again from 1 at each new best). x receives that point,
 * snapped, and *found = 1. Below QUAD_MIN_RADIUS, or when the point is
 * already a complete or running row, *found = 0, for the local GP step
 * instead. */
static int quadratic_point(const problem *pb, double *x, int *found)
{
    size_t d = pb->d, n = pb->n, k = QUAD_POINTS(d), best = 0;
    *found = 0;
    if (n < k || pb->mo)
        return OTTO_OK;
    double f_best = pb->sign * otto_trial_objective(pb->trials[0], 0);
    for (size_t i = 1; i < n; i++) {
        double f = pb->sign * otto_trial_objective(pb->trials[i], 0);
        if (f < f_best) {
            f_best = f;
            best = i;
        }
    }
    const double *xb = pb->x + best * d;
    /* the trust region: halved by each quadratic step since the best trial */
    double radius = 1.0;
    int64_t best_number = otto_trial_number(pb->trials[best]);
    for (size_t i = 0; i < n; i++) {
        const char *kind = otto_trial_system_attr_find(pb->trials[i], LOCAL_ATTR);
        if (otto_trial_number(pb->trials[i]) > best_number && kind && !strcmp(kind, "quadratic"))
            radius *= 0.5;
    }
    if (radius < QUAD_MIN_RADIUS)
        return OTTO_OK;
    /* (-distance^2, row) pairs, then u (k x d), t (k), the reach and the step (d each) */
    double *near = otto__calloc(pb->a, 2 * n + k * d + k + 2 * d, sizeof *near);
    if (!near)
        return otto__error(OTTO_ENOMEM, "gp: out of memory");
    double *u = near + 2 * n, *t = u + k * d, *reach = t + k, *step = reach + d;
    sort_near(pb, xb, near);
    double spread = 0.0;
    for (size_t j = 0; j < d; j++)
        reach[j] = LOCAL_MIN_REACH;
    for (size_t r = 0; r < k; r++) {
        size_t i = (size_t)near[2 * r + 1];
        t[r] = pb->sign * otto_trial_objective(pb->trials[i], 0) - f_best;
        spread = fmax(spread, t[r]);
        for (size_t j = 0; j < d; j++)
            reach[j] = fmax(reach[j], fabs(pb->x[i * d + j] - xb[j]));
    }
    int rc = OTTO_OK;
    if (isfinite(spread) && spread > 0) {
        for (size_t r = 0; r < k; r++) {
            size_t i = (size_t)near[2 * r + 1];
            t[r] /= spread;
            for (size_t j = 0; j < d; j++)
                u[r * d + j] = (pb->x[i * d + j] - xb[j]) / reach[j];
        }
        rc = otto__gp_quadratic_step(pb->a, d, k, u, t, radius, step, found);
        if (rc == OTTO_ENUMERIC)
            rc = OTTO_OK; /* *found == 0: a local GP step instead */
    }
    for (size_t j = 0; *found && j < d; j++)
        x[j] = snap_unit(pb->dist[j], 0, xb[j] + reach[j] * step[j]);
    for (size_t i = 0; *found && i < n + pb->n_pend; i++) {
        size_t j = 0;
        while (j < d && pb->x[i * d + j] == x[j])
            j++;
        *found = j < d;
    }
    otto__free(pb->a, near);
    return rc;
}

/* The warm slot of the objective model fitted to warped targets: after the
 * objective's and the constraints' (0..n_con), and the local steps' ones. */
static size_t warp_slot(const problem *pb) { return 2 * (1 + pb->n_con); }

/* Output warping: the warped targets replace the plain ones when the
 * objective model's evidence for them (its log posterior at the MAP fit plus
 * the warp's log Jacobian) beats the plain targets' by WARP_MARGIN. The
 * model fitted to the targets kept moves into *fitted (*have = 1), for the
 * global step to use instead of fitting it again. */
static int pick_warp(gp_sampler *s, problem *pb, otto__gp *fitted, int *have)
{
    *have = 0;
    if (!pb->y_warp)
        return OTTO_OK;
    otto__gp plain, warped;
    memset(&plain, 0, sizeof plain);
    memset(&warped, 0, sizeof warped);
    double f_plain = INFINITY, f_warped = INFINITY;
    int rc = fit_model(s, pb, &plain, 0, pb->y, 0);
    if (!rc)
        rc = otto__gp_neg_log_posterior(&plain, &f_plain, NULL);
    if (!rc)
        rc = fit_model(s, pb, &warped, warp_slot(pb), pb->y_warp, 0);
    if (!rc)
        rc = otto__gp_neg_log_posterior(&warped, &f_warped, NULL);
    if (!rc) {
        int keep_warped = -f_warped + pb->warp_log_jacobian > -f_plain + WARP_MARGIN;
        if (keep_warped)
            memcpy(pb->y, pb->y_warp, pb->n * sizeof *pb->y);
        *fitted = keep_warped ? warped : plain;
        memset(keep_warped ? &warped : &plain, 0, sizeof plain);
        *have = 1;
    }
    otto__gp_free(&plain);
    otto__gp_free(&warped);
    return rc == OTTO_ENUMERIC || rc == OTTO_ERANGE ? OTTO_OK : rc; /* else: plain targets */
}

/* Fit the models and maximize the acquisition; x receives unit coordinates.
 * In noisy mode *repeat_row may receive the complete row of the configuration
 * to evaluate again instead (else SIZE_MAX). */
static int bayes_step(gp_sampler *s, problem *pb, size_t n_objectives, otto_rng *rng,
                      int local, otto__gp *prefit, double *x, size_t *repeat_row)
{
    otto__gp_configs cfg;
    memset(&cfg, 0, sizeof cfg);
    *repeat_row = SIZE_MAX;
    int noisy = noisy_mode(s, pb, n_objectives);
    const otto_allocator *a = pb->a;
    otto__gp_multi *mo = pb->mo;
    if (mo && pb->n + pb->n_pend > mo->ld) /* more running trials than when counted */
        pb->n_pend = mo->ld - pb->n;
    size_t n_obj = mo ? mo->m : 1, n_models = n_obj + pb->n_con;
    otto__gp *models = otto__calloc(a, n_models, sizeof *models);
    acq q;
    memset(&q, 0, sizeof q);
    int rc = models ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
    /* warm slots: objectives 0..n_obj-1, then the constraints; a local
     * step's models have their own, after those (pick_warp's warped
     * objective has the next one) */
    for (size_t k = 0; !rc && k < n_models; k++) {
        if (k == 0 && prefit) { /* pick_warp's */
            models[0] = *prefit;
            memset(prefit, 0, sizeof *prefit);
            continue;
        }
        rc = fit_model(s, pb, &models[k], local ? n_models + k : k,
                       k >= n_obj ? pb->con + (k - n_obj) * pb->n
                       : mo       ? mo->y + k * mo->ld
                                  : pb->y,
                       local);
    }
    for (size_t k = 0; !rc && k < n_obj; k++) /* with n_pend == 0 after a drop: no-op */
        rc = add_pending(pb, &models[k], mo ? mo->y + k * mo->ld : pb->y);
    if (!rc && mo)
        rc = otto__gp_multi_prepare(mo, pb->n, pb->n_pend, pb->feasible, pb->d);
    for (size_t k = 0; !rc && k < n_models; k++)
        rc = otto__gp_prepare_grad(&models[k]);
    if (!rc) {
        q.pb = pb;
        q.obj = &models[0];
        q.mo = mo;
        q.con = models + n_obj;
        q.n_con = pb->n_con;
        q.best = INFINITY;
        for (size_t i = 0; i < pb->n; i++)
            if (pb->feasible[i] && pb->y[i] < q.best)
                q.best = pb->y[i];
        q.have_best = isfinite(q.best);
        if (noisy)
            rc = otto__gp_configs_build(&cfg, &models[0], pb->n, pb->n_pend, pb->d, pb->x, a);
        size_t d = pb->d, n_all = pb->n + pb->n_pend;
        q.work = otto__calloc(a, (n_all ? n_all : 1) * CHUNK + 2 * CHUNK + 4 * n_all + 4 * d,
                              sizeof(double));
        q.free_idx = otto__calloc(a, d ? d : 1, sizeof *q.free_idx);
        if (!rc && (!q.work || !q.free_idx))
            rc = otto__error(OTTO_ENOMEM, "gp: out of memory");
    }
    if (!rc) {
        size_t d = pb->d, n_all = pb->n + pb->n_pend;
        q.mean = q.work + (n_all ? n_all : 1) * CHUNK;
        q.var = q.mean + CHUNK;
        q.gwork = q.var + CHUNK;
        q.dmean = q.gwork + 4 * n_all;
        q.dvar = q.dmean + d;
        q.g = q.dvar + d;
        q.base = q.g + d;
        for (size_t j = 0; j < d; j++)
            if (pb->relaxed[j] || (!pb->cat[j] && !pb->swept[j]))
                q.free_idx[q.n_free++] = j;
        rc = maximize(&q, s, rng, x);
        size_t pick = SIZE_MAX;
        if (!rc && noisy) { /* x's EI over the incumbent's posterior mean */
            double ei_plugin;
            q.best = cfg.mean[cfg.best];
            rc = acq_batch(&q, 1, x, &ei_plugin);
            if (!rc)
                rc = otto__gp_repeat_pick(&cfg, &models[0], d, pb->x, ei_plugin, n_all + 1,
                                          REPEAT_MAX_REPLICATES, REPEAT_MAX_SHARE, &pick);
        }
        if (!rc && pick != SIZE_MAX)
            *repeat_row = cfg.row[pick];
    }
    otto__gp_configs_free(&cfg);
    if (q.work)
        otto__free(a, q.work);
    otto__free(a, q.free_idx);
    for (size_t k = 0; models && k < n_models; k++)
        otto__gp_free(&models[k]);
    otto__free(a, models);
    return rc;
}

/* The first-numbered trial of the configuration of complete row r. */
static const otto_trial *original_of(const problem *pb, size_t r)
{
    const otto_trial *orig = pb->trials[r];
    const double *xr = pb->x + r * pb->d;
    for (size_t i = 0; i < pb->n; i++)
        if (otto_trial_number(pb->trials[i]) < otto_trial_number(orig) &&
            !memcmp(pb->x + i * pb->d, xr, pb->d * sizeof *xr))
            orig = pb->trials[i];
    return orig;
}

/* The trial re-evaluates orig: its params (internal values, so exactly
 * orig's) and the link in its system attributes. */
static int propose_repeat(const problem *pb, const otto_view *v, const otto_space *sp,
                          otto_trial *trial, const otto_trial *orig, double *out)
{
    for (size_t j = 0; j < pb->d; j++) {
        const otto_param_key *key = otto_space_param_key(sp, j);
        const char *name;
        if (key ? !otto_trial_param_like(orig, key, j, &out[j])
                : otto_space_param(sp, j, &name, NULL) != OTTO_OK ||
                      !otto_trial_param_find(orig, name, &out[j]))
            return otto__error(OTTO_ESTATE, "gp: trial %lld lost a param",
                               (long long)otto_trial_number(orig)); /* gathered: cannot */
    }
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)otto_trial_number(orig));
    int rc = otto_trial_set_system_attr(trial, OTTO_ATTR_REPEAT_OF, num);
    if (!rc)
        otto_view_log(v, OTTO_LEVEL_DEBUG, "gp: trial %lld repeats trial %s",
                      (long long)otto_trial_number(trial), num);
    return rc;
}

static int gp_relative(void *state, const otto_view *v, otto_trial *trial,
                       const otto_space *space, double *out)
{
    gp_sampler *s = state;
    otto_rng *rng = otto_trial_rng(trial);
    problem pb;
    int rc = problem_init(&pb, alloc_of(v), space, s->o.small_ints_as_categories);
    if (!rc && otto_view_n_objectives(v) > 1 && s->o.multi_objective == OTTO_GP_EHVI) {
        pb.mo = otto__calloc(pb.a, 1, sizeof *pb.mo);
        rc = pb.mo ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
    }
    if (!rc)
        rc = gather(&pb, v, space, rng, s->o.use_running_trials,
                    s->o.output_warping && !s->o.noisy);
    size_t need = s->o.n_startup_trials > 1 ? s->o.n_startup_trials : 1;
    if (!rc && pb.n < need) {
        startup_point(&pb, v, otto_trial_number(trial), out);
    } else if (!rc) {
        size_t m = otto_view_n_objectives(v), repeat_row = SIZE_MAX;
        double *x = otto__calloc(pb.a, 3 * pb.d, sizeof *x), *box = x ? x + pb.d : NULL;
        rc = x ? OTTO_OK : otto__error(OTTO_ENOMEM, "gp: out of memory");
        otto__gp prefit;
        memset(&prefit, 0, sizeof prefit);
        int have_prefit = 0;
        int local = !rc && local_step(s, &pb, m, otto_trial_number(trial)), quadratic = 0;
        if (local)
            rc = quadratic_point(&pb, x, &quadratic);
        if (!rc && !quadratic)
            rc = pick_warp(s, &pb, &prefit, &have_prefit);
        if (!rc && quadratic) {
            rc = otto_trial_set_system_attr(trial, LOCAL_ATTR, "quadratic");
        } else if (local && !rc) {
            problem loc;
            rc = local_problem(&pb, &loc, box);
            if (!rc)
                rc = bayes_step(s, &loc, m, rng, 1, NULL, x, &repeat_row);
            for (size_t j = 0; !rc && j < pb.d; j++) /* back from the box */
                x[j] = snap_unit(pb.dist[j], 0, box[j] + box[pb.d + j] * x[j]);
            problem_free(&loc);
            if (rc == OTTO_ENUMERIC || rc == OTTO_ERANGE) { /* a global step instead */
                otto_view_log(v, OTTO_LEVEL_DEBUG, "gp: trial %lld: local step failed (%s)",
                              (long long)otto_trial_number(trial), otto_last_error_message());
                local = 0;
                rc = OTTO_OK;
            } else if (!rc) {
                rc = otto_trial_set_system_attr(trial, LOCAL_ATTR, "1");
            }
        }
        if (!rc && !local)
            rc = bayes_step(s, &pb, m, rng, 0, have_prefit ? &prefit : NULL, x, &repeat_row);
        otto__gp_free(&prefit); /* unused after a local step or a failure */
        if (rc == OTTO_ENUMERIC || rc == OTTO_ERANGE) {
            otto_view_log(v, OTTO_LEVEL_WARNING,
                      "gp: trial %lld sampled at random: %s", (long long)otto_trial_number(trial),
                      otto_last_error_message());
            random_point(&pb, rng, out);
            rc = OTTO_OK;
        } else if (!rc && repeat_row != SIZE_MAX) {
            rc = propose_repeat(&pb, v, space, trial, original_of(&pb, repeat_row), out);
        } else if (!rc) {
            for (size_t j = 0; j < pb.d; j++)
                out[j] = pb.cat[j] ? otto__gp_category_value(pb.dist[j], x[j])
                                   : otto_distribution_from_unit(pb.dist[j], x[j]);
        }
        otto__free(pb.a, x);
    }
    problem_free(&pb);
    return rc;
}

/* For a repeat (noisy mode), the original's value of a param outside the
 * relative space, when it has one of the same distribution: 1 and *out. */
static int repeat_value(const otto_view *v, const otto_trial *trial, const char *name,
                        const otto_distribution *dist, double *out)
{
    const char *value = otto_trial_system_attr_find(trial, OTTO_ATTR_REPEAT_OF);
    if (!value)
        return 0;
    long long number = strtoll(value, NULL, 10);
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        if (otto_trial_number(t) != number)
            continue;
        const otto_param_key *k = otto_trial_param_find(t, name, out);
        return k && otto_distribution_equal(otto_param_key_distribution(k), dist);
    }
    return 0;
}

static int gp_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                          const otto_distribution *dist, double *out)
{
    const gp_sampler *s = state;
    if (s->o.noisy && repeat_value(v, trial, name, dist, out))
        return OTTO_OK;
    if (s->o.warn_independent_sampling && otto_view_count(v) >= s->o.n_startup_trials &&
        otto_view_count(v) > 0)
        otto_view_log(v, OTTO_LEVEL_WARNING,
                  "gp: '%s' is outside the relative search space; sampled at random", name);
    /* the study's first trial: the centre of every numeric range (a
     * category has no centre) */
    int centre = otto_trial_number(trial) == 0 && dist->kind != OTTO_DIST_CATEGORICAL;
    double u = centre ? 0.5 : otto_rng_uniform(otto_trial_rng(trial));
    *out = otto_distribution_from_unit(dist, u);
    return OTTO_OK;
}

static void gp_destroy(void *state)
{
    gp_sampler *s = state;
    for (size_t i = 0; i < s->n_warm; i++)
        otto__free(s->alloc, s->warm[i].inv_ls2);
    if (s->alloc)
        otto__free(s->alloc, s->warm);
    pthread_mutex_destroy(&s->mu);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_sampler_vtable gp_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "gp",
    .sample_relative = gp_relative,
    .sample_independent = gp_independent,
    .destroy = gp_destroy,
};

void otto_gp_options_init_sized(otto_gp_options *o, size_t size)
{
    otto_gp_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    def.n_startup_trials = 10;
    def.n_candidates = 1024;
    def.n_local_search = 8;
    def.max_fit_evals = 100;
    def.dim_scaled_prior = 0;
    def.use_running_trials = 1;
    def.warn_independent_sampling = 1;
    def.multi_objective = OTTO_GP_EHVI;
    def.noisy = 0;
    def.small_ints_as_categories = 0;
    def.local_steps = 0;
    def.output_warping = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int check_flag(int v, const char *name)
{
    if (v != 0 && v != 1)
        return otto__error(OTTO_EINVAL, "gp_options: %s must be 0 or 1 (got %d)", name, v);
    return OTTO_OK;
}

int otto_sampler_gp_create(const otto_gp_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_gp_create: out is NULL");
    otto_gp_options o;
    otto_gp_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "gp_options") : OTTO_OK;
    if (!rc && (o.n_candidates < 1 || o.n_candidates > 1000000))
        rc = otto__error(OTTO_EINVAL, "gp_options: n_candidates %zu must be in [1, 1e6]",
                         o.n_candidates);
    if (!rc && o.n_local_search > o.n_candidates)
        rc = otto__error(OTTO_EINVAL, "gp_options: n_local_search %zu exceeds n_candidates %zu",
                         o.n_local_search, o.n_candidates);
    if (!rc && (o.max_fit_evals < 1 || o.max_fit_evals > 100000))
        rc = otto__error(OTTO_EINVAL, "gp_options: max_fit_evals %zu must be in [1, 1e5]",
                         o.max_fit_evals);
    if (!rc)
        rc = check_flag(o.deterministic_objective, "deterministic_objective");
    if (!rc)
        rc = check_flag(o.dim_scaled_prior, "dim_scaled_prior");
    if (!rc)
        rc = check_flag(o.use_running_trials, "use_running_trials");
    if (!rc)
        rc = check_flag(o.warn_independent_sampling, "warn_independent_sampling");
    if (!rc)
        rc = check_flag(o.noisy, "noisy");
    if (!rc)
        rc = check_flag(o.small_ints_as_categories, "small_ints_as_categories");
    if (!rc)
        rc = check_flag(o.local_steps, "local_steps");
    if (!rc)
        rc = check_flag(o.output_warping, "output_warping");
    if (!rc && o.noisy && o.deterministic_objective)
        rc = otto__error(OTTO_EINVAL,
                         "gp_options: noisy and deterministic_objective exclude each other");
    if (!rc && o.multi_objective != OTTO_GP_EHVI && o.multi_objective != OTTO_GP_PAREGO)
        rc = otto__error(OTTO_EINVAL, "gp_options: multi_objective %d is not OTTO_GP_EHVI "
                         "or OTTO_GP_PAREGO", o.multi_objective);
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o.allocator, "gp_options");
    if (rc)
        return rc;
    gp_sampler *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    if (pthread_mutex_init(&s->mu, NULL)) {
        otto__free(&own, s);
        return otto__error(OTTO_ESYSTEM, "sampler_gp_create: mutex init failed");
    }
    s->o = o;
    s->o.allocator = NULL; /* the caller's pointer: s->own holds the copy */
    s->own = own;
    return otto_sampler_create_with(&gp_vtable, s, o.seed, &own, out);
}
