"""Multi-objective test problems for bench/nsga_compare.py: ZDT1-4 and 6
(Zitzler, Deb and Thiele 2000), DTLZ1-4 and 7 with three objectives (Deb,
Thiele, Laumanns and Zitzler 2002), Fonseca-Fleming and Kursawe, the
constrained BNH, SRN, TNK and CONSTR (Deb's book, 2001), and a mixed
int/categorical/log problem. Every objective is minimized.

A problem is (name, n_objectives, suggest, evaluate): suggest(trial) asks
for the params define-by-run (suggest_float/int/categorical, the same calls
on otto's and Optuna's trials) and returns them; evaluate(x) returns
(objective values, constraint values or None), feasible when all <= 0."""
import math

PI = math.pi


def floats(n, low=0.0, high=1.0):
    def suggest(trial):
        return [trial.suggest_float(f"x{i}", low, high) for i in range(n)]
    return suggest


def zdt(kind, n=10):
    def evaluate(x):
        if kind == 4:
            g = 1 + 10 * (n - 1) + sum(v * v - 10 * math.cos(4 * PI * v) for v in x[1:])
        elif kind == 6:
            g = 1 + 9 * (sum(x[1:]) / (n - 1)) ** 0.25
        else:
            g = 1 + 9 * sum(x[1:]) / (n - 1)
        f1 = 1 - math.exp(-4 * x[0]) * math.sin(6 * PI * x[0]) ** 6 if kind == 6 else x[0]
        if kind in (1, 4):
            h = 1 - math.sqrt(f1 / g)
        elif kind in (2, 6):
            h = 1 - (f1 / g) ** 2
        else:
            h = 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * PI * f1)
        return (f1, g * h), None

    if kind == 4:  # x0 in [0, 1], the others in [-5, 5]
        def suggest(trial):
            return [trial.suggest_float("x0", 0, 1)] + \
                [trial.suggest_float(f"x{i}", -5, 5) for i in range(1, n)]
    else:
        suggest = floats(n)
    return (f"ZDT{kind}", 2, suggest, evaluate)


def dtlz(kind, m=3, k=None):
    k = k or (5 if kind == 1 else 20 if kind == 7 else 10)
    n = m + k - 1

    def evaluate(x):
        xm = x[m - 1:]
        if kind in (1, 3):
            g = 100 * (k + sum((v - 0.5) ** 2 - math.cos(20 * PI * (v - 0.5)) for v in xm))
        elif kind == 7:
            g = 1 + 9 * sum(xm) / k
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
            return tuple(f), None
        if kind == 7:
            f = list(x[:m - 1])
            h = m - sum(fi / (1 + g) * (1 + math.sin(3 * PI * fi)) for fi in f)
            return tuple(f + [(1 + g) * h]), None
        y = [v ** 100 for v in x[:m - 1]] if kind == 4 else x[:m - 1]
        f = []
        for i in range(m):
            v = 1 + g
            for j in range(m - 1 - i):
                v *= math.cos(y[j] * PI / 2)
            if i > 0:
                v *= math.sin(y[m - 1 - i] * PI / 2)
            f.append(v)
        return tuple(f), None
    return (f"DTLZ{kind}", m, floats(n), evaluate)


def fonseca(n=3):
    s = 1 / math.sqrt(n)

    def evaluate(x):
        return (1 - math.exp(-sum((v - s) ** 2 for v in x)),
                1 - math.exp(-sum((v + s) ** 2 for v in x))), None
    return ("FON", 2, floats(n, -4, 4), evaluate)


def kursawe():
    def evaluate(x):
        f1 = sum(-10 * math.exp(-0.2 * math.sqrt(x[i] ** 2 + x[i + 1] ** 2)) for i in range(2))
        f2 = sum(abs(v) ** 0.8 + 5 * math.sin(v ** 3) for v in x)
        return (f1, f2), None
    return ("KUR", 2, floats(3, -5, 5), evaluate)


