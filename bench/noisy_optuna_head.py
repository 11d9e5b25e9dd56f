#!/usr/bin/env python3
"""Optuna HEAD's runs for bench/noisy_recommend.py, in a process of their
own (Optuna HEAD and Debian's Optuna cannot share one): the true regret of
best_trial with TPESampler and GPSampler on the noisy suite, cached one JSON
file per run in the cache noisy_recommend.py reads.

    nice -n 10 /usr/bin/python3 bench/noisy_optuna_head.py --seeds 10 \\
        --sampler tpe --budgets 50,100,200

Optuna HEAD is /work/peers/optuna through /work/peers/shim (a torch shim for
its GPSampler on Debian's torch 1.13)."""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.environ.get("OPTUNA_SHIM", "/work/peers/shim"))
import optuna_head  # noqa: E402,F401  (before bench_env imports optuna)

from bench_env import optuna  # noqa: E402
import noisy_problems  # noqa: E402


def make_sampler(kind, seed):
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.GPSampler(seed=seed)


def run(problem, kind, seed, budgets):
    """{budget: [regret of best_trial, seconds so far]}."""
    rng = random.Random(f"optuna/{problem.name}/{seed}")
    study = optuna.create_study(sampler=make_sampler(kind, seed))
    out, done, spent = {}, 0, 0.0
    for b in budgets:
        t0 = time.perf_counter()
        study.optimize(problem.objective(rng), n_trials=b - done)
        spent += time.perf_counter() - t0
        done = b
        out[b] = [problem.regret(study.best_trial.params), spent]
    return out


def cache_path(cache, kind, problem, seed):
    return os.path.join(cache, f"optuna-head-{kind}_{problem.replace('/', '_')}_{seed}.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--sampler", choices=("tpe", "gp"), required=True)
    ap.add_argument("--budgets", default="50,100,200")
    ap.add_argument("--cache", default="/tmp/otto-bench-noisy")
    args = ap.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    os.makedirs(args.cache, exist_ok=True)
    t_start = time.time()
    for s in range(args.seeds):
        for p in noisy_problems.suite():
            path = cache_path(args.cache, args.sampler, p.name, s)
            if os.path.exists(path):
                with open(path) as f:
                    have = json.load(f)
                if all(str(b) in have for b in budgets):
                    continue
            result = run(p, args.sampler, s, budgets)
            with open(path, "w") as f:
                json.dump(result, f)
            print(f"{args.sampler} {p.name} seed {s}: {result[budgets[-1]][1]:.1f} s "
                  f"({time.time() - t_start:.0f} s total)", flush=True)
    with open(os.path.join(args.cache, "optuna-head-version.txt"), "w") as f:
        f.write(optuna.__version__ + "\n")
    print(f"optuna {optuna.__version__}", flush=True)


if __name__ == "__main__":
    main()
