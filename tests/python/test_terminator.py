"""Noisy objectives from Python: study.recommended_trial (a FrozenTrial with
otto:mean and otto:sd) beats best_trial on a noisy sphere; study.compare is
sure of a truly better configuration and unsure between equal ones;
otto.terminator's Terminator and TerminatorCallback stop a flat noisy study
and not an unexplored one, with Optuna's evaluators and errors."""
import math
import random
import statistics
import unittest

import otto
from otto.samplers import RandomSampler
from otto.terminator import (CrossValidationErrorEvaluator, NoiseErrorEvaluator,
                             RegretBoundEvaluator, StaticErrorEvaluator, Terminator,
                             TerminatorCallback, report_cross_validation_scores)


def noisy_sphere(d, sd, rng, scale=1.0):
    def objective(trial):
        x = [trial.suggest_float(f"x{k}", -1, 1) for k in range(d)]
        return scale * sum(v * v for v in x) + rng.gauss(0, sd)
    return objective


def true_sphere(trial):
    return sum(v * v for v in trial.params.values())


def quiet():
    otto.logging.set_verbosity(otto.logging.WARNING)


class Recommend(unittest.TestCase):
    def setUp(self):
        quiet()

    def test_beats_best_trial(self):
        rec, best = [], []
        for seed in range(8):
            study = otto.create_study(sampler=otto.samplers.TPESampler(seed=seed))
            study.optimize(noisy_sphere(3, 0.3, random.Random(seed)), n_trials=60)
            r, b = study.recommended_trial, study.best_trial
            self.assertEqual(r.state, otto.trial.TrialState.COMPLETE)
            self.assertIn("otto:mean", r.system_attrs)
            self.assertGreater(r.system_attrs["otto:sd"], 0)
            self.assertEqual(study.trials[r.number].params, r.params)
            self.assertNotIn("otto:mean", study.trials[r.number].system_attrs)  # a copy
            rec.append(true_sphere(r))
            best.append(true_sphere(b))
        wins = sum(r < b for r, b in zip(rec, best))
        print(f"recommended vs best_trial: {wins}/8 wins, median regret "
              f"{statistics.median(rec):.4f} vs {statistics.median(best):.4f}")
        self.assertGreaterEqual(wins, 5)
        self.assertLess(statistics.median(rec), statistics.median(best))

    def test_replicates_and_errors(self):
        study = otto.create_study(direction="maximize", sampler=RandomSampler(seed=1))
        with self.assertRaises(ValueError):
            study.recommended_trial
        dist = {"x": otto.distributions.FloatDistribution(0, 1)}
        for x, v in [(0.1, 1.0), (0.1, 1.2), (0.1, 0.8), (0.2, 1.05), (0.3, 1.5), (0.3, 0.1)]:
            study.add_trial(otto.create_trial(params={"x": x}, distributions=dist, value=v))
        r = study.recommended_trial  # under 10 trials: replicate means
        self.assertEqual(r.number, 3)
        self.assertAlmostEqual(r.system_attrs["otto:mean"], 1.05)
        self.assertEqual(study.best_trial.number, 4)  # 1.5: the lucky draw
        mo = otto.create_study(directions=["minimize", "minimize"])
        mo.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3)
        with self.assertRaises(RuntimeError):
            mo.recommended_trial
        with self.assertRaises(RuntimeError):
            mo.compare(0, 1)


class Compare(unittest.TestCase):
    def setUp(self):
        quiet()

    def test_better_and_equal(self):
        equal = []
        dist = {f"x{k}": otto.distributions.FloatDistribution(-1, 1) for k in range(2)}
        for seed in range(20):
            rng = random.Random(100 + seed)
            study = otto.create_study(sampler=RandomSampler(seed=seed))
            study.optimize(noisy_sphere(2, 0.3, rng), n_trials=30)
            first = {}
            for name, x in [("a", (0.1, 0.1)), ("b", (0.7, 0.7)), ("c", (0.5, 0.3)),
                            ("d", (-0.3, -0.5))]:
                first[name] = len(study.trials)
                for _ in range(5):
                    study.add_trial(otto.create_trial(
                        params={"x0": x[0], "x1": x[1]}, distributions=dist,
                        value=x[0] ** 2 + x[1] ** 2 + rng.gauss(0, 0.3)))
            a, b = study.trials[first["a"]], first["b"] + 1
            p = study.compare(a, b)
            self.assertGreater(p, 0.95)
            self.assertAlmostEqual(study.compare(b, a), 1 - p, places=9)
            self.assertEqual(study.compare(a, first["a"] + 2), 0.5)
            equal.append(study.compare(first["c"], first["d"]))
        print(f"compare equal configurations: mean p {statistics.mean(equal):.3f}")
        # between equal configurations a calibrated p is about uniform over
        # noise draws (it is p > 0.95 one time in twenty): its mean is 0.5
        self.assertTrue(0.4 < statistics.mean(equal) < 0.6)
        with self.assertRaises(ValueError):
            study.compare(0, 10_000)
        with self.assertRaises(TypeError):
            study.compare("a", 0)


