/* The auto sampler: it picks the documented sampler for each kind of space
 * and phase (read back from each trial's "auto:sampler" attribute), beats
 * random search on a sphere, a mixed space and a conditional space over 20
 * seeds, and on integers that are labels rather than quantities (where its
 * GP reads them as categories), keeps the GP on ordinal integers, and makes the
 * same decision again after a study is reloaded from a journal. */
#include <stdlib.h>
#include <string.h>

#include "../common.h"
#include "../testos.h"
#include "tpe_problems.h"
#include "label_ints.h"

static otto_sampler *auto_with(size_t gp_trials, size_t n_trials)
{
    otto_auto_options o;
    otto_auto_options_init(&o);
    o.gp_trials = gp_trials;
    o.n_trials = n_trials;
    otto_sampler *s = NULL;
    assert_ok(otto_sampler_auto_create(&o, &s));
    return s;
}

static const char *picked(otto_study *s, int64_t number)
{
    const otto_trial *t;
    const char *v = NULL;
    assert_ok(otto_study_trial(s, number, &t));
    assert_ok(otto_trial_system_attr(t, "auto:sampler", &v));
    return v;
}

/* n trials of f; returns the best value. */
static double run(otto_study *s, problem_fn f, int n)
{
    double best = INFINITY;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = f(t);
        assert_false(isnan(v));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
        best = fmin(best, v);
    }
    return best;
}

static double line1(otto_trial *t)
{
    double x;
    if (otto_trial_suggest_float(t, "x", -3, 3, 0, 0, &x))
        return NAN;
    return (x - 1) * (x - 1);
}

/* Keeps every INFO line (the auto sampler logs its switches at INFO). */
static void keep_info(otto_log_level level, const char *msg, void *ud)
{
    char *all = ud;
    size_t used = strlen(all);
    if (level == OTTO_LEVEL_INFO && used + strlen(msg) + 2 < 4096)
        snprintf(all + used, 4096 - used, "%s\n", msg);
}

/* A study of sampler under seed whose INFO lines go into info (4096
 * bytes, emptied first). */
static otto_study *study_keeping_info(uint64_t seed, otto_sampler *sampler, char *info)
{
    otto_study_options so;
    otto_study_options_init(&so);
    so.seed = seed;
    so.sampler = sampler;
    so.log_fn = keep_info;
    so.log_user_data = info;
    so.log_level = OTTO_LEVEL_INFO;
    info[0] = '\0';
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    return s;
}

static void picks_by_space_and_phase(void **state)
{
    (void)state;
    static char info[4096];
    /* numeric, several dims: GP for the first gp_trials, then CMA-ES */
    otto_study *s = study_keeping_info(1, auto_with(15, 0), info);
    run(s, sphere5, 25);
    assert_string_equal(picked(s, 0), "GPSampler");
    assert_string_equal(picked(s, 14), "GPSampler");
    assert_string_equal(picked(s, 15), "CmaEsSampler");
    assert_string_equal(picked(s, 24), "CmaEsSampler");
    assert_non_null(strstr(info, "auto: trial 0: starting with GPSampler"));
    assert_non_null(strstr(info, "auto: trial 15: switching to CmaEsSampler for a long numeric"));
    otto_study_destroy(s);
    /* a budget that fits the GP phase keeps the GP */
    s = make_study(1, OTTO_MINIMIZE, auto_with(15, 15), NULL);
    run(s, sphere5, 20);
    assert_string_equal(picked(s, 19), "GPSampler");
    otto_study_destroy(s);
    /* one dimension: TPE after the GP phase */
    s = make_study(1, OTTO_MINIMIZE, auto_with(12, 0), NULL);
    run(s, line1, 14);
    assert_string_equal(picked(s, 11), "GPSampler");
    assert_string_equal(picked(s, 12), "TPESampler");
    otto_study_destroy(s);
    /* a categorical parameter: GP while short, then TPE (not CMA-ES) */
    s = make_study(1, OTTO_MINIMIZE, auto_with(12, 0), NULL);
    run(s, mixed, 14);
    assert_string_equal(picked(s, 11), "GPSampler");
    assert_string_equal(picked(s, 12), "TPESampler");
    otto_study_destroy(s);
    /* a conditional space: TPE once two trials took different branches */
    s = make_study(1, OTTO_MINIMIZE, auto_with(0, 0), NULL);
    run(s, conditional, 30);
    assert_string_equal(picked(s, 29), "TPESampler");
    otto_study_destroy(s);
}

