"""Trials: the live Trial an objective suggests on, the immutable FrozenTrial
snapshot, TrialState and create_trial, shaped as Optuna's."""
import ctypes
import datetime
import enum
import json
import math
import warnings
from collections.abc import Sequence

from . import _capi, _labels, distributions as _dists, samplers as _samplers
from .exceptions import CallbackError, NotFoundError, StateError


class TrialState(enum.IntEnum):
    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def is_finished(self):
        return self not in (TrialState.RUNNING, TrialState.WAITING)

    def __repr__(self):
        return f"TrialState.{self.name}"


_ENCODED = {}  # parameter name -> its C string; bounded so dynamic names cannot grow it forever
# The suggest hot path calls C without ctypes' errcheck hook and tests the
# status itself.
_suggest_float = _capi.raw("otto_trial_suggest_float",
                           [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double, ctypes.c_double,
                            ctypes.c_double, ctypes.c_uint, ctypes.c_void_p])


def _cname(name):
    b = _ENCODED.get(name)
    if b is None:
        b = _capi.encode(name)
        if len(_ENCODED) < 65536:
            _ENCODED[name] = b
    return b


_param_at = _capi.raw("otto_trial_param_at", [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                              ctypes.c_void_p, ctypes.c_void_p])
_NAMES = {}  # C parameter name -> str, bounded like _ENCODED
_NUMERIC_DISTS = {}  # (kind, flags, low, high, step) -> its (immutable) distribution object


def _read_params(ptr):
    """(params, distributions) of a C trial, in suggestion order."""
    params, dists = {}, {}
    name = ctypes.c_char_p()
    d = _capi.Distribution()
    v = ctypes.c_double()
    refs = (ctypes.byref(name), ctypes.byref(d), ctypes.byref(v))
    for i in range(_capi.trial_param_count(ptr)):
        rc = _param_at(ptr, i, *refs)
        if rc:
            raise _capi.raise_status(rc, "otto_trial_param_at")
        raw = name.value
        key = _NAMES.get(raw)
        if key is None:
            key = raw.decode("utf-8")
            if len(_NAMES) < 65536:
                _NAMES[raw] = key
        kind = d.kind
        if kind == _capi.DIST_CATEGORICAL:
            params[key] = _labels.decode(d.choices[int(v.value)].decode("utf-8"))
            dists[key] = _dists.from_c(d)
            continue
        params[key] = int(v.value) if kind == _capi.DIST_INT else v.value
        dkey = (kind, d.flags, d.low, d.high, d.step)
        dist = _NUMERIC_DISTS.get(dkey)
        if dist is None:
            dist = _dists.from_c(d)
            if len(_NUMERIC_DISTS) < 4096:
                _NUMERIC_DISTS[dkey] = dist
        dists[key] = dist
    return params, dists


