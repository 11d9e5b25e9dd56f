"""Study with Optuna's API over otto's C study: ask/tell, optimize (C's loop,
otto_study_optimize, calling the objective and callbacks through ctypes),
enqueue/add trials, best trial(s), trials. The C study is thread-safe and
ctypes releases the GIL during C calls."""
import copy
import ctypes
import datetime
import enum
import gc
import json
import logging as _logging
import math
import threading
import time
import warnings
from collections.abc import Sequence

from . import _capi, _labels, _plugins, distributions as _dists, storages as _storages
from . import progress_bar as _progress, samplers as _samplers
from .exceptions import NotFoundError, StateError, TrialPruned, _warn_experimental
from .pruners import NopPruner
from .samplers import TPESampler
from . import trial as _trial
from .trial import FrozenTrial, Trial, TrialState

_logger = _logging.getLogger("otto")


class StudyDirection(enum.IntEnum):
    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


_C_LEVELS = {0: _logging.DEBUG, 1: _logging.INFO, 2: _logging.WARNING, 3: _logging.ERROR}


# C warnings that Optuna raises as Python warnings (UserWarning) rather than
# logs, by the prefix of the C message.
_WARN_PREFIXES = ("wilcoxon pruner:",)


# A Ctrl-C that landed in the log callback (the first Python code the main
# thread ran after the signal): optimize() raises it after its trial.
_interrupts = []


@_capi.LOG_FN
def _log_trampoline(level, message, user_data):
    # ctypes would print and drop an exception raised here: swallow it.
    try:
        text = message.decode("utf-8", "replace")
        if _C_LEVELS.get(level) == _logging.WARNING and text.startswith(_WARN_PREFIXES):
            warnings.warn(text, UserWarning, stacklevel=2)
        else:
            _logger.log(_C_LEVELS.get(level, _logging.WARNING), text)
    except KeyboardInterrupt as e:
        _interrupts[:] = [e]
    except BaseException:  # noqa: B036 - nothing may escape into C
        pass


def _c_log_level():
    level = _logger.getEffectiveLevel()
    return 0 if level <= _logging.DEBUG else 1 if level <= _logging.INFO else 2 if level <= \
        _logging.WARNING else 3


def _direction(d):
    if isinstance(d, StudyDirection):
        if d == StudyDirection.NOT_SET:
            raise ValueError("direction must be minimize or maximize")
        return d
    if isinstance(d, str) and d.lower() in ("minimize", "maximize"):
        return StudyDirection[d.upper()]
    raise ValueError(f"Please set either 'minimize' or 'maximize' to direction, not {d!r}.")


_study_tell = _capi.raw("otto_study_tell", [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                                            ctypes.c_void_p, ctypes.c_size_t])
_study_optimize = _capi.raw("otto_study_optimize", [ctypes.c_void_p, _capi.OBJECTIVE_FN,
                                                    ctypes.c_void_p,
                                                    ctypes.POINTER(_capi.OptimizeOptions)])
_UNFINISHED = (int(TrialState.RUNNING),)
_COMPLETE, _PRUNED, _FAIL = int(TrialState.COMPLETE), int(TrialState.PRUNED), int(TrialState.FAIL)
_EINVAL, _ESTATE = -1, -3  # otto_status codes tell maps
_MAX_THREADS = 4096  # otto_study_optimize's limit


class _Run:
    """One optimize() call, shared by the ctypes callbacks that C's threads
    run: the thread ids it saw (stop() and the nested-call check), the
    exceptions to raise once C returns, and the trials whose exception
    propagates (no callback hears them, as in Optuna). Nothing raised in a
    callback reaches C: ctypes would print and drop it."""

    def __init__(self, study, func, catch, callbacks, gc_after_trial, bar):
        self.study, self.func, self.catch = study, func, catch
        self.callbacks, self.gc, self.bar = callbacks, gc_after_trial, bar
        self.log_info = _logger.isEnabledFor(_logging.INFO)
        self.threads = {threading.get_ident()}
        self.errors = []
        self.raised = set()
        self.started = time.monotonic()

    def fail(self, error, number=None):
        """Keep error for the caller and stop the loop: running trials
        finish, none starts."""
        self.errors.append(error)
        if number is not None:
            self.raised.add(number)
        _capi.study_stop(self.study._ptr)

    def objective(self, ptr, user_data, values, n_values):
        """otto_objective_fn: run func on the trial C asked, write its values."""
        try:
            self.threads.add(threading.get_ident())
            study = self.study
            error = _samplers.take_pending_error()
            error = study._plugin_ctx.take_error() or error
            if _interrupts:  # Ctrl-C caught by the log callback in C's ask
                error = _interrupts.pop()
            if error is not None:  # a sampler hook raised in C's ask: as ask() raises it
                self.fail(error, _capi.trial_number(ptr))
                return _FAIL
            trial = Trial(study, ptr)
            try:
                result = self.func(trial)
            except TrialPruned:  # C gives it its last intermediate value
                return self.constrain(ptr, _PRUNED, None)
            except BaseException as e:  # noqa: B036 - KeyboardInterrupt fails the trial too
                _log_failed(ptr, repr(e))
                if not (isinstance(e, Exception) and isinstance(e, self.catch)):
                    self.fail(e, trial.number)
                return _FAIL
            if result.__class__ is float and n_values == 1:
                values[0] = result  # NaN: C fails the trial and logs why
                vals = None
            else:
                vals, message = _trial.to_floats(result, n_values)
                if message is not None:
                    _log_failed(ptr, message)
                    return _FAIL
                for k in range(n_values):
                    values[k] = vals[k]
            if study._constraints_func() is None:
                return _COMPLETE
            return self.constrain(ptr, _COMPLETE, vals if vals is not None else [result])
        except BaseException as e:  # noqa: B036 - nothing may escape into C
            self.fail(e)
            return _FAIL

    def constrain(self, ptr, state, vals):
        """The sampler's constraints_func on a trial about to be told state
        (Optuna calls it in after_trial); its exception is raised after C
        returns, with the trial told as it would have been."""
        try:
            self.study._constrain(ptr, TrialState(state), vals)
        except BaseException as e:  # noqa: B036
            self.fail(e, _capi.trial_number(ptr))
        return state

    def after(self, study_ptr, ptr, user_data):
        """otto_callback_fn, after each tell: a Python sampler's after_trial
        exception, the INFO log, the callbacks, gc_after_trial, the bar."""
        try:
            self.threads.add(threading.get_ident())
            study = self.study
            error = study._plugin_ctx.take_error()
            if _interrupts:  # Ctrl-C caught by the log callback in C's tell
                error = _interrupts.pop()
            if error is not None:  # raised in C's tell: as tell() raises it
                self.fail(error)
                heard = False
            else:
                heard = not self.raised or _capi.trial_number(ptr) not in self.raised
            if heard and (self.callbacks or self.log_info):
                frozen = study._freeze(ptr)
                if frozen.state == TrialState.COMPLETE and _logger.isEnabledFor(_logging.INFO):
                    _logger.info("Trial %d finished with value: %s and parameters: %s.",
                                 frozen.number,
                                 frozen.values if study._n_objectives > 1 else frozen.value,
                                 frozen.params)
                for cb in self.callbacks:
                    cb(study, copy.deepcopy(frozen))
            if self.gc:
                gc.collect()
            if heard:
                self.bar.update(time.monotonic() - self.started, study)
            return 0
        except BaseException as e:  # noqa: B036 - nothing may escape into C
            self.fail(e)
            return 1


