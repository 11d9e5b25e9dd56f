"""Samplers with Optuna's names and parameters. A sampler object is only its
configuration: each study gets a fresh C sampler made from it, so one object
may be passed to several studies. Samplers whose C side does not exist yet
are absent, not stubbed."""
import ctypes
import math
import os
import sys
import threading
import warnings

from . import _capi
from .exceptions import ExperimentalWarning, _warn_experimental
from . import _nsgaii as nsgaii

sys.modules[__name__ + ".nsgaii"] = nsgaii  # import otto.samplers.nsgaii, as in Optuna


class BaseSampler:
    """Optuna's sampler interface. Subclass it and define sample_independent
    (and, for joint sampling, infer_relative_search_space and
    sample_relative) to write a sampler in Python: the study calls these
    methods from C through the plug-in kit, with itself and a FrozenTrial, as
    Optuna does. Subclasses of the built-in samplers may override any of them;
    the methods they leave alone stay the C sampler's. An exception in a
    method is raised again by the call that triggered it (ask, suggest_* or
    tell). See otto_sampler_create(3)."""

    def infer_relative_search_space(self, study, trial):
        """{name: distribution} to sample jointly in sample_relative."""
        return {}

    def sample_relative(self, study, trial, search_space):
        """{name: value} for the params of search_space (internal values are
        derived from each distribution); a param left out is sampled
        independently."""
        return {}

    def sample_independent(self, study, trial, param_name, param_distribution):
        """The value of one param outside the relative search space."""
        raise NotImplementedError(f"{type(self).__name__}.sample_independent")

    def before_trial(self, study, trial):
        """Called when a trial is asked, before its relative sampling."""

    def after_trial(self, study, trial, state, values):
        """Called when a trial is told, before it is finished (values are
        None unless it is COMPLETE)."""

    def reseed_rng(self):
        """Draw a fresh seed from the OS. A built-in sampler's seed is what
        every trial's random stream derives from (with the trial number), so
        the studies created with this object afterwards sample differently;
        a study already running keeps the seed it was made with."""
        if hasattr(self, "_seed"):
            self._seed = int.from_bytes(os.urandom(8), "little") % _capi.SEED_NONE


_pending = {}  # thread id -> exceptions (see _plugins.Context: C threads' callbacks)


def pending_errors():
    """This thread's exceptions from built-in samplers' Python callbacks
    (TPESampler's gamma and weights) not raised yet. A callback runs in the
    thread of the C call that needs it, so the call that failed (ask,
    suggest_*) finds its callback's exception here and raises it."""
    ident = threading.get_ident()
    errors = _pending.get(ident)
    if errors is None:
        errors = _pending[ident] = []
    return errors


def take_pending_error():
    """This thread's first pending callback exception (the others are
    dropped), or None."""
    errors = _pending.pop(threading.get_ident(), None) if _pending else None
    return errors[0] if errors else None


def _trampoline(functype, body, failed):
    """A ctypes callback of functype that runs body(*args). An exception
    never reaches C (ctypes would print and drop it): it is kept in
    pending_errors() and C gets `failed`, its callback's error value."""
    @functype
    def callback(*args):
        try:
            return body(*args)
        except BaseException as e:  # noqa: B036 - nothing may escape into C
            pending_errors().append(e)
            return failed
    return callback


def default_gamma(x):
    """Optuna's gamma: the good side holds 10% of the trials, at most 25."""
    return min(math.ceil(0.1 * x), 25)


def hyperopt_default_gamma(x):
    """hyperopt 0.1.2's gamma: 0.25 sqrt(n) trials, at most 25."""
    return min(math.ceil(0.25 * x ** 0.5), 25)


def default_weights(x):
    """Optuna's weights: equal for the newest 25 trials, a ramp from 1/x
    below them (oldest first)."""
    if x < 25:
        return [1.0] * x
    n = x - 25
    ramp = [1.0 / x + (1.0 - 1.0 / x) * i / (n - 1) for i in range(n)] if n > 1 else \
        [1.0 / x] * n
    return ramp + [1.0] * 25


_UNSET = object()  # an argument left at its default (Optuna warns only for given ones)
# The system attribute of a repeat proposed by GPSampler(noisy=True) or
# AutoSampler(noisy=True): the number of the trial it repeats (C: OTTO_ATTR_REPEAT_OF).
REPEAT_OF_ATTR = "otto:repeat_of"


