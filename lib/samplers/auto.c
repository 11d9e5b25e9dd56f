/* The auto sampler: each ask, a pure function of the finished trials and the
 * options picks the built-in sampler that suits the study now, and hands it
 * the ask. Studies start with the GP (most sample-efficient while the
 * history is small, categorical parameters included) and move to CMA-ES once
 * long (NSGA-II or -III with several objectives; TPE with categorical
 * parameters, constraints or one dimension); conditional spaces go to TPE.
 * When the GP predicts the study's small integers better as categories than
 * as numbers (auto_model_check.h), a second GP that reads them as categories
 * takes over. Every sampler reads the one shared history, so a switch
 * costs nothing but the decision, and a resumed or shared study makes the
 * same decision again. The pick is recorded in each trial's system
 * attribute "auto:sampler" with OptunaHub's class names. */
#include <pthread.h>
#include <string.h>

#include "common/options.h"
#include "samplers/auto_model_check.h"
#include "samplers/gp/gp_encode.h"

/* The default length of the GP phase, in finished trials: OptunaHub's
 * AutoSampler's. In 10-D the GP's ask costs about 30 ms there, and it grows
 * with the cube of the history. */
#define GP_TRIALS 250
/* The GP's quasi-random design: 5 trials, not the GP sampler's (and
 * Optuna's) 10, measured better on the comparison suite at 20 to 200
 * trials (bench/RESULTS_AUTO.md). */
#define GP_STARTUP 5
#define SAMPLER_KEY "auto:sampler"
/* The encoding check (otto(7), THE AUTO SAMPLER): from CHECK_FROM complete
 * trials on, every CHECK_EVERY up to CHECK_LAST, on the first trials, the GP's
 * leave-one-out rank correlation with the small ints (gp_encode.h) read as
 * numbers (as the GP sampler reads them by default) and as categories.
 * With categories ahead by more than CHECK_MARGIN, the integers are labels,
 * not quantities, and the GP that reads them as categories takes over.
 * Measured on NAS-Bench-201 with int indices and the development suite
 * (bench/devsuite/RESULTS.md): better than sending the study to TPE, and
 * better without the former second condition (numbers below 0.6), which
 * kept the check off a NAS-like cell of labels that the GP solves (0.67-0.75
 * as numbers, 0.82-0.87 as categories) when the check meant leaving the GP;
 * the GP that reads them as categories solves it sooner. Checking from 10
 * trials instead of 15 was no better. */
#define CHECK_FROM 15
#define CHECK_EVERY 5
#define CHECK_LAST 100
#define N_CHECKS ((CHECK_LAST - CHECK_FROM) / CHECK_EVERY + 1)
#define CHECK_MARGIN 0.1
/* After the GP phase, studies of several objectives go to NSGA-II, or to
 * NSGA-III from this many objectives on (its reference points keep a front
 * of 4+ objectives spread where crowding distance no longer does; OptunaHub's
 * AutoSampler's rule). The GP phase's trials form NSGA's first population
 * (nsga/generation.h). */
#define NSGA3_OBJECTIVES 4

/* PICK_GP_LABELS: the GP with small_ints_as_categories (a GPSampler too). */
typedef enum pick {
    PICK_GP = 0,
    PICK_TPE = 1,
    PICK_CMAES = 2,
    PICK_GP_LABELS = 3,
    PICK_NSGA2 = 4,
    PICK_NSGA3 = 5,
    N_PICKS = 6
} pick;

static const char *const pick_names[N_PICKS] = {"GPSampler",     "TPESampler",
                                                "CmaEsSampler",  "GPSampler",
                                                "NSGAIISampler", "NSGAIIISampler"};

typedef struct autos {
    otto_auto_options o;
    otto_allocator own; /* from create: this struct and the children */
    otto_sampler *child[N_PICKS];
    pthread_mutex_t mu; /* guards last and check */
    int last;           /* the previous pick, for logging switches (-1: none) */
    otto__auto_ints_check check[N_CHECKS]; /* per checkpoint (a cache of a pure function) */
} autos;

typedef struct decision {
    pick p;
    const char *why;
} decision;

/* Whether b has exactly a's parameter names. */
static int same_names(const otto_trial *a, const otto_trial *b)
{
    size_t n = otto_trial_param_count(b);
    if (otto_trial_param_count(a) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!otto_trial_param_like(a, otto_trial_param_key(b, i, NULL), i, NULL))
            return 0;
    return 1;
}

/* Whether the study's small ints read better as categories at any
 * checkpoint so far (CHECK_FROM, CHECK_FROM + CHECK_EVERY, ... complete
 * trials, up to CHECK_LAST): once they do, the GP keeps reading them as
 * categories. Each
 * checkpoint's verdict is cached with the numbers of the trials it read, so
 * a resumed or shared study with the same finished trials decides the same. */