def _log_failed(ptr, why):
    """Optuna's warning for a trial that failed in optimize()."""
    if _logger.isEnabledFor(_logging.WARNING):
        _logger.warning("Trial %d failed with parameters: %s because of the following error: "
                        "%s.", _capi.trial_number(ptr), _trial._read_params(ptr)[0], why)


class _StudyOwner:
    """The C study of a Study object and of its copies (copy.copy shares it,
    as Optuna's shallow copies share their study): the last of them to go
    destroys it, after the C objects made on its allocator and while the
    Python plug-ins whose callbacks it calls are still alive."""

    __slots__ = ("ptr", "consulted", "spaces", "plugins")

    def __init__(self, ptr):
        self.ptr = ptr
        self.consulted = []  # C samplers made by _plugins.consult for this study
        self.spaces = {}  # ask(fixed_distributions): the C otto_space of each declared space
        self.plugins = (None, None)  # the sampler's and pruner's, or None

    def __del__(self):
        # C samplers made to answer built-ins' public methods (see
        # _plugins.consult) use the study's allocator: they go first
        for c in self.consulted:
            _capi.sampler_destroy(c)
        self.consulted.clear()
        for space in self.spaces.values():
            _capi.space_destroy(space)
        self.spaces.clear()
        if self.ptr:
            _capi.study_destroy(self.ptr)
            self.ptr = None


