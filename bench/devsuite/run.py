#!/usr/bin/env python3
"""Run samplers on development-suite problems and append one JSON line per
run (sampler, problem, split, seed, best-so-far curve, optimum, seconds per
trial, and the auto sampler's pick per trial) to --out; runs already in
--out are skipped, so an interrupted run resumes.

otto comes from this checkout (bench/bench_env.py: build/libotto.so, or
OTTO_LIB); --label names that build in the records (e.g. "before", with
OTTO_LIB pointing at a copy of an older libotto.so). optuna-* samplers are
Optuna HEAD through /work/peers/shim (set OTTO_OPTUNA_SHIM elsewhere);
hyperopt-tpe and ngopt are Hyperopt's TPE and Nevergrad's NGOpt from
/work/peers (devsuite/anchors.py; OTTO_ANCHORS_SHIM).

    nice -n 15 /usr/bin/python3 bench/devsuite/run.py --samplers otto-auto,otto-random \\
        --problems 'nb201-*-int' --seeds 20 --trials 60 --out /tmp/nb201.jsonl

"otto-gp:KEY=VALUE;..." is GPSampler with those arguments (Python literals,
e.g. "otto-gp:n_startup_trials=5;output_warping=True"). --shared-start N
enqueues, before each run, the params of the first N trials of otto's
RandomSampler(seed=1000+seed) on the problem, so that every sampler of a seed
starts from the same N trials (a controlled comparison of the model-based
steps)."""
import argparse
import ast
import json
import math
import concurrent.futures
import multiprocessing
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bench/: bench_env, devsuite

from devsuite import anchors  # noqa: E402

OTTO_SAMPLERS = ("otto-auto", "otto-tpe", "otto-gp", "otto-gp-labels", "otto-gp-warp",
                 "otto-cmaes", "otto-random")
OPTUNA_SAMPLERS = ("optuna-tpe", "optuna-gp", "optuna-random")


def _optuna():
    sys.path.insert(0, os.environ.get("OTTO_OPTUNA_SHIM", "/work/peers/shim"))
    import optuna_head  # noqa: F401  (Optuna HEAD, torch shim for its GP)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return optuna


def gp_spec(name):
    """GPSampler keyword arguments of an "otto-gp:KEY=VALUE;..." name, or None."""
    if not name.startswith("otto-gp:"):
        return None
    kw = {}
    for item in name[len("otto-gp:"):].split(";"):
        key, value = item.split("=", 1)
        kw[key.strip()] = ast.literal_eval(value.strip())
    return kw


def shared_start(problem, seed, n):
    """The params of the first n trials of otto's random search on problem."""
    from bench_env import otto
    study = otto.create_study(sampler=otto.samplers.RandomSampler(seed=1000 + seed))
    study.optimize(problem.objective, n_trials=n)
    return [t.params for t in sorted(study.trials, key=lambda t: t.number)]


def make_sampler(name, seed):
    if name.startswith("optuna-"):
        optuna = _optuna()
        cls = {"optuna-tpe": "TPESampler", "optuna-gp": "GPSampler",
               "optuna-random": "RandomSampler"}[name]
        return optuna, getattr(optuna.samplers, cls)(seed=seed)
    from bench_env import otto
    otto.logging.set_verbosity(otto.logging.ERROR)
    s = otto.samplers
    if gp_spec(name) is not None:
        return otto, s.GPSampler(seed=seed, **gp_spec(name))
    gp_trials = int(os.environ.get("OTTO_DEVSUITE_AUTO_GP_TRIALS", "0"))
    make = {"otto-auto": lambda: s.AutoSampler(seed=seed, gp_trials=gp_trials),
            "otto-tpe": lambda: s.TPESampler.otto_defaults(seed=seed),
            "otto-gp": lambda: s.GPSampler(seed=seed),
            "otto-gp-labels": lambda: s.GPSampler(seed=seed, small_ints_as_categories=True),
            "otto-gp-warp": lambda: s.GPSampler(seed=seed, output_warping=True),
            "otto-cmaes": lambda: s.CmaEsSampler(seed=seed),
            "otto-random": lambda: s.RandomSampler(seed=seed)}[name]
    return otto, make()