def attr_text(study, key, value):
    """An attribute value as the JSON text C stores. A value that is not
    JSON is kept as an object by a study in memory (as Optuna's in-memory
    storage does), in study._attr_objects by the text stored for it, so it
    goes with the study; a stored study needs JSON, as Optuna's RDB and
    journal storages do."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        if study._storage is not None:
            raise TypeError(f"attribute {key!r}: a {type(value).__name__} is not JSON "
                            f"serializable, and a study in a storage keeps attributes as "
                            f"JSON") from None
    text = json.dumps({_labels.MARK + "object": f"{id(value):x}:{type(value).__qualname__}"})
    study._attr_objects[text] = value
    return text


def _inconsistent(name, first):
    """Optuna's warning for a name suggested again in one trial with other
    arguments (the first call's value is kept)."""
    warnings.warn(f'Inconsistent parameter values for distribution with name "{name}"! '
                  f"This might be a configuration mistake. The first call's value is used.",
                  UserWarning, stacklevel=3)


def _out_of_range(name, value, low, high):
    warnings.warn(f"Fixed parameter '{name}' with value {value} is out of range for the "
                  f"distribution [{low}, {high}]; it is used as enqueued.", UserWarning,
                  stacklevel=3)


def read_attrs(ptr, count, at, objects):
    """The attributes of a C trial or study; objects: its study's
    _attr_objects (values that are not JSON, by their stored text)."""
    out = {}
    k, v = ctypes.c_char_p(), ctypes.c_char_p()
    for i in range(count(ptr)):
        at(ptr, i, ctypes.byref(k), ctypes.byref(v))
        text = v.value.decode("utf-8")
        if objects and text in objects:
            out[k.value.decode("utf-8")] = objects[text]
            continue
        try:
            out[k.value.decode("utf-8")] = json.loads(text)
        except ValueError:
            out[k.value.decode("utf-8")] = text  # set by a C program: plain text
    return out


_datetime_start = _capi.raw("otto_trial_datetime_start", [ctypes.c_void_p, ctypes.c_void_p])
_datetime_complete = _capi.raw("otto_trial_datetime_complete", [ctypes.c_void_p, ctypes.c_void_p])
_constraints = _capi.raw("otto_trial_constraints", [ctypes.c_void_p, ctypes.c_void_p,
                                                    ctypes.c_size_t, ctypes.c_void_p])
_CONSTRAINTS_KEY = "constraints"  # Optuna's system attr of positional values;
# "constraints:KEY" holds the named value KEY, as Optuna 5 stores them


def _read_constraints(ptr):
    """A C trial's constraint vector as [(name, value)], name None for a
    positional value (C merges named and positional values: trial.h)."""
    n = ctypes.c_size_t()
    if _constraints(ptr, None, 0, ctypes.byref(n)):  # OTTO_ENOTFOUND: none set
        return []
    buf = (ctypes.c_double * n.value)()
    _constraints(ptr, buf, n.value, ctypes.byref(n))
    name = ctypes.c_char_p()
    out = []
    for i in range(n.value):
        _capi.trial_constraint_name(ptr, i, ctypes.byref(name))
        out.append((None if name.value is None else name.value.decode("utf-8"), buf[i]))
    return out


def _constraints_as_attrs(entries):
    """The system attrs Optuna 5 would hold for a C trial's constraint
    vector: "constraints" (the positional values, the indices that a named
    value replaced included) and "constraints:KEY" for each named value."""
    attrs = {}
    n_positional = max((i + 1 for i, (name, _) in enumerate(entries) if name is None), default=0)
    if n_positional:
        attrs[_CONSTRAINTS_KEY] = [v for _, v in entries[:n_positional]]
    for name, v in entries:
        if name is not None:
            attrs[f"{_CONSTRAINTS_KEY}:{name}"] = v
    return attrs


def constraints_of(system_attrs):
    """Optuna 5's constraints of a trial from its system attrs: the
    positional values as "0", "1", ..., then the named ones (a named index
    replaces that positional value). C applies the same rule to its trials;
    this is for FrozenTrials built in Python, which never went through C."""
    out = {}
    for i, c in enumerate(system_attrs.get(_CONSTRAINTS_KEY) or ()):
        out[str(i)] = c
    prefix = _CONSTRAINTS_KEY + ":"
    for key, value in system_attrs.items():
        if key.startswith(prefix):
            if key[len(prefix):] in out:
                warnings.warn("Overwrite an old format constraint.", stacklevel=3)
            out[key[len(prefix):]] = value
    return out


def split_constraint_attrs(system_attrs):
    """(other system attrs, positional constraint values, named ones): what
    C keeps as constraints rather than as attributes."""
    prefix = _CONSTRAINTS_KEY + ":"
    plain = {k: v for k, v in system_attrs.items()
             if k != _CONSTRAINTS_KEY and not k.startswith(prefix)}
    named = {k[len(prefix):]: v for k, v in system_attrs.items() if k.startswith(prefix)}
    return plain, list(system_attrs.get(_CONSTRAINTS_KEY) or ()), named


def _constraint_value(key, value):
    """Optuna 5's checks of set_constraint's value (C refuses infinities too)."""
    try:
        value = float(value)  # for convenience, anything that casts to float, as Optuna
    except (TypeError, ValueError):
        raise TypeError(f"The `value` argument is of type '{type(value)}' but supposed to be "
                        f"a float.") from None
    if math.isnan(value):
        raise ValueError(f"Attempted to set a constraint for {key!r}, but NaN is not allowed.")
    return value


def _constraint_set_already(key):
    warnings.warn(f"The constraint value is ignored because this constraint `{key=}` is "
                  f"already set.", UserWarning, stacklevel=3)


def _timestamp(fn, ptr):
    """A start or completion time, None when there is none (a RUNNING trial's end)."""
    t = ctypes.c_double()
    if fn(ptr, ctypes.byref(t)):
        return None
    return datetime.datetime.fromtimestamp(t.value)


class Trial:
    """A RUNNING trial: suggest parameters, report, prune. Use it from one
    thread at a time (the one running the objective)."""

    __slots__ = ("study", "_ptr", "_number_c", "_choice_cache", "_ranges", "_f", "_fp", "_i",
                 "_z")

    def __init__(self, study, ptr):
        self.study = study
        self._ptr = ptr
        self._number_c = None  # read from C when first asked for
        self._choice_cache = {}
        self._ranges = {}  # float/int name -> its first suggest's arguments (Optuna's warning;
        # another choice list for a categorical is refused by C instead)
        self._f = ctypes.c_double()  # reused out-parameters
        self._fp = ctypes.byref(self._f)
        self._i = ctypes.c_int64()
        self._z = ctypes.c_size_t()

    def __copy__(self):
        """Another handle on the same running trial (of the same study)."""
        return Trial(self.study, self._ptr)

    def __reduce__(self):
        raise TypeError("otto cannot pickle or deep-copy a Trial: it is a handle on a running "
                        "trial of a C study in this process; pickle its params, or the "
                        "FrozenTrial that study.trials holds once it is finished")

    @property
    def _number(self):
        n = self._number_c
        if n is None:
            n = self._number_c = _capi.trial_number(self._ptr)
        return n

    @property
    def number(self):
        return self._number

    @property
    def _trial_id(self):
        return self._number

    def _reraise(self, error):
        """A C error caused by a Python callback re-raises that callback's exception."""
        for pending in (_samplers.pending_errors(), self.study._plugin_ctx.errors):
            if pending:
                first = pending[0]
                pending.clear()
                raise first from error
        raise error

    def suggest_float(self, name, low, high, *, step=None, log=False):
        if step is not None and step <= 0:
            raise ValueError(f"The `step` value {step} must be positive.")
        cname = _ENCODED.get(name) or _cname(name)
        rc = _suggest_float(self._ptr, cname, low, high, step or 0.0, 1 if log else 0, self._fp)
        if rc:
            error = _capi.raise_status(rc, "otto_trial_suggest_float")
            if isinstance(error, CallbackError):
                self._reraise(error)
            raise error
        value = self._f.value
        ranges = self._ranges
        first = ranges.get(name)
        if first is None:
            ranges[name] = ("float", low, high, step, log)
            if not low <= value <= high:  # only an enqueued value can be
                _out_of_range(name, value, low, high)
        elif first != ("float", low, high, step, log):
            _inconsistent(name, first)
        return value

    def suggest_int(self, name, low, high, step=1, log=False):
        if step <= 0:
            raise ValueError(f"The `step` value {step} must be positive.")
        out = self._i
        try:
            _capi.trial_suggest_int(self._ptr, _cname(name), _capi.int64(low, "low"),
                                    _capi.int64(high, "high"), _capi.int64(step, "step"),
                                    _capi.OTTO_LOG if log else 0, ctypes.byref(out))
        except CallbackError as e:
            self._reraise(e)
        args = ("int", low, high, step, log)
        first = self._ranges.get(name)
        if first is None:
            self._ranges[name] = args
            if not low <= out.value <= high:
                _out_of_range(name, out.value, low, high)
        elif first != args:
            _inconsistent(name, first)
        return out.value

    def suggest_categorical(self, name, choices):
        choices = tuple(choices)
        try:
            arr = self._choice_cache.get(choices)
        except TypeError:  # unhashable choices
            arr = None
        if arr is None:
            arr = _dists._label_array(choices)
            try:
                self._choice_cache[choices] = arr
            except TypeError:
                pass
        out = self._z
        try:
            _capi.trial_suggest_categorical(self._ptr, _cname(name), arr[0], arr[1],
                                            ctypes.byref(out))
        except CallbackError as e:
            self._reraise(e)
        return choices[out.value]

    # Optuna's deprecated spellings, still common in user code.
    def suggest_uniform(self, name, low, high):
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name, low, high):
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name, low, high, q):
        return self.suggest_float(name, low, high, step=q)

    def report(self, value, step):
        if self.study._n_objectives > 1:
            raise NotImplementedError(
                "Trial.report is not supported for multi-objective optimization.")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"The `value` argument is of type '{type(value)}' but supposed to "
                            "be a float.") from None
        try:
            step = int(step)
        except (TypeError, ValueError):
            raise TypeError(f"The `step` argument is of type '{type(step)}' but supposed to "
                            "be an int.") from None
        step = _capi.int64(step, "step")
        if step < 0:
            raise ValueError(f"The `step` argument is {step} but cannot be negative.")
        try:
            _capi.trial_intermediate_value(self._ptr, step, ctypes.byref(ctypes.c_double()))
            reported = True
        except NotFoundError:
            reported = False
        if reported:
            warnings.warn(f"The reported value is ignored because this `step` {step} is "
                          f"already reported.", UserWarning, stacklevel=2)
            return
        _capi.trial_report(self._ptr, step, value)

    def should_prune(self):
        if self.study._n_objectives > 1:
            raise NotImplementedError(
                "Trial.should_prune is not supported for multi-objective optimization.")
        out = ctypes.c_int()
        try:
            _capi.trial_should_prune(self._ptr, ctypes.byref(out))
        except StateError:
            return False  # told already: nothing left to prune, as in Optuna
        except CallbackError as e:
            self._reraise(e)  # a Python pruner raised
        return bool(out.value)

    def set_user_attr(self, key, value):
        _capi.trial_set_user_attr(self._ptr, _capi.encode(key),
                                  _capi.encode(attr_text(self.study, key, value)))

    def set_system_attr(self, key, value):
        _capi.trial_set_system_attr(self._ptr, _capi.encode(key),
                                    _capi.encode(attr_text(self.study, key, value)))

    def set_constraints(self, values):
        """Positional constraint values (feasible when all <= 0), as
        Optuna's constraints_func returns them."""
        arr = (ctypes.c_double * len(values))(*[float(v) for v in values])
        _capi.trial_set_constraints(self._ptr, arr, len(values))

    def set_constraint(self, key, value):
        """Optuna 5's named constraint: the trial is feasible when all its
        constraint values are <= 0. A key set again keeps its first value
        (with a warning); NaN is a ValueError, as in Optuna."""
        value = _constraint_value(key, value)
        if any(name == key for name, _ in _read_constraints(self._ptr)):
            _constraint_set_already(key)
            return
        _capi.trial_set_constraint(self._ptr, _capi.encode(key), value)

    @property
    def constraints(self):
        """{name: value} as Optuna 5's Trial.constraints: positional values
        as "0", "1", ..., then the named ones."""
        return {str(i) if name is None else name: v
                for i, (name, v) in enumerate(_read_constraints(self._ptr))}

    @property
    def params(self):
        return _read_params(self._ptr)[0]

    @property
    def distributions(self):
        return _read_params(self._ptr)[1]

    @property
    def user_attrs(self):
        return read_attrs(self._ptr, _capi.trial_user_attr_count, _capi.trial_user_attr_at,
                          self.study._attr_objects)

    @property
    def system_attrs(self):
        system = read_attrs(self._ptr, _capi.trial_system_attr_count,
                            _capi.trial_system_attr_at, self.study._attr_objects)
        for key, value in _constraints_as_attrs(_read_constraints(self._ptr)).items():
            system.setdefault(key, value)
        return system

    @property
    def datetime_start(self):
        return _timestamp(_datetime_start, self._ptr)

    def __repr__(self):
        return f"Trial(number={self._number})"


