/* otto/insight.h: what a study's finished trials say beyond their raw values,
 * for objectives that are noisy: which configuration to deploy
 * (otto_study_recommend), how sure one configuration beats another
 * (otto_study_compare) and whether tuning still pays (otto_study_should_stop).
 *
 * The model. Every function here reads the study's COMPLETE trials that have
 * a finite objective value (the "usable" trials; RUNNING, PRUNED and FAIL
 * trials are left out, and so are trials finished while the call runs);
 * with otto_study_options.forget_window = W, only those among the last W
 * trials to finish, the window the study's sampler sees. Where
 * it can, it fits a Gaussian process to them, the GP sampler's model: the
 * values, oriented so that lower is better and standardized; the params of
 * the intersection search space (those every usable trial has, with one
 * distribution) in the unit cube as the GP sampler encodes them (log params
 * in log space, int and step params at their cell's centre, categoricals by
 * choice index under a Hamming kernel); a Matern-5/2 kernel with one
 * lengthscale per param; signal and noise variance fitted by maximum a
 * posteriori. The fitted noise variance is what makes the model useful on
 * noisy objectives: the posterior mean at a configuration is a smoothed
 * estimate of its true value, so trials with identical params (replicates)
 * are averaged and one lucky draw is shrunk towards its neighbours.
 *
 * Where no GP can be fitted the functions fall back to replicate
 * statistics: usable trials with identical params (the same names, and the
 * same values, categoricals by label) form one configuration, with the mean
 * of their values and its standard error.
 *
 * All functions need a single-objective study (OTTO_ESTATE otherwise) and may
 * be called while other threads ask and tell. They cost one GP fit each
 * (two starts of at most max_fit_evals likelihood evaluations, O(n^3) each
 * for n usable trials), with no state kept between calls: on one core, 5-D,
 * recommend takes 0.03 s at 200 trials, 0.5 s at 500 and 1.5 s at 1,000. */
#ifndef OTTO_INSIGHT_H
#define OTTO_INSIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "study.h"
#include "trial.h"

OTTO_BEGIN_DECLS

/* Which model otto_study_recommend and otto_study_compare_with use. */
typedef enum otto_insight_model {
    /* The GP when the study has at least min_trials usable trials, a
     * non-empty intersection search space and at least two distinct
     * configurations in it, and the fit succeeds; else replicates. */
    OTTO_INSIGHT_AUTO = 0,
    OTTO_INSIGHT_GP = 1,        /* the GP, or OTTO_ESTATE where it cannot be fitted */
    OTTO_INSIGHT_REPLICATES = 2 /* replicate statistics only */
} otto_insight_model;

/* Options of otto_study_recommend and otto_study_compare_with. Fill with
 * otto_recommend_options_init, then edit; size-versioned. */
typedef struct otto_recommend_options {
    size_t size;
    otto_insight_model model; /* default OTTO_INSIGHT_AUTO */
    size_t min_trials;        /* usable trials before the GP is used (default 10, >= 2) */
    size_t max_fit_evals;     /* likelihood evaluations per fit start (default 100, >= 1) */
} otto_recommend_options;

OTTO_API void otto_recommend_options_init_sized(otto_recommend_options *o, size_t size);
#define otto_recommend_options_init(o) otto_recommend_options_init_sized((o), sizeof *(o))

/* The finished trial whose configuration the model judges best, its
 * estimated true value and that estimate's standard deviation, in the
 * objective's units (each out-parameter may be NULL). o may be NULL
 * (defaults).
 *
 * With the GP: the usable trial with the lowest posterior mean of the
 * latent objective (the highest when maximizing) at its configuration; ties
 * go to the lowest trial number. *mean and *sd are the posterior mean and
 * standard deviation of the objective (without the noise) there.
 *
 * With replicates: the configuration with the best mean value; its first
 * trial (lowest number). *mean is that mean, *sd its standard error
 * s / sqrt(k) for k trials, s being the within-configuration standard
 * deviation pooled over every configuration evaluated more than once; NaN
 * when no configuration was.
 *
 * otto_study_best_trial keeps Optuna's meaning (the best single value, the
 * luckiest draw on a noisy objective); this is the trial to deploy. Params
 * outside the intersection search space do not enter the GP: trials that
 * differ only there look like replicates to it.
 *
 * Errors: OTTO_EINVAL for a NULL study or trial pointer or bad options;
 * OTTO_ESTATE for a multi-objective study, or OTTO_INSIGHT_GP where no GP can
 * be fitted; OTTO_ENOTFOUND when no trial is usable; OTTO_ENOMEM. */