class Study:
    """A study: create it with create_study(). copy.copy(study) is another
    object on the same study; a study in a persistent storage pickles (and
    deep-copies) as a reference to its storage and name, a study in memory
    not at all."""

    def __init__(self, ptr, study_name, sampler, pruner, storage=None):
        self._owner = _StudyOwner(ptr)  # frees the C study (see __copy__)
        self._ptr = ptr
        self._storage = storage
        self.study_name = study_name
        self._sampler = sampler
        self.pruner = pruner
        self._n_objectives = _capi.study_n_objectives(ptr)
        self._lock = threading.Lock()
        self._frozen = {}  # number -> FrozenTrial of finished (immutable) trials
        self._plugin_ctx = _plugins.Context()
        self._runs = []  # the optimize() calls running (see _Run), shared by copies
        self._enqueued = []  # params this process enqueued (skip_if_exists looks here too)
        self._attr_objects = {}  # attr values that are not JSON (see trial.attr_text)
        self._spaces = self._owner.spaces
        self._consulted = self._owner.consulted

    @property
    def _plugins(self):
        """The Python plug-ins of the C sampler and pruner: kept with the C study."""
        return self._owner.plugins

    @_plugins.setter
    def _plugins(self, plugins):
        self._owner.plugins = plugins

    def __copy__(self):
        """Another Study object on the same C study, as a shallow copy of
        Optuna's Study shares its storage; the C study lives until the last
        of them goes."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        self._plugin_ctx.study = new  # hooks reach the study through any live copy
        return new

    def __reduce__(self):
        """pickle and copy.deepcopy: a study in a persistent storage is
        reopened from its storage and name (with this sampler and pruner);
        one in memory is a C object of this process and cannot be."""
        storage = self._storage
        if storage is None or storage._temporary:
            where = "in memory" if storage is None else f"on a temporary {type(storage).__name__}"
            raise TypeError(
                f"otto cannot pickle or deep-copy a study {where}: a Study is a handle on a "
                f"C study that lives in this process. copy.copy(study) shares it; to reach "
                f"it from elsewhere, create it in a persistent storage (a journal file, "
                f"SQLite or PostgreSQL) and pickle that study, or open it with "
                f"load_study(study_name=..., storage=URL)")
        return (_reopen, (self.study_name, storage, self._sampler, self.pruner))

    @property
    def sampler(self):
        return self._sampler

    @sampler.setter
    def sampler(self, sampler):
        """Replace the sampler, as Optuna allows (e.g. to wrap it in a
        PartialFixedSampler between optimize calls); no trial of this study
        object may be running."""
        c_sampler, plugin = _plugins.make_sampler(sampler, self._plugin_ctx)
        if plugin is not None and getattr(self, "_prefetch", 0):
            _capi.sampler_destroy(c_sampler)
            raise ValueError(_PREFETCH_PLUGIN)
        _capi.study_set_sampler(self._ptr, c_sampler)  # owns c_sampler, also on failure
        self._plugins = (plugin, self._plugins[1])
        self._sampler = sampler

    # ---- reading --------------------------------------------------------------------

    @property
    def directions(self):
        return [StudyDirection(_capi.study_direction(self._ptr, k))
                for k in range(self._n_objectives)]

    @property
    def direction(self):
        if self._n_objectives > 1:
            raise RuntimeError("A single direction cannot be retrieved from a multi-objective "
                               "study. Consider using Study.directions to retrieve a list "
                               "containing all directions.")
        return self.directions[0]

    def _trial_ptr(self, number):
        out = ctypes.c_void_p()
        _capi.study_trial(self._ptr, int(number), ctypes.byref(out))
        return out

    def _freeze(self, ptr):
        number = _capi.trial_number(ptr)
        with self._lock:
            ft = self._frozen.get(number)
        if ft is not None:
            return ft
        # A running trial may be told by another thread while it is read:
        # only a trial already finished before the read (immutable in C) is
        # read consistently and cached; one that finished during the read is
        # read again.
        before = TrialState(_capi.trial_get_state(ptr))
        ft = FrozenTrial._from_c(ptr, self._attr_objects)
        if ft.state.is_finished() and not before.is_finished():
            ft = FrozenTrial._from_c(ptr, self._attr_objects)
        if ft.state.is_finished():
            with self._lock:
                self._frozen[number] = ft
        return ft

    def get_trials(self, deepcopy=True, states=None):
        if self._storage is not None:  # what other workers wrote, as Optuna reads it
            _capi.study_sync(self._ptr)
        out = []
        count = _capi.study_trial_count(self._ptr)
        for n in range(count):
            ft = self._freeze(self._trial_ptr(n))
            if states is None or ft.state in states:
                out.append(copy.deepcopy(ft) if deepcopy else ft)
        if states is None or TrialState.WAITING in states:
            out += self._waiting(count)
        return out

    def _waiting(self, first_number):
        """The enqueued trials not asked yet, as Optuna lists them: WAITING,
        numbered in the order asks will take them, their params under the
        system attr "fixed_params"."""
        w = ctypes.POINTER(_capi.WaitingTrial)()
        n = ctypes.c_size_t()
        _capi.study_waiting(self._ptr, ctypes.byref(w), ctypes.byref(n))
        out = []
        try:
            for i in range(n.value):
                e = w[i]
                fixed = {}
                for k in range(e.n_params):
                    p = e.params[k]
                    fixed[p.name.decode("utf-8")] = (
                        _labels.decode(p.label.decode("utf-8")) if p.label is not None
                        else p.number)
                attrs = {}
                for k in range(e.n_user_attrs):
                    key, text = e.user_keys[k].decode("utf-8"), e.user_values[k].decode("utf-8")
                    if text in self._attr_objects:
                        attrs[key] = self._attr_objects[text]
                        continue
                    try:
                        attrs[key] = json.loads(text)
                    except ValueError:
                        attrs[key] = text
                out.append(FrozenTrial(first_number + i, TrialState.WAITING, None, None, None,
                                       {}, {}, attrs, {"fixed_params": fixed}, {}))
        finally:
            _capi.study_waiting_free(self._ptr, w, n.value)
        return out

    @property
    def trials(self):
        return self.get_trials(deepcopy=False)

    @property
    def best_trial(self):
        out = ctypes.c_void_p()
        try:
            _capi.study_best_trial(self._ptr, ctypes.byref(out))
        except NotFoundError:
            raise ValueError("No trials are completed yet.") from None
        except StateError:
            raise RuntimeError("A single best trial cannot be retrieved from a multi-objective "
                               "study. Consider using Study.best_trials to retrieve a list "
                               "containing the best trials.") from None
        return copy.deepcopy(self._freeze(out))

    @property
    def best_value(self):
        return self.best_trial.value

    @property
    def best_params(self):
        return self.best_trial.params

    @property
    def best_trials(self):
        n = ctypes.c_size_t()
        _capi.study_best_trials(self._ptr, None, 0, ctypes.byref(n))
        while True:
            cap = n.value
            arr = (ctypes.c_void_p * max(cap, 1))()
            _capi.study_best_trials(self._ptr, arr, cap, ctypes.byref(n))
            if n.value <= cap:  # the front may have grown in between
                return [self._freeze(ctypes.c_void_p(arr[i])) for i in range(n.value)]

    # ---- otto-only: noisy objectives (otto_study_recommend, otto_study_compare) -----

    @property
    def recommended_trial(self):
        """otto-only. The finished trial whose configuration otto's model
        judges best (otto_study_recommend(3)): on a noisy objective, the one
        to deploy, where best_trial is the luckiest draw. A Gaussian process
        with fitted noise reads the COMPLETE trials where one can be fitted
        (10 trials or more), else trials with identical params are averaged.
        A copy of the trial's FrozenTrial, with the estimated true value and
        its standard deviation in system_attrs["otto:mean"] and
        system_attrs["otto:sd"] (None where unknown)."""
        if self._storage is not None:  # what other workers wrote, as best_trial reads it
            _capi.study_sync(self._ptr)
        out, mean, sd = ctypes.c_void_p(), ctypes.c_double(), ctypes.c_double()
        try:
            _capi.study_recommend(self._ptr, None, ctypes.byref(out), ctypes.byref(mean),
                                  ctypes.byref(sd))
        except NotFoundError:
            raise ValueError("No trials are completed yet.") from None
        except StateError:
            raise RuntimeError("A single recommended trial cannot be retrieved from a "
                               "multi-objective study.") from None
        ft = copy.deepcopy(self._freeze(out))
        ft.system_attrs["otto:mean"] = mean.value
        ft.system_attrs["otto:sd"] = None if math.isnan(sd.value) else sd.value
        return ft

    def compare(self, a, b):
        """otto-only. The probability that trial a's configuration is truly
        better than trial b's (lower when minimizing, higher when maximizing),
        from the model recommended_trial uses (otto_study_compare(3)): the
        Gaussian process's joint posterior, or Welch's t test on the
        replicates of each. a and b are COMPLETE trials of this study
        (FrozenTrial or Trial objects, or trial numbers). Deploy a challenger
        b over the incumbent a when study.compare(b, a) passes the
        confidence you choose."""
        p = ctypes.c_double()
        try:
            _capi.study_compare(self._ptr, self._compared(a), self._compared(b),
                                ctypes.byref(p))
        except StateError as e:
            if self._n_objectives > 1:
                raise RuntimeError("Trials cannot be compared in a multi-objective "
                                   "study.") from None
            raise ValueError(str(e)) from None
        return p.value

    def _compared(self, t):
        number = t if isinstance(t, int) else getattr(t, "number", None)
        if not isinstance(number, int):
            raise TypeError(f"compare takes trials or trial numbers, not {type(t).__name__}")
        try:
            return self._trial_ptr(number)
        except NotFoundError:
            raise ValueError(f"Trial {number} is not a trial of this study.") from None

    def _study_attrs(self):
        if self._storage is not None:  # what other workers set, as Optuna reads it
            _capi.study_sync(self._ptr)
        return _trial.read_attrs(self._ptr, _capi.study_user_attr_count,
                                 _capi.study_user_attr_at, self._attr_objects)

    @property
    def user_attrs(self):  # otto's own (hidden) study attrs start with U+FDD0
        return {k: v for k, v in self._study_attrs().items() if not k.startswith("\ufdd0")}

    def _set_hidden_attr(self, key, value):
        """A study attr of otto's own (metric names, artifacts): key starts with U+FDD0."""
        _capi.study_set_user_attr(self._ptr, _capi.encode(key), _capi.encode(json.dumps(value)))

    @property
    def metric_names(self):
        """The objectives' names given to set_metric_names, or None."""
        return self._study_attrs().get(_METRIC_NAMES_KEY)

    def set_metric_names(self, metric_names):
        """Name the objectives (stored with the study, as in Optuna 3.4+;
        otto keeps them in a study attribute hidden from user_attrs)."""
        _warn_experimental("set_metric_names")
        metric_names = list(metric_names)
        if len(metric_names) != len(self.directions):
            raise ValueError("The number of objectives must match the length of the metric "
                             "names.")
        self._set_hidden_attr(_METRIC_NAMES_KEY, metric_names)

    def set_user_attr(self, key, value):
        """Stored with the study (JSON), as in Optuna."""
        if isinstance(key, str) and key.startswith("\ufdd0"):
            raise ValueError("study user attr keys may not start with U+FDD0 (otto's own)")
        _capi.study_set_user_attr(self._ptr, _capi.encode(key),
                                  _capi.encode(_trial.attr_text(self, key, value)))

    # ---- ask and tell ---------------------------------------------------------------

    def ask(self, fixed_distributions=None):
        out = ctypes.c_void_p()
        if not fixed_distributions:
            _capi.study_ask(self._ptr, ctypes.byref(out))
            return self._asked(out)
        try:  # the C space of a declared space, built once per study
            key = tuple(fixed_distributions.items())
            space = self._spaces.get(key)
        except TypeError:  # an unhashable distribution: built for this ask only
            key = space = None
        if space is None:
            space = ctypes.c_void_p()
            _capi.space_create(ctypes.byref(space))
            try:
                for name, dist in fixed_distributions.items():
                    _dists.add_to_space(space, name, dist)
            except BaseException:
                _capi.space_destroy(space)
                raise
            if key is not None and len(self._spaces) < 64:
                self._spaces[key] = space
            else:
                key = None
        try:
            _capi.study_ask_with(self._ptr, space, ctypes.byref(out))
        finally:
            if key is None:
                _capi.space_destroy(space)
        return self._asked(out)

    def _asked(self, ptr):
        """The asked trial, unless a Python sampler's hook or a built-in
        sampler's Python callback (TPE's gamma) raised during the ask: then
        the trial fails and that exception is raised, as in Optuna."""
        sampler_errors, hook_errors = _samplers.pending_errors(), self._plugin_ctx.errors
        if sampler_errors or hook_errors:
            _capi.study_tell(self._ptr, ptr, int(TrialState.FAIL), None, 0)
            first = (sampler_errors or hook_errors)[0]
            sampler_errors.clear()
            hook_errors.clear()
            raise first
        return Trial(self, ptr)

    def tell(self, trial, values=None, state=None, skip_if_finished=False):
        ptr = self._tell(trial, values, state, skip_if_finished, stacklevel=3)
        return _trial._LazyFrozenTrial(self, ptr)  # read from C if the caller looks

    def _tell(self, trial, values, state, skip_if_finished, stacklevel):
        """tell without building the returned FrozenTrial; returns the C trial.
        C decides: it checks the trial's state and the values against the
        state, and fails a NaN; its verdict is mapped to what Optuna raises
        or warns (see _told). Python's part is what C cannot see: the trial
        object or number, results that are not numbers, and Optuna's
        state=None inference."""
        if state is None and type(trial) is Trial and trial.study is self and \
                type(values) is float and values == values and self._n_objectives == 1 and \
                self._constraints_func() is None:
            # the common case, a number told to a trial: one C call
            ptr = trial._ptr
            trial._f.value = values  # the trial's own buffer: one teller, read at once
            rc = _study_tell(self._ptr, ptr, _COMPLETE, trial._fp, 1)
            if rc:
                return self._told(ptr, rc, state, [values], skip_if_finished, stacklevel)
            if self._plugin_ctx.errors:
                self._plugin_ctx.raise_pending()
            return ptr
        if isinstance(trial, Trial):
            if trial.study is not self:
                raise ValueError("The trial belongs to another study.")
            ptr = trial._ptr
        elif isinstance(trial, int) and not isinstance(trial, bool):
            try:
                ptr = self._trial_ptr(trial)
            except NotFoundError:
                if 0 <= trial < _capi.study_trial_count(self._ptr) + len(self._waiting(0)):
                    raise ValueError(f"Cannot tell trial {trial}: it is WAITING (enqueued, "
                                     f"not asked yet).") from None
                raise ValueError(f"Cannot tell for trial with number {trial} since it has not "
                                 "been created.") from None
        else:
            raise TypeError("Trial must be a trial object or trial number.")

        vals = None if values is None else \
            list(values) if isinstance(values, Sequence) and not isinstance(values, str) \
            else [values]
        floats, message = (None, None) if vals is None else _trial.to_floats(vals, len(vals))
        if state is None:  # Optuna's inference: COMPLETE with usable values, else FAIL
            if vals is None:
                message = "The value None could not be cast to float."
            c_state = _FAIL if message else _COMPLETE
            if message:
                floats = None
        else:
            c_state = int(TrialState(state))
            if message:  # values that are not numbers, whatever the state
                raise ValueError(message)
            if c_state == _COMPLETE and floats and any(v != v for v in floats):
                # Optuna refuses NaN with an explicit COMPLETE (C would fail the trial)
                raise ValueError("The value nan is not acceptable.")
        if c_state in (_COMPLETE, _PRUNED):
            self._constrain(ptr, TrialState(c_state), floats)
        n = len(floats) if floats is not None else 0
        rc = _study_tell(self._ptr, ptr, c_state, (ctypes.c_double * n)(*floats) if n else None, n)
        if rc:
            return self._told(ptr, rc, state, vals, skip_if_finished, stacklevel)
        if state is None and not message and _capi.trial_get_state(ptr) == _FAIL:
            message = "The value nan is not acceptable."  # C fails a NaN
        if message:
            self._warn_failed(ptr, message, stacklevel)
        self._plugin_ctx.raise_pending()  # a Python sampler's after_trial raised
        return ptr

    def _told(self, ptr, rc, state, vals, skip_if_finished, stacklevel):
        """Optuna's answer to C refusing a tell with status rc."""
        error = _capi.raise_status(rc, "otto_study_tell")
        if rc not in (_ESTATE, _EINVAL):
            raise error
        current = TrialState(_capi.trial_get_state(ptr))
        if current.is_finished():  # C checks the arguments first, Optuna the trial
            if skip_if_finished:
                _logger.info("Skipped telling trial %d with values %s and state %s since the "
                             "trial was already finished.", _capi.trial_number(ptr), vals, state)
                return ptr
            raise ValueError(f"Cannot tell a {current.name} trial.") from error
        if rc == _ESTATE:  # running, but told elsewhere (another handle, a tell under way)
            raise error
        if state is None and vals is not None:
            # a COMPLETE refused for the count of its values: Optuna fails the trial
            rc = _study_tell(self._ptr, ptr, _FAIL, None, 0)
            if rc:
                raise _capi.raise_status(rc, "otto_study_tell")
            self._warn_failed(ptr, f"The number of the values {len(vals)} did not match the "
                                   f"number of the objectives {self._n_objectives}.",
                              stacklevel + 1)
            self._plugin_ctx.raise_pending()
            return ptr
        raise ValueError(str(error)) from error  # the state and the values do not go together

    @staticmethod
    def _warn_failed(ptr, message, stacklevel):
        """Optuna's warning for a trial told values it cannot complete with."""
        warnings.warn(message, stacklevel=stacklevel + 1)
        _logger.warning("Trial %d failed: %s", _capi.trial_number(ptr), message)

    def _constraints_func(self):
        return getattr(self._sampler, "constraints_func", None)

    def _constrain(self, ptr, state, vals):
        """The sampler's constraints_func(frozen trial) for a trial about to
        be told COMPLETE or PRUNED (Optuna calls it in after_trial), its
        values stored on the trial for the sampler to read."""
        constraints_func = self._constraints_func()
        if constraints_func is None or state not in (TrialState.COMPLETE, TrialState.PRUNED) or \
                _capi.trial_get_state(ptr) not in _UNFINISHED:  # C refuses the tell itself
            return
        frozen = FrozenTrial._from_c(ptr, self._attr_objects)
        frozen.state = state
        frozen._values = vals
        c = [float(x) for x in constraints_func(frozen)]
        carr = (ctypes.c_double * len(c))(*c)
        _capi.trial_set_constraints(ptr, carr, len(c))

    # ---- queue and warm start ---------------------------------------------------------

    def enqueue_trial(self, params, user_attrs=None, skip_if_exists=False):
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict, not {type(params).__name__}")
        if skip_if_exists:
            for ft in self.get_trials(deepcopy=False):
                if _same_params(ft.system_attrs.get("fixed_params", ft.params), params):
                    _logger.info("Trial %d has the same params; not enqueued.", ft.number)
                    return
            if any(_same_params(q, params) for q in self._enqueued):
                _logger.info("The same params are already enqueued; not enqueued.")
                return
        keep = []
        arr = (_capi.ParamValue * max(len(params), 1))()
        for i, (name, value) in enumerate(params.items()):
            p = arr[i]
            p.name = _capi.encode(name)
            keep.append(p.name)
            _labels.fill_param_value(p, value, keep)
        extras = _capi.TrialExtras()
        _capi.trial_extras_init_sized(ctypes.byref(extras), ctypes.sizeof(extras))
        if user_attrs:
            keys = [_capi.encode(k) for k in user_attrs]
            texts = [_capi.encode(_trial.attr_text(self, k, v)) for k, v in user_attrs.items()]
            extras.n_user_attrs = len(keys)
            extras.user_keys = (ctypes.c_char_p * len(keys))(*keys)
            extras.user_values = (ctypes.c_char_p * len(texts))(*texts)
            keep += [keys, texts, extras.user_keys, extras.user_values]
        _capi.study_enqueue_trial_with(self._ptr, arr, len(params), ctypes.byref(extras))
        self._enqueued.append(dict(params))

    def add_trial(self, trial):
        if not trial.state.is_finished():
            raise ValueError(f"Cannot add a trial in state {trial.state.name}.")
        space = ctypes.c_void_p()
        _capi.space_create(ctypes.byref(space))
        try:
            names = list(trial.params)
            internal = (ctypes.c_double * max(len(names), 1))()
            for i, name in enumerate(names):
                dist = trial.distributions[name]
                _dists.add_to_space(space, name, dist)
                internal[i] = dist.to_internal_repr(trial.params[name])
            vals = trial.values if trial.state == TrialState.COMPLETE else None
            if trial.state == TrialState.COMPLETE and vals is None:
                raise ValueError("A COMPLETE trial needs values.")
            varr = (ctypes.c_double * len(vals))(*vals) if vals else None
            extras, keep = self._extras(trial)
            _capi.study_add_trial_with(self._ptr, space, internal, int(trial.state), varr,
                                       len(vals) if vals else 0, ctypes.byref(extras), None)
        finally:
            _capi.space_destroy(space)

    def _extras(self, trial):
        """An otto_trial_extras for a FrozenTrial's reports, attrs and
        constraints (and the buffers it points into)."""
        e = _capi.TrialExtras()
        _capi.trial_extras_init_sized(ctypes.byref(e), ctypes.sizeof(e))
        keep = []

        def texts(items):
            keys = [_capi.encode(k) for k, _ in items]
            values = [_capi.encode(_trial.attr_text(self, k, v)) for k, v in items]
            arrs = ((ctypes.c_char_p * max(len(keys), 1))(*keys),
                    (ctypes.c_char_p * max(len(values), 1))(*values))
            keep.extend(arrs)
            return arrs
        reports = sorted(trial.intermediate_values.items())
        if reports:
            e.n_reports = len(reports)
            e.steps = (ctypes.c_int64 * len(reports))(*[_capi.int64(k, "step")
                                                        for k, _ in reports])
            e.report_values = (ctypes.c_double * len(reports))(*[float(v) for _, v in reports])
            keep += [e.steps, e.report_values]
        if trial.user_attrs:
            e.n_user_attrs = len(trial.user_attrs)
            e.user_keys, e.user_values = texts(list(trial.user_attrs.items()))
        # the constraints are C's, not attributes; otto_trial_extras has no
        # names for them, so they go in as positional values, in the order
        # of the vector the samplers read
        system_attrs, _, _ = _trial.split_constraint_attrs(trial.system_attrs)
        if system_attrs:
            e.n_system_attrs = len(system_attrs)
            e.system_keys, e.system_values = texts(list(system_attrs.items()))
        constraints = [float(c) for c in _trial.constraints_of(trial.system_attrs).values()]
        if constraints:
            e.n_constraints = len(constraints)
            e.constraints = (ctypes.c_double * len(constraints))(*constraints)
            keep.append(e.constraints)
        return e, keep

    def add_trials(self, trials):
        for t in trials:
            self.add_trial(t)

    # ---- optimize ---------------------------------------------------------------------

    def _in_optimize_loop(self):
        """Whether this thread runs an objective or a callback of an
        optimize() call on this study: C's worker threads are not Python
        threads with a lasting threading.local, so each call keeps the ids
        of the threads it saw."""
        runs = self._runs
        if not runs:
            return False
        ident = threading.get_ident()
        return any(ident in run.threads for run in runs)

    def stop(self):
        """Stop optimize() after the running trials: no new trial starts
        (otto_study_stop). Only from an objective or a callback, as in Optuna."""
        if not self._in_optimize_loop():
            raise RuntimeError("`Study.stop` is supposed to be invoked inside an objective "
                               "function or a callback.")
        _capi.study_stop(self._ptr)

    def optimize(self, func, n_trials=None, timeout=None, n_jobs=1, catch=(), callbacks=None,
                 gc_after_trial=False, show_progress_bar=False):
        """Optuna's optimize, run by C's loop (otto_study_optimize(3)):
        n_trials and timeout are its budget, n_jobs its threads (-1: one per
        CPU), stop() is otto_study_stop, and the loop ends by itself when the
        sampler is exhausted (a grid run). The objective, the callbacks and
        gc_after_trial run in ctypes callbacks on C's threads (ctypes takes
        the GIL for them, so n_jobs > 1 behaves as Optuna's threads). An
        exception in `catch` fails its trial and the loop goes on; any other
        (KeyboardInterrupt too) fails its trial, stops the loop (running
        trials finish) and is raised here once C returns."""
        if not isinstance(catch, tuple):
            catch = tuple(catch) if isinstance(catch, (list, set)) else (catch,)
        if self._in_optimize_loop():
            raise RuntimeError("Nested invocation of `Study.optimize` method isn't allowed.")
        if n_trials == 0 or (timeout is not None and timeout <= 0):
            return  # Optuna starts no trial; to C, 0 would mean "no limit"
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or \
                not -1 <= n_jobs <= _MAX_THREADS:  # C checks the rest of its range
            raise ValueError(f"n_jobs must be -1 or 1..{_MAX_THREADS}, not {n_jobs!r}")
        opts = _capi.OptimizeOptions()
        _capi.optimize_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
        opts.n_trials = 0 if n_trials is None else _capi.int64(n_trials, "n_trials")
        opts.timeout_s = 0.0 if timeout is None else float(timeout)
        opts.n_threads = n_jobs
        bar = _progress.ProgressBar(show_progress_bar, n_trials, timeout, n_jobs)
        run = _Run(self, func, catch, callbacks or (), gc_after_trial, bar)
        objective = _capi.OBJECTIVE_FN(run.objective)  # alive until C returns
        callback = None
        if run.callbacks or gc_after_trial or bar.on or run.log_info or \
                self._plugins != (None, None):
            callback = opts.callback = _capi.CALLBACK_FN(run.after)
        self._runs.append(run)
        _interrupts.clear()  # one from before this call is not this call's
        try:
            rc = _study_optimize(self._ptr, objective, None, ctypes.byref(opts))
            error = _capi.raise_status(rc, "otto_study_optimize") if rc else None
        finally:
            self._runs.remove(run)
            bar.close()
        del objective, callback
        if _interrupts:
            run.errors.append(_interrupts.pop())
        if run.errors:
            raise run.errors[0]
        if error is not None:
            raise error

    # ---- export -------------------------------------------------------------------------

    def trials_dataframe(self, attrs=("number", "value", "datetime_start", "datetime_complete",
                                      "duration", "params", "user_attrs", "system_attrs",
                                      "state"), multi_index=False):
        import pandas as pd  # optional, as in Optuna

        rows = []
        for ft in self.trials:
            row = {}
            for a in attrs:
                if a == "value":
                    if self._n_objectives == 1:
                        row["value"] = ft.value
                    else:
                        for k in range(self._n_objectives):
                            row[f"values_{k}"] = ft.values[k] if ft.values else None
                elif a in ("params", "user_attrs", "system_attrs"):
                    for k, v in getattr(ft, a).items():
                        row[f"{a}_{k}"] = v
                elif a == "state":
                    row["state"] = ft.state.name
                else:
                    row[a] = getattr(ft, a)
            rows.append(row)
        return pd.DataFrame(rows)


