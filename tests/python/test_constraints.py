"""Optuna 5's named constraints through the Python API: trial.set_constraint,
Trial/FrozenTrial.constraints as dicts, constraints_func beside them, bad
values, storages (and a journal written before named constraints existed),
add_trial and copy_study."""
import math
import os
import shutil
import tempfile
import unittest
import warnings

import otto
from otto.samplers import RandomSampler, TPESampler
from otto.trial import FrozenTrial, create_trial

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def constrained(trial):
    """(x-0.1)^2 + (y-0.1)^2 subject to x + y >= 1.2, with Optuna 5's API."""
    x = trial.suggest_float("x", 0, 1)
    y = trial.suggest_float("y", 0, 1)
    trial.set_constraint("sum", 1.2 - x - y)
    return (x - 0.1) ** 2 + (y - 0.1) ** 2


def unconstrained(trial):
    x = trial.suggest_float("x", 0, 1)
    y = trial.suggest_float("y", 0, 1)
    trial.set_user_attr("c", 1.2 - x - y)
    return (x - 0.1) ** 2 + (y - 0.1) ** 2


class NamedConstraintsTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)
        self._dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)  # global: later tests count warnings
        self._dir.cleanup()

    def test_tpe_reads_them_as_it_reads_constraints_func(self):
        named = otto.create_study(sampler=TPESampler(seed=0))
        named.optimize(constrained, n_trials=60)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constraints_func's own warning
            positional = otto.create_study(sampler=TPESampler(
                seed=0, constraints_func=lambda ft: [ft.user_attrs["c"]]))
        positional.optimize(unconstrained, n_trials=60)
        free = otto.create_study(sampler=TPESampler(seed=0))
        free.optimize(unconstrained, n_trials=60)
        # one vector for the sampler: the same seed makes the same trials
        self.assertEqual([t.params for t in named.trials], [t.params for t in positional.trials])
        self.assertNotEqual([t.params for t in named.trials], [t.params for t in free.trials])
        feasible = sum(t.constraints["sum"] <= 0 for t in named.trials)
        self.assertGreater(feasible, 15)
        self.assertGreater(feasible, 2 * sum(t.user_attrs["c"] <= 0 for t in free.trials))

    def test_gp_and_auto_read_them_as_constraints_func(self):
        from otto.samplers import AutoSampler, GPSampler
        for make in (lambda **kw: GPSampler(seed=5, **kw), lambda **kw: AutoSampler(seed=5, **kw)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # experimental, constraints_func
                named = otto.create_study(sampler=make())
                positional = otto.create_study(
                    sampler=make(constraints_func=lambda ft: [ft.user_attrs["c"]]))
                free = otto.create_study(sampler=make())
            named.optimize(constrained, n_trials=16)
            positional.optimize(unconstrained, n_trials=16)
            free.optimize(unconstrained, n_trials=16)
            self.assertEqual([t.params for t in named.trials],
                             [t.params for t in positional.trials])
            self.assertNotEqual([t.params for t in named.trials], [t.params for t in free.trials])

    def test_constraints_dict_and_system_attrs(self):
        study = otto.create_study(sampler=RandomSampler(seed=1))
        trial = study.ask()
        self.assertEqual(trial.constraints, {})
        trial.set_constraint("latency", 0.5)
        trial.set_constraint("memory", -2)  # anything float() takes, as Optuna
        self.assertEqual(trial.constraints, {"latency": 0.5, "memory": -2.0})
        self.assertEqual(trial.system_attrs["constraints:memory"], -2.0)
        study.tell(trial, 1.0)
        frozen = study.trials[0]
        self.assertEqual(frozen.constraints, {"latency": 0.5, "memory": -2.0})
        self.assertEqual(frozen.system_attrs,
                         {"constraints:latency": 0.5, "constraints:memory": -2.0})
        self.assertEqual(list(frozen.constraints), ["latency", "memory"])  # the order set

    def test_set_twice_bad_values_and_finished_trials(self):
        study = otto.create_study(sampler=RandomSampler(seed=1))
        trial = study.ask()
        trial.set_constraint("c", 1.0)
        with self.assertWarnsRegex(UserWarning, "already set"):
            trial.set_constraint("c", -1.0)
        self.assertEqual(trial.constraints, {"c": 1.0})  # the first value stays
        with self.assertRaisesRegex(ValueError, "NaN is not allowed"):
            trial.set_constraint("d", float("nan"))
        with self.assertRaises(TypeError):
            trial.set_constraint("d", "high")
        with self.assertRaises(ValueError):  # otto: infinities cannot be stored
            trial.set_constraint("d", math.inf)
        with self.assertRaises(ValueError):
            trial.set_constraint("", 1.0)
        with self.assertRaises(TypeError):
            trial.set_constraint(3, 1.0)
        study.tell(trial, 0.0)
        with self.assertRaises(RuntimeError):  # Optuna: UpdateFinishedTrialError
            trial.set_constraint("late", 1.0)
        self.assertEqual(study.trials[0].constraints, {"c": 1.0})

    def test_with_constraints_func(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sampler = TPESampler(seed=2, constraints_func=lambda ft: [ft.params["x"] - 0.5])
        study = otto.create_study(sampler=sampler)

        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            trial.set_constraint("named", -x)
            if trial.number == 1:
                trial.set_constraint("0", 7.0)  # replaces positional value 0, as Optuna
            return x
        study.optimize(objective, n_trials=3)
        t0, t1 = study.trials[:2]
        self.assertEqual(t0.constraints, {"0": t0.params["x"] - 0.5, "named": -t0.params["x"]})
        self.assertEqual(list(t1.constraints.values()), [7.0, -t1.params["x"]])
        self.assertEqual(t0.system_attrs["constraints"], [t0.params["x"] - 0.5])

    def test_frozen_trial_and_create_trial(self):
        ft = create_trial(value=1.0, params={"x": 0.5},
                          distributions={"x": otto.distributions.FloatDistribution(0, 1)},
                          constraints={"a": 1.0, "b": -1})
        self.assertEqual(ft.constraints, {"a": 1.0, "b": -1.0})
        self.assertEqual(ft.system_attrs, {"constraints:a": 1.0, "constraints:b": -1.0})
        with self.assertWarnsRegex(UserWarning, "already set"):
            ft.set_constraint("a", 5.0)
        with self.assertRaisesRegex(ValueError, "NaN"):
            ft.set_constraint("c", math.nan)
        ft.set_constraint("c", 0)
        self.assertEqual(ft.constraints, {"a": 1.0, "b": -1.0, "c": 0.0})
        old = FrozenTrial(0, otto.TrialState.COMPLETE, 1.0, None, None, {}, {}, {},
                          {"constraints": [3.0, 4.0]}, {})  # Optuna 4's form
        self.assertEqual(old.constraints, {"0": 3.0, "1": 4.0})
        study = otto.create_study()
        study.add_trial(ft)
        # otto_trial_extras carries no names: the values keep their order
        self.assertEqual(list(study.trials[0].constraints.values()), [1.0, -1.0, 0.0])
        with self.assertRaises(ValueError):  # a storage could not read it back
            study.add_trial(create_trial(value=1.0, constraints={"a": math.inf}))

    def test_storages_and_copy_study(self):
        for url in (f"journal:{self._dir.name}/j.log", f"sqlite:///{self._dir.name}/s.db"):
            study = otto.create_study(storage=url, study_name="c",
                                      sampler=TPESampler(seed=4))
            study.optimize(constrained, n_trials=4)
            running = study.ask()
            running.set_constraint("pending", 2.0)
            loaded = otto.load_study(study_name="c", storage=url)
            for a, b in zip(study.trials, loaded.trials):
                self.assertEqual(a.constraints, b.constraints)
            self.assertEqual(loaded.trials[4].constraints, {"pending": 2.0})
            self.assertEqual(list(loaded.trials[0].constraints), ["sum"])
            copy_url = url.replace("/j.log", "/copy.log").replace("/s.db", "/copy.db")
            copied = otto.copy_study(from_study_name="c", from_storage=url,
                                     to_storage=copy_url)
            self.assertEqual([t.constraints for t in copied.trials],
                             [t.constraints for t in loaded.trials])
            self.assertEqual(copied.trials[0].system_attrs, loaded.trials[0].system_attrs)

    def test_journal_written_before_named_constraints(self):
        """A journal written by otto 9698edf (positional constraints only, through
        constraints_func) loads unchanged."""
        path = os.path.join(self._dir.name, "old.otto")
        shutil.copy(os.path.join(FIXTURES, "constraints_v0.otto"), path)
        study = otto.load_study(study_name="positional", storage=f"journal:{path}")
        self.assertEqual(len(study.trials), 3)
        for t in study.trials:
            self.assertEqual(t.constraints, {"0": t.params["x"] - 0.5, "1": -1.0})
            self.assertEqual(t.system_attrs, {"constraints": [t.params["x"] - 0.5, -1.0]})
        trial = study.ask()  # and takes named ones after them
        trial.set_constraint("new", -1.0)
        study.tell(trial, 0.0)
        reloaded = otto.load_study(study_name="positional", storage=f"journal:{path}")
        self.assertEqual(reloaded.trials[3].constraints, {"new": -1.0})


if __name__ == "__main__":
    unittest.main()
