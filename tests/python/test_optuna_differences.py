"""Small behaviours where otto once differed from Optuna (issue 30): an
enqueued NaN. Each
test states what Optuna 3.1 and 5 do and checks otto does the same; where
Optuna itself is importable, the same scenario runs on it too, so the
expectation is checked against the real thing."""
import math
import unittest
import warnings

import otto

try:  # the reference, where installed (Debian's python3-optuna); never required
    import optuna as real_optuna
    real_optuna.logging.set_verbosity(real_optuna.logging.ERROR)
except ImportError:
    real_optuna = None


def enqueued_nan(lib):
    """What suggest_float, suggest_int and suggest_categorical do with an
    enqueued NaN, and the trial's state and params afterwards."""
    out = {}
    study = lib.create_study()
    study.enqueue_trial({"x": float("nan"), "n": float("nan"), "c": float("nan")})
    trial = study.ask()
    for name, suggest in (("x", lambda: trial.suggest_float("x", 0, 1)),
                          ("n", lambda: trial.suggest_int("n", 0, 10))):
        try:
            out[name] = suggest()
        except ValueError as e:
            out[name] = ("ValueError", "`nan` is invalid value." in str(e))
    c = trial.suggest_categorical("c", [1.0, float("nan")])
    out["c"] = "nan" if isinstance(c, float) and math.isnan(c) else c
    out["params"] = sorted(trial.params)
    out["state"] = study.trials[0].state.name
    # in optimize the ValueError propagates and fails the trial
    study = lib.create_study()
    study.enqueue_trial({"x": float("nan")})
    try:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        out["optimize"] = "no error"
    except ValueError as e:
        out["optimize"] = ("ValueError", "`nan` is invalid value." in str(e))
    out["optimize_state"] = study.trials[0].state.name
    # skip_if_exists: a NaN matches a NaN already enqueued
    study = lib.create_study()
    study.enqueue_trial({"x": float("nan")})
    study.enqueue_trial({"x": float("nan")}, skip_if_exists=True)
    out["waiting"] = len(study.get_trials(states=(lib.trial.TrialState.WAITING,)))
    return out


OPTUNA_ENQUEUED_NAN = {  # Optuna 3.1 (and 5: the same code path)
    "x": ("ValueError", True), "n": ("ValueError", True), "c": "nan", "params": ["c"],
    "state": "RUNNING", "optimize": ("ValueError", True), "optimize_state": "FAIL",
    "waiting": 1}


class EnqueuedNanTest(unittest.TestCase):
    def test_nan_fails_the_suggest_as_in_optuna(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.assertEqual(enqueued_nan(otto), OPTUNA_ENQUEUED_NAN)

    @unittest.skipIf(real_optuna is None, "Optuna is not installed")
    def test_expectation_is_optunas(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.assertEqual(enqueued_nan(real_optuna), OPTUNA_ENQUEUED_NAN)


if __name__ == "__main__":
    unittest.main()
