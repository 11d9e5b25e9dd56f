"""plot_rank: the params pairwise as scatter plots whose colors give the
rank of the target value (red best to blue worst for minimization, as
Optuna's RdYlBu_r scale), infeasible trials in grey."""
import math

from . import _data
from ._pareto_front import _plotly

_SCALE = "RdYlBu_r"
_GREY = "rgb(204,204,204)"


def _colors(frac, bad):
    import plotly.colors as pc
    scale = pc.get_colorscale(_SCALE)
    return [_GREY if b else pc.sample_colorscale(scale, [f])[0] for f, b in zip(frac, bad)]


def _hover(trial, value, target_name, raw):
    lines = [f"Trial #{trial.number}"] + [f"{k}: {v}" for k, v in trial.params.items()]
    lines.append(f"<b>{target_name}: {value}</b>")
    if raw:
        lines += [f"Objective #{i}: {v}" for i, v in enumerate(trial.values)]
    return "<br>".join(lines)


def _scatter(go, trials, values, colors, xn, yn, target_name, raw):
    keep = [i for i, t in enumerate(trials) if xn in t.params and yn in t.params]
    xs, _ = _data.axis_values([trials[i] for i in keep], xn)
    ys, _ = _data.axis_values([trials[i] for i in keep], yn)
    return go.Scatter(x=xs, y=ys, mode="markers", showlegend=False,
                      marker={"color": [colors[i] for i in keep],
                              "line": {"width": 0.5, "color": "Grey"}},
                      hovertemplate="%{hovertext}<extra></extra>",
                      hovertext=[_hover(trials[i], values[i], target_name, raw) for i in keep])


def _axis(fig, trials, name, which, title, **cell):
    lo, hi, log, cat = _data.padded_range(trials, name)
    update = fig.update_xaxes if which == "x" else fig.update_yaxes
    if log:
        update(type="log", range=[math.log10(lo), math.log10(hi)], **cell)
    else:
        update(range=[lo, hi], **cell)
    if cat:
        update(type="category", **cell)
    if title:
        update(title_text=name, **cell)


def _colorbar(go, values):
    import numpy as np
    marks = [0, 0.25, 0.5, 0.75, 1]
    q = np.quantile(np.asarray(values, float), marks) if values else [0.0] * 5
    text = [f"{n} ({v:3g})" for n, v in zip(["min.", "25%", "50%", "75%", "max."], q)]
    return go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="none", showlegend=False,
                      marker={"colorscale": _SCALE, "showscale": True, "cmin": 0, "cmax": 1,
                              "colorbar": {"thickness": 10, "tickvals": marks,
                                           "ticktext": text}})


def plot_rank(study, params=None, *, target=None, target_name="Objective Value"):
    """Scatter plots of the params pairwise (one plot for two params, a
    matrix otherwise), each trial colored by the rank of its target."""
    go = _plotly()
    names, trials, values, frac, bad = _data.rank(study, params, target)
    layout = go.Layout(title=f"Rank ({target_name})")
    if not names:
        return go.Figure(data=[], layout=layout)
    colors = _colors(frac, bad)
    raw = target is not None
    if len(names) == 2:
        fig = go.Figure(data=[_scatter(go, trials, values, colors, names[0], names[1],
                                       target_name, raw)], layout=layout)
        _axis(fig, trials, names[0], "x", True)
        _axis(fig, trials, names[1], "y", True)
    else:
        from plotly.subplots import make_subplots
        k = len(names)
        fig = make_subplots(rows=k, cols=k, shared_xaxes=True, shared_yaxes=True,
                            horizontal_spacing=0.08 / k, vertical_spacing=0.08 / k)
        fig.update_layout(layout)
        for xi, xn in enumerate(names):
            for yi, yn in enumerate(names):
                cell = {"row": yi + 1, "col": xi + 1}
                fig.add_trace(_scatter(go, trials, values, colors, xn, yn, target_name, raw),
                              **cell)
                _axis(fig, trials, xn, "x", yi == k - 1, **cell)
                _axis(fig, trials, yn, "y", xi == 0, **cell)
    fig.add_trace(_colorbar(go, values))
    return fig
