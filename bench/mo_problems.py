"""Multi-objective benchmark problems, one definition for every MO comparison
(bench/compare_mo.py): ZDT1/2/3/4/6 (6 variables), DTLZ1/2/3/4/7 (3
objectives, 7 variables), DTLZ2 with 4 objectives, WFG4 and WFG9 (k=4, l=4;
2 and 3 objectives), FON, KUR, the constrained BNH, SRN, TNK and CONSTR, and
four mixed float/log/int/categorical bi-objective problems.

Every objective is minimized. Each problem is a Problem(name, n_objectives,
objective, reference, constraints, split): objective(trial) suggests its
params through the Optuna-shaped trial API (so it runs on otto and Optuna
alike) and returns the objective values; constraints(params) returns
constraint values (feasible when all <= 0; None for an unconstrained
problem), to be given as a sampler's constraints_func via
`constraints_func(problem)`; reference is the fixed hypervolume reference
point; split is "listed" for issue 28's own problems (ZDT1/2/3, 3-objective
DTLZ2 and DTLZ7, `mixed`, and `bnh` standing for the issue's unnamed
constrained bi-objective) and "heldout" for the others, on which the issue's
bars are judged. `front_hypervolume(points, reference)` scores a
set of objective vectors through C's otto_hypervolume. Run this file to
check the WFG and CONSTR definitions against their known fronts."""
import math
from collections import namedtuple

import otto.hypervolume

Problem = namedtuple("Problem", "name n_objectives objective reference constraints split")
LISTED = ("zdt1", "zdt2", "zdt3", "dtlz2", "dtlz7", "mixed", "bnh")
MIXED = ("mixed", "mixed-steps", "zdt1-mixed", "shape-mixed")  # int/categorical params


def _xs(trial, n, low=0.0, high=1.0):
    return [trial.suggest_float(f"x{i}", low, high) for i in range(n)]


# ---- ZDT (Zitzler, Deb, Thiele 2000), n = 6 ------------------------------------------

def _zdt(kind, n=6):
    def objective(trial):
        if kind == 4:
            x = [trial.suggest_float("x0", 0.0, 1.0)] + [
                trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(1, n)]
        else:
            x = _xs(trial, n)
        f1 = x[0]
        rest = x[1:]
        if kind == 4:
            g = 1 + 10 * (n - 1) + sum(v * v - 10 * math.cos(4 * math.pi * v) for v in rest)
        elif kind == 6:
            f1 = 1 - math.exp(-4 * x[0]) * math.sin(6 * math.pi * x[0]) ** 6
            g = 1 + 9 * (sum(rest) / (n - 1)) ** 0.25
        else:
            g = 1 + 9 * sum(rest) / (n - 1)
        if kind in (1, 4):
            h = 1 - math.sqrt(f1 / g)
        elif kind in (2, 6):
            h = 1 - (f1 / g) ** 2
        else:  # 3
            h = 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1)
        return f1, g * h
    return objective


# ---- DTLZ (Deb, Thiele, Laumanns, Zitzler 2005), n = M + k - 1 ---------------------------

def _dtlz(kind, m=3, k=5):
    n = m + k - 1

    def objective(trial):
        x = _xs(trial, n)
        xm = x[m - 1:]
        if kind in (1, 3):
            g = 100 * (k + sum((v - 0.5) ** 2 - math.cos(20 * math.pi * (v - 0.5)) for v in xm))
        elif kind == 7:
            g = 1 + 9 / k * sum(xm)
        else:
            g = sum((v - 0.5) ** 2 for v in xm)
        if kind == 1:
            f = []
            for i in range(m):
                v = 0.5 * (1 + g)
                for j in range(m - 1 - i):
                    v *= x[j]
                if i > 0:
                    v *= 1 - x[m - 1 - i]
                f.append(v)
            return tuple(f)
        if kind == 7:
            f = list(x[:m - 1])
            h = m - sum(fi / (1 + g) * (1 + math.sin(3 * math.pi * fi)) for fi in f)
            return tuple(f + [(1 + g) * h])
        alpha = 100.0 if kind == 4 else 1.0
        th = [v ** alpha * math.pi / 2 for v in x[:m - 1]]
        f = []
        for i in range(m):
            v = 1 + g
            for j in range(m - 1 - i):
                v *= math.cos(th[j])
            if i > 0:
                v *= math.sin(th[m - 1 - i])
            f.append(v)
        return tuple(f)
    return objective


# ---- classic bi-objective problems ---------------------------------------------------------

def _fon(trial):
    x = _xs(trial, 3, -4.0, 4.0)
    s = 1 / math.sqrt(3)
    return (1 - math.exp(-sum((v - s) ** 2 for v in x)),
            1 - math.exp(-sum((v + s) ** 2 for v in x)))


