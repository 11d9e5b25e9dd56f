"""`otto import`: studies written by Optuna 3.1 (tests/cli/fixtures, made by
make_optuna_fixtures.py) copied into otto storages and read back through
otto's Python binding, against what Optuna itself read from the same files
(optuna31.expected.json); what cannot map is refused with a clear message
and nothing written; bad sources fail cleanly."""
import datetime
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

os.environ["TZ"] = "UTC"  # the fixtures' naive times were written in UTC
time.tzset()

# The Python binding reads the imported studies back in full; where the
# tests run without it (sanitizer builds: -Dpython_tests=false), otto(1)'s
# own JSON output is checked instead.
if os.environ.get("OTTO_LIB"):
    import otto  # noqa: E402 - after TZ, so its datetimes are UTC too
    from otto.distributions import distribution_to_json  # noqa: E402
    from otto.trial import TrialState  # noqa: E402
else:
    otto = None

CLI = os.environ["OTTO_CLI"]
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "optuna31.expected.json")) as f:
    EXPECTED = json.load(f)


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"otto {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


def number(v):  # as make_optuna_fixtures.py writes non-finite numbers
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


def py(storage):
    """The storage as the Python binding names it (a journal as journal:PATH)."""
    return storage if "://" in storage else "journal:" + storage


def when(iso):
    return None if iso is None else datetime.datetime.fromisoformat(iso)


