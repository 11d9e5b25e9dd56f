#!/usr/bin/env python3
"""otto's multi-objective samplers against Optuna HEAD's on bench/mo_problems.py
(25 problems, 2-4 objectives; split into issue 28's `listed` problems and the
`heldout` rest): hypervolume gap to the best known front at 50/100/200/500 trials.

Samplers by name, each at its defaults with seed=s (constraints_func when the
problem is constrained; NSGA-II population 50): otto-tpe, otto-nsga2,
otto-gp (log EHVI), otto-auto, optuna-tpe, optuna-nsga2, optuna-gp (Optuna
HEAD's GPSampler, one torch thread); otto's one-option-away variants are
otto-tpe-crowding (Pareto ties cut by crowding distance instead of HSSP),
otto-tpe-hvw (hypervolume-contribution weights), otto-tpe-multivariate and
otto-gp-parego. Each (problem, sampler, seed) runs once
at the sampler's longest budget (TPE and auto 200, NSGA-II 500, GP 100, or
--max-trials); a smaller budget is that run's prefix, which is what a run of
that length would have done (no sampler knows the budget).

Score of a run at a budget: its hypervolume gap, the hypervolume of the
union of every cached run's feasible points on the problem (all samplers,
seeds and budgets: the best known front) minus the hypervolume of the run's
own feasible points, both below the problem's fixed reference point (beyond
every value an objective takes on the feasible space) and computed by C's
otto_hypervolume. Per pair a:b, per problem and budget: the ratio of median
gaps a/b (< 1: a closer to the best known front) with '+' ('-') when a's
gaps are significantly lower (higher) by a two-sided Mann-Whitney U test,
p < 0.05; per split the geometric mean of the ratios over the problems with
all seeds run by both, and the counts of significant wins and losses.

    OTTO_LIB=build/libotto.so nice -n 10 /usr/bin/python3 bench/compare_mo.py \\
        --split heldout --samplers otto-tpe,optuna-tpe --procs 1 --out bench/RESULTS_MO.md

Every run is cached as JSON in --cache (resumable: a cached run is not
redone; --force redoes the selected samplers' runs, e.g. after a change to
otto's auto sampler: --samplers otto-auto --force). --report-only reports
what the cache holds for the selected problems and pairs."""
import argparse
import glob
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")  # torch and BLAS: one thread, like otto
sys.path.insert(0, "/work/peers/shim")
import optuna_head  # noqa: E402,F401  (Optuna HEAD before anything imports optuna)
import optuna  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_env  # noqa: E402,F401  (otto from this checkout, OTTO_LIB)
import mo_problems  # noqa: E402
import otto  # noqa: E402

OPTUNA_COMMIT = "1d8ce7bb6"  # /work/peers/optuna is an export of Optuna HEAD at this commit
RUN_LENGTH = {"otto-tpe": 200, "otto-tpe-crowding": 200, "otto-tpe-hvw": 200,
              "otto-tpe-multivariate": 200, "otto-nsga2": 500, "otto-gp": 100,
              "otto-gp-parego": 100, "otto-auto": 200,
              "optuna-tpe": 200, "optuna-nsga2": 500, "optuna-gp": 100}
BUDGETS = (50, 100, 200, 500)
DEFAULT_PAIRS = ("otto-tpe:optuna-tpe,otto-nsga2:optuna-nsga2,otto-gp:optuna-gp,"
                 "otto-auto:optuna-gp,otto-auto:optuna-tpe")
PROBLEMS = {p.name: p for p in mo_problems.problems()}


