/* The NSGA-II and NSGA-III samplers: options, the sampler vtable and the
 * child generation of Optuna's NSGAIIChildGenerationStrategy. A trial's
 * relative params are a child of the parents of its generation (see
 * generation.h): with crossover_prob a crossover of parents chosen by
 * binary tournaments under (constrained) domination, else a copy of one
 * parent; then each param is left to independent (uniform) sampling with
 * mutation_prob. Generation 0 and params outside the relative space are
 * sampled uniformly, as Optuna's RandomSampler. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "common/options.h"
#include "crossover.h"
#include "generation.h"
#include "nondominated.h"

#define MAX_REDRAWS 100 /* children outside [0,1] are redrawn, then clipped */

typedef struct nsga {
    otto_nsga2_options o;
    otto_allocator own;
    double *ref;            /* NSGA-III reference points given in the options (copied) */
    pthread_mutex_t mu;
    otto__generations gens;
} nsga;

/* Optuna's constrained domination: feasible beats infeasible, two
 * infeasible compare total violation, two feasible compare objectives. */
static int tournament_beats(const otto__population *p, size_t m, size_t i, size_t j)
{
    if (!p->constrained)
        return otto__dominates_min(p->f + i * m, p->f + j * m, m);
    int fi = !(p->penalty[i] > 0), fj = !(p->penalty[j] > 0);
    if (fi && fj)
        return otto__dominates_min(p->f + i * m, p->f + j * m, m);
    if (fi != fj)
        return fi;
    return p->penalty[i] < p->penalty[j];
}

/* Parents by binary tournament, each among the members not yet chosen. */
static void select_parents(const otto__population *p, size_t m, size_t k, otto_rng *r,
                           size_t *chosen)
{
    for (size_t c = 0; c < k; c++) {
        size_t pick[2];
        for (int d = 0; d < 2; d++) {
            size_t u = (size_t)otto_rng_below(r, p->n - c), i = 0;
            for (;; i++) { /* the u-th member not chosen yet */
                int used = 0;
                for (size_t e = 0; e < c; e++)
                    used |= chosen[e] == i;
                if (!used && u-- == 0)
                    break;
            }
            pick[d] = i;
        }
        chosen[c] = tournament_beats(p, m, pick[0], pick[1]) ? pick[0] : pick[1];
    }
}

/* Param i of a parent as a working-space coordinate (categorical: its
 * index); NaN when the parent lacks it or it lies outside the space. */
static double parent_coordinate(const otto_trial *t, const otto_param_key *key, size_t i)
{
    double value, u;
    const otto_distribution *d = otto_param_key_distribution(key);
    if (!t || !otto_trial_param_like(t, key, i, &value))
        return NAN;
    if (d->kind == OTTO_DIST_CATEGORICAL)
        return value >= 0 && value < (double)d->n_choices ? value : NAN;
    if (!otto_distribution_unit_inside(d, value, &u))
        u = fmin(fmax(otto_distribution_to_unit(d, value), 0.0), 1.0);
    return isfinite(u) ? u : NAN;
}

static int nsga_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *sp)
{
    (void)state;
    (void)trial;
    const otto_param_key *const *keys;
    size_t n = otto_view_intersection(v, &keys);
    int rc = OTTO_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        const otto_distribution *d = otto_param_key_distribution(keys[i]);
        int single = d->kind == OTTO_DIST_CATEGORICAL ? d->n_choices < 2 : !(d->low < d->high);
        if (!single)
            rc = otto_space_add_key(sp, keys[i]);
    }
    return rc;
}

/* One child: writes working-space coordinates (categorical: indices) of
 * the n params of keys to child; NaN where a parent lacked the param. */
