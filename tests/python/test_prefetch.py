"""create_study(prefetch=N), otto-only: trials record whether their relative
sample was prefetched ("ready") or drawn by the fallback, the first one
falls back, and samplers that sample in Python are refused (their hooks
would run on the C worker thread)."""
import time
import unittest

import otto
from otto.samplers import AutoSampler, BaseSampler, RandomSampler, TPESampler


def sphere(trial):
    time.sleep(0.03)  # leaves the worker time to make the next proposal
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))


class PySampler(BaseSampler):
    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, param_name, param_distribution):
        return param_distribution.low


class PrefetchTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_trials_record_ready_or_fallback(self):
        s = otto.create_study(sampler=AutoSampler(seed=0), prefetch=1)
        s.optimize(sphere, n_trials=12)
        marks = [t.system_attrs["otto:prefetch"] for t in s.trials]
        self.assertEqual(marks[0], "fallback")
        self.assertTrue(set(marks) <= {"ready", "fallback"})
        self.assertIn("ready", marks[1:])
        for t in s.trials:
            self.assertTrue(all(-5 <= v <= 5 for v in t.params.values()))

    def test_off_by_default_and_ignored_without_relative_sampling(self):
        s = otto.create_study(sampler=TPESampler(seed=0))
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        self.assertNotIn("otto:prefetch", s.trials[-1].system_attrs)
        r = otto.create_study(sampler=RandomSampler(seed=0), prefetch=2)
        r.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        self.assertNotIn("otto:prefetch", r.trials[-1].system_attrs)

    def test_refuses_bad_values_and_python_samplers(self):
        for bad in (-1, True, 1.5, "2"):
            with self.assertRaises(ValueError):
                otto.create_study(prefetch=bad)
        with self.assertRaises(ValueError):
            otto.create_study(sampler=PySampler(), prefetch=1)
        s = otto.create_study(sampler=TPESampler(seed=0), prefetch=1)
        with self.assertRaises(ValueError):
            s.sampler = PySampler()
        s.sampler = RandomSampler(seed=1)  # a C sampler is fine


if __name__ == "__main__":
    unittest.main()
