"""Samplers and pruners written in Python, as Optuna users write them
(BaseSampler / BasePruner subclasses), run inside the C study through the
plug-in kit; overridden hooks of built-in samplers are heard; exceptions in
hooks come out of the call that triggered them."""
import math
import unittest

import otto
from otto.distributions import FloatDistribution, IntDistribution
from otto.pruners import BasePruner
from otto.samplers import BaseSampler, RandomSampler, TPESampler
from otto.trial import FrozenTrial, TrialState


_verbosity = None


def setUpModule():
    global _verbosity
    _verbosity = otto.logging.get_verbosity()
    otto.logging.set_verbosity(otto.logging.ERROR)  # the core logs failed hooks too


def tearDownModule():
    otto.logging.set_verbosity(_verbosity)


class GridWalk(BaseSampler):
    """Joint sampling of x and y on a fixed sequence, n independently."""

    def __init__(self):
        self.calls = {"infer": 0, "relative": 0, "independent": 0, "before": 0, "after": []}

    def infer_relative_search_space(self, study, trial):
        self.calls["infer"] += 1
        assert isinstance(trial, FrozenTrial) and trial.state == TrialState.RUNNING
        if not study.trials or all(t.state == TrialState.RUNNING for t in study.trials):
            return {}
        return {"x": FloatDistribution(-1, 1), "y": FloatDistribution(-1, 1)}

    def sample_relative(self, study, trial, search_space):
        self.calls["relative"] += 1
        assert set(search_space) == {"x", "y"}
        k = trial.number
        return {"x": round(-1 + (k % 5) * 0.5, 3), "y": 0.25}

    def sample_independent(self, study, trial, param_name, param_distribution):
        self.calls["independent"] += 1
        if isinstance(param_distribution, IntDistribution):
            return param_distribution.low + trial.number % 3
        return 0.5

    def before_trial(self, study, trial):
        self.calls["before"] += 1

    def after_trial(self, study, trial, state, values):
        self.calls["after"].append((trial.number, state, values))


def objective(trial):
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_float("y", -1, 1)
    n = trial.suggest_int("n", 1, 9)
    return x * x + y * y + n


class PythonSampler(unittest.TestCase):
    def test_hooks_run_as_optuna_calls_them(self):
        sampler = GridWalk()
        study = otto.create_study(sampler=sampler)
        study.optimize(objective, n_trials=6)
        t = study.trials
        self.assertEqual((t[0].params["x"], t[0].params["y"]), (0.5, 0.5))  # independent
        for k in range(1, 6):  # relative from the second trial on
            self.assertEqual(t[k].params["x"], round(-1 + (k % 5) * 0.5, 3))
            self.assertEqual(t[k].params["y"], 0.25)
            self.assertEqual(t[k].params["n"], 1 + k % 3)
        self.assertEqual(sampler.calls["before"], 6)
        self.assertEqual(sampler.calls["infer"], 6)
        self.assertEqual(sampler.calls["relative"], 5)
        self.assertEqual(sampler.calls["independent"], 3 + 5)  # x, y, n of trial 0; then n
        self.assertEqual([a[0] for a in sampler.calls["after"]], list(range(6)))
        self.assertTrue(all(a[1] == TrialState.COMPLETE for a in sampler.calls["after"]))
        self.assertEqual(sampler.calls["after"][2][2], [t[2].value])

    def test_params_left_out_of_sample_relative_go_independent_quietly(self):
        class Half(GridWalk):
            def sample_relative(self, study, trial, search_space):
                return {"x": 0.75}  # y left to sample_independent

        sampler = Half()
        otto.logging.set_verbosity(otto.logging.WARNING)  # read when the study is made
        study = otto.create_study(sampler=sampler)
        try:
            with self.assertNoLogs("otto", level="WARNING"):
                study.optimize(objective, n_trials=3)
        finally:
            otto.logging.set_verbosity(otto.logging.ERROR)  # the module's level
        self.assertEqual([t.params["x"] for t in study.trials[1:]], [0.75, 0.75])
        self.assertEqual([t.params["y"] for t in study.trials[1:]], [0.5, 0.5])

    def test_one_sampler_object_serves_several_studies(self):
        sampler = GridWalk()
        a = otto.create_study(sampler=sampler)
        b = otto.create_study(sampler=sampler)
        a.optimize(objective, n_trials=2)
        b.optimize(objective, n_trials=3)
        self.assertEqual(len(sampler.calls["after"]), 5)

    def test_random_subclass_after_trial_is_heard(self):
        class Counting(RandomSampler):
            def __init__(self, seed):
                super().__init__(seed=seed)
                self.n = 0

            def after_trial(self, study, trial, state, values):
                self.n += 1

        counting = Counting(7)
        study = otto.create_study(sampler=counting)
        study.optimize(objective, n_trials=3)
        self.assertEqual(counting.n, 3)
        # the sampling itself stays the C random sampler's, draw for draw
        plain = otto.create_study(sampler=RandomSampler(seed=7))
        plain.optimize(objective, n_trials=3)
        self.assertEqual([t.params for t in study.trials], [t.params for t in plain.trials])

    def test_tpe_subclass_keeps_tpe(self):
        class Quiet(TPESampler):
            def before_trial(self, study, trial):
                self.seen = getattr(self, "seen", 0) + 1

        s = Quiet(seed=3, n_startup_trials=5)
        study = otto.create_study(sampler=s)
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=40)
        ref = otto.create_study(sampler=TPESampler(seed=3, n_startup_trials=5))
        ref.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=40)
        self.assertEqual(s.seen, 40)
        self.assertEqual([t.params for t in study.trials], [t.params for t in ref.trials])
        self.assertLess(study.best_value, 0.05)

    def test_exceptions_come_out_of_the_triggering_call(self):
        class Broken(BaseSampler):
            def __init__(self, where):
                self.where = where

            def infer_relative_search_space(self, study, trial):
                if self.where == "relative" and study.trials[:-1]:
                    return {"x": FloatDistribution(0, 1)}
                return {}

            def sample_relative(self, study, trial, search_space):
                raise KeyError("relative")

            def sample_independent(self, study, trial, name, dist):
                if self.where == "independent":
                    raise ZeroDivisionError("independent")
                return 0.5

            def after_trial(self, study, trial, state, values):
                if self.where == "after":
                    raise RuntimeError("after")

        study = otto.create_study(sampler=Broken("independent"))
        t = study.ask()
        with self.assertRaises(ZeroDivisionError):
            t.suggest_float("x", 0, 1)
        study = otto.create_study(sampler=Broken("after"))
        t = study.ask()
        t.suggest_float("x", 0, 1)
        with self.assertRaises(RuntimeError):
            study.tell(t, 1.0)
        self.assertEqual(study.trials[0].state, TrialState.COMPLETE)  # told all the same
        study = otto.create_study(sampler=Broken("relative"))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        with self.assertRaises(KeyError):
            study.ask()
        self.assertEqual(study.trials[-1].state, TrialState.FAIL)  # no RUNNING trial left
        study.sampler.where = "nowhere"
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)  # usable again
        self.assertEqual(study.trials[-1].state, TrialState.COMPLETE)


