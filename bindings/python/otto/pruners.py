"""Pruners with Optuna's names, parameters and defaults. A pruner object is
only its configuration: each study gets a fresh C pruner made from it."""
import ctypes
import math
import numbers

from .exceptions import _warn_experimental
from . import _capi


class BasePruner:
    """Optuna's pruner interface: subclass it and define prune(study, trial),
    which gets the study and a FrozenTrial of the running trial and returns
    whether to stop it. The study calls it from C through the plug-in kit; an
    exception in it is raised again by should_prune."""

    def prune(self, study, trial):
        raise NotImplementedError(f"{type(self).__name__}.prune")


def _make(init, create, struct, **fields):
    opts = struct()
    init(ctypes.byref(opts), ctypes.sizeof(opts))
    for k, v in fields.items():
        if isinstance(v, int) and not isinstance(v, bool):
            v = _capi.int64(v, k)
        setattr(opts, k, v)
    out = ctypes.c_void_p()
    create(ctypes.byref(opts), ctypes.byref(out))
    return out


def _auto(value, name):
    if value == "auto":
        return 0
    if isinstance(value, str) or int(value) < 1:
        raise ValueError(f"{name} must be 'auto' or an integer >= 1, not {value!r}")
    return int(value)


class NopPruner(BasePruner):
    """Never prunes."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def _create(self):
        out = ctypes.c_void_p()
        _capi.pruner_nop_create(ctypes.byref(out))
        return out


class PercentilePruner(BasePruner):
    """Prune when the trial's best value is worse than the given percentile of
    the completed trials' values at the same step."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, percentile, n_startup_trials=5, n_warmup_steps=0, interval_steps=1, *,
                 n_min_trials=1):
        if not 0.0 <= percentile <= 100.0:
            raise ValueError(f"Percentile must be between 0 and 100 inclusive but got "
                             f"{percentile}.")
        if n_startup_trials < 0 or n_warmup_steps < 0 or interval_steps < 1 or n_min_trials < 1:
            raise ValueError("n_startup_trials and n_warmup_steps must be >= 0, "
                             "interval_steps and n_min_trials >= 1")
        self._fields = dict(percentile=float(percentile), n_startup_trials=n_startup_trials,
                            n_warmup_steps=n_warmup_steps, interval_steps=interval_steps,
                            n_min_trials=n_min_trials)

    _c_create = "pruner_percentile_create"

    def _create(self):
        return _make(_capi.percentile_options_init_sized, getattr(_capi, self._c_create),
                     _capi.PercentileOptions, **self._fields)


class MedianPruner(PercentilePruner):
    """Prune when the trial's best value is worse than the median of the
    completed trials' values at the same step."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    _c_create = "pruner_median_create"

    def __init__(self, n_startup_trials=5, n_warmup_steps=0, interval_steps=1, *,
                 n_min_trials=1):
        super().__init__(50.0, n_startup_trials, n_warmup_steps, interval_steps,
                         n_min_trials=n_min_trials)


class SuccessiveHalvingPruner(BasePruner):
    """Asynchronous successive halving (ASHA)."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, min_resource="auto", reduction_factor=4, min_early_stopping_rate=0,
                 bootstrap_count=0):
        if reduction_factor < 2 or min_early_stopping_rate < 0 or bootstrap_count < 0:
            raise ValueError("reduction_factor must be >= 2, min_early_stopping_rate and "
                             "bootstrap_count >= 0")
        if bootstrap_count > 0 and min_resource == "auto":  # as Optuna
            raise ValueError("bootstrap_count > 0 and min_resource == 'auto' are mutually "
                             f"incompatible, bootstrap_count is {bootstrap_count}")
        self._fields = dict(min_resource=_auto(min_resource, "min_resource"),
                            reduction_factor=reduction_factor,
                            min_early_stopping_rate=min_early_stopping_rate,
                            bootstrap_count=bootstrap_count)

    def _create(self):
        return _make(_capi.successive_halving_options_init_sized,
                     _capi.pruner_successive_halving_create, _capi.SuccessiveHalvingOptions,
                     **self._fields)


class HyperbandPruner(BasePruner):
    """Hyperband over successive-halving brackets; the sampler sees only the
    trials of a trial's own bracket."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, min_resource=1, max_resource="auto", reduction_factor=3,
                 bootstrap_count=0):
        if bootstrap_count > 0 and max_resource == "auto":
            raise ValueError("bootstrap_count > 0 and max_resource == 'auto' are mutually "
                             "incompatible")
        self._fields = dict(min_resource=int(min_resource),
                            max_resource=_auto(max_resource, "max_resource"),
                            reduction_factor=reduction_factor, bootstrap_count=bootstrap_count)

    def _create(self):
        return _make(_capi.hyperband_options_init_sized, _capi.pruner_hyperband_create,
                     _capi.HyperbandOptions, **self._fields)


class ThresholdPruner(BasePruner):
    """Prune when a reported value leaves [lower, upper] or is NaN."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, lower=None, upper=None, n_warmup_steps=0, interval_steps=1):
        if lower is None and upper is None:
            raise TypeError("Either lower or upper must be specified.")
        for v in (lower, upper):  # real numbers (numpy's too), as Optuna checks
            if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
                raise TypeError(f"lower and upper must be float but got {type(v)}.")
        self._fields = dict(lower=-math.inf if lower is None else float(lower),
                            upper=math.inf if upper is None else float(upper),
                            n_warmup_steps=n_warmup_steps, interval_steps=interval_steps)

    def _create(self):
        return _make(_capi.threshold_options_init_sized, _capi.pruner_threshold_create,
                     _capi.ThresholdOptions, **self._fields)


class WilcoxonPruner(BasePruner):
    """Optuna's WilcoxonPruner, in C: report one score per problem instance
    (step = the instance's id, in any order); a trial is pruned once a
    one-sided Wilcoxon signed-rank test on the instances it shares with the
    best trial finds it worse with p < p_threshold (unless its average is
    still at least as good). See otto_pruner_wilcoxon_create(3)."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, *, p_threshold=0.1, n_startup_steps=2):
        _warn_experimental("WilcoxonPruner")
        if n_startup_steps < 0:
            raise ValueError(f"n_startup_steps must be nonnegative but got {n_startup_steps}.")
        if not 0.0 <= p_threshold <= 1.0:
            raise ValueError(f"p_threshold must be between 0 and 1 but got {p_threshold}.")
        self._fields = dict(p_threshold=float(p_threshold),
                            n_startup_steps=int(n_startup_steps))

    def _create(self):
        return _make(_capi.wilcoxon_options_init_sized, _capi.pruner_wilcoxon_create,
                     _capi.WilcoxonOptions, **self._fields)


class PatientPruner(BasePruner):
    """Let wrapped_pruner (None: prune) judge a trial only once its best value
    over the last patience + 1 steps is worse than before by more than
    min_delta."""

    _builtin = True  # a C pruner (see _plugins.make_pruner)

    def __init__(self, wrapped_pruner, patience, min_delta=0.0):
        _warn_experimental("PatientPruner")
        if patience < 0:
            raise ValueError(f"patience cannot be negative but got {patience}.")
        if min_delta < 0:
            raise ValueError(f"min_delta cannot be negative but got {min_delta}.")
        self._wrapped = wrapped_pruner
        self._patience = int(patience)
        self._min_delta = float(min_delta)

    def _create(self):
        inner = self._wrapped._create() if self._wrapped is not None else None
        out = ctypes.c_void_p()
        _capi.pruner_patient_create(inner, self._patience, self._min_delta, ctypes.byref(out))
        return out
