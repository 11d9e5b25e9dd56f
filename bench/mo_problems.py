"""Multi-objective benchmark problems for otto's and Optuna's samplers
(bench/compare_mo_tpe.py; reusable by the NSGA-II and GP-EHVI comparisons):
ZDT1/2/3/4/6 (6 variables), DTLZ1/2/3/4/7 (3 objectives, 7 variables),
DTLZ2 with 4 objectives, FON, KUR, the constrained BNH, SRN and TNK, and a
mixed float/log/int/categorical bi-objective problem.

Every objective is minimized. Each problem is a Problem(name, n_objectives,
objective, reference, constraints): objective(trial) suggests its params
through the Optuna-shaped trial API (so it runs on otto and Optuna alike) and
returns the objective values; constraints(params) returns constraint values
(feasible when all <= 0; None for an unconstrained problem), to be given as
a sampler's constraints_func via `constraints_func(problem)`; reference is
the fixed hypervolume reference point. `front_hypervolume(points, reference)`
scores a set of objective vectors through C's otto_hypervolume."""
import math
from collections import namedtuple

import otto.hypervolume

Problem = namedtuple("Problem", "name n_objectives objective reference constraints")


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


def problems():
    """The suite: 17 problems, 2-4 objectives, 4 of them constrained or mixed.
    Each reference point lies beyond every value its objective can take over
    the (feasible) search space, so every evaluated point counts and a
    hypervolume gap is the volume between two fronts, whatever the budget."""
    return [
        Problem("zdt1", 2, _zdt(1), (1.1, 11.0), None),
        Problem("zdt2", 2, _zdt(2), (1.1, 11.0), None),
        Problem("zdt3", 2, _zdt(3), (1.1, 11.0), None),
        Problem("zdt4", 2, _zdt(4), (1.1, 250.0), None),
        Problem("zdt6", 2, _zdt(6), (1.1, 11.0), None),
        Problem("dtlz1", 3, _dtlz(1), (600.0, 600.0, 600.0), None),
        Problem("dtlz2", 3, _dtlz(2), (2.5, 2.5, 2.5), None),
        Problem("dtlz3", 3, _dtlz(3), (1200.0, 1200.0, 1200.0), None),
        Problem("dtlz4", 3, _dtlz(4), (2.5, 2.5, 2.5), None),
        Problem("dtlz7", 3, _dtlz(7), (1.1, 1.1, 35.0), None),
        Problem("dtlz2-4obj", 4, _dtlz(2, m=4), (2.5, 2.5, 2.5, 2.5), None),
        Problem("fon", 2, _fon, (1.1, 1.1), None),
        Problem("kur", 2, _kur, (-4.0, 27.0), None),
        Problem("bnh", 2, _bnh, (140.0, 52.0), _bnh_c),
        Problem("srn", 2, _srn, (600.0, 140.0), _srn_c),
        Problem("tnk", 2, _tnk, (1.3, 1.3), _tnk_c),
        Problem("mixed", 2, _mixed, (15.0, 18.0), None),
    ]


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