def _kur(trial):
    x = _xs(trial, 3, -5.0, 5.0)
    f1 = sum(-10 * math.exp(-0.2 * math.sqrt(x[i] ** 2 + x[i + 1] ** 2)) for i in range(2))
    f2 = sum(abs(v) ** 0.8 + 5 * math.sin(v ** 3) for v in x)
    return f1, f2


def _bnh(trial):
    x = trial.suggest_float("x", 0.0, 5.0)
    y = trial.suggest_float("y", 0.0, 3.0)
    return 4 * x * x + 4 * y * y, (x - 5) ** 2 + (y - 5) ** 2


def _bnh_c(p):
    x, y = p["x"], p["y"]
    return ((x - 5) ** 2 + y ** 2 - 25, 7.7 - (x - 8) ** 2 - (y + 3) ** 2)


def _srn(trial):
    x = trial.suggest_float("x", -20.0, 20.0)
    y = trial.suggest_float("y", -20.0, 20.0)
    return 2 + (x - 2) ** 2 + (y - 1) ** 2, 9 * x - (y - 1) ** 2


def _srn_c(p):
    x, y = p["x"], p["y"]
    return (x * x + y * y - 225, x - 3 * y + 10)


def _tnk(trial):
    return trial.suggest_float("x", 1e-9, math.pi), trial.suggest_float("y", 1e-9, math.pi)


def _tnk_c(p):
    x, y = p["x"], p["y"]
    return (-(x * x + y * y - 1 - 0.1 * math.cos(16 * math.atan(x / y))),
            (x - 0.5) ** 2 + (y - 0.5) ** 2 - 0.5)


_CAT = {"relu": (0.0, 0.5), "tanh": (0.3, 0.0), "gelu": (0.1, 0.2)}


def _mixed(trial):
    """A float, a log-scale float, an int and a categorical: a model-tuning
    shaped trade-off (error against cost)."""
    x = trial.suggest_float("x", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    layers = trial.suggest_int("layers", 1, 8)
    act = trial.suggest_categorical("act", list(_CAT))
    a, b = _CAT[act]
    z = math.log10(lr)
    f1 = (x - 1) ** 2 / 4 + (z + 2.5) ** 2 / 2 + a + 2.0 / layers
    f2 = (x + 1) ** 2 / 4 + (z + 3.5) ** 2 / 2 + b + 0.3 * layers
    return f1, f2


def _constr_values(trial):
    """CONSTR (Deb 2001): bi-objective, two linear constraints."""
    x = trial.suggest_float("x", 0.1, 1.0)
    y = trial.suggest_float("y", 0.0, 5.0)
    return x, (1 + y) / x


def _constr_c(p):
    x, y = p["x"], p["y"]
    return (6 - (y + 9 * x), 1 - (-y + 9 * x))


def _mixed_steps(trial):
    """ZDT1-like over a log float, a stepped int, an int and a categorical."""
    lr = trial.suggest_float("lr", 1e-4, 1, log=True)
    width = trial.suggest_int("width", 0, 64, step=4)
    depth = trial.suggest_int("depth", 1, 8)
    act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
    x = trial.suggest_float("x", 0, 1)
    u = (math.log10(lr) + 4) / 4
    g = 1 + 9 * (width / 64 + (depth - 1) / 7 + {"relu": 0.5, "tanh": 1, "gelu": 0}[act]
                 + abs(x - 0.3)) / 4
    return u, g * (1 - math.sqrt(u / g))


def _zdt1_mixed(trial):
    """ZDT1 whose distance variables are two ints, a categorical and a log float."""
    x0 = trial.suggest_float("x0", 0, 1)
    ints = [trial.suggest_int(f"i{i}", 0, 10) / 10 for i in range(2)]
    c = trial.suggest_categorical("c", ["0", "0.5", "1"])
    x4 = trial.suggest_float("x4", 1e-3, 1, log=True)
    rest = ints + [float(c), x4]
    g = 1 + 9 * sum(rest) / len(rest)
    return x0, g * (1 - math.sqrt(x0 / g))


def _shape_mixed(trial):
    """A categorical chooses the front's shape (convex, linear, concave)."""
    shape = trial.suggest_categorical("shape", ["convex", "linear", "concave"])
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)]
    n = trial.suggest_int("n", 0, 4)
    g = 1 + 2 * sum(x[1:]) + 0.5 * n
    r = x[0]
    h = {"convex": 1 - math.sqrt(r), "linear": 1.2 - r, "concave": 1.4 - r * r}[shape]
    return x[0], g * h


