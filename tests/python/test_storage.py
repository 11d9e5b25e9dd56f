"""Persistent studies through the Python API, as Optuna spells them:
storage="journal:PATH" or a JournalStorage, "sqlite:///PATH", RDBStorage /
"postgresql://..."
(when OTTO_TEST_POSTGRES names a server), load_study, load_if_exists,
get_all_study_names, worker processes sharing one study, and a pickled
study reopened by reference."""
import copy
import os
import pickle
import subprocess
import sys
import tempfile
import unittest

import otto
from otto.exceptions import DuplicatedStudyError
from otto.samplers import RandomSampler, TPESampler
from otto.storages import JournalFileStorage, JournalStorage, RDBStorage


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    c = trial.suggest_categorical("c", ["a", None, 3, 2.5, True])
    n = trial.suggest_int("n", 1, 9, step=2)
    for step in range(3):
        trial.report(x * x + step, step)
    trial.set_user_attr("tag", f"n={n}")
    return x * x + n + (c is None)


WORKER = """
import sys, otto
otto.logging.set_verbosity(otto.logging.ERROR)
s = otto.create_study(storage=sys.argv[1], study_name="shared", load_if_exists=True,
                      sampler=otto.samplers.RandomSampler(seed=int(sys.argv[2])))
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=int(sys.argv[3]))
"""


def pg_url():
    conninfo = os.environ.get("OTTO_TEST_POSTGRES", "")
    kv = dict(p.split("=", 1) for p in conninfo.split() if "=" in p)
    if not kv:
        return None
    return (f"postgresql://{kv.get('user', 'postgres')}@{kv.get('host', '127.0.0.1')}:"
            f"{kv.get('port', '5432')}/{kv.get('dbname', 'postgres')}")


