#!/usr/bin/python3
"""Write the Optuna fixtures of `otto import`'s tests, run by hand with
Debian's Optuna 3.1 (python3-optuna) when they need to change:

    TZ=UTC /usr/bin/python3 tests/cli/make_optuna_fixtures.py tests/cli/fixtures

It makes the same studies in an RDB (SQLite) file, optuna31.db, and in a
JournalStorage file, optuna31.journal: single- and multi-objective,
COMPLETE, PRUNED (with intermediate values), FAIL, RUNNING and WAITING
trials, float/int/log/step/categorical params, inf values, NaN
intermediate values, study and trial attributes, and a deleted study. It
then reads every study back through Optuna and writes what Optuna sees to
optuna31.expected.json, which the tests compare an imported study with,
so the tests themselves never need Optuna."""
import json
import math
import os
import sys

import optuna
from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                  IntDistribution, distribution_to_json)
from optuna.storages import JournalFileStorage, JournalStorage, RDBStorage
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)


def populate(storage):
    single = optuna.create_study(storage=storage, study_name="single",
                                 sampler=optuna.samplers.RandomSampler(seed=1))
    single.set_user_attr("owner", "ana")
    single.set_user_attr("budget", {"gpu_hours": 12, "tags": ["a", "b"]})
    single._storage.set_study_system_attr(single._study_id, "legacy", [1, 2])
    choices = ["adam", 1, 2.5, None, True, "sg\u00fcd \"q\""]
    for i in range(8):
        trial = single.ask()
        x = trial.suggest_float("x", -5, 5)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        q = trial.suggest_float("q", 0, 1, step=0.25)
        n = trial.suggest_int("n", 1, 9)
        m = trial.suggest_int("m", 1, 1024, log=True)
        k = trial.suggest_int("k", 0, 20, step=4)
        c = trial.suggest_categorical("c", choices)
        trial.set_user_attr("i", i)
        trial.set_user_attr("note", f"trial {i}")
        single._storage.set_trial_system_attr(trial._trial_id, "origin", {"host": "h1"})
        value = x * x + lr + q + n + m / 1024 + k + (0.5 if c is None else 0)
        if i == 2:  # pruned, with reports; the last one is its value
            for step in range(3):
                trial.report(value + 3 - step, step)
            single.tell(trial, state=TrialState.PRUNED)
        elif i == 3:  # pruned whose last report is NaN: no value
            trial.report(1.0, 0)
            trial.report(float("nan"), 1)
            single.tell(trial, state=TrialState.PRUNED)
        elif i == 4:
            single.tell(trial, state=TrialState.FAIL)
        elif i == 5:
            single.tell(trial, float("inf"))
        elif i == 7:
            pass  # left RUNNING
        else:
            trial.report(value * 2, 0)
            single.tell(trial, value)
    single.enqueue_trial({"x": 1.5, "c": "adam"}, user_attrs={"queued": True})

    multi = optuna.create_study(storage=storage, study_name="multi",
                                directions=["minimize", "maximize"],
                                sampler=optuna.samplers.RandomSampler(seed=2))
    for i in range(5):
        trial = multi.ask()
        a = trial.suggest_float("a", 0, 1)
        b = trial.suggest_int("b", -3, 3)
        if i == 3:
            multi.tell(trial, state=TrialState.FAIL)
        else:
            multi.tell(trial, [a + b, a - b])

    gone = optuna.create_study(storage=storage, study_name="deleted")
    gone.optimize(lambda t: t.suggest_float("z", 0, 1), n_trials=2)
    optuna.delete_study(study_name="deleted", storage=storage)

    # a maximized study with a name that needs escaping
    odd = optuna.create_study(storage=storage, study_name="caf\u00e9 \"odd\"\n",
                              direction="maximize")
    odd.add_trial(optuna.trial.create_trial(
        params={"only": "x"}, distributions={"only": CategoricalDistribution(["x", "y"])},
        value=-1.0))


def number(v):
    if v is None:
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


def expected(storage):
    out = []
    for summary in optuna.get_all_study_summaries(storage):
        study = optuna.load_study(study_name=summary.study_name, storage=storage)
        trials = []
        for t in study.get_trials(deepcopy=False):
            trials.append({
                "number": t.number,
                "state": t.state.name,
                "values": None if t.values is None else [number(v) for v in t.values],
                "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
                "datetime_complete": (t.datetime_complete.isoformat()
                                      if t.datetime_complete else None),
                "params": {k: number(v) for k, v in t.params.items()},
                "distributions": {k: json.loads(distribution_to_json(d))
                                  for k, d in t.distributions.items()},
                "intermediate_values": {str(k): number(v)
                                        for k, v in t.intermediate_values.items()},
                "user_attrs": t.user_attrs,
                "system_attrs": t.system_attrs,
            })
        out.append({"name": study.study_name,
                    "directions": [d.name for d in study.directions],
                    "user_attrs": study.user_attrs,
                    "system_attrs": study.system_attrs,
                    "trials": trials})
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out_dir, exist_ok=True)
    db = os.path.join(out_dir, "optuna31.db")
    journal = os.path.join(out_dir, "optuna31.journal")
    for path in (db, journal):
        if os.path.exists(path):
            os.remove(path)
    rdb = RDBStorage("sqlite:///" + db)
    populate(rdb)
    populate(JournalStorage(JournalFileStorage(journal)))
    want = {"optuna": optuna.__version__,
            "rdb": expected(RDBStorage("sqlite:///" + db)),
            "journal": expected(JournalStorage(JournalFileStorage(journal)))}
    with open(os.path.join(out_dir, "optuna31.expected.json"), "w") as f:
        json.dump(want, f, indent=1, sort_keys=True)
        f.write("\n")
    del rdb


if __name__ == "__main__":
    main()
