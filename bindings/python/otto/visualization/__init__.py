"""optuna.visualization with Optuna's names and figures, drawn with plotly
(Debian's python3-plotly), imported only when a plot is made;
otto.visualization.matplotlib has the same plots as matplotlib Axes."""
from . import matplotlib  # noqa: F401  (imports matplotlib itself only when plotting)
from ._pareto_front import plot_pareto_front  # noqa: F401
from ._hypervolume_history import plot_hypervolume_history  # noqa: F401
from ._rank import plot_rank  # noqa: F401
from ._plotly import (plot_contour, plot_edf, plot_intermediate_values,  # noqa: F401
                      plot_optimization_history, plot_parallel_coordinate,
                      plot_param_importances, plot_slice, plot_timeline)

__all__ = ["is_available", "matplotlib", "plot_contour", "plot_edf", "plot_hypervolume_history",
           "plot_intermediate_values",
           "plot_optimization_history", "plot_parallel_coordinate", "plot_param_importances",
           "plot_pareto_front", "plot_rank", "plot_slice", "plot_timeline"]


def is_available():
    """True when plotly can be imported (as Optuna's is_available)."""
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True

