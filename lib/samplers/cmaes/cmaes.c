/* The CMA-ES sampler: glue between trials and the algorithm in cma_core.c.
 *
 * The search space is the intersection space without categorical and
 * single-valued params (those go to the independent sampler, random or TPE,
 * as in Optuna). Every ask draws from the current distribution and remembers
 * the draw by trial number; every COMPLETE tell of a draw from the current
 * generation joins it, and the lambda-th such tell updates the distribution.
 * So a generation may be asked ahead by parallel workers and told in any
 * order; FAIL and PRUNED trials, and trials of a superseded generation, are
 * dropped (their slots are filled by later asks). When the search space
 * changes, or the sampler meets a study that already has trials (a resumed
 * study, or warm-start trials added with otto_study_add_trial), the state is
 * rebuilt by replaying the COMPLETE trials in finishing order, lambda at a
 * time. Termination criteria restart the search (IPOP or BIPOP) from a
 * random mean. */
#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "cma_core.h"
#include "warm_start.h"

typedef struct pending {
    int64_t number;
    uint64_t run;
    size_t gen;
} pending;

typedef struct cmaes {
    otto_cmaes_options o;
    otto_allocator own;      /* from create: this struct, x0, source, fallback */
    char **x0_names;
    double *x0_values;
    otto__cma_source source; /* warm-start trials (none: n == 0) */
    otto_sampler *fallback;
    pthread_mutex_t mu;
    /* the current search space (interned specs of the study) */
    const otto_param_key **specs;
    size_t n;
    int active;
    otto__cma cma;
    uint64_t run;
    double *gen_v, *gen_f;  /* lambda x n draws and values of the current generation */
    size_t gen_count;
    pending *pend;           /* asked, not yet told */
    double *pend_v;          /* their draws, cap_pend x n */
    size_t n_pend, cap_pend;
    const otto_allocator *alloc; /* the study's (set on first use): what grows */
    /* restart bookkeeping */
    size_t lambda0, lambda_large, evals_run, evals_large, evals_small;
} cmaes;

/* The numeric, non-degenerate params of the intersection space. */
static size_t relative_keys(const otto_view *v, const otto_param_key **out)
{
    const otto_param_key *const *keys;
    size_t n = 0, n_isect = otto_view_intersection(v, &keys);
    for (size_t i = 0; i < n_isect; i++) {
        const otto_distribution *d = otto_param_key_distribution(keys[i]);
        if (d->kind != OTTO_DIST_CATEGORICAL && d->low < d->high)
            out[n++] = keys[i];
    }
    return n;
}

static int cmaes_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *sp)
{
    (void)state;
    (void)trial;
    size_t n_isect = otto_view_intersection(v, NULL);
    if (!n_isect)
        return OTTO_OK;
    const otto_param_key **keys = otto__calloc(otto_view_allocator(v), n_isect, sizeof *keys);
    if (!keys)
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    size_t n = relative_keys(v, keys);
    int rc = OTTO_OK;
    for (size_t i = 0; !rc && i < n; i++)
        rc = otto_space_add_key(sp, keys[i]);
    otto__free(otto_view_allocator(v), keys);
    return rc;
}

/* ---- searches and restarts ------------------------------------------------------------ */

static void search_free(cmaes *s)
{
    otto__cma_free(&s->cma);
    if (s->alloc)
        otto__free(s->alloc, s->gen_v);
    s->gen_v = s->gen_f = NULL;
    s->gen_count = 0;
    s->active = 0;
}

/* Start run s->run with population lambda, mean m0 and step sigma0. */
static int search_start(cmaes *s, const otto_allocator *a, const double *m0, double sigma0,
                        size_t lambda)
{
    search_free(s);
    size_t n = s->n;
    double *grid = otto__calloc(a, n ? n : 1, sizeof *grid);
    if (!grid)
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    for (size_t i = 0; i < n; i++)
        grid[i] = s->o.with_margin ? otto_distribution_grid_size(otto_param_key_distribution(s->specs[i])) : 0.0;
    int rc = otto__cma_init(&s->cma, a, n, lambda, m0, sigma0, s->o.separable, grid);
    otto__free(a, grid);
    if (rc)
        return rc;
    s->gen_v = otto__calloc(a, s->cma.lambda * n + s->cma.lambda, sizeof(double));
    if (!s->gen_v) {
        otto__cma_free(&s->cma);
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    }
    s->gen_f = s->gen_v + s->cma.lambda * n;
    s->evals_run = 0;
    s->active = 1;
    return OTTO_OK;
}

