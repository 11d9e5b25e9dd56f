"""optuna.visualization's plots as plotly figures, shaped as Optuna's are
(titles, axis names, one trace per series), from the data in _data.py."""
import json

from . import _data
from ._pareto_front import _plotly


def _hover(trial):
    return json.dumps({"number": trial.number, "values": trial.values,
                       "params": trial.params}, indent=2, default=str).replace("\n", "<br>")


def plot_optimization_history(study, *, target=None, target_name="Objective Value",
                              error_bar=False):
    """Each COMPLETE trial's value and the best value so far."""
    go = _plotly()
    studies = _data.studies_of(study)
    traces = []
    for s in studies:
        numbers, values, best = _data.history(s, target)
        prefix = f"{s.study_name}: " if len(studies) > 1 else ""
        traces.append(go.Scatter(x=numbers, y=values, mode="markers",
                                 name=prefix + target_name))
        if best:
            traces.append(go.Scatter(x=numbers, y=best, mode="lines", name=prefix + "Best Value"))
    layout = go.Layout(title="Optimization History Plot", xaxis={"title": "Trial"},
                       yaxis={"title": target_name})
    return go.Figure(data=traces, layout=layout)


def plot_intermediate_values(study):
    """The values each trial reported, by step."""
    go = _plotly()
    traces = [go.Scatter(x=steps, y=values, mode="lines+markers", marker={"maxdisplayed": 10},
                         name=f"Trial{t.number}") for t, steps, values in _data.intermediate(study)]
    layout = go.Layout(title="Intermediate Values Plot", xaxis={"title": "Step"},
                       yaxis={"title": "Intermediate Value"}, showlegend=False)
    return go.Figure(data=traces, layout=layout)


def plot_param_importances(study, evaluator=None, params=None, *, target=None,
                           target_name="Objective Value"):
    """Horizontal bars of get_param_importances, the most important on top;
    one series per objective for a multi-objective study without target."""
    go = _plotly()
    from ..importance import get_param_importances
    if target is None and len(study.directions) > 1:
        names = study.metric_names or [f"Objective {k}" for k in range(len(study.directions))]
        series = [(names[k], (lambda t, k=k: t.values[k])) for k in range(len(names))]
    else:
        series = [(target_name, target)]
    data = []
    for name, tgt in series:
        imp = get_param_importances(study, evaluator=evaluator, params=params, target=tgt)
        items = list(reversed(list(imp.items())))
        data.append(go.Bar(x=[v for _, v in items], y=[k for k, _ in items], orientation="h",
                           name=name, text=[f"{v:.2f}" if v >= 0.01 else "<0.01"
                                            for _, v in items],
                           textposition="outside", hovertemplate="%{y}: %{x}<extra></extra>"))
    layout = go.Layout(title="Hyperparameter Importances",
                       xaxis={"title": "Hyperparameter Importance"},
                       yaxis={"title": "Hyperparameter"}, showlegend=len(data) > 1)
    return go.Figure(data=data, layout=layout)


def plot_slice(study, params=None, *, target=None, target_name="Objective Value"):
    """The target against each param, coloured by trial number."""
    go = _plotly()
    from plotly.subplots import make_subplots
    rows = _data.slices(study, params, target)
    if len(rows) <= 1:
        fig = go.Figure()
        for name, xs, ys, numbers, log, cats in rows:
            fig.add_trace(_slice_trace(go, xs, ys, numbers, True))
            fig.update_xaxes(title_text=name, type="log" if log else None)
        fig.update_layout(title="Slice Plot", yaxis_title=target_name)
        return fig
    fig = make_subplots(rows=1, cols=len(rows), shared_yaxes=True)
    for i, (name, xs, ys, numbers, log, cats) in enumerate(rows):
        fig.add_trace(_slice_trace(go, xs, ys, numbers, i == 0), row=1, col=i + 1)
        fig.update_xaxes(title_text=name, row=1, col=i + 1, type="log" if log else None)
    fig.update_yaxes(title_text=target_name, row=1, col=1)
    fig.update_layout(title="Slice Plot", width=300 * len(rows))
    return fig


def _slice_trace(go, xs, ys, numbers, show_scale):
    return go.Scatter(x=xs, y=ys, mode="markers", showlegend=False,
                      marker={"color": numbers, "colorscale": "Blues", "showscale": show_scale,
                              "colorbar": {"title": "Trial"}, "line": {"width": 0.5,
                                                                       "color": "Grey"}})