class FrozenTrial:
    """An immutable record of a trial, as Optuna's FrozenTrial."""

    def __init__(self, number, state, value, datetime_start, datetime_complete, params,
                 distributions, user_attrs, system_attrs, intermediate_values, trial_id=None,
                 *, values=None):
        if value is not None and values is not None:
            raise ValueError("Specify only one of `value` and `values`.")
        self.number = number
        self.state = TrialState(state)
        self._values = [value] if value is not None else (list(values) if values else None)
        self.datetime_start = datetime_start
        self.datetime_complete = datetime_complete
        self.params = dict(params)
        self.distributions = dict(distributions)
        self.user_attrs = dict(user_attrs)
        self.system_attrs = dict(system_attrs)
        self.intermediate_values = dict(intermediate_values)
        self._trial_id = number if trial_id is None else trial_id

    @classmethod
    def _from_c(cls, ptr, objects):
        """The FrozenTrial of a C trial; objects: its study's _attr_objects."""
        n_obj = ctypes.c_size_t()
        values = None
        buf = (ctypes.c_double * 64)()
        try:
            _capi.trial_values(ptr, buf, 64, ctypes.byref(n_obj))
            if n_obj.value > 64:
                buf = (ctypes.c_double * n_obj.value)()
                _capi.trial_values(ptr, buf, n_obj.value, ctypes.byref(n_obj))
            values = list(buf[: n_obj.value])
        except Exception:
            values = None
        params, dists = _read_params(ptr)
        inter = {}
        step, val = ctypes.c_int64(), ctypes.c_double()
        for i in range(_capi.trial_intermediate_count(ptr)):
            _capi.trial_intermediate_at(ptr, i, ctypes.byref(step), ctypes.byref(val))
            inter[step.value] = val.value
        system = read_attrs(ptr, _capi.trial_system_attr_count, _capi.trial_system_attr_at,
                            objects)
        for key, value in _constraints_as_attrs(_read_constraints(ptr)).items():
            system.setdefault(key, value)  # where Optuna 5 keeps them
        return cls(_capi.trial_number(ptr), _capi.trial_get_state(ptr), None,
                   _timestamp(_datetime_start, ptr), _timestamp(_datetime_complete, ptr),
                   params, dists,
                   read_attrs(ptr, _capi.trial_user_attr_count, _capi.trial_user_attr_at,
                              objects),
                   system, inter, values=values)

    @property
    def value(self):
        if self._values is None:
            return None
        if len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective "
                               "optimization.")
        return self._values[0]

    @value.setter
    def value(self, v):
        if self._values is not None and len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective "
                               "optimization.")
        self._values = None if v is None else [v]

    @property
    def values(self):
        return None if self._values is None else list(self._values)

    @values.setter
    def values(self, v):
        self._values = None if v is None else list(v)

    @property
    def duration(self):
        if self.datetime_start and self.datetime_complete:
            return self.datetime_complete - self.datetime_start
        return None

    @property
    def last_step(self):
        return max(self.intermediate_values) if self.intermediate_values else None

    @property
    def constraints(self):
        """{name: value} as Optuna 5's FrozenTrial.constraints, from the
        system attrs where it keeps them."""
        return constraints_of(self.system_attrs)

    def set_constraint(self, key, value):
        """Optuna 5's FrozenTrial.set_constraint: into this record's system
        attrs (a key set again keeps its first value, with a warning)."""
        value = _constraint_value(key, value)
        key_attr = f"{_CONSTRAINTS_KEY}:{key}"
        if key_attr in self.system_attrs:
            _constraint_set_already(key)
            return
        self.system_attrs[key_attr] = value

    def suggest_float(self, name, low, high, *, step=None, log=False):
        return self.params[name]

    def suggest_int(self, name, low, high, step=1, log=False):
        return self.params[name]

    def suggest_categorical(self, name, choices):
        return self.params[name]

    def report(self, value, step):
        pass

    def should_prune(self):
        return False

    def __eq__(self, other):
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return _fields(self) == _fields(other)

    def __lt__(self, other):
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number < other.number

    def __hash__(self):
        return hash((self.number, self.state))

    def __le__(self, other):
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number <= other.number

    def __repr__(self):
        """Every field as a constructor argument, so that eval() gives an equal
        FrozenTrial back (with datetime, TrialState and the distributions in
        scope), as Optuna's repr does."""
        fields = ", ".join(f"{k.lstrip('_')}={v!r}" for k, v in _fields(self).items())
        return f"FrozenTrial({fields}, value=None)"


