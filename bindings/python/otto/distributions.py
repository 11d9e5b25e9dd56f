"""Parameter distributions with Optuna's names and fields, and their mapping
to and from otto's C distributions."""
import ctypes
import json
import math
import warnings

from . import _capi, _labels



def _numeric_internal(value, log):
    """A float or int param's internal value, refused as Optuna refuses it."""
    try:
        x = float(value)
    except (ValueError, TypeError) as e:
        raise ValueError(f"'{value}' is not a valid type. float castable value is "
                         f"expected.") from e
    if math.isnan(x):
        raise ValueError(f"`{value}` is invalid value.")
    if log and x <= 0.0:
        raise ValueError(f"`{value}` is invalid value for the case log=True.")
    return x

class BaseDistribution:
    def _asdict(self):
        return dict(self.__dict__)

    def __eq__(self, other):
        if type(self) is not type(other) or self.__dict__.keys() != other.__dict__.keys():
            return False
        for k, v in self.__dict__.items():  # NaN choices equal, as Optuna compares them
            w = other.__dict__[k]
            if isinstance(v, tuple) and isinstance(w, tuple):
                if len(v) != len(w) or not all(_labels.same(a, b) for a, b in zip(v, w)):
                    return False
            elif v != w:
                return False
        return True

    def __hash__(self):
        return hash((type(self), tuple(sorted((k, repr(v)) for k, v in self.__dict__.items()))))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({args})"


class _NumericDistribution(BaseDistribution):
    """Float and int distributions: finite numbers and flags only, so the
    hash is of the values themselves (ask(fixed_distributions) hashes them
    on every ask)."""

    def __hash__(self):
        return hash((type(self), self.low, self.high, self.step, self.log))


class FloatDistribution(_NumericDistribution):
    """A float in [low, high]; log scale or a step grid (not both)."""

    def __init__(self, low, high, log=False, step=None):
        if log and step is not None:
            raise ValueError("The parameter `step` is not supported when `log` is true.")
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got ({low}, {high}).")
        if log and low <= 0.0:
            raise ValueError(f"`low > 0` must hold for a log distribution, but got {low}.")
        if step is not None and step <= 0:
            raise ValueError(f"`step > 0` must hold, but got {step}.")
        self.step = None if step is None else float(step)
        if self.step is not None:
            n = math.floor((high - low) / self.step + 1e-9)
            high = low + n * self.step
        self.low = float(low)
        self.high = float(high)
        self.log = bool(log)

    def single(self):
        return self.low == self.high

    def _contains(self, value):
        if not (self.low <= value <= self.high):
            return False
        if self.step is None:
            return True
        k = (value - self.low) / self.step
        return abs(k - round(k)) < 1e-8

    def to_internal_repr(self, value):
        return _numeric_internal(value, self.log)

    def to_external_repr(self, value):
        return float(value)


class IntDistribution(_NumericDistribution):
    """An int in [low, high] on a step grid, or on a log scale (step 1)."""

    def __init__(self, low, high, log=False, step=1):
        if log and step != 1:
            raise ValueError("Samplers and other components in Optuna only accept step is 1 "
                             "when `log` argument is True.")
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got ({low}, {high}).")
        if log and low < 1:
            raise ValueError(f"`low >= 1` must hold for a log distribution, but got {low}.")
        if step <= 0:
            raise ValueError(f"`step > 0` must hold, but got {step}.")
        self.step = int(step)
        self.low = int(low)
        self.high = int(high) - (int(high) - int(low)) % self.step
        self.log = bool(log)

    def single(self):
        return self.low == self.high

    def _contains(self, value):
        return self.low <= value <= self.high and (value - self.low) % self.step == 0

    def to_internal_repr(self, value):
        return _numeric_internal(value, self.log)

    def to_external_repr(self, value):
        return int(value)


class CategoricalDistribution(BaseDistribution):
    """One of a tuple of choices (None, bool, int, float, str)."""

    def __init__(self, choices):
        if len(choices) == 0:
            raise ValueError("The `choices` must contain one or more elements.")
        self.choices = tuple(choices)

    def single(self):
        return len(self.choices) == 1

    def _contains(self, index):
        return 0 <= index < len(self.choices)

    def to_internal_repr(self, value):
        for i, c in enumerate(self.choices):
            if _labels.same(c, value):
                return float(i)
        raise ValueError(f"'{value}' not in {self.choices}.")

    def to_external_repr(self, index):
        return self.choices[int(index)]


# ---- Optuna's deprecated (v3.0) distributions: the new ones under old names ----

def _deprecated(cls, use):
    warnings.warn(f"{cls.__name__} has been deprecated in v3.0.0. This feature will be "
                  f"removed in v6.0.0. Use {use} instead.", FutureWarning, stacklevel=3)


class UniformDistribution(FloatDistribution):
    def __init__(self, low, high):
        _deprecated(type(self), "FloatDistribution")
        super().__init__(low, high, log=False, step=None)

    def _asdict(self):
        d = dict(self.__dict__)
        d.pop("log")
        d.pop("step")
        return d


