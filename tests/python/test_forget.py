"""create_study(forget_window=W), otto-only: the study's sampler and
recommended_trial see only the last W trials to finish (C does the
forgetting; Python only passes the number on), and bad values are refused."""
import unittest

import otto
from otto.samplers import RandomSampler, TPESampler


def level_then_slope(trial):
    """0 for trials 0..29 (the old level); 10 + x after (a new level)."""
    x = trial.suggest_float("x", 0, 1)
    return 0.0 if trial.number < 30 else 10.0 + x


class ForgetTest(unittest.TestCase):
    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_recommendation_reads_only_the_window(self):
        s = otto.create_study(sampler=RandomSampler(seed=0), forget_window=10)
        s.optimize(level_then_slope, n_trials=40)
        self.assertEqual(len(s.trials), 40)  # forgetting keeps the trials
        rec = s.recommended_trial
        self.assertGreaterEqual(rec.number, 30)
        self.assertGreater(rec.system_attrs["otto:mean"], 9.0)
        off = otto.create_study(sampler=RandomSampler(seed=0))
        off.optimize(level_then_slope, n_trials=40)
        self.assertLess(off.recommended_trial.number, 30)

    def test_sampler_follows_the_window(self):
        """TPE after 30 trials best near 0.1 (lower level) and 20 best near
        0.9: with a window of 20 it proposes above 0.5, without below."""
        means = []
        for window in (0, 20):
            s = otto.create_study(sampler=TPESampler(seed=1), forget_window=window)
            for i in range(50):
                x = (i + 0.5) / 30 if i < 30 else (i - 30 + 0.5) / 20
                s.enqueue_trial({"x": x})
            s.optimize(lambda t: abs(t.suggest_float("x", 0, 1) - 0.1) - 1.0
                       if t.number < 30 else abs(t.suggest_float("x", 0, 1) - 0.9), n_trials=50)
            xs = []
            for _ in range(10):
                t = s.ask()
                x = t.suggest_float("x", 0, 1)
                xs.append(x)
                s.tell(t, abs(x - 0.9))
            means.append(sum(xs) / len(xs))
        self.assertLess(means[0], 0.5)
        self.assertGreater(means[1], 0.5)

    def test_refuses_bad_values(self):
        for bad in (-1, True, 1.5, "2", None):
            with self.assertRaises(ValueError):
                otto.create_study(forget_window=bad)
        otto.create_study(forget_window=0)  # off


if __name__ == "__main__":
    unittest.main()