def _same_params(existing, given):
    """Optuna's skip_if_exists test: the same names, and every value of the
    same type and equal (numbers within numpy.isclose's relative 1e-5; a
    given NaN matches any number, as Optuna's np.isnan(value) or ... test)."""
    if existing.keys() != given.keys():
        return False
    for name, value in given.items():
        have = existing[name]
        if not isinstance(value, type(have)):
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            a, b = float(value), float(have)
            if not (a == b or math.isnan(a) or abs(a - b) <= 1e-5 * abs(b)):
                return False
        elif value != have:
            return False
    return True


_METRIC_NAMES_KEY = "\ufdd0otto:metric_names"  # a noncharacter: no user key starts with it


_PREFETCH_PLUGIN = ("prefetch needs a sampler that samples in C (an otto built-in whose "
                    "hooks are not overridden in Python): its proposals are computed on "
                    "a C worker thread")


def _make_study(storage, sampler, pruner, study_name, dirs, open_mode, prefetch=0,
                forget_window=0):
    if isinstance(prefetch, bool) or not isinstance(prefetch, int) or prefetch < 0:
        raise ValueError(f"prefetch must be an int >= 0, not {prefetch!r}")
    if isinstance(forget_window, bool) or not isinstance(forget_window, int) or forget_window < 0:
        raise ValueError(f"forget_window must be an int >= 0, not {forget_window!r}")
    sampler = sampler if sampler is not None else TPESampler()
    pruner = pruner if pruner is not None else NopPruner()
    opts = _capi.StudyOptions()
    _capi.study_options_init_sized(ctypes.byref(opts), ctypes.sizeof(opts))
    arr = (ctypes.c_int * len(dirs))(*[int(d) for d in dirs])
    opts.n_objectives = len(dirs)
    opts.directions = arr
    name = study_name
    if name is None and storage is None:
        name = f"no-name-{datetime.datetime.now():%Y%m%d-%H%M%S}-{id(opts):x}"
    opts.name = _capi.encode(name) if name is not None else None  # stored: C makes a unique one
    opts.log_fn = _log_trampoline
    opts.log_level = _c_log_level()
    if storage is not None:
        opts.storage = storage._handle()
        opts.open_mode = open_mode
    ctx = _plugins.Context()  # Python samplers and pruners reach the study through it
    c_sampler, s_plugin = _plugins.make_sampler(sampler, ctx)
    try:
        c_pruner, p_plugin = _plugins.make_pruner(pruner, ctx)
    except BaseException:
        _capi.sampler_destroy(c_sampler)
        raise
    if prefetch and s_plugin is not None:
        _capi.sampler_destroy(c_sampler)
        _capi.pruner_destroy(c_pruner)
        raise ValueError(_PREFETCH_PLUGIN)
    opts.prefetch = prefetch
    opts.forget_window = forget_window
    opts.sampler = c_sampler
    opts.pruner = c_pruner
    out = ctypes.c_void_p()
    _capi.study_create(ctypes.byref(opts), ctypes.byref(out))  # owns sampler and pruner
    name = _capi.study_name(out).decode("utf-8")
    study = Study(out, name, sampler, pruner, storage)
    study._prefetch = prefetch
    study._plugin_ctx = ctx
    study._plugins = (s_plugin, p_plugin)  # their callbacks live as long as the C study
    ctx.study = study
    return study


