"""TPESampler through the Python API: the default sampler, Optuna's
parameters, it optimizes, Python gamma/weights/constraints_func callables,
and errors raised inside callbacks reaching the caller."""
import math
import unittest

import otto
from otto.samplers import RandomSampler, TPESampler


def sphere(trial):
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(4))


def best(sampler, seed_objective=sphere, n=80):
    s = otto.create_study(sampler=sampler)
    s.optimize(seed_objective, n_trials=n)
    return s.best_value


class TPETest(unittest.TestCase):
    def test_default_sampler_is_tpe(self):
        self.assertIsInstance(otto.create_study().sampler, TPESampler)

    def test_beats_random_search(self):
        wins = sum(best(TPESampler(seed=s)) < best(RandomSampler(seed=s)) for s in range(8))
        self.assertGreaterEqual(wins, 7)

    def test_univariate_mode_and_options(self):
        s = TPESampler(seed=1, multivariate=False, group=False, constant_liar=False,
                       n_startup_trials=5, n_ei_candidates=10, consider_endpoints=True)
        self.assertLess(best(s), best(RandomSampler(seed=1)))
        # Optuna's TPESampler(multivariate=False) works: group defaults to False
        self.assertLess(best(TPESampler(seed=2, multivariate=False)),
                        best(RandomSampler(seed=2)))
        with self.assertRaises(ValueError):
            TPESampler(multivariate=False, group=True)
        with self.assertRaises(ValueError):
            TPESampler(n_ei_candidates=-1)
        with self.assertRaises(ValueError):
            TPESampler(gamma_fraction=1.5)
        with self.assertRaises(ValueError):
            otto.create_study(sampler=TPESampler(prior_weight=-1.0))

    def test_otto_defaults(self):
        # the C library's schedule (up to 128 candidates, a 15% good side)
        s = TPESampler.otto_defaults(seed=4)
        self.assertEqual(s._opts["n_ei_candidates"], 0)
        self.assertEqual(s._opts["gamma_fraction"], 0.0)
        self.assertTrue(s._opts["group"] and s._opts["multivariate"])
        self.assertLess(best(s), best(RandomSampler(seed=4)))

    def test_reproducible(self):
        a = otto.create_study(sampler=TPESampler(seed=3))
        b = otto.create_study(sampler=TPESampler(seed=3))
        a.optimize(sphere, n_trials=30)
        b.optimize(sphere, n_trials=30)
        self.assertEqual([t.params for t in a.trials], [t.params for t in b.trials])

    def test_python_gamma_and_weights(self):
        calls = {"gamma": 0, "weights": 0}

        def gamma(n):
            calls["gamma"] += 1
            return min(int(math.ceil(0.25 * n)), 10)

        def weights(n):
            calls["weights"] += 1
            return [1.0] * n

        s = TPESampler(seed=2, gamma=gamma, weights=weights, n_startup_trials=5)
        self.assertLess(best(s, n=40), 20.0)
        self.assertGreater(calls["gamma"], 0)
        self.assertGreater(calls["weights"], 0)

    def test_callback_exception_reaches_the_caller(self):
        def weights(n):
            raise ZeroDivisionError("inside weights")

        study = otto.create_study(sampler=TPESampler(seed=2, weights=weights, n_startup_trials=2,
                                                      multivariate=False, group=False))
        with self.assertRaises(ZeroDivisionError):
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        self.assertFalse(any(t.state == otto.TrialState.RUNNING for t in study.trials))

    def test_gamma_exception_reaches_the_caller(self):
        calls = []

        def gamma(n):
            calls.append(n)
            if n >= 3:
                raise ZeroDivisionError("inside gamma")
            return 1

        for multivariate, n_jobs in ((False, 1), (True, 1), (True, 2)):
            del calls[:]
            study = otto.create_study(sampler=TPESampler(seed=2, gamma=gamma, n_startup_trials=2,
                                                          multivariate=multivariate))
            with self.assertRaisesRegex(ZeroDivisionError, "inside gamma"):
                study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20, n_jobs=n_jobs)
            states = [t.state for t in study.trials]
            self.assertIn(otto.TrialState.FAIL, states)
            self.assertNotIn(otto.TrialState.RUNNING, states)
            # stopped at the first failure, not 20 trials: 2 startup trials, one
            # ask that saw 2 complete trials (gamma(2) is fine), the failing one;
            # with 2 jobs the other thread may have asked once more while 2 were
            # complete and once more before the stop (6 trials in 11 of 400 runs
            # measured, 5 in 30)
            self.assertLessEqual(len(states), 4 if n_jobs == 1 else 6)
            self.assertEqual(otto.samplers.pending_errors(), [])  # none left to pile up
        with self.assertRaisesRegex(ZeroDivisionError, "inside gamma"):  # the joint draw
            study.ask()
        self.assertEqual(study.trials[-1].state, otto.TrialState.FAIL)

    def test_constraints_func(self):
        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            y = trial.suggest_float("y", 0, 1)
            trial.set_user_attr("c", 1.2 - x - y)
            return (x - 0.1) ** 2 + (y - 0.1) ** 2

        s = otto.create_study(sampler=TPESampler(
            seed=0, constraints_func=lambda ft: [ft.user_attrs["c"]]))
        s.optimize(objective, n_trials=60)
        feasible = [t for t in s.trials if t.user_attrs["c"] <= 0]
        self.assertGreater(len(feasible), 15)
        self.assertEqual(s.trials[0].constraints, {"0": s.trials[0].user_attrs["c"]})
        self.assertEqual(s.trials[0].system_attrs["constraints"], [s.trials[0].user_attrs["c"]])

    def test_conditional_space(self):
        def objective(trial):
            model = trial.suggest_categorical("model", ["trap", "linear"])
            if model == "trap":
                return 1.0 + trial.suggest_float("u", 0, 1) * 0.01
            a = trial.suggest_float("a", -5, 5)
            return (a - 1.5) ** 2

        s = otto.create_study(sampler=TPESampler(seed=1))
        s.optimize(objective, n_trials=60)
        self.assertLess(s.best_value, 0.5)
        self.assertEqual(s.best_params["model"], "linear")

    def test_n_jobs_with_constant_liar(self):
        s = otto.create_study(sampler=TPESampler(seed=4))
        s.optimize(sphere, n_trials=60, n_jobs=3)
        self.assertEqual(len(s.trials), 60)
        self.assertLess(s.best_value, 10.0)


if __name__ == "__main__":
    unittest.main()
