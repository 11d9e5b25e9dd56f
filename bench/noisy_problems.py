"""The noisy suite of bench/noisy_recommend.py and bench/stop_signal.py:
functions of bench/compare_optuna.py with noise added, and their true
(noise-free) regret at a trial's params.

Noise kinds, each at three levels (the level times the function's median
regret over uniform random points, so that it means the same on every
function): Gaussian; heavy-tailed (Student t with 3 degrees of freedom,
scaled by the level: sd sqrt(3) times it, and rare large outliers); and
heteroscedastic (Gaussian whose sd grows with the regret, from 0.3 times
the level at the optimum to 1.7 times it at the median regret and beyond, as
a loss's spread often grows away from the optimum). Each function takes every
kind once, at levels that rotate over the functions (a Latin square), so every
kind meets every level."""
import math
import random
import statistics

import compare_optuna as base  # noqa: E402  (bench_env is imported by it)

LEVELS = {"low": 0.03, "mid": 0.1, "high": 0.3}
KINDS = ("gauss", "t3", "hetero")
# name, kind for objective_of, dim
FUNCTIONS = [("sphere-5d", "sphere", 5), ("styblinski-3d", "styblinski", 3),
             ("ackley-4d", "ackley", 4), ("hartmann6", "hartmann6", 6),
             ("mixed", "mixed", 4)]
EXTRA_FUNCTIONS = [("branin", "branin", 2), ("log-scale", "log_scale", 2),
                   ("rosenbrock-2d", "rosenbrock", 2), ("rastrigin-2d", "rastrigin", 2),
                   ("conditional", "conditional", 3)]


class FixedTrial:
    """A trial that answers suggest_* with given params: the noise-free value
    at a trial's configuration."""

    def __init__(self, params):
        self.params = params

    def suggest_float(self, name, low, high, *, step=None, log=False):
        return self.params[name]

    def suggest_int(self, name, low, high, step=1, log=False):
        return self.params[name]

    def suggest_categorical(self, name, choices):
        return self.params[name]


class _Sampler:
    """Uniform random params for the median regret of a function."""

    def __init__(self, rng):
        self.rng = rng

    def suggest_float(self, name, low, high, *, step=None, log=False):
        if log:
            return math.exp(self.rng.uniform(math.log(low), math.log(high)))
        return self.rng.uniform(low, high)

    def suggest_int(self, name, low, high, step=1, log=False):
        if log:
            return int(round(math.exp(self.rng.uniform(math.log(low), math.log(high)))))
        return self.rng.randint(low, high)

    def suggest_categorical(self, name, choices):
        return self.rng.choice(list(choices))


class Problem:
    def __init__(self, fname, fkind, dim, noise, level):
        self.name = f"{fname}/{noise}-{level}"
        self.f_star, self.f = base.objective_of(fkind, dim)
        self.noise, self.level = noise, level
        rng = random.Random(20261207)
        self.scale = statistics.median(self.f(_Sampler(rng)) - self.f_star for _ in range(2000))
        self.sd = LEVELS[level] * self.scale

    def regret(self, params):
        return self.f(FixedTrial(params)) - self.f_star

    def objective(self, rng):
        """The noisy objective, drawing its noise from rng."""
        def objective(trial):
            value = self.f(trial)
            if self.noise == "gauss":
                e = self.sd * rng.gauss(0, 1)
            elif self.noise == "t3":
                e = self.sd * rng.gauss(0, 1) / math.sqrt(rng.gammavariate(1.5, 2) / 3)
            else:
                r = min(1.0, (value - self.f_star) / self.scale)
                e = self.sd * (0.3 + 1.4 * r) * rng.gauss(0, 1)
            return value + e
        return objective


def suite(extra=False):
    """The 15 problems (5 functions x 3 noise kinds, levels rotating), and
    with extra 5 more (other functions, one kind and level each): 20."""
    out = []
    names = list(LEVELS)
    for i, (fname, fkind, dim) in enumerate(FUNCTIONS):
        for k, noise in enumerate(KINDS):
            out.append(Problem(fname, fkind, dim, noise, names[(i + k) % 3]))
    if extra:
        for i, (fname, fkind, dim) in enumerate(EXTRA_FUNCTIONS):
            out.append(Problem(fname, fkind, dim, KINDS[i % 3], names[(i + 1) % 3]))
    return out
