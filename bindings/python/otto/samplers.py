"""Samplers with Optuna's names and parameters. A sampler object is only its
configuration: each study gets a fresh C sampler made from it, so one object
may be passed to several studies. Samplers whose C side does not exist yet
are absent, not stubbed."""
import ctypes

from . import _capi


class BaseSampler:
    def _create(self):
        raise NotImplementedError

    def reseed_rng(self):
        """Optuna API; otto derives every trial's stream from the seed and the
        trial number, so there is nothing to reseed."""


def _seed(seed):
    if seed is None:
        return _capi.SEED_NONE
    seed = int(seed)
    if not 0 <= seed < _capi.SEED_NONE:
        raise ValueError(f"seed must be in [0, 2**64 - 1), got {seed}")
    return seed


class RandomSampler(BaseSampler):
    """Independent uniform sampling in the working space (log-uniform for log
    params, uniform on the grid for int and step params)."""

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