def plot_contour(study, params=None, *, target=None, target_name="Objective Value"):
    """The target between trials over pairs of params (interpolated), with
    the trials marked; a matrix of pairs for more than two params."""
    go = _plotly()
    from plotly.subplots import make_subplots
    _data.check_target(study, target)
    trials = _data.complete_trials(study, target)
    names = _data.param_names(study, params, trials)
    if len(names) < 2:
        return go.Figure(layout=go.Layout(title="Contour Plot"))
    reverse = target is None and study.direction.name == "MINIMIZE"

    def pair(xn, yn, show_scale):
        have = [t for t in trials if xn in t.params and yn in t.params]
        xs, _ = _data.numeric_axis(have, xn)
        ys, _ = _data.numeric_axis(have, yn)
        zs = [_data.value_of(t, target) for t in have]
        xl, yl = _data.is_log(have, xn), _data.is_log(have, yn)
        out = []
        if len(have) >= 2 and len(set(xs)) > 1 and len(set(ys)) > 1:
            gx, gy, gz = _data.grid_surface(xs, ys, zs, xl, yl)
            out.append(go.Contour(x=gx, y=gy, z=gz, colorscale="Blues", reversescale=reverse,
                                  showscale=show_scale, colorbar={"title": target_name},
                                  connectgaps=True, contours_coloring="heatmap",
                                  hoverinfo="none", line_smoothing=1.3))
        out.append(go.Scatter(x=xs, y=ys, mode="markers", showlegend=False,
                              marker={"line": {"width": 2.0, "color": "Grey"},
                                      "color": "black"}))
        return out, xl, yl

    if len(names) == 2:
        traces, xl, yl = pair(names[0], names[1], True)
        layout = go.Layout(title="Contour Plot",
                           xaxis={"title": names[0], "type": "log" if xl else None},
                           yaxis={"title": names[1], "type": "log" if yl else None})
        return go.Figure(data=traces, layout=layout)
    n = len(names)
    fig = make_subplots(rows=n, cols=n)
    for i, yn in enumerate(names):
        for j, xn in enumerate(names):
            if i == j:
                continue
            traces, xl, yl = pair(xn, yn, i == 1 and j == 0)
            for tr in traces:
                fig.add_trace(tr, row=i + 1, col=j + 1)
            fig.update_xaxes(title_text=xn if i == n - 1 else None, row=i + 1, col=j + 1,
                             type="log" if xl else None)
            fig.update_yaxes(title_text=yn if j == 0 else None, row=i + 1, col=j + 1,
                             type="log" if yl else None)
    fig.update_layout(title="Contour Plot", width=300 * n, height=300 * n)
    return fig


def plot_parallel_coordinate(study, params=None, *, target=None, target_name="Objective Value"):
    """Each trial as a line across the target and the params."""
    go = _plotly()
    import math
    names, cols, cats, trials = _data.parallel(study, params, target)
    dims = [{"label": target_name, "values": cols[0],
             "range": [min(cols[0]), max(cols[0])] if cols[0] else None}]
    for name, col, cat in zip(names, cols[1:], cats[1:]):
        dim = {"label": name if len(name) < 20 else name[:17] + "...", "values": col}
        if cat is not None:
            dim["tickvals"] = list(range(len(cat)))
            dim["ticktext"] = cat
        elif _data.is_log(trials, name):
            dim["values"] = [math.log10(v) for v in col]
            lo, hi = math.floor(min(dim["values"], default=0)), math.ceil(max(dim["values"],
                                                                               default=1))
            dim["tickvals"] = list(range(lo, hi + 1))
            dim["ticktext"] = [f"1e{e}" for e in range(lo, hi + 1)]
        if col:
            dim["range"] = [min(dim["values"]), max(dim["values"])]
        dims.append(dim)
    reverse = target is None and study.direction.name == "MINIMIZE"
    line = {"color": cols[0], "colorscale": "Blues", "reversescale": reverse,
            "showscale": True, "colorbar": {"title": target_name}}
    return go.Figure(data=[go.Parcoords(dimensions=dims, labelangle=30, labelside="bottom",
                                        line=line)],
                     layout=go.Layout(title="Parallel Coordinate Plot"))


_STATE_COLORS = {"COMPLETE": "blue", "FAIL": "red", "PRUNED": "orange", "RUNNING": "green",
                 "WAITING": "gray"}


def plot_timeline(study, n_recent_trials=None):
    """When each trial ran, one bar per trial, coloured by state."""
    go = _plotly()
    bars = _data.timeline(study)
    if n_recent_trials is not None:
        bars = bars[-n_recent_trials:]
    fig = go.Figure()
    for state in sorted(_STATE_COLORS):
        mine = [b for b in bars if b[0].state.name == state]
        if not mine:
            continue
        fig.add_trace(go.Bar(
            name=state, orientation="h", marker_color=_STATE_COLORS[state],
            base=[s.isoformat() for _, s, _ in mine],
            x=[(e - s).total_seconds() * 1000 for _, s, e in mine],
            y=[t.number for t, _, _ in mine], text=[_hover(t) for t, _, _ in mine],
            hovertemplate="%{text}<extra>" + state + "</extra>", textposition="none"))
    fig.update_xaxes(type="date")
    fig.update_layout(go.Layout(title="Timeline Plot", xaxis={"title": "Datetime"},
                                yaxis={"title": "Trial"}), showlegend=True)
    return fig


def plot_edf(study, *, target=None, target_name="Objective Value"):
    """The empirical distribution of the target, one line per study."""
    go = _plotly()
    x, lines = _data.edf(_data.studies_of(study), target)
    traces = [go.Scatter(x=x, y=y, name=name, mode="lines") for name, y in lines]
    layout = go.Layout(title="Empirical Distribution Function Plot",
                       xaxis={"title": target_name}, yaxis={"title": "Cumulative Probability"})
    return go.Figure(data=traces, layout=layout)
