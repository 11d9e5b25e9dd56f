"""The Optuna-shaped Python API of otto: studies, trials, semantics, errors,
optimize with threads, enqueue and warm starts. Stdlib unittest only; run by
meson test against the build tree's libotto (OTTO_LIB)."""
import json
import math
import threading
import time
import unittest
import unittest.mock
import warnings

import otto
import otto as optuna
from otto.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from otto.trial import TrialState


class QuickstartTest(unittest.TestCase):
    def test_optuna_quickstart_runs_unchanged(self):
        def objective(trial):
            x = trial.suggest_float("x", -10, 10)
            return (x - 2) ** 2

        study = optuna.create_study()
        study.optimize(objective, n_trials=100)
        self.assertEqual(len(study.trials), 100)
        self.assertIn("x", study.best_params)
        self.assertLess(abs(study.best_params["x"] - 2), 1.0)
        self.assertAlmostEqual(study.best_value, (study.best_params["x"] - 2) ** 2)


class StudyCreationTest(unittest.TestCase):
    def test_directions(self):
        self.assertEqual(otto.create_study().direction, otto.StudyDirection.MINIMIZE)
        s = otto.create_study(direction="maximize")
        self.assertEqual(s.direction, otto.StudyDirection.MAXIMIZE)
        m = otto.create_study(directions=["minimize", otto.StudyDirection.MAXIMIZE])
        self.assertEqual(m.directions, [otto.StudyDirection.MINIMIZE,
                                        otto.StudyDirection.MAXIMIZE])
        with self.assertRaises(RuntimeError):
            m.direction
        with self.assertRaises(ValueError):
            otto.create_study(direction="sideways")
        with self.assertRaises(ValueError):
            otto.create_study(direction="minimize", directions=["minimize"])

    def test_storage_is_not_silently_ignored(self):
        with self.assertRaises(NotImplementedError):
            otto.create_study(storage="mysql+pymysql://localhost/x")

    def test_study_name(self):
        self.assertEqual(otto.create_study(study_name="tune").study_name, "tune")


class SuggestTest(unittest.TestCase):
    def setUp(self):
        self.study = otto.create_study(sampler=otto.samplers.RandomSampler(seed=1))

    def test_values_in_range_and_types(self):
        for _ in range(100):
            t = self.study.ask()
            x = t.suggest_float("x", -1, 1)
            lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
            q = t.suggest_float("q", 0, 1, step=0.25)
            n = t.suggest_int("n", 1, 9, step=2)
            ln = t.suggest_int("ln", 1, 1024, log=True)
            self.assertTrue(-1 <= x <= 1 and 1e-5 <= lr <= 1e-1)
            self.assertIn(q, (0, 0.25, 0.5, 0.75, 1.0))
            self.assertIsInstance(n, int)
            self.assertIn(n, (1, 3, 5, 7, 9))
            self.assertTrue(1 <= ln <= 1024)
            self.study.tell(t, x)

    def test_categorical_choices_of_any_type_round_trip(self):
        choices = [None, True, False, 1, 1.0, "1", "a b", -2.5]
        seen = set()
        for _ in range(200):
            t = self.study.ask()
            c = t.suggest_categorical("c", choices)
            self.assertTrue(any(c is v or (type(c) is type(v) and c == v) for v in choices))
            self.assertIs(type(t.params["c"]), type(c))
            self.assertEqual(t.params["c"], c)
            seen.add(repr(c))
            self.study.tell(t, 0.0)
        self.assertEqual(len(seen), len(choices))  # True and 1 and 1.0 stay distinct
        ft = self.study.trials[0]
        self.assertEqual(ft.distributions["c"].choices, tuple(choices))

    def test_same_name_returns_first_value(self):
        t = self.study.ask()
        a = t.suggest_float("x", 0, 1)
        self.assertEqual(t.suggest_float("x", 5, 6), a)

    def test_incompatible_distribution_is_value_error(self):
        t = self.study.ask()
        t.suggest_float("x", 0, 1)
        with self.assertRaises(ValueError) as cm:
            t.suggest_int("x", 0, 1)
        self.assertIsInstance(cm.exception, otto.exceptions.DistributionError)
        self.assertIn("'x'", str(cm.exception))

    def test_invalid_arguments_raise_with_the_c_message(self):
        t = self.study.ask()
        with self.assertRaises(ValueError) as cm:
            t.suggest_float("x", 2, 1)
        self.assertIn("low 2 > high 1", str(cm.exception))
        self.assertEqual(cm.exception.status, "OTTO_EINVAL")
        with self.assertRaises(ValueError):
            t.suggest_float("y", 0, 1, log=True)
        with self.assertRaises(ValueError):
            t.suggest_float("z", 0, 1, step=0)
        with self.assertRaises(ValueError):
            t.suggest_int("n", 0, 10, step=-1)
        with self.assertRaises(ValueError):
            t.suggest_categorical("c", [])
        with self.assertRaises(ValueError):
            t.suggest_float("", 0, 1)
        with self.assertRaises(ValueError):
            t.suggest_float("nul\0name", 0, 1)
        with self.assertRaises(ValueError):
            t.suggest_float("nan", float("nan"), 1)

    def test_step_adjustment_is_logged(self):
        t = self.study.ask()
        with self.assertLogs("otto", level="WARNING") as logs:
            v = t.suggest_float("x", 0, 1, step=0.3)
        self.assertLessEqual(v, 0.9 + 1e-12)
        self.assertTrue(any("high lowered" in line for line in logs.output))

    def test_fixed_distributions(self):
        t = self.study.ask({"a": FloatDistribution(0, 1), "b": IntDistribution(1, 3),
                            "c": CategoricalDistribution(["x", None])})
        self.assertEqual(set(t.params), {"a", "b", "c"})
        self.assertIn(t.params["c"], ("x", None))


