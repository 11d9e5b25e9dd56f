#!/usr/bin/env python3
"""TPE overhead side by side: ms per trial (ask + 10 suggests + tell) on the
10-D sphere after n finished trials, for otto (through its Python binding,
and in C via build/bench/tpe_overhead, both with Optuna's settings) and
Optuna (Debian's, or current Optuna first on PYTHONPATH), in the same run,
multivariate and univariate. Histories are filled with add_trials of uniform
points, then 7 trials are timed and the median is reported.

    OTTO_LIB=build/libotto.so /usr/bin/python3 bench/tpe_overhead_vs_optuna.py 100 1000 5000
"""
import os
import random
import statistics
import subprocess
import sys
import time
import warnings

from bench_env import HERE, ROOT, optuna, otto  # noqa: E402,F401

DIM, REPS = 10, 7


def per_trial_ms(lib, multivariate, n):
    kw = {"multivariate": multivariate, "seed": 1}
    if lib is otto:
        kw.update(group=multivariate, constant_liar=False)
    sampler = lib.samplers.TPESampler(**kw)
    study = lib.create_study(sampler=sampler)
    dists = {f"x{i}": lib.distributions.FloatDistribution(-5, 5) for i in range(DIM)}
    rng = random.Random(1)
    trials = []
    for _ in range(n):
        params = {k: rng.uniform(-5, 5) for k in dists}
        trials.append(lib.trial.create_trial(params=params, distributions=dists,
                                             value=sum(v * v for v in params.values())))
    study.add_trials(trials)
    times = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        t = study.ask()
        v = sum(t.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(DIM))
        study.tell(t, v)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]
    c_bench = os.path.join(ROOT, "build", "bench", "tpe_overhead")
    c_rows = {}
    if os.path.exists(c_bench):
        out = subprocess.run([c_bench] + [str(n) for n in sizes], capture_output=True,
                             text=True).stdout.splitlines()
        for line in out[2:]:
            # the C column with Optuna's candidate count and gamma, as the
            # Python TPESampler() here
            n, _, mv_optuna, uv = line.split()
            c_rows[int(n)] = (float(mv_optuna), float(uv))
    print("ms per trial, 10-D sphere, after n finished trials (median of 7)")
    header = "| n | mode | otto C | otto Python |"
    if optuna:
        header += f" Optuna {optuna.__version__} | Optuna / otto Python |"
    print(header)
    print("|---|---|---|---|" + ("---|---|" if optuna else ""))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in sizes:
            for mv in (True, False):
                o = per_trial_ms(otto, mv, n)
                c = c_rows.get(n, (float("nan"),) * 2)[0 if mv else 1]
                row = f"| {n} | {'multivariate' if mv else 'univariate'} | {c:.3f} | {o:.3f} |"
                if optuna:
                    p = per_trial_ms(optuna, mv, n)
                    row += f" {p:.1f} | {p / o:.0f}x |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