# ---- WFG (Huband, Hingston, Barone, While 2006), k position + l distance params ----------
# Variables z_i in [0, 2i] (i = 1..n), normalized to y_i = z_i / (2i); transformations
# map [0, 1] to [0, 1] (clamped against rounding); the concave shape with D = 1 and
# S_m = 2m gives f_m = x_M + 2m h_m(x_1..x_{M-1}), so the front is sum (f_m / 2m)^2 = 1.

def _clamp01(v):
    return min(1.0, max(0.0, v))


def _s_multi(y, a, b, c):
    t = abs(y - c) / (2.0 * (math.floor(c - y) + c))
    return _clamp01((1.0 + math.cos((4.0 * a + 2.0) * math.pi * (0.5 - t)) + 4.0 * b * t * t)
                    / (b + 2.0))


def _s_decept(y, a, b, c):
    t1 = math.floor(y - a + b) * (1.0 - c + (a - b) / b) / (a - b)
    t2 = math.floor(a + b - y) * (1.0 - c + (1.0 - a - b) / b) / (1.0 - a - b)
    return _clamp01(1.0 + (abs(y - a) - b) * (t1 + t2 + 1.0 / b))


def _b_param_exponent(u, a, b, c):
    return b + (c - b) * (a - (1.0 - 2.0 * u) * abs(math.floor(0.5 - u) + a))


def _r_sum(ys):
    return sum(ys) / len(ys)


def _r_nonsep(ys, a):
    n = len(ys)
    total = 0.0
    for j in range(n):
        total += ys[j]
        for k in range(a - 1):
            total += abs(ys[j] - ys[(j + k + 1) % n])
    half = math.ceil(a / 2)
    return _clamp01(total / (n / a * half * (1 + 2 * a - 2 * half)))


def _wfg_concave(t):
    """Objective values of the transformed vector t (x_i = t_i: A_i = 1)."""
    m = len(t)
    x = t[:m - 1]
    f = []
    for i in range(1, m + 1):
        h = 1.0
        for v in x[:m - i]:
            h *= math.sin(v * math.pi / 2)
        if i > 1:
            h *= math.cos(x[m - i] * math.pi / 2)
        f.append(t[m - 1] + 2 * i * h)
    return tuple(f)


def _wfg_transform(kind, y, m, k):
    """WFG4 or WFG9's transformations of the normalized vector y, down to M values."""
    n = len(y)
    g = k // (m - 1)
    if kind == 4:
        y = [_s_multi(v, 30, 10, 0.35) for v in y]
        return [_r_sum(y[i * g:(i + 1) * g]) for i in range(m - 1)] + [_r_sum(y[k:])]
    y = [_clamp01(y[i] ** _b_param_exponent(_r_sum(y[i + 1:]), 0.98 / 49.98, 0.02, 50))
         for i in range(n - 1)] + [y[n - 1]]
    y = [_s_decept(v, 0.35, 0.001, 0.05) for v in y[:k]] + \
        [_s_multi(v, 30, 95, 0.35) for v in y[k:]]
    return [_r_nonsep(y[i * g:(i + 1) * g], g) for i in range(m - 1)] + \
        [_r_nonsep(y[k:], n - k)]


def _wfg(kind, m, k=4, l=4):
    n = k + l

    def objective(trial):
        z = [trial.suggest_float(f"x{i}", 0.0, 2.0 * (i + 1)) for i in range(n)]
        y = [_clamp01(v / (2.0 * (i + 1))) for i, v in enumerate(z)]
        return _wfg_concave(_wfg_transform(kind, y, m, k))
    return objective


def _wfg_optimal_z(kind, positions, k=4, l=4):
    """A Pareto-optimal z for the given k normalized position values: WFG4's
    distance params at 0.35; WFG9's solved from the last one backwards so that
    each b_param yields 0.35."""
    y = list(positions) + [0.35] * l
    if kind == 9:
        for i in range(k + l - 2, k - 1, -1):
            y[i] = 0.35 ** (1.0 / _b_param_exponent(_r_sum(y[i + 1:]), 0.98 / 49.98, 0.02, 50))
    return [v * 2.0 * (i + 1) for i, v in enumerate(y)]