class TellTest(unittest.TestCase):
    def setUp(self):
        self.study = otto.create_study()

    def test_tell_values_and_states(self):
        t = self.study.ask()
        ft = self.study.tell(t, 1.5)
        self.assertEqual(ft.state, TrialState.COMPLETE)
        self.assertEqual(ft.value, 1.5)
        with self.assertRaises(ValueError):
            self.study.tell(t, 2.0)  # twice
        self.assertEqual(self.study.tell(t, 2.0, skip_if_finished=True).value, 1.5)
        t2 = self.study.ask()
        self.assertEqual(self.study.tell(t2.number, state=TrialState.FAIL).state, TrialState.FAIL)
        with self.assertRaises(ValueError):
            self.study.tell(99)
        with self.assertRaises(TypeError):
            self.study.tell("0", 1.0)

    def test_invalid_values(self):
        t = self.study.ask()
        with self.assertRaises(ValueError):
            self.study.tell(t, state=TrialState.COMPLETE)
        with self.assertRaises(ValueError):
            self.study.tell(t, float("nan"), state=TrialState.COMPLETE)
        with self.assertRaises(ValueError):
            self.study.tell(t, 1.0, state=TrialState.PRUNED)
        self.assertEqual(self.study.trials[t.number].state, TrialState.RUNNING)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ft = self.study.tell(t, float("nan"))  # implicit state: FAIL with a warning
        self.assertEqual(ft.state, TrialState.FAIL)
        self.assertTrue(w)
        t3 = self.study.ask()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.assertEqual(self.study.tell(t3, [1.0, 2.0]).state, TrialState.FAIL)
        t4 = self.study.ask()
        self.assertEqual(self.study.tell(t4, float("inf")).state, TrialState.COMPLETE)

    def test_c_verdicts_map_to_optunas_answers(self):
        """C checks the trial's state and the values against the state; tell
        maps its status: a finished trial is "Cannot tell a FAIL trial." (or
        skipped, even with arguments C refuses), a state that takes no
        values, or none at all, is ValueError, values of the wrong count
        fail the trial with a warning."""
        t = self.study.ask()
        self.study.tell(t, state=TrialState.FAIL)
        with self.assertRaisesRegex(ValueError, "Cannot tell a FAIL trial"):
            self.study.tell(t, 1.0)
        self.assertEqual(self.study.tell(t, 1.0, state=TrialState.FAIL,
                                         skip_if_finished=True).state, TrialState.FAIL)
        t = self.study.ask()
        for state in (TrialState.RUNNING, TrialState.WAITING):
            with self.assertRaises(ValueError):
                self.study.tell(t, 1.0, state=state)
        with self.assertRaises(ValueError):
            self.study.tell(t, [1.0, 2.0], state=TrialState.COMPLETE)
        with self.assertRaises(ValueError):
            self.study.tell(t, 1.0, state=TrialState.FAIL)
        self.assertEqual(self.study.trials[t.number].state, TrialState.RUNNING)
        with self.assertWarnsRegex(UserWarning, "did not match the number of the objectives"):
            self.assertEqual(self.study.tell(t, [1.0, 2.0]).state, TrialState.FAIL)
        t = self.study.ask()
        with self.assertWarnsRegex(UserWarning, "could not be cast to float"):
            self.assertEqual(self.study.tell(t, "x").state, TrialState.FAIL)

    def test_report_prune_and_intermediate_values(self):
        t = self.study.ask()
        t.report(3.0, 0)
        t.report(1.0, 5)
        with self.assertWarns(UserWarning):
            t.report(9.0, 5)  # a step again keeps the first value, as Optuna warns
        self.assertFalse(t.should_prune())
        ft = self.study.tell(t, state=TrialState.PRUNED)
        self.assertEqual(ft.state, TrialState.PRUNED)
        self.assertEqual(ft.value, 1.0)
        self.assertEqual(ft.intermediate_values, {0: 3.0, 5: 1.0})
        self.assertEqual(ft.last_step, 5)
        with self.assertRaises(RuntimeError):
            t.report(1.0, 6)

    def test_user_attrs_round_trip(self):
        t = self.study.ask()
        t.set_user_attr("cfg", {"layers": [1, 2], "ok": True})
        t.set_user_attr("note", "x")
        self.assertEqual(t.user_attrs["cfg"], {"layers": [1, 2], "ok": True})
        self.study.tell(t, 0.0)
        self.assertEqual(self.study.trials[0].user_attrs, {"cfg": {"layers": [1, 2], "ok": True},
                                                           "note": "x"})
        self.assertIsNotNone(self.study.trials[0].datetime_complete)
        self.assertGreaterEqual(self.study.trials[0].duration.total_seconds(), 0)


class BestTest(unittest.TestCase):
    def test_best_trial(self):
        s = otto.create_study(direction="maximize")
        with self.assertRaises(ValueError):
            s.best_trial
        for v in [1, 5, 3, 5]:
            s.tell(s.ask(), v)
        self.assertEqual(s.best_trial.number, 1)
        self.assertEqual(s.best_value, 5)
        self.assertEqual(len(s.get_trials(states=(TrialState.COMPLETE,))), 4)
        self.assertEqual(len(s.get_trials(states=(TrialState.FAIL,))), 0)

    def test_pareto_front(self):
        s = otto.create_study(directions=["minimize", "minimize"])
        for v in [(1, 4), (2, 2), (4, 1), (3, 3), (2, 2)]:
            s.tell(s.ask(), v)
        self.assertEqual([t.number for t in s.best_trials], [0, 1, 2, 4])
        with self.assertRaises(RuntimeError):
            s.best_trial
        with self.assertRaises(RuntimeError):
            s.trials[0].value
        self.assertEqual(s.trials[0].values, [1, 4])


