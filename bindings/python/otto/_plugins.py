"""Python samplers and pruners in the C study, on the plug-in kit
(otto/sys/sampler.h, otto/sys/pruner.h): a BaseSampler or BasePruner
subclass becomes a C vtable whose callbacks call its Optuna-style methods.
For a subclass of a built-in sampler, the hooks it does not override go to
the built-in C sampler it wraps (through the kit's otto_sampler_* calls), so
an overridden after_trial of a RandomSampler subclass is heard while the
sampling stays the C sampler's. An exception in a hook is kept and raised
again by the call that triggered it (ask, suggest_*, tell, should_prune)."""
import ctypes
import functools
import threading
import weakref

from . import _capi, distributions as _dists
from .exceptions import OttoError

ECALLBACK = -9
NOTSUP = -13
HOOKS = ("infer_relative_search_space", "sample_relative", "sample_independent",
         "before_trial", "after_trial")


def overridden(obj, base_cls, names):
    """The methods of names that obj's class defines below base_cls."""
    out = set()
    for name in names:
        impl = getattr(type(obj), name, None)
        if impl is not None and impl is not getattr(base_cls, name, None):
            out.add(name)
    return out


class Context:
    """What the callbacks of one study's C sampler and pruner need: the Python
    Study (set once it exists; held weakly, the study holds this) and where
    errors go, per thread, until the call that triggered them raises them."""

    def __init__(self):
        self._study = lambda: None
        self._copies = weakref.WeakSet()  # every Study object on the C study (copy.copy)
        self._local = threading.local()  # hooks run in the thread whose call they serve
        # Hook exceptions by thread id, not in threading.local: a thread of
        # C's optimize loop gets a fresh Python thread state for every
        # callback, so an error of a hook in C's ask must outlive it until
        # the objective's callback on the same thread raises it.
        self._errors = {}

    @property
    def errors(self):
        """This thread's hook exceptions not raised yet."""
        ident = threading.get_ident()
        errors = self._errors.get(ident)
        if errors is None:
            errors = self._errors[ident] = []
        return errors

    def take_error(self):
        """This thread's first hook exception not raised yet (the others are
        dropped), or None."""
        errors = self._errors.pop(threading.get_ident(), None) if self._errors else None
        return errors[0] if errors else None

    @property
    def study(self):
        study = self._study()
        if study is None:  # gone, but a copy of it may still use the C study
            study = next(iter(self._copies), None)
            if study is not None:
                self._study = weakref.ref(study)
        return study

    @study.setter
    def study(self, study):
        self._study = weakref.ref(study)
        self._copies.add(study)

    def raise_pending(self):
        if self.errors:
            first = self.errors[0]
            self.errors.clear()
            raise first

    def fail(self, e):
        self.errors.append(e)
        text = f"a Python hook raised {type(e).__name__}: {e}".replace("%", "%%")
        return _capi.set_error_message(ECALLBACK, text.encode("utf-8", "replace"))

    def frozen(self, trial_ptr):
        return self.study._freeze(ctypes.c_void_p(trial_ptr))

    # The callback this thread is inside (view, trial, plugin), so that a
    # built-in sampler's public methods called from a Python hook can consult
    # the C sampler for the trial being sampled.
    @property
    def current(self):
        stack = getattr(self._local, "current", None)
        return stack[-1] if stack else None

    def push(self, view, trial, plugin):
        if not hasattr(self._local, "current"):
            self._local.current = []
        self._local.current.append((view, trial, plugin))

    def pop(self):
        self._local.current.pop()


def _space_dict(space):
    """The C space of a relative ask as {name: Python distribution}."""
    out = {}
    name = ctypes.c_char_p()
    d = _capi.Distribution()
    for i in range(_capi.space_size(space)):
        _capi.space_param(space, i, ctypes.byref(name), ctypes.byref(d))
        out[name.value.decode("utf-8")] = _dists.from_c(d)
    return out


def _base_call(fn, *args):
    """Call the wrapped C sampler through the kit; its error code (with its
    message already set) goes back to the study as it is."""
    try:
        fn(*args)
        return 0
    except OttoError as e:
        return e.code or ECALLBACK


def _guarded(callback):
    """A ctypes callback that never lets an exception into C: it is kept for
    the call that triggered the callback to raise, and the callback returns
    OTTO_ECALLBACK."""
    @functools.wraps(callback)
    def guarded(self, *args):
        pushed = len(args) >= 3  # (state, view, trial, ...): a sampling callback
        if pushed:
            self.ctx.push(args[1], args[2], self)
        try:
            return callback(self, *args)
        except BaseException as e:  # noqa: B036 - nothing may escape into C
            return self.ctx.fail(e)
        finally:
            if pushed:
                self.ctx.pop()
    return guarded


_consult_lock = threading.Lock()