/* The run ended (a termination criterion held): start the next one, or
 * keep the converged search when restarts are off. */
static int restart(cmaes *s, const otto_view *v, const char *why)
{
    if (s->o.restart_strategy == OTTO_CMAES_NO_RESTART)
        return OTTO_OK;
    int large = 1;
    size_t lambda;
    double sigma0 = s->o.sigma0, u = 0.0;
    otto_rng r;
    otto__rng_init(&r, otto_view_seed(v), 0xc3a5c85c97cb3127ull + s->run);
    if (s->o.restart_strategy == OTTO_CMAES_BIPOP) {
        /* the regime with fewer evaluations so far runs next (Hansen 2009);
         * the first run counts as large */
        if (s->run == 0 || s->cma.lambda >= s->lambda_large)
            s->evals_large += s->evals_run;
        else
            s->evals_small += s->evals_run;
        large = s->evals_small >= s->evals_large;
    } else {
        s->evals_large += s->evals_run;
    }
    if (large) {
        s->lambda_large = (size_t)((double)s->lambda_large * s->o.inc_popsize);
        lambda = s->lambda_large;
    } else {
        u = otto_rng_uniform(&r);
        double ratio = 0.5 * (double)s->lambda_large / (double)s->lambda0;
        lambda = (size_t)floor((double)s->lambda0 * pow(ratio, u * u));
        if (lambda < s->lambda0)
            lambda = s->lambda0;
        if (lambda >= s->lambda_large)
            lambda = s->lambda_large - 1;
        sigma0 *= pow(10.0, -2.0 * otto_rng_uniform(&r));
    }
    if (lambda > 1000000)
        lambda = 1000000;
    double *m0 = otto__calloc(s->alloc, s->n ? s->n : 1, sizeof *m0);
    if (!m0)
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    for (size_t i = 0; i < s->n; i++)
        m0[i] = otto_rng_uniform(&r);
    s->run++;
    otto_view_log(v, OTTO_LEVEL_INFO,
              "cmaes: restart %llu after %zu evaluations (%s; sigma %g, condition %g): %s run, "
              "population %zu, sigma %g",
              (unsigned long long)s->run, s->evals_run, why, s->cma.sigma, s->cma.cond,
              large ? "large" : "small", lambda, sigma0);
    int rc = search_start(s, s->alloc, m0, sigma0, lambda);
    otto__free(s->alloc, m0);
    return rc;
}

/* Add one evaluated draw to the generation; update when it is full. */
static int generation_add(cmaes *s, const otto_view *v, const double *draw, double value)
{
    size_t n = s->n;
    memcpy(s->gen_v + s->gen_count * n, draw, n * sizeof *draw);
    s->gen_f[s->gen_count++] = value;
    s->evals_run++;
    if (s->gen_count < s->cma.lambda)
        return OTTO_OK;
    s->gen_count = 0;
    int rc = otto__cma_tell(&s->cma, s->gen_v, s->gen_f);
    if (rc == OTTO_ENUMERIC) /* a broken covariance ends the run */
        return restart(s, v, "numerical failure");
    const char *why = rc ? NULL : otto__cma_stop_reason(&s->cma);
    if (why)
        rc = restart(s, v, why);
    return rc;
}

static double oriented(const otto_view *v, double value)
{
    return otto_view_maximize(v, 0) ? -value : value;
}

/* Unit coordinates of a finished trial's params, 0 when it lacks one. */
static int trial_point(const cmaes *s, const otto_trial *t, double *x)
{
    for (size_t i = 0; i < s->n; i++) {
        double value;
        if (!otto_trial_param_like(t, s->specs[i], i, &value) ||
            !otto_distribution_unit_inside(otto_param_key_distribution(s->specs[i]), value, &x[i]))
            return 0;
    }
    return 1;
}