class OptimizeTest(unittest.TestCase):
    def test_exceptions_fail_the_trial_and_reraise(self):
        s = otto.create_study()

        def objective(trial):
            trial.suggest_float("x", 0, 1)
            raise KeyError("boom")

        with self.assertRaises(KeyError):
            s.optimize(objective, n_trials=5)
        self.assertEqual(len(s.trials), 1)
        self.assertEqual(s.trials[0].state, TrialState.FAIL)
        s.optimize(objective, n_trials=3, catch=(KeyError,))
        self.assertEqual([t.state for t in s.trials], [TrialState.FAIL] * 4)

    def test_pruned_and_invalid_returns(self):
        s = otto.create_study()

        def objective(trial):
            if trial.number == 0:
                trial.report(7.0, 1)
                raise otto.TrialPruned()
            if trial.number == 1:
                return None
            return float(trial.number)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s.optimize(objective, n_trials=3)
        states = [t.state for t in s.trials]
        self.assertEqual(states, [TrialState.PRUNED, TrialState.FAIL, TrialState.COMPLETE])
        self.assertEqual(s.trials[0].value, 7.0)

    def test_keyboard_interrupt_leaves_no_running_trial(self):
        s = otto.create_study()

        def objective(trial):
            trial.suggest_float("x", 0, 1)
            if trial.number == 2:
                raise KeyboardInterrupt
            return 1.0

        with self.assertRaises(KeyboardInterrupt):
            s.optimize(objective, n_trials=10)
        self.assertEqual(len(s.trials), 3)
        self.assertEqual(s.trials[2].state, TrialState.FAIL)
        self.assertFalse(any(t.state == TrialState.RUNNING for t in s.trials))

    def test_interrupt_in_one_of_several_workers(self):
        """Ctrl-C in one of C's worker threads: that trial FAILs, the trials
        running beside it finish, none starts after, none is left RUNNING,
        and KeyboardInterrupt reaches the caller."""
        s = otto.create_study()
        started = threading.Barrier(3, timeout=5)

        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            if trial.number < 3:
                started.wait()  # three trials run at once
                if trial.number == 1:
                    raise KeyboardInterrupt
                time.sleep(0.05)
            return x

        with self.assertRaises(KeyboardInterrupt):
            s.optimize(objective, n_trials=50, n_jobs=3)
        states = sorted((t.number, t.state) for t in s.trials)
        self.assertEqual(states, [(0, TrialState.COMPLETE), (1, TrialState.FAIL),
                                  (2, TrialState.COMPLETE)])

    def test_callbacks_and_stop(self):
        s = otto.create_study()
        seen = []

        def cb(study, frozen):
            seen.append(frozen.number)
            if len(seen) == 4:
                study.stop()

        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100, callbacks=[cb])
        self.assertEqual(seen, [0, 1, 2, 3])

    def test_timeout(self):
        s = otto.create_study()

        def objective(trial):
            time.sleep(0.01)
            return trial.suggest_float("x", 0, 1)

        s.optimize(objective, timeout=0.1)
        self.assertTrue(2 <= len(s.trials) <= 20)

    def test_n_jobs_runs_trials_concurrently(self):
        s = otto.create_study()
        lock = threading.Lock()
        active = [0, 0]  # current, max

        def objective(trial):
            with lock:
                active[0] += 1
                active[1] = max(active[1], active[0])
            time.sleep(0.02)
            with lock:
                active[0] -= 1
            return trial.suggest_float("x", -1, 1) ** 2

        s.optimize(objective, n_trials=40, n_jobs=4)
        self.assertEqual(len(s.trials), 40)
        self.assertEqual(sorted(t.number for t in s.trials), list(range(40)))
        self.assertGreaterEqual(active[1], 2)
        self.assertTrue(all(t.state == TrialState.COMPLETE for t in s.trials))

    def test_each_thread_tells_its_own_value(self):
        """optimize's tell passes the value through the trial's own buffer:
        threads telling at once never see another trial's value."""
        s = otto.create_study(sampler=otto.samplers.RandomSampler(seed=0))

        def objective(trial):
            x = trial.suggest_float("x", -1, 1)
            return x + 10.0 * trial.number

        s.optimize(objective, n_trials=400, n_jobs=4)
        for t in s.trials:
            self.assertEqual(t.value, t.params["x"] + 10.0 * t.number)

    def test_sampler_object_makes_a_fresh_c_sampler_per_study(self):
        sampler = otto.samplers.RandomSampler(seed=123)

        def run():
            s = otto.create_study(sampler=sampler)
            s.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=20)
            return [t.params["x"] for t in s.trials]

        self.assertEqual(run(), run())
        other = otto.create_study(sampler=otto.samplers.RandomSampler(seed=124))
        other.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=20)
        self.assertNotEqual(run(), [t.params["x"] for t in other.trials])


