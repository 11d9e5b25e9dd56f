"""GPSampler and CmaEsSampler through the Python API: Optuna's constructor
parameters, they optimize, constraints_func reaches the GP, unsupported
Optuna options fail loudly instead of being ignored."""
import unittest

import otto
from otto.samplers import CmaEsSampler, GPSampler, RandomSampler, TPESampler


def sphere(trial):
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))


def best(sampler, objective=sphere, n=40):
    s = otto.create_study(sampler=sampler)
    s.optimize(objective, n_trials=n)
    return s.best_value


class GPTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_noisy_mode_repeats_exact_params(self):
        """GPSampler(noisy=True) and AutoSampler(noisy=True) propose repeats
        (REPEAT_OF_ATTR links them to the original, params equal); the
        default samplers never do; a seeded run repeats itself."""
        import random

        from otto.samplers import REPEAT_OF_ATTR, AutoSampler

        def run(sampler):
            rng = random.Random(3)

            def objective(trial):
                x = trial.suggest_float("x", -5, 5)
                n = trial.suggest_int("n", 0, 10)
                y = trial.suggest_float("y", 0, 1, step=0.1)
                c = trial.suggest_categorical("c", ["a", "b", "c"])
                return x * x + 0.5 * (n - 3) ** 2 + 10 * (y - 0.4) ** 2 + (c == "c") \
                    + 2.0 * rng.gauss(0, 1)
            s = otto.create_study(sampler=sampler)
            s.optimize(objective, n_trials=50)
            return s.trials

        for make in (lambda noisy: GPSampler(seed=1, noisy=noisy),
                     lambda noisy: AutoSampler(seed=1, noisy=noisy)):
            trials = run(make(True))
            repeats = [t for t in trials if REPEAT_OF_ATTR in t.system_attrs]
            self.assertGreater(len(repeats), 0)
            for t in repeats:
                orig = trials[int(t.system_attrs[REPEAT_OF_ATTR])]
                self.assertEqual(t.params, orig.params)
                self.assertLess(orig.number, t.number)
            again = run(make(True))
            self.assertEqual([t.params for t in trials], [t.params for t in again])
            self.assertFalse(any(REPEAT_OF_ATTR in t.system_attrs for t in run(make(False))))
        with self.assertRaises(ValueError):  # InvalidArgumentError (OTTO_EINVAL)
            otto.create_study(sampler=GPSampler(noisy=True, deterministic_objective=True))

    def test_beats_random_search(self):
        for seed in range(3):
            self.assertLess(best(GPSampler(seed=seed)), best(RandomSampler(seed=seed)) / 10)

    def test_small_ints_as_categories(self):
        """small_ints_as_categories reaches C: on ints that are labels the
        GP's picks change (the design before them does not) and the values
        stay ints of their ranges."""
        table = [[1.6, 0.0, 1.8, 0.3, 1.4], [0.2, 1.7, 0.0, 1.9, 0.4]]

        def labels(t):
            return sum(table[i % 2][t.suggest_int(f"op{i}", 0, 4)] for i in range(4))

        runs = {}
        for flag in (False, True):
            s = otto.create_study(sampler=GPSampler(seed=2, small_ints_as_categories=flag))
            s.optimize(labels, n_trials=25)
            runs[flag] = [t.params for t in s.trials]
            for p in runs[flag]:
                self.assertTrue(all(type(v) is int and 0 <= v <= 4 for v in p.values()))
        self.assertEqual(runs[False][:10], runs[True][:10])
        self.assertNotEqual(runs[False][10:], runs[True][10:])
        with self.assertRaises(TypeError):
            GPSampler(small_int_as_categories=True)  # a misspelling is not ignored

    def test_local_steps(self):
        """local_steps reaches C: from trial 32 of a 2-D study (one trial in
        three, once 30 are complete) the picks change, the earlier ones do
        not, and they stay in range."""
        def bowl(t):
            return (t.suggest_float("x", -2, 2) - 0.7) ** 2 + (t.suggest_float("y", 0, 5) - 3) ** 2

        runs = {}
        for flag in (False, True):
            s = otto.create_study(sampler=GPSampler(seed=3, local_steps=flag))
            s.optimize(bowl, n_trials=36)
            runs[flag] = [t.params for t in s.trials]
            for p in runs[flag]:
                self.assertTrue(-2 <= p["x"] <= 2 and 0 <= p["y"] <= 5)
        self.assertEqual(runs[False][:32], runs[True][:32])
        self.assertNotEqual(runs[False][32], runs[True][32])

    def test_output_warping(self):
        """output_warping reaches C: on values spanning orders of magnitude the
        startup design is the same and the model-based picks differ, in range,
        and a run repeats under its seed."""
        def steep(t):
            return 10.0 ** (3 * t.suggest_float("x", 0, 2)) + (t.suggest_float("y", -1, 1) - 0.2) ** 2

        runs = {}
        for flag in (False, True, True):
            s = otto.create_study(sampler=GPSampler(seed=5, output_warping=flag))
            s.optimize(steep, n_trials=20)
            params = [t.params for t in s.trials]
            for p in params:
                self.assertTrue(0 <= p["x"] <= 2 and -1 <= p["y"] <= 1)
            if flag in runs:
                self.assertEqual(runs[flag], params)
            runs[flag] = params
        self.assertEqual(runs[False][:10], runs[True][:10])
        self.assertNotEqual(runs[False][10:], runs[True][10:])

    def test_mixed_space_and_reproducible(self):
        def mixed(t):
            x = t.suggest_float("x", -1, 1)
            n = t.suggest_int("n", 0, 10)
            lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
            c = t.suggest_categorical("c", ["a", "b", None])
            return (x - 0.3) ** 2 + (n - 7) ** 2 + (lr - 1e-3) ** 2 + (c != "b")

        runs = []
        for _ in range(2):
            s = otto.create_study(sampler=GPSampler(seed=4, deterministic_objective=True))
            s.optimize(mixed, n_trials=25)
            runs.append([t.params for t in s.trials])
        self.assertEqual(runs[0], runs[1])
        self.assertIn(runs[0][-1]["c"], ["a", "b", None])

    def test_constraints_func(self):
        seen = []

        def constraints(frozen):
            seen.append(frozen.number)
            return [1.0 - frozen.params["x"] - frozen.params["y"]]

        def obj(t):
            return t.suggest_float("x", -2, 2) ** 2 + t.suggest_float("y", -2, 2) ** 2

        s = otto.create_study(sampler=GPSampler(seed=1, constraints_func=constraints))
        s.optimize(obj, n_trials=30)
        self.assertEqual(len(seen), 30)
        feasible = [t.value for t in s.trials if t.params["x"] + t.params["y"] >= 1]
        self.assertLess(min(feasible) - 0.5, 0.01)

    def test_multi_objective_modes(self):
        # the option reaches C: EHVI (default) and ParEGO are different
        # searches, each reproducible, and both approach the front y = 0
        def two(t):
            x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
            return x * x + y * y, (x - 1) ** 2 + y * y

        runs = {}
        for mode in ("ehvi", "parego", "ehvi"):
            s = otto.create_study(directions=["minimize"] * 2,
                                  sampler=GPSampler(seed=3, multi_objective=mode))
            s.optimize(two, n_trials=20)
            params = [t.params for t in s.trials]
            self.assertEqual(runs.setdefault(mode, params), params)
            self.assertLess(min(p["y"] for p in params[10:]), 0.05)
        self.assertNotEqual(runs["ehvi"][10:], runs["parego"][10:])
        with self.assertRaises(ValueError):
            GPSampler(multi_objective="nsga")

    def test_bad_options(self):
        with self.assertRaises(ValueError):
            GPSampler(independent_sampler=TPESampler())
        with self.assertRaises(ValueError):
            otto.create_study(sampler=GPSampler(n_candidates=0))


class CmaEsTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_converges_from_x0(self):
        s = otto.create_study(sampler=CmaEsSampler(seed=2, x0={"x0": 1.0, "x1": 1.0},
                                                   restart_strategy="ipop"))
        s.optimize(sphere, n_trials=600)
        self.assertLess(s.best_value, 1e-6)

    def test_options_like_optuna(self):
        for kw in ({"use_separable_cma": True}, {"with_margin": False}, {"popsize": 12},
                   {"restart_strategy": "bipop", "inc_popsize": 3},
                   {"independent_sampler": TPESampler(), "sigma0": 0.3}):
            self.assertLess(best(CmaEsSampler(seed=1, **kw), n=300), 1e-2)

    def test_maximize_with_int_and_categorical(self):
        def obj(t):
            k = t.suggest_int("k", 0, 20)
            x = t.suggest_float("x", -3, 3)
            c = t.suggest_categorical("c", ["p", "q"])
            return -(k - 13) ** 2 - x ** 2 + (0.001 if c == "q" else 0.0)

        s = otto.create_study(direction="maximize", sampler=CmaEsSampler(seed=3))
        s.optimize(obj, n_trials=400)
        self.assertEqual(s.best_params["k"], 13)
        self.assertGreater(s.best_value, -1e-2)

    def test_unsupported_options_fail_loudly(self):
        with self.assertRaises(ValueError):
            CmaEsSampler(consider_pruned_trials=True)
        with self.assertRaises(ValueError):
            CmaEsSampler(restart_strategy="xpop")
        with self.assertRaises(ValueError):
            CmaEsSampler(x0={"x": "one"})
        with self.assertRaises(ValueError):
            otto.create_study(sampler=CmaEsSampler(popsize=1))


if __name__ == "__main__":
    unittest.main()