/* m objectives, each a shifted sphere5, for n trials. */
static otto_study *multi_objective_run(size_t m, otto_sampler *sm, int n)
{
    static log_capture logs; /* outlives the call: the study logs into it */
    memset(&logs, 0, sizeof logs);
    otto_study_options so;
    otto_study_options_init(&so);
    so.log_fn = capture_log;
    so.log_user_data = &logs;
    so.seed = 3;
    so.n_objectives = m;
    otto_direction dirs[4] = {OTTO_MINIMIZE, OTTO_MINIMIZE, OTTO_MINIMIZE, OTTO_MINIMIZE};
    so.directions = dirs;
    so.sampler = sm;
    otto_study *s;
    assert_ok(otto_study_create(&so, &s));
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v[4];
        v[0] = sphere5(t);
        for (size_t k = 1; k < m; k++)
            v[k] = v[0] + (double)k;
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, v, m));
    }
    /* NSGA heard only its own trials' tells: no "has no generation" */
    assert_int_equal(logs.n_warnings, 0);
    return s;
}

static void long_constrained_or_multi_objective_studies_leave_the_gp(void **state)
{
    (void)state;
    /* constraints: no CMA-ES (it ignores them) */
    otto_study *s = make_study(2, OTTO_MINIMIZE, auto_with(10, 0), NULL);
    for (int i = 0; i < 12; i++) {
        otto_trial *t;
        assert_ok(otto_study_ask(s, &t));
        double v = sphere5(t), c = v - 10;
        assert_ok(otto_trial_set_constraints(t, &c, 1));
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    assert_string_equal(picked(s, 9), "GPSampler");
    assert_string_equal(picked(s, 11), "TPESampler");
    otto_study_destroy(s);
    /* two objectives: GP (log EHVI), then NSGA-II, whose first generation
     * is the GP phase's 55 trials (at least a population of 50): the first
     * NSGA trials are generation 1 */
    s = multi_objective_run(2, auto_with(55, 0), 57);
    assert_string_equal(picked(s, 54), "GPSampler");
    assert_string_equal(picked(s, 55), "NSGAIISampler");
    const otto_trial *t;
    const char *gen;
    assert_ok(otto_study_trial(s, 56, &t));
    assert_ok(otto_trial_system_attr(t, "NSGAIISampler:generation", &gen));
    assert_string_equal(gen, "1");
    otto_study_destroy(s);
    /* four objectives: NSGA-III */
    s = multi_objective_run(4, auto_with(10, 0), 12);
    assert_string_equal(picked(s, 9), "GPSampler");
    assert_string_equal(picked(s, 11), "NSGAIIISampler");
    otto_study_destroy(s);
}

static otto_sampler *default_auto(void) { return auto_with(0, 0); }

#define LABEL_RATIO 0.3
#define LABEL_WINS 16
#define LABELS_SWITCHED 8

static void beats_random_on_three_kinds_of_space(void **state)
{
    (void)state;
    beats_random(default_auto, sphere5, 40, 0.3, 18);
    beats_random(default_auto, mixed, 60, 0.5, 16);
    beats_random(default_auto, conditional, 60, 1.0, 14);
}

/* The same six ints as quantities: a smooth bowl. */
static double ordinal_ints(otto_trial *t)
{
    double f = 0;
    static const char *const names[LABEL_PARAMS] = {"op0", "op1", "op2", "op3", "op4", "op5"};
    for (int i = 0; i < LABEL_PARAMS; i++) {
        int64_t k;
        if (otto_trial_suggest_int(t, names[i], 0, LABEL_VALUES - 1, 1, 0, &k))
            return NAN;
        double d = (double)k - 1.3 - 0.3 * i;
        f += d * d;
    }
    return f;
}

/* Integers that are labels: the GP, reading them as numbers, ranks the
 * trials it has not seen poorly, and better reading them as categories, so
 * the auto sampler hands the study to its GP that reads them as categories
 * (10 of 10 seeds measured) and beats random search by more (median best 0,
 * the optimum, against random's 1.61 over 20 seeds, 19 wins; when the
 * check sent the study to TPE instead: 1.07, 14 wins). Integers that are
 * quantities mostly keep the GP that reads them as numbers (8 of 10 seeds
 * measured), and every study finds their optimum (0.59) either way. */
static void integer_labels_read_as_categories(void **state)
{
    (void)state;
    static char info[4096];
    label_tables();
    beats_random(default_auto, labels, 60, LABEL_RATIO, LABEL_WINS);
    int switched = 0, stayed_with_gp = 0, solved = 0;
    for (uint64_t seed = 0; seed < 10; seed++) {
        otto_study *s = study_keeping_info(seed, default_auto(), info);
        run(s, labels, 60);
        int gp = 1;
        for (int64_t i = 0; i < 60; i++)
            gp &= !strcmp(picked(s, i), "GPSampler");
        switched += gp && strstr(info, "switching to GPSampler for integers the GP predicts "
                                       "better as categories") != NULL;
        otto_study_destroy(s);
        s = study_keeping_info(seed, default_auto(), info);
        solved += run(s, ordinal_ints, 60) < 0.59 + 1e-9;
        gp = 1;
        for (int64_t i = 0; i < 60; i++)
            gp &= !strcmp(picked(s, i), "GPSampler");
        stayed_with_gp += gp && !strstr(info, "switching");
        otto_study_destroy(s);
    }
    print_message("labels: %d of 10 studies read them as categories; ordinal: %d of 10 kept "
                  "the GP that reads them as numbers, %d of 10 found the optimum\n", switched,
                  stayed_with_gp, solved);
    assert_true(switched >= LABELS_SWITCHED);
    assert_true(stayed_with_gp >= 7);
    assert_true(solved >= 9);
}

/* After the GP phase, a study whose ints the check read as labels goes to
 * TPE, not CMA-ES, which reads every int as a number (measured on the
 * development suite's int-coded problems, bench/devsuite/RESULTS.md). */
static void labels_go_to_tpe_after_the_gp_phase(void **state)
{
    (void)state;
    static char info[4096];
    label_tables();
    int fired = 0;
    for (uint64_t seed = 0; seed < 5; seed++) {
        otto_study *s = study_keeping_info(seed, auto_with(30, 0), info);
        run(s, labels, 36);
        if (strstr(info, "better as categories")) {
            fired++;
            assert_string_equal(picked(s, 29), "GPSampler");
            assert_string_equal(picked(s, 35), "TPESampler");
            assert_non_null(strstr(info, "switching to TPESampler for a long study with "
                                         "categorical parameters, integers read as labels"));
        }
        otto_study_destroy(s);
    }
    assert_true(fired >= 4);
}

/* Decisions depend on the stored history alone: a study reloaded from a
 * journal (with a new auto sampler) picks as if it had never stopped. */
static void same_decision_after_a_reload(void **state)
{
    (void)state;
    char dir[1024], path[1100];
    assert_int_equal(testos_mkdtemp(dir, sizeof dir, "otto-auto"), 0);
    snprintf(path, sizeof path, "%s/j.otto", dir);
    for (int round = 0; round < 2; round++) {
        otto_storage *st;
        assert_ok(otto_storage_journal_open(path, NULL, &st));
        otto_study_options so;
        otto_study_options_init(&so);
        so.seed = 5;
        so.name = "auto";
        so.storage = st;
        so.open_mode = OTTO_OPEN_LOAD_IF_EXISTS;
        so.sampler = auto_with(12, 0);
        otto_study *s;
        assert_ok(otto_study_create(&so, &s));
        otto_storage_close(st);
        run(s, sphere5, 8);
        assert_int_equal(otto_study_trial_count(s), 8 * (round + 1));
        assert_string_equal(picked(s, 7), "GPSampler");
        if (round == 1) { /* after 12 trials, CMA-ES, and the picks were stored */
            assert_string_equal(picked(s, 11), "GPSampler");
            assert_string_equal(picked(s, 12), "CmaEsSampler");
            assert_string_equal(picked(s, 15), "CmaEsSampler");
        }
        otto_study_destroy(s);
    }
    assert_int_equal(testos_rmtree(dir), 0);
}

static void options_are_validated(void **state)
{
    (void)state;
    otto_sampler *s;
    otto_auto_options o;
    otto_auto_options_init(&o);
    o.gp_trials = 1000000;
    assert_status(otto_sampler_auto_create(&o, &s), OTTO_EINVAL);
    assert_null(s);
    o.size = 0;
    assert_status(otto_sampler_auto_create(&o, &s), OTTO_EINVAL);
    otto_auto_options_init(&o);
    o.noisy = 2;
    assert_status(otto_sampler_auto_create(&o, &s), OTTO_EINVAL);
    assert_status(otto_sampler_auto_create(NULL, NULL), OTTO_EINVAL);
    assert_ok(otto_sampler_auto_create(NULL, &s));
    assert_string_equal(otto_sampler_name(s), "auto");
    otto_sampler_destroy(s);
}

/* ---- noisy mode ---------------------------------------------------------------------- */

static otto_sampler *auto_noisy(uint64_t seed, int noisy)
{
    otto_auto_options o;
    otto_auto_options_init(&o);
    o.seed = seed;
    o.noisy = noisy;
    otto_sampler *s = NULL;
    assert_ok(otto_sampler_auto_create(&o, &s));
    return s;
}

/* Deterministic Gaussian noise (splitmix64, Box-Muller). */
static double gauss(uint64_t *st)
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        u[k] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

/* n trials of a 2-D sphere on [-5, 5]^2 with Gaussian noise of sd 5 (the
 * median of the sphere at random points is about 17); returns the true
 * value of otto_study_recommend's pick and the repeats in *repeats. */
static double noisy_sphere_run(uint64_t seed, int noisy, int n, int *repeats)
{
    otto_study *s = make_study(seed, OTTO_MINIMIZE, auto_noisy(seed, noisy), NULL);
    uint64_t st = seed * 7919u + 1u;
    for (int i = 0; i < n; i++) {
        otto_trial *t;
        double x, y;
        assert_ok(otto_study_ask(s, &t));
        assert_ok(otto_trial_suggest_float(t, "x", -5, 5, 0, 0, &x));
        assert_ok(otto_trial_suggest_float(t, "y", -5, 5, 0, 0, &y));
        double v = x * x + y * y + 5.0 * gauss(&st);
        assert_ok(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &v, 1));
    }
    *repeats = 0;
    for (int64_t i = 0; i < n; i++) {
        const otto_trial *t;
        const char *key, *value;
        assert_ok(otto_study_trial(s, i, &t));
        for (size_t k = 0; k < otto_trial_system_attr_count(t); k++)
            if (otto_trial_system_attr_at(t, k, &key, &value) == OTTO_OK &&
                !strcmp(key, OTTO_ATTR_REPEAT_OF)) {
                ++*repeats;
                assert_string_equal(picked(s, i), "GPSampler");
            }
    }
    const otto_trial *rec;
    double x, y;
    assert_ok(otto_study_recommend(s, NULL, &rec, NULL, NULL));
    assert_ok(otto_trial_param_float(rec, "x", &x));
    assert_ok(otto_trial_param_float(rec, "y", &y));
    otto_study_destroy(s);
    return x * x + y * y;
}

