#!/usr/bin/env python3
"""otto's AutoSampler against single samplers, otto's and Optuna's, on the
comparison suite of compare_optuna.py: the mean rank of each sampler's median
regret at every budget, and geometric-mean regret ratios with per-problem
Mann-Whitney significance: the auto sampler against each other sampler, and
otto's GP and TPE against Optuna's.

Optuna's GPSampler needs torch; with Debian's torch 1.13, whose torch.device
is no context manager, a stand-in device() is given to Optuna's GP module
(benchmarks only). It is the slowest sampler here, so --optuna-gp-budget caps
its runs (default 100 trials).

    PYTHONPATH=/tmp/optuna-head OTTO_LIB=build/libotto.so /usr/bin/python3 \\
        bench/compare_auto.py --seeds 10 --out bench/RESULTS_AUTO.md

Writes a Markdown report (regenerated, never hand-edited)."""
import argparse
import contextlib
import datetime
import math
import os
import platform
import statistics
import sys
import time

from bench_env import HERE, optuna, otto  # noqa: E402
import compare_optuna as suite  # noqa: E402

SAMPLERS = ("otto-auto", "otto-tpe", "otto-gp", "otto-cmaes", "optuna-tpe", "optuna-gp")


def make_sampler(name, seed):
    if name == "otto-auto":
        return otto.samplers.AutoSampler(seed=seed)
    if name.startswith("otto-auto@"):  # a variant: the GP phase's length
        return otto.samplers.AutoSampler(seed=seed, gp_trials=int(name.split("@")[1]))
    if name == "otto-tpe":  # otto's TPE with the C library's defaults
        return otto.samplers.TPESampler.otto_defaults(seed=seed)
    if name == "otto-gp":
        return otto.samplers.GPSampler(seed=seed)
    if name == "otto-cmaes":
        return otto.samplers.CmaEsSampler(seed=seed)
    if name == "optuna-tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "optuna-gp":
        import torch
        from optuna.samplers._gp import sampler as gp_module

        class TorchWithDeviceContext:
            """torch, with device() usable as the no-op context manager
            Optuna's GP module enters (torch >= 2.0 has one)."""

            def __getattr__(self, attr):
                return getattr(torch, attr)

            @staticmethod
            def device(*args, **kwargs):
                return contextlib.nullcontext()
        gp_module.torch = TorchWithDeviceContext()
        return optuna.samplers.GPSampler(seed=seed)
    raise ValueError(name)


def run_one(job):
    sampler_name, problem, kind, dim, seed, n_trials = job
    otto.logging.set_verbosity(otto.logging.ERROR)
    if optuna is not None:
        optuna.logging.set_verbosity(optuna.logging.ERROR)
    f_star, objective = suite.objective_of(kind, dim)
    lib = otto if sampler_name.startswith("otto") else optuna
    study = lib.create_study(sampler=make_sampler(sampler_name, seed))
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    elapsed = time.perf_counter() - t0
    return f_star, suite.best_curve(study), elapsed / n_trials


