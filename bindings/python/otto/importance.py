"""Parameter importance with Optuna's API (optuna.importance): the
evaluators compute in C (otto_study_param_importances); a user's own
subclass of BaseImportanceEvaluator works as in Optuna."""
import ctypes

from . import _capi
from .exceptions import NotFoundError

__all__ = ["BaseImportanceEvaluator", "FanovaImportanceEvaluator",
           "PedAnovaImportanceEvaluator", "get_param_importances"]

_FANOVA, _PED_ANOVA = 1, 2


class BaseImportanceEvaluator:
    """Subclass and implement evaluate(study, params=None, *, target=None),
    returning {param name: importance}."""

    def evaluate(self, study, params=None, *, target=None):
        raise NotImplementedError


def _check_params(params):
    if params is None:
        return
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"Parameters must be specified as a list. Actual parameters: {params}.")
    if any(not isinstance(p, str) for p in params):
        raise TypeError("Parameters must be specified by their names with strings. "
                        f"Actual parameters: {params}.")


class _CEvaluator(BaseImportanceEvaluator):
    _kind = 0

    def _options(self, opts):
        raise NotImplementedError

    def evaluate(self, study, params=None, *, target=None):
        _check_params(params)
        if target is None and len(study.directions) > 1:
            raise ValueError("If the `study` is being used for multi-objective optimization, "
                             "please specify the `target`. For example, use "
                             "`target=lambda t: t.values[0]` for the first objective value.")
        if study._storage is not None:
            _capi.study_sync(study._ptr)
        opts = _capi.ImportanceOptions()
        _capi.importance_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.evaluator = self._kind
        opts.normalize = 0
        self._options(opts)
        if params is not None:
            names = (ctypes.c_char_p * max(1, len(params)))(*[_capi.encode(p) for p in params])
            opts.params = names
            opts.n_params = len(params)
        failure = []
        if target is not None:
            def call(trial_ptr, user_data, out):
                try:
                    out[0] = float(target(study._freeze(trial_ptr)))
                    return 0
                except BaseException as e:  # raised again below, after C returns
                    failure.append(e)
                    return 1
            opts.target = _capi.TARGET_FN(call)
        res = ctypes.POINTER(_capi.ParamImportance)()
        n = ctypes.c_size_t()
        try:
            _capi.study_param_importances(study._ptr, ctypes.byref(opts), ctypes.byref(res),
                                          ctypes.byref(n))
        except NotFoundError as e:
            raise ValueError(str(e)) from None
        except Exception:
            if failure:
                raise failure[0]
            raise
        try:
            return {res[i].name.decode("utf-8"): res[i].importance for i in range(n.value)}
        finally:
            _capi.param_importances_free(res)


class FanovaImportanceEvaluator(_CEvaluator):
    """fANOVA (Hutter et al. 2014) over a random forest of n_trees regression
    trees, on the params that every COMPLETE trial has."""
    _kind = _FANOVA

    def __init__(self, *, n_trees=64, max_depth=64, seed=None):
        self._n_trees, self._max_depth = int(n_trees), int(max_depth)
        self._seed = seed

    def _options(self, opts):
        opts.n_trees = self._n_trees
        opts.max_depth = self._max_depth
        opts.seed = _capi.SEED_NONE if self._seed is None else int(self._seed) % 2**64


class PedAnovaImportanceEvaluator(_CEvaluator):
    """PED-ANOVA (Watanabe et al. 2023, conditional form 2026): how the top
    target_quantile of trials differ from the region_quantile, per param."""
    _kind = _PED_ANOVA

    def __init__(self, *, target_quantile=0.1, region_quantile=1.0, evaluate_on_local=True):
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError("condition 0.0 < `target_quantile` < `region_quantile` <= 1.0 "
                             "must be satisfied")
        self._target_quantile = float(target_quantile)
        self._region_quantile = float(region_quantile)
        self._evaluate_on_local = bool(evaluate_on_local)

    def _options(self, opts):
        opts.target_quantile = self._target_quantile
        opts.region_quantile = self._region_quantile
        opts.evaluate_on_local = int(self._evaluate_on_local)


def get_param_importances(study, *, evaluator=None, params=None, target=None, normalize=True):
    """{param name: importance}, most important first; normalized to sum to 1
    unless normalize=False. The default evaluator is fANOVA."""
    if evaluator is None:
        evaluator = FanovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError("Evaluator must be a subclass of BaseImportanceEvaluator.")
    res = evaluator.evaluate(study, params=params, target=target)
    if not normalize:
        return dict(res)
    total = sum(res.values())
    if total == 0.0:
        return {name: 1.0 / len(res) for name in res}
    return {name: value / total for name, value in res.items()}