static void noisy_mode_repeats_in_the_gp_phase(void **state)
{
    (void)state;
    int wins = 0, with = 0, without = 0;
    double r_noisy[20], r_default[20];
    for (uint64_t seed = 0; seed < 20; seed++) {
        int k;
        r_noisy[seed] = noisy_sphere_run(seed, 1, 60, &k);
        with += k;
        r_default[seed] = noisy_sphere_run(seed, 0, 60, &k);
        without += k;
        wins += r_noisy[seed] < r_default[seed];
    }
    qsort(r_noisy, 20, sizeof *r_noisy, cmp_double);
    qsort(r_default, 20, sizeof *r_default, cmp_double);
    /* measured: 91 repeats in 20 runs; otto_study_recommend's pick better
     * than without noisy mode in 8 of 20, medians 0.30 (noisy) and 0.20:
     * repeats do not yet pay on this function (bench/RESULTS_NOISY.md).
     * The guard keeps noisy mode from getting worse than that. */
    assert_true(with >= 20);
    assert_int_equal(without, 0);
    double med_noisy = (r_noisy[9] + r_noisy[10]) / 2, med_default = (r_default[9] + r_default[10]) / 2;
    assert_true(wins >= 5);
    assert_true(med_noisy <= 2.0 * med_default);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(picks_by_space_and_phase),
        cmocka_unit_test(long_constrained_or_multi_objective_studies_leave_the_gp),
        cmocka_unit_test(beats_random_on_three_kinds_of_space),
        cmocka_unit_test(integer_labels_read_as_categories),
        cmocka_unit_test(labels_go_to_tpe_after_the_gp_phase),
        cmocka_unit_test(same_decision_after_a_reload),
        cmocka_unit_test(options_are_validated),
        cmocka_unit_test(noisy_mode_repeats_in_the_gp_phase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