def bnh():
    def suggest(trial):
        return [trial.suggest_float("x", 0, 5), trial.suggest_float("y", 0, 3)]

    def evaluate(v):
        x, y = v
        return (4 * x * x + 4 * y * y, (x - 5) ** 2 + (y - 5) ** 2), \
            [(x - 5) ** 2 + y * y - 25, 7.7 - (x - 8) ** 2 - (y + 3) ** 2]
    return ("BNH", 2, suggest, evaluate)


def srn():
    def evaluate(v):
        x, y = v
        return (2 + (x - 2) ** 2 + (y - 1) ** 2, 9 * x - (y - 1) ** 2), \
            [x * x + y * y - 225, x - 3 * y + 10]
    return ("SRN", 2, floats(2, -20, 20), evaluate)


def tnk():
    def evaluate(v):
        x, y = v
        return (x, y), [-(x * x + y * y - 1 - 0.1 * math.cos(16 * math.atan(x / y))),
                        (x - 0.5) ** 2 + (y - 0.5) ** 2 - 0.5]
    return ("TNK", 2, floats(2, 1e-9, PI), evaluate)


def constr():
    def suggest(trial):
        return [trial.suggest_float("x", 0.1, 1), trial.suggest_float("y", 0, 5)]

    def evaluate(v):
        x, y = v
        return (x, (1 + y) / x), [6 - (y + 9 * x), 1 - (-y + 9 * x)]
    return ("CONSTR", 2, suggest, evaluate)


def mixed():
    """ZDT1-like over a log float, a stepped int, an int and a categorical."""
    def suggest(trial):
        return [trial.suggest_float("lr", 1e-4, 1, log=True),
                trial.suggest_int("width", 0, 64, step=4),
                trial.suggest_int("depth", 1, 8),
                trial.suggest_categorical("act", ["relu", "tanh", "gelu"]),
                trial.suggest_float("x", 0, 1)]

    def evaluate(v):
        lr, width, depth, act, x = v
        u = (math.log10(lr) + 4) / 4
        g = 1 + 9 * (width / 64 + (depth - 1) / 7 + {"relu": 0.5, "tanh": 1, "gelu": 0}[act]
                     + abs(x - 0.3)) / 4
        return (u, g * (1 - math.sqrt(u / g))), None
    return ("MIXED", 2, suggest, evaluate)


PROBLEMS = [zdt(1), zdt(2), zdt(3), zdt(4), zdt(6),
            dtlz(1), dtlz(2), dtlz(3), dtlz(4), dtlz(7),
            fonseca(), kursawe(), bnh(), srn(), tnk(), constr(), mixed()]


# ---- hypervolume (exact, 2 and 3 objectives) ----------------------------------------

def pareto_front(points):
    """The non-dominated points (minimization), duplicates dropped."""
    pts = sorted(set(points))
    front = []
    for p in pts:
        if not any(all(q[i] <= p[i] for i in range(len(p))) and q != p for q in front):
            front = [q for q in front
                     if not (all(p[i] <= q[i] for i in range(len(p))) and p != q)]
            front.append(p)
    return front


def hv2(points, ref):
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    hv, best = 0.0, ref[1]
    stair = []
    for p in pts:
        if p[1] < best:
            stair.append(p)
            best = p[1]
    for i, p in enumerate(stair):
        nx = stair[i + 1][0] if i + 1 < len(stair) else ref[0]
        hv += (nx - p[0]) * (ref[1] - p[1])
    return hv


def hv3(points, ref):
    """Slices along the third objective, each a 2-D hypervolume."""
    pts = sorted((p for p in points if all(p[i] < ref[i] for i in range(3))),
                 key=lambda p: p[2])
    hv = 0.0
    for i, p in enumerate(pts):
        top = pts[i + 1][2] if i + 1 < len(pts) else ref[2]
        if top > p[2]:
            hv += (top - p[2]) * hv2([q[:2] for q in pts[:i + 1]], ref[:2])
    return hv


def hypervolume(points, ref):
    return hv2(points, ref) if len(ref) == 2 else hv3(points, ref)