def problems():
    """The suite: 25 problems, 2-4 objectives, 5 constrained, 4 mixed.
    Each reference point lies beyond every value its objective can take over
    the (feasible) search space, so every evaluated point counts and a
    hypervolume gap is the volume between two fronts, whatever the budget."""
    suite = [
        ("zdt1", 2, _zdt(1), (1.1, 11.0), None),
        ("zdt2", 2, _zdt(2), (1.1, 11.0), None),
        ("zdt3", 2, _zdt(3), (1.1, 11.0), None),
        ("zdt4", 2, _zdt(4), (1.1, 250.0), None),
        ("zdt6", 2, _zdt(6), (1.1, 11.0), None),
        ("dtlz1", 3, _dtlz(1), (600.0, 600.0, 600.0), None),
        ("dtlz2", 3, _dtlz(2), (2.5, 2.5, 2.5), None),
        ("dtlz3", 3, _dtlz(3), (1200.0, 1200.0, 1200.0), None),
        ("dtlz4", 3, _dtlz(4), (2.5, 2.5, 2.5), None),
        ("dtlz7", 3, _dtlz(7), (1.1, 1.1, 35.0), None),
        ("dtlz2-4obj", 4, _dtlz(2, m=4), (2.5, 2.5, 2.5, 2.5), None),
        ("wfg4-2obj", 2, _wfg(4, 2), (3.3, 5.5), None),
        ("wfg4-3obj", 3, _wfg(4, 3), (3.3, 5.5, 7.7), None),
        ("wfg9-2obj", 2, _wfg(9, 2), (3.3, 5.5), None),
        ("wfg9-3obj", 3, _wfg(9, 3), (3.3, 5.5, 7.7), None),
        ("fon", 2, _fon, (1.1, 1.1), None),
        ("kur", 2, _kur, (-4.0, 27.0), None),
        ("bnh", 2, _bnh, (140.0, 52.0), _bnh_c),
        ("srn", 2, _srn, (600.0, 140.0), _srn_c),
        ("tnk", 2, _tnk, (1.3, 1.3), _tnk_c),
        ("constr", 2, _constr_values, (1.1, 10.0), _constr_c),
        ("mixed", 2, _mixed, (15.0, 18.0), None),
        ("mixed-steps", 2, _mixed_steps, (1.1, 11.0), None),
        ("zdt1-mixed", 2, _zdt1_mixed, (1.1, 11.0), None),
        ("shape-mixed", 2, _shape_mixed, (1.1, 11.0), None),
    ]
    return [Problem(*p, "listed" if p[0] in LISTED else "heldout") for p in suite]


def kind(problem):
    """"mixed" (int or categorical params), "constrained" or "continuous"."""
    if problem.name in MIXED:
        return "mixed"
    return "constrained" if problem.constraints is not None else "continuous"


def constraints_func(problem):
    """A sampler's constraints_func(frozen_trial) for the problem, or None."""
    if problem.constraints is None:
        return None
    return lambda frozen: problem.constraints(frozen.params)


def front_hypervolume(points, reference):
    """Hypervolume (minimization) of the objective vectors in `points` below
    `reference`; the others add nothing (C's otto_hypervolume)."""
    inside = [p for p in points if all(v <= r for v, r in zip(p, reference))]
    return otto.hypervolume.compute_hypervolume(inside, reference)


class _FixedParams:
    """A trial whose suggest_* calls return given params (for the self-check)."""

    def __init__(self, params):
        self.params = params

    def suggest_float(self, name, low, high, log=False):
        return self.params[name]


def self_check(samples=2000):
    """Check the WFG and CONSTR definitions against their known fronts:
    optimal WFG4/WFG9 points lie on sum (f_m / 2m)^2 = 1 and seeded uniform
    points on or beyond it; no feasible uniform CONSTR point lies below its
    front f2 = (7 - 9 f1) / f1 (f1 <= 2/3), 1 / f1 (beyond). Raises
    AssertionError on a mismatch; returns the number of points checked."""
    import random
    rng = random.Random(2006)
    checked = 0
    for kind in (4, 9):
        for m in (2, 3):
            f = _wfg(kind, m)
            for _ in range(samples):
                pos = [rng.random() for _ in range(4)]
                z = _wfg_optimal_z(kind, pos)
                opt = f(_FixedParams({f"x{i}": v for i, v in enumerate(z)}))
                s = sum((v / (2 * (i + 1))) ** 2 for i, v in enumerate(opt))
                assert abs(s - 1) < 1e-9, (kind, m, pos, opt, s)
                z = [rng.uniform(0, 2 * (i + 1)) for i in range(8)]
                any_point = f(_FixedParams({f"x{i}": v for i, v in enumerate(z)}))
                s = sum((v / (2 * (i + 1))) ** 2 for i, v in enumerate(any_point))
                assert s >= 1 - 1e-9, (kind, m, z, any_point, s)
                checked += 2
    for _ in range(samples):
        p = {"x": rng.uniform(0.1, 1.0), "y": rng.uniform(0.0, 5.0)}
        if all(c <= 0 for c in _constr_c(p)):
            f1, f2 = _constr_values(_FixedParams(p))
            front = (7 - 9 * f1) / f1 if f1 <= 2 / 3 else 1 / f1
            assert f2 >= front - 1e-9, (p, f1, f2, front)
            checked += 1
    return checked


if __name__ == "__main__":
    print(f"mo_problems: {len(problems())} problems; known fronts hold at "
          f"{self_check()} points")