static void make_child(const nsga *s, const otto_view *v, const otto__population *pop,
                       const otto_param_key *const *keys, size_t n, otto_rng *r, double *child,
                       double *work)
{
    size_t m = otto_view_n_objectives(v);
    otto__crossover x = {
        .kind = s->o.crossover,
        .swapping_prob = s->o.swapping_prob,
        .blx_alpha = isnan(s->o.blx_alpha) ? 0.5 : s->o.blx_alpha,
        .sbx_eta = isnan(s->o.sbx_eta) ? (m > 1 ? 20.0 : 2.0) : s->o.sbx_eta,
        .sbx_uniform_crossover_prob =
            isnan(s->o.sbx_uniform_crossover_prob) ? 0.5 : s->o.sbx_uniform_crossover_prob,
        .sbx_use_child_gene_prob =
            isnan(s->o.sbx_use_child_gene_prob) ? 0.5 : s->o.sbx_use_child_gene_prob,
        .undx_sigma_xi = isnan(s->o.undx_sigma_xi) ? 0.5 : s->o.undx_sigma_xi,
        .undx_sigma_eta = s->o.undx_sigma_eta,
        .spx_epsilon = s->o.spx_epsilon,
    };
    size_t k = otto__crossover_parents(x.kind), chosen[3];
    /* work: parents' numeric coordinates (k x n_num), the crossover's child and
     * scratch (3 n_num), the numeric params' positions (n) */
    size_t n_num = 0, *num = (size_t *)(work + (k + 3) * n);
    for (size_t i = 0; i < n; i++)
        if (otto_param_key_distribution(keys[i])->kind != OTTO_DIST_CATEGORICAL)
            num[n_num++] = i;
    double *par = work, *xc = work + k * n, *scratch = xc + n;
    if (pop->n < k || otto_rng_uniform(r) >= s->o.crossover_prob) { /* copy a parent */
        const otto_trial *t =
            otto__generations_trial(&s->gens, v, pop->numbers[otto_rng_below(r, pop->n)]);
        for (size_t i = 0; i < n; i++)
            child[i] = parent_coordinate(t, keys[i], i);
        return;
    }
    for (int attempt = 0;; attempt++) {
        select_parents(pop, m, k, r, chosen);
        const otto_trial *t[3];
        for (size_t c = 0; c < k; c++)
            t[c] = otto__generations_trial(&s->gens, v, pop->numbers[chosen[c]]);
        for (size_t i = 0; i < n; i++) /* categorical: the first and last parent, uniformly */
            if (otto_param_key_distribution(keys[i])->kind == OTTO_DIST_CATEGORICAL)
                child[i] = parent_coordinate(otto_rng_uniform(r) >= s->o.swapping_prob ? t[k - 1]
                                                                                      : t[0],
                                             keys[i], i);
        int missing = 0, inside = 1;
        for (size_t c = 0; c < k; c++)
            for (size_t j = 0; j < n_num; j++)
                missing |= isnan(par[c * n_num + j] = parent_coordinate(t[c], keys[num[j]], num[j]));
        if (missing) { /* a parent without the param: leave them all to sampling */
            for (size_t j = 0; j < n_num; j++)
                child[num[j]] = NAN;
            return;
        }
        otto__crossover_child(&x, par, n_num, r, xc, scratch);
        for (size_t j = 0; j < n_num; j++)
            inside &= xc[j] >= 0.0 && xc[j] <= 1.0;
        if (inside || attempt + 1 >= MAX_REDRAWS) {
            for (size_t j = 0; j < n_num; j++)
                child[num[j]] = fmin(fmax(xc[j], 0.0), 1.0);
            return;
        }
    }
}

