"""The plots of otto.visualization drawn with matplotlib: each returns the
Axes it drew on (an array of Axes for the multi-panel slice and contour
plots, as Optuna's do), from the data in ../_data.py."""
import math

from .. import _data


def _plt():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("otto.visualization.matplotlib needs matplotlib: install "
                          "python3-matplotlib (Debian) or `pip install matplotlib`") from e
    return plt


def is_available():
    """True when matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _axes(title, xlabel=None, ylabel=None):
    plt = _plt()
    _, ax = plt.subplots()
    ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plot_optimization_history(study, *, target=None, target_name="Objective Value",
                              error_bar=False):
    ax = _axes("Optimization History Plot", "Trial", target_name)
    studies = _data.studies_of(study)
    for s in studies:
        numbers, values, best = _data.history(s, target)
        prefix = f"{s.study_name}: " if len(studies) > 1 else ""
        ax.scatter(numbers, values, s=12, label=prefix + target_name)
        if best:
            ax.plot(numbers, best, color="tab:red", label=prefix + "Best Value")
    ax.legend(loc="upper right")
    return ax


def plot_intermediate_values(study):
    ax = _axes("Intermediate Values Plot", "Step", "Intermediate Value")
    for t, steps, values in _data.intermediate(study):
        ax.plot(steps, values, marker=".", label=f"Trial{t.number}", alpha=0.7)
    return ax


def plot_param_importances(study, evaluator=None, params=None, *, target=None,
                           target_name="Objective Value"):
    from ...importance import get_param_importances
    _data.check_target(study, target)
    imp = get_param_importances(study, evaluator=evaluator, params=params, target=target)
    items = list(reversed(list(imp.items())))
    ax = _axes("Hyperparameter Importances", "Hyperparameter Importance", "Hyperparameter")
    bars = ax.barh([k for k, _ in items], [v for _, v in items], label=target_name)
    for bar, (_, v) in zip(bars, items):
        ax.text(bar.get_width() + 0.005, bar.get_y() + bar.get_height() / 2,
                f"{v:.2f}" if v >= 0.01 else "<0.01", va="center")
    return ax


def plot_slice(study, params=None, *, target=None, target_name="Objective Value"):
    plt = _plt()
    rows = _data.slices(study, params, target)
    fig, axes = plt.subplots(1, max(1, len(rows)), sharey=True, squeeze=False,
                             figsize=(4 * max(1, len(rows)), 4))
    fig.suptitle("Slice Plot")
    for ax, (name, xs, ys, numbers, log, cats) in zip(axes[0], rows):
        if cats is not None:
            pos = {c: i for i, c in enumerate(cats)}
            ax.scatter([pos[x] for x in xs], ys, c=numbers, cmap="Blues", edgecolors="grey")
            ax.set_xticks(range(len(cats)))
            ax.set_xticklabels(cats)
        else:
            ax.scatter(xs, ys, c=numbers, cmap="Blues", edgecolors="grey")
            if log:
                ax.set_xscale("log")
        ax.set_xlabel(name)
    axes[0][0].set_ylabel(target_name)
    return axes[0] if len(rows) > 1 else axes[0][0]


def plot_contour(study, params=None, *, target=None, target_name="Objective Value"):
    plt = _plt()
    _data.check_target(study, target)
    trials = _data.complete_trials(study, target)
    names = _data.param_names(study, params, trials)
    if len(names) < 2:
        return _axes("Contour Plot")
    pairs = [(names[0], names[1])] if len(names) == 2 else None
    n = len(names)
    fig, axes = plt.subplots(1 if pairs else n, 1 if pairs else n, squeeze=False,
                             figsize=(6, 5) if pairs else (3 * n, 3 * n))
    fig.suptitle("Contour Plot")
    cmap = "Blues_r" if target is None and study.direction.name == "MINIMIZE" else "Blues"
    for i in range(1 if pairs else n):
        for j in range(1 if pairs else n):
            ax = axes[i][j]
            xn, yn = pairs[0] if pairs else (names[j], names[i])
            if not pairs and i == j:
                ax.axis("off")
                continue
            have = [t for t in trials if xn in t.params and yn in t.params]
            xs, _ = _data.numeric_axis(have, xn)
            ys, _ = _data.numeric_axis(have, yn)
            zs = [_data.value_of(t, target) for t in have]
            xl, yl = _data.is_log(have, xn), _data.is_log(have, yn)
            if len(have) >= 2 and len(set(xs)) > 1 and len(set(ys)) > 1:
                gx, gy, gz = _data.grid_surface(xs, ys, zs, xl, yl)
                cs = ax.contourf(gx, gy, gz, levels=15, cmap=cmap)
                if pairs:
                    fig.colorbar(cs, ax=ax, label=target_name)
            ax.scatter(xs, ys, color="black", edgecolors="grey", s=10)
            if xl:
                ax.set_xscale("log")
            if yl:
                ax.set_yscale("log")
            ax.set_xlabel(xn)
            ax.set_ylabel(yn)
    return axes[0][0] if pairs else axes


def plot_parallel_coordinate(study, params=None, *, target=None, target_name="Objective Value"):
    plt = _plt()
    names, cols, cats, trials = _data.parallel(study, params, target)
    ax = _axes("Parallel Coordinate Plot")
    labels = [target_name] + names
    scaled = []
    for k, col in enumerate(cols):
        vals = [math.log10(v) for v in col] if k and cats[k] is None and \
            _data.is_log(trials, names[k - 1]) else list(col)
        lo, hi = (min(vals), max(vals)) if vals else (0, 1)
        scaled.append([(v - lo) / (hi - lo) if hi > lo else 0.5 for v in vals])
    cmap = plt.get_cmap("Blues_r" if target is None and study.direction.name == "MINIMIZE"
                        else "Blues")
    for r in range(len(trials)):
        ax.plot(range(len(cols)), [s[r] for s in scaled], color=cmap(scaled[0][r]), alpha=0.7)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30)
    ax.set_yticks([])
    for k in range(len(cols)):
        ax.axvline(k, color="grey", linewidth=0.8)
    return ax


def plot_pareto_front(study, *, target_names=None, include_dominated_trials=True,
                      axis_order=None, targets=None):
    from ...trial import TrialState
    if len(study.directions) != 2 and targets is None:
        raise ValueError("the matplotlib Pareto front supports 2 objectives "
                         "(or `targets` giving two values)")
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    values = {t.number: list(targets(t)) if targets else list(t.values) for t in trials}
    order = list(axis_order) if axis_order is not None else [0, 1]
    names = list(target_names) if target_names else ["Objective 0", "Objective 1"]
    best = {t.number for t in study.best_trials} if targets is None else set()
    ax = _axes("Pareto-front Plot", names[order[0]], names[order[1]])
    rest = [values[t.number] for t in trials if t.number not in best]
    front = [values[t.number] for t in trials if t.number in best]
    if include_dominated_trials and rest:
        ax.scatter([v[order[0]] for v in rest], [v[order[1]] for v in rest], color="tab:blue",
                   label="Trial")
    if front:
        ax.scatter([v[order[0]] for v in front], [v[order[1]] for v in front], color="tab:red",
                   label="Best Trial")
    ax.legend()
    return ax


_STATE_COLORS = {"COMPLETE": "tab:blue", "FAIL": "tab:red", "PRUNED": "tab:orange",
                 "RUNNING": "tab:green", "WAITING": "tab:gray"}


def plot_timeline(study, n_recent_trials=None):
    import matplotlib.dates as mdates
    bars = _data.timeline(study)
    if n_recent_trials is not None:
        bars = bars[-n_recent_trials:]
    ax = _axes("Timeline Plot", "Datetime", "Trial")
    for state, color in _STATE_COLORS.items():
        mine = [b for b in bars if b[0].state.name == state]
        if mine:
            ax.barh([t.number for t, _, _ in mine],
                    [(e - s).total_seconds() / 86400 for _, s, e in mine],
                    left=[mdates.date2num(s) for _, s, _ in mine], color=color, label=state)
    ax.xaxis_date()
    ax.legend()
    return ax


def plot_edf(study, *, target=None, target_name="Objective Value"):
    ax = _axes("Empirical Distribution Function Plot", target_name, "Cumulative Probability")
    x, lines = _data.edf(_data.studies_of(study), target)
    for name, y in lines:
        ax.plot(x, y, label=name)
    if lines:
        ax.legend()
    return ax


def _rank_cell(ax, trials, colors, xn, yn):
    keep = [i for i, t in enumerate(trials) if xn in t.params and yn in t.params]
    sub = [trials[i] for i in keep]
    xs, _ = _data.numeric_axis(sub, xn)
    ys, _ = _data.numeric_axis(sub, yn)
    ax.scatter(xs, ys, c=[colors[i] for i in keep], edgecolors="grey", linewidths=0.5)
    if _data.is_log(sub, xn):
        ax.set_xscale("log")
    if _data.is_log(sub, yn):
        ax.set_yscale("log")


def plot_rank(study, params=None, *, target=None, target_name="Objective Value"):
    plt = _plt()
    names, trials, values, frac, bad = _data.rank(study, params, target)
    if not names:
        return _axes(f"Rank ({target_name})")
    cmap = plt.get_cmap("RdYlBu_r")
    colors = [(0.8, 0.8, 0.8, 1.0) if b else cmap(f) for f, b in zip(frac, bad)]
    k = 1 if len(names) == 2 else len(names)
    fig, axes = plt.subplots(k, k, squeeze=False, figsize=(4 * k, 4 * k))
    fig.suptitle(f"Rank ({target_name})")
    cells = [(0, 0, names[0], names[1])] if len(names) == 2 else \
        [(yi, xi, xn, yn) for xi, xn in enumerate(names) for yi, yn in enumerate(names)]
    for yi, xi, xn, yn in cells:
        ax = axes[yi][xi]
        _rank_cell(ax, trials, colors, xn, yn)
        if yi == k - 1:
            ax.set_xlabel(xn)
        if xi == 0:
            ax.set_ylabel(yn)
    bar = fig.colorbar(plt.cm.ScalarMappable(cmap=cmap), ax=axes, ticks=[0, 0.5, 1])
    bar.set_label(target_name)
    return axes[0][0] if k == 1 else axes


def plot_hypervolume_history(study, reference_point):
    from .._hypervolume_history import history
    numbers, volumes = history(study, reference_point)
    ax = _axes("Hypervolume History Plot", "Trial", "Hypervolume")
    ax.plot(numbers, volumes, marker="o", markersize=3)
    return ax