class Terminate(unittest.TestCase):
    def setUp(self):
        quiet()

    def flat(self, seed, n):
        study = otto.create_study(sampler=RandomSampler(seed=seed))
        study.optimize(noisy_sphere(2, 0.3, random.Random(seed), scale=0.0), n_trials=n)
        return study

    def test_flat_and_unexplored(self):
        stops = sum(Terminator().should_terminate(self.flat(seed, 80)) for seed in range(4))
        self.assertGreaterEqual(stops, 3)
        for seed in range(4):
            study = otto.create_study(sampler=RandomSampler(seed=seed))
            study.optimize(noisy_sphere(5, 0.05, random.Random(seed)), n_trials=25)
            self.assertFalse(Terminator().should_terminate(study))
        self.assertFalse(Terminator().should_terminate(self.flat(0, 10)))  # < min_n_trials

    def test_callback_stops_optimize(self):
        study = otto.create_study(sampler=RandomSampler(seed=3))
        study.optimize(noisy_sphere(2, 0.3, random.Random(3), scale=0.0), n_trials=200,
                       callbacks=[TerminatorCallback()])
        print(f"flat objective stopped after {len(study.trials)} trials")
        self.assertLess(len(study.trials), 150)
        self.assertGreaterEqual(len(study.trials), 20)

    def test_evaluators(self):
        study = self.flat(1, 40)
        trials = study.trials
        bound = RegretBoundEvaluator().evaluate(trials, study.direction)
        noise = NoiseErrorEvaluator().evaluate(trials, study.direction)
        self.assertGreater(bound, 0)
        self.assertTrue(0.1 < noise < 0.5)
        # the C decision agrees with the evaluators' numbers
        self.assertTrue(Terminator(error_evaluator=StaticErrorEvaluator(2 * bound))
                        .should_terminate(study))
        self.assertFalse(Terminator(error_evaluator=StaticErrorEvaluator(bound / 2))
                         .should_terminate(study))
        self.assertFalse(Terminator(error_evaluator=StaticErrorEvaluator(0))
                         .should_terminate(study))
        optuna_bound = RegretBoundEvaluator(top_trials_ratio=0.5, bound="ucb_lcb")
        self.assertGreater(optuna_bound.evaluate(trials, study.direction), 0)

        class Halves(RegretBoundEvaluator.__mro__[1]):  # a user's own improvement evaluator
            def evaluate(self, trials, study_direction):
                return bound / 2
        self.assertTrue(Terminator(improvement_evaluator=Halves(),
                                   error_evaluator=StaticErrorEvaluator(bound))
                        .should_terminate(study))
        with self.assertRaises(ValueError):
            RegretBoundEvaluator().evaluate([], study.direction)
        with self.assertRaises(ValueError):
            RegretBoundEvaluator(top_trials_ratio=0)
        with self.assertRaises(ValueError):
            Terminator(min_n_trials=0)

    def test_cross_validation_scores(self):
        study = otto.create_study(sampler=RandomSampler(seed=2))
        rng = random.Random(2)

        def objective(trial):
            x = trial.suggest_float("x", -1, 1)
            scores = [x * x + rng.gauss(0, 0.1) for _ in range(5)]
            report_cross_validation_scores(trial, scores)
            return sum(scores) / 5
        study.optimize(objective, n_trials=30)
        best = study.best_trial
        scores = best.system_attrs["terminator:cv_scores"]
        mean = sum(scores) / 5
        var = sum((s - mean) ** 2 for s in scores) / 5
        err = CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
        self.assertAlmostEqual(err, math.sqrt((1 / 5 + 1 / 4) * var))
        Terminator(error_evaluator=CrossValidationErrorEvaluator()).should_terminate(study)
        with self.assertRaises(ValueError):
            CrossValidationErrorEvaluator().evaluate(self.flat(0, 3).trials, study.direction)
        trial = study.ask()
        with self.assertRaises(ValueError):
            report_cross_validation_scores(trial, [1.0])
        study.tell(trial, 1.0)


if __name__ == "__main__":
    unittest.main()
