"""The hypervolume indicator, computed by C's otto_hypervolume(3): the
counterpart of Optuna's optuna._hypervolume.compute_hypervolume (every
objective minimized; negate maximized ones first)."""
import ctypes
import math

from . import _capi

__all__ = ["compute_hypervolume"]


def _rows(loss_vals):
    rows = loss_vals.tolist() if hasattr(loss_vals, "tolist") else [list(r) for r in loss_vals]
    return [[float(v) for v in r] for r in rows]


def compute_hypervolume(loss_vals, reference_point, assume_pareto=False):
    """The volume that the points of `loss_vals` (n rows of m losses: a
    sequence of sequences or a 2-D array) dominate up to `reference_point`
    (m numbers). As in Optuna, every point must weakly dominate the
    reference (ValueError otherwise) and an infinite reference gives inf;
    `assume_pareto` is accepted for Optuna's signature and changes nothing
    (C handles dominated points itself). NaN is a ValueError (OTTO_EINVAL)."""
    del assume_pareto
    ref = [float(v) for v in (reference_point.tolist() if hasattr(reference_point, "tolist")
                              else reference_point)]
    rows = _rows(loss_vals)
    m = len(ref)
    if any(len(r) != m for r in rows):
        raise ValueError(f"every point needs {m} values, as many as the reference point")
    if any(not (v <= ref[k]) for r in rows for k, v in enumerate(r) if not math.isnan(v)):
        raise ValueError("All points must dominate or equal the reference point. That is, for "
                         "all points in the loss_vals and the coordinate `i`, "
                         "`loss_vals[i] <= reference_point[i]`.")
    if m and not any(math.isnan(v) for v in ref) and not all(math.isfinite(v) for v in ref):
        return float("inf")
    flat = (ctypes.c_double * max(1, len(rows) * m))(*[v for r in rows for v in r])
    c_ref = (ctypes.c_double * max(1, m))(*ref)
    out = ctypes.c_double()
    _capi.hypervolume(flat, len(rows), m, c_ref, ctypes.byref(out))  # EINVAL: a ValueError
    return out.value
