"""When to stop tuning, with Optuna's names (optuna.terminator): a Terminator
that stops when the improvement still to be had is below the error of one
evaluation, and a callback for optimize(). The bound and the default error
are otto_study_should_stop(3) in C: a Gaussian process fitted to the COMPLETE
trials, the regret bound of Makarova et al. (2022) that Optuna's
RegretBoundEvaluator computes, and the GP's fitted noise standard deviation.

Differences from Optuna: RegretBoundEvaluator fits all COMPLETE trials by
default (top_trials_ratio=1.0; Optuna's 0.5 picks the trials with the
luckiest noise on a noisy objective) and bounds the improvement through the
joint posterior of the incumbent and each point (bound="joint"; bound=
"ucb_lcb" is Optuna's min UCB - min LCB). The default error evaluator is
NoiseErrorEvaluator (otto-only), the GP's noise; Optuna's
CrossValidationErrorEvaluator (with report_cross_validation_scores) and
StaticErrorEvaluator work as there. BestValueStagnationEvaluator, EMMR and
MedianErrorEvaluator are not provided."""
import abc
import ctypes
import math

from . import _capi
from .trial import TrialState

__all__ = ["BaseTerminator", "Terminator", "TerminatorCallback", "BaseImprovementEvaluator",
           "RegretBoundEvaluator", "BaseErrorEvaluator", "NoiseErrorEvaluator",
           "CrossValidationErrorEvaluator", "StaticErrorEvaluator",
           "report_cross_validation_scores"]

DEFAULT_MIN_N_TRIALS = 20
_CROSS_VALIDATION_SCORES_KEY = "terminator:cv_scores"
_BOUNDS = {"joint": 0, "ucb_lcb": 1}


def _stop_options(min_trials, top_trials_ratio=1.0, error=0.0, seed=None, bound="joint"):
    o = _capi.StopOptions()
    _capi.stop_options_init_sized(ctypes.byref(o), ctypes.sizeof(o))
    o.min_trials = max(2, int(min_trials))
    o.top_trials_ratio = float(top_trials_ratio)
    o.error = float(error)
    if seed is not None:
        o.seed = int(seed) & (2**64 - 1)
    o.bound = _BOUNDS[bound]
    return o


def _should_stop(study_ptr, options):
    """(improvement, error, stop) of otto_study_should_stop_with."""
    imp, err, stop = ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
    _capi.study_should_stop_with(study_ptr, ctypes.byref(options), ctypes.byref(imp),
                                 ctypes.byref(err), ctypes.byref(stop))
    return imp.value, err.value, bool(stop.value)


def _complete(trials):
    return [t for t in trials if t.state == TrialState.COMPLETE]


class _TrialsStudy:
    """A throwaway in-memory study of the COMPLETE trials given, for
    evaluators called with a list of trials (as Optuna's are)."""

    def __init__(self, trials, study_direction):
        from .samplers import RandomSampler
        from .study import create_study
        self.study = create_study(direction=study_direction, sampler=RandomSampler(seed=0))
        for t in _complete(trials):
            self.study.add_trial(t)
        self.n = len(self.study.trials)


def _run(trials, study_direction, min_n_trials, **kw):
    ts = _TrialsStudy(trials, study_direction)
    if ts.n == 0:
        raise ValueError("Because no trial has been completed yet, the regret bound cannot "
                         "be evaluated.")
    if ts.n < 2:
        raise ValueError("otto needs two COMPLETE trials to fit the regret bound's model.")
    o = _stop_options(min(min_n_trials, ts.n), **kw)
    return _should_stop(ts.study._ptr, o)


class BaseImprovementEvaluator(abc.ABC):
    """How much the study could still improve: evaluate(trials,
    study_direction) -> float."""

    @abc.abstractmethod
    def evaluate(self, trials, study_direction):
        raise NotImplementedError


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """An upper bound, with high probability under a Gaussian process, on
    the improvement left over the best configuration evaluated
    (otto_study_should_stop(3)). The GP is fitted to the best
    top_trials_ratio of the COMPLETE trials (at least min_n_trials of them);
    seed fixes the quasi-random points searched for the lowest LCB."""

    def __init__(self, top_trials_ratio=1.0, min_n_trials=DEFAULT_MIN_N_TRIALS, seed=None, *,
                 bound="joint"):
        if not 0 < top_trials_ratio <= 1:
            raise ValueError("top_trials_ratio must be in (0, 1].")
        if bound not in _BOUNDS:
            raise ValueError(f"bound must be one of {sorted(_BOUNDS)}, not {bound!r}.")
        self._top_trials_ratio = top_trials_ratio
        self._min_n_trials = min_n_trials
        self._seed = seed
        self._bound = bound

    def _kw(self):
        return {"top_trials_ratio": self._top_trials_ratio, "seed": self._seed,
                "bound": self._bound}

    def evaluate(self, trials, study_direction):
        return _run(trials, study_direction, self._min_n_trials, **self._kw())[0]


