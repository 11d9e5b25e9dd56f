"""otto's logging, shaped as optuna.logging: messages from the C library and
the binding go to the standard logger "otto". Like any library it adds no
handler; set_verbosity sets the logger's level."""
import logging as _logging

CRITICAL = _logging.CRITICAL
FATAL = _logging.FATAL
ERROR = _logging.ERROR
WARNING = _logging.WARNING
WARN = _logging.WARN
INFO = _logging.INFO
DEBUG = _logging.DEBUG

_logger = _logging.getLogger("otto")


def get_logger(name="otto"):
    return _logging.getLogger(name)


def set_verbosity(verbosity):
    _logger.setLevel(verbosity)


def get_verbosity():
    return _logger.getEffectiveLevel()


def disable_default_handler():
    """Optuna API; otto installs no handler, so this does nothing."""


def enable_default_handler():
    """Attach a stderr handler to the "otto" logger (once)."""
    if not any(getattr(h, "_otto_default", False) for h in _logger.handlers):
        h = _logging.StreamHandler()
        h._otto_default = True
        _logger.addHandler(h)


def disable_propagation():
    _logger.propagate = False


def enable_propagation():
    _logger.propagate = True
