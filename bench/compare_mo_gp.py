#!/usr/bin/env python3
"""otto's multi-objective GP sampler (log EHVI, and ParEGO one option away)
against Optuna HEAD's GPSampler (log EHVI, /work/peers/optuna through the
torch shim in /work/peers/shim) on 18 multi-objective problems: 9
continuous, 5 constrained, 4 mixed (int/categorical; one also constrained).

The score of a run at a budget is its hypervolume gap: the hypervolume of
the union of every run's feasible front on that problem (all samplers,
seeds and budgets: the best known front) minus the run's feasible
hypervolume, both below a fixed reference point per problem (the worst
feasible value per objective over 2000 seeded uniform points). Ratios are
otto's median gap over Optuna's per problem, geometric mean over problems
(< 1: otto closer to the best known front); '+'/'-' marks a two-sided
Mann-Whitney U at p < 0.05. The 50-trial figures are the first 50 trials of
the 100-trial runs (sequential asks: the same trials as a 50-trial run).

    nice -n 10 python3 bench/compare_mo_gp.py --seeds 10 --out bench/RESULTS_MO_GP.md

Runs are cached as JSON under --cache (a seeded run is deterministic), so an
interrupted invocation resumes. Writes a Markdown report."""
import argparse
import json
import math
import os
import random
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # torch: one thread, like otto
sys.path.insert(0, "/work/peers/shim")
import optuna_head  # noqa: E402,F401  (Optuna HEAD before `import optuna`)
import optuna  # noqa: E402

from bench_env import otto  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)
try:
    from scipy.stats import mannwhitneyu
except ImportError:
    mannwhitneyu = None

# ---- problems: (name, kind, n_objectives, f(trial) -> (values, constraints)) ----


def _floats(t, n, lo=0.0, hi=1.0, prefix="x"):
    return [t.suggest_float(f"{prefix}{i}", lo, hi) for i in range(n)]


def zdt(variant, d=5):
    def f(t):
        x = _floats(t, d)
        g = 1 + 9 * sum(x[1:]) / (d - 1)
        r = x[0] / g
        h = {1: 1 - math.sqrt(r), 2: 1 - r * r,
             3: 1 - math.sqrt(r) - r * math.sin(10 * math.pi * x[0])}[variant]
        return (x[0], g * h), ()
    return f


def dtlz2(m, d):
    def f(t):
        x = _floats(t, d)
        g = sum((v - 0.5) ** 2 for v in x[m - 1:])
        vals = []
        for i in range(m):
            v = 1 + g
            for j in range(m - 1 - i):
                v *= math.cos(x[j] * math.pi / 2)
            if i > 0:
                v *= math.sin(x[m - 1 - i] * math.pi / 2)
            vals.append(v)
        return tuple(vals), ()
    return f


def fonseca(t):
    x = _floats(t, 3, -4, 4)
    s = 1 / math.sqrt(3)
    return (1 - math.exp(-sum((v - s) ** 2 for v in x)),
            1 - math.exp(-sum((v + s) ** 2 for v in x))), ()


def kursawe(t):
    x = _floats(t, 3, -5, 5)
    f1 = sum(-10 * math.exp(-0.2 * math.hypot(x[i], x[i + 1])) for i in range(2))
    f2 = sum(abs(v) ** 0.8 + 5 * math.sin(v ** 3) for v in x)
    return (f1, f2), ()


def viennet(t):
    x, y = _floats(t, 2, -3, 3)
    r = x * x + y * y
    return (0.5 * r + math.sin(r), (3 * x - 2 * y + 4) ** 2 / 8 + (x - y + 1) ** 2 / 27 + 15,
            1 / (r + 1) - 1.1 * math.exp(-r)), ()


def poloni(t):
    x, y = _floats(t, 2, -math.pi, math.pi)
    a1 = 0.5 * math.sin(1) - 2 * math.cos(1) + math.sin(2) - 1.5 * math.cos(2)
    a2 = 1.5 * math.sin(1) - math.cos(1) + 2 * math.sin(2) - 0.5 * math.cos(2)
    b1 = 0.5 * math.sin(x) - 2 * math.cos(x) + math.sin(y) - 1.5 * math.cos(y)
    b2 = 1.5 * math.sin(x) - math.cos(x) + 2 * math.sin(y) - 0.5 * math.cos(y)
    return (1 + (a1 - b1) ** 2 + (a2 - b2) ** 2, (x + 3) ** 2 + (y + 1) ** 2), ()