class _BuiltinSampler(BaseSampler):
    """Optuna's public sampler methods on otto's built-in (C) samplers, so a
    Python sampler can wrap one (e.g. use a RandomSampler for its independent
    params). They work from within a sampler hook, for the trial the study is
    asking or suggesting, and consult the C sampler through the kit."""

    def __getstate__(self):
        """A copy or pickle is the configuration alone: not the C samplers
        made for studies (consult's cache) nor the ctypes callbacks kept
        alive for them."""
        state = dict(self.__dict__)
        state.pop("_c_by_study", None)
        if "_callbacks" in state:
            state["_callbacks"] = []
        return state

    def infer_relative_search_space(self, study, trial):
        from . import _plugins
        view, t, c = _plugins.consult(self, study, trial)
        space = ctypes.c_void_p()
        _capi.space_create(ctypes.byref(space))
        try:
            _capi.sampler_infer_relative_space(c, view, t, space)
            return _plugins._space_dict(space)
        finally:
            _capi.space_destroy(space)

    def sample_relative(self, study, trial, search_space):
        from . import _plugins
        from .distributions import add_to_space
        from .exceptions import OttoError
        if not search_space:
            return {}
        view, t, c = _plugins.consult(self, study, trial)
        space = ctypes.c_void_p()
        _capi.space_create(ctypes.byref(space))
        try:
            for name, dist in search_space.items():
                add_to_space(space, name, dist)
            out = (ctypes.c_double * len(search_space))()
            try:
                _capi.sampler_sample_relative(c, view, t, space, out)
            except OttoError as e:
                if e.code == _plugins.NOTSUP:
                    return {}
                raise
            return {name: dist.to_external_repr(out[i])
                    for i, (name, dist) in enumerate(search_space.items())
                    if not math.isnan(out[i])}
        finally:
            _capi.space_destroy(space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        from . import _plugins
        from .distributions import add_to_space
        view, t, c = _plugins.consult(self, study, trial)
        space = ctypes.c_void_p()
        _capi.space_create(ctypes.byref(space))
        try:
            add_to_space(space, param_name, param_distribution)
            d = _capi.Distribution()
            _capi.space_param(space, 0, None, ctypes.byref(d))
            out = ctypes.c_double()
            _capi.sampler_sample_independent(c, view, t, _capi.encode(param_name),
                                             ctypes.byref(d), ctypes.byref(out))
            return param_distribution.to_external_repr(out.value)
        finally:
            _capi.space_destroy(space)

    def after_trial(self, study, trial, state, values):
        from . import _plugins
        cur = getattr(getattr(study, "_plugin_ctx", None), "current", None)
        if cur is not None and getattr(cur[2], "py", None) is self:
            return  # this object's own plugin has told its C sampler already
        try:
            view, t, c = _plugins.consult(self, study, trial)
        except NotImplementedError:
            return  # not told through a study: nothing to learn from
        vals = (ctypes.c_double * len(values))(*values) if values else None
        _capi.sampler_after_trial(c, view, t, int(state), vals, len(values) if values else 0)


def _seed(seed):
    if seed is None:
        return _capi.SEED_NONE
    seed = int(seed)
    if not 0 <= seed < _capi.SEED_NONE:
        raise ValueError(f"seed must be in [0, 2**64 - 1), got {seed}")
    return seed


class RandomSampler(_BuiltinSampler):
    """Independent uniform sampling in the working space (log-uniform for log
    params, uniform on the grid for int and step params)."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, seed=None):
        self._seed = _seed(seed)

    def _create(self):
        opts = _capi.RandomOptions()
        _capi.random_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        out = ctypes.c_void_p()
        _capi.sampler_random_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return "RandomSampler()"


class TPESampler(_BuiltinSampler):
    """Tree-structured Parzen Estimator with Optuna's parameters. Defaults
    follow Optuna 5: multivariate=None (joint kernels for one objective,
    univariate for several), group=False, constant_liar=True, each
    observation with its own neighbour-gap bandwidth in every dim;
    scott_bandwidth=True gives multivariate kernels Optuna 2.2-4.x's shared
    Scott-rule bandwidth instead. The C library's defaults depart from
    Optuna's where the comparison suite measured better optima; get them with
    TPESampler.otto_defaults() (n_ei_candidates=0, gamma_fraction=0,
    group=True: up to 128 candidates and a good side of 15% with joint
    kernels, conditional spaces decomposed). gamma(n) and
    weights(n) may be
    Python callables, as in Optuna. constraints_func(frozen_trial) returns the
    trial's constraint values (feasible when all <= 0); the study calls it
    before telling each COMPLETE or PRUNED trial. unnormalized_kernels=True
    reproduces Optuna before 3.5, whose continuous kernels were not divided by
    their bandwidth (optuna#5109). With several objectives (otto's own
    arguments): pareto_tiebreak="hssp" (default, as Optuna 4.x-5) cuts the
    last front of the good side by hypervolume subset selection, "crowding"
    by crowding distance; hypervolume_weights=True weighs the good kernels by
    their hypervolume contributions (Optuna 3.x-4.x) instead of evenly."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, consider_prior=True, prior_weight=1.0, consider_magic_clip=True,
                 consider_endpoints=False, n_startup_trials=10, n_ei_candidates=24,
                 gamma=None, weights=None, seed=None, *, multivariate=None, group=False,
                 warn_independent_sampling=False, constant_liar=_UNSET, constraints_func=None,
                 n_history=0, unnormalized_kernels=False, scott_bandwidth=False,
                 gamma_fraction=0.1, pareto_tiebreak="hssp", hypervolume_weights=False):
        for arg, used in (("multivariate", multivariate is True), ("group", group is True),
                          ("constant_liar", constant_liar is True),
                          ("constraints_func", constraints_func is not None)):
            if used:  # as Optuna, for arguments given (otto's default liar is not one)
                _warn_experimental(f"``{arg}`` option")
        if constant_liar is _UNSET:
            constant_liar = True
        if group and multivariate is False:
            raise ValueError("group=True can only be used with multivariate=True")
        if group and multivariate is None:
            multivariate = True  # as Optuna: group implies the multivariate TPE
        if n_startup_trials < 0 or n_ei_candidates < 0:
            raise ValueError("n_startup_trials and n_ei_candidates must be >= 0")
        if not 0 <= gamma_fraction <= 1:
            raise ValueError("gamma_fraction must be in [0, 1]")
        tiebreaks = {"hssp": _capi.TPE_TIEBREAK_HSSP, "crowding": _capi.TPE_TIEBREAK_CROWDING}
        if pareto_tiebreak not in tiebreaks:
            raise ValueError(f"pareto_tiebreak must be one of {sorted(tiebreaks)}")
        self._seed = _seed(seed)
        self._opts = dict(consider_prior=consider_prior, prior_weight=float(prior_weight),
                          consider_magic_clip=consider_magic_clip,
                          consider_endpoints=consider_endpoints,
                          n_startup_trials=int(n_startup_trials),
                          n_ei_candidates=int(n_ei_candidates),
                          multivariate=-1 if multivariate is None else multivariate,
                          group=group, warn_independent_sampling=warn_independent_sampling,
                          constant_liar=constant_liar, n_history=int(n_history),
                          unnormalized_kernels=unnormalized_kernels,
                          scott_bandwidth=scott_bandwidth, gamma_fraction=float(gamma_fraction),
                          pareto_tiebreak=tiebreaks[pareto_tiebreak],
                          hypervolume_weights=hypervolume_weights)
        self._gamma = gamma
        self._weights = weights
        self._callbacks = []  # CFUNCTYPE objects stay alive while any C sampler may call them
        self.constraints_func = constraints_func

    @staticmethod
    def hyperopt_parameters():
        """hyperopt 0.1.2's defaults, to pass as TPESampler(**...), as in
        Optuna (deprecated there since 4.x: FutureWarning)."""
        warnings.warn("TPESampler.hyperopt_parameters is deprecated (as in Optuna 4).",
                      FutureWarning, stacklevel=2)
        return {"consider_prior": True, "prior_weight": 1.0, "consider_magic_clip": True,
                "consider_endpoints": False, "n_startup_trials": 20, "n_ei_candidates": 24,
                "gamma": hyperopt_default_gamma, "weights": default_weights}

    @classmethod
    def otto_defaults(cls, **kwargs):
        """A TPESampler with the C library's defaults (otto_tpe_options_init)
        where they depart from Optuna's: n_ei_candidates=0 (up to 128
        candidates with joint kernels), gamma_fraction=0 (a good side of 15%
        with joint kernels) and group=True. Other arguments as for
        TPESampler()."""
        kwargs.setdefault("n_ei_candidates", 0)
        kwargs.setdefault("gamma_fraction", 0.0)
        kwargs.setdefault("group", True)
        with warnings.catch_warnings():  # otto's own defaults are not experimental
            warnings.simplefilter("ignore", ExperimentalWarning)
            return cls(**kwargs)

    def _gamma_trampoline(self):
        func = self._gamma

        def gamma(n, user_data):
            return max(0, min(int(func(n)), n))
        return _trampoline(_capi.GAMMA_FN, gamma, _capi.TPE_GAMMA_ERROR)

    def _weights_trampoline(self):
        func = self._weights

        def weights(n, out, user_data):
            w = [float(x) for x in func(n)]
            if len(w) < n:
                raise ValueError(f"weights({n}) returned {len(w)} values")
            for i in range(n):
                out[i] = w[i]
            return 0
        return _trampoline(_capi.WEIGHTS_FN, weights, _capi.ECALLBACK)

    def _create(self):
        opts = _capi.TpeOptions()
        _capi.tpe_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        for k, v in self._opts.items():
            setattr(opts, k, int(v) if isinstance(v, bool) else v)
        if self._gamma is not None:
            cb = self._gamma_trampoline()
            self._callbacks.append(cb)
            opts.gamma = cb
        if self._weights is not None:
            cb = self._weights_trampoline()
            self._callbacks.append(cb)
            opts.weights = cb
        out = ctypes.c_void_p()
        _capi.sampler_tpe_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return "TPESampler()"