def _fields(ft):
    """A FrozenTrial's attributes, read from C first if it is still lazy."""
    if "_lazy" in ft.__dict__:
        ft._load()
    return ft.__dict__


class _LazyFrozenTrial(FrozenTrial):
    """What Study.tell returns: a FrozenTrial read from the C trial only when
    first looked at, since most callers of tell never look. It holds its
    study, so the C trial stays valid until then; copies and pickles are
    plain FrozenTrials."""

    def __init__(self, study, ptr):  # noqa: super().__init__ runs in _load
        self.__dict__["_lazy"] = (study, ptr)

    def _load(self):
        lazy = self.__dict__.pop("_lazy", None)
        if lazy is not None:
            self.__dict__.update(FrozenTrial._from_c(lazy[1], lazy[0]._attr_objects).__dict__)

    def __getattr__(self, name):  # only for attributes not loaded yet
        if "_lazy" not in self.__dict__:
            raise AttributeError(f"'FrozenTrial' object has no attribute '{name}'")
        self._load()
        return getattr(self, name)

    def __setattr__(self, name, value):
        _fields(self)
        object.__setattr__(self, name, value)

    def __hash__(self):
        _fields(self)
        return FrozenTrial.__hash__(self)

    def __reduce_ex__(self, protocol):
        return (FrozenTrial.__new__, (FrozenTrial,), dict(_fields(self)))