def bnh_values(x1, x2):
    return ((4 * x1 * x1 + 4 * x2 * x2, (x1 - 5) ** 2 + (x2 - 5) ** 2),
            ((x1 - 5) ** 2 + x2 * x2 - 25, 7.7 - (x1 - 8) ** 2 - (x2 + 3) ** 2))


def bnh(t):
    return bnh_values(t.suggest_float("x1", 0, 5), t.suggest_float("x2", 0, 3))


def srn(t):
    x1, x2 = _floats(t, 2, -20, 20)
    return ((2 + (x1 - 2) ** 2 + (x2 - 1) ** 2, 9 * x1 - (x2 - 1) ** 2),
            (x1 * x1 + x2 * x2 - 225, x1 - 3 * x2 + 10))


def tnk(t):
    x1, x2 = _floats(t, 2, 1e-6, math.pi)
    return ((x1, x2), (-(x1 * x1 + x2 * x2 - 1 - 0.1 * math.cos(16 * math.atan(x1 / x2))),
                       (x1 - 0.5) ** 2 + (x2 - 0.5) ** 2 - 0.5))


def osy(t):
    x1, x2 = _floats(t, 2, 0, 10)
    x3 = t.suggest_float("x3", 1, 5)
    x4 = t.suggest_float("x4", 0, 6)
    x5 = t.suggest_float("x5", 1, 5)
    x6 = t.suggest_float("x6", 0, 10)
    f1 = -(25 * (x1 - 2) ** 2 + (x2 - 2) ** 2 + (x3 - 1) ** 2 + (x4 - 4) ** 2 + (x5 - 1) ** 2)
    f2 = x1 * x1 + x2 * x2 + x3 * x3 + x4 * x4 + x5 * x5 + x6 * x6
    return (f1, f2), (2 - x1 - x2, x1 + x2 - 6, x2 - x1 - 2, x1 - 3 * x2 - 2,
                      (x3 - 3) ** 2 + x4 - 4, 4 - (x5 - 3) ** 2 - x6)


def constr_ex(t):
    x1 = t.suggest_float("x1", 0.1, 1)
    x2 = t.suggest_float("x2", 0, 5)
    return (x1, (1 + x2) / x1), (6 - x2 - 9 * x1, 1 + x2 - 9 * x1)


def zdt1_mixed(t):
    x0 = t.suggest_float("x0", 0, 1)
    ints = [t.suggest_int(f"i{i}", 0, 10) / 10 for i in range(2)]
    c = t.suggest_categorical("c", ["0", "0.5", "1"])
    x4 = t.suggest_float("x4", 1e-3, 1, log=True)
    rest = ints + [float(c), x4]
    g = 1 + 9 * sum(rest) / len(rest)
    return (x0, g * (1 - math.sqrt(x0 / g))), ()


def dtlz2_mixed(t):
    x0 = t.suggest_float("x0", 0, 1)
    i1 = t.suggest_int("i1", 0, 8) / 8
    c = float(t.suggest_categorical("c", ["0.1", "0.5", "0.9"]))
    x3 = t.suggest_float("x3", 0, 1)
    g = (i1 - 0.5) ** 2 + (c - 0.5) ** 2 + (x3 - 0.5) ** 2
    return ((1 + g) * math.cos(x0 * math.pi / 2), (1 + g) * math.sin(x0 * math.pi / 2)), ()


def shape_mixed(t):
    shape = t.suggest_categorical("shape", ["convex", "linear", "concave"])
    x = _floats(t, 3)
    n = t.suggest_int("n", 0, 4)
    g = 1 + 2 * sum(x[1:]) + 0.5 * n
    r = x[0]
    h = {"convex": 1 - math.sqrt(r), "linear": 1.2 - r, "concave": 1.4 - r * r}[shape]
    return (x[0], g * h), ()


def bnh_mixed(t):
    x1 = t.suggest_float("x1", 0, 5)
    x2 = t.suggest_int("x2", 0, 30) / 10
    vals, cons = bnh_values(x1, x2)
    k = t.suggest_categorical("k", ["a", "b"])
    return (vals[0] * (1.0 if k == "a" else 1.3), vals[1]), cons


