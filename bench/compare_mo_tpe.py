"""Multi-objective TPE, otto against Optuna HEAD: hypervolume gap at 50/100/200
trials on bench/mo_problems.py's 17 problems (2-4 objectives, 3 constrained,
1 mixed), 10 seeds.

Samplers: otto's TPESampler with its Pareto tie-break by hypervolume subset
selection (otto-hssp, the default), by crowding distance (otto-crowding), and
HSSP with hypervolume-contribution weights on the good side (otto-hvw), all
with Optuna's parameters (TPESampler(seed=...)); Optuna HEAD's TPESampler
(5.0.0.dev via /work/peers/shim). Constraints go through constraints_func on
both. Each run records every trial's objective values, so the 50- and
100-trial scores are prefixes of the 200-trial runs (a sampler does not know
the budget). Score: hypervolume gap to the union of every feasible point any
run reached on the problem (reference fixed per problem), so smaller is
better. Report: per budget, the geometric mean over problems of the ratio of
median gaps otto/Optuna, and per problem a two-sided Mann-Whitney U test
(p < 0.05) of otto's gaps against Optuna's.

  nice -n 10 /usr/bin/python3 bench/compare_mo_tpe.py --cache /tmp/mo_cache \\
      [--seeds 10] [--trials 200] [--samplers otto-hssp,otto-crowding,optuna] \\
      [--problems zdt1,dtlz2] [--markdown FILE]"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings

sys.path.insert(0, "/work/peers/shim")
import optuna_head  # noqa: F401,E402  (Optuna HEAD, before bench_env imports optuna)
import optuna  # noqa: E402

import bench_env  # noqa: F401,E402  (otto from this checkout)
import mo_problems  # noqa: E402
import otto  # noqa: E402

BUDGETS = (50, 100, 200)
OTTO_VARIANTS = {"otto-hssp": {}, "otto-crowding": {"pareto_tiebreak": "crowding"},
                 "otto-hvw": {"hypervolume_weights": True},
                 "otto-mv": {"multivariate": True},
                 "otto-mv-otto": {"multivariate": True, "group": True, "n_ei_candidates": 0,
                                  "gamma_fraction": 0.0}}
# otto-greedy2d: otto-hssp run on a build whose 2-D HSSP is greedy (as
# Optuna's) instead of exact; only read from --cache, never run here.


def run(sampler, problem, seed, n_trials):
    """Objective values of each trial in number order (None: infeasible or
    failed), and the seconds the run took."""
    cf = mo_problems.constraints_func(problem)
    dirs = ["minimize"] * problem.n_objectives
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if sampler == "optuna":
            lib = optuna
            s = optuna.samplers.TPESampler(seed=seed, constraints_func=cf)
        else:
            lib = otto
            s = otto.samplers.TPESampler(seed=seed, constraints_func=cf,
                                         **OTTO_VARIANTS[sampler])
        lib.logging.set_verbosity(lib.logging.ERROR)
        study = lib.create_study(directions=dirs, sampler=s)
        t0 = time.perf_counter()
        study.optimize(problem.objective, n_trials=n_trials)
        spent = time.perf_counter() - t0
    out = []
    for t in sorted(study.trials, key=lambda t: t.number):
        ok = t.state.name == "COMPLETE" and t.values is not None
        if ok and cf is not None:
            ok = all(c <= 0 for c in problem.constraints(t.params))
        out.append(list(t.values) if ok else None)
    return out, spent


def significance(a, b):
    """'+' when the gaps a are significantly lower than the base's b
    (two-sided Mann-Whitney U, p < 0.05), '-' when higher, '' otherwise."""
    from scipy.stats import mannwhitneyu
    if a == b or len(set(a) | set(b)) < 2:
        return "", 1.0
    p = mannwhitneyu(a, b, alternative="two-sided").pvalue
    if not p < 0.05:
        return "", p
    return ("+" if statistics.median(a) < statistics.median(b) else "-"), p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--trials", type=int, default=max(BUDGETS))
    ap.add_argument("--samplers", default="otto-hssp,otto-crowding,otto-hvw,optuna")
    ap.add_argument("--problems", default="")
    ap.add_argument("--base", default="optuna", help="the sampler the ratios divide by")
    ap.add_argument("--cache", default="", help="directory keeping each run's values")
    ap.add_argument("--markdown", default="", help="write the tables to this file")
    args = ap.parse_args()
    samplers = args.samplers.split(",")
    suite = {p.name: p for p in mo_problems.problems()}
    probs = [suite[name] for name in args.problems.split(",")] if args.problems else list(
        suite.values())  # in the order given: a bounded run does those first
    if args.cache:
        os.makedirs(args.cache, exist_ok=True)
    runs, cost = {}, {s: 0.0 for s in samplers}
    t_start = time.time()
    for p in probs:
        for s in samplers:
            for seed in range(args.seeds):
                path = os.path.join(args.cache, f"{s}-{p.name}-{seed}-{args.trials}.json")
                if args.cache and os.path.exists(path):
                    with open(path) as f:
                        values, spent = json.load(f)
                else:
                    values, spent = run(s, p, seed, args.trials)
                    if args.cache:
                        with open(path, "w") as f:
                            json.dump([values, spent], f)
                runs[s, p.name, seed] = values
                cost[s] += spent
        print(f"# {p.name} done at {time.time() - t_start:.0f} s", file=sys.stderr, flush=True)

    budgets = [b for b in BUDGETS if b <= args.trials]
    lines = []
    emit = lines.append
    base = args.base if args.base in samplers else None
    gaps = {}
    for p in probs:
        union = [v for (s, name, seed), vals in runs.items() if name == p.name
                 for v in vals if v is not None]
        best = mo_problems.front_hypervolume(union, p.reference)
        for s in samplers:
            for b in budgets:
                gaps[s, p.name, b] = [
                    max(best - mo_problems.front_hypervolume(
                        [v for v in runs[s, p.name, seed][:b] if v is not None], p.reference),
                        1e-12 * best)
                    for seed in range(args.seeds)]
    emit(f"Sampler cost, seconds per run of {args.trials} trials (mean): " + ", ".join(
        f"{s} {cost[s] / (len(probs) * args.seeds):.2f}" for s in samplers))
    emit("")
    if base:
        emit("| budget | " + " | ".join(f"{s}/{base} geo-mean | wins/losses"
                                         for s in samplers if s != base) + " |")
        emit("|---|" + "---|---|" * (len(samplers) - 1))
        for b in budgets:
            row = [str(b)]
            for s in samplers:
                if s == base:
                    continue
                logs, win, loss = [], 0, 0
                for p in probs:
                    a, o = gaps[s, p.name, b], gaps[base, p.name, b]
                    logs.append(math.log(statistics.median(a) / statistics.median(o)))
                    sig, _ = significance(a, o)
                    win += sig == "+"
                    loss += sig == "-"
                row += [f"{math.exp(sum(logs) / len(logs)):.3f}", f"{win}/{loss}"]
            emit("| " + " | ".join(row) + " |")
        emit("")
        for b in budgets:
            emit(f"Median hypervolume gap at {b} trials (ratio to {base}; +/- significant, "
                 "Mann-Whitney p < 0.05):")
            emit("")
            emit("| problem | m | " + " | ".join(samplers) + " |")
            emit("|---|---|" + "---|" * len(samplers))
            for p in probs:
                o = statistics.median(gaps[base, p.name, b])
                cells = []
                for s in samplers:
                    med = statistics.median(gaps[s, p.name, b])
                    if s == base:
                        cells.append(f"{med:.4g}")
                    else:
                        sig, _ = significance(gaps[s, p.name, b], gaps[base, p.name, b])
                        cells.append(f"{med:.4g} ({med / o:.2f}{sig})")
                emit(f"| {p.name} | {p.n_objectives} | " + " | ".join(cells) + " |")
            emit("")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
