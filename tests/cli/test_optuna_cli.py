"""otto(1)'s Optuna commands (create-study, delete-study, study-names, ask,
tell, best-trial, best-trials): a shell-driven ask/tell loop with one process
per command, output in the shape Optuna 3.1's CLI prints (the expected
shapes below were taken from it), and clear errors with exit status 1 (2
for usage errors) on bad input."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

CLI = os.environ["OTTO_CLI"]
SPACE = {
    "x": {"name": "FloatDistribution",
          "attributes": {"low": 0, "high": 1, "step": None, "log": False}},
    "n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 5, "step": 1, "log": False}},
    "lr": {"name": "LogUniformDistribution", "attributes": {"low": 1e-5, "high": 1e-1}},
    "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["a", 1, 2.5, None, True]}},
}
# Optuna 3.1: `optuna ask ... -f json` and `optuna best-trial ... -f json`
ASK_KEYS = ["number", "params"]
TRIAL_KEYS = ["number", "value", "datetime_start", "datetime_complete", "duration", "params",
              "state"]


def run(*args, check=True):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"otto {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return p


class OptunaCommands(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def storages(self):
        yield os.path.join(self.dir.name, "runs.journal")  # created by create-study
        yield "sqlite:///" + os.path.join(self.dir.name, "runs.db")

    def test_shell_driven_loop(self):
        for storage in self.storages():
            with self.subTest(storage=storage):
                self.assertEqual(run("create-study", "--storage", storage, "--study-name",
                                     "loop").stdout, "loop\n")
                space = json.dumps(SPACE)
                for i in range(6):
                    asked = json.loads(run("ask", "--storage", storage, "--study-name", "loop",
                                           "--search-space", space).stdout)
                    self.assertEqual(list(asked), ASK_KEYS)
                    self.assertEqual(asked["number"], i)
                    p = asked["params"]
                    self.assertEqual(list(p), ["x", "n", "lr", "c"])  # as suggested
                    self.assertTrue(0 <= p["x"] <= 1 and isinstance(p["x"], float))
                    self.assertIn(p["n"], range(1, 6))
                    self.assertTrue(1e-5 <= p["lr"] <= 0.1)
                    self.assertTrue(any(type(c) is type(p["c"]) and c == p["c"]  # 1 is not True
                                        for c in SPACE["c"]["attributes"]["choices"]), p["c"])
                    run("tell", "--storage", storage, "--study-name", "loop", "--trial-number",
                        str(i), "--values", str((p["x"] - 0.3) ** 2))
                best = json.loads(run("best-trial", "--storage", storage, "--study-name", "loop",
                                      "-f", "json").stdout)
                self.assertEqual(list(best), TRIAL_KEYS)
                self.assertEqual(best["state"], "COMPLETE")
                self.assertEqual(sorted(best["params"]), ["c", "lr", "n", "x"])  # by name
                self.assertAlmostEqual(best["value"], (best["params"]["x"] - 0.3) ** 2)
                self.assertRegex(best["datetime_start"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
                self.assertRegex(best["duration"], r"^\d+:\d\d:\d\d(\.\d{6})?$")
                every = json.loads(run("trials", "--storage", storage, "--study-name", "loop",
                                       "--format", "json").stdout)
                self.assertEqual(len(every), 6)
                self.assertAlmostEqual(min(r["value"] for r in every), best["value"], places=5)
                flat = json.loads(run("best-trial", "--storage", storage, "--study-name",
                                      "loop", "-f", "json", "--flatten").stdout)
                self.assertEqual(flat["params_x"], best["params"]["x"])
                self.assertNotIn("params", flat)

    def test_tell_states_and_errors(self):
        storage = os.path.join(self.dir.name, "t.journal")
        run("create-study", "--storage", storage, "--study-name", "s")
        for _ in range(4):
            run("ask", "--storage", storage, "--study-name", "s")
        self.assertEqual(json.loads(run("ask", "--storage", storage, "--study-name", "s")
                                    .stdout), {"number": 4, "params": {}})
        base = ("tell", "--storage", storage, "--study-name", "s")
        run(*base, "--trial-number", "0", "--values", "1.5")
        run(*base, "--trial-number", "1", "--state", "pruned")
        run(*base, "--trial-number", "2", "--state", "fail")
        p = run(*base, "--trial-number", "0", "--values", "2", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already COMPLETE", p.stderr)
        run(*base, "--trial-number", "0", "--values", "2", "--skip-if-finished")
        p = run(*base, "--trial-number", "99", "--values", "2", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("has not been created", p.stderr)
        for bad in (["--trial-number", "3", "--state", "complete"],  # no values
                    ["--trial-number", "3", "--values", "1", "--state", "fail"],
                    ["--trial-number", "3", "--values", "1", "2"],  # 2 values, 1 objective
                    ["--trial-number", "x", "--values", "1"],
                    ["--trial-number", "3", "--state", "done"],
                    ["--values", "1"]):  # no trial number
            p = run(*base, *bad, check=False)
            self.assertEqual(p.returncode, 2, (bad, p.stderr))
            self.assertTrue(p.stderr.startswith("otto: "), p.stderr)
        run(*base, "--trial-number", "3", "--values", "-0.5")  # a negative value is a value
        states = [r["state"] for r in json.loads(
            run("trials", storage, "-s", "s", "--format", "json").stdout)]
        self.assertEqual(states, ["COMPLETE", "PRUNED", "FAIL", "COMPLETE", "RUNNING"])
        self.assertEqual(json.loads(run("best-trial", "--storage", storage, "--study-name", "s",
                                        "-f", "json").stdout)["value"], -0.5)

    def test_studies_multi_objective_and_formats(self):
        storage = "sqlite:///" + os.path.join(self.dir.name, "m.db")
        run("create-study", "--storage", storage, "--study-name", "mo", "--directions",
            "minimize", "maximize")
        p = run("create-study", "--storage", storage, "--study-name", "mo", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists", p.stderr)
        self.assertEqual(run("create-study", "--storage", storage, "--study-name", "mo",
                             "--skip-if-exists").stdout, "mo\n")
        unnamed = run("create-study", "--storage", storage).stdout.strip()
        self.assertRegex(unnamed, r"^no-name-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]")
        self.assertEqual(run("study-names", "--storage", storage).stdout, f"mo\n{unnamed}\n")
        self.assertEqual(json.loads(run("study-names", "--storage", storage, "-f", "json")
                                    .stdout), [{"name": "mo"}, {"name": unnamed}])
        space = json.dumps({"x": SPACE["x"]})
        for i, v in enumerate([(1, 1), (2, 3), (3, 2)]):
            run("ask", "--storage", storage, "--study-name", "mo", "--search-space", space)
            run("tell", "--storage", storage, "--study-name", "mo", "--trial-number", str(i),
                "--values", *map(str, v))
        front = json.loads(run("best-trials", "--storage", storage, "--study-name", "mo", "-f",
                               "json").stdout)
        self.assertEqual([r["number"] for r in front], [0, 1])
        self.assertEqual(front[1]["values"], [2.0, 3.0])
        self.assertEqual(list(front[0]), ["number", "values"] + TRIAL_KEYS[2:])
        flat = json.loads(run("best-trials", "--storage", storage, "--study-name", "mo", "-f",
                              "json", "--flatten").stdout)
        self.assertEqual((flat[1]["values_0"], flat[1]["values_1"]), (2.0, 3.0))
        p = run("best-trial", "--storage", storage, "--study-name", "mo", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("best-trials", p.stderr)
        table = run("best-trials", "--storage", storage, "--study-name", "mo").stdout
        self.assertTrue(table.startswith("+--------+"))
        self.assertIn("| number | values", table)
        yaml = run("best-trials", "--storage", storage, "--study-name", "mo", "-f", "yaml").stdout
        self.assertTrue(yaml.startswith("- datetime_complete: '"), yaml)
        run("delete-study", "--storage", storage, "--study-name", unnamed)
        self.assertEqual(run("study-names", "--storage", storage).stdout, "mo\n")
        p = run("delete-study", "--storage", storage, "--study-name", unnamed, check=False)
        self.assertEqual(p.returncode, 1)

    def test_bad_search_spaces_and_storages(self):
        storage = os.path.join(self.dir.name, "b.journal")
        run("create-study", "--storage", storage, "--study-name", "s")
        ask = ("ask", "--storage", storage, "--study-name", "s", "--search-space")
        for bad, why in (("{", "not JSON"), ("[1]", "an object"),
                         ('{"x": {"name": "NormalDistribution", "attributes": {}}}',
                          "unknown distribution"),
                         ('{"x": {"name": "FloatDistribution", "attributes": {"low": 0}}}',
                          "low and high"),
                         ('{"x": {"name": "FloatDistribution", "attributes": '
                          '{"low": 1, "high": 0}}}', "low 1 > high 0"),
                         ('{"x": {"name": "FloatDistribution", "attributes": '
                          '{"low": 0, "high": 1, "color": 1}}}', "no attribute 'color'"),
                         ('{"x": {"name": "CategoricalDistribution", "attributes": '
                          '{"choices": [[1]]}}}', "choice 0"),
                         ('{"x": {"name": "IntDistribution", "attributes": '
                          '{"low": 0.5, "high": 3}}}', "integer"),
                         ('{"x": 1}', "a distribution is"),
                         ('{"x": "\\ud800"}', "surrogate"),
                         ("[" * 200, "nested")):
            p = run(*ask, bad, check=False)
            self.assertEqual(p.returncode, 2, (bad, p.stderr))
            self.assertIn(why, p.stderr)
        # a param whose kind changes in the study is refused by the study
        run(*ask, json.dumps({"x": SPACE["x"]}))
        p = run(*ask, json.dumps({"x": SPACE["c"]}), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("incompatible distribution", p.stderr)
        for args in (("ask", "--storage", os.path.join(self.dir.name, "none.journal"),
                      "--study-name", "s"),
                     ("ask", "--storage", storage, "--study-name", "nope"),
                     ("tell", "--storage", storage, "--study-name", "nope", "--trial-number", "0",
                      "--values", "1")):
            p = run(*args, check=False)
            self.assertEqual(p.returncode, 1, args)
            self.assertTrue(p.stderr.startswith("otto: "), p.stderr)
        notdb = os.path.join(self.dir.name, "not.db")
        with open(notdb, "w") as f:
            f.write("hello")
        self.assertEqual(run("study-names", "--storage", "sqlite:///" + notdb,
                             check=False).returncode, 1)
        for usage in (("ask",), ("ask", "--storage"), ("ask", "--storage", storage, "--bogus"),
                      ("ask", "--storage", storage, "-f", "xml"),
                      ("ask", "--storage", storage, "--sampler", "NoSampler"),
                      ("ask", "--storage", storage, "--sampler-kwargs", "{}"),
                      ("create-study", "--storage", storage, "--direction", "up"),
                      ("delete-study", "--storage", storage)):
            self.assertEqual(run(*usage, check=False).returncode, 2, usage)

    def test_seeded_sampler(self):
        storage = os.path.join(self.dir.name, "seed.journal")
        asked = []
        for name in ("a", "b"):
            run("create-study", "--storage", storage, "--study-name", name)
            asked.append(json.loads(run("ask", "--storage", storage, "--study-name", name,
                                        "--sampler", "RandomSampler", "--sampler-kwargs",
                                        '{"seed": 3}', "--search-space",
                                        json.dumps(SPACE)).stdout)["params"])
        self.assertEqual(asked[0], asked[1])


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=[sys.argv[0]])