def make_sampler(name, seed, constraints_func):
    """The named sampler at its defaults, seeded."""
    cf = constraints_func
    if name == "optuna-tpe":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=cf)
    if name == "optuna-nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=50, constraints_func=cf)
    if name == "optuna-gp":
        import torch
        torch.set_num_threads(1)
        return optuna.samplers.GPSampler(seed=seed, constraints_func=cf)
    if name == "otto-tpe":
        return otto.samplers.TPESampler(seed=seed, constraints_func=cf)
    if name == "otto-tpe-crowding":
        return otto.samplers.TPESampler(seed=seed, constraints_func=cf,
                                        pareto_tiebreak="crowding")
    if name == "otto-tpe-hvw":
        return otto.samplers.TPESampler(seed=seed, constraints_func=cf, hypervolume_weights=True)
    if name == "otto-tpe-multivariate":
        return otto.samplers.TPESampler(seed=seed, constraints_func=cf, multivariate=True)
    if name == "otto-nsga2":
        return otto.samplers.NSGAIISampler(seed=seed, population_size=50, constraints_func=cf)
    if name == "otto-gp":
        return otto.samplers.GPSampler(seed=seed, constraints_func=cf)
    if name == "otto-gp-parego":
        return otto.samplers.GPSampler(seed=seed, constraints_func=cf, multi_objective="parego")
    if name == "otto-auto":
        return otto.samplers.AutoSampler(seed=seed, constraints_func=cf)
    raise ValueError(f"unknown sampler {name!r}; known: {', '.join(RUN_LENGTH)}")


def run(problem_name, sampler_name, seed, n_trials):
    """One seeded run: each trial's objective values in number order (None
    when infeasible or not complete), wall and process CPU seconds."""
    problem = PROBLEMS[problem_name]
    cf = mo_problems.constraints_func(problem)
    lib = optuna if sampler_name.startswith("optuna") else otto
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # experimental / deprecated constraints_func
        lib.logging.set_verbosity(lib.logging.ERROR)
        sampler = make_sampler(sampler_name, seed, cf)
        study = lib.create_study(directions=["minimize"] * problem.n_objectives,
                                 sampler=sampler)
        wall, cpu = time.perf_counter(), time.process_time()
        study.optimize(problem.objective, n_trials=n_trials)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    values = []
    for t in sorted(study.trials, key=lambda t: t.number):
        ok = t.state.name == "COMPLETE" and t.values is not None
        if ok and problem.constraints is not None:
            ok = all(c <= 0 for c in problem.constraints(t.params))
        values.append([float(v) for v in t.values] if ok else None)
    return {"problem": problem_name, "sampler": sampler_name, "seed": seed,
            "trials": n_trials, "values": values, "wall": wall, "cpu": cpu}


def cache_path(cache, problem, sampler, seed, trials):
    return os.path.join(cache, f"{problem}.{sampler}.{seed}.{trials}.json")


def cached_runs(cache, problem, sampler=None):
    """{(sampler, seed): the longest cached run} of a problem (one sampler or all)."""
    out = {}
    for path in glob.glob(os.path.join(cache, f"{problem}.*.json")):
        parts = os.path.basename(path)[len(problem) + 1:-len(".json")].rsplit(".", 2)
        if len(parts) != 3 or (sampler is not None and parts[0] != sampler):
            continue
        key, trials = (parts[0], int(parts[1])), int(parts[2])
        if key not in out or out[key][0] < trials:
            out[key] = (trials, path)
    runs = {}
    for key, (_, path) in out.items():
        with open(path) as fh:
            runs[key] = json.load(fh)
    return runs


def run_job(job):
    """Run and cache one (cache, problem, sampler, seed, trials); returns its wall time."""
    cache, problem, sampler, seed, trials = job
    r = run(problem, sampler, seed, trials)
    path = cache_path(cache, problem, sampler, seed, trials)
    with open(path + ".tmp", "w") as fh:
        json.dump(r, fh)
    os.replace(path + ".tmp", path)
    return job, r["wall"]


def run_missing(args, problems, samplers):
    """Run every selected (problem, sampler, seed) the cache lacks, problem by
    problem (so an interrupted sweep leaves whole problems done)."""
    jobs = []
    for p in problems:
        for s in samplers:
            trials = min(RUN_LENGTH[s], args.max_trials or RUN_LENGTH[s])
            have = cached_runs(args.cache, p, s)
            for seed in range(args.seeds):
                if args.force:
                    for path in glob.glob(os.path.join(args.cache, f"{p}.{s}.{seed}.*.json")):
                        os.remove(path)
                elif (s, seed) in have and have[s, seed]["trials"] >= trials:
                    continue
                jobs.append((args.cache, p, s, seed, trials))
    if not jobs:
        return
    print(f"{len(jobs)} runs to do", file=sys.stderr, flush=True)
    if args.procs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(args.procs) as pool:
            for job, wall in pool.imap_unordered(run_job, jobs):
                print(f"{job[1]:12s} {job[2]:14s} seed {job[3]} {job[4]:4d} trials "
                      f"{wall:7.1f} s", file=sys.stderr, flush=True)
    else:
        for job in jobs:
            _, wall = run_job(job)
            print(f"{job[1]:12s} {job[2]:14s} seed {job[3]} {job[4]:4d} trials "
                  f"{wall:7.1f} s", file=sys.stderr, flush=True)