class AutoSampler(_BuiltinSampler):
    """Picks GP, TPE, CMA-ES or NSGA-II/III for the study at every ask, with the
    name and arguments of OptunaHub's AutoSampler (samplers/auto_sampler), so
    programs that load it run unchanged: GP while the study is short, TPE for
    conditional spaces and long single-objective studies with categorical
    parameters, ints read as labels or constraints, NSGA-II (NSGA-III from 4
    objectives) for long multi-objective ones, CMA-ES for other long ones.
    Its GP takes local steps (GPSampler's local_steps) on continuous
    single-objective studies and warps the values (output_warping) when its
    evidence favours that. Each trial's system attribute "auto:sampler"
    names the sampler used.
    constraints_func works as in TPESampler. otto-only options: n_trials (the
    budget, if known), gp_trials (the GP phase's length, 0: 250) and noisy
    (the GP phase proposes repeats of the incumbent or a close rival, as
    GPSampler(noisy=True)); see otto_sampler_auto_create(3)."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, *, seed=None, constraints_func=None, n_trials=0, gp_trials=0,
                 noisy=False):
        if n_trials < 0 or gp_trials < 0:
            raise ValueError("n_trials and gp_trials must be >= 0")
        self._seed = _seed(seed)
        self._opts = dict(n_trials=int(n_trials), gp_trials=int(gp_trials), noisy=int(bool(noisy)))
        self.constraints_func = constraints_func

    def _create(self):
        opts = _capi.AutoOptions()
        _capi.auto_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        for k, v in self._opts.items():
            setattr(opts, k, v)
        out = ctypes.c_void_p()
        _capi.sampler_auto_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return "AutoSampler()"


class GPSampler(_BuiltinSampler):
    """Gaussian-process Bayesian optimization with log expected improvement,
    with Optuna's GPSampler parameters. Params outside the search space shared
    by all trials are sampled at random (independent_sampler must be None or
    a RandomSampler). constraints_func works as in TPESampler: the GP also
    models each constraint and weights EI by the probability of feasibility.
    Multi-objective studies maximize log expected hypervolume improvement
    over one GP per objective (times the probability of feasibility), as
    Optuna's; multi_objective="parego" scalarizes per trial instead. otto-only
    options: n_candidates, n_local_search, max_fit_evals, dim_scaled_prior,
    use_running_trials, multi_objective, small_ints_as_categories, local_steps,
    output_warping and noisy:
    for noisy objectives, EI improves on the
    incumbent's posterior mean and the sampler may propose a repeat, a trial
    with exactly the params of an evaluated one (the incumbent or a close
    rival), when resolving their order is worth more than a new point; the
    repeat's system attribute "otto:repeat_of" (REPEAT_OF_ATTR) holds the
    original's number. Use study.recommended_trial to deploy.
    small_ints_as_categories=True reads int params of at most 16 values (no
    log) as categories, for ints that are labels (indices into a list of
    operations): the kernel compares them as equal or not, and suggested
    values are still ints of the distribution. local_steps=True makes one
    trial in three, once the history is long enough, a local step: a
    quadratic of the trials nearest the best one minimized in a trust region,
    or a model of those trials searched in the box they span
    (otto_sampler_gp_create(3)); the auto sampler's GP takes them.
    output_warping (on by default; False is Optuna's behaviour) models the
    values after a monotone power transform fitted at each ask (Yeo-Johnson)
    when the model's evidence favours it, for values spread over orders of
    magnitude."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, *, seed=None, independent_sampler=None, n_startup_trials=10,
                 deterministic_objective=False, constraints_func=None,
                 warn_independent_sampling=True, n_candidates=1024, n_local_search=8,
                 max_fit_evals=100, dim_scaled_prior=False, use_running_trials=True,
                 multi_objective="ehvi", noisy=False, small_ints_as_categories=False,
                 local_steps=False, output_warping=True):
        _warn_experimental("GPSampler")
        if independent_sampler is not None and not isinstance(independent_sampler,
                                                              RandomSampler):
            raise ValueError("GPSampler: independent_sampler must be None or a RandomSampler")
        if constraints_func is not None:
            _warn_experimental("``constraints_func`` option")
        if n_startup_trials < 0:
            raise ValueError("n_startup_trials must be >= 0")
        modes = {"ehvi": 0, "parego": 1}  # OTTO_GP_EHVI, OTTO_GP_PAREGO
        if multi_objective not in modes:
            raise ValueError('GPSampler: multi_objective must be "ehvi" or "parego"')
        self._seed = _seed(seed)
        self._opts = dict(n_startup_trials=int(n_startup_trials),
                          deterministic_objective=deterministic_objective,
                          n_candidates=int(n_candidates), n_local_search=int(n_local_search),
                          max_fit_evals=int(max_fit_evals), dim_scaled_prior=dim_scaled_prior,
                          use_running_trials=use_running_trials,
                          warn_independent_sampling=warn_independent_sampling,
                          multi_objective=modes[multi_objective], noisy=bool(noisy),
                          small_ints_as_categories=bool(small_ints_as_categories),
                          local_steps=bool(local_steps),
                          output_warping=bool(output_warping))
        self.constraints_func = constraints_func

    def _create(self):
        opts = _capi.GpOptions()
        _capi.gp_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        for k, v in self._opts.items():
            setattr(opts, k, int(v) if isinstance(v, bool) else v)
        out = ctypes.c_void_p()
        _capi.sampler_gp_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return "GPSampler()"