def _reopen(study_name, storage, sampler, pruner):
    """A pickled Study: the study of that name in the (unpickled) storage."""
    return load_study(study_name=study_name, storage=storage, sampler=sampler, pruner=pruner)


def create_study(*, storage=None, sampler=None, pruner=None, study_name=None, direction=None,
                 load_if_exists=False, directions=None, prefetch=0, forget_window=0):
    """A new study, with Optuna's arguments: in memory, or in a storage
    ("journal:PATH", "postgresql://...", or a storages object), where
    load_if_exists=True resumes a study of the same name. The default sampler
    is TPESampler, as in Optuna.

    prefetch=N (otto-only, 0 by default) keeps up to N relative samples
    computed ahead on a C worker thread the study owns, so that ask takes a
    ready one (the trial's system attr "otto:prefetch" is "ready") or, when
    none is ready, a quasi-random fallback draw ("fallback") instead of
    waiting for the sampler's model; see otto_study_ask(3) and otto(7) for
    what a proposal sees and the reproducibility rule. It needs a sampler
    that samples in C (a built-in whose hooks are not overridden in Python).

    forget_window=W (otto-only, 0 = off) makes the sampler, and
    recommend/compare/should_stop, see only the last W trials to finish, so
    that they follow an objective that drifts; see "Forgetting" in
    otto_study_create(3). It belongs to this study object, not the storage:
    give it again when resuming. Python samplers that read
    study.get_trials() see every trial."""
    storage = _storages.get_storage(storage)
    if direction is not None and directions is not None:
        raise ValueError("Specify only one of `direction` and `directions`.")
    if directions is None:
        directions = [direction if direction is not None else "minimize"]
    dirs = [_direction(d) for d in directions]
    if not dirs:
        raise ValueError("The number of objectives must be greater than 0.")
    return _make_study(storage, sampler, pruner, study_name, dirs, 1 if load_if_exists else 0,
                       prefetch, forget_window)