static int nsga_relative(void *state, const otto_view *v, otto_trial *trial,
                         const otto_space *space, double *out)
{
    nsga *s = state;
    size_t n = otto_space_size(space);
    const otto_param_key **keys = otto__calloc(&s->own, n, sizeof *keys);
    double *child = otto__calloc(&s->own, n * 8, sizeof *child); /* child, then work (7n) */
    int rc = keys && child ? OTTO_OK : otto__error(OTTO_ENOMEM, "nsga: out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        const char *name;
        otto_distribution d;
        if ((keys[i] = otto_space_param_key(space, i)))
            continue; /* else a space built by hand (a plug-in consulting us) */
        if (otto_space_param(space, i, &name, &d) || !(keys[i] = otto_view_param_key(v, name, &d)))
            rc = otto__error(OTTO_EINVAL, "nsga: param %zu of the relative space is unknown to "
                                          "the study", i);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = NAN;
    int64_t gen = 0;
    const otto__population *pop = NULL;
    pthread_mutex_lock(&s->mu);
    if (!rc)
        rc = otto__generations_scan(&s->gens, v);
    if (!rc)
        rc = otto__generations_of_trial(&s->gens, v, trial, &gen);
    if (!rc && gen > 0)
        rc = otto__generations_parents(&s->gens, v, gen, &pop);
    otto_rng *r = otto_trial_rng(trial);
    if (!rc && pop && pop->n) {
        make_child(s, v, pop, keys, n, r, child, child + n);
        double mutation = isnan(s->o.mutation_prob) ? 1.0 / (double)(n ? n : 1) : s->o.mutation_prob;
        for (size_t i = 0; i < n; i++) {
            const otto_distribution *d = otto_param_key_distribution(keys[i]);
            if (otto_rng_uniform(r) < mutation || isnan(child[i]))
                continue; /* resampled by sample_independent */
            out[i] = d->kind == OTTO_DIST_CATEGORICAL ? child[i]
                                                      : otto_distribution_from_unit(d, child[i]);
        }
    }
    pthread_mutex_unlock(&s->mu);
    otto__free(&s->own, keys);
    otto__free(&s->own, child);
    return rc;
}

/* Give a trial its generation if relative sampling did not (the first
 * trials, or a space with nothing to sample relatively). */
static int ensure_generation(nsga *s, const otto_view *v, otto_trial *trial)
{
    if (otto_trial_system_attr_find(trial, s->gens.key))
        return OTTO_OK;
    int64_t gen;
    pthread_mutex_lock(&s->mu);
    int rc = otto__generations_scan(&s->gens, v);
    if (!rc)
        rc = otto__generations_of_trial(&s->gens, v, trial, &gen);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int nsga_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                            const otto_distribution *dist, double *out)
{
    (void)name;
    int rc = ensure_generation(state, v, trial);
    if (rc)
        return rc;
    *out = otto_distribution_from_unit(dist, otto_rng_uniform(otto_trial_rng(trial)));
    return OTTO_OK;
}

static void nsga_after(void *state, const otto_view *v, otto_trial *trial,
                       otto_trial_state final, const double *values, size_t n_values)
{
    (void)final;
    (void)values;
    (void)n_values;
    if (ensure_generation(state, v, trial))
        otto_view_log(v, OTTO_LEVEL_WARNING, "nsga: trial %lld has no generation: %s",
                      (long long)otto_trial_number(trial), otto_last_error_message());
}

static void nsga_destroy(void *state)
{
    nsga *s = state;
    otto__generations_free(&s->gens);
    otto__free(&s->own, s->ref);
    pthread_mutex_destroy(&s->mu);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_sampler_vtable nsga2_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "nsga2",
    .infer_relative_space = nsga_infer,
    .sample_relative = nsga_relative,
    .sample_independent = nsga_independent,
    .after_trial = nsga_after,
    .destroy = nsga_destroy,
};

static const otto_sampler_vtable nsga3_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "nsga3",
    .infer_relative_space = nsga_infer,
    .sample_relative = nsga_relative,
    .sample_independent = nsga_independent,
    .after_trial = nsga_after,
    .destroy = nsga_destroy,
};