class LogUniformDistribution(FloatDistribution):
    def __init__(self, low, high):
        _deprecated(type(self), "FloatDistribution(..., log=True)")
        super().__init__(low, high, log=True, step=None)

    def _asdict(self):
        d = dict(self.__dict__)
        d.pop("log")
        d.pop("step")
        return d


class DiscreteUniformDistribution(FloatDistribution):
    def __init__(self, low, high, q):
        _deprecated(type(self), "FloatDistribution(..., step=...)")
        super().__init__(low, high, step=q)

    @property
    def q(self):
        return self.step

    @q.setter
    def q(self, v):
        self.step = v

    def _asdict(self):
        d = dict(self.__dict__)
        d.pop("log")
        d["q"] = d.pop("step")
        return d


class IntUniformDistribution(IntDistribution):
    def __init__(self, low, high, step=1):
        _deprecated(type(self), "IntDistribution")
        super().__init__(low, high, log=False, step=step)

    def _asdict(self):
        d = dict(self.__dict__)
        d.pop("log")
        return d


class IntLogUniformDistribution(IntDistribution):
    def __init__(self, low, high, step=1):
        _deprecated(type(self), "IntDistribution(..., log=True)")
        super().__init__(low, high, log=True, step=step)

    def _asdict(self):
        d = dict(self.__dict__)
        d.pop("log")
        return d


DISTRIBUTION_CLASSES = (IntDistribution, IntLogUniformDistribution, IntUniformDistribution,
                        FloatDistribution, UniformDistribution, LogUniformDistribution,
                        DiscreteUniformDistribution, CategoricalDistribution)


def json_to_distribution(json_str):
    """A distribution from Optuna's JSON: {"name": class, "attributes": {...}},
    or the abbreviated {"type": "float" | "int" | "categorical", ...}."""
    d = json.loads(json_str)
    if "name" in d:
        attrs = dict(d["attributes"])
        if d["name"] == CategoricalDistribution.__name__:
            attrs["choices"] = tuple(attrs["choices"])
        for cls in DISTRIBUTION_CLASSES:
            if d["name"] == cls.__name__:
                return cls(**attrs)
        raise ValueError(f"Unknown distribution class: {d['name']}")
    if d["type"] == "categorical":
        return CategoricalDistribution(d["choices"])
    if d["type"] in ("float", "int"):
        step, log = d.get("step"), d.get("log", False)
        if d["type"] == "float":
            return FloatDistribution(d["low"], d["high"], log=log, step=step)
        return IntDistribution(d["low"], d["high"], log=log, step=1 if step is None else step)
    raise ValueError(f"Unknown distribution type: {d['type']}")


def distribution_to_json(dist):
    """Optuna's JSON of a distribution: {"name": class, "attributes": {...}}."""
    return json.dumps({"name": type(dist).__name__, "attributes": dist._asdict()})


def check_distribution_compatibility(dist_old, dist_new):
    """ValueError unless dist_new may follow dist_old under one name: the same
    class, log flag and (categorical) choices, as Optuna checks."""
    if type(dist_old) is not type(dist_new):
        raise ValueError("Cannot set different distribution kind to the same parameter name.")
    if isinstance(dist_old, (FloatDistribution, IntDistribution)) and dist_old.log != dist_new.log:
        raise ValueError("Cannot set different log configuration to the same parameter name.")
    if isinstance(dist_old, CategoricalDistribution) and dist_old != dist_new:
        raise ValueError("CategoricalDistribution does not support dynamic value space.")


def _label_array(choices):
    labels = [_capi.encode(_labels.encode(c)) for c in choices]
    if len(set(labels)) != len(labels):
        seen = set()
        for c, label in zip(choices, labels):
            if label in seen:
                raise ValueError(f"suggest_categorical: the choice {c!r} appears twice in "
                                 f"{tuple(choices)!r}")
            seen.add(label)
    return (ctypes.c_char_p * len(labels))(*labels), len(labels)


def from_c(d):
    """A Python distribution from a C otto_distribution."""
    log = bool(d.flags & _capi.OTTO_LOG)
    if d.kind == _capi.DIST_FLOAT:
        return FloatDistribution(d.low, d.high, log=log, step=d.step if d.step > 0 else None)
    if d.kind == _capi.DIST_INT:
        return IntDistribution(int(d.low), int(d.high), log=log, step=int(d.step))
    return CategoricalDistribution(
        [_labels.decode(d.choices[i].decode("utf-8")) for i in range(d.n_choices)])


def add_to_space(space, name, dist):
    """Append a Python distribution to a C otto_space."""
    n = _capi.encode(name)
    if isinstance(dist, FloatDistribution):
        _capi.space_add_float(space, n, dist.low, dist.high, dist.step or 0.0,
                              _capi.OTTO_LOG if dist.log else 0)
    elif isinstance(dist, IntDistribution):
        _capi.space_add_int(space, n, dist.low, dist.high, dist.step,
                            _capi.OTTO_LOG if dist.log else 0)
    elif isinstance(dist, CategoricalDistribution):
        arr, count = _label_array(dist.choices)
        _capi.space_add_categorical(space, n, arr, count)
    else:
        raise TypeError(f"{name}: unknown distribution {dist!r}")