def feasible_hypervolume(values, reference):
    return mo_problems.front_hypervolume([v for v in values if v is not None], reference)


def gaps_of(problem, runs):
    """{(sampler, budget): [gap per seed, in seed order]} and {sampler: seeds},
    from the runs {(sampler, seed): run} of one problem."""
    ref = PROBLEMS[problem].reference
    best = feasible_hypervolume([v for r in runs.values() for v in r["values"]], ref)
    floor = 1e-12 * best if best > 0 else 1e-300  # a gap of 0 stays a finite ratio
    gaps, seeds = {}, {}
    for (s, seed) in sorted(runs):
        r = runs[s, seed]
        seeds.setdefault(s, []).append(seed)
        for b in BUDGETS:
            if b <= r["trials"]:
                gaps.setdefault((s, b), []).append(
                    max(best - feasible_hypervolume(r["values"][:b], ref), floor))
    return gaps, seeds


def significance(a, b):
    """'+' when the gaps a are significantly lower than b (two-sided
    Mann-Whitney U, p < 0.05), '-' when higher, '' otherwise."""
    from scipy.stats import mannwhitneyu
    if len(set(a) | set(b)) < 2:
        return ""
    if not mannwhitneyu(a, b, alternative="two-sided").pvalue < 0.05:
        return ""
    return "+" if statistics.median(a) < statistics.median(b) else "-"


def gp_ask_cost(n_objectives, n_trials=100, asks=11, dim=5):
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GPSampler's experimental-feature warning
        sampler = otto.samplers.GPSampler(seed=0)
    study = otto.create_study(directions=["minimize"] * n_objectives, sampler=sampler)
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


def costs():
    """The issue's cost figures, from the C benchmarks of this build and the
    GP ask cost above: Markdown lines."""
    lines = ["\n## Cost\n"]
    build = os.path.join(os.path.dirname(HERE), "build", "bench")
    for prog, what in (("hypervolume_cost", "otto_hypervolume of 1,000 points (bar: under 1 ms "
                        "in 3-D)"), ("nsga_overhead", "an NSGA-II ask (bar: under 20 us)")):
        out = subprocess.run([os.path.join(build, prog)], capture_output=True, text=True)
        lines += [f"`build/bench/{prog}`: {what}.\n", "```", out.stdout.rstrip(), "```\n"]
    one, two = gp_ask_cost(1), gp_ask_cost(2)
    lines.append("otto's GP ask after 100 finished trials in 5-D (ZDT1; one objective: the "
                 "sum of the two), median CPU ms of 11 asks (`--gp-ask-cost`): one objective "
                 f"{one:.1f} ms, two objectives (log EHVI) {two:.1f} ms, ratio {two / one:.2f} "
                 "(bar: within 2x).")
    return lines


