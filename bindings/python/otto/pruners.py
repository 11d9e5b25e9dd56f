"""Pruners with Optuna's names and parameters; as with samplers, each study
gets a fresh C pruner. Pruners whose C side does not exist yet are absent."""
import ctypes

from . import _capi


class BasePruner:
    def _create(self):
        raise NotImplementedError


class NopPruner(BasePruner):
    """Never prunes."""

    def _create(self):
        out = ctypes.c_void_p()
        _capi.pruner_nop_create(ctypes.byref(out))
        return out
