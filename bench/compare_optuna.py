#!/usr/bin/env python3
"""Side-by-side comparison of otto and Optuna: for every sampler that exists
on both sides, run the same objectives (written once, against the trial API
both libraries share) over many seeds, and report the median regret at each
budget, the ratio otto/Optuna, and the mean sampler overhead per trial.

Run with Debian's Python, which has python3-optuna, python3-sklearn and
python3-numpy (Optuna's side is skipped cleanly when it is absent):

    OTTO_LIB=build/libotto.so /usr/bin/python3 bench/compare_optuna.py \
        --seeds 20 --out bench/RESULTS.md

Writes a Markdown report (regenerated, never hand-edited)."""
import argparse
import datetime
import json
import math
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np  # noqa: E402
from bench_env import HERE, ROOT, optuna, otto  # noqa: E402,F401

BUDGETS = (20, 50, 100, 200)


# ---- problems -------------------------------------------------------------------------
# Each problem: name, f_star (None: the best value seen in any run), and an
# objective(trial) using only suggest_* so that both libraries run it as is.

def _shift(name, dim, scale):
    rng = np.random.default_rng(abs(hash((name, dim))) % 2**32 if False else
                                sum(map(ord, name)) * 1000 + dim)
    return rng.uniform(-scale, scale, dim)


def _rotation(dim):
    rng = np.random.default_rng(12345 + dim)
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def _vec(trial, dim, low=-5.0, high=5.0):
    return np.array([trial.suggest_float(f"x{i}", low, high) for i in range(dim)])


def make_continuous(kind, dim):
    if kind == "sphere":
        s = _shift(kind, dim, 2.0)
        return 0.0, lambda t: float(np.sum((_vec(t, dim) - s) ** 2))
    if kind == "ellipsoid":  # rotated, condition 1e6
        s, R = _shift(kind, dim, 2.0), _rotation(dim)
        w = 1e6 ** (np.arange(dim) / max(dim - 1, 1))
        return 0.0, lambda t: float(np.sum(w * (R @ (_vec(t, dim) - s)) ** 2))
    if kind == "rosenbrock":
        s = _shift(kind, dim, 1.0)

        def f(t):
            z = _vec(t, dim) - s + 1.0
            return float(np.sum(100.0 * (z[1:] - z[:-1] ** 2) ** 2 + (1 - z[:-1]) ** 2))
        return 0.0, f
    if kind == "rastrigin":
        s = _shift(kind, dim, 2.0)

        def f(t):
            z = _vec(t, dim) - s
            return float(10 * dim + np.sum(z * z - 10 * np.cos(2 * np.pi * z)))
        return 0.0, f
    if kind == "ackley":
        s = _shift(kind, dim, 2.0)

        def f(t):
            z = _vec(t, dim) - s
            return float(-20 * np.exp(-0.2 * np.sqrt(np.mean(z * z)))
                         - np.exp(np.mean(np.cos(2 * np.pi * z))) + 20 + np.e)
        return 0.0, f
    if kind == "styblinski":
        s = _shift(kind, dim, 1.0)

        def f(t):
            z = _vec(t, dim) - s
            return float(0.5 * np.sum(z ** 4 - 16 * z ** 2 + 5 * z))
        return -39.16616570377142 * dim, f
    raise ValueError(kind)


def branin(t):
    x = t.suggest_float("x", -5, 10)
    y = t.suggest_float("y", 0, 15)
    b, c = 5.1 / (4 * math.pi ** 2), 5 / math.pi
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(t):
    x = np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def mixed(t):
    x = t.suggest_float("x", -1, 1)
    n = t.suggest_int("n", 0, 20)
    k = t.suggest_int("k", 1, 64, log=True)
    c = t.suggest_categorical("c", ["a", "b", "c", "d"])
    return (x - 0.3) ** 2 + ((n - 7) / 10) ** 2 + (math.log2(k) - 3) ** 2 / 9 + \
        {"a": 0.5, "b": 0.0, "c": 1.0, "d": 0.25}[c]


def log_scale(t):
    lr = t.suggest_float("lr", 1e-6, 1.0, log=True)
    wd = t.suggest_float("wd", 1e-8, 1e-1, log=True)
    return (math.log10(lr) + 3.3) ** 2 + (math.log10(wd) + 5.5) ** 2 / 4


