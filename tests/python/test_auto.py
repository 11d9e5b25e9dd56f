"""AutoSampler through the Python API: OptunaHub's constructor, the sampler
it picks recorded per trial, it optimizes numeric and mixed spaces, and
constraints_func reaches it."""
import unittest

import otto
from otto.samplers import AutoSampler, RandomSampler


def sphere(trial):
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))


def mixed(trial):
    x = trial.suggest_float("x", -5, 5)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return (x - 1) ** 2 + {"a": 1.0, "b": 0.0, "c": 2.0}[c]


class AutoTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_picks_and_records_the_sampler(self):
        s = otto.create_study(sampler=AutoSampler(seed=0, gp_trials=12))
        s.optimize(sphere, n_trials=16)
        used = [t.system_attrs["auto:sampler"] for t in s.trials]
        self.assertEqual(used[:12], ["GPSampler"] * 12)
        self.assertEqual(used[12:], ["CmaEsSampler"] * 4)
        m = otto.create_study(sampler=AutoSampler(seed=0, gp_trials=4))
        m.optimize(mixed, n_trials=6)
        used = [t.system_attrs["auto:sampler"] for t in m.trials]
        self.assertEqual(used, ["GPSampler"] * 4 + ["TPESampler"] * 2)

    def test_optimizes(self):
        for objective, n in ((sphere, 30), (mixed, 40)):
            wins = 0
            for seed in range(4):
                a = otto.create_study(sampler=AutoSampler(seed=seed))
                a.optimize(objective, n_trials=n)
                r = otto.create_study(sampler=RandomSampler(seed=seed))
                r.optimize(objective, n_trials=n)
                wins += a.best_value < r.best_value
            self.assertGreaterEqual(wins, 3)

    def test_constraints_func_and_arguments(self):
        seen = []

        def constraints(frozen):
            seen.append(frozen.number)
            return [frozen.params["x0"] - 0.5]
        s = otto.create_study(sampler=AutoSampler(seed=1, constraints_func=constraints))
        s.optimize(sphere, n_trials=6)
        self.assertEqual(seen, list(range(6)))
        self.assertEqual(s.trials[0].constraints, {"0": s.trials[0].params["x0"] - 0.5})
        with self.assertRaises(ValueError):
            AutoSampler(gp_trials=-1)
        with self.assertRaises(TypeError):
            AutoSampler(1)  # keyword-only, as OptunaHub's


if __name__ == "__main__":
    unittest.main()
