"""optuna.visualization.matplotlib: the same plots as matplotlib Axes
(Debian's python3-matplotlib), imported only when a plot is made."""
from ._plots import (is_available, plot_contour, plot_edf, plot_hypervolume_history,  # noqa: F401,E501
                     plot_intermediate_values, plot_optimization_history,
                     plot_parallel_coordinate, plot_param_importances, plot_pareto_front, plot_rank,
                     plot_slice, plot_timeline)

__all__ = ["is_available", "plot_contour", "plot_edf", "plot_hypervolume_history",
           "plot_intermediate_values",
           "plot_optimization_history", "plot_parallel_coordinate", "plot_param_importances",
           "plot_pareto_front", "plot_rank", "plot_slice", "plot_timeline"]