def conditional(t):
    model = t.suggest_categorical("model", ["linear", "tree", "trap"])
    if model == "linear":
        a = t.suggest_float("a", -5, 5)
        b = t.suggest_float("b", -5, 5)
        return (a - 1.5) ** 2 + (b + 0.5) ** 2
    if model == "tree":
        depth = t.suggest_int("depth", 1, 12)
        frac = t.suggest_float("frac", 0.1, 1.0)
        return ((depth - 7) / 3) ** 2 + (frac - 0.6) ** 2 + 0.05
    # a trap: easy to get to 1, never below
    return 1.0 + t.suggest_float("u", 0, 1) * 0.01


_DIABETES = None


def krr_diabetes(t):
    """Validation mean squared error of kernel ridge regression on
    scikit-learn's bundled diabetes data (standardized; 300 rows to fit, 142
    to validate): two log-scale params and a categorical kernel. Continuous,
    unlike a classifier's error rate, whose ties make most runs equal."""
    global _DIABETES
    if _DIABETES is None:
        from sklearn.datasets import load_diabetes
        X, y = load_diabetes(return_X_y=True)
        rng = np.random.default_rng(0)
        idx = rng.permutation(len(y))
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        y = (y - y.mean()) / y.std()
        _DIABETES = (X[idx[:300]], y[idx[:300]], X[idx[300:]], y[idx[300:]])
    from sklearn.kernel_ridge import KernelRidge
    alpha = t.suggest_float("alpha", 1e-6, 10.0, log=True)
    gamma = t.suggest_float("gamma", 1e-4, 10.0, log=True)
    kernel = t.suggest_categorical("kernel", ["rbf", "laplacian"])
    Xtr, ytr, Xva, yva = _DIABETES
    pred = KernelRidge(alpha=alpha, gamma=gamma, kernel=kernel).fit(Xtr, ytr).predict(Xva)
    return float(np.mean((pred - yva) ** 2))


def problems(quick, dims=(2, 5, 10, 20)):
    out = []
    dims = (2, 5) if quick else dims
    for kind in ("sphere", "ellipsoid", "rosenbrock", "rastrigin", "ackley", "styblinski"):
        for d in dims:
            out.append((f"{kind}-{d}d", kind, d))
    out += [("branin", "branin", 2), ("hartmann6", "hartmann6", 6), ("mixed", "mixed", 4),
            ("log-scale", "log_scale", 2), ("conditional", "conditional", 3)]
    try:
        import sklearn  # noqa: F401
        out.append(("krr-diabetes", "krr_diabetes", 3))
    except ImportError:
        pass
    return out


def objective_of(kind, dim):
    named = {"branin": (0.39788735772973816, branin), "hartmann6": (-3.322368011391339, hartmann6),
             "mixed": (0.0, mixed), "log_scale": (0.0, log_scale),
             "conditional": (0.0, conditional), "krr_diabetes": (None, krr_diabetes)}
    return named[kind] if kind in named else make_continuous(kind, dim)


# ---- samplers on both sides -------------------------------------------------------------