class QueueTest(unittest.TestCase):
    def test_enqueue_trial(self):
        s = otto.create_study()
        s.enqueue_trial({"x": 0.25, "opt": "adam", "n": 3, "flag": None})
        s.enqueue_trial({"x": 0.75, "opt": "adam"}, skip_if_exists=True)

        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            trial.suggest_categorical("opt", ["sgd", "adam"])
            trial.suggest_int("n", 1, 5)
            trial.suggest_categorical("flag", [None, True])
            return x

        s.optimize(objective, n_trials=3)
        self.assertEqual(s.trials[0].params, {"x": 0.25, "opt": "adam", "n": 3, "flag": None})
        self.assertEqual(s.trials[1].params["x"], 0.75)
        s.enqueue_trial({"x": 0.25, "opt": "adam", "n": 3, "flag": None}, skip_if_exists=True)
        s.optimize(objective, n_trials=1)
        self.assertNotEqual(s.trials[3].params, s.trials[0].params)

    def test_add_trial_warm_start(self):
        s = otto.create_study()
        t = otto.create_trial(params={"x": 0.5, "c": "b"},
                              distributions={"x": FloatDistribution(0, 1),
                                             "c": CategoricalDistribution(["a", "b"])},
                              value=-3.0)
        s.add_trial(t)
        s.add_trials([otto.create_trial(state=TrialState.FAIL)])
        self.assertEqual(s.best_trial.params, {"x": 0.5, "c": "b"})
        self.assertEqual(len(s.trials), 2)
        with self.assertRaises(ValueError):
            otto.create_trial(params={"x": 2.0}, distributions={"x": FloatDistribution(0, 1)},
                              value=1.0)


@unittest.skipUnless(__import__("importlib").util.find_spec("pandas"), "pandas not installed")
class DataFrameTest(unittest.TestCase):
    def test_trials_dataframe(self):
        s = otto.create_study()
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        df = s.trials_dataframe()
        self.assertEqual(len(df), 5)
        self.assertIn("params_x", df.columns)