def load_study(*, study_name, storage, sampler=None, pruner=None):
    """Resume a stored study (with its stored directions). study_name None
    picks the storage's only study, as Optuna does."""
    storage = _storages.get_storage(storage)
    if storage is None:
        raise ValueError("load_study needs a storage")
    if study_name is None:
        names = storage.get_all_study_names()
        if len(names) != 1:
            raise ValueError(f"The storage has {len(names)} studies: study_name is required")
        study_name = names[0]
    try:
        return _make_study(storage, sampler, pruner, study_name, [StudyDirection.MINIMIZE], 2)
    except NotFoundError:
        raise KeyError(f"No study named {study_name!r} in the storage.") from None


def get_all_study_names(storage):
    """Names of the studies in a storage, in creation order."""
    storage = _storages.get_storage(storage)
    if storage is None:
        raise ValueError("get_all_study_names needs a storage")
    return storage.get_all_study_names()


class StudySummary:
    """What get_all_study_summaries reports of one study, as Optuna's
    StudySummary: name, directions, best trial (single objective), user
    attributes, number of trials, first start time, and its index in the
    storage (ordering)."""

    def __init__(self, study_name, direction, best_trial, user_attrs, n_trials, datetime_start,
                 study_id, *, directions=None):
        if direction is None and directions is None:
            raise ValueError("Specify one of `direction` and `directions`.")
        if direction is not None and directions is not None:
            raise ValueError("Specify only one of `direction` and `directions`.")
        self.study_name = study_name
        self._directions = list(directions) if directions is not None else [direction]
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    @property
    def direction(self):
        if len(self._directions) > 1:
            raise RuntimeError("This attribute is not available during multi-objective "
                               "optimization.")
        return self._directions[0]

    @property
    def directions(self):
        return self._directions

    def __eq__(self, other):
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __lt__(self, other):
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self._study_id < other._study_id

    def __le__(self, other):
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self._study_id <= other._study_id