def ranks(values):
    """Ranks 1..n of values (ties get the mean of their ranks)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--seed-offset", type=int, default=0,
                    help="first seed (confirm a choice on other seeds than it was made on)")
    ap.add_argument("--dims", default="2,5,10")
    ap.add_argument("--budgets", default="20,50,100,200")
    ap.add_argument("--optuna-gp-budget", type=int, default=100)
    ap.add_argument("--samplers", default=",".join(SAMPLERS))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cache", default="", help="folder that keeps every run (all are seeded)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS_AUTO.md"))
    args = ap.parse_args()
    budgets = sorted(int(b) for b in args.budgets.split(","))
    dims = tuple(int(d) for d in args.dims.split(","))
    problems = suite.problems(False, dims)
    samplers = [s for s in args.samplers.split(",")
                if (s in SAMPLERS or s.startswith("otto-auto@")) and
                (optuna is not None or not s.startswith("optuna"))]
    length = {s: min(max(budgets), args.optuna_gp_budget) if s == "optuna-gp" else max(budgets)
              for s in samplers}
    jobs = [(s, p, k, d, seed, length[s]) for s in samplers for p, k, d in problems
            for seed in range(args.seed_offset, args.seed_offset + args.seeds)]

    def key(j):
        if not args.cache:
            return None
        return os.path.join(args.cache, "auto-" + "-".join(str(x) for x in (j[0],) + j[1:2] +
                                                        j[4:]) + ".json")
    started = time.time()
    results, cached = suite.run_cached(jobs, run_one, key, args.jobs, chunksize=1)

    best_seen = {}
    for (s, p, *_), (f_star, curve, _) in results.items():
        best_seen[p] = min(best_seen.get(p, math.inf), curve[-1])
    regret = {}  # (sampler, problem, budget) -> [regret per seed]
    cost = {}
    for (s, p, k, d, seed, n), (f_star, curve, per_trial) in results.items():
        ref = f_star if f_star is not None else best_seen[p]
        for b in budgets:
            if b <= n:
                regret.setdefault((s, p, b), []).append(max(curve[b - 1] - ref, 0.0))
        cost.setdefault(s, []).append(per_trial)

    lines = [
        "# otto's AutoSampler against single samplers",
        "",
        "**Split:** these problems are the ones otto's C defaults were tuned on, so the "
        "figures here overstate its lead. The figures on problems it was not tuned on (the "
        "development suite's test split) are in bench/devsuite/RESULTS_OPTUNA.md and, for the "
        "current auto sampler, bench/devsuite/RESULTS_QUAD.md.",
        "",
        "Generated by `bench/compare_auto.py`; do not edit by hand. Command:",
        "",
        "```",
        (f"PYTHONPATH={os.path.dirname(os.path.dirname(optuna.__file__))} "
         if optuna is not None and not optuna.__file__.startswith("/usr/") else "") +
        "OTTO_LIB=build/libotto.so /usr/bin/python3 bench/compare_auto.py " +
        " ".join(sys.argv[1:]),
        "```",
        "",
        f"- date: {datetime.date.today()}; machine: {suite.machine()}",
        f"- otto {otto.__version__}, Optuna {optuna.__version__ if optuna else 'absent'}"
        f"{' (commit ' + os.environ['OPTUNA_COMMIT'] + ')' if os.environ.get('OPTUNA_COMMIT') else ''}"
        f"; Python {platform.python_version()}; {args.seeds} seeds, {len(problems)} problems; "
        f"wall time {time.time() - started:.0f} s"
        + (f" ({len(cached)} of {len(jobs)} runs read from --cache)" if cached else ""),
        "- samplers: otto-auto = `AutoSampler()`; otto-tpe = `TPESampler.otto_defaults()`; "
        "otto-gp, otto-cmaes, optuna-tpe, optuna-gp = each library's `GPSampler()`, "
        "`CmaEsSampler()`, `TPESampler()` with defaults; optuna-gp runs "
        f"{args.optuna_gp_budget} trials at most",
        "- regret = best value within the budget minus the optimum (krr-diabetes: minus the "
        "best value any run found); rank 1 = lowest median regret on a problem, ties share",
        "",
        "## Mean rank of the median regret",
        "",
        "| budget | " + " | ".join(samplers) + " |",
        "|---|" + "---|" * len(samplers),
    ]
    for b in budgets:
        present = [s for s in samplers if (s, problems[0][0], b) in regret]
        total = {s: 0.0 for s in present}
        for p, _, _ in problems:
            meds = [statistics.median(regret[(s, p, b)]) for s in present]
            for s, r in zip(present, ranks(meds)):
                total[s] += r
        row = [f"{total[s] / len(problems):.2f}" if s in total else "-" for s in samplers]
        lines.append(f"| {b} | " + " | ".join(row) + " |")
    lines += ["", "## Pairwise", "",
              "Geometric mean over problems of the median-regret ratio a / b (problems where "
              "both are nonzero), with a's significant wins / losses against b (two-sided "
              "Mann-Whitney U, p < 0.05).", "",
              "| budget | a | b | ratio | wins / losses | losses on |", "|---|---|---|---|---|---|"]
    pairs = [("otto-auto", o) for o in samplers if o != "otto-auto"]
    pairs += [(v, "otto-auto") for v in samplers if v.startswith("otto-auto@")]
    pairs += [("otto-gp", "optuna-gp"), ("otto-tpe", "optuna-tpe")]
    for a_name, b_name in pairs:
        for b in budgets:
            if any((x, problems[0][0], b) not in regret for x in (a_name, b_name)):
                continue
            logs, wins, losses = [], 0, []
            for p, _, _ in problems:
                a, o = regret[(a_name, p, b)], regret[(b_name, p, b)]
                ma, mo = statistics.median(a), statistics.median(o)
                if ma > 0 and mo > 0:
                    logs.append(math.log(ma / mo))
                sig = suite.significance(a, o)
                wins += sig == "+"
                if sig == "-":
                    losses.append(p)
            gm = f"{math.exp(statistics.mean(logs)):.2f}" if logs else "-"
            lines.append(f"| {b} | {a_name} | {b_name} | {gm} | {wins} / {len(losses)} | "
                         f"{', '.join(losses)} |")
    lines += ["", "## Wall time per trial, objective included", "",
              "| sampler | mean ms per trial over its runs |", "|---|---|"]
    for s in samplers:
        lines.append(f"| {s} | {1e3 * statistics.mean(cost[s]):.1f} |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