def otto_commit():
    try:
        out = subprocess.run(["git", "-C", HERE, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(args, problems, samplers, pairs):
    lines = []
    out = lines.append
    splits = [s for s in ("heldout", "listed") if any(PROBLEMS[p].split == s for p in problems)]
    if len(splits) > 1:
        splits.append("all")
    out("# Multi-objective samplers: otto against Optuna HEAD\n")
    out("Generated by bench/compare_mo.py (never hand-edited). Command:\n")
    out("    " + " ".join([f"OTTO_LIB={os.environ.get('OTTO_LIB', '')}",
                           "nice -n 10 /usr/bin/python3 bench/compare_mo.py"] + sys.argv[1:]))
    out("")
    out(f"Optuna {optuna.__version__} from /work/peers/optuna (HEAD {OPTUNA_COMMIT}) with "
        f"Debian's torch through /work/peers/shim; otto {otto_commit()}. {args.seeds} seeds. "
        "Score: hypervolume gap to the best known front (the union of every cached run's "
        "feasible points on the problem) below the problem's fixed reference point; each "
        "cell is the ratio of median gaps (< 1: the first sampler closer), '+'/'-' a "
        "significant win/loss of the first sampler (two-sided Mann-Whitney U, p < 0.05). "
        "Geometric means cover the problems with all seeds run by both samplers at that "
        "budget; a cell with fewer seeds (k/N) is shown but left out. Smaller budgets are prefixes of the "
        "longest run (see the script's docstring).\n")
    gaps, seeds = {}, {}
    for p in problems:
        g, s = gaps_of(p, cached_runs(args.cache, p))
        for key, v in g.items():
            gaps[(p,) + key] = v
        for key, v in s.items():
            seeds[p, key] = v
    summary, sections = [], []
    for a, b in pairs:
        budgets = [x for x in BUDGETS
                   if any((p, a, x) in gaps and (p, b, x) in gaps for p in problems)]
        rows = [p for p in problems if any((p, a, x) in gaps and (p, b, x) in gaps
                                           for x in budgets)]
        if not rows:
            continue
        sec = [f"\n## {a} / {b}\n",
               "| problem | m | kind | split | seeds | " + " | ".join(f"@{x}" for x in budgets)
               + " |", "|---|---|---|---|---|" + "---|" * len(budgets)]
        logs = {(sp, x): [] for sp in splits for x in budgets}
        wins = {(sp, x): [0, 0] for sp in splits for x in budgets}
        for p in rows:
            prob = PROBLEMS[p]
            k = min(len(seeds.get((p, a), [])), len(seeds.get((p, b), [])))
            cells = []
            for x in budgets:
                if (p, a, x) not in gaps or (p, b, x) not in gaps:
                    cells.append("")
                    continue
                ga, gb = gaps[p, a, x], gaps[p, b, x]
                ratio = statistics.median(ga) / statistics.median(gb)
                sig = significance(ga, gb)
                kx = min(len(ga), len(gb))  # seeds whose runs reach this budget
                cells.append(f"{ratio:.3g}{sig}" + (f" ({kx}/{args.seeds})"
                                                    if kx < args.seeds else ""))
                if kx == args.seeds:
                    for sp in splits:
                        if sp in ("all", prob.split):
                            logs[sp, x].append(math.log(ratio))
                            wins[sp, x][0] += sig == "+"
                            wins[sp, x][1] += sig == "-"
            sec.append(f"| {p} | {prob.n_objectives} | {mo_problems.kind(prob)} | {prob.split} | "
                       f"{k}/{args.seeds} | " + " | ".join(cells) + " |")
        for sp in splits:
            cells, n = [], max(len(logs[sp, x]) for x in budgets)
            if not n or (sp == "all" and any(
                    max(len(logs[other, x]) for x in budgets) == n for other in splits
                    if other != "all")):
                continue  # no problem, or "all" is one split's rows again
            for x in budgets:
                lg = logs[sp, x]
                cells.append(f"**{math.exp(statistics.mean(lg)):.3f}** "
                             f"({wins[sp, x][0]}+/{wins[sp, x][1]}-, {len(lg)})" if lg else "")
            sec.append(f"| **geometric mean, {sp}** | | | | | " + " | ".join(cells) + " |")
            summary.append(f"| {a} / {b} | {sp} | " + " | ".join(
                (f"{math.exp(statistics.mean(logs[sp, x])):.3f} "
                 f"({wins[sp, x][0]}+/{wins[sp, x][1]}-, {len(logs[sp, x])})"
                 if x in budgets and logs[sp, x] else "") for x in BUDGETS) + " |")
        sections += sec
    out("## Summary: geometric mean of median-gap ratios (wins+/losses-, problems)\n")
    out("| pair | split | " + " | ".join(f"@{x}" for x in BUDGETS) + " |")
    out("|---|---|" + "---|" * len(BUDGETS))
    lines += summary
    lines += sections
    out("\n## Wall time per run\n")
    out("Median over the problems of the mean over seeds, seconds per run at the "
        "sampler's run length (sampler and objective, in one process on a shared "
        "2-core machine under `nice -n 10`).\n")
    out("| sampler | trials per run | problems (wall) | runs | wall s per run | CPU s per run |")
    out("|---|---|---|---|---|---|")
    for s in samplers:
        per = {"wall": [], "cpu": []}
        trials, n = set(), 0
        for p in problems:
            rs = list(cached_runs(args.cache, p, s).values())
            trials |= {r["trials"] for r in rs}
            n += len(rs)
            for key in per:  # imported runs lack one of the two
                known = [r[key] for r in rs if r.get(key) is not None]
                if known:
                    per[key].append(statistics.mean(known))
        if n:
            out(f"| {s} | {'/'.join(map(str, sorted(trials)))} | {len(per['wall'])} | {n} | "
                + " | ".join(f"{statistics.median(per[k]):.2f}" if per[k] else ""
                             for k in ("wall", "cpu")) + " |")
    out("\n## Problems\n")
    out("| problem | m | kind | split | reference point |")
    out("|---|---|---|---|---|")
    for p in problems:
        prob = PROBLEMS[p]
        out(f"| {p} | {prob.n_objectives} | {mo_problems.kind(prob)} | {prob.split} | "
            f"{', '.join(f'{v:g}' for v in prob.reference)} |")
    if args.costs:
        lines += costs()
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--problems", default="", help="comma-separated, in run order (all)")
    ap.add_argument("--split", choices=("heldout", "listed", "all"), default="all")
    ap.add_argument("--samplers", default="", help="comma-separated: the samplers to run "
                    "(default: those of --pairs)")
    ap.add_argument("--pairs", default=DEFAULT_PAIRS, help="a:b,... reported as a/b")
    ap.add_argument("--max-trials", type=int, default=0,
                    help="cap each run's length (a later longer run replaces it)")
    ap.add_argument("--procs", type=int, default=1, help="parallel runs")
    ap.add_argument("--cache", default="/work/cache/compare_mo")
    ap.add_argument("--force", action="store_true", help="redo the selected runs")
    ap.add_argument("--report-only", action="store_true", help="report the cached runs")
    ap.add_argument("--gp-ask-cost", action="store_true",
                    help="only print otto's 1- and 2-objective GP ask cost at 100 trials")
    ap.add_argument("--costs", action="store_true", help="add the cost figures to the report "
                    "(runs build/bench/hypervolume_cost and nsga_overhead)")
    ap.add_argument("--out", default="", help="write the Markdown report here")
    args = ap.parse_args()
    if args.gp_ask_cost:
        one, two = gp_ask_cost(1), gp_ask_cost(2)
        print(f"otto GP ask after 100 trials, 5-D, median of 11 (CPU ms): 1 objective "
              f"{one:.1f}, 2 objectives (log EHVI) {two:.1f}, ratio {two / one:.2f}")
        return
    problems = args.problems.split(",") if args.problems else list(PROBLEMS)
    unknown = [p for p in problems if p not in PROBLEMS]
    if unknown:
        ap.error(f"unknown problems {unknown}; known: {', '.join(PROBLEMS)}")
    problems = [p for p in problems if args.split in ("all", PROBLEMS[p].split)]
    pairs = [tuple(x.split(":")) for x in args.pairs.split(",") if x]
    if any(len(x) != 2 or not set(x) <= set(RUN_LENGTH) for x in pairs):
        ap.error(f"--pairs takes a:b,... of {', '.join(RUN_LENGTH)}")
    samplers = args.samplers.split(",") if args.samplers else list(
        dict.fromkeys(s for pair in pairs for s in pair))
    if not set(samplers) <= set(RUN_LENGTH):
        ap.error(f"unknown sampler in {samplers}; known: {', '.join(RUN_LENGTH)}")
    os.makedirs(args.cache, exist_ok=True)
    if not args.report_only:
        run_missing(args, problems, samplers)
    reported = list(dict.fromkeys(s for pair in pairs for s in pair))
    text = report(args, problems, reported, pairs)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