def get_all_study_summaries(storage, include_best_trial=True):
    """A StudySummary of every study in a storage, in creation order."""
    from .samplers import RandomSampler  # reading needs no model
    storage = _storages.get_storage(storage)
    if storage is None:
        raise ValueError("get_all_study_summaries needs a storage")
    out = []
    for i, name in enumerate(storage.get_all_study_names()):
        study = load_study(study_name=name, storage=storage, sampler=RandomSampler())
        trials = study.get_trials(deepcopy=False)
        best = None
        if include_best_trial and study._n_objectives == 1:
            try:
                best = study.best_trial
            except ValueError:  # nothing COMPLETE yet
                best = None
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        out.append(StudySummary(name, None, best, study.user_attrs, len(trials),
                                min(starts) if starts else None, i,
                                directions=study.directions))
    return out



def delete_study(*, study_name, storage):
    """Delete a study and its trials from a storage (Optuna's delete_study);
    KeyError when it has no study of that name. Study objects still open on
    it fail their next write."""
    storage = _storages.get_storage(storage)
    if storage is None:
        raise ValueError("delete_study needs a storage")
    try:
        _capi.storage_delete_study(storage._handle(), _capi.encode(study_name))
    except NotFoundError:
        raise KeyError(f"No study named {study_name!r} in the storage.") from None


