/* Example: a sampler written outside the library with the plug-in kit
 * (<otto/sys/sampler.h>) alone, as otto's own samplers are. It is a local
 * search: each trial perturbs the best COMPLETE trial so far in the shared
 * [0,1] working space, jointly over the relative search space. It uses what
 * a built-in uses: parameter keys cached by pointer, the study's allocator
 * for its scratch, the per-trial random stream, the log, and after_trial.
 * Run on a 4-D sphere, it must beat the random sampler on every one of 10
 * seeds (it does by orders of magnitude). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <otto/otto.h>
#include <otto/sys/sampler.h>

typedef struct local_search {
    double step;     /* perturbation scale in the working space */
    size_t told;     /* after_trial calls */
    int announced;   /* logged its first relative sample */
} local_search;

/* The best COMPLETE trial of the view (minimizing or maximizing), or NULL. */
static const otto_trial *best_trial(const otto_view *v)
{
    const otto_trial *best = NULL;
    double sign = otto_view_maximize(v, 0) ? -1.0 : 1.0, fb = INFINITY;
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        double f = sign * otto_trial_objective(t, 0);
        if (otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE && f < fb) {
            fb = f;
            best = t;
        }
    }
    return best;
}

static int ls_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *sp)
{
    (void)state;
    (void)trial;
    const otto_param_key *const *keys;
    size_t n = otto_view_intersection(v, &keys);
    for (size_t i = 0; i < n; i++) { /* numeric params only */
        const otto_distribution *d = otto_param_key_distribution(keys[i]);
        int rc = d->kind == OTTO_DIST_CATEGORICAL ? OTTO_OK : otto_space_add_key(sp, keys[i]);
        if (rc)
            return rc;
    }
    return OTTO_OK;
}

static int ls_relative(void *state, const otto_view *v, otto_trial *trial,
                       const otto_space *space, double *out)
{
    local_search *s = state;
    size_t n = otto_space_size(space);
    const otto_trial *best = best_trial(v);
    if (!best)
        return otto_set_error_message(OTTO_ENOTSUP, "local search: no COMPLETE trial yet");
    const otto_allocator *a = otto_view_allocator(v); /* scratch from the study's allocator */
    double *u = a->malloc_fn(a->user_data, n * sizeof *u);
    if (!u)
        return otto_set_error_message(OTTO_ENOMEM, "local search: out of memory");
    otto_rng *rng = otto_trial_rng(trial);
    for (size_t j = 0; j < n; j++) {
        const otto_param_key *key = otto_space_param_key(space, j);
        const otto_distribution *d = otto_param_key_distribution(key);
        double x;
        if (!otto_trial_param_like(best, key, j, &x) || !otto_distribution_unit_inside(d, x, &u[j]))
            u[j] = otto_rng_uniform(rng);
        u[j] += s->step * otto_rng_normal(rng);
        out[j] = otto_distribution_from_unit(d, u[j]); /* clamps into the range */
    }
    a->free_fn(a->user_data, u);
    if (!s->announced) {
        s->announced = 1;
        otto_view_log(v, OTTO_LEVEL_INFO, "local search: trial %lld starts from trial %lld",
                      (long long)otto_trial_number(trial), (long long)otto_trial_number(best));
    }
    return OTTO_OK;
}

static int ls_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                          const otto_distribution *dist, double *out)
{
    (void)state;
    (void)v;
    (void)name;
    *out = otto_distribution_from_unit(dist, otto_rng_uniform(otto_trial_rng(trial)));
    return OTTO_OK;
}

static void ls_after(void *state, const otto_view *v, otto_trial *trial, otto_trial_state st,
                     const double *values, size_t n_values)
{
    (void)v;
    (void)trial;
    (void)st;
    (void)values;
    (void)n_values;
    ((local_search *)state)->told++;
}

static const otto_sampler_vtable local_search_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "local-search",
    .infer_relative_space = ls_infer,
    .sample_relative = ls_relative,
    .sample_independent = ls_independent,
    .after_trial = ls_after,
};

static otto_trial_state sphere(otto_trial *t, void *ud, double *values, size_t n)
{
    (void)ud;
    (void)n;
    double sum = 0;
    char name[8];
    for (int i = 0; i < 4; i++) {
        double x;
        snprintf(name, sizeof name, "x%d", i);
        if (otto_trial_suggest_float(t, name, -5, 5, 0, 0, &x))
            return OTTO_TRIAL_FAIL;
        sum += (x - 1) * (x - 1);
    }
    values[0] = sum;
    return OTTO_TRIAL_COMPLETE;
}

static double run(otto_sampler *sampler, uint64_t seed)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.sampler = sampler;
    otto_study *s;
    otto_optimize_options oo;
    otto_optimize_options_init(&oo);
    oo.n_trials = 200;
    double best = NAN;
    const otto_trial *b;
    if (otto_study_create(&so, &s) == OTTO_OK && otto_study_optimize(s, sphere, NULL, &oo) == OTTO_OK &&
        otto_study_best_trial(s, &b) == OTTO_OK)
        otto_trial_value(b, &best);
    otto_study_destroy(s);
    return best;
}

int main(void)
{
    int wins = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        local_search state = {0.05, 0, 0};
        otto_sampler *ls, *rnd;
        if (otto_sampler_create(&local_search_vtable, &state, OTTO_SEED_NONE, &ls) ||
            otto_sampler_random_create(NULL, &rnd))
            return 1;
        double a = run(ls, seed), b = run(rnd, seed);
        printf("seed %llu: local search %.3g, random %.3g (after_trial heard %zu tells)\n",
               (unsigned long long)seed, a, b, state.told);
        wins += a < b && state.told == 200;
    }
    printf("local search beat random on %d of 10 seeds\n", wins);
    return wins == 10 ? 0 : 1;
}