def consult(sampler, study, trial):
    """(view, trial pointer, C sampler) for a built-in sampler's public method
    called with the trial a study is sampling in this thread: the C sampler
    a plugin wraps for this very object, else one made for it per study."""
    ctx = getattr(study, "_plugin_ctx", None)
    cur = ctx.current if ctx is not None else None
    number = getattr(trial, "number", None)
    if cur is None or number is None or _capi.trial_number(cur[1]) != number:
        raise NotImplementedError(
            f"{type(sampler).__name__}: otto's built-in samplers sample for the trial a study "
            f"is asking or suggesting (call this from a sampler hook with its study and trial)")
    view, trial_ptr, plugin = cur
    if isinstance(plugin, SamplerPlugin) and plugin.py is sampler and plugin.base is not None:
        return view, trial_ptr, plugin.base
    with _consult_lock:
        cache = sampler.__dict__.setdefault("_c_by_study", weakref.WeakKeyDictionary())
        c = cache.get(study)
        if c is None:
            c = sampler._create()
            cache[study] = c
            study._consulted.append(c)  # destroyed with the C study
    return view, trial_ptr, c


class SamplerPlugin:
    """A C sampler whose callbacks run the Python sampler's hooks; `base` (a C
    sampler made by a built-in's _create, or None) serves the others."""

    def __init__(self, sampler, base, hooks, ctx):
        self.py, self.base, self.hooks, self.ctx = sampler, base, hooks, ctx
        vt = _capi.SamplerVtable()
        vt.size = ctypes.sizeof(vt)
        vt.name = type(sampler).__name__.encode()
        vt.infer_relative_space = _capi.INFER_FN(self._infer)
        vt.sample_relative = _capi.RELATIVE_FN(self._relative)
        vt.sample_independent = _capi.INDEPENDENT_FN(self._independent)
        vt.after_trial = _capi.AFTER_FN(self._after)
        vt.destroy = _capi.DESTROY_FN(self._destroy)
        if base is not None:  # a wrapped grid or brute-force sampler still ends a run
            vt.is_exhausted = _capi.EXHAUSTED_FN(self._exhausted)
        self.vt = vt  # the C sampler keeps pointers into it: alive as long as the study

    def create(self):
        out = ctypes.c_void_p()
        # a built-in's seed stays the study's stream seed, so a wrapped
        # sampler draws exactly what it draws alone
        seed = getattr(self.py, "_seed", _capi.SEED_NONE) if self.base is not None \
            else _capi.SEED_NONE
        _capi.sampler_create(ctypes.byref(self.vt), None, seed, ctypes.byref(out))
        return out

    @_guarded
    def _infer(self, state, view, trial, space):
        if "before_trial" in self.hooks:  # the first hook of every ask
            self.py.before_trial(self.ctx.study, self.ctx.frozen(trial))
        if "infer_relative_search_space" not in self.hooks:
            return 0 if self.base is None else _base_call(
                _capi.sampler_infer_relative_space, self.base, view, trial, space)
        found = self.py.infer_relative_search_space(self.ctx.study, self.ctx.frozen(trial))
        for name, dist in (found or {}).items():
            if not dist.single():  # nothing to sample otherwise, as Optuna leaves them out
                _dists.add_to_space(space, name, dist)
        return 0

    @_guarded
    def _relative(self, state, view, trial, space, out):
        if "sample_relative" not in self.hooks:
            return NOTSUP if self.base is None else _base_call(
                _capi.sampler_sample_relative, self.base, view, trial, space, out)
        search_space = _space_dict(space)
        values = self.py.sample_relative(self.ctx.study, self.ctx.frozen(trial),
                                         search_space) or {}
        for i, (name, dist) in enumerate(search_space.items()):
            # a param left out (NaN) is sampled independently
            out[i] = dist.to_internal_repr(values[name]) if name in values else float("nan")
        return 0

    @_guarded
    def _independent(self, state, view, trial, name, dist, out):
        cdist = ctypes.cast(dist, ctypes.POINTER(_capi.Distribution))
        if "sample_independent" not in self.hooks:
            if self.base is None:
                raise NotImplementedError(f"{type(self.py).__name__}.sample_independent")
            return _base_call(_capi.sampler_sample_independent, self.base, view, trial, name,
                              cdist, out)
        pdist = _dists.from_c(cdist[0])
        value = self.py.sample_independent(self.ctx.study, self.ctx.frozen(trial),
                                           name.decode("utf-8"), pdist)
        out[0] = pdist.to_internal_repr(value)
        return 0

    @_guarded
    def _after(self, state, view, trial, final, values, n_values):
        if self.base is not None:
            _capi.sampler_after_trial(self.base, view, trial, final, values, n_values)
        if "after_trial" in self.hooks:
            from .trial import TrialState
            vals = [values[k] for k in range(n_values)] if values and n_values else None
            self.py.after_trial(self.ctx.study, self.ctx.frozen(trial), TrialState(final), vals)

    def _exhausted(self, state, view, out):
        # the wrapped C sampler's verdict; nothing Python runs in between
        try:
            return _base_call(_capi.sampler_is_exhausted, self.base, view, out)
        except BaseException as e:  # noqa: B036 - nothing may escape into C
            return self.ctx.fail(e)

    def _destroy(self, state):
        if self.base is not None:
            _capi.sampler_destroy(self.base)
            self.base = None