/* A new search space: start over and replay the history. */
static int search_reset(cmaes *s, const otto_view *v, const otto_param_key **specs, size_t n)
{
    const otto_allocator *a = s->alloc;
    search_free(s);
    otto__free(a, s->specs);
    s->specs = otto__calloc(a, n ? n : 1, sizeof *specs);
    double *m0 = otto__calloc(a, 2 * (n ? n : 1), sizeof *m0), *x = m0 + (n ? n : 1);
    if (!s->specs || !m0) {
        otto__free(a, m0);
        otto__free(a, s->specs);
        s->specs = NULL;
        s->n = 0;
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    }
    memcpy(s->specs, specs, n * sizeof *specs);
    s->n = n;
    otto__free(a, s->pend); /* draws of the old space are never told to the new one */
    otto__free(a, s->pend_v);
    s->pend = NULL;
    s->pend_v = NULL;
    s->n_pend = s->cap_pend = 0;
    s->run = 0;
    s->evals_large = s->evals_small = 0;
    for (size_t i = 0; i < n; i++) {
        m0[i] = 0.5;
        for (size_t k = 0; k < s->o.n_x0; k++)
            if (!strcmp(s->x0_names[k], otto_param_key_name(specs[i]))) {
                double u = otto_distribution_to_unit(otto_param_key_distribution(specs[i]),
                                                     s->x0_values[k]);
                m0[i] = isfinite(u) ? (u < 0 ? 0 : u > 1 ? 1 : u) : 0.5;
            }
    }
    s->lambda0 = s->o.popsize ? s->o.popsize : otto__cma_default_lambda(n);
    s->lambda_large = s->lambda0;
    double sigma0 = s->o.sigma0, *cov = NULL;
    if (s->source.n && n && !s->o.separable) { /* start where the source task did well */
        cov = otto__calloc(a, n * n, sizeof *cov);
        int w = cov ? otto__cma_warm_start(&s->source, a, specs, n, otto_view_maximize(v, 0),
                                           x, &sigma0, cov)
                    : OTTO_ENOMEM;
        if (w) {
            otto_view_log(v, OTTO_LEVEL_WARNING,
                          "cmaes: no warm start (%s): fewer than 10 source trials have every "
                          "param of the search space with the same distribution",
                          otto_status_name(w));
            otto__free(a, cov);
            cov = NULL;
            sigma0 = s->o.sigma0;
        } else {
            memcpy(m0, x, n * sizeof *m0);
            sigma0 = fmax(sigma0, 1e-8);
        }
    }
    int rc = search_start(s, a, m0, sigma0, s->lambda0);
    if (!rc && cov)
        rc = otto__cma_set_cov(&s->cma, cov);
    otto__free(a, cov);
    for (size_t i = 0; !rc && i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        double f = otto_trial_objective(t, 0);
        if (otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE && !isnan(f) && trial_point(s, t, x))
            rc = generation_add(s, v, x, oriented(v, f));
    }
    otto__free(a, m0);
    return rc;
}

/* ---- vtable --------------------------------------------------------------------------- */

static int pending_push(cmaes *s, int64_t number, double **draw)
{
    if (s->n_pend == s->cap_pend) {
        size_t cap = s->cap_pend ? 2 * s->cap_pend : 16;
        pending *p = otto__reallocarray(s->alloc, s->pend, cap, sizeof *p);
        if (p)
            s->pend = p;
        double *pv = otto__reallocarray(s->alloc, s->pend_v, cap * (s->n ? s->n : 1), sizeof *pv);
        if (pv)
            s->pend_v = pv;
        if (!p || !pv)
            return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
        s->cap_pend = cap;
    }
    pending *p = &s->pend[s->n_pend];
    p->number = number;
    p->run = s->run;
    p->gen = s->cma.gen;
    *draw = s->pend_v + s->n_pend * s->n;
    s->n_pend++;
    return OTTO_OK;
}

static int cmaes_relative(void *state, const otto_view *v, otto_trial *trial,
                          const otto_space *space, double *out)
{
    cmaes *s = state;
    if (otto_view_n_objectives(v) != 1)
        return otto__error(OTTO_EINVAL, "cmaes: multi-objective studies are not supported");
    size_t n_isect = otto_view_intersection(v, NULL);
    const otto_param_key **specs = otto__calloc(otto_view_allocator(v), n_isect ? n_isect : 1,
                                                sizeof *specs);
    if (!specs)
        return otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    size_t n = relative_keys(v, specs);
    int rc = n == otto_space_size(space) ? OTTO_OK
                           : otto__error(OTTO_ECALLBACK, "cmaes: relative space changed");
    double *x = otto__calloc(otto_view_allocator(v), n ? n : 1, sizeof *x);
    if (!rc && !x)
        rc = otto__error(OTTO_ENOMEM, "cmaes: out of memory");
    pthread_mutex_lock(&s->mu);
    s->alloc = otto_view_allocator(v); /* one study's: a sampler belongs to one study */
    if (!rc && (n != s->n || !s->active || memcmp(specs, s->specs, n * sizeof *specs)))
        rc = search_reset(s, v, specs, n);
    double *draw = NULL;
    if (!rc)
        rc = pending_push(s, otto_trial_number(trial), &draw);
    if (!rc)
        otto__cma_sample(&s->cma, otto_trial_rng(trial), draw, x);
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; !rc && i < n; i++)
        out[i] = otto_distribution_from_unit(otto_param_key_distribution(specs[i]), x[i]);
    otto__free(otto_view_allocator(v), x);
    otto__free(otto_view_allocator(v), specs);
    return rc;
}