class CmaEsSampler(_BuiltinSampler):
    """CMA-ES with Optuna's CmaEsSampler parameters. Differences from Optuna:
    sigma0 is measured in the unit working space where every param's range
    is 1 (default 1/6, the same start as Optuna's min(range)/6 when ranges
    are equal); restart_strategy takes "ipop" or "bipop"; with_margin
    defaults to True (Optuna: False), so int and step params do not collapse
    onto one value; independent_sampler may be None, a RandomSampler or a
    TPESampler (as a flag: the C side makes its own); source_trials
    (FrozenTrials of a similar task) warm-start the first search from their
    best 10%, as in Optuna (Nomura et al. 2021); consider_pruned_trials is
    not supported. n_startup_trials is accepted for compatibility; otto's
    CMA-ES starts from the first trial whose search space is known."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, x0=None, sigma0=None, n_startup_trials=1, independent_sampler=None,
                 warn_independent_sampling=True, seed=None, *, consider_pruned_trials=False,
                 restart_strategy=None, popsize=None, inc_popsize=2, use_separable_cma=False,
                 with_margin=True, source_trials=None):
        for arg, used in (("use_separable_cma", use_separable_cma),
                          ("source_trials", source_trials is not None)):
            if used:
                _warn_experimental(f"``{arg}`` option")
        if consider_pruned_trials:
            raise ValueError("CmaEsSampler: consider_pruned_trials is not supported by otto")
        if source_trials is not None and (x0 is not None or sigma0 is not None):
            raise ValueError("It is prohibited to pass `source_trials` argument when x0 or "
                             "sigma0 is specified.")
        if source_trials is not None and use_separable_cma:
            raise ValueError("It is prohibited to pass `source_trials` argument when using "
                             "separable CMA-ES.")
        self._source_trials = list(source_trials) if source_trials is not None else None
        strategies = {None: 0, "ipop": 1, "bipop": 2}
        if restart_strategy not in strategies:
            raise ValueError(f"restart_strategy must be None, 'ipop' or 'bipop', "
                             f"got {restart_strategy!r}")
        if independent_sampler is None or isinstance(independent_sampler, RandomSampler):
            fallback = 0
        elif isinstance(independent_sampler, TPESampler):
            fallback = 1
        else:
            raise ValueError("CmaEsSampler: independent_sampler must be None, a RandomSampler "
                             "or a TPESampler")
        self._seed = _seed(seed)
        self._x0 = dict(x0 or {})
        for k, v in self._x0.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"x0[{k!r}] must be a number")
        self._opts = dict(sigma0=float(sigma0 or 0.0), popsize=int(popsize or 0),
                          restart_strategy=strategies[restart_strategy],
                          inc_popsize=float(inc_popsize), separable=use_separable_cma,
                          with_margin=with_margin, independent_sampler=fallback,
                          warn_independent_sampling=warn_independent_sampling)

    def _create(self):
        opts = _capi.CmaEsOptions()
        _capi.cmaes_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        for k, v in self._opts.items():
            setattr(opts, k, int(v) if isinstance(v, bool) else v)
        arr = (_capi.ParamValue * max(len(self._x0), 1))()
        for i, (k, v) in enumerate(self._x0.items()):
            arr[i].name = k.encode()
            arr[i].kind = 1  # OTTO_VALUE_NUMBER
            arr[i].number = float(v)
        opts.x0 = ctypes.cast(arr, ctypes.c_void_p)
        opts.n_x0 = len(self._x0)
        holder = None
        if self._source_trials is not None:  # C reads trials: hold them in a study
            from .study import create_study
            from .trial import TrialState
            holder = create_study(sampler=RandomSampler())
            for t in self._source_trials:
                if t.state == TrialState.COMPLETE:
                    holder.add_trial(t)
            n = len(holder.trials)
            ptrs = (ctypes.c_void_p * max(n, 1))(*[holder._trial_ptr(i).value
                                                   for i in range(n)])
            opts.source_trials = ctypes.cast(ptrs, ctypes.c_void_p)
            opts.n_source_trials = n
        out = ctypes.c_void_p()
        _capi.sampler_cmaes_create(ctypes.byref(opts), ctypes.byref(out))  # copies all
        del holder
        return out

    def __repr__(self):
        return "CmaEsSampler()"


class NSGAIISampler(_BuiltinSampler):
    """NSGA-II with Optuna's NSGAIISampler arguments (see
    otto_sampler_nsga2_create(3)). crossover is None (uniform) or one of
    otto.samplers.nsgaii's crossover classes; categorical params always take
    the uniform crossover. Generations are kept in the trials' system attrs
    ("NSGAIISampler:generation"), so workers sharing a storage share them.
    constraints_func(frozen_trial) works as in Optuna (deprecated there since
    5.0, as here: the trials' own Trial.set_constraint values are used).
    mutation, elite_population_selection_strategy, child_generation_strategy
    and after_trial_strategy are Python callables Optuna calls at its
    sampler's steps; otto's steps run in C, so they are refused."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)
    _what = "NSGAIISampler"

    def __init__(self, *, population_size=50, mutation=None, mutation_prob=None,
                 crossover=None, crossover_prob=0.9, swapping_prob=0.5, seed=None,
                 constraints_func=None, elite_population_selection_strategy=None,
                 child_generation_strategy=None, after_trial_strategy=None):
        for arg, value in (("mutation", mutation),
                           ("elite_population_selection_strategy",
                            elite_population_selection_strategy),
                           ("child_generation_strategy", child_generation_strategy),
                           ("after_trial_strategy", after_trial_strategy)):
            if value is not None:
                raise NotImplementedError(
                    f"{self._what}: {arg} is not supported by otto (its NSGA steps run in C); "
                    f"leave it None")
        if population_size < 2:
            raise ValueError("`population_size` must be greater than or equal to 2.")
        if constraints_func is not None:
            warnings.warn(f"`constraints_func` is deprecated in {self._what} (as in Optuna "
                          f"5.0). Use `Trial.set_constraint` instead.", FutureWarning,
                          stacklevel=3)
        if not (mutation_prob is None or 0.0 <= mutation_prob <= 1.0):
            raise ValueError(
                "`mutation_prob` must be None or a float value within the range [0.0, 1.0].")
        if not (0.0 <= crossover_prob <= 1.0):
            raise ValueError("`crossover_prob` must be a float value within the range [0.0, 1.0].")
        if not (0.0 <= swapping_prob <= 1.0):
            raise ValueError("`swapping_prob` must be a float value within the range [0.0, 1.0].")
        if crossover is None:
            crossover = nsgaii.UniformCrossover(swapping_prob)
        if not isinstance(crossover, nsgaii.BaseCrossover) or crossover._kind is None:
            raise ValueError(f"'{crossover}' is not a valid crossover. For valid crossovers see "
                             f"otto.samplers.nsgaii.")
        if population_size < crossover.n_parents:
            raise ValueError(f"Using {crossover}, the population size should be greater than "
                             f"or equal to {crossover.n_parents}. The specified "
                             f"`population_size` is {population_size}.")
        self._seed = _seed(seed)
        self._opts = dict(population_size=int(population_size),
                          mutation_prob=float("nan") if mutation_prob is None
                          else float(mutation_prob),
                          crossover=crossover._kind, crossover_prob=float(crossover_prob),
                          swapping_prob=float(swapping_prob))
        self._opts.update(crossover._options())
        self._population_size = int(population_size)
        self.constraints_func = constraints_func

    @property
    def population_size(self):
        return self._population_size

    def _fill(self, opts):
        opts.seed = self._seed
        for k, v in self._opts.items():
            setattr(opts, k, v)

    def _create(self):
        opts = _capi.Nsga2Options()
        _capi.nsga2_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        self._fill(opts)
        out = ctypes.c_void_p()
        _capi.sampler_nsga2_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return f"{self._what}()"


class NSGAIIISampler(NSGAIISampler):
    """NSGA-III with Optuna's NSGAIIISampler arguments: NSGA-II's, plus
    reference_points (an array of shape (n, n_objectives); None: Das and
    Dennis's points with dividing_parameter divisions) for the niching that
    replaces crowding distance (see otto_sampler_nsga3_create(3))."""

    _what = "NSGAIIISampler"

    def __init__(self, *, population_size=50, mutation=None, mutation_prob=None,
                 crossover=None, crossover_prob=0.9, swapping_prob=0.5, seed=None,
                 constraints_func=None, reference_points=None, dividing_parameter=3,
                 elite_population_selection_strategy=None, child_generation_strategy=None,
                 after_trial_strategy=None):
        super().__init__(population_size=population_size, mutation=mutation,
                         mutation_prob=mutation_prob, crossover=crossover,
                         crossover_prob=crossover_prob, swapping_prob=swapping_prob, seed=seed,
                         constraints_func=constraints_func,
                         elite_population_selection_strategy=elite_population_selection_strategy,
                         child_generation_strategy=child_generation_strategy,
                         after_trial_strategy=after_trial_strategy)
        self._ref = None
        if reference_points is not None:
            rows = [[float(v) for v in row] for row in reference_points]
            if not rows or len({len(r) for r in rows}) != 1:
                raise ValueError("reference_points must be a non-empty 2-D array")
            self._ref = rows
        self._dividing_parameter = int(dividing_parameter)

    def _create(self):
        opts = _capi.Nsga3Options()
        _capi.nsga3_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        self._fill(opts.base)
        opts.dividing_parameter = self._dividing_parameter
        arr = None
        if self._ref is not None:
            flat = [v for row in self._ref for v in row]
            arr = (ctypes.c_double * len(flat))(*flat)
            opts.reference_points = ctypes.cast(arr, ctypes.c_void_p)
            opts.n_reference_points = len(self._ref)
            opts.reference_dim = len(self._ref[0])
        out = ctypes.c_void_p()
        _capi.sampler_nsga3_create(ctypes.byref(opts), ctypes.byref(out))  # copies them
        del arr
        return out


class PartialFixedSampler(BaseSampler):
    """Optuna's PartialFixedSampler: the params named in fixed_params always
    take their given value; base_sampler (built-in or a Python sampler)
    samples the others, jointly where it samples jointly. A fixed value
    outside the param's range is used with a UserWarning, as in Optuna."""

    def __init__(self, fixed_params, base_sampler):
        _warn_experimental("PartialFixedSampler")
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError("base_sampler must be an otto sampler")
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler

    def reseed_rng(self):
        self._base_sampler.reseed_rng()

    def __repr__(self):
        return f"PartialFixedSampler({self._fixed_params!r}, {self._base_sampler!r})"


class GridSampler(_BuiltinSampler):
    """Optuna's GridSampler: every combination of the given values, each once
    (the C grid sampler, otto_sampler_grid_create(3)). Trial k takes point k
    of an order shuffled by seed (None: 0, as in Optuna), so workers that
    share a study and a seed take distinct points; optimize() stops once
    every point is evaluated. A grid value outside its param's distribution
    is an error in otto (Optuna warns and uses it)."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, search_space, seed=None):
        import warnings as _w
        for name, values in search_space.items():
            for v in values:
                if v is not None and not isinstance(v, (str, int, float, bool)):
                    _w.warn(f"{name} contains a value with the type of {type(v)}, which is "
                            f"not supported by `GridSampler`. Please make sure a value is "
                            f"`str`, `int`, `float`, `bool` or `None` for persistent storage.",
                            UserWarning, stacklevel=2)
        self._search_space = {name: list(values) for name, values in
                              sorted(search_space.items())}
        self._seed = _seed(0 if seed is None else seed)

    def _options(self):
        from . import _labels
        keep = []
        axes = (_capi.GridAxis * max(len(self._search_space), 1))()
        for i, (name, values) in enumerate(self._search_space.items()):
            arr = (_capi.ParamValue * max(len(values), 1))()
            for k, v in enumerate(values):
                _labels.fill_param_value(arr[k], v, keep)
            keep += [arr, _capi.encode(name)]
            axes[i].name, axes[i].n_values, axes[i].values = keep[-1], len(values), arr
        opts = _capi.GridOptions()
        _capi.grid_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        opts.n_axes = len(self._search_space)
        opts.axes = axes
        return opts, (keep, axes)

    def _create(self):
        opts, keep = self._options()
        out = ctypes.c_void_p()
        _capi.sampler_grid_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def is_exhausted(self, study):
        """True once every grid point has a finished trial: the C grid
        sampler's verdict (otto_study_exhausted(3)), which also ends
        optimize(). The study must sample with this GridSampler."""
        if study.sampler is not self and getattr(study.sampler, "_base_sampler", None) is not self:
            raise ValueError("GridSampler.is_exhausted: the study does not sample with this "
                             "GridSampler")
        if study._storage is not None:  # other workers' trials, as Optuna reads them
            _capi.study_sync(study._ptr)
        out = ctypes.c_int()
        _capi.study_exhausted(study._ptr, ctypes.byref(out))
        return bool(out.value)

    def reseed_rng(self):
        self._seed = int.from_bytes(os.urandom(8), "little") % _capi.SEED_NONE

    def __repr__(self):
        return f"GridSampler({self._search_space!r})"


class QMCSampler(_BuiltinSampler):
    """Optuna's QMCSampler, in C (otto_sampler_qmc_create(3)): trial k takes
    point k of a Sobol or Halton sequence over the float and int params of
    the study's first finished trial; other params are drawn at random.
    Trial numbers are unique across workers, so workers take distinct
    points (Optuna counts samples in a study attribute instead). scramble
    shifts the sequence by the seed (a digital shift for Sobol, a rotation
    for Halton; scipy's scrambling differs)."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, *, qmc_type="sobol", scramble=False, seed=None,
                 independent_sampler=None, warn_asynchronous_seeding=True,
                 warn_independent_sampling=True):
        _warn_experimental("QMCSampler")
        if qmc_type not in ("sobol", "halton"):
            raise ValueError(f"The `qmc_type={qmc_type!r}` is invalid. Choose either "
                             f"`halton` or `sobol`.")
        if independent_sampler is not None and not isinstance(independent_sampler,
                                                              RandomSampler):
            raise ValueError("QMCSampler: independent_sampler must be None or a RandomSampler")
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._seed = _seed(seed)
        self._warn = bool(warn_independent_sampling)

    def _create(self):
        opts = _capi.QmcOptions()
        _capi.qmc_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        opts.sequence = 0 if self._qmc_type == "sobol" else 1
        opts.scramble = int(self._scramble)
        opts.warn_independent_sampling = int(self._warn)
        out = ctypes.c_void_p()
        _capi.sampler_qmc_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def __repr__(self):
        return f"QMCSampler(qmc_type={self._qmc_type!r})"


class BruteForceSampler(_BuiltinSampler):
    """Optuna's BruteForceSampler, in C (otto_sampler_brute_force_create(3)):
    every combination of a finite define-by-run space, each once; optimize()
    stops when all are explored, as in Optuna. Floats need a step."""

    _builtin = True  # a C sampler (see _plugins.make_sampler)

    def __init__(self, seed=None, avoid_premature_stop=False):
        _warn_experimental("BruteForceSampler")
        self._seed = _seed(seed)
        self._avoid_premature_stop = bool(avoid_premature_stop)

    def _create(self):
        opts = _capi.BruteForceOptions()
        _capi.brute_force_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.seed = self._seed
        opts.avoid_premature_stop = int(self._avoid_premature_stop)
        out = ctypes.c_void_p()
        _capi.sampler_brute_force_create(ctypes.byref(opts), ctypes.byref(out))
        return out

    def reseed_rng(self):
        self._seed = int.from_bytes(os.urandom(8), "little") % _capi.SEED_NONE
