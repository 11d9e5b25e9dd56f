"""Synthetic problems over the kinds of search space a tuner meets besides
continuous boxes: integer-heavy (ordinal and scrambled, i.e. non-ordinal),
log-scale integers, mixed and conditional. Each has a known optimum 0; the
constants come from fixed seeds."""
import math

import numpy as np


def int_quadratic(n_params, high):
    """Ordinal integers: a separable quadratic over n_params ints in [0, high]."""
    rng = np.random.default_rng(1000 + n_params)
    c = rng.integers(0, high + 1, n_params)

    def f(t):
        x = np.array([t.suggest_int(f"n{i}", 0, high) for i in range(n_params)])
        return float(np.sum(((x - c) / high) ** 2))
    return f


def scrambled_ints(n_params, n_values, seed):
    """Non-ordinal integers: an additive table lookup plus pairwise
    interactions of neighbours, with a scrambled order of the values, so
    nearby integers are no more alike than distant ones (the shape of
    NAS-Bench-201 declared with suggest_int). Shifted so the optimum is 0."""
    rng = np.random.default_rng(seed)
    main = rng.standard_normal((n_params, n_values))
    pair = 0.5 * rng.standard_normal((n_params - 1, n_values, n_values))
    import itertools
    best = min(sum(main[i, v[i]] for i in range(n_params)) +
               sum(pair[i, v[i], v[i + 1]] for i in range(n_params - 1))
               for v in itertools.product(range(n_values), repeat=n_params))

    def f(t):
        v = [t.suggest_int(f"k{i}", 0, n_values - 1) for i in range(n_params)]
        return float(sum(main[i, v[i]] for i in range(n_params)) +
                     sum(pair[i, v[i], v[i + 1]] for i in range(n_params - 1)) - best)
    return f


def cell_ints(seed):
    """A NAS-Bench-201-like cell: six edges of a 4-node DAG, each an int index
    into five operations (none, skip, conv 1x1, conv 3x3, pool) whose effects
    are not in index order (3 best, then 2, 1, 4, 0), plus random pairwise
    interactions; a cell whose output is cut off from its input is far worse
    (as untrainable architectures are). Shifted so the optimum is 0."""
    import itertools
    effect = np.array([8.0, 3.0, 0.6, 0.0, 6.0])
    pair = 0.3 * np.random.default_rng(seed).normal(0, 1.2, (6, 6, 5, 5))

    def value(k):
        n1 = k[0] != 0
        n2 = k[1] != 0 or (n1 and k[2] != 0)
        if not (k[3] != 0 or (n1 and k[4] != 0) or (n2 and k[5] != 0)):
            return 80.0
        return float(sum(effect[o] for o in k) +
                     sum(pair[i, j, k[i], k[j]] for i in range(6) for j in range(i + 1, 6)))
    best = min(value(k) for k in itertools.product(range(5), repeat=6))

    def f(t):
        return value([t.suggest_int(f"Op{i}", 0, 4) for i in range(6)]) - best
    return f


def log_ints(t):
    """Log-scale integers, as layer widths and batch sizes are declared."""
    w = t.suggest_int("width", 8, 4096, log=True)
    b = t.suggest_int("batch", 1, 1024, log=True)
    d = t.suggest_int("depth", 1, 12)
    return _log_ints_value(w, b, d) - _LOG_INTS_BEST


def _log_ints_value(w, b, d):
    return (math.log2(w) - 9.3) ** 2 / 4 + (math.log2(b) - 4.6) ** 2 / 4 + ((d - 5) / 4) ** 2


# the terms are separable: the sum of each one's best (depth's is 0, at 5)
_LOG_INTS_BEST = (min((math.log2(w) - 9.3) ** 2 / 4 for w in range(8, 4097)) +
                  min((math.log2(b) - 4.6) ** 2 / 4 for b in range(1, 1025)))


def mixed_wide(t):
    """Mixed: 4 floats (2 log), 3 ints, 2 categoricals, mildly coupled."""
    x = [t.suggest_float(f"x{i}", -2, 2) for i in range(2)]
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = t.suggest_float("wd", 1e-7, 1e-2, log=True)
    n = [t.suggest_int(f"n{i}", 1, 16) for i in range(3)]
    act = t.suggest_categorical("act", ["relu", "tanh", "gelu"])
    opt = t.suggest_categorical("opt", ["sgd", "adam", "rmsprop", "adagrad"])
    u = math.log10(lr) + 3 + 0.3 * x[0]
    return (x[0] - 0.5) ** 2 + (x[1] + x[0] * 0.5) ** 2 + u ** 2 + \
        (math.log10(wd) + 4) ** 2 / 4 + sum(((k - 6 - i) / 8) ** 2 for i, k in enumerate(n)) + \
        {"relu": 0.0, "tanh": 0.3, "gelu": 0.1}[act] + \
        {"sgd": 0.4, "adam": 0.0, "rmsprop": 0.2, "adagrad": 0.6}[opt]


def conditional_deep(t):
    """Conditional, two levels: a model choice, then per-model params, one
    of which has its own sub-choice."""
    model = t.suggest_categorical("model", ["net", "forest", "linear"])
    if model == "net":
        layers = t.suggest_int("layers", 1, 6)
        width = t.suggest_int("width", 16, 1024, log=True)
        drop = t.suggest_float("dropout", 0.0, 0.8)
        return ((layers - 3) / 3) ** 2 + (math.log2(width) - 8) ** 2 / 16 + (drop - 0.25) ** 2
    if model == "forest":
        depth = t.suggest_int("depth", 2, 30)
        crit = t.suggest_categorical("criterion", ["gini", "entropy"])
        if crit == "entropy":
            return 0.2 + ((depth - 12) / 10) ** 2
        return 0.1 + ((depth - 9) / 10) ** 2 + t.suggest_float("ccp", 0.0, 1.0) * 0.2
    return 0.5 + (math.log10(t.suggest_float("C", 1e-4, 1e4, log=True)) - 1) ** 2 / 10


def problems():
    from .problem import Problem
    out = [Problem(f"int-quadratic-{n}x{h}", "spaces", int_quadratic(n, h), 0.0,
                   tags=("int-heavy",)) for n, h in ((4, 10), (8, 20))]
    out += [Problem(f"scrambled-ints-{n}x{v}-s{s}", "spaces", scrambled_ints(n, v, s), 0.0,
                    tags=("int-heavy", "non-ordinal")) for n, v, s in
            ((6, 5, 1), (6, 5, 2), (4, 8, 3))]
    out += [Problem(f"cell-ints-s{s}", "spaces", cell_ints(s), 0.0,
                    tags=("int-heavy", "non-ordinal")) for s in (7, 8)]
    out += [Problem("log-ints", "spaces", log_ints, 0.0, tags=("log", "int-heavy")),
            Problem("mixed-wide", "spaces", mixed_wide, 0.0, tags=("mixed", "log")),
            Problem("conditional-deep", "spaces", conditional_deep, 0.0, tags=("conditional",))]
    return out
