#!/usr/bin/env python3
"""Journal storage side by side with Debian's Optuna 3.1 JournalStorage
(JournalFileStorage) through both Python APIs: time per trial (ask + 10
suggests + tell, random sampler) while writing n trials, then the time to
load the study and read all its trials back, and the file size.

    OTTO_LIB=build/libotto.so /usr/bin/python3 bench/storage_vs_optuna.py 2000
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


def storage_for(lib, path):
    if lib is otto:
        return f"journal:{path}"
    return lib.storages.JournalStorage(lib.storages.JournalFileStorage(path))


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
    return write, load, os.path.getsize(path)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    warnings.simplefilter("ignore")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    otto.logging.set_verbosity(otto.logging.ERROR)
    print(f"{n} trials x {DIM} float params, random sampler, one process")
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
