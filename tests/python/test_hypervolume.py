"""otto.hypervolume.compute_hypervolume: Optuna's signature and checks over
C's otto_hypervolume (minimization)."""
import itertools
import random
import unittest

import otto
from otto.hypervolume import compute_hypervolume


def inclusion_exclusion(points, ref):
    total = 0.0
    for r in range(1, len(points) + 1):
        for subset in itertools.combinations(points, r):
            corner = [max(c) for c in zip(*subset)]
            vol = 1.0
            for c, q in zip(corner, ref):
                vol *= max(q - c, 0.0)
            total += vol if r % 2 else -vol
    return total


class HypervolumeTest(unittest.TestCase):
    def test_matches_inclusion_exclusion(self):
        rng = random.Random(3)
        for m in (2, 3, 4):
            pts = [[rng.random() for _ in range(m)] for _ in range(7)]
            ref = [1.0] * m
            self.assertAlmostEqual(compute_hypervolume(pts, ref), inclusion_exclusion(pts, ref),
                                   places=12)

    def test_module_is_exported_and_handles_edges(self):
        self.assertIs(otto.hypervolume.compute_hypervolume, compute_hypervolume)
        self.assertEqual(compute_hypervolume([], [1.0, 1.0]), 0.0)
        self.assertEqual(compute_hypervolume([[0.5, 0.5]], [1.0, float("inf")]), float("inf"))
        self.assertEqual(compute_hypervolume([[1.0, 0.5]], [1.0, 1.0]), 0.0)

    def test_bad_input(self):
        with self.assertRaisesRegex(ValueError, "dominate or equal"):
            compute_hypervolume([[2.0, 0.5]], [1.0, 1.0])
        with self.assertRaisesRegex(ValueError, "NaN"):
            compute_hypervolume([[float("nan"), 0.5]], [1.0, 1.0])
        with self.assertRaises(ValueError):
            compute_hypervolume([[0.5]], [1.0, 1.0])


if __name__ == "__main__":
    unittest.main()


class ParetoTiebreakTest(unittest.TestCase):
    """TPESampler's multi-objective options reach C: the tie-breaks differ,
    each is reproducible, and bad values are refused."""

    def front(self, **kwargs):
        study = otto.create_study(directions=["minimize", "minimize"],
                                  sampler=otto.samplers.TPESampler(seed=1, **kwargs))
        study.optimize(lambda t: (t.suggest_float("x", 0, 1),
                                  (1 - t.suggest_float("x", 0, 1)) ** 2
                                  + t.suggest_float("y", 0, 1)), n_trials=40)
        return [t.params["x"] for t in study.trials]

    def test_options(self):
        hssp = self.front()
        self.assertEqual(hssp, self.front(pareto_tiebreak="hssp"))
        self.assertNotEqual(hssp, self.front(pareto_tiebreak="crowding"))
        self.assertNotEqual(hssp, self.front(hypervolume_weights=True))
        with self.assertRaises(ValueError):
            otto.samplers.TPESampler(pareto_tiebreak="nearest")
