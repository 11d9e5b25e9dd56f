"""Small behaviours where otto once differed from Optuna (issue 30): an
enqueued NaN, and Optuna 5's names for the heartbeat retry callback. Each
test states what Optuna 3.1 and 5 do and checks otto does the same; where
Optuna itself is importable, the same scenario runs on it too, so the
expectation is checked against the real thing."""
import math
import os
import subprocess
import sys
import tempfile
import time
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


WORKER = r"""
import os, sys
import otto
st = otto.storages.RDBStorage(sys.argv[1], heartbeat_interval=1, grace_period=2)
study = otto.load_study(study_name="hb", storage=st)
trial = study.ask()
trial.suggest_float("x", 0, 1)
trial.report(0.5, 0)  # writes the param with the report
os._exit(0)  # dies without telling: its heartbeat stops
"""


class HeartbeatNamesTest(unittest.TestCase):
    def test_optuna5_names(self):
        cb = otto.storages.RetryHeartbeatStaleTrialCallback()
        self.assertIsInstance(otto.storages.RetryFailedTrialCallback(),
                              otto.storages.RetryHeartbeatStaleTrialCallback)
        with tempfile.TemporaryDirectory() as d:
            url = f"sqlite:///{d}/a.db"
            st = otto.storages.RDBStorage(url, heartbeat_interval=1,
                                          heartbeat_stale_trial_callback=cb)
            self.assertIs(st.get_heartbeat_stale_trial_callback(), cb)
            self.assertIs(st.get_failed_trial_callback(), cb)
            self.assertEqual(st.get_heartbeat_interval(), 1)
            old = otto.storages.RDBStorage(url, heartbeat_interval=1,
                                           failed_trial_callback=cb)
            self.assertIs(old.get_heartbeat_stale_trial_callback(), cb)
            with self.assertRaises(ValueError):
                otto.storages.RDBStorage(url, heartbeat_interval=1, failed_trial_callback=cb,
                                         heartbeat_stale_trial_callback=cb)
            with self.assertRaises(NotImplementedError):
                otto.storages.RDBStorage(url, heartbeat_interval=1,
                                         heartbeat_stale_trial_callback=lambda s, t: None)
            journal = otto.storages.JournalStorage(
                otto.storages.JournalFileStorage(os.path.join(d, "j.log")),
                heartbeat_interval=1, heartbeat_stale_trial_callback=cb)
            self.assertIs(journal.get_heartbeat_stale_trial_callback(), cb)

    def test_stale_trial_is_retried_with_its_params(self):
        with tempfile.TemporaryDirectory() as d:
            url = f"sqlite:///{d}/hb.db"
            st = otto.storages.RDBStorage(
                url, heartbeat_interval=1, grace_period=2,
                heartbeat_stale_trial_callback=otto.storages.RetryHeartbeatStaleTrialCallback())
            study = otto.create_study(study_name="hb", storage=st)
            subprocess.run([sys.executable, "-c", WORKER, url], check=True, timeout=60)
            stale = study.trials[0]
            self.assertEqual(stale.state, otto.trial.TrialState.RUNNING)
            time.sleep(3.2)  # past the grace period
            trial = study.ask()  # fails the stale trial and takes its retry
            self.assertEqual(study.trials[0].state, otto.trial.TrialState.FAIL)
            self.assertEqual(trial.suggest_float("x", 0, 1), stale.params["x"])
            self.assertEqual(int(study.trials[1].system_attrs["failed_trial"]), 0)
            study.tell(trial, 1.0)


if __name__ == "__main__":
    unittest.main()