class FixedParamsPlugin(SamplerPlugin):
    """PartialFixedSampler: the base sampler's C sampler (a built-in, or a
    Python sampler's plugin) with some params fixed: their relative values
    are replaced and their independent draws answered with the fixed value."""

    def __init__(self, sampler, base, base_plugin, ctx):
        super().__init__(sampler, base, set(), ctx)
        self.base_plugin = base_plugin  # its callbacks must outlive the study too
        self.fixed = sampler._fixed_params

    def create(self):
        out = ctypes.c_void_p()
        _capi.sampler_create(ctypes.byref(self.vt), None, _capi.SEED_NONE, ctypes.byref(out))
        return out

    def _internal(self, name, dist):
        value = self.fixed[name]
        if not dist._contains(dist.to_internal_repr(value)):
            import warnings
            warnings.warn(f"Fixed parameter '{name}' with value {value} is out of range for "
                          f"distribution {dist}.", UserWarning)
        return dist.to_internal_repr(value)

    @_guarded
    def _relative(self, state, view, trial, space, out):
        rc = _base_call(_capi.sampler_sample_relative, self.base, view, trial, space, out)
        if rc == NOTSUP:  # the base declined: sample all independently
            return NOTSUP
        if rc == 0:
            for i, (name, dist) in enumerate(_space_dict(space).items()):
                if name in self.fixed:
                    out[i] = self._internal(name, dist)
        return rc

    @_guarded
    def _independent(self, state, view, trial, name, dist, out):
        key = name.decode("utf-8")
        cdist = ctypes.cast(dist, ctypes.POINTER(_capi.Distribution))
        if key not in self.fixed:
            return _base_call(_capi.sampler_sample_independent, self.base, view, trial, name,
                              cdist, out)
        out[0] = self._internal(key, _dists.from_c(cdist[0]))
        return 0


class PrunerPlugin:
    """A C pruner whose prune callback runs BasePruner.prune(study, trial)."""

    def __init__(self, pruner, ctx):
        self.py, self.ctx = pruner, ctx
        vt = _capi.PrunerVtable()
        vt.size = ctypes.sizeof(vt)
        vt.name = type(pruner).__name__.encode()
        vt.prune = _capi.PRUNE_FN(self._prune)
        self.vt = vt

    def create(self):
        out = ctypes.c_void_p()
        _capi.pruner_create(ctypes.byref(self.vt), None, ctypes.byref(out))
        return out

    @_guarded
    def _prune(self, state, view, trial, out):
        out[0] = 1 if self.py.prune(self.ctx.study, self.ctx.frozen(trial)) else 0
        return 0



def make_sampler(sampler, ctx):
    """(C sampler, plugin or None) for a Python sampler object: a built-in
    without overridden hooks is its C sampler alone."""
    if hasattr(sampler, "_fixed_params"):  # PartialFixedSampler over its base sampler
        base, base_plugin = make_sampler(sampler._base_sampler, ctx)
        try:
            plugin = FixedParamsPlugin(sampler, base, base_plugin, ctx)
            return plugin.create(), plugin
        except BaseException:
            _capi.sampler_destroy(base)
            raise
    builtin = next((c for c in type(sampler).__mro__ if c.__dict__.get("_builtin")), None)
    hooks = overridden(sampler, builtin, HOOKS) if builtin else set(HOOKS)
    if builtin:  # hooks a built-in runs in Python (GridSampler's stop)
        hooks |= set(getattr(builtin, "_python_hooks", ()))
    if builtin and not hooks:
        return sampler._create(), None
    base = sampler._create() if builtin else None
    try:
        plugin = SamplerPlugin(sampler, base, hooks, ctx)
        return plugin.create(), plugin
    except BaseException:
        if base is not None:
            _capi.sampler_destroy(base)
        raise


def make_pruner(pruner, ctx):
    """(C pruner, plugin or None) for a Python pruner object."""
    builtin = next((c for c in type(pruner).__mro__ if c.__dict__.get("_builtin")), None)
    if builtin and not overridden(pruner, builtin, ("prune",)):
        return pruner._create(), None
    plugin = PrunerPlugin(pruner, ctx)
    return plugin.create(), plugin
