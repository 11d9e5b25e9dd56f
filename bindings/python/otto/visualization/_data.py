"""What each plot shows, as plain lists, shared by the plotly figures
(_plotly.py) and the matplotlib ones (matplotlib/): which trials, which
values, Optuna's rules for targets and multi-objective studies."""
import math

from ..distributions import CategoricalDistribution
from ..trial import TrialState


def check_target(study, target):
    if target is None and len(study.directions) > 1:
        raise ValueError("If the `study` is being used for multi-objective optimization, "
                         "please specify the `target`.")


def value_of(trial, target):
    return target(trial) if target is not None else trial.value


def complete_trials(study, target=None):
    """COMPLETE trials whose target is finite."""
    out = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        v = value_of(t, target)
        if v is not None and math.isfinite(v):
            out.append(t)
    return out


def history(study, target):
    """(trial numbers, values, best so far) of one study's COMPLETE trials."""
    check_target(study, target)
    trials = complete_trials(study, target)
    numbers = [t.number for t in trials]
    values = [value_of(t, target) for t in trials]
    best = []
    if target is None:
        better = max if study.direction.name == "MAXIMIZE" else min
        for v in values:
            best.append(v if not best else better(best[-1], v))
    return numbers, values, best


def intermediate(study):
    """[(trial, steps, values)] of the trials that reported."""
    out = []
    for t in study.get_trials(deepcopy=False):
        if t.intermediate_values:
            steps = sorted(t.intermediate_values)
            out.append((t, steps, [t.intermediate_values[s] for s in steps]))
    return out


def param_names(study, params, trials):
    """The params to plot: the given ones (each must occur), else every
    param of the trials, sorted."""
    seen = sorted({p for t in trials for p in t.params})
    if params is None:
        return seen
    missing = [p for p in params if p not in seen]
    if missing:
        raise ValueError(f"Parameter {missing[0]} does not exist in your study.")
    return list(params)


def distribution(trials, name):
    for t in trials:
        if name in t.distributions:
            return t.distributions[name]
    return None


def is_log(trials, name):
    d = distribution(trials, name)
    return bool(getattr(d, "log", False))


def axis_values(trials, name):
    """Values of a param for plotting: categorical labels as str (plotly
    and matplotlib place them as categories), numbers as they are."""
    d = distribution(trials, name)
    if isinstance(d, CategoricalDistribution):
        return [str(t.params[name]) for t in trials], [str(c) for c in d.choices]
    return [t.params[name] for t in trials], None


def slices(study, params, target):
    """[(name, xs, ys, trial numbers, log, categories)] per param."""
    check_target(study, target)
    trials = complete_trials(study, target)
    out = []
    for name in param_names(study, params, trials):
        having = [t for t in trials if name in t.params]
        xs, cats = axis_values(having, name)
        out.append((name, xs, [value_of(t, target) for t in having],
                    [t.number for t in having], is_log(having, name), cats))
    return out


def grid_surface(xs, ys, zs, x_log, y_log, n=50):
    """z between the trials on an n x n grid, by inverse-distance weighting
    (power 4) in each axis's own scale normalized to [0, 1]."""
    import numpy as np  # a plotting package's dependency anyway; not otto's
    def scale(v, log):
        v = np.log10(np.asarray(v, float)) if log else np.asarray(v, float)
        lo, hi = float(v.min()), float(v.max())
        return (v - lo) / (hi - lo if hi > lo else 1.0), lo, hi

    sx, xlo, xhi = scale(xs, x_log)
    sy, ylo, yhi = scale(ys, y_log)
    gx, gy = np.linspace(0, 1, n), np.linspace(0, 1, n)
    dx = gx[None, :, None] - sx[None, None, :]
    dy = gy[:, None, None] - sy[None, None, :]
    w = 1.0 / (dx * dx + dy * dy + 1e-6) ** 2
    z = (w * np.asarray(zs, float)).sum(axis=2) / w.sum(axis=2)

    def unscale(g, lo, hi, log):
        v = lo + g * (hi - lo)
        return list(10 ** v) if log else list(v)
    return unscale(gx, xlo, xhi, x_log), unscale(gy, ylo, yhi, y_log), z


