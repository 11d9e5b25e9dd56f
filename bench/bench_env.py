"""Shared set-up of the Python benchmarks: import otto from this checkout
(bindings/python, build/libotto.so unless OTTO_LIB says otherwise) and
Debian's Optuna when it is installed (None otherwise, quietened)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("OTTO_LIB", os.path.join(ROOT, "build", "libotto.so"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import otto  # noqa: E402,F401

try:
    import optuna  # noqa: E402

    optuna.logging.set_verbosity(optuna.logging.ERROR)
except ImportError:
    optuna = None