def sampler_pairs():
    """(name, otto factory, optuna factory) for samplers both libraries have."""
    pairs = []
    # TPE: "tpe" is each library's default TPESampler (for Optuna 5 and otto:
    # multivariate, no group, constant liar); the others pin the mode on both
    # sides (Optuna 3.1 defaults to univariate)
    uni = {"multivariate": False, "group": False, "constant_liar": False}
    multi = {"multivariate": True, "group": True, "constant_liar": False}
    table = [("random", "RandomSampler", "RandomSampler", {}),
             ("tpe", "TPESampler", "TPESampler", {}),
             # otto's own defaults (the C library's) against Optuna's default
             ("tpe-otto-defaults", "TPESampler", "TPESampler",
              {"n_ei_candidates": 0, "gamma_fraction": 0.0, "group": True}),
             ("tpe-univariate", "TPESampler", "TPESampler", uni),
             ("tpe-multivariate-group", "TPESampler", "TPESampler", multi),
             # the same with Optuna < 3.5's unnormalized kernels (optuna#5109),
             # to compare like with like against Debian's Optuna 3.1
             ("tpe-3.1-kernels", "TPESampler", "TPESampler",
              dict(uni, unnormalized_kernels=True)),
             ("tpe-multivariate-3.1-kernels", "TPESampler", "TPESampler",
              dict(multi, unnormalized_kernels=True)),
             # Debian's Optuna 3.1 has no GPSampler: otto's GP runs against
             # Optuna's default sampler (univariate TPE), the tool users have
             ("gp", "GPSampler", "TPESampler", {}),
             ("cmaes", "CmaEsSampler", "CmaEsSampler", {})]
    for name, otto_cls, optuna_cls, kwargs in table:
        if not hasattr(otto.samplers, otto_cls):
            continue
        def factory(lib, c, kw):
            def make(seed):
                return getattr(lib.samplers, c)(seed=seed, **kw)
            make.__wrapped__ = lambda seed, **more: getattr(lib.samplers, c)(
                seed=seed, **dict(kw, **more))
            return make
        mk_otto = factory(otto, otto_cls, kwargs)
        mk_optuna = None
        optuna_kwargs = {k: v for k, v in kwargs.items()
                         if k not in ("unnormalized_kernels", "n_ei_candidates", "gamma_fraction")
                         and not (name == "tpe-otto-defaults" and k == "group")}
        if optuna is not None and optuna_cls and hasattr(optuna.samplers, optuna_cls):
            mk_optuna = (lambda c, kw: lambda seed: getattr(optuna.samplers, c)(seed=seed, **kw))(
                optuna_cls, optuna_kwargs)
        pairs.append((name, mk_otto, mk_optuna))
    return pairs


# ---- one run ------------------------------------------------------------------------------