PROBLEMS = [
    ("zdt1", "continuous", zdt(1)), ("zdt2", "continuous", zdt(2)),
    ("zdt3", "continuous", zdt(3)), ("dtlz2-2obj", "continuous", dtlz2(2, 5)),
    ("dtlz2-3obj", "continuous", dtlz2(3, 6)), ("fonseca", "continuous", fonseca),
    ("kursawe", "continuous", kursawe), ("viennet-3obj", "continuous", viennet),
    ("poloni", "continuous", poloni),
    ("bnh", "constrained", bnh), ("srn", "constrained", srn), ("tnk", "constrained", tnk),
    ("osy", "constrained", osy), ("constr-ex", "constrained", constr_ex),
    ("zdt1-mixed", "mixed", zdt1_mixed), ("dtlz2-mixed", "mixed", dtlz2_mixed),
    ("shape-mixed", "mixed", shape_mixed), ("bnh-mixed", "mixed+constrained", bnh_mixed),
]
SAMPLERS = ("otto-ehvi", "otto-parego", "optuna-gp")


def problem(name):
    return next(p for p in PROBLEMS if p[0] == name)


def n_objectives(name):
    vals, _ = problem(name)[2](optuna.trial.FixedTrial(_center(name)))
    return len(vals)


def _center(name):
    """Params of one feasible-or-not point, to count objectives."""
    s = optuna.create_study(directions=["minimize"] * 3, sampler=optuna.samplers.RandomSampler(0))
    t = s.ask()
    try:
        problem(name)[2](t)
    except Exception:
        pass
    return t.params


def run(name, sampler_name, seed, n_trials):
    f = problem(name)[2]
    m = n_objectives(name)

    def constraints(ft):
        return ft.user_attrs["c"]

    def objective(t):
        vals, cons = f(t)
        t.set_user_attr("c", list(cons))
        return vals

    constrained = "constrained" in problem(name)[1]
    cf = constraints if constrained else None
    if sampler_name == "optuna-gp":
        lib = optuna
        sampler = optuna.samplers.GPSampler(seed=seed, constraints_func=cf)
    else:
        lib = otto
        mode = sampler_name.split("-")[1]
        sampler = otto.samplers.GPSampler(seed=seed, constraints_func=cf, multi_objective=mode)
    study = lib.create_study(directions=["minimize"] * m, sampler=sampler)
    t0 = time.process_time()
    study.optimize(lambda t: objective(t), n_trials=n_trials)
    cpu = time.process_time() - t0
    trials = [(list(t.values), list(t.user_attrs["c"])) for t in study.trials]
    return {"trials": trials, "cpu": cpu}


def feasible_front(trials):
    return [v for v, c in trials if all(x <= 0 for x in c) and all(map(math.isfinite, v))]


def hv(points, ref):
    pts = [p for p in points if all(a < b for a, b in zip(p, ref))]
    if not pts:
        return 0.0
    return otto.hypervolume.compute_hypervolume(pts, ref)


def reference(name):
    """Worst feasible value per objective over 2000 seeded uniform points."""
    s = optuna.create_study(directions=["minimize"] * n_objectives(name),
                            sampler=optuna.samplers.RandomSampler(seed=12345))
    f = problem(name)[2]
    worst = None
    for _ in range(2000):
        t = s.ask()
        vals, cons = f(t)
        s.tell(t, vals)
        if all(c <= 0 for c in cons):
            worst = list(vals) if worst is None else [max(a, b) for a, b in zip(worst, vals)]
    return worst


def significance(a, b):
    if mannwhitneyu is None or a == b or len(set(a) | set(b)) < 2:
        return ""
    p = mannwhitneyu(a, b, alternative="two-sided").pvalue
    if not p < 0.05:
        return ""
    return "+" if statistics.median(a) < statistics.median(b) else "-"


def load_runs(cache, names, samplers, seeds, trials):
    """{(problem, sampler, seed): run} for the cached runs (a sampler's runs
    of a problem at its own trial count), and {(problem, sampler): seeds}."""
    runs, have = {}, {}
    for name in names:
        for sn in samplers:
            have[name, sn] = []
            for seed in range(seeds):
                p = os.path.join(cache, f"{name}.{sn}.{seed}.{trials[sn]}.json")
                if os.path.exists(p):
                    with open(p) as fh:
                        runs[name, sn, seed] = json.load(fh)
                    have[name, sn].append(seed)
    return runs, have