void otto_nsga2_options_init_sized(otto_nsga2_options *o, size_t size)
{
    otto_nsga2_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    def.population_size = 50;
    def.mutation_prob = NAN;
    def.crossover = OTTO_NSGA_UNIFORM;
    def.crossover_prob = 0.9;
    def.swapping_prob = 0.5;
    def.blx_alpha = def.sbx_eta = def.sbx_uniform_crossover_prob = NAN;
    def.sbx_use_child_gene_prob = def.undx_sigma_xi = def.undx_sigma_eta = NAN;
    def.spx_epsilon = NAN;
    OTTO__OPTIONS_INIT(o, size, def);
}

void otto_nsga3_options_init_sized(otto_nsga3_options *o, size_t size)
{
    otto_nsga3_options def;
    memset(&def, 0, sizeof def);
    otto_nsga2_options_init(&def.base);
    def.dividing_parameter = 3;
    OTTO__OPTIONS_INIT(o, size, def);
}

static int bad(const char *what, const char *field, double value, const char *range)
{
    return otto__error(OTTO_EINVAL, "%s: %s %g must be %s", what, field, value, range);
}

static int check_options(const otto_nsga2_options *o, const char *what)
{
    if (o->crossover < OTTO_NSGA_UNIFORM || o->crossover > OTTO_NSGA_SPX)
        return otto__error(OTTO_EINVAL, "%s: unknown crossover %d", what, o->crossover);
    size_t k = otto__crossover_parents(o->crossover);
    if (o->population_size < 2 || o->population_size < k || o->population_size > 1000000)
        return otto__error(OTTO_EINVAL, "%s: population_size %zu must be in [%zu, 1e6] (the "
                                        "crossover takes %zu parents)",
                           what, o->population_size, k < 2 ? 2 : k, k);
    if (!isnan(o->mutation_prob) && !(o->mutation_prob >= 0 && o->mutation_prob <= 1))
        return bad(what, "mutation_prob", o->mutation_prob, "in [0, 1] or NaN (1/n_params)");
    if (!(o->crossover_prob >= 0 && o->crossover_prob <= 1))
        return bad(what, "crossover_prob", o->crossover_prob, "in [0, 1]");
    if (!(o->swapping_prob >= 0 && o->swapping_prob <= 1))
        return bad(what, "swapping_prob", o->swapping_prob, "in [0, 1]");
    if (!isnan(o->blx_alpha) && !(o->blx_alpha >= 0 && o->blx_alpha <= 1e6))
        return bad(what, "blx_alpha", o->blx_alpha, "in [0, 1e6] or NaN (0.5)");
    if (!isnan(o->sbx_eta) && !(o->sbx_eta >= 0 && o->sbx_eta <= 1e6))
        return bad(what, "sbx_eta", o->sbx_eta, ">= 0 or NaN (20, or 2 for one objective)");
    if (!isnan(o->sbx_uniform_crossover_prob) &&
        !(o->sbx_uniform_crossover_prob >= 0 && o->sbx_uniform_crossover_prob <= 1))
        return bad(what, "sbx_uniform_crossover_prob", o->sbx_uniform_crossover_prob,
                   "in [0, 1] or NaN (0.5)");
    if (!isnan(o->sbx_use_child_gene_prob) &&
        !(o->sbx_use_child_gene_prob > 0 && o->sbx_use_child_gene_prob <= 1))
        return bad(what, "sbx_use_child_gene_prob", o->sbx_use_child_gene_prob,
                   "in (0, 1] or NaN (0.5)");
    const double sigmas[3] = {o->undx_sigma_xi, o->undx_sigma_eta, o->spx_epsilon};
    const char *names[3] = {"undx_sigma_xi", "undx_sigma_eta", "spx_epsilon"};
    for (int i = 0; i < 3; i++)
        if (!isnan(sigmas[i]) && !(sigmas[i] >= 0 && sigmas[i] <= 1e6))
            return bad(what, names[i], sigmas[i], "in [0, 1e6] or NaN (the default)");
    return OTTO_OK;
}