def run_one(job):
    sampler, label, problem_name, seed, n_trials, n_shared = job
    from devsuite.registry import all_problems
    problem = all_problems()[problem_name]
    if sampler in anchors.SAMPLERS:
        if n_shared:
            raise ValueError(f"{sampler} does not take --shared-start")
        curve, seconds = anchors.run(sampler, problem, seed, n_trials)
        return {"sampler": sampler, "problem": problem_name, "family": problem.family,
                "split": problem.split, "seed": seed, "f_star": problem.optimum(),
                "curve": curve, "seconds_per_trial": seconds, "picks": None}
    lib, smp = make_sampler(sampler, seed)
    study = lib.create_study(sampler=smp)
    for params in shared_start(problem, seed, n_shared) if n_shared else []:
        study.enqueue_trial(params)
    t0 = time.perf_counter()
    study.optimize(problem.objective, n_trials=n_trials)
    seconds = (time.perf_counter() - t0) / n_trials
    best, curve, picks = math.inf, [], []
    for tr in sorted(study.trials, key=lambda x: x.number):
        if tr.state.name == "COMPLETE" and tr.value is not None:
            best = min(best, tr.value)
        curve.append(best)
        picks.append(tr.system_attrs.get("auto:sampler", ""))
    return {"sampler": sampler + (f"@{label}" if label else ""), "problem": problem_name,
            "family": problem.family, "split": problem.split, "seed": seed,
            "f_star": problem.optimum(), "curve": curve, "seconds_per_trial": seconds,
            "picks": picks if any(picks) else None, "shared_start": n_shared}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samplers", default="otto-auto,otto-random",
                    help="comma-separated: " + ", ".join(OTTO_SAMPLERS + OPTUNA_SAMPLERS +
                                                         anchors.SAMPLERS))
    ap.add_argument("--label", default="", help="appended to otto samplers' names as @label")
    ap.add_argument("--problems", default="", help="names (a trailing * is a prefix)")
    ap.add_argument("--families", default="", help="compare, bbob, tabular, sklearn, spaces")
    ap.add_argument("--split", default="", help="train or test")
    ap.add_argument("--tags", default="")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--seed-offset", type=int, default=0)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--auto-gp-trials", type=int, default=0,
                    help="otto-auto's gp_trials (0: its default, 250); give a --label too")
    ap.add_argument("--shared-start", type=int, default=0,
                    help="enqueue the same N random trials first in every run of a seed")
    ap.add_argument("--list", action="store_true", help="print the selected problems and exit")
    ap.add_argument("--out", required=False, default="")
    args = ap.parse_args()
    from devsuite.registry import select
    problems = select(args.problems, args.families, args.split, args.tags)
    if args.list:
        for p in problems:
            print(p.split, p.family, p.name, ",".join(p.tags))
        return
    if not args.out:
        ap.error("--out is required")
    samplers = args.samplers.split(",")
    os.environ["OTTO_DEVSUITE_AUTO_GP_TRIALS"] = str(args.auto_gp_trials)
    for s in samplers:
        if s not in OTTO_SAMPLERS + OPTUNA_SAMPLERS + anchors.SAMPLERS and gp_spec(s) is None:
            ap.error(f"unknown sampler {s}")
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            for line in f:
                r = json.loads(line)
                done.add((r["sampler"], r["problem"], r["seed"], len(r["curve"]),
                          r.get("shared_start", 0)))
    jobs = []
    for s in samplers:
        label = args.label if s.startswith("otto-") else ""
        for p in problems:
            for seed in range(args.seed_offset, args.seed_offset + args.seeds):
                key = (s + (f"@{label}" if label else ""), p.name, seed, args.trials,
                       args.shared_start)
                if key not in done:
                    jobs.append((s, label, p.name, seed, args.trials, args.shared_start))
    t0 = time.time()
    # a worker that dies (a crash in a library) fails the run with
    # BrokenProcessPool instead of leaving multiprocessing.Pool waiting forever
    # for its lost result
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=ctx) as pool, \
            open(args.out, "a") as out:
        for f in concurrent.futures.as_completed([pool.submit(run_one, j) for j in jobs]):
            out.write(json.dumps(f.result()) + "\n")
            out.flush()
    print(f"{len(jobs)} runs in {time.time() - t0:.0f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