class ThreadedErrors(unittest.TestCase):
    def test_an_error_comes_out_in_the_thread_that_caused_it(self):
        import threading

        class OddFails(BaseSampler):
            def sample_independent(self, study, trial, name, dist):
                if trial.number % 2:
                    raise ArithmeticError(f"trial {trial.number}")
                return 0.5

        study = otto.create_study(sampler=OddFails())
        outcomes = {}

        def work(k):
            got = []
            for _ in range(20):
                t = study.ask()
                try:
                    t.suggest_float("x", 0, 1)
                    got.append((t.number, None))
                except ArithmeticError as e:
                    got.append((t.number, str(e)))
                study.tell(t, 1.0) if got[-1][1] is None else study.tell(t, state=TrialState.FAIL)
            outcomes[k] = got

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for got in outcomes.values():  # each error names its own thread's trial
            for number, err in got:
                self.assertEqual(err, f"trial {number}" if number % 2 else None)


class StopAbove(BasePruner):
    def __init__(self, limit):
        self.limit = limit
        self.seen = []

    def prune(self, study, trial):
        self.seen.append((trial.number, trial.last_step))
        return trial.intermediate_values[trial.last_step] > self.limit


class PythonPruner(unittest.TestCase):
    def test_prune_decides(self):
        pruner = StopAbove(0.5)
        study = otto.create_study(sampler=RandomSampler(seed=1), pruner=pruner)

        def obj(trial):
            x = trial.suggest_float("x", 0, 1)
            for step in range(5):
                trial.report(x + 0.1 * step, step)
                if trial.should_prune():
                    raise otto.TrialPruned()
            return x

        study.optimize(obj, n_trials=30)
        for t in study.trials:
            first_over = next((s for s in range(5) if t.params["x"] + 0.1 * s > 0.5), None)
            if first_over is None:
                self.assertEqual(t.state, TrialState.COMPLETE)
            else:
                self.assertEqual(t.state, TrialState.PRUNED)
                self.assertEqual(t.last_step, first_over)
        self.assertTrue(pruner.seen)

    def test_exception_comes_out_of_should_prune(self):
        class Broken(BasePruner):
            def prune(self, study, trial):
                raise ValueError("prune")

        study = otto.create_study(pruner=Broken())
        t = study.ask()
        t.report(1.0, 0)
        with self.assertRaises(ValueError):
            t.should_prune()
        self.assertTrue(math.isfinite(t.suggest_float("x", 0, 1)))


if __name__ == "__main__":
    unittest.main()


class WrappingBuiltins(unittest.TestCase):
    """A Python sampler that uses built-in samplers through their public
    methods, as Optuna users write them (optuna-examples' simulated annealing
    wraps a RandomSampler for its independent params)."""

    def test_public_methods_of_builtins_from_a_hook(self):
        class Wrapper(otto.samplers.BaseSampler):
            def __init__(self):
                self.tpe = otto.samplers.TPESampler(seed=2, n_startup_trials=5)
                self.random = otto.samplers.RandomSampler(seed=2)
                self.space = []

            def infer_relative_search_space(self, study, trial):
                space = self.tpe.infer_relative_search_space(study, trial)
                self.space.append(sorted(space))
                return space

            def sample_relative(self, study, trial, search_space):
                return self.tpe.sample_relative(study, trial, search_space)

            def sample_independent(self, study, trial, name, dist):
                return self.random.sample_independent(study, trial, name, dist)

            def after_trial(self, study, trial, state, values):
                self.tpe.after_trial(study, trial, state, values)

        w = Wrapper()
        study = otto.create_study(sampler=w)
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2
                       + (t.suggest_int("k", 0, 9) - 3) ** 2, n_trials=60)
        self.assertEqual(w.space[0], [])  # nothing finished before the first ask
        self.assertEqual(w.space[-1], ["k", "x"])
        self.assertLess(study.best_value, 0.5)  # TPE, not random: random needs ~400 here
        with self.assertRaises(NotImplementedError):  # outside a study's sampling
            w.random.sample_independent(study, study.trials[0], "x",
                                        otto.distributions.FloatDistribution(0, 1))
