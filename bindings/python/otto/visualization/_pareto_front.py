"""plot_pareto_front: the COMPLETE trials of a 2- or 3-objective study in
objective space, the Pareto-optimal ones (study.best_trials) in reds, the
dominated ones in blues, as Optuna's figure is shaped."""
import json


class _Point:
    """A trial with the values to plot."""

    def __init__(self, trial, values):
        self.number, self.params, self.values = trial.number, trial.params, values


def _plotly():
    try:
        import plotly.graph_objects as go
    except ImportError as e:
        raise ImportError("otto.visualization needs plotly: install python3-plotly "
                          "(Debian) or `pip install plotly`") from e
    return go


def _hovertext(trial):
    return json.dumps({"number": trial.number, "values": trial.values,
                       "params": trial.params}, indent=2, default=str).replace("\n", "<br>")


def _scatter(go, n, order, trials, template, marker):
    coords = {axis: [t.values[order[k]] for t in trials]
              for k, axis in enumerate("xyz"[:n])}
    cls = go.Scatter if n == 2 else go.Scatter3d
    return cls(**coords, text=[_hovertext(t) for t in trials], mode="markers",
               hovertemplate=template, marker=marker, showlegend=False)


def plot_pareto_front(study, *, target_names=None, include_dominated_trials=True,
                      axis_order=None, targets=None):
    """A plotly figure of the Pareto front, as optuna.visualization's."""
    go = _plotly()
    from ..trial import TrialState
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if targets is not None:  # the values to plot, from a function of the trial
        values = {t.number: list(targets(t)) for t in trials}
    else:
        values = {t.number: list(t.values) for t in trials}
    n = len(next(iter(values.values()))) if values else len(study.directions)
    if n not in (2, 3):
        raise ValueError("`plot_pareto_front` function only supports 2 or 3 objective "
                         "studies when using `targets` is `None`. Please use `targets` if "
                         "your objective studies have more than 3 objectives.")
    names = list(target_names) if target_names is not None else \
        [f"Objective {k}" for k in range(n)]
    if len(names) != n:
        raise ValueError("The length of `target_names` is supposed to be the number of "
                         "objectives.")
    order = list(axis_order) if axis_order is not None else list(range(n))
    if sorted(order) != list(range(n)):
        raise ValueError(f"axis_order {order} must be a permutation of range({n})")
    best_numbers = {t.number for t in study.best_trials} if targets is None else set()

    best = [_Point(t, values[t.number]) for t in trials if t.number in best_numbers]
    rest = [_Point(t, values[t.number]) for t in trials if t.number not in best_numbers]
    data = []
    if include_dominated_trials:
        data.append(_scatter(go, n, order, rest, "%{text}<extra>Trial</extra>", {
            "line": {"width": 0.5, "color": "Grey"}, "color": [t.number for t in rest],
            "colorscale": "Blues", "colorbar": {"title": "Trial"}}))
    data.append(_scatter(go, n, order, best, "%{text}<extra>Best Trial</extra>", {
        "line": {"width": 0.5, "color": "Grey"}, "color": [t.number for t in best],
        "colorscale": "Reds", "colorbar": {"title": "Best Trial",
                                           "x": 1.1 if include_dominated_trials else 1,
                                           "xpad": 40}}))
    if n == 2:
        layout = go.Layout(title="Pareto-front Plot", xaxis_title=names[order[0]],
                           yaxis_title=names[order[1]])
    else:
        layout = go.Layout(title="Pareto-front Plot",
                           scene={"xaxis_title": names[order[0]],
                                  "yaxis_title": names[order[1]],
                                  "zaxis_title": names[order[2]]})
    return go.Figure(data=data, layout=layout)