static int create(const otto_nsga2_options *o, const otto_nsga3_options *o3,
                  const otto_sampler_vtable *vt, otto_sampler **out)
{
    const char *what = o3 ? "nsga3_options" : "nsga2_options";
    int rc = check_options(o, what);
    if (!rc && o3 && !o3->reference_points && (o3->dividing_parameter < 1 ||
                                               o3->dividing_parameter > 1000))
        rc = otto__error(OTTO_EINVAL, "%s: dividing_parameter %zu must be in [1, 1000]", what,
                         o3->dividing_parameter);
    if (!rc && o3 && o3->reference_points &&
        (!o3->n_reference_points || !o3->reference_dim || o3->reference_dim > 1000 ||
         o3->n_reference_points > 1000000 / o3->reference_dim))
        rc = otto__error(OTTO_EINVAL, "%s: %zu reference points of dimension %zu (want at least "
                                      "one point of 1 to 1000 values, 1e6 values in all)",
                         what, o3->n_reference_points, o3->reference_dim);
    for (size_t i = 0; !rc && o3 && o3->reference_points &&
                       i < o3->n_reference_points * o3->reference_dim; i++) {
        double w = o3->reference_points[i];
        if (!(isfinite(w) && w >= 0))
            rc = otto__error(OTTO_EINVAL, "%s: reference point value %g is not a finite "
                                          "non-negative number", what, w);
    }
    for (size_t i = 0; !rc && o3 && o3->reference_points && i < o3->n_reference_points; i++) {
        double norm = 0;
        for (size_t k = 0; k < o3->reference_dim; k++)
            norm += o3->reference_points[i * o3->reference_dim + k];
        if (!(norm > 0))
            rc = otto__error(OTTO_EINVAL, "%s: reference point %zu is zero", what, i);
    }
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o->allocator, what);
    if (rc)
        return rc;
    nsga *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return otto__error(OTTO_ENOMEM, "%s: out of memory", what);
    s->own = own;
    s->o = *o;
    s->o.allocator = NULL; /* the caller's pointer: s->own holds the copy */
    if (pthread_mutex_init(&s->mu, NULL)) {
        otto__free(&own, s);
        return otto__error(OTTO_ESYSTEM, "%s: mutex init failed", what);
    }
    s->gens.a = &s->own;
    s->gens.population_size = o->population_size;
    s->gens.nsga3 = o3 != NULL;
    s->gens.key = o3 ? "NSGAIIISampler:generation" : "NSGAIISampler:generation";
    if (o3 && o3->reference_points) {
        size_t len = o3->n_reference_points * o3->reference_dim;
        s->ref = otto__calloc(&own, len, sizeof *s->ref);
        if (!s->ref) {
            nsga_destroy(s);
            return otto__error(OTTO_ENOMEM, "%s: out of memory", what);
        }
        memcpy(s->ref, o3->reference_points, len * sizeof *s->ref);
        s->gens.ref_given = s->ref;
        s->gens.n_ref_given = o3->n_reference_points;
        s->gens.ref_dim_given = o3->reference_dim;
    }
    s->gens.dividing_parameter = o3 ? o3->dividing_parameter : 0;
    return otto_sampler_create_with(vt, s, o->seed, &own, out);
}

int otto_sampler_nsga2_create(const otto_nsga2_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_nsga2_create: out is NULL");
    otto_nsga2_options o;
    otto_nsga2_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "nsga2_options") : OTTO_OK;
    return rc ? rc : create(&o, NULL, &nsga2_vtable, out);
}

int otto_sampler_nsga3_create(const otto_nsga3_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_nsga3_create: out is NULL");
    otto_nsga3_options o;
    otto_nsga3_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "nsga3_options") : OTTO_OK;
    otto_nsga2_options base;
    otto_nsga2_options_init(&base);
    if (!rc) /* the caller's base may be an older, smaller struct */
        rc = otto__options_copy(&base, sizeof base, &o.base, "nsga3_options.base");
    return rc ? rc : create(&base, &o, &nsga3_vtable, out);
}