def numeric_axis(trials, name):
    """A param's values as numbers (categoricals as choice indices)."""
    d = distribution(trials, name)
    if isinstance(d, CategoricalDistribution):
        return [d.to_internal_repr(t.params[name]) for t in trials], [str(c) for c in d.choices]
    return [t.params[name] for t in trials], None


def parallel(study, params, target):
    """(names, columns) where column 0 is the target and the rest the
    params, over the COMPLETE trials that have every param; and the
    categories of each param column (None for numbers)."""
    check_target(study, target)
    trials = complete_trials(study, target)
    names = param_names(study, params, trials)
    trials = [t for t in trials if all(n in t.params for n in names)]
    cols, cats = [[value_of(t, target) for t in trials]], [None]
    for n in names:
        v, c = numeric_axis(trials, n)
        cols.append(v)
        cats.append(c)
    return names, cols, cats, trials


def timeline(study):
    """[(trial, start, complete)] with datetimes; running trials end now."""
    import datetime
    trials = study.get_trials(deepcopy=False)
    ends = [t.datetime_complete for t in trials if t.datetime_complete]
    last = max(ends) if ends else datetime.datetime.now()
    out = []
    for t in trials:
        start = t.datetime_start or last
        end = t.datetime_complete or (datetime.datetime.now() if t.state == TrialState.RUNNING
                                      else start + datetime.timedelta(seconds=1))
        out.append((t, start, end))
    return out


def edf(studies, target):
    """(x grid, [(study name, cumulative fractions)])."""
    import numpy as np
    values = []
    for s in studies:
        check_target(s, target)
        values.append(np.array([value_of(t, target) for t in complete_trials(s, target)]))
    every = np.concatenate(values) if values else np.array([])
    if every.size == 0:
        return [], []
    x = np.linspace(every.min(), every.max(), 100)
    return list(x), [(s.study_name, list((v[:, None] <= x[None, :]).mean(axis=0) if v.size
                                         else np.zeros_like(x)))
                     for s, v in zip(studies, values)]


def studies_of(study):
    return list(study) if isinstance(study, (list, tuple)) else [study]


def average_ranks(values):
    """Each value's position in the sorted values, ties sharing the mean
    of their positions (0 = smallest)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0
        i = j + 1
    return ranks


def infeasible(trial):
    """1 when a trial's constraints (positional or named) are violated."""
    c = getattr(trial, "constraints", None)
    if isinstance(c, dict):
        c = list(c.values())
    return bool(c) and any(v > 0.0 for v in c)


def rank(study, params, target):
    """(names, trials, values, color fractions in [0, 1] by rank of the
    target with ties averaged, infeasible flags) over the COMPLETE trials
    with a finite target, as Optuna's plot_rank colors them."""
    check_target(study, target)
    trials = complete_trials(study, target)
    names = param_names(study, params, trials) if trials else []
    values = [value_of(t, target) for t in trials]
    r = average_ranks(values)
    frac = [x / (len(r) - 1) for x in r] if len(r) >= 2 else [0.5] * len(r)
    return names, trials, values, frac, [infeasible(t) for t in trials]


def padded_range(trials, name, ratio=0.05):
    """(low, high, log, categorical) of a param's axis, padded by ratio of
    its span (in log10 for log params; categories counted as 0..k-1)."""
    d = distribution(trials, name)
    having = [t for t in trials if name in t.params]
    if isinstance(d, CategoricalDistribution):
        span = len({str(t.params[name]) for t in having}) - 1
        return -span * ratio, span * (1 + ratio), False, True
    xs = [float(t.params[name]) for t in having]
    lo, hi = min(xs), max(xs)
    if is_log(having, name):
        a, b = math.log10(lo), math.log10(hi)
        pad = (b - a) * ratio
        return 10 ** (a - pad), 10 ** (b + pad), True, False
    pad = (hi - lo) * ratio
    return lo - pad, hi + pad, False, False