def ask_cost(n_objectives, n_trials=100, asks=11, dim=5):
    """Median CPU ms of an ask (ask and its suggestions) of otto's GP sampler
    after n_trials finished ZDT1 trials (one objective: their sum) in dim
    continuous params, the trials added at seeded uniform points."""
    rng = random.Random(7)
    dists = {f"x{i}": otto.distributions.FloatDistribution(0, 1) for i in range(dim)}

    def values(p):
        x = [p[f"x{i}"] for i in range(dim)]
        g = 1 + 9 * sum(x[1:]) / (dim - 1)
        v = (x[0], g * (1 - math.sqrt(x[0] / g)))
        return list(v) if n_objectives == 2 else [sum(v)]
    study = otto.create_study(directions=["minimize"] * n_objectives,
                              sampler=otto.samplers.GPSampler(seed=0))
    for _ in range(n_trials):
        p = {k: rng.random() for k in dists}
        study.add_trial(otto.trial.create_trial(params=p, distributions=dists, values=values(p)))
    times = []
    for _ in range(asks):
        t0 = time.process_time()
        t = study.ask()
        p = {k: t.suggest_float(k, 0, 1) for k in dists}
        times.append(1e3 * (time.process_time() - t0))
        study.tell(t, values(p))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--trials", type=int, default=100, help="otto's runs")
    ap.add_argument("--optuna-trials", type=int, default=100)
    ap.add_argument("--problems", default="", help="comma-separated subset, in run order")
    ap.add_argument("--optuna-problems", default="",
                    help="comma-separated problems for Optuna's runs, in run order (all)")
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--cache", default="/tmp/otto_mo_gp_cache")
    ap.add_argument("--report-only", action="store_true", help="report the cached runs")
    ap.add_argument("--ask-cost", action="store_true",
                    help="only print otto's 1- and 2-objective ask cost at 100 trials")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    if args.ask_cost:
        one, two = ask_cost(1), ask_cost(2)
        print(f"otto GP ask after 100 trials, 5-D, median of 11 (CPU ms): 1 objective "
              f"{one:.1f}, 2 objectives (log EHVI) {two:.1f}, ratio {two / one:.2f}")
        return
    names = [p[0] for p in PROBLEMS]
    if args.problems:
        names = [n for n in args.problems.split(",") if n in names]
    optuna_names = args.optuna_problems.split(",") if args.optuna_problems else names
    samplers = args.samplers.split(",")
    trials = {sn: args.optuna_trials if sn == "optuna-gp" else args.trials for sn in samplers}
    os.makedirs(args.cache, exist_ok=True)
    # Optuna's problems first, each with every sampler, then otto's on the rest
    order = [(n, sn) for n in optuna_names for sn in samplers]
    order += [(n, sn) for n in names if n not in optuna_names for sn in samplers
              if sn != "optuna-gp"]
    for name, sn in order if not args.report_only else ():
        cpu = 0.0
        for seed in range(args.seeds):
            path = os.path.join(args.cache, f"{name}.{sn}.{seed}.{trials[sn]}.json")
            if not os.path.exists(path):
                r = run(name, sn, seed, trials[sn])
                with open(path + ".tmp", "w") as fh:
                    json.dump(r, fh)
                os.replace(path + ".tmp", path)
            with open(path) as fh:
                cpu += json.load(fh)["cpu"]
        print(f"{name:14s} {sn:12s} {cpu:7.1f} s CPU", file=sys.stderr, flush=True)
    runs, have = load_runs(args.cache, names, samplers, args.seeds, trials)
    lines = []
    out = lines.append
    out("# otto multi-objective GP (log EHVI) vs Optuna HEAD's GPSampler\n")
    out("Generated by bench/compare_mo_gp.py (never hand-edited). Command:\n")
    out("    " + " ".join(["nice -n 10 /usr/bin/python3 bench/compare_mo_gp.py"] + sys.argv[1:]) + "\n")
    out("(the same command without --report-only runs what the cache lacks, in order: "
        "each of --optuna-problems with every sampler, then otto's samplers on the "
        "other problems.)\n")
    out(f"Optuna {optuna.__version__} from /work/peers/optuna (HEAD 1d8ce7bb6) with "
        "Debian's torch through /work/peers/shim; otto from this checkout. "
        f"{args.seeds} seeds per sampler and problem; the score is the hypervolume gap "
        "to the best known front (the union of every cached run's feasible front "
        "on the problem; see the script's docstring). A problem whose runs are "
        "not all done is listed with the seeds it has (k/N) and left out of the "
        "geometric means.\n")
    gaps = {}
    for name in names:
        present = [sn for sn in samplers if have[name, sn]]
        if not present:
            continue
        ref = reference(name)
        union = []
        for sn in present:
            for seed in have[name, sn]:
                union += feasible_front(runs[name, sn, seed]["trials"])
        best = hv(union, ref)
        for sn in present:
            for b in (50, 100):
                if b <= trials[sn]:
                    gaps[name, sn, b] = [
                        max(best - hv(feasible_front(runs[name, sn, s]["trials"][:b]), ref),
                            1e-12 * best) for s in have[name, sn]]
    pairs = [(a, "optuna-gp") for a in samplers if a != "optuna-gp" and "optuna-gp" in samplers]
    if "otto-ehvi" in samplers and "otto-parego" in samplers:
        pairs.append(("otto-ehvi", "otto-parego"))
    for a, b in pairs:
        budgets = [x for x in (50, 100) if x <= min(trials[a], trials[b])]
        rows = [n for n in names if all((n, a, x) in gaps and (n, b, x) in gaps for x in budgets)]
        if not rows:
            continue
        out(f"\n## {a} / {b} (median gap ratio; < 1: {a} better)\n")
        out("| problem | kind | seeds | " + " | ".join(f"ratio @{x}" for x in budgets) + " |")
        out("|---|---|---|" + "---|" * len(budgets))
        logs = {x: [] for x in budgets}
        wins = {x: [0, 0] for x in budgets}
        full = [n for n in rows if len(have[n, a]) == len(have[n, b]) == args.seeds]
        for name in rows:
            cells = []
            for x in budgets:
                ga, gb = gaps[name, a, x], gaps[name, b, x]
                r = statistics.median(ga) / statistics.median(gb)
                sig = significance(ga, gb)
                if name in full:
                    logs[x].append(math.log(r))
                    wins[x][0] += sig == "+"
                    wins[x][1] += sig == "-"
                cells.append(f"{r:.3g}{sig}")
            k = min(len(have[name, a]), len(have[name, b]))
            out(f"| {name} | {problem(name)[1]} | {k}/{args.seeds} | " + " | ".join(cells) + " |")
        if not full:
            continue
        rows = full
        out(f"| **geometric mean ({len(rows)} problems)** | | | " + " | ".join(
            f"**{math.exp(statistics.mean(logs[x])):.3f}** ({wins[x][0]}+/{wins[x][1]}-)"
            for x in budgets) + " |")
        for kind in ("constrained", "mixed"):
            sel = [i for i, n in enumerate(rows) if kind in problem(n)[1]]
            if sel:
                out(f"| geometric mean, {kind} ({len(sel)}) | | | " + " | ".join(
                    f"{math.exp(statistics.mean(logs[x][i] for i in sel)):.3f}"
                    for x in budgets) + " |")
    out("\n## CPU seconds per run (mean over seeds, median over the problems run)\n")
    out("| sampler | trials per run | problems | CPU s per run |")
    out("|---|---|---|---|")
    for sn in samplers:
        done = [n for n in names if have[n, sn]]
        if done:
            per = [statistics.mean(runs[n, sn, s]["cpu"] for s in have[n, sn]) for n in done]
            out(f"| {sn} | {trials[sn]} | {len(done)} | {statistics.median(per):.2f} |")
    one, two = ask_cost(1), ask_cost(2)
    out("\n## Ask cost\n")
    out("otto's GP ask after 100 finished trials in 5-D (ZDT1; one objective: the sum "
        "of the two), median CPU ms of 11 asks (`--ask-cost`): one objective "
        f"{one:.1f} ms, two objectives (log EHVI) {two:.1f} ms, ratio {two / one:.2f}.")
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