class OptunaBehaviourTest(unittest.TestCase):
    """Behaviour Optuna's own tests check (issue 17's list), each as Optuna
    does it."""

    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_in_memory_storage_object_is_shared(self):
        storage = optuna.storages.InMemoryStorage()
        a = optuna.create_study(storage=storage, study_name="shared")
        a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        b = optuna.load_study(study_name="shared", storage=storage)
        self.assertEqual([t.number for t in b.trials], [0, 1, 2])
        self.assertEqual(storage.get_all_study_names(), ["shared"])
        other = optuna.storages.InMemoryStorage()  # another object: other studies
        with self.assertRaises(KeyError):
            optuna.load_study(study_name="shared", storage=other)

    def test_grid_sampler_visits_each_point_once_and_stops(self):
        space = {"x": [-50, 0, 50], "y": [-99, 0, 99], "c": ["a", None, True]}

        def f(t):
            return (t.suggest_float("x", -100, 100) ** 2 + t.suggest_int("y", -100, 100) ** 2
                    + (t.suggest_categorical("c", ["a", None, True]) != "a"))
        for n_jobs in (1, 3):
            study = optuna.create_study(sampler=optuna.samplers.GridSampler(space))
            study.optimize(f, n_trials=100, n_jobs=n_jobs)  # stops after the 27 points
            points = {(t.params["x"], t.params["y"], t.params["c"]) for t in study.trials}
            # threads that asked before the stop finish their trials (as in Optuna)
            self.assertEqual(len(study.trials), 27) if n_jobs == 1 else \
                self.assertLessEqual(len(study.trials), 27 + 2 * n_jobs)
            self.assertEqual(len(points), 27)
            self.assertEqual(study.best_params, {"x": 0, "y": 0, "c": "a"})
            self.assertTrue(study.sampler.is_exhausted(study))
            self.assertIsInstance(study.trials[0].system_attrs["grid_id"], int)
        # the same seed gives the same order; an unknown param is an error
        orders = []
        for _ in range(2):
            study = optuna.create_study(sampler=optuna.samplers.GridSampler(space, seed=3))
            study.optimize(f, n_trials=5)
            orders.append([t.params for t in study.trials])
        self.assertEqual(orders[0], orders[1])
        study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [1.0]}))
        with self.assertRaisesRegex(otto.exceptions.OttoError, "not a param of the grid"):
            study.optimize(lambda t: t.suggest_float("z", 0, 1), n_trials=1)

    def test_brute_force_sampler_covers_a_conditional_space_and_stops(self):
        def objective(trial):
            c = trial.suggest_categorical("c", ["float", "int"])
            if c == "float":
                return trial.suggest_float("x", 1, 3, step=0.5)
            a = trial.suggest_int("a", 1, 3)
            return a + trial.suggest_int("b", a, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = optuna.samplers.BruteForceSampler(seed=1)
        study = optuna.create_study(sampler=sampler)
        study.optimize(objective)  # no n_trials: it stops when all 11 are tried
        self.assertEqual(len(study.trials), 11)
        self.assertEqual(len({tuple(sorted(t.params.items())) for t in study.trials}), 11)
        study = optuna.create_study(sampler=sampler)
        with self.assertRaisesRegex(otto.exceptions.OttoError, "without a step"):
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)

    def test_qmc_sampler_takes_sobol_points(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = optuna.samplers.QMCSampler(seed=0)
            with self.assertRaises(ValueError):
                optuna.samplers.QMCSampler(qmc_type="lattice")
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=6)
        # trial k > 0 takes Sobol point k: 0.5, 0.75, 0.25, 0.375, 0.875 in [0, 1)
        self.assertEqual([t.params["x"] for t in study.trials[1:]],
                         [0.0, 0.5, -0.5, -0.25, 0.75])

    def test_cmaes_warm_start_from_source_trials(self):
        def task(center):
            return lambda t: sum((t.suggest_float(f"x{i}", -5, 5) - center) ** 2
                                 for i in range(4))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            source = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(seed=1))
            source.optimize(task(3.0), n_trials=200)

            def best(seed, trials):
                study = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(
                    seed=seed, source_trials=trials))
                study.optimize(task(3.1), n_trials=40)
                return study.best_value
            warm = sorted(best(seed, source.trials) for seed in range(7))
            cold = sorted(best(seed, None) for seed in range(7))
            # measured medians: 0.19 warm, 1.60 cold
            self.assertLess(warm[3], 0.3 * cold[3])
            with self.assertRaises(ValueError):
                optuna.samplers.CmaEsSampler(source_trials=source.trials, sigma0=0.1)
            with self.assertRaises(ValueError):
                optuna.samplers.CmaEsSampler(source_trials=source.trials,
                                             use_separable_cma=True)

    def test_partial_fixed_sampler(self):
        with self.assertWarns(optuna.exceptions.ExperimentalWarning):
            sampler = optuna.samplers.PartialFixedSampler(
                {"y": 0.5, "c": "b"}, optuna.samplers.TPESampler(seed=1, n_startup_trials=3))
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: (t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1)
                                  + (t.suggest_categorical("c", ["a", "b"]) == "a")),
                       n_trials=20)
        self.assertEqual({t.params["y"] for t in study.trials}, {0.5})
        self.assertEqual({t.params["c"] for t in study.trials}, {"b"})
        self.assertGreater(len({t.params["x"] for t in study.trials}), 15)  # x still sampled
        with self.assertRaises(TypeError):
            optuna.samplers.PartialFixedSampler({"x": 1}, "random")
        # Optuna's documented pattern: wrap the study's sampler between runs
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
        f = lambda t: t.suggest_float("x", -1, 1) + t.suggest_int("y", -1, 1)  # noqa: E731
        study.optimize(f, n_trials=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            study.sampler = optuna.samplers.PartialFixedSampler({"y": 0}, study.sampler)
        study.optimize(f, n_trials=4)
        self.assertEqual([t.params["y"] for t in study.trials[3:]], [0] * 4)
        running = study.ask()
        with self.assertRaises(otto.exceptions.StateError):
            study.sampler = optuna.samplers.RandomSampler()
        study.tell(running, 0.0)

    def test_reseed_rng_changes_what_is_sampled(self):
        def params(sampler):
            study = optuna.create_study(sampler=sampler)
            study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("k", 0, 99),
                           n_trials=5)
            return [t.params for t in study.trials]
        for make in (lambda: optuna.samplers.RandomSampler(seed=1),
                     lambda: optuna.samplers.TPESampler(seed=1, n_startup_trials=2)):
            self.assertEqual(params(make()), params(make()))
            reseeded = make()
            reseeded.reseed_rng()
            self.assertNotEqual(params(make()), params(reseeded))

    def test_experimental_warnings(self):
        E = optuna.exceptions.ExperimentalWarning
        with self.assertWarns(E):
            optuna.samplers.TPESampler(multivariate=True)
        with self.assertWarns(E):
            optuna.samplers.TPESampler(constraints_func=lambda t: [0.0])
        with self.assertWarns(E):
            optuna.pruners.PatientPruner(None, patience=1)
        with self.assertWarns(E):
            optuna.samplers.CmaEsSampler(use_separable_cma=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            optuna.samplers.TPESampler()  # the defaults warn about nothing
            optuna.samplers.RandomSampler()

    def test_metric_names(self):
        study = optuna.create_study(directions=["minimize", "maximize"])
        self.assertIsNone(study.metric_names)
        with self.assertWarns(optuna.exceptions.ExperimentalWarning):
            study.set_metric_names(["loss", "accuracy"])
        self.assertEqual(study.metric_names, ["loss", "accuracy"])
        self.assertEqual(study.user_attrs, {})  # kept apart from the user's attrs
        with self.assertRaises(ValueError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study.set_metric_names(["loss"])

    def test_enqueued_trials_are_waiting_with_their_user_attrs(self):
        for storage in (None, optuna.storages.InMemoryStorage()):
            study = optuna.create_study(storage=storage)
            study.enqueue_trial({"x": 1}, user_attrs={"tag": "a", "n": [1]})
            (waiting,) = study.trials
            self.assertEqual(waiting.state, TrialState.WAITING)
            self.assertEqual(waiting.number, 0)
            self.assertIsNone(waiting.datetime_start)
            self.assertEqual(waiting.system_attrs, {"fixed_params": {"x": 1}})
            self.assertEqual(waiting.user_attrs, {"tag": "a", "n": [1]})
            self.assertEqual(study.get_trials(states=(TrialState.COMPLETE,)), [])
            study.enqueue_trial({"x": 1}, skip_if_exists=True)  # the waiting one matches
            self.assertEqual(len(study.trials), 1)
            with self.assertRaisesRegex(ValueError, "WAITING"):
                study.tell(0, 1.0)
            study.optimize(lambda t: t.suggest_int("x", -10, 10), n_trials=1)
            (done,) = study.trials
            self.assertEqual((done.state, done.params), (TrialState.COMPLETE, {"x": 1}))
            self.assertEqual(done.user_attrs, {"tag": "a", "n": [1]})
            self.assertIsNotNone(done.datetime_start)

    def test_add_trial_keeps_reports_attrs_and_constraints(self):
        for storage in (None, optuna.storages.InMemoryStorage()):
            study = optuna.create_study(storage=storage, study_name="added")
            study.add_trial(optuna.create_trial(
                value=1.0, params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)},
                intermediate_values={3: 2.0, 0: 1.0}, user_attrs={"a": [1, 2]},
                system_attrs={"b": "c"}))
            for s in ([study] + ([optuna.load_study(study_name="added", storage=storage)]
                                 if storage else [])):
                t = s.trials[0]
                self.assertEqual(t.intermediate_values, {0: 1.0, 3: 2.0})
                self.assertEqual(t.user_attrs, {"a": [1, 2]})
                self.assertEqual(t.system_attrs, {"b": "c"})

    def test_max_trials_callback_and_intersection_search_space(self):
        study = optuna.create_study()
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50,
                       callbacks=[optuna.study.MaxTrialsCallback(5)])
        self.assertEqual(len(study.trials), 5)
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + (
            t.suggest_int("k", 0, 3) if t.number % 2 else 0), n_trials=4)
        space = optuna.search_space.intersection_search_space(study.trials)
        self.assertEqual(list(space), ["x"])
        self.assertEqual(space["x"], FloatDistribution(0, 1))
        self.assertEqual(optuna.search_space.intersection_search_space([]), {})
        self.assertEqual(optuna.search_space.IntersectionSearchSpace().calculate(study), space)

    def test_plot_pareto_front(self):
        try:
            import plotly  # noqa: F401 - optional, as in Optuna
        except ImportError:
            self.skipTest("python3-plotly is not installed")
        study = optuna.create_study(directions=["minimize", "minimize"])
        study.optimize(lambda t: (t.suggest_float("x", 0, 5) ** 2,
                                  (t.suggest_float("x", 0, 5) - 5) ** 2), n_trials=30)
        fig = optuna.visualization.plot_pareto_front(study, target_names=["a", "b"])
        self.assertEqual(fig.layout.title.text, "Pareto-front Plot")
        self.assertEqual((fig.layout.xaxis.title.text, fig.layout.yaxis.title.text), ("a", "b"))
        dominated, best = fig.data
        self.assertEqual(len(dominated.x) + len(best.x), 30)
        self.assertEqual(sorted(best.marker.color), [t.number for t in study.best_trials])
        with self.assertRaises(ValueError):
            optuna.visualization.plot_pareto_front(study, target_names=["a"])

    def test_artifacts(self):
        import os
        import tempfile
        from otto.artifacts import (FileSystemArtifactStore, download_artifact,
                                    get_all_artifact_meta, upload_artifact)
        with tempfile.TemporaryDirectory() as d:
            store = FileSystemArtifactStore(d)
            src = os.path.join(d, "data.csv")
            with open(src, "w") as f:
                f.write("x,y\n1,2\n")
            study = optuna.create_study(storage=f"sqlite:///{d}/a.db", study_name="a")
            study_id = upload_artifact(artifact_store=store, file_path=src,
                                       study_or_trial=study)
            ids = []
            study.optimize(lambda t: ids.append(upload_artifact(
                artifact_store=store, file_path=src, study_or_trial=t)) or 1.0, n_trials=2)
            (meta,) = get_all_artifact_meta(study)
            self.assertEqual((meta.artifact_id, meta.filename, meta.mimetype),
                             (study_id, "data.csv", "text/csv"))
            self.assertEqual(study.user_attrs, {})  # kept apart from the user's
            loaded = optuna.load_study(study_name="a", storage=f"sqlite:///{d}/a.db")
            self.assertEqual([m.artifact_id for m in get_all_artifact_meta(loaded.trials[1])],
                             [ids[1]])
            out = os.path.join(d, "back.csv")
            download_artifact(artifact_store=store, file_path=out, artifact_id=ids[1])
            with open(out) as f:
                self.assertEqual(f.read(), "x,y\n1,2\n")
            with self.assertRaises(FileExistsError):
                download_artifact(artifact_store=store, file_path=out, artifact_id=ids[1])
            with self.assertRaises(ValueError):
                store.open_reader("../escape")
            with self.assertRaises(optuna.artifacts.ArtifactNotFound):
                store.open_reader("no-such-id")

    def test_progress_bar(self):
        import contextlib
        import io
        import otto.progress_bar as pb
        for plain in (False, True):  # tqdm where installed, else the plain bar
            err = io.StringIO()
            with contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if plain:  # make `import tqdm.auto` fail: the plain bar draws
                    real = pb.ProgressBar.__init__

                    def no_tqdm(self, *a, **k):
                        import sys
                        saved = sys.modules.get("tqdm.auto")
                        sys.modules["tqdm.auto"] = None  # import fails
                        try:
                            real(self, *a, **k)
                        finally:
                            if saved is None:
                                del sys.modules["tqdm.auto"]
                            else:
                                sys.modules["tqdm.auto"] = saved
                    pb.ProgressBar.__init__ = no_tqdm
                try:
                    study = optuna.create_study()
                    study.optimize(lambda t: 1.0, n_trials=10, show_progress_bar=True)
                    study.optimize(lambda t: 1.0, n_trials=3)  # no bar unless asked
                finally:
                    if plain:
                        pb.ProgressBar.__init__ = real
            text = err.getvalue()
            self.assertIn("Best trial: 0", text)
            self.assertIn("Best value: 1", text)
            self.assertIn("10/10", text)
            self.assertIn("100%", text)
            self.assertNotIn("3/3", text)
        with self.assertWarns(UserWarning):  # as Optuna: no timeout bar with threads
            optuna.create_study().optimize(lambda t: 1.0, timeout=0.2, n_jobs=2,
                                           show_progress_bar=True)

    def test_one_name_with_two_ranges_in_a_trial_warns(self):
        trial = optuna.create_study().ask()
        x = trial.suggest_float("x", 0, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            self.assertEqual(trial.suggest_float("x", 0, 1), x)  # the same: silent
            c = trial.suggest_categorical("c", [float("nan"), 1])
            again = trial.suggest_categorical("c", [float("nan"), 1])  # NaN equals NaN here
            self.assertTrue(again == c or (math.isnan(again) and math.isnan(c)))
        with self.assertWarnsRegex(UserWarning, "Inconsistent parameter values"):
            self.assertEqual(trial.suggest_float("x", 0, 0.5), x)  # the first value
        with self.assertWarnsRegex(UserWarning, "Inconsistent"):
            self.assertEqual(trial.suggest_float("x", 0, 1, step=0.5), x)
        with self.assertRaises(ValueError):  # another choice list: otto refuses (otto(7))
            trial.suggest_categorical("c", [1, 2])

    def test_report_twice_at_a_step_warns_and_keeps_the_first(self):
        study = optuna.create_study()
        trial = study.ask()
        trial.report(1.23, 1)
        with self.assertWarns(UserWarning):
            trial.report(1.0, 1)
        self.assertEqual(study.trials[0].intermediate_values, {1: 1.23})

    def test_threshold_pruner_type_errors(self):
        for kw in (dict(lower="val", upper=1.0), dict(lower=0.0, upper="val"),
                   dict(lower=None, upper=None), dict(lower=True)):
            with self.assertRaises(TypeError):
                optuna.pruners.ThresholdPruner(**kw)
        optuna.pruners.ThresholdPruner(lower=1, upper=2.5)

    def test_numeric_internal_repr_errors(self):
        for dist in (IntDistribution(1, 10), FloatDistribution(2.0, 7.0)):
            for bad in ("foo", (), [], {}, set(), float("nan")):
                with self.assertRaises(ValueError):
                    dist.to_internal_repr(bad)
            self.assertEqual(dist.to_internal_repr("3"), 3.0)
        for dist in (IntDistribution(1, 10, log=True), FloatDistribution(2.0, 7.0, log=True)):
            for bad in (0, -1):
                with self.assertRaises(ValueError):
                    dist.to_internal_repr(bad)

    def test_stop_outside_optimize_and_nested_optimize_raise(self):
        study = otto.create_study()
        with self.assertRaises(RuntimeError):
            study.stop()

        def nested(trial):
            study.optimize(lambda t: 0.0, n_trials=1)
            return 0.0

        with self.assertRaises(RuntimeError):
            study.optimize(nested, n_trials=1)

        def stopping(trial):
            if trial.number == 2:
                trial.study.stop()
            return trial.suggest_float("x", 0, 1)

        study = otto.create_study()
        study.optimize(stopping, n_trials=10)
        self.assertEqual(len(study.trials), 3)
        study.optimize(lambda t: 1.0, n_trials=2, n_jobs=2,
                       callbacks=[lambda s, ft: s.stop()])  # from a callback, in threads
        self.assertLessEqual(len(study.trials), 5)

    def test_report_and_should_prune_in_multi_objective_studies(self):
        study = otto.create_study(directions=["minimize", "maximize"])
        t = study.ask()
        with self.assertRaises(NotImplementedError):
            t.report(1.0, 0)
        with self.assertRaises(NotImplementedError):
            t.should_prune()

    def test_report_type_errors(self):
        t = otto.create_study().ask()
        with self.assertRaises(TypeError):
            t.report("abc", 0)
        with self.assertRaises(TypeError):
            t.report(1.0, "one")
        with self.assertRaises(ValueError):
            t.report(1.0, -1)

    def test_create_trial_validates_values(self):
        with self.assertRaises(ValueError):
            otto.trial.create_trial(state=otto.trial.TrialState.COMPLETE, value=None)
        with self.assertRaises(ValueError):
            otto.trial.create_trial(state=otto.trial.TrialState.COMPLETE, value=math.nan)
        with self.assertRaises(ValueError):
            otto.trial.create_trial(state=otto.trial.TrialState.FAIL, value=1.0)
        ft = otto.trial.create_trial(state=otto.trial.TrialState.FAIL)
        self.assertEqual(ft.state, otto.trial.TrialState.FAIL)

    def test_frozen_trial_setters_repr_and_order(self):
        import datetime
        from otto.trial import FrozenTrial
        now = datetime.datetime.now()
        ft = FrozenTrial(number=3, trial_id=3, state=TrialState.COMPLETE, value=0.5,
                         datetime_start=now, datetime_complete=now, params={"x": 10.0},
                         distributions={"x": FloatDistribution(5, 12)}, user_attrs={"a": 1},
                         system_attrs={}, intermediate_values={0: 1.5})
        scope = {"datetime": datetime, "FrozenTrial": FrozenTrial, "TrialState": TrialState,
                 "FloatDistribution": FloatDistribution}
        self.assertEqual(eval(repr(ft), scope), ft)
        ft.value = 0.25
        self.assertEqual(ft.values, [0.25])
        ft.values = [0.75]
        self.assertEqual(ft.value, 0.75)
        ft.value = None
        self.assertIsNone(ft.values)
        other = eval(repr(ft), scope)
        other.number = 4
        self.assertTrue(ft < other and ft <= other and not other <= ft)
        self.assertNotEqual(ft, other)
        self.assertFalse(ft == "a trial")
        two = FrozenTrial(number=0, state=TrialState.COMPLETE, value=None, datetime_start=now,
                          datetime_complete=now, params={}, distributions={}, user_attrs={},
                          system_attrs={}, intermediate_values={}, values=[1.0, 2.0])
        with self.assertRaises(RuntimeError):
            two.value = 3.0

    def test_skip_if_exists_needs_every_param_to_match(self):
        study = otto.create_study()
        study.enqueue_trial({"x": 1.0, "y": 2})
        study.enqueue_trial({"x": 1.0, "y": 2}, skip_if_exists=True)  # queued already
        study.enqueue_trial({"x": 1.0}, skip_if_exists=True)  # other names: enqueued
        study.optimize(lambda t: t.suggest_float("x", 0, 2) + t.suggest_int("y", 0, 3, )
                       if t.number == 0 else t.suggest_float("x", 0, 2), n_trials=2)
        self.assertEqual([t.params.get("x") for t in study.trials], [1.0, 1.0])
        study.enqueue_trial({"x": 1.000001}, skip_if_exists=True)  # within 1e-5: skipped
        study.enqueue_trial({"x": 1.5}, skip_if_exists=True)
        study.optimize(lambda t: t.suggest_float("x", 0, 2), n_trials=1)
        self.assertEqual(study.trials[-1].params["x"], 1.5)

    def test_distribution_json_and_deprecated_names(self):
        from otto import distributions as D
        with self.assertWarns(FutureWarning):
            old = D.DiscreteUniformDistribution(0, 1, 0.25)
        self.assertEqual((old.step, old.q, old.log), (0.25, 0.25, False))
        self.assertIsInstance(old, D.FloatDistribution)
        self.assertNotEqual(old, D.FloatDistribution(0, 1, step=0.25))  # as Optuna: by class
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            cases = [D.FloatDistribution(0, 1, step=0.25), D.IntDistribution(1, 9, log=True),
                     D.CategoricalDistribution(["a", 1, None]), old,
                     D.UniformDistribution(-1, 1), D.LogUniformDistribution(1e-3, 1),
                     D.IntUniformDistribution(0, 10, 2), D.IntLogUniformDistribution(1, 8)]
            for d in cases:
                self.assertEqual(D.json_to_distribution(D.distribution_to_json(d)), d)
            for d in cases[:3]:  # repr is a constructor call, as Optuna's
                self.assertEqual(eval("D." + repr(d)), d)
                self.assertEqual(hash(eval("D." + repr(d))), hash(d))
        self.assertEqual(json.loads(D.distribution_to_json(old)),
                         {"name": "DiscreteUniformDistribution",
                          "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}})
        self.assertEqual(D.json_to_distribution('{"type": "int", "low": 1, "high": 5}'),
                         D.IntDistribution(1, 5))
        with self.assertRaises(ValueError):
            D.json_to_distribution('{"name": "NoSuchDistribution", "attributes": {}}')
        D.check_distribution_compatibility(D.FloatDistribution(0, 1), D.FloatDistribution(2, 3))
        for a, b in [(D.FloatDistribution(0, 1), D.IntDistribution(0, 1)),
                     (D.FloatDistribution(1, 2), D.FloatDistribution(1, 2, log=True)),
                     (D.CategoricalDistribution("ab"), D.CategoricalDistribution("abc"))]:
            with self.assertRaises(ValueError):
                D.check_distribution_compatibility(a, b)
        self.assertTrue(issubclass(otto.exceptions.ExperimentalWarning, Warning))

    def test_optuna_4_journal_names(self):
        import tempfile
        from otto.storages.journal import JournalFileBackend, JournalFileOpenLock
        with tempfile.TemporaryDirectory() as d:
            path = f"{d}/journal.log"
            storage = optuna.storages.JournalStorage(
                JournalFileBackend(path, lock_obj=JournalFileOpenLock(path)))
            study = optuna.create_study(storage=storage, study_name="s")
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
            again = optuna.load_study(study_name="s", storage=optuna.storages.JournalStorage(
                optuna.storages.journal.JournalFileBackend(path)))
            self.assertEqual(len(again.trials), 2)

    def test_get_all_study_summaries(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            storage = f"journal:{d}/s.journal"
            a = optuna.create_study(storage=storage, study_name="a", direction="maximize")
            a.set_user_attr("tag", "first")
            a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
            b = optuna.create_study(storage=storage, study_name="b",
                                    directions=["minimize", "minimize"])
            b.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
            optuna.create_study(storage=storage, study_name="empty")
            sa, sb, se = optuna.study.get_all_study_summaries(storage)
            self.assertEqual([x.study_name for x in (sa, sb, se)], ["a", "b", "empty"])
            self.assertEqual(sa.direction, optuna.study.StudyDirection.MAXIMIZE)
            self.assertEqual(sa.best_trial.value, a.best_value)
            self.assertEqual((sa.n_trials, sa.user_attrs), (4, {"tag": "first"}))
            self.assertEqual(sa.datetime_start, min(t.datetime_start for t in a.trials))
            self.assertIsNone(sb.best_trial)
            with self.assertRaises(RuntimeError):
                sb.direction
            self.assertEqual(len(sb.directions), 2)
            self.assertEqual((se.n_trials, se.best_trial, se.datetime_start), (0, None, None))
            self.assertTrue(sa < sb <= se)
            no_best = optuna.get_all_study_summaries(storage, include_best_trial=False)
            self.assertIsNone(no_best[0].best_trial)

    def test_successive_halving_bootstrap_needs_a_min_resource(self):
        with self.assertRaises(ValueError):
            otto.pruners.SuccessiveHalvingPruner(bootstrap_count=1)
        otto.pruners.SuccessiveHalvingPruner(min_resource=1, bootstrap_count=1)

    def test_callbacks_do_not_hear_a_trial_whose_exception_propagates(self):
        heard = []
        study = otto.create_study()

        def boom(trial):
            raise KeyError("boom")

        with self.assertRaises(KeyError):
            study.optimize(boom, n_trials=1, callbacks=[lambda s, ft: heard.append(ft.number)])
        self.assertEqual(heard, [])
        study.optimize(boom, n_trials=1, catch=(KeyError,),
                       callbacks=[lambda s, ft: heard.append(ft.number)])
        self.assertEqual(heard, [1])  # a caught failure is heard


class LibraryTest(unittest.TestCase):
    def test_version_and_errors(self):
        self.assertRegex(otto.__version__, r"^\d+\.\d+\.\d+$")
        err = otto.exceptions.from_status(-3, "f", "msg")
        self.assertIsInstance(err, RuntimeError)
        self.assertTrue(math.isfinite(1.0))


if __name__ == "__main__":
    unittest.main()
