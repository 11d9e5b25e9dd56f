"""plot_hypervolume_history: the hypervolume that a multi-objective study's
feasible trials dominate, trial by trial, from C's
otto_study_hypervolume_history(3); plotly and matplotlib draw the same data."""
import ctypes
import math

from .. import _capi


def history(study, reference_point):
    """(trial numbers, hypervolumes) of the COMPLETE trials, with Optuna's
    checks and messages."""
    if len(study.directions) < 2:
        raise ValueError("Study must be multi-objective. For single-objective optimization, "
                         "please use plot_optimization_history instead.")
    ref = [float(v) for v in reference_point]
    if len(ref) != len(study.directions):
        raise ValueError("The dimension of the reference point must be the same as the number "
                         "of objectives.")
    if not all(math.isfinite(v) for v in ref):
        raise ValueError("The reference point must be finite.")
    c_ref = (ctypes.c_double * len(ref))(*ref)
    n = ctypes.c_size_t()
    _capi.study_hypervolume_history(study._ptr, c_ref, len(ref), None, None, 0, ctypes.byref(n))
    cap = n.value
    numbers = (ctypes.c_int64 * max(1, cap))()
    volumes = (ctypes.c_double * max(1, cap))()
    _capi.study_hypervolume_history(study._ptr, c_ref, len(ref), numbers, volumes, cap,
                                    ctypes.byref(n))
    k = min(cap, n.value)  # trials told meanwhile are left for the next call
    return list(numbers[:k]), list(volumes[:k])


def plot_hypervolume_history(study, reference_point):
    """The hypervolume history as a plotly figure (Optuna's layout)."""
    from ._pareto_front import _plotly
    go = _plotly()
    numbers, volumes = history(study, reference_point)
    layout = go.Layout(title="Hypervolume History Plot", xaxis={"title": "Trial"},
                       yaxis={"title": "Hypervolume"})
    return go.Figure(data=go.Scatter(x=numbers, y=volumes, mode="lines+markers"), layout=layout)