def run_one(args):
    otto.logging.set_verbosity(otto.logging.ERROR)
    if optuna is not None:
        optuna.logging.set_verbosity(optuna.logging.ERROR)
    lib_name, sampler_name, problem, kind, dim, seed, n_trials, extra = args
    extra = json.loads(extra) if extra else {}
    if "gamma_frac" in extra:  # a gamma schedule min(ceil(frac n), cap), as JSON allows
        frac, cap = extra.pop("gamma_frac"), extra.pop("gamma_cap", 25)
        extra["gamma"] = lambda n: min(math.ceil(frac * n), cap)
    f_star, objective = objective_of(kind, dim)
    pairs = {name: (a, b) for name, a, b in sampler_pairs()}
    make = pairs[sampler_name][0 if lib_name == "otto" else 1]
    if extra:  # --otto-kwargs: a variant of otto's sampler
        base = make
        make = lambda seed: base.__wrapped__(seed, **extra)  # noqa: E731
    lib = otto if lib_name == "otto" else optuna
    spent = [0.0, 0.0]  # time in the objective, time in suggest calls inside it

    class TimedTrial:
        """Forwards suggest_* and times them: suggesting is sampler work."""

        def __init__(self, trial):
            self._t = trial

        def _timed(self, fn, *a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[1] += time.perf_counter() - t0

        def suggest_float(self, *a, **kw):
            return self._timed(self._t.suggest_float, *a, **kw)

        def suggest_int(self, *a, **kw):
            return self._timed(self._t.suggest_int, *a, **kw)

        def suggest_categorical(self, *a, **kw):
            return self._timed(self._t.suggest_categorical, *a, **kw)

    def timed(trial):
        t0 = time.perf_counter()
        try:
            return objective(TimedTrial(trial))
        finally:
            spent[0] += time.perf_counter() - t0

    study = lib.create_study(sampler=make(seed))
    t0 = time.perf_counter()
    study.optimize(timed, n_trials=n_trials)
    total = time.perf_counter() - t0
    return (lib_name, sampler_name, problem, seed, f_star, best_curve(study),
            (total - spent[0] + spent[1]) / n_trials)


def best_curve(study):
    """The best COMPLETE value after each trial, in trial-number order."""
    best, curve = math.inf, []
    for tr in sorted(study.trials, key=lambda x: x.number):
        if tr.value is not None and tr.state.name == "COMPLETE":
            best = min(best, tr.value)
        curve.append(best)
    return curve


def run_cached(jobs, run, key, n_procs, chunksize):
    """run(job) for every job on n_procs processes; a job whose key(job) is a
    path keeps its result there between invocations (seeded runs are
    deterministic). Returns ({job: result}, {job: result read from disk})."""
    cached = {}
    for j in jobs:
        path = key(j)
        if path and os.path.exists(path):
            with open(path) as f:
                cached[j] = tuple(json.load(f))
    todo = [j for j in jobs if j not in cached]
    with multiprocessing.Pool(n_procs) as pool:
        fresh = pool.map(run, todo, chunksize=chunksize)
    for j, r in zip(todo, fresh):
        path = key(j)
        if path:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(r, f)
    results = dict(zip(todo, fresh))
    results.update(cached)
    return results, cached


try:
    from scipy.stats import mannwhitneyu
except ImportError:
    mannwhitneyu = None


def significance(a, b):
    """'+' when the regrets a are significantly lower than b (two-sided
    Mann-Whitney U, p < 0.05), '-' when higher, '' otherwise."""
    if mannwhitneyu is None or a == b or len(set(a) | set(b)) < 2:
        return ""
    p = mannwhitneyu(a, b, alternative="two-sided").pvalue
    if not p < 0.05:
        return ""
    return "+" if statistics.median(a) < statistics.median(b) or (
        statistics.median(a) == statistics.median(b) and statistics.mean(a) < statistics.mean(b)
    ) else "-"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="2-D and 5-D only")
    ap.add_argument("--samplers", default="", help="comma-separated subset, e.g. random,tpe")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="first seed (tune on other seeds than you report on)")
    ap.add_argument("--otto-kwargs", default="",
                    help="JSON of extra arguments for otto's sampler (a variant to measure)")
    ap.add_argument("--cache", default="",
                    help="folder that keeps Optuna's runs between invocations")
    ap.add_argument("--problems", default="", help="comma-separated subset, e.g. branin")
    ap.add_argument("--dims", default="2,5,10,20",
                    help="dimensions of the synthetic functions")
    ap.add_argument("--budgets", default="20,50,100,200",
                    help="comma-separated trial counts; the largest is each run's length")
    args = ap.parse_args()
    global BUDGETS
    BUDGETS = tuple(sorted(int(b) for b in args.budgets.split(",")))

    dims = tuple(int(d) for d in args.dims.split(","))
    suite = [p for p in problems(args.quick, dims)
             if not args.problems or p[0] in args.problems.split(",")]
    pairs = [p for p in sampler_pairs()
             if not args.samplers or p[0] in args.samplers.split(",")]
    n_trials = max(BUDGETS)
    extra = args.otto_kwargs  # JSON text: jobs must be hashable
    seeds = range(args.seed_offset, args.seed_offset + args.seeds)
    jobs = []
    for sampler_name, _, mk_optuna in pairs:
        for problem, kind, dim in suite:
            for seed in seeds:
                jobs.append(("otto", sampler_name, problem, kind, dim, seed, n_trials, extra))
                if mk_optuna is not None:
                    jobs.append(("optuna", sampler_name, problem, kind, dim, seed, n_trials, ""))
    # Optuna's runs are deterministic under a seed: --cache keeps them (and
    # only them) across invocations, keyed by everything that defines a run
    ver = optuna.__version__ if optuna else "none"

    def key(j):
        if not args.cache or j[0] != "optuna":
            return None
        return os.path.join(args.cache, f"{ver}-{j[1]}-{j[2]}-{j[5]}-{j[6]}.json")
    started = time.time()
    by_job, cached = run_cached(jobs, run_one, key, args.jobs, chunksize=4)
    results = [by_job[j] for j in jobs]

    # regret needs f*: for problems without one, the best value any run found
    best_seen = {}
    for lib_name, s, problem, seed, f_star, curve, _ in results:
        best_seen[problem] = min(best_seen.get(problem, math.inf), curve[-1])
    table = {}
    for lib_name, s, problem, seed, f_star, curve, overhead in results:
        ref = f_star if f_star is not None else best_seen[problem]
        entry = table.setdefault((s, problem), {}).setdefault(
            lib_name, {"regret": {b: [] for b in BUDGETS}, "overhead": []})
        for b in BUDGETS:
            entry["regret"][b].append(max(curve[b - 1] - ref, 0.0))
        entry["overhead"].append(overhead)

    # Optuna from a checkout put first on PYTHONPATH (current Optuna) or
    # Debian's; OPTUNA_COMMIT names the checkout's commit in the report
    optuna_root = None
    if optuna is not None and not optuna.__file__.startswith("/usr/"):
        optuna_root = os.path.dirname(os.path.dirname(optuna.__file__))
    commit = os.environ.get("OPTUNA_COMMIT", "")
    versions = f"otto {otto.__version__}" + (
        f", Optuna {optuna.__version__}" + (f" (commit {commit})" if commit else "")
        if optuna else ", Optuna not installed")
    lines = [
        "# otto vs Optuna: sample efficiency and overhead",
        "",
        "**Split:** these problems are the ones otto's C defaults were tuned on, so the "
        "figures here overstate its lead. The figures on problems it was not tuned on (the "
        "development suite's test split) are in bench/devsuite/RESULTS_OPTUNA.md.",
        "",
        "Generated by `bench/compare_optuna.py`; do not edit by hand. Command:",
        "",
        "```",
        (f"PYTHONPATH={optuna_root} " if optuna_root else "") +
        "OTTO_LIB=build/libotto.so /usr/bin/python3 bench/compare_optuna.py " +
        " ".join(sys.argv[1:]),
        "```",
        "",
        f"- date: {datetime.date.today()}; machine: {machine()}",
        f"- {versions}; Python {platform.python_version()}; {args.seeds} seeds per cell; "
        f"wall time {time.time() - started:.0f} s" +
        (f" ({len(cached)} of {len(jobs)} runs, Optuna's, read from --cache)" if cached else ""),
        "- regret = best value found within the budget minus the optimum (for krr-diabetes: "
        "minus the best value any run found); median over seeds; ratio = otto / Optuna "
        "(< 1: otto better)",
        "- overhead = mean time per trial outside the objective (ask, suggest, tell, "
        "sampling), in microseconds",
        "- sig: two-sided Mann-Whitney U test of the regrets over seeds, p < 0.05: "
        "`+` otto significantly better, `-` significantly worse, blank: no significant "
        "difference" + ("" if mannwhitneyu else " (scipy missing: not computed)"),
        "",
    ]
    for s, _, mk_optuna in pairs:
        lines += [f"## sampler: {s}", ""]
        if s == "gp":
            lines += ["The Optuna column is Optuna's default TPESampler: the Optuna "
                      "installed here (3.1) has no GPSampler.", ""]
        header = "| problem | " + " | ".join(
            f"{b}: otto | {b}: Optuna | {b}: ratio | sig" for b in BUDGETS) + \
            " | overhead us: otto | Optuna |"
        lines += [header, "|" + "---|" * (1 + 4 * len(BUDGETS) + 2)]
        ratios = {b: [] for b in BUDGETS}
        wins = {b: 0 for b in BUDGETS}
        losses = {b: [] for b in BUDGETS}
        for problem, _, _ in suite:
            cell = table.get((s, problem))
            if not cell:
                continue
            row = [problem]
            for b in BUDGETS:
                mo = statistics.median(cell["otto"]["regret"][b])
                if "optuna" in cell:
                    mp = statistics.median(cell["optuna"]["regret"][b])
                    r = 1.0 if mo == mp else (mo / mp if mp > 0 else math.inf)
                    ratios[b].append(r)
                    sig = significance(cell["otto"]["regret"][b], cell["optuna"]["regret"][b])
                    wins[b] += sig == "+"
                    if sig == "-":
                        losses[b].append(problem)
                    row += [f"{mo:.3g}", f"{mp:.3g}", f"{r:.2f}", sig]
                else:
                    row += [f"{mo:.3g}", "-", "-", ""]
            oo = statistics.mean(cell["otto"]["overhead"]) * 1e6
            op = (f"{statistics.mean(cell['optuna']['overhead']) * 1e6:.0f}"
                  if "optuna" in cell else "-")
            row += [f"{oo:.0f}", op]
            lines.append("| " + " | ".join(row) + " |")
        if any(ratios.values()):
            gm = []
            for b in BUDGETS:
                finite = [r for r in ratios[b] if 0 < r < math.inf]
                gm.append(f"{math.exp(statistics.mean(math.log(r) for r in finite)):.2f}"
                          if finite else "-")
            lines += ["", "Geometric mean of the ratios (problems where both are nonzero), "
                      "by budget: " + ", ".join(f"{b}: {g}" for b, g in zip(BUDGETS, gm)), ""]
            lines += ["Significant (p < 0.05) wins / losses of otto, by budget: " +
                      "; ".join(f"{b}: {wins[b]} / {len(losses[b])}" +
                                (f" ({', '.join(losses[b])})" if losses[b] else "")
                                for b in BUDGETS), ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
