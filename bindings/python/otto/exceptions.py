"""Exceptions of the otto binding. C status codes map to subclasses of
OttoError that also derive from the built-in exception Optuna raises in the
same situation, so `except ValueError:` code written for Optuna keeps working."""


class OttoError(Exception):
    """Base of every error raised by otto. `code` is the C status, `status`
    its name, and the message says what exactly was wrong."""

    def __init__(self, message="", code=None, status=None):
        super().__init__(message)
        self.code = code
        self.status = status


class ExperimentalWarning(Warning):
    """Optuna's warning for experimental features (otto emits it where Optuna
    does)."""


def _warn_experimental(what, stacklevel=3):
    """Warn as Optuna does for an experimental argument or class."""
    import warnings
    warnings.warn(f"{what} is an experimental feature. The interface can change in the "
                  f"future.", ExperimentalWarning, stacklevel=stacklevel)


class TrialPruned(OttoError):
    """Raise from an objective to tell the study the trial was pruned."""


class InvalidArgumentError(OttoError, ValueError):
    """OTTO_EINVAL: an argument was invalid."""


class DistributionError(OttoError, ValueError):
    """OTTO_EDIST: a parameter name was used with another kind, log flag or
    choice list."""


class StateError(OttoError, RuntimeError):
    """OTTO_ESTATE: not allowed in the current state (e.g. a finished trial)."""


class NotFoundError(OttoError, LookupError):
    """OTTO_ENOTFOUND: no such trial, parameter or attribute."""


class NumericalError(OttoError, ArithmeticError):
    """OTTO_ENUMERIC: a numerical routine failed."""


class CallbackError(OttoError):
    """OTTO_ECALLBACK: a sampler, pruner or callback reported an error."""


class StorageError(OttoError, OSError):
    """OTTO_EIO / OTTO_ECORRUPT: storage failed or holds corrupt data."""


class DuplicatedStudyError(OttoError):
    """OTTO_EEXIST: the storage already has a study of that name (Optuna's
    exception of the same name)."""


class NotSupportedError(OttoError, NotImplementedError):
    """OTTO_ENOTSUP: this libotto was built without the feature (e.g. libpq)."""


class OttoMemoryError(OttoError, MemoryError):
    """OTTO_ENOMEM."""


class RangeError(OttoError, IndexError):
    """OTTO_ERANGE: an index or value out of range."""


_BY_CODE = {
    -1: InvalidArgumentError,
    -2: OttoMemoryError,
    -3: StateError,
    -4: DistributionError,
    -5: NotFoundError,
    -6: StorageError,
    -7: StorageError,
    -8: NumericalError,
    -9: CallbackError,
    -10: OttoError,
    -11: RangeError,
    -12: DuplicatedStudyError,
    -13: NotSupportedError,
}

_NAMES = {-1: "OTTO_EINVAL", -2: "OTTO_ENOMEM", -3: "OTTO_ESTATE", -4: "OTTO_EDIST",
          -5: "OTTO_ENOTFOUND", -6: "OTTO_EIO", -7: "OTTO_ECORRUPT", -8: "OTTO_ENUMERIC",
          -9: "OTTO_ECALLBACK", -10: "OTTO_ESYSTEM", -11: "OTTO_ERANGE", -12: "OTTO_EEXIST",
          -13: "OTTO_ENOTSUP"}


def from_status(code, function, message):
    """The exception for a failing C call."""
    status = _NAMES.get(code, f"status {code}")
    cls = _BY_CODE.get(code, OttoError)
    return cls(f"{message or status} [{function}: {status}]", code, status)