class Import(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def check_study(self, storage, want):
        study = otto.load_study(study_name=want["name"], storage=py(storage))
        self.assertEqual([d.name for d in study.directions], want["directions"])
        self.assertEqual(study.user_attrs, want["user_attrs"])
        trials = study.get_trials(deepcopy=False)
        self.assertEqual(len(trials), len(want["trials"]))
        for t, w in zip(trials, want["trials"]):
            with self.subTest(study=want["name"], trial=w["number"]):
                self.assertEqual(t.number, w["number"])
                self.assertEqual(t.state.name, w["state"])
                if w["state"] == "WAITING":  # enqueued: fixed params and user attrs
                    self.assertEqual(t.system_attrs["fixed_params"],
                                     w["system_attrs"]["fixed_params"])
                    self.assertEqual(t.user_attrs, w["user_attrs"])
                    continue
                got = None if t.values is None else [number(v) for v in t.values]
                self.assertEqual(got, w["values"])
                self.assertEqual({k: number(v) for k, v in t.params.items()}, w["params"])
                self.assertEqual({k: json.loads(distribution_to_json(d))
                                  for k, d in t.distributions.items()}, w["distributions"])
                self.assertEqual({str(k): number(v) for k, v in t.intermediate_values.items()},
                                 w["intermediate_values"])
                self.assertEqual(t.user_attrs, w["user_attrs"])
                self.assertEqual({k: v for k, v in t.system_attrs.items()}, w["system_attrs"])
                for got_t, want_t in ((t.datetime_start, w["datetime_start"]),
                                      (t.datetime_complete, w["datetime_complete"])):
                    if want_t is None:
                        self.assertIsNone(got_t)
                    else:
                        self.assertLess(abs((got_t - when(want_t)).total_seconds()), 1e-5)
        return study

    def check_with_cli(self, storage, want):
        """What otto(1) shows of an imported study: states, values, params."""
        rows = json.loads(run("trials", storage, "-s", want["name"], "--format", "json").stdout)
        ran = [w for w in want["trials"] if w["state"] != "WAITING"]
        self.assertEqual([r["state"] for r in rows], [w["state"] for w in ran])
        for r, w in zip(rows, ran):
            with self.subTest(study=want["name"], trial=w["number"]):
                self.assertEqual(r["number"], w["number"])
                values = [r[k] for k in ("value", "values_0", "values_1") if k in r]
                if w["values"] is not None and all(isinstance(v, float) for v in w["values"]):
                    for got, v in zip(values, w["values"]):
                        self.assertAlmostEqual(got, v, delta=1e-5 * max(1, abs(v)))
                for k, v in w["params"].items():
                    got = r["params_" + k]
                    if isinstance(v, float) and not isinstance(got, str):
                        self.assertAlmostEqual(got, v, delta=1e-9 * max(1, abs(v)))
                    elif not isinstance(v, float):
                        self.assertEqual(str(got), "None" if v is None else str(v))

    def check_all(self, storage, expected):
        if otto is None:
            names = json.loads(run("study-names", "--storage", storage, "-f", "json").stdout)
            self.assertEqual([n["name"] for n in names], [s["name"] for s in expected])
            for want in expected:
                self.check_with_cli(storage, want)
            return
        self.assertEqual(otto.get_all_study_names(py(storage)), [s["name"] for s in expected])
        for want in expected:
            self.check_study(storage, want)

    def names(self, storage):
        return [n["name"] for n in
                json.loads(run("study-names", "--storage", storage, "-f", "json").stdout)]

    def test_sqlite_into_a_journal(self):
        dst = self.path("from_rdb.journal")
        out = run("import", "sqlite:///" + os.path.join(FIXTURES, "optuna31.db"), dst).stdout
        self.assertIn("imported study 'single': 8 trials (1 RUNNING", out)
        self.assertIn("1 WAITING enqueued", out)
        self.check_all(dst, EXPECTED["rdb"])

    def test_journal_into_sqlite(self):
        dst = "sqlite:///" + self.path("from_journal.db")
        run("import", os.path.join(FIXTURES, "optuna31.journal"), dst)
        self.check_all(dst, EXPECTED["journal"])

    @unittest.skipIf(otto is None, "needs the Python binding")
    def test_imported_study_goes_on(self):
        """The running trial is told from the shell, the waiting one asked next."""
        dst = self.path("goes_on.journal")
        run("import", "sqlite:///" + os.path.join(FIXTURES, "optuna31.db"), dst, "--study-name",
            "single")
        self.assertEqual(self.names(dst), ["single"])
        run("tell", "--storage", dst, "--study-name", "single", "--trial-number", "7",
            "--values", "0.5")
        study = otto.load_study(study_name="single", storage=py(dst))
        self.assertEqual(study.trials[7].state, TrialState.COMPLETE)
        self.assertEqual(study.best_value, 0.5)
        trial = study.ask()  # takes the enqueued trial: number 8, as in Optuna
        self.assertEqual(trial.number, 8)
        self.assertEqual(trial.suggest_float("x", -5, 5), 1.5)
        choices = ["adam", 1, 2.5, None, True, "sg\u00fcd \"q\""]  # the study's
        self.assertEqual(trial.suggest_categorical("c", choices), "adam")
        self.assertEqual(trial.user_attrs, {"queued": True})
        study.tell(trial, 1.0)

    def test_refusals_write_nothing(self):
        src = "sqlite:///" + os.path.join(FIXTURES, "optuna31.db")
        dst = self.path("r.journal")
        run("import", src, dst, "--study-name", "multi")
        p = run("import", src, dst, check=False)  # multi exists: refused, nothing written
        self.assertEqual(p.returncode, 1)
        self.assertIn("already has a study named 'multi'", p.stderr)
        self.assertEqual(self.names(dst), ["multi"])
        p = run("import", src, dst, "--skip-existing")
        self.assertIn("skipped study 'multi'", p.stdout)
        self.assertEqual(len(self.names(dst)), 3)
        p = run("import", src, self.path("n.journal"), "--study-name", "nope", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no study named 'nope'", p.stderr)
        # a study whose waiting trial came before a run trial cannot keep its numbers
        db = self.path("waiting_first.db")
        shutil.copy(os.path.join(FIXTURES, "optuna31.db"), db)
        with sqlite3.connect(db) as c:
            c.execute("UPDATE trials SET state = 'WAITING' WHERE study_id = 1 AND number = 2")
            c.execute("UPDATE study_directions SET direction = 'NOT_SET' WHERE study_id = 2")
        c.close()
        p = run("import", "sqlite:///" + db, self.path("w.journal"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("study 'single' cannot be imported: trial 3 ran after a WAITING", p.stderr)
        self.assertIn("study 'multi' cannot be imported: objective 0 has no direction", p.stderr)
        self.assertFalse(os.path.exists(self.path("w.journal")) and
                         self.names(self.path("w.journal")))

    def test_bad_sources(self):
        notes = self.path("notes.txt")
        with open(notes, "w") as f:
            f.write("hello\nworld\n")
        otto_journal = self.path("otto.journal")
        run("create-study", "--storage", otto_journal, "--study-name", "s")
        empty_db = self.path("empty.db")
        sqlite3.connect(empty_db).execute("CREATE TABLE t (x)").connection.close()
        torn = self.path("torn.journal")
        with open(os.path.join(FIXTURES, "optuna31.journal"), "rb") as f:
            data = f.read()
        with open(torn, "wb") as f:
            f.write(data[:-40])  # its last line cut short, as a crash leaves it
        bad_middle = self.path("bad_middle.journal")
        lines = data.split(b"\n")
        with open(bad_middle, "wb") as f:
            f.write(b"\n".join(lines[:3] + [b"{oops"] + lines[3:]))
        cases = [
            ((notes, self.path("a.journal")), 1, "not JSON"),
            ((otto_journal, self.path("b.journal")), 1, ""),
            (("sqlite:///" + empty_db, self.path("c.journal")), 1, "not an Optuna database"),
            (("sqlite:///" + notes, self.path("d.journal")), 1, "not an SQLite database"),
            ((os.path.join(FIXTURES, "optuna31.db"), self.path("e.journal")), 2, "sqlite:///"),
            ((self.path("missing"), self.path("f.journal")), 1, "No such file"),
            ((bad_middle, self.path("g.journal")), 1, "line 4 is not JSON"),
            (("postgresql://x/y", self.path("h.journal")), 1, "SQLite databases and journal"),
            ((notes,), 2, "usage"),
            ((notes, notes), 2, "same storage"),
        ]
        for args, code, why in cases:
            with self.subTest(args=args):
                p = run("import", *args, check=False)
                self.assertEqual(p.returncode, code, p.stderr)
                self.assertIn(why, p.stderr)
        p = run("import", torn, self.path("torn_dst.journal"))
        self.assertIn("cut short", p.stderr)
        self.assertEqual(len(self.names(self.path("torn_dst.journal"))), 3)

    @unittest.skipUnless(shutil.which("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import optuna"], capture_output=True).returncode == 0,
        "Optuna is not installed")
    def test_fixtures_are_optunas(self):
        """Where Optuna is installed: fresh files made by the fixture script
        import just as the committed ones do."""
        d = self.path("fresh")
        subprocess.run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__),
                                                         "make_optuna_fixtures.py"), d],
                       check=True, capture_output=True, env={**os.environ, "TZ": "UTC"},
                       timeout=600)
        with open(os.path.join(d, "optuna31.expected.json")) as f:
            fresh = json.load(f)
        run("import", "sqlite:///" + os.path.join(d, "optuna31.db"), self.path("x.journal"))
        self.check_all(self.path("x.journal"), fresh["rdb"])
        run("import", os.path.join(d, "optuna31.journal"), self.path("y.journal"))
        self.check_all(self.path("y.journal"), fresh["journal"])


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=[sys.argv[0]])
