"""otto(1): each subcommand's output in every format, clear errors with
nonzero exit codes, a journal read while a worker writes it, a report
whose hostile names stay text, output that cannot inject (spreadsheet
formulas in CSV, terminal controls and bidi overrides in tables), and
storages read without a byte written (also from a read-only mount)."""
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

CLI = os.environ["OTTO_CLI"]
MAKE = os.environ["OTTO_MAKE_STUDY"]
HOSTILE = "<script>alert('x')</script> \"q\" \u00fcn\u00efc\u00f8d\u00e9"
CAT = "<img src=x onerror=alert(1)>"


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"otto {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.journal = os.path.join(cls.dir.name, "s.journal")
        subprocess.run([MAKE, cls.journal], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def trials(self, study, fmt="json"):
        out = run("trials", self.journal, "-s", study, "--format", fmt).stdout
        return json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))

    def test_studies(self):
        rows = json.loads(run("studies", self.journal, "--format", "json").stdout)
        self.assertEqual([r["name"] for r in rows], [HOSTILE, "pareto"])
        self.assertEqual(rows[0]["trials"], 41)
        self.assertEqual(rows[0]["complete"], 30)
        self.assertEqual(rows[1]["direction"], "minimize,maximize")
        table = run("studies", self.journal).stdout
        self.assertIn(HOSTILE, table)
        self.assertIn("on the Pareto front", table)

    def test_trials_in_three_formats(self):
        rows = self.trials(HOSTILE)
        self.assertEqual(len(rows), 41)
        states = [r["state"] for r in rows]
        self.assertEqual(states.count("COMPLETE"), 30)
        self.assertEqual(states.count("PRUNED"), 8)
        self.assertEqual(states.count("FAIL"), 2)
        self.assertEqual(states[-1], "RUNNING")
        self.assertIsInstance(rows[0]["value"], float)
        self.assertIn(rows[0]["params_" + CAT], ["adam", "<b>sgd</b>", "\u00fcn\u00ef"])
        self.assertIsInstance(rows[0]["params_layers"], int)
        self.assertEqual(rows[3]["state"], "PRUNED")  # with its last report as value
        self.assertIn("value", rows[3])
        self.assertEqual(rows[7]["state"], "FAIL")
        self.assertNotIn("value", rows[7])
        as_csv = self.trials(HOSTILE, "csv")
        self.assertEqual(len(as_csv), 41)
        self.assertIn('params_x "quoted", comma', as_csv[0])
        self.assertEqual([r["number"] for r in as_csv], [str(r["number"]) for r in rows])
        self.assertAlmostEqual(float(as_csv[0]["value"]), rows[0]["value"], places=5)
        table = run("trials", self.journal, "-s", HOSTILE).stdout.splitlines()
        self.assertEqual(len(table), 42)
        self.assertTrue(table[0].startswith("number  state"))

    def test_best_single_and_pareto(self):
        rows = self.trials(HOSTILE)
        best = json.loads(run("best", self.journal, "-s", HOSTILE, "--format", "json").stdout)
        self.assertEqual(len(best), 1)
        self.assertEqual(best[0]["value"],
                         min(r["value"] for r in rows if r["state"] == "COMPLETE"))
        front = json.loads(run("best", self.journal, "-s", "pareto", "--format", "json").stdout)
        every = self.trials("pareto")
        self.assertTrue(front)

        def dominates(a, b):  # objective 0 minimized, 1 maximized
            return (a["values_0"] <= b["values_0"] and a["values_1"] >= b["values_1"]
                    and (a["values_0"] < b["values_0"] or a["values_1"] > b["values_1"]))
        for f in front:
            self.assertFalse(any(dominates(o, f) for o in every), f)
        numbers = {f["number"] for f in front}
        for o in every:
            if o["number"] not in numbers:
                self.assertTrue(any(dominates(f, o) for f in front), o)

    def test_best_front_hypervolume(self):
        front = json.loads(run("best", self.journal, "-s", "pareto", "--format", "json").stdout)
        pts = sorted((f["values_0"], -f["values_1"]) for f in front)  # both minimized

        def volume(ref):  # 2-D sweep over the front sorted by objective 0
            v, last = 0.0, ref[1]
            for a, b in pts:
                if a < ref[0] and b < last:
                    v += (ref[0] - a) * (last - b)
                    last = b
            return v
        hi0 = max(p[0] for p in pts) + 1.0
        lo1 = min(f["values_1"] for f in front) - 1.0
        out = run("best", self.journal, "-s", "pareto", "--reference", f"{hi0},{lo1}").stdout
        line = out.splitlines()[-1]
        self.assertTrue(line.startswith("hypervolume "), out)
        self.assertAlmostEqual(float(line.split()[1]), volume((hi0, -lo1)),
                               delta=1e-5 * volume((hi0, -lo1)))
        self.assertIn("hypervolume", run("best", self.journal, "-s", "pareto").stdout)
        csv_out = run("best", self.journal, "-s", "pareto", "--format", "csv").stdout
        self.assertNotIn("hypervolume", csv_out)
        bad = run("best", self.journal, "-s", "pareto", "--reference", "1,x", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--reference", bad.stderr)
        short = run("best", self.journal, "-s", "pareto", "--reference", "1", check=False)
        self.assertEqual(short.returncode, 1)
        single = run("best", self.journal, "-s", HOSTILE, "--reference", "1", check=False)
        self.assertEqual(single.returncode, 2)

    def test_importance(self):
        imp = json.loads(run("importance", self.journal, "-s", HOSTILE, "--format",
                             "json").stdout)
        self.assertEqual({r["param"] for r in imp},
                         {"lr", "layers", CAT, 'x "quoted", comma'})
        self.assertAlmostEqual(sum(r["importance"] for r in imp), 1.0, places=3)
        ped = json.loads(run("importance", self.journal, "-s", HOSTILE, "--evaluator",
                             "ped-anova", "--format", "json").stdout)
        self.assertEqual(len(ped), 4)
        p = run("importance", self.journal, "-s", "pareto", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--objective", p.stderr)
        self.assertEqual(len(json.loads(run("importance", self.journal, "-s", "pareto",
                                            "--objective", "1", "--format", "json").stdout)), 2)
        self.assertEqual(run("importance", self.journal, "-s", "pareto", "--objective", "2",
                             check=False).returncode, 2)

    def test_report_is_self_contained_and_escaped(self):
        out = os.path.join(self.dir.name, "r.html")
        run("report", self.journal, "-s", HOSTILE, "-o", out)
        html = read(out)
        for chart in ("history", "importance", "contour", "parallel", "slice", "intermediate",
                      "timeline"):
            self.assertIn(f'class="chart {chart}"', html)
        self.assertEqual(html.count('class="chart slice"'), 4)
        best = min((r for r in self.trials(HOSTILE) if r["state"] == "COMPLETE"),
                   key=lambda r: r["value"])
        table = html.split("<h2>Best trials</h2>", 1)[1].split("</table>", 1)[0]
        self.assertEqual(table.count("<tr>"), 11)  # a header and the ten best
        self.assertIn(f"<tr><td>{best['number']}</td>", table.split("</tr>", 2)[1])
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertNotIn("<b>sgd", html)
        self.assertIn("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;q&quot; "
                      "\u00fcn\u00efc\u00f8d\u00e9", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        # nothing fetched from anywhere: the only URL is the SVG namespace
        urls = {u for u in html.replace('"', " ").split() if "://" in u}
        self.assertEqual(urls, {"http://www.w3.org/2000/svg"})
        self.assertIn("default-src 'none'", html)
        pareto = os.path.join(self.dir.name, "p.html")
        run("report", self.journal, "-s", "pareto", "-o", pareto)
        self.assertIn('class="chart pareto"', read(pareto))
        self.assertIn('class="chart hypervolume"', read(pareto))
        self.assertIn("<svg", run("report", self.journal, "-s", "pareto", "-o", "-").stdout)

    def test_report_of_a_long_study_stays_small(self):
        journal = os.path.join(self.dir.name, "many.journal")
        subprocess.run([MAKE, journal, "--many", "8000"], check=True)
        out = os.path.join(self.dir.name, "many.html")
        run("report", journal, "-o", out)
        html = read(out)
        # every trial drawn would be about 12 MB (measured: 157 MB at 100,000 trials)
        self.assertLess(len(html), 2_000_000)
        self.assertIn("Parameter importance (PED-ANOVA)", html)  # fANOVA past 5,000
        self.assertIn("One trial in 4 of 8000 is drawn.", html)
        self.assertIn("The last 2000 of 8000 trials.", html)

    def test_errors_are_clear(self):
        missing = os.path.join(self.dir.name, "nope.journal")
        for args, code, words in [
                (("trials", missing), 1, "no such file"),
                (("trials", self.journal, "-s", "nope"), 1, "no study named 'nope'"),
                (("trials", self.journal), 1, "holds 2 studies"),
                (("frobnicate", self.journal), 2, "unknown command"),
                (("trials", self.journal, "--bogus"), 2, "unknown option"),
                (("trials", self.journal, "--format", "xml"), 2, "unknown format"),
                (("report", self.journal, "-s", "pareto"), 2, "-o"),
                (("trials",), 2, "no storage"),
                (("watch", self.journal, "-s", "pareto", "--interval", "x"), 2, "--interval")]:
            p = run(*args, check=False)
            self.assertEqual(p.returncode, code, (args, p.stderr))
            self.assertIn(words, p.stderr, args)
            self.assertEqual(p.stdout, "", args)
        self.assertFalse(os.path.exists(missing))  # reading never creates a journal
        damaged = os.path.join(self.dir.name, "damaged.journal")
        with open(damaged, "wb") as f:
            f.write(b"\x00garbage, not a journal\n" * 10)
        p = run("studies", damaged, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("corrupt", p.stderr)
        out = os.path.join(self.dir.name, "never.html")
        self.assertEqual(run("report", missing, "-o", out, check=False).returncode, 1)
        self.assertFalse(os.path.exists(out))
        self.assertIn("usage", run("--help").stdout)
        self.assertTrue(run("--version").stdout.startswith("otto "))

    def test_reads_a_journal_while_a_worker_writes_it(self):
        live = os.path.join(self.dir.name, "live.journal")
        subprocess.run([MAKE, live, "--live", "1"], check=True)  # the study exists
        worker = subprocess.Popen([MAKE, live, "--live", "40"])
        try:
            seen = []
            for _ in range(5):
                rows = json.loads(run("trials", live, "--format", "json").stdout)
                seen.append(len(rows))
                time.sleep(0.1)
            w = run("watch", live, "--until", "41", "--timeout", "60", "--interval", "0.05")
        finally:
            worker.wait(timeout=60)
        self.assertEqual(worker.returncode, 0)
        self.assertEqual(seen, sorted(seen))
        lines = w.stdout.splitlines()
        self.assertTrue(lines[0].startswith("watching study 'live'"))
        trial_lines = [ln for ln in lines[1:] if ln.startswith("#")]
        self.assertEqual(len(trial_lines), 41)
        self.assertEqual([int(ln.split()[0][1:]) for ln in trial_lines], list(range(41)))
        self.assertTrue(all("COMPLETE" in ln and "best=" in ln and " x=" in ln
                            for ln in trial_lines))
        self.assertEqual(len(self.trials_of(live)), 41)
        # --timeout ends a watch of a study that does not grow
        t0 = time.monotonic()
        run("watch", live, "--timeout", "0.3", "--interval", "0.1")
        self.assertLess(time.monotonic() - t0, 10)

    def test_output_cannot_inject(self):
        j = os.path.join(self.dir.name, "inject.journal")
        subprocess.run([MAKE, j, "--inject"], check=True)
        labels = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR",
                  "safe", "ev\u202eil", "c1\x85\x9b31m", "bi\u2066di"]
        hidden = ["\u202e", "\u2066", "\x85", "\x9b", "\t", "\r", "\x1b"]

        def raw(*args):  # bytes as written: no newline translation
            p = subprocess.run([CLI, *args], capture_output=True, timeout=60)
            return p.returncode, p.stdout.decode(), p.stderr.decode()

        # CSV: text that a spreadsheet would run starts with ', numbers stay numbers
        _, out, _ = raw("trials", j, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        self.assertEqual([r["params_cmd"] for r in rows],
                         ["'" + s if s[0] in "=+-@\t\r" else s for s in labels])
        for r in rows:
            self.assertLess(float(r["value"]), 0)  # -2.3, not '-2.3
            self.assertLess(float(r["params_=x"]), 0)
        _, out, _ = raw("studies", j, "--format", "csv")
        self.assertEqual(list(csv.DictReader(io.StringIO(out, newline="")))[0]["name"],
                         "'@inject\u202e")
        # JSON keeps every value exactly, with the hidden characters escaped
        _, out, _ = raw("trials", j, "--format", "json")
        self.assertEqual([r["params_cmd"] for r in json.loads(out)], labels)
        self.assertFalse([h for h in hidden if h in out])
        # a terminal sees no control, C1 or bidi character, anywhere
        for args in (("trials", j), ("studies", j), ("best", j),
                     ("watch", j, "--timeout", "0.1", "--interval", "0.05")):
            code, out, err = raw(*args)
            self.assertEqual(code, 0, err)
            self.assertFalse([h for h in hidden if h in out], (args, out))
        _, out, _ = raw("trials", j)
        for shown in ("?TAB", "?CR", "ev?il", "c1??31m", "bi?di"):
            self.assertIn(shown, out)
        self.assertIn("@inject?", raw("studies", j)[1])
        table = out.splitlines()
        self.assertEqual(len({len(line.rstrip()) for line in table[1:]}), 1)  # aligned
        code, _, err = raw("trials", j, "-s", "x\u202e\x1b[2J")
        self.assertEqual(code, 1)
        self.assertIn("no study named 'x??[2J'", err)

    def snapshot(self, d):
        """Every file of directory d: its bytes and modification time."""
        out = {}
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[name] = (f.read(), os.stat(p).st_mtime_ns)
        return out

    def read_everything(self, storage, study):
        for args in (("studies", storage), ("trials", storage, "-s", study),
                     ("best", storage, "-s", study), ("importance", storage, "-s", study),
                     ("watch", storage, "-s", study, "--timeout", "0.1", "--interval", "0.05")):
            run(*args)
        run("report", storage, "-s", study, "-o", os.path.join(self.dir.name, "ro.html"))

    def test_reading_writes_nothing(self):
        d = tempfile.mkdtemp(dir=self.dir.name)
        empty_j, empty_db = os.path.join(d, "empty.journal"), os.path.join(d, "empty.db")
        open(empty_j, "wb").close()
        open(empty_db, "wb").close()
        for storage in (empty_j, "sqlite:///" + empty_db):
            p = run("studies", storage, "--format", "json")
            self.assertEqual(json.loads(p.stdout), [])  # no studies, no error
            p = run("trials", storage, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("holds no study", p.stderr)
        self.assertEqual(os.path.getsize(empty_j), 0)  # no journal header written
        self.assertEqual(os.path.getsize(empty_db), 0)  # no tables, no WAL switch
        self.assertEqual(sorted(os.listdir(d)), ["empty.db", "empty.journal"])

        # an SQLite study someone switched to a rollback journal stays so
        db = os.path.join(d, "s.db")
        subprocess.run([MAKE, "sqlite:///" + db], check=True)
        with sqlite3.connect(db) as c:
            c.execute("PRAGMA journal_mode = DELETE")
        c.close()
        before = self.snapshot(d)
        self.read_everything("sqlite:///" + db, HOSTILE)
        self.read_everything(self.journal, HOSTILE)
        self.assertEqual(self.snapshot(d), before)
        with sqlite3.connect(db) as c:
            self.assertEqual(c.execute("PRAGMA journal_mode").fetchone()[0], "delete")
        c.close()

    def test_reads_from_a_read_only_mount(self):
        d = tempfile.mkdtemp(dir=self.dir.name)
        db = os.path.join(d, "s.db")
        subprocess.run([MAKE, "sqlite:///" + db], check=True)  # in WAL mode
        journal = os.path.join(d, "s.journal")
        with open(self.journal, "rb") as src, open(journal, "wb") as dst:
            dst.write(src.read())
        before = self.snapshot(d)
        script = ("mount --make-rprivate / && mount --bind \"$1\" \"$1\" && "
                  "mount -o remount,bind,ro \"$1\" || exit 77; "
                  "touch \"$1/x\" 2>/dev/null && exit 78; "
                  "\"$2\" trials \"$3\" -s pareto --format json && "
                  "\"$2\" trials \"sqlite:///$4\" -s pareto --format json")
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", d, CLI, journal, db],
                           capture_output=True, text=True, timeout=60)
        if p.returncode == 77 or "unshare" in p.stderr:
            self.skipTest("no mount namespaces here: " + p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr)
        dec = json.JSONDecoder()
        from_journal, end = dec.raw_decode(p.stdout)
        from_sqlite, _ = dec.raw_decode(p.stdout[end:].lstrip())
        self.assertEqual(len(from_journal), 30)
        key = [(r["number"], r["params_a"], r["values_1"]) for r in from_journal]
        self.assertEqual([(r["number"], r["params_a"], r["values_1"]) for r in from_sqlite], key)
        self.assertEqual(self.snapshot(d), before)

    @unittest.skipUnless(os.environ.get("OTTO_TEST_POSTGRES"),
                         "set OTTO_TEST_POSTGRES to a conninfo to run")
    def test_reads_a_postgresql_study(self):
        kv = dict(item.split("=", 1) for item in os.environ["OTTO_TEST_POSTGRES"].split())
        url = (f"postgresql://{kv.get('user', 'postgres')}@{kv.get('host', 'localhost')}:"
               f"{kv.get('port', '5432')}/{kv.get('dbname', 'postgres')}")
        subprocess.run([MAKE, url], check=True)
        names = [r["name"] for r in json.loads(run("studies", url, "--format", "json").stdout)]
        self.assertIn(HOSTILE, names)
        rows = json.loads(run("trials", url, "-s", HOSTILE, "--format", "json").stdout)
        self.assertEqual(len(rows), 41)
        self.assertTrue(json.loads(run("best", url, "-s", "pareto", "--format", "json").stdout))
        out = os.path.join(self.dir.name, "pg.html")
        run("report", url, "-s", HOSTILE, "-o", out)
        self.assertIn('class="chart timeline"', read(out))

    def trials_of(self, journal):
        return json.loads(run("trials", journal, "--format", "json").stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=[sys.argv[0]])