class BaseErrorEvaluator(abc.ABC):
    """The statistical error of one evaluation: evaluate(trials,
    study_direction) -> float."""

    @abc.abstractmethod
    def evaluate(self, trials, study_direction):
        raise NotImplementedError


class NoiseErrorEvaluator(BaseErrorEvaluator):
    """otto-only, the default: the noise standard deviation of the Gaussian
    process fitted to the COMPLETE trials, i.e. the spread of repeated
    evaluations of one configuration."""

    def evaluate(self, trials, study_direction):
        return _run(trials, study_direction, DEFAULT_MIN_N_TRIALS)[1]


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """As Optuna's: the standard error of the best trial's cross-validation
    scores (report_cross_validation_scores), sqrt((1/k + 1/(k-1)) var)."""

    def evaluate(self, trials, study_direction):
        from .study import StudyDirection
        trials = _complete(trials)
        if not trials:
            raise ValueError("No trial has been completed yet.")
        pick = max if study_direction == StudyDirection.MAXIMIZE else min
        best = pick(trials, key=lambda t: t.value)
        if _CROSS_VALIDATION_SCORES_KEY not in best.system_attrs:
            raise ValueError("Cross-validation scores have not been reported. Please call "
                             "`report_cross_validation_scores(trial, scores)` during a trial "
                             "and pass the list of scores as `scores`.")
        scores = [float(v) for v in best.system_attrs[_CROSS_VALIDATION_SCORES_KEY]]
        k = len(scores)
        mean = sum(scores) / k
        var = sum((v - mean) ** 2 for v in scores) / k
        return math.sqrt((1 / k + 1 / (k - 1)) * var)


class StaticErrorEvaluator(BaseErrorEvaluator):
    """A constant error: stop once the bound falls below it."""

    def __init__(self, constant):
        self._constant = constant

    def evaluate(self, trials, study_direction):
        return self._constant


def report_cross_validation_scores(trial, scores):
    """Record a trial's cross-validation scores (a system attr), for
    CrossValidationErrorEvaluator."""
    if len(scores) <= 1:
        raise ValueError("The length of `scores` is expected to be greater than one.")
    trial.set_system_attr(_CROSS_VALIDATION_SCORES_KEY, [float(s) for s in scores])


class BaseTerminator(abc.ABC):
    @abc.abstractmethod
    def should_terminate(self, study):
        raise NotImplementedError


class Terminator(BaseTerminator):
    """Stop when the improvement evaluator's bound falls below the error
    evaluator's error (after min_n_trials COMPLETE trials). With the default
    evaluators (or a RegretBoundEvaluator with a static or cross-validation
    error), the whole decision is otto_study_should_stop_with(3) on the
    study itself."""

    def __init__(self, improvement_evaluator=None, error_evaluator=None,
                 min_n_trials=DEFAULT_MIN_N_TRIALS):
        if min_n_trials <= 0:
            raise ValueError("`min_n_trials` is expected to be a positive integer.")
        self._improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        self._error_evaluator = error_evaluator or NoiseErrorEvaluator()
        self._min_n_trials = min_n_trials

    def should_terminate(self, study):
        trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(trials) < self._min_n_trials:
            return False
        ie, ee = self._improvement_evaluator, self._error_evaluator
        if isinstance(ie, RegretBoundEvaluator) and hasattr(study, "_ptr"):
            error = 0.0 if isinstance(ee, NoiseErrorEvaluator) else float(
                ee.evaluate(trials, study.direction))
            if not error >= 0:
                raise ValueError(f"the error evaluator returned {error!r}")
            if error == 0.0 and not isinstance(ee, NoiseErrorEvaluator):
                return False  # nothing is below an error of 0
            o = _stop_options(min(ie._min_n_trials, len(trials)), error=error, **ie._kw())
            return _should_stop(study._ptr, o)[2]
        improvement = ie.evaluate(study.trials, study.direction)
        error = ee.evaluate(study.trials, study.direction)
        return improvement < error


class TerminatorCallback:
    """An optimize() callback: study.stop() once the terminator says so."""

    def __init__(self, terminator=None):
        self._terminator = terminator or Terminator()

    def __call__(self, study, trial):
        if trial.state == TrialState.COMPLETE and self._terminator.should_terminate(study):
            study.stop()