def copy_study(*, from_study_name, from_storage, to_storage, to_study_name=None):
    """Copy a study into a new study of another (or the same) storage, as
    Optuna's copy_study: directions, study attributes and every trial with
    its params, values, state, intermediate values, attributes and
    constraints. The copies are numbered in order and get new start and
    completion times (otto writes no past times); a RUNNING trial is copied
    as RUNNING and WAITING ones are not listed by otto (see otto(7))."""
    from .samplers import RandomSampler  # the params come from the source
    source = load_study(study_name=from_study_name, storage=from_storage,
                        sampler=RandomSampler())
    target = create_study(study_name=to_study_name or from_study_name, storage=to_storage,
                          directions=source.directions, sampler=RandomSampler())
    for key, value in source._study_attrs().items():
        _capi.study_set_user_attr(target._ptr, _capi.encode(key),
                                  _capi.encode(_trial.attr_text(target, key, value)))
    for ft in source.get_trials(deepcopy=False):
        if ft.state == TrialState.WAITING:
            continue
        if ft.params:  # the queue entry fixes every param exactly (a fresh study: ours)
            target.enqueue_trial(ft.params)
        t = target.ask()
        for name, dist in ft.distributions.items():
            if isinstance(dist, _dists.CategoricalDistribution):
                t.suggest_categorical(name, dist.choices)
            elif isinstance(dist, _dists.IntDistribution):
                t.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
            else:
                t.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
        for key, value in ft.user_attrs.items():
            t.set_user_attr(key, value)
        system_attrs, positional, named = _trial.split_constraint_attrs(ft.system_attrs)
        for key, value in system_attrs.items():
            t.set_system_attr(key, value)
        for step, value in sorted(ft.intermediate_values.items()):
            t.report(value, step)
        if positional:
            t.set_constraints(positional)
        for key, value in named.items():
            t.set_constraint(key, value)
        if ft.state == TrialState.COMPLETE:
            target.tell(t, ft.values)
        elif ft.state in (TrialState.PRUNED, TrialState.FAIL):
            target.tell(t, state=ft.state)
    return target


class MaxTrialsCallback:
    """Stop optimize() once the study holds n_trials trials in states
    (default COMPLETE; None: any state), counting every worker's, as
    Optuna's callback of the same name does."""

    def __init__(self, n_trials, states=(TrialState.COMPLETE,)):
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study, trial):
        if len(study.get_trials(deepcopy=False, states=self._states)) >= self._n_trials:
            study.stop()