class StorageCases:
    """Run against self.storage() (a fresh storage URL per test)."""

    def setUp(self):
        self._verbosity = otto.logging.get_verbosity()
        otto.logging.set_verbosity(otto.logging.ERROR)

    def tearDown(self):
        otto.logging.set_verbosity(self._verbosity)

    def test_round_trip_and_resume(self):
        url, name = self.storage(), self.name("rt")
        s = otto.create_study(storage=url, study_name=name, sampler=TPESampler(seed=1))
        s.set_user_attr("dataset", {"name": "mnist", "version": 2})
        s.optimize(objective, n_trials=25)
        r = otto.load_study(study_name=name, storage=url)
        self.assertEqual(r.study_name, name)
        self.assertEqual(r.user_attrs, {"dataset": {"name": "mnist", "version": 2}})
        self.assertEqual(len(r.trials), 25)
        for a, b in zip(s.trials, r.trials):
            self.assertEqual(a.number, b.number)
            self.assertEqual(a.params, b.params)  # None, 3, 2.5, True come back typed
            self.assertEqual(a.value, b.value)
            self.assertEqual(a.state, b.state)
            self.assertEqual(a.intermediate_values, b.intermediate_values)
            self.assertEqual(a.user_attrs, b.user_attrs)
            self.assertEqual(a.distributions, b.distributions)
        self.assertEqual(r.best_trial.number, s.best_trial.number)
        del s
        resumed = otto.create_study(storage=url, study_name=name, load_if_exists=True)
        resumed.optimize(objective, n_trials=5)
        self.assertEqual([t.number for t in resumed.trials], list(range(30)))

    def test_names_and_duplicates(self):
        url = self.storage()
        a, b = self.name("a"), self.name("b")
        otto.create_study(storage=url, study_name=a)
        otto.create_study(storage=url, study_name=b, direction="maximize")
        with self.assertRaises(DuplicatedStudyError):
            otto.create_study(storage=url, study_name=a)
        with self.assertRaises(KeyError):
            otto.load_study(study_name=self.name("missing"), storage=url)
        names = otto.get_all_study_names(url)
        self.assertIn(a, names)
        self.assertIn(b, names)
        self.assertLess(names.index(a), names.index(b))
        self.assertEqual(otto.load_study(study_name=b, storage=url).direction,
                         otto.StudyDirection.MAXIMIZE)
        with self.assertRaises(ValueError):  # resuming with other directions
            otto.create_study(storage=url, study_name=b, load_if_exists=True)

    def test_worker_processes(self):
        url = self.storage()
        env = dict(os.environ)
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(i), "40"], env=env)
                 for i in range(3)]
        for p in procs:
            self.assertEqual(p.wait(timeout=120), 0)
        s = otto.load_study(study_name="shared", storage=url)
        self.assertEqual([t.number for t in s.trials], list(range(120)))
        self.assertTrue(all(t.state == otto.TrialState.COMPLETE for t in s.trials))

    def test_pickled_study_is_a_reference(self):
        url, name = self.storage(), self.name("pickled")
        s = otto.create_study(storage=url, study_name=name, sampler=TPESampler(seed=1))
        s.optimize(objective, n_trials=3)
        worker = ("import pickle, sys, otto\n"
                  "s = pickle.loads(sys.stdin.buffer.read())\n"
                  "s.optimize(lambda t: t.suggest_float('x', -5, 5) ** 2, n_trials=4)\n")
        p = subprocess.run([sys.executable, "-c", worker], input=pickle.dumps(s),
                           capture_output=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(len(s.trials), 7)  # the child's trials are in the same study
        twin = copy.deepcopy(s)  # another handle on it, with its own sampler object
        self.assertIsNot(twin.sampler, s.sampler)
        twin.optimize(objective, n_trials=1)
        self.assertEqual([t.number for t in s.trials], list(range(8)))

    def test_delete_and_copy_study(self):
        url, name = self.storage(), self.name("copied")
        s = otto.create_study(storage=url, study_name=name, direction="maximize",
                              sampler=RandomSampler(seed=2))
        s.set_user_attr("dataset", "v1")

        def f(t):
            value = objective(t)
            if t.params["n"] == 9:
                raise otto.TrialPruned()
            return value
        s.optimize(f, n_trials=15)
        to = otto.storages.InMemoryStorage()
        c = otto.copy_study(from_study_name=name, from_storage=url, to_storage=to)

        def key(t):
            return (t.number, t.state, t.values, t.params, t.user_attrs,
                    t.intermediate_values, t.distributions)
        self.assertEqual([key(t) for t in c.trials], [key(t) for t in s.trials])
        self.assertEqual(c.user_attrs, {"dataset": "v1"})
        self.assertEqual(c.direction, otto.StudyDirection.MAXIMIZE)
        with self.assertRaises(DuplicatedStudyError):
            otto.copy_study(from_study_name=name, from_storage=url, to_storage=to)
        otto.delete_study(study_name=name, storage=url)
        self.assertNotIn(name, otto.get_all_study_names(url))
        with self.assertRaises(KeyError):
            otto.delete_study(study_name=name, storage=url)
        with self.assertRaises(KeyError):
            otto.load_study(study_name=name, storage=url)
        with self.assertRaises(otto.exceptions.OttoError):  # the old handle writes nowhere
            s.optimize(f, n_trials=1)
        fresh = otto.create_study(storage=url, study_name=name)  # the name is free again
        self.assertEqual(len(fresh.trials), 0)

    def test_another_workers_running_trial_is_not_told_here(self):
        url, name = self.storage(), self.name("owner")
        a = otto.create_study(storage=url, study_name=name)
        trial = a.ask()
        trial.suggest_float("x", 0, 1)
        b = otto.load_study(study_name=name, storage=url)
        with self.assertRaisesRegex(otto.exceptions.StateError, "another worker"):
            b.tell(trial.number, 1.0)
        a.tell(trial, 0.5)  # its own study object tells it
        self.assertEqual(b.trials[0].value, 0.5)

    def test_other_workers_trials_are_read(self):
        url, name = self.storage(), self.name("sync")
        a = otto.create_study(storage=url, study_name=name, sampler=RandomSampler(seed=1))
        b = otto.load_study(study_name=name, storage=url)
        a.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        self.assertEqual(len(b.trials), 3)  # trials reads the storage


class FileCases(StorageCases):
    """Storages in files of a fresh directory per test."""

    def setUp(self):
        super().setUp()
        self._dir = tempfile.TemporaryDirectory()
        self._n = 0

    def tearDown(self):
        self._dir.cleanup()
        super().tearDown()

    def name(self, base):
        return base


class JournalTest(FileCases, unittest.TestCase):
    def storage(self):
        self._n += 1
        return f"journal:{self._dir.name}/j{self._n}.log"

    def test_storage_objects(self):
        path = os.path.join(self._dir.name, "objects.log")
        st = JournalStorage(JournalFileStorage(path), heartbeat_interval=1,
                            failed_trial_callback=otto.storages.RetryFailedTrialCallback())
        s = otto.create_study(storage=st, study_name="o")
        s.optimize(objective, n_trials=3)
        self.assertEqual(len(otto.load_study(study_name=None, storage=st).trials), 3)
        with self.assertRaises(NotImplementedError):
            otto.storages.RetryFailedTrialCallback(max_retry=3)
        with self.assertRaises(NotImplementedError):
            otto.create_study(storage="mysql://localhost/example")
        with self.assertRaises(TypeError):
            otto.create_study(storage=42)
        with open(os.path.join(self._dir.name, "bad.log"), "w") as f:
            f.write("this is not a journal")
        with self.assertRaises(otto.exceptions.StorageError):
            otto.create_study(storage="journal:" + os.path.join(self._dir.name, "bad.log"))


class SqliteTest(FileCases, unittest.TestCase):
    def storage(self):
        self._n += 1
        return f"sqlite:///{self._dir.name}/s{self._n}.db"  # an absolute path: four slashes

    def test_urls(self):
        cwd = os.getcwd()
        os.chdir(self._dir.name)
        try:  # three slashes: relative to the working directory, as in SQLAlchemy
            s = otto.create_study(storage="sqlite:///rel.db?timeout=3", study_name="r")
            s.optimize(objective, n_trials=2)
        finally:
            os.chdir(cwd)
        self.assertTrue(os.path.exists(os.path.join(self._dir.name, "rel.db")))
        st = RDBStorage(f"sqlite+pysqlite:///{self._dir.name}/rel.db",
                        engine_kwargs={"connect_args": {"timeout": 5}})
        self.assertEqual(len(otto.load_study(study_name="r", storage=st).trials), 2)
        mem = RDBStorage("sqlite:///:memory:")
        a = otto.create_study(storage=mem, study_name="m")
        a.optimize(objective, n_trials=2)
        self.assertEqual(len(otto.load_study(study_name="m", storage=mem).trials), 2)
        path = mem._sqlite_path
        self.assertTrue(os.path.exists(path))
        del a, mem
        import gc
        gc.collect()
        self.assertFalse(os.path.exists(path))  # the private file went with the storage
        with self.assertRaises(ValueError):
            otto.create_study(storage="sqlite://rel.db")
        with self.assertRaises(NotImplementedError):
            RDBStorage(self.storage(), engine_kwargs={"pool_size": 3})

    def test_foreign_database_is_refused(self):
        import sqlite3
        path = os.path.join(self._dir.name, "optuna.db")
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE studies (study_id INTEGER PRIMARY KEY)")
        with self.assertRaisesRegex(otto.exceptions.StorageError, "not an otto database"):
            otto.create_study(storage=f"sqlite:///{path}")


@unittest.skipUnless(pg_url(), "set OTTO_TEST_POSTGRES to a conninfo to run")
class PostgresTest(StorageCases, unittest.TestCase):
    def storage(self):
        return pg_url()

    def name(self, base):
        return f"{base}-{os.getpid()}-{id(self):x}"

    def test_worker_processes(self):  # "shared" must be unique per run on a server
        url = pg_url()
        st = RDBStorage(url)
        if "shared" in st.get_all_study_names():
            self.skipTest("the server already holds a study named 'shared'")
        super().test_worker_processes()


if __name__ == "__main__":
    unittest.main()