static int ints_look_categorical(autos *s, const otto_view *v, size_t n_complete)
{
    for (size_t m = CHECK_FROM, slot = 0; m <= n_complete && m <= CHECK_LAST;
         m += CHECK_EVERY, slot++) {
        uint64_t key = otto__auto_check_input(v, m);
        pthread_mutex_lock(&s->mu);
        otto__auto_ints_check c = s->check[slot];
        pthread_mutex_unlock(&s->mu);
        if (c.m != m || c.key != key) {
            if (otto__auto_ints_check_run(v, m, CHECK_MARGIN, &c) != OTTO_OK)
                otto_view_log(v, OTTO_LEVEL_DEBUG, "auto: the encoding check failed (%s)",
                              otto_last_error_message());
            c.key = key;
            pthread_mutex_lock(&s->mu);
            s->check[slot] = c;
            pthread_mutex_unlock(&s->mu);
            otto_view_log(v, OTTO_LEVEL_DEBUG,
                          "auto: GP leave-one-out rank correlation over the first %zu trials: "
                          "%.3f with small ints as numbers, %.3f as categories",
                          m, c.rho_numbers, c.rho_categories);
        }
        if (c.categorical)
            return 1;
    }
    return 0;
}

static decision decide(autos *s, const otto_view *v)
{
    size_t n_complete = 0, n_numeric = 0;
    int conditional = 0, constrained = 0, categorical = 0, small_ints = 0;
    const otto_trial *first = NULL;
    for (size_t i = 0; i < otto_view_count(v); i++) {
        const otto_trial *t = otto_view_trial(v, i);
        if (!otto_trial_is_learnable(t))
            continue;
        n_complete += otto_trial_get_state(t) == OTTO_TRIAL_COMPLETE;
        constrained |= otto_trial_constraint_count(t) > 0;
        if (!first)
            first = t;
        else if (!conditional)
            conditional = !same_names(first, t);
    }
    const otto_param_key *const *keys;
    size_t n_keys = otto_view_intersection(v, &keys);
    for (size_t i = 0; i < n_keys; i++) {
        const otto_distribution *d = otto_param_key_distribution(keys[i]);
        if (d->kind == OTTO_DIST_CATEGORICAL)
            categorical |= d->n_choices > 1;
        else
            n_numeric += d->low < d->high;
        small_ints |= otto__gp_small_int(d) && d->low < d->high;
    }
    size_t limit = s->o.gp_trials ? s->o.gp_trials : GP_TRIALS;
    if (n_complete == 0)
        return (decision){PICK_GP, "no finished trial yet (the GP's quasi-random design)"};
    if (conditional)
        return (decision){PICK_TPE, "a conditional search space"};
    int labels = small_ints && n_complete >= CHECK_FROM && otto_view_n_objectives(v) == 1 &&
                 !constrained && ints_look_categorical(s, v, n_complete);
    if (labels && n_complete < limit)
        return (decision){PICK_GP_LABELS, "integers the GP predicts better as categories "
                                          "than as numbers (a leave-one-out check), read as "
                                          "categories"};
    if (s->o.n_trials && s->o.n_trials <= limit)
        return (decision){PICK_GP, "a budget that fits the GP phase"};
    if (n_complete < limit)
        return (decision){PICK_GP, "a short study"};
    size_t m = otto_view_n_objectives(v);
    if (m == 1 && !constrained && !categorical && !labels && n_numeric >= 2)
        return (decision){PICK_CMAES, "a long numeric study"};
    if (m >= NSGA3_OBJECTIVES)
        return (decision){PICK_NSGA3, "a long study with four objectives or more"};
    if (m > 1)
        return (decision){PICK_NSGA2, "a long study with two or three objectives"};
    return (decision){PICK_TPE, "a long study with categorical parameters, integers read as "
                                "labels, constraints or one dimension"};
}


/* The pick for this ask, recorded in the trial (once) and logged when it
 * differs from the previous ask's. */
static otto_sampler *pick_for(autos *s, const otto_view *v, otto_trial *trial)
{
    decision d = decide(s, v);
    if (trial) {
        if (!otto_trial_system_attr_find(trial, SAMPLER_KEY) &&
            otto_trial_set_system_attr(trial, SAMPLER_KEY, pick_names[d.p]) != OTTO_OK)
            otto_view_log(v, OTTO_LEVEL_WARNING,
                      "auto: trial %lld: cannot record the sampler used (%s)",
                      (long long)otto_trial_number(trial), otto_last_error_message());
        pthread_mutex_lock(&s->mu);
        int last = s->last;
        s->last = (int)d.p;
        pthread_mutex_unlock(&s->mu);
        if (last != (int)d.p)
            otto_view_log(v, OTTO_LEVEL_INFO, "auto: trial %lld: %s%s for %s",
                      (long long)otto_trial_number(trial),
                      last < 0 ? "starting with " : "switching to ", pick_names[d.p], d.why);
    }
    return s->child[d.p];
}

static int auto_infer(void *state, const otto_view *v, const otto_trial *trial, otto_space *sp)
{
    return otto_sampler_infer_relative_space(pick_for(state, v, NULL), v, trial, sp);
}

static int auto_relative(void *state, const otto_view *v, otto_trial *trial,
                         const otto_space *space, double *out)
{
    return otto_sampler_sample_relative(pick_for(state, v, trial), v, trial, space, out);
}