static void cmaes_after(void *state, const otto_view *v, otto_trial *trial,
                        otto_trial_state final, const double *values, size_t n_values)
{
    cmaes *s = state;
    pthread_mutex_lock(&s->mu);
    for (size_t k = 0; k < s->n_pend; k++) {
        if (s->pend[k].number != otto_trial_number(trial))
            continue;
        pending p = s->pend[k];
        double *draw = s->pend_v + k * s->n;
        int rc = OTTO_OK;
        if (final == OTTO_TRIAL_COMPLETE && n_values >= 1 && s->active && p.run == s->run &&
            p.gen == s->cma.gen)
            rc = generation_add(s, v, draw, oriented(v, values[0]));
        if (rc)
            otto_view_log(v, OTTO_LEVEL_WARNING,
                      "cmaes: trial %lld not used for the update: %s",
                      (long long)otto_trial_number(trial), otto_last_error_message());
        /* generation_add may have restarted (and reset the pending list) */
        for (size_t j = 0; j < s->n_pend; j++)
            if (s->pend[j].number == p.number) {
                s->n_pend--;
                s->pend[j] = s->pend[s->n_pend];
                memmove(s->pend_v + j * s->n, s->pend_v + s->n_pend * s->n,
                        s->n * sizeof *s->pend_v);
                break;
            }
        break;
    }
    pthread_mutex_unlock(&s->mu);
}

static int cmaes_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                             const otto_distribution *dist, double *out)
{
    cmaes *s = state;
    if (s->o.warn_independent_sampling && otto_view_count(v) > 0)
        otto_view_log(v, OTTO_LEVEL_WARNING,
                  "cmaes: '%s' is outside the CMA-ES search space; sampled by the %s sampler",
                  name, otto_sampler_name(s->fallback));
    return otto_sampler_sample_independent(s->fallback, v, trial, name, dist, out);
}

static void cmaes_destroy(void *state)
{
    cmaes *s = state;
    search_free(s);
    if (s->alloc) {
        otto__free(s->alloc, s->specs);
        otto__free(s->alloc, s->pend);
        otto__free(s->alloc, s->pend_v);
    }
    for (size_t i = 0; i < s->o.n_x0; i++)
        otto__free(&s->own, s->x0_names[i]);
    otto__free(&s->own, s->x0_names);
    otto__free(&s->own, s->x0_values);
    otto__cma_source_free(&s->source, &s->own);
    otto_sampler_destroy(s->fallback);
    pthread_mutex_destroy(&s->mu);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_sampler_vtable cmaes_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "cmaes",
    .infer_relative_space = cmaes_infer,
    .sample_relative = cmaes_relative,
    .sample_independent = cmaes_independent,
    .after_trial = cmaes_after,
    .destroy = cmaes_destroy,
};

