#!/usr/bin/env python3
"""otto's NSGAIISampler against Optuna HEAD's on bench/nsga_problems.py:
hypervolume gap to the best front any run reached, at 200 and 500 trials.

Each (problem, seed) runs 500 trials per sampler (population 50, every
other argument at its default); the 200-trial figure is the same run's
first 200 trials, which is what a 200-trial run would have done (neither
sampler knows the budget). Per problem and budget: the feasible trials'
fronts of all runs of both samplers are merged; the reference point is
that front's nadir plus 10% of its range; a run's gap is the merged
front's hypervolume minus its own. Reported: per problem the median gaps,
their ratio (otto / Optuna: < 1 is otto closer to the best front) and a
two-sided Mann-Whitney U test; overall the geometric mean of the ratios.

    OTTO_LIB=build/libotto.so nice -n 10 /usr/bin/python3 bench/nsga_compare.py \\
        [--seeds 10] [--problems ZDT1,DTLZ2] [--json out.json]

Optuna is /work/peers/optuna (HEAD) through /work/peers/shim, as bench
figures must name the Optuna they ran."""
import argparse
import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, "/work/peers/shim")
import optuna_head  # noqa: E402,F401  (Optuna HEAD before anything imports optuna)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_env  # noqa: E402
import nsga_problems as P  # noqa: E402
import optuna  # noqa: E402
import otto  # noqa: E402

BUDGETS = (200, 500)


def run(lib, problem, seed, n_trials):
    """Every trial's (values, feasible), in order."""
    name, m, suggest, evaluate = problem
    out = []

    def objective(trial):
        values, cons = evaluate(suggest(trial))
        if cons is not None:
            if lib is otto:
                trial.set_constraints(cons)
            else:
                for i, c in enumerate(cons):
                    trial.set_constraint(f"c{i}", c)
        out.append((values, cons is None or all(c <= 0 for c in cons)))
        return values

    if lib is otto:
        otto.logging.set_verbosity(otto.logging.ERROR)
        sampler = otto.samplers.NSGAIISampler(seed=seed)
    else:
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        sampler = optuna.samplers.NSGAIISampler(seed=seed)
    study = lib.create_study(directions=["minimize"] * m, sampler=sampler)
    t0 = time.process_time()
    study.optimize(objective, n_trials=n_trials)
    return out, time.process_time() - t0


def gaps(runs, budget):
    """Hypervolume gaps of runs (lists of (values, feasible)) to their merged front."""
    fronts = [P.pareto_front([tuple(v) for v, ok in r[:budget] if ok]) for r in runs]
    merged = P.pareto_front([p for f in fronts for p in f])
    if not merged:
        return [0.0] * len(runs), 0.0
    m = len(merged[0])
    lo = [min(p[i] for p in merged) for i in range(m)]
    hi = [max(p[i] for p in merged) for i in range(m)]
    ref = [hi[i] + 0.1 * (hi[i] - lo[i] if hi[i] > lo[i] else 1.0) for i in range(m)]
    best = P.hypervolume(merged, ref)
    return [best - P.hypervolume(f, ref) for f in fronts], best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--problems", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    from scipy.stats import mannwhitneyu
    problems = [p for p in P.PROBLEMS
                if not args.problems or p[0] in args.problems.split(",")]
    print(f"otto {otto.__version__} vs Optuna {optuna.__version__} "
          f"({os.path.dirname(optuna.__file__)}), {args.seeds} seeds, population 50")
    raw, cpu = {}, {"otto": 0.0, "optuna": 0.0}
    for prob in problems:
        for lib, key in ((otto, "otto"), (optuna, "optuna")):
            for seed in range(args.seeds):
                trials, dt = run(lib, prob, seed, max(BUDGETS))
                raw.setdefault(prob[0], {}).setdefault(key, []).append(trials)
                cpu[key] += dt
        print(f"  ran {prob[0]}", file=sys.stderr, flush=True)
    ratios = {b: [] for b in BUDGETS}
    for b in BUDGETS:
        print(f"\n{b} trials: median hypervolume gap (lower is better)")
        print(f"{'problem':8} {'otto':>11} {'optuna':>11} {'ratio':>7} {'p':>7}  verdict")
        for prob in problems:
            name = prob[0]
            n = args.seeds
            g, best = gaps(raw[name]["otto"] + raw[name]["optuna"], b)
            go, gq = g[:n], g[n:]
            mo, mq = statistics.median(go), statistics.median(gq)
            eps = 1e-12 * max(best, 1e-300)
            ratio = (mo + eps) / (mq + eps)
            ratios[b].append(ratio)
            p = mannwhitneyu(go, gq, alternative="two-sided").pvalue if go != gq else 1.0
            verdict = ("otto better" if mo < mq else "optuna better") if p < 0.05 else "tie"
            print(f"{name:8} {mo:11.4g} {mq:11.4g} {ratio:7.3f} {p:7.3f}  {verdict}")
        gm = math.exp(sum(math.log(r) for r in ratios[b]) / len(ratios[b]))
        print(f"geometric mean of the ratios over {len(problems)} problems: {gm:.3f}")
    print(f"\nsampler + objective CPU seconds: otto {cpu['otto']:.1f}, "
          f"optuna {cpu['optuna']:.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f)


if __name__ == "__main__":
    main()