OTTO_API int otto_study_recommend(const otto_study *s, const otto_recommend_options *o,
                                  const otto_trial **trial, double *mean, double *sd);

/* The probability that trial a's configuration is truly better than trial
 * b's (lower objective when minimizing, higher when maximizing), into
 * *p_better; a and b are usable trials of s. With the GP (as
 * otto_study_recommend chooses it): P(f(a) < f(b)) under the joint posterior
 * of the latent objective, Phi(-(m_a - m_b) / sqrt(v_a + v_b - 2 c_ab)),
 * 0.5 when a and b have the same configuration in the intersection space.
 * With replicates: Welch's t test on the two configurations' values, the
 * probability being the Student t CDF of (mean_b - mean_a) / se with the
 * Welch-Satterthwaite degrees of freedom; when either configuration has a
 * single trial, both take the within-configuration variance pooled over the
 * study's repeated configurations (and its degrees of freedom); 0.5 for the
 * same configuration. An engine deploys a challenger b over the incumbent a
 * when otto_study_compare(s, b, a, &p) gives p above the confidence it
 * chooses.
 *
 * Errors: OTTO_EINVAL for NULL pointers or a trial that is not a usable
 * trial of s; OTTO_ESTATE for a multi-objective study, or without a GP when
 * no configuration of the study was evaluated twice (no estimate of the
 * noise); OTTO_ENOMEM. */
OTTO_API int otto_study_compare(const otto_study *s, const otto_trial *a, const otto_trial *b,
                                double *p_better);
/* otto_study_compare with model options (NULL: defaults). */
OTTO_API int otto_study_compare_with(const otto_study *s, const otto_recommend_options *o,
                                     const otto_trial *a, const otto_trial *b,
                                     double *p_better);

/* How otto_study_should_stop bounds the improvement left (see there). */
typedef enum otto_stop_bound {
    OTTO_STOP_BOUND_JOINT = 0,  /* max_x mu(a) - mu(x) + sqrt(beta) sd(f(a) - f(x)) */
    OTTO_STOP_BOUND_UCB_LCB = 1 /* UCB(a) - min_x LCB(x), as Optuna computes it */
} otto_stop_bound;

/* Options of otto_study_should_stop_with and otto_should_stop_callback. Fill
 * with otto_stop_options_init, then edit; size-versioned. */
typedef struct otto_stop_options {
    size_t size;
    size_t min_trials;       /* usable trials before a stop is considered (default 20, >= 2) */
    double top_trials_ratio; /* share of the best usable trials the GP is fitted to
                              * (default 0.5, in (0, 1]; at least min_trials of them) */
    double error;            /* 0 (default): compare with the fitted noise sd; > 0: with
                              * this value (a cross-validation error, a tolerance) */
    size_t n_candidates;     /* quasi-random points searched for the lowest LCB (2048) */
    uint64_t seed;           /* of the candidates (default 0) */
    size_t max_fit_evals;    /* likelihood evaluations per fit start (default 100, >= 1) */
    otto_stop_bound bound;   /* default OTTO_STOP_BOUND_JOINT */
} otto_stop_options;

OTTO_API void otto_stop_options_init_sized(otto_stop_options *o, size_t size);
#define otto_stop_options_init(o) otto_stop_options_init_sized((o), sizeof *(o))

