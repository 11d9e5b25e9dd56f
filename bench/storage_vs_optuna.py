#!/usr/bin/env python3
"""otto's storages side by side with Debian's Optuna 3.1 through both Python
APIs: the journal against Optuna's JournalStorage (JournalFileStorage), or
SQLite ("sqlite:///PATH") against Optuna's RDBStorage on SQLite. Time per
trial (ask + 10 suggests + tell, random sampler) while writing n trials,
then the time to load the study and read all its trials back, and the size
on disk. Both libraries at their defaults (otto: fsync every tell).

    OTTO_LIB=build/libotto.so /usr/bin/python3 bench/storage_vs_optuna.py 2000 [journal|sqlite]
"""
import os
import sys
import tempfile
import time
import warnings

from bench_env import optuna, otto  # noqa: E402

DIM = 10


def objective(t):
    return sum(t.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(DIM))


BACKEND = sys.argv[2] if len(sys.argv) > 2 else "journal"


def storage_for(lib, path):
    if BACKEND == "sqlite":
        return f"sqlite:///{path}"
    if lib is otto:
        return f"journal:{path}"
    return lib.storages.JournalStorage(lib.storages.JournalFileStorage(path))


def disk_size(path):
    return sum(os.path.getsize(p) for p in (path, path + "-wal", path + "-journal")
               if os.path.exists(p))


def run(lib, n, path):
    study = lib.create_study(storage=storage_for(lib, path), study_name="bench",
                             sampler=lib.samplers.RandomSampler(seed=1))
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n)
    write = (time.perf_counter() - t0) / n
    del study
    t0 = time.perf_counter()
    loaded = lib.load_study(study_name="bench", storage=storage_for(lib, path))
    trials = loaded.trials
    load = time.perf_counter() - t0
    assert len(trials) == n
    return write, load, disk_size(path)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    warnings.simplefilter("ignore")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    otto.logging.set_verbosity(otto.logging.ERROR)
    if BACKEND not in ("journal", "sqlite"):
        sys.exit("backend: journal or sqlite")
    print(f"{BACKEND}: {n} trials x {DIM} float params, random sampler, one process")
    print(f"{'':16} {'us/trial (write)':>18} {'load + read (s)':>16} {'bytes/trial':>12}")
    rows = {}
    with tempfile.TemporaryDirectory() as d:
        for name, lib in (("otto", otto), ("optuna 3.1", optuna)):
            w, ld, size = run(lib, n, os.path.join(d, name.split()[0] + ".log"))
            rows[name] = (w, ld)
            print(f"{name:16} {1e6 * w:18.0f} {ld:16.3f} {size / n:12.0f}")
    print(f"ratio optuna/otto: write {rows['optuna 3.1'][0] / rows['otto'][0]:.0f}x, "
          f"load {rows['optuna 3.1'][1] / rows['otto'][1]:.0f}x")


if __name__ == "__main__":
    main()
