"""otto.pruners through the Python API: Optuna's names and parameters, the
objective's report/should_prune/TrialPruned loop, and pruning that saves
steps on learning curves without losing the best configuration."""
import math
import unittest

import otto
from otto import pruners
from otto.samplers import RandomSampler


def curve(trial, steps_run):
    x = trial.suggest_float("x", 0, 1)
    rate = 0.03 + 0.2 * trial.suggest_float("z", 0, 1)
    a = 0.1 + 2 * (x - 0.3) ** 2
    value = None
    for step in range(40):
        value = a + (3 - a) * math.exp(-rate * step)
        steps_run[0] += 1
        trial.report(value, step)
        if trial.should_prune():
            raise otto.TrialPruned()
    return value


def run(pruner, seed=0):
    steps = [0]
    s = otto.create_study(sampler=RandomSampler(seed=seed), pruner=pruner)
    s.optimize(lambda t: curve(t, steps), n_trials=60)
    return s, steps[0]


class PrunerTest(unittest.TestCase):
    def test_each_pruner_saves_steps(self):
        base, all_steps = run(pruners.NopPruner())
        for p in [pruners.MedianPruner(), pruners.PercentilePruner(25.0),
                  pruners.SuccessiveHalvingPruner(), pruners.HyperbandPruner(),
                  pruners.ThresholdPruner(upper=1.5, n_warmup_steps=10)]:
            s, steps = run(p)
            with self.subTest(pruner=type(p).__name__):
                self.assertLess(steps, all_steps)
                self.assertLess(s.best_value - base.best_value, 0.1)
                self.assertTrue(any(t.state == otto.TrialState.PRUNED for t in s.trials))

    def test_patient_pruner_waits_for_a_stall(self):
        def objective(trial):
            turn = trial.suggest_int("turn", 5, 30)
            for step in range(40):  # improves until `turn`, then gets worse
                trial.report(abs(step - turn) + 1.0, step)
                if trial.should_prune():
                    raise otto.TrialPruned()
            return 1.0

        s = otto.create_study(sampler=RandomSampler(seed=1),
                              pruner=pruners.PatientPruner(None, patience=3, min_delta=0.5))
        s.optimize(objective, n_trials=10)
        for t in s.trials:
            self.assertEqual(t.state, otto.TrialState.PRUNED)
            # pruned exactly when the last 4 steps' best is worse than before by > 0.5
            self.assertEqual(t.last_step, t.params["turn"] + 4)

    def test_median_saves_most(self):
        _, all_steps = run(pruners.NopPruner())
        _, steps = run(pruners.MedianPruner())
        self.assertLess(steps, 0.5 * all_steps)

    def test_invalid_arguments(self):
        with self.assertRaises(ValueError):
            pruners.PercentilePruner(120)
        with self.assertRaises(ValueError):
            pruners.SuccessiveHalvingPruner(min_resource="soon")
        with self.assertRaises(ValueError):
            pruners.SuccessiveHalvingPruner(reduction_factor=1)
        with self.assertRaises(ValueError):
            pruners.HyperbandPruner(bootstrap_count=1)
        with self.assertRaises(TypeError):
            pruners.ThresholdPruner()
        with self.assertRaises(ValueError):
            otto.create_study(pruner=pruners.ThresholdPruner(lower=2, upper=1))
        with self.assertRaises(ValueError):
            pruners.PatientPruner(None, patience=-1)

    def test_successive_halving_records_rungs(self):
        s, _ = run(pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
        self.assertIn("completed_rung_0", s.trials[0].system_attrs)


if __name__ == "__main__":
    unittest.main()


class WilcoxonTest(unittest.TestCase):
    def test_prunes_what_is_worse_per_instance_and_keeps_the_best(self):
        import random
        import warnings
        instances = [i / 49 - 0.5 for i in range(50)]

        def objective(trial):
            param = trial.suggest_float("param", -1, 1)
            order = list(range(len(instances)))
            random.Random(trial.number).shuffle(order)
            losses = []
            for i in order:
                loss = (param - instances[i]) ** 2
                losses.append(loss)
                trial.report(loss, i)
                if trial.should_prune():
                    raise otto.TrialPruned()
            return sum(losses) / len(losses)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", otto.exceptions.ExperimentalWarning)
            pruner = pruners.WilcoxonPruner(p_threshold=0.1)
        study = otto.create_study(sampler=RandomSampler(seed=3), pruner=pruner)
        verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)
        try:
            study.optimize(objective, n_trials=60)
        finally:
            otto.logging.set_verbosity(verbosity)
        pruned = [t for t in study.trials if t.state == otto.TrialState.PRUNED]
        self.assertGreater(len(pruned), 20)  # measured: 49 of 60, 901 of 3000 steps
        steps = sum(len(t.intermediate_values) for t in study.trials)
        self.assertLess(steps, 0.6 * 60 * 50)
        self.assertLess(abs(study.best_params["param"]), 0.15)
        study.add_trial(otto.create_trial(  # a NaN score of the best trial: a warning
            value=-1.0, params={"param": 0.0},
            distributions={"param": otto.distributions.FloatDistribution(-1, 1)},
            intermediate_values={0: float("nan"), 1: 0.5}))
        trial = study.ask()
        trial.report(1.0, 0)
        trial.report(2.0, 1)
        with self.assertWarnsRegex(UserWarning, "best trial"):
            self.assertFalse(trial.should_prune())
        with self.assertRaises(ValueError):
            pruners.WilcoxonPruner(p_threshold=2)
        with self.assertRaises(ValueError):
            pruners.WilcoxonPruner(n_startup_steps=-1)