static int auto_independent(void *state, const otto_view *v, otto_trial *trial, const char *name,
                            const otto_distribution *dist, double *out)
{
    return otto_sampler_sample_independent(pick_for(state, v, trial), v, trial, name, dist,
                                           out);
}

/* Every sampler hears every tell, so the one picked next knows the study;
 * but NSGA only of the trials it served: its after_trial gives a trial
 * without a generation one, and the other samplers' trials must stay
 * without (they join generation 0 as adopted trials, all of them). */
static void auto_after(void *state, const otto_view *v, otto_trial *trial,
                       otto_trial_state final_state, const double *values, size_t n_values)
{
    autos *s = state;
    const char *served = otto_trial_system_attr_find(trial, SAMPLER_KEY);
    for (int p = 0; p < N_PICKS; p++)
        if ((p != PICK_NSGA2 && p != PICK_NSGA3) || (served && !strcmp(served, pick_names[p])))
            otto_sampler_after_trial(s->child[p], v, trial, final_state, values, n_values);
}

static void auto_destroy(void *state)
{
    autos *s = state;
    for (int p = 0; p < N_PICKS; p++)
        otto_sampler_destroy(s->child[p]);
    pthread_mutex_destroy(&s->mu);
    otto_allocator own = s->own;
    otto__free(&own, s);
}

static const otto_sampler_vtable auto_vtable = {
    .size = sizeof(otto_sampler_vtable),
    .name = "auto",
    .infer_relative_space = auto_infer,
    .sample_relative = auto_relative,
    .sample_independent = auto_independent,
    .after_trial = auto_after,
    .destroy = auto_destroy,
};

void otto_auto_options_init_sized(otto_auto_options *o, size_t size)
{
    otto_auto_options def;
    memset(&def, 0, sizeof def);
    def.seed = OTTO_SEED_NONE;
    OTTO__OPTIONS_INIT(o, size, def);
}

/* The four samplers, with their defaults but for the GP's design (and the
 * second GP's small ints read as categories); none warns about parameters
 * it samples alone (the auto sampler's switches would make that noise). */
static int make_children(autos *s)
{
    otto_gp_options go;
    otto_gp_options_init(&go);
    go.warn_independent_sampling = 0;
    go.n_startup_trials = GP_STARTUP;
    go.noisy = s->o.noisy;
    go.local_steps = 1; /* bench/devsuite/RESULTS_LOCAL.md */
    go.output_warping = 1; /* bench/devsuite/RESULTS_WARP.md */
    go.allocator = &s->own;
    otto_tpe_options to;
    otto_tpe_options_init(&to);
    to.allocator = &s->own;
    otto_cmaes_options co;
    otto_cmaes_options_init(&co);
    co.allocator = &s->own;
    co.warn_independent_sampling = 0;
    co.independent_sampler = OTTO_CMAES_FALLBACK_TPE;
    otto_nsga3_options no;
    otto_nsga3_options_init(&no);
    no.base.allocator = &s->own;
    int rc = otto_sampler_gp_create(&go, &s->child[PICK_GP]);
    go.small_ints_as_categories = 1;
    if (!rc)
        rc = otto_sampler_gp_create(&go, &s->child[PICK_GP_LABELS]);
    if (!rc)
        rc = otto_sampler_tpe_create(&to, &s->child[PICK_TPE]);
    if (!rc)
        rc = otto_sampler_cmaes_create(&co, &s->child[PICK_CMAES]);
    if (!rc)
        rc = otto_sampler_nsga2_create(&no.base, &s->child[PICK_NSGA2]);
    if (!rc)
        rc = otto_sampler_nsga3_create(&no, &s->child[PICK_NSGA3]);
    return rc;
}

int otto_sampler_auto_create(const otto_auto_options *opts, otto_sampler **out)
{
    if (out)
        *out = NULL;
    if (!out)
        return otto__error(OTTO_EINVAL, "sampler_auto_create: out is NULL");
    otto_auto_options o;
    otto_auto_options_init(&o);
    int rc = opts ? otto__options_copy(&o, sizeof o, opts, "auto_options") : OTTO_OK;
    if (!rc && o.noisy != 0 && o.noisy != 1)
        rc = otto__error(OTTO_EINVAL, "auto_options: noisy must be 0 or 1 (got %d)", o.noisy);
    if (!rc && o.gp_trials > 100000)
        rc = otto__error(OTTO_EINVAL, "auto_options: gp_trials %zu is unreasonably large",
                         o.gp_trials);
    otto_allocator own;
    if (!rc)
        rc = otto__alloc_pick(&own, o.allocator, "auto_options");
    if (rc)
        return rc;
    autos *s = otto__calloc(&own, 1, sizeof *s);
    if (!s)
        return OTTO_ENOMEM;
    s->o = o;
    s->o.allocator = NULL; /* the caller's pointer: s->own holds the copy */
    s->own = own;
    s->last = -1;
    pthread_mutex_init(&s->mu, NULL);
    rc = make_children(s);
    if (rc) {
        auto_destroy(s);
        return rc;
    }
    return otto_sampler_create_with(&auto_vtable, s, o.seed, &own, out);
}
