#!/usr/bin/env python3
"""Python overhead per trial, otto beside Optuna in one run: a 10-D trial
(ask + 10 suggest_float + tell) with the random sampler through
study.optimize, through an ask/tell loop, and through ask() with a declared
space (fixed_distributions); and TPE's time per trial around 1,000 finished
trials through Python against the same C loop (build/bench/tpe_overhead
--loop, otto's TPE defaults in both).

    OTTO_LIB=build/libotto.so /usr/bin/python3 bench/python_overhead.py
    (PYTHONPATH=/tmp/optuna-head first puts Optuna HEAD beside Debian's 3.1)

Prints a Markdown table; medians of 5 repeats."""
import os
import statistics
import subprocess
import sys
import time

from bench_env import HERE, ROOT, optuna, otto  # noqa: F401

DIM = 10
NAMES = [f"x{i}" for i in range(DIM)]


def objective(trial):
    s = 0.0
    for n in NAMES:
        x = trial.suggest_float(n, -5.0, 5.0)
        s += x * x
    return s


def per_trial(fn, n, repeats=5):
    """Median over repeats of the mean microseconds per trial."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(n)
        out.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(out)


def with_optimize(lib, n, sampler=None):
    s = lib.create_study(sampler=sampler or lib.samplers.RandomSampler(seed=0))
    s.optimize(objective, n_trials=n)


def with_ask_tell(lib, n):
    s = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    for _ in range(n):
        t = s.ask()
        s.tell(t, objective(t))


def with_declared(lib, n):
    s = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    space = {name: lib.distributions.FloatDistribution(-5.0, 5.0) for name in NAMES}
    for _ in range(n):
        t = s.ask(fixed_distributions=space)
        s.tell(t, sum(v * v for v in t.params.values()))


def tpe_window(lib, warm=1000, window=100):
    """ms per TPE trial over the `window` trials after `warm` finished ones."""
    s = lib.create_study(sampler=lib.samplers.TPESampler.otto_defaults(seed=1))
    s.optimize(objective, n_trials=warm)
    t0 = time.perf_counter()
    s.optimize(objective, n_trials=window)
    return (time.perf_counter() - t0) / window * 1e3


def c_tpe_window():
    exe = os.path.join(os.path.dirname(os.environ["OTTO_LIB"]), "bench", "tpe_overhead")
    if not os.path.exists(exe):
        return None
    out = subprocess.run([exe, "--loop", "1100"], capture_output=True, text=True).stdout
    for line in out.splitlines():  # "... 1000 ... <ms> ..." rows: the window ending at 1k
        if line.strip().startswith("1000") or " 1k" in line:
            nums = [float(w) for w in line.replace(",", " ").split() if _is_number(w)]
            return nums[-1] if nums else None
    return None


def _is_number(w):
    try:
        float(w)
        return True
    except ValueError:
        return False


def main():
    otto.logging.set_verbosity(otto.logging.WARNING)
    libs = [("otto", otto)]
    if optuna is not None:
        libs.append((f"Optuna {optuna.__version__}", optuna))
    rows = [("random, optimize()", lambda lib: per_trial(lambda n: with_optimize(lib, n), 2000)),
            ("random, ask/tell", lambda lib: per_trial(lambda n: with_ask_tell(lib, n), 2000)),
            ("random, ask(fixed_distributions)",
             lambda lib: per_trial(lambda n: with_declared(lib, n), 2000))]
    print("| us per 10-D trial | " + " | ".join(name for name, _ in libs) + " | ratio |")
    print("|---|" + "---|" * (len(libs) + 1))
    for label, fn in rows:
        got = [fn(lib) if name == "otto" else fn(lib) for name, lib in libs]
        ratio = f"{got[1] / got[0]:.0f}x" if len(got) > 1 else ""
        print(f"| {label} | " + " | ".join(f"{g:.1f}" for g in got) + f" | {ratio} |",
              flush=True)
    py, c = [], []
    for _ in range(3):  # alternated, medians: this machine is shared and noisy
        py.append(tpe_window(otto))
        c.append(c_tpe_window())
    py = statistics.median(py)
    c = statistics.median(c) if None not in c else None
    print(f"\nTPE (otto's defaults, 10-D), ms per trial over trials 1,000-1,100, median of 3: "
          f"Python {py:.3f}" + (f", C {c:.3f} (Python adds {100 * (py / c - 1):.0f}%)"
                                 if c else " (C: build/bench/tpe_overhead not built)"))


if __name__ == "__main__":
    sys.exit(main())
