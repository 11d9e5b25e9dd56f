"""optuna.visualization with Optuna's names, drawn with plotly (Debian's
python3-plotly), imported only when a plot is made. So far: the Pareto
front of a multi-objective study."""
from ._pareto_front import plot_pareto_front  # noqa: F401

__all__ = ["plot_pareto_front"]
