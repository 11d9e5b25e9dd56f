"""Study.optimize runs C's loop (otto_study_optimize): the same seeded
objective gives the same trials in Python as in a C program; a grid or
brute-force run ends by itself, also through a Python wrapper; catch,
exceptions from any thread, KeyboardInterrupt, timeout, stop() and
callbacks behave as in Optuna. Stdlib unittest only."""
import gc
import os
import signal
import subprocess
import threading
import time
import unittest
import unittest.mock
import warnings

import otto
from otto.trial import TrialState

C_OPTIMIZE = os.environ.get("OTTO_TEST_C_OPTIMIZE")
STATES = {1: TrialState.COMPLETE, 2: TrialState.PRUNED, 3: TrialState.FAIL}


def c_trials(kind, seed, n_trials, n_threads=1):
    """The trials of tests/python/c_optimize.c: (number, state, value, params)."""
    out = subprocess.run([C_OPTIMIZE, kind, str(seed), str(n_trials), str(n_threads)],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        params = {"x": float(f[3]), "c": "abc"[int(f[4])]}
        if kind != "grid":
            params.update(k=int(f[5]), lr=float(f[6]))
        value = float(f[2])
        rows.append((int(f[0]), STATES[int(f[1])], None if value != value else value, params))
    return rows


def mixed(trial):
    """c_optimize.c's objective, written for Python."""
    x = trial.suggest_float("x", -5, 5)
    k = trial.suggest_int("k", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    v = (x - 1) * (x - 1) + 0.1 * k + "abc".index(c) + lr
    if trial.number % 7 == 6:
        trial.report(v + 100, 0)
        raise otto.TrialPruned()
    if trial.number % 11 == 10:
        raise ArithmeticError("a caught failure")
    return v


def on_grid(trial):
    x = trial.suggest_float("x", -2, 2)
    c = trial.suggest_categorical("c", ["a", "b"])
    return x + "ab".index(c)


def py_trials(study):
    return sorted((t.number, t.state, t.value if t.state != TrialState.FAIL else None, t.params)
                  for t in study.trials)


@unittest.skipUnless(C_OPTIMIZE, "OTTO_TEST_C_OPTIMIZE is not set (run through meson test)")
class SameTrialsAsCTest(unittest.TestCase):
    def test_random_serial_and_threaded(self):
        for n_jobs in (1, 3):  # random draws depend on (seed, trial number) only
            study = otto.create_study(sampler=otto.samplers.RandomSampler(seed=5))
            study.optimize(mixed, n_trials=40, n_jobs=n_jobs, catch=(ArithmeticError,))
            self.assertEqual(py_trials(study), c_trials("random", 5, 40, n_jobs))

    def test_tpe(self):
        study = otto.create_study(sampler=otto.samplers.TPESampler.otto_defaults(seed=9))
        study.optimize(mixed, n_trials=40, catch=(ArithmeticError,))
        want = c_trials("tpe", 9, 40)
        self.assertEqual(py_trials(study), want)
        self.assertEqual({s for _, s, _, _ in want},
                         {TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL})

    def test_grid_ends_with_the_grid(self):
        study = otto.create_study(sampler=otto.samplers.GridSampler(
            {"x": [-1.0, 0.0, 1.5], "c": ["a", "b"]}, seed=4))
        study.optimize(on_grid)  # no budget: the loop ends when the grid is done
        want = c_trials("grid", 4, 0)
        self.assertEqual(len(want), 6)
        self.assertEqual(py_trials(study), want)


class ExhaustionTest(unittest.TestCase):
    def grid(self):
        return otto.samplers.GridSampler({"x": [0, 1, 2], "y": [0, 1]})

    def test_grid_stops_optimize_and_is_exhausted(self):
        sampler = self.grid()
        study = otto.create_study(sampler=sampler)
        self.assertFalse(sampler.is_exhausted(study))
        study.optimize(lambda t: t.suggest_int("x", 0, 2) + t.suggest_int("y", 0, 1),
                       n_trials=100)
        self.assertEqual(len(study.trials), 6)
        self.assertTrue(sampler.is_exhausted(study))
        with self.assertRaises(ValueError):  # asked of a study it does not sample
            sampler.is_exhausted(otto.create_study())

    def test_a_python_wrapper_of_a_grid_still_ends_the_run(self):
        class Heard(otto.samplers.GridSampler):
            told = 0

            def after_trial(self, study, trial, state, values):
                Heard.told += 1

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for sampler in (Heard({"x": [0, 1, 2], "y": [0, 1]}),
                            otto.samplers.PartialFixedSampler({"y": 1}, self.grid())):
                study = otto.create_study(sampler=sampler)
                study.optimize(lambda t: t.suggest_int("x", 0, 2) + t.suggest_int("y", 0, 1),
                               n_trials=50)
                self.assertEqual(len(study.trials), 6)
        self.assertEqual(Heard.told, 6)

    def test_brute_force_stops_optimize(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study = otto.create_study(sampler=otto.samplers.BruteForceSampler(seed=1))
        study.optimize(lambda t: t.suggest_int("a", 0, 3) * t.suggest_float("b", 0, 1, step=0.5))
        self.assertEqual(len(study.trials), 12)
        self.assertEqual(len({tuple(t.params.values()) for t in study.trials}), 12)


class OptimizeLoopTest(unittest.TestCase):
    def test_catch_fails_the_trial_and_goes_on(self):
        study = otto.create_study()

        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            if trial.number % 2:
                raise KeyError("caught")
            return x

        study.optimize(objective, n_trials=6, catch=[KeyError])
        self.assertEqual([t.state for t in study.trials],
                         [TrialState.COMPLETE, TrialState.FAIL] * 3)
        with self.assertRaises(KeyError):  # not caught: the loop stops at once
            study.optimize(objective, n_trials=6, catch=(ValueError,))
        self.assertEqual(len(study.trials), 8)
        self.assertEqual(study.trials[-1].state, TrialState.FAIL)

    def test_pruned_trial_takes_its_last_intermediate_value(self):
        study = otto.create_study()

        def objective(trial):
            trial.report(3.0, 1)
            trial.report(2.0, 5)
            raise otto.TrialPruned()

        study.optimize(objective, n_trials=2)
        self.assertEqual([(t.state, t.value) for t in study.trials],
                         [(TrialState.PRUNED, 2.0)] * 2)

    def test_exception_in_one_of_two_threads(self):
        study = otto.create_study()
        other_done = threading.Event()

        def objective(trial):
            if trial.number == 0:  # fails while trial 1 runs in the other thread
                for _ in range(100):
                    if len(study.get_trials(deepcopy=False)) > 1:
                        break
                    time.sleep(0.005)
                raise ValueError("boom")
            time.sleep(0.05)
            other_done.set()
            return 1.0

        with self.assertRaises(ValueError):
            study.optimize(objective, n_trials=100, n_jobs=2)
        self.assertTrue(other_done.is_set())
        states = [t.state for t in study.trials]
        self.assertNotIn(TrialState.RUNNING, states)
        self.assertEqual(states[0], TrialState.FAIL)
        self.assertLess(len(states), 10)  # the loop stopped; running trials finished

    def test_keyboard_interrupt_serial(self):
        study = otto.create_study()

        def objective(trial):
            if trial.number == 3:
                raise KeyboardInterrupt
            return trial.suggest_float("x", 0, 1)

        with self.assertRaises(KeyboardInterrupt):
            study.optimize(objective, n_trials=10, catch=(Exception,))  # not an Exception
        self.assertEqual([t.state for t in study.trials], [TrialState.COMPLETE] * 3 +
                         [TrialState.FAIL])

    def test_sigint_from_any_thread(self):
        """A real SIGINT (raised by trial 3, on whichever thread runs it)
        reaches the main thread in its objective or its wait: the loop
        stops, no trial is left RUNNING, KeyboardInterrupt is raised."""
        for n_jobs in (1, 2):
            study = otto.create_study()

            def objective(trial):
                if trial.number == 3:
                    signal.raise_signal(signal.SIGINT)
                time.sleep(0.01)
                return trial.suggest_float("x", 0, 1)

            with self.assertRaises(KeyboardInterrupt):
                study.optimize(objective, n_trials=1000, n_jobs=n_jobs)
            states = [t.state for t in study.trials]
            self.assertNotIn(TrialState.RUNNING, states)
            self.assertIn(TrialState.FAIL, states)
            self.assertLess(len(states), 100)

    def test_timeout_with_threads(self):
        study = otto.create_study()

        def objective(trial):
            time.sleep(0.01)
            return trial.suggest_float("x", 0, 1)

        t0 = time.monotonic()
        study.optimize(objective, timeout=0.15, n_jobs=2)
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertTrue(2 <= len(study.trials) <= 40)
        self.assertNotIn(TrialState.RUNNING, [t.state for t in study.trials])

    def test_stop_from_callbacks_in_threads(self):
        study = otto.create_study()
        heard = []

        def callback(s, frozen):
            heard.append(frozen.number)
            if len(heard) == 5:
                s.stop()

        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1000, n_jobs=2,
                       callbacks=[callback])
        self.assertTrue(5 <= len(study.trials) <= 7)
        self.assertEqual(sorted(heard), sorted(t.number for t in study.trials))

    def test_callback_and_sampler_hook_exceptions_propagate(self):
        study = otto.create_study()

        def callback(s, frozen):
            if frozen.number == 1:
                raise LookupError("from a callback")

        with self.assertRaises(LookupError):
            study.optimize(lambda t: 1.0, n_trials=10, callbacks=[callback])
        self.assertEqual(len(study.trials), 2)

        class Broken(otto.samplers.RandomSampler):
            def before_trial(self, study, trial):
                if trial.number == 2:
                    raise OSError("from a sampler hook")

            def after_trial(self, study, trial, state, values):
                if trial.number == 4:
                    raise EOFError("from after_trial")

        study = otto.create_study(sampler=Broken(seed=1))
        with self.assertRaises(OSError):  # in C's ask: that trial fails, as ask() raises it
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10,
                           catch=(Exception,))
        self.assertEqual([t.state for t in study.trials], [TrialState.COMPLETE] * 2 +
                         [TrialState.FAIL])
        with self.assertRaises(EOFError):  # in C's tell: the trial is told, then it raises
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
        self.assertEqual([t.state for t in study.trials][3:], [TrialState.COMPLETE] * 2)

    def test_gc_after_trial_and_invalid_arguments(self):
        study = otto.create_study()
        with unittest.mock.patch.object(gc, "collect") as collect:
            study.optimize(lambda t: 1.0, n_trials=3, gc_after_trial=True)
        self.assertEqual(collect.call_count, 3)
        study.optimize(lambda t: 1.0, n_trials=0)  # as Optuna: nothing runs
        study.optimize(lambda t: 1.0, timeout=0)
        self.assertEqual(len(study.trials), 3)
        for bad in ({"n_jobs": 0}, {"n_jobs": -2}, {"n_trials": -1}, {"timeout": float("nan")}):
            with self.assertRaises(ValueError):
                study.optimize(lambda t: 1.0, **bad)
        study.optimize(lambda t: 1.0, n_trials=4, n_jobs=-1)  # one thread per CPU
        self.assertEqual(len(study.trials), 7)

    def test_values_the_objective_cannot_give(self):
        study = otto.create_study(directions=["minimize", "minimize"])
        results = iter([(1.0, 2.0), 3.0, ("a", 1.0), None, [4, float("nan")], [5, 6]])
        study.optimize(lambda t: next(results), n_trials=6)
        self.assertEqual([t.state for t in study.trials],
                         [TrialState.COMPLETE] + [TrialState.FAIL] * 4 + [TrialState.COMPLETE])
        self.assertEqual(study.trials[5].values, [5.0, 6.0])

    def test_nested_optimize_in_a_worker_thread(self):
        study = otto.create_study()
        errors = []

        def objective(trial):
            try:
                study.optimize(lambda t: 0.0, n_trials=1)
            except RuntimeError as e:
                errors.append(e)
            return 0.0

        study.optimize(objective, n_trials=4, n_jobs=2)
        self.assertEqual(len(errors), 4)
        with self.assertRaises(RuntimeError):  # outside: not in the loop any more
            study.stop()


if __name__ == "__main__":
    unittest.main()