/* Whether tuning has stopped paying: an upper bound on the improvement still
 * to be had over the configurations evaluated, after Makarova et al.,
 * "Automatic termination for hyperparameter optimization" (2022), as Optuna's
 * RegretBoundEvaluator computes it. A GP is fitted to the top_trials_ratio
 * best usable trials (at least min_trials); with beta = 2 log(d n^2 pi^2 /
 * (6 delta)) / 5, delta = 0.1, d params and n fitted trials,
 *   improvement = min over the fitted configurations of UCB(x)
 *               - min over the search space of LCB(x),
 * UCB/LCB = posterior mean +/- sqrt(beta) posterior sd of the latent
 * objective (oriented so that lower is better), in the objective's units.
 * The second minimum is taken over the fitted configurations, n_candidates
 * quasi-random points of the intersection search space, and a local
 * refinement of the best few over the continuous params. The error is the
 * fitted noise standard deviation (the spread of repeated evaluations of one
 * configuration), or o->error when set; and
 *   stop = improvement < error,
 * i.e. what is left to find is below what one evaluation can resolve. With
 * fewer than min_trials usable trials, *improvement is +inf, *error NaN and
 * *stop 0 (not an error). Deterministic for a seed and a set of trials. Any
 * out-parameter but stop may be NULL.
 *
 * Errors: OTTO_EINVAL for a NULL study or stop, or bad options; OTTO_ESTATE
 * for a multi-objective study or an empty intersection search space;
 * OTTO_ENUMERIC when no GP can be fitted; OTTO_ENOMEM. */
OTTO_API int otto_study_should_stop(const otto_study *s, double *improvement, int *stop);
OTTO_API int otto_study_should_stop_with(const otto_study *s, const otto_stop_options *o,
                                         double *improvement, double *error, int *stop);

/* An otto_callback_fn for otto_study_optimize: returns 1 (stopping the loop)
 * when otto_study_should_stop_with(s, user_data, ...) says stop; user_data
 * is a const otto_stop_options * or NULL (defaults). An error (a
 * multi-objective study, say) does not stop the loop: call
 * otto_study_should_stop to see it. Runs one GP fit after every trial. */
OTTO_API int otto_should_stop_callback(otto_study *s, const otto_trial *t, void *user_data);

/* --- hypervolume history ------------------------------------------------------
 * Of a multi-objective study (Optuna's plot_hypervolume_history): for each
 * COMPLETE trial in number order, its number and the hypervolume (see
 * otto_hypervolume(3)) that the feasible COMPLETE trials up to it dominate
 * within `reference` (n_reference == the number of objectives, given in each
 * objective's own direction: an upper bound for a minimized objective, a lower
 * bound for a maximized one). Trials with a non-finite value, or a violated
 * constraint (> 0, or NaN), add nothing but still get their entry. Writes
 * min(cap, count) entries and the count to *n_out (may be NULL); numbers and
 * volumes may be NULL when cap is 0. O(trials x front) plus one hypervolume per
 * front change: milliseconds for a thousand trials in 2-D or 3-D.
 * Errors: OTTO_EINVAL for NULL pointers, a reference of the wrong length or
 * not finite; OTTO_ESTATE for a single-objective study; OTTO_ENOMEM. */
OTTO_API int otto_study_hypervolume_history(const otto_study *s, const double *reference,
                                            size_t n_reference, int64_t *numbers,
                                            double *volumes, size_t cap, size_t *n_out);

/* The reference point otto(1) uses when none is given: per objective, the
 * worst value among the feasible COMPLETE trials, moved a tenth of the
 * objective's span (best to worst) further (by 1, or a tenth of its
 * magnitude if larger, when the span is 0). OTTO_ENOTFOUND when no such trial
 * exists; OTTO_EINVAL for NULL or n_reference != the number of objectives. */
OTTO_API int otto_study_default_reference(const otto_study *s, double *reference,
                                          size_t n_reference);

OTTO_END_DECLS

#endif /* OTTO_INSIGHT_H */
