"""bench/devsuite/space_probe.py: a define-by-run objective's space read off
as a tree (params, and categoricals that decide which params follow), and
an assignment replayed into the objective, as the devsuite's anchors
(Hyperopt, Nevergrad) use them. Pure Python; no peer is imported."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from devsuite import space_probe as sp  # noqa: E402


def two_level(t):
    """A common float, a model branch, a nested branch under 'forest'."""
    lr = t.suggest_float("lr", 1e-4, 1.0, log=True)
    model = t.suggest_categorical("model", ["net", "forest", "linear"])
    if model == "net":
        return lr + t.suggest_int("layers", 1, 6)
    if model == "forest":
        if t.suggest_categorical("crit", ["gini", "entropy"]) == "gini":
            return lr + t.suggest_float("ccp", 0.0, 1.0)
        return lr + 10.0
    return lr + 100.0


def flat_mixed(t):
    act = t.suggest_categorical("act", ["relu", "tanh"])
    n = t.suggest_int("n", 8, 512, log=True)
    return n + (0.5 if act == "tanh" else 0.0)


class SpaceProbeTest(unittest.TestCase):
    def test_branches_and_common_params(self):
        tree = sp.discover(two_level)
        self.assertEqual([n.key for n in tree], ["lr", "model"])
        lr, model = tree
        self.assertIsInstance(lr, sp.Param)
        self.assertEqual((lr.kind, lr.low, lr.high, lr.log), ("float", 1e-4, 1.0, True))
        self.assertIsInstance(model, sp.Branch)
        self.assertEqual(model.choices, ("net", "forest", "linear"))
        net, forest, linear = model.subspaces
        self.assertEqual([(n.key, n.kind, n.low, n.high) for n in net],
                         [("model=net/layers", "int", 1, 6)])
        self.assertEqual(linear, [])
        self.assertEqual(len(forest), 1)
        self.assertIsInstance(forest[0], sp.Branch)
        self.assertEqual(forest[0].key, "model=forest/crit")
        self.assertEqual([n.key for n in forest[0].subspaces[0]],
                         ["model=forest/crit=gini/ccp"])
        self.assertEqual(forest[0].subspaces[1], [])

    def test_a_categorical_that_changes_nothing_is_a_param(self):
        tree = sp.discover(flat_mixed)
        self.assertTrue(all(isinstance(n, sp.Param) for n in tree))
        self.assertEqual([(n.key, n.kind, n.choices) for n in tree],
                         [("act", "categorical", ("relu", "tanh")), ("n", "int", None)])
        self.assertTrue(tree[1].log)

    def test_active_path_replays_into_the_objective(self):
        tree = sp.discover(two_level)
        sample = {"lr": 0.01, "model": "forest", "model=net/layers": 3,
                  "model=forest/crit": "gini", "model=forest/crit=gini/ccp": 0.25}
        values = sp.active(tree, sample)
        self.assertEqual(values, {"lr": 0.01, "model": "forest", "crit": "gini", "ccp": 0.25})
        self.assertAlmostEqual(two_level(sp.ReplayTrial(values)), 0.26)
        values = sp.active(tree, dict(sample, model="net"))
        self.assertEqual(values, {"lr": 0.01, "model": "net", "layers": 3})
        self.assertAlmostEqual(two_level(sp.ReplayTrial(values)), 3.01)

    def test_a_param_missing_from_the_probe_is_an_error(self):
        with self.assertRaises(KeyError):
            two_level(sp.ReplayTrial({"lr": 0.1, "model": "net"}))

    def test_a_step_is_refused(self):
        with self.assertRaises(ValueError):
            sp.discover(lambda t: t.suggest_float("x", 0.0, 1.0, step=0.1))
        with self.assertRaises(ValueError):
            sp.discover(lambda t: t.suggest_int("k", 0, 10, step=2))


if __name__ == "__main__":
    unittest.main()