void otto_cmaes_options_init_sized(otto_cmaes_options *o, size_t size)
{
    otto_cmaes_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    def.inc_popsize = 2.0;
    def.with_margin = 1;
    def.warn_independent_sampling = 1;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int check_options(const otto_cmaes_options *o)
{
    if (!(o->sigma0 >= 0 && o->sigma0 <= 1e3))
        return otto__error(OTTO_EINVAL, "cmaes_options: sigma0 %g must be in [0, 1000] (0: 1/6)",
                           o->sigma0);
    if (o->popsize == 1 || o->popsize > 1000000)
        return otto__error(OTTO_EINVAL, "cmaes_options: popsize %zu must be 0 or in [2, 1e6]",
                           o->popsize);
    if (o->restart_strategy < OTTO_CMAES_NO_RESTART || o->restart_strategy > OTTO_CMAES_BIPOP)
        return otto__error(OTTO_EINVAL, "cmaes_options: unknown restart_strategy %d",
                           o->restart_strategy);
    if (!(o->inc_popsize > 1.0 && o->inc_popsize <= 100.0))
        return otto__error(OTTO_EINVAL, "cmaes_options: inc_popsize %g must be in (1, 100]",
                           o->inc_popsize);
    if (o->independent_sampler != OTTO_CMAES_FALLBACK_RANDOM &&
        o->independent_sampler != OTTO_CMAES_FALLBACK_TPE)
        return otto__error(OTTO_EINVAL, "cmaes_options: unknown independent_sampler %d",
                           o->independent_sampler);
    const int flags[3] = {o->separable, o->with_margin, o->warn_independent_sampling};
    const char *names[3] = {"separable", "with_margin", "warn_independent_sampling"};
    for (int i = 0; i < 3; i++)
        if (flags[i] != 0 && flags[i] != 1)
            return otto__error(OTTO_EINVAL, "cmaes_options: %s must be 0 or 1 (got %d)", names[i],
                               flags[i]);
    if (o->n_source_trials && !o->source_trials)
        return otto__error(OTTO_EINVAL, "cmaes_options: source_trials is NULL with "
                                        "n_source_trials %zu",
                           o->n_source_trials);
    if (o->n_source_trials && o->separable)
        return otto__error(OTTO_EINVAL, "cmaes_options: source_trials cannot warm-start the "
                                        "separable CMA-ES");
    if (o->n_x0 && !o->x0)
        return otto__error(OTTO_EINVAL, "cmaes_options: x0 is NULL with n_x0 %zu", o->n_x0);
    for (size_t i = 0; i < o->n_x0; i++) {
        char what[48];
        snprintf(what, sizeof what, "the name of x0[%zu]", i);
        int rc = otto__text_check(o->x0[i].name, 0, "cmaes_options", what);
        if (rc)
            return rc;
        if (o->x0[i].kind == OTTO_VALUE_LABEL || !isfinite(o->x0[i].number))
            return otto__error(OTTO_EINVAL, "cmaes_options: x0 '%s' needs a finite number",
                               o->x0[i].name);
    }
    return OTTO_OK;
}

int otto_sampler_cmaes_create(const otto_cmaes_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_cmaes_create: out is NULL");
    otto_cmaes_options o;
    otto_cmaes_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "cmaes_options") : OTTO_OK;
    if (!rc)
        rc = check_options(&o);
    if (rc)
        return rc;
    if (o.sigma0 == 0)
        o.sigma0 = 1.0 / 6.0;
    otto_allocator own;
    rc = otto__alloc_pick(&own, o.allocator, "cmaes_options");
    if (rc)
        return rc;
    cmaes *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    s->own = own;
    s->o = o;
    s->o.x0 = NULL;
    s->o.n_x0 = 0;
    s->o.source_trials = NULL;
    s->o.n_source_trials = 0;
    s->o.allocator = NULL; /* the caller's pointer: s->own holds the copy */
    if (otto__cma_source_copy(&s->source, &own, o.source_trials, o.n_source_trials)) {
        otto__cma_source_free(&s->source, &own);
        otto__free(&own, s);
        return OTTO_ENOMEM;
    }
    if (pthread_mutex_init(&s->mu, NULL)) {
        otto__cma_source_free(&s->source, &own);
        otto__free(&own, s);
        return otto__error(OTTO_ESYSTEM, "sampler_cmaes_create: mutex init failed");
    }
    s->x0_names = otto__calloc(&own, o.n_x0 ? o.n_x0 : 1, sizeof *s->x0_names);
    s->x0_values = otto__calloc(&own, o.n_x0 ? o.n_x0 : 1, sizeof *s->x0_values);
    rc = s->x0_names && s->x0_values ? OTTO_OK : OTTO_ENOMEM;
    for (size_t i = 0; !rc && i < o.n_x0; i++) {
        s->x0_names[i] = otto__strdup(&own, o.x0[i].name);
        s->x0_values[i] = o.x0[i].number;
        s->o.n_x0 = i + 1;
        if (!s->x0_names[i])
            rc = OTTO_ENOMEM;
    }
    if (!rc) {
        if (o.independent_sampler == OTTO_CMAES_FALLBACK_TPE) {
            otto_tpe_options to;
            otto_tpe_options_init(&to);
            to.seed = o.seed;
            to.multivariate = 0;
            to.group = 0;
            to.allocator = &own;
            rc = otto_sampler_tpe_create(&to, &s->fallback);
        } else {
            otto_random_options ro;
            otto_random_options_init(&ro);
            ro.seed = o.seed;
            ro.allocator = &own;
            rc = otto_sampler_random_create(&ro, &s->fallback);
        }
    }
    if (rc) {
        cmaes_destroy(s);
        return rc;
    }
    return otto_sampler_create_with(&cmaes_vtable, s, o.seed, &own, out);
}