def create_trial(*, state=TrialState.COMPLETE, value=None, values=None, params=None,
                 distributions=None, user_attrs=None, system_attrs=None,
                 intermediate_values=None, constraints=None):
    """A FrozenTrial to pass to Study.add_trial, as Optuna's create_trial."""
    params = params or {}
    distributions = distributions or {}
    if set(params) != set(distributions):
        raise ValueError("params and distributions must name the same parameters")
    for name, v in params.items():
        d = distributions[name]
        internal = d.to_internal_repr(v)
        if not d._contains(internal if isinstance(d, _dists.CategoricalDistribution) else v):
            raise ValueError(f"The value {v} of {name} is out of range {d}")
    vals = values if values is not None else None if value is None else [value]
    if TrialState(state) == TrialState.COMPLETE:  # Optuna's FrozenTrial._validate
        if vals is None:
            raise ValueError("values should be set for a complete trial.")
        if any(math.isnan(float(v)) for v in vals):
            raise ValueError("values should not contain NaN.")
    if TrialState(state) == TrialState.FAIL and vals is not None:
        raise ValueError(f"values should be None for a failed trial, but got {vals}.")
    now = datetime.datetime.now()
    trial = FrozenTrial(-1, state, value, now, now if TrialState(state).is_finished() else None,
                        params, distributions, user_attrs or {}, system_attrs or {},
                        intermediate_values or {}, values=values)
    for key, constraint in (constraints or {}).items():  # Optuna 5's constraints argument
        trial.set_constraint(key, constraint)
    return trial


def to_floats(result, n_objectives):
    """(values, None) for an objective's result of n_objectives numbers, or
    (None, why not): C takes a fixed array of doubles, so the conversion
    and the count are the binding's to check (NaN is C's rule: it fails
    the trial)."""
    if result is None:
        return None, "The value None could not be cast to float."
    items = result if isinstance(result, Sequence) and not isinstance(result, str) \
        else (result,)
    values = []
    for v in items:
        try:
            values.append(float(v))
        except (TypeError, ValueError):
            return None, f"The value {v!r} could not be cast to float."
    if len(values) != n_objectives:
        return None, (f"The number of the values {len(values)} did not match the number of "
                      f"the objectives {n_objectives}.")
    return values, None


def _warn(message):
    warnings.warn(message, stacklevel=3)
