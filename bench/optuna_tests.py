#!/usr/bin/python3
"""Run Optuna's own public-API tests against otto (issue 17), side by side
with real Optuna, and classify every test otto fails.

    /usr/bin/python3 bench/optuna_tests.py --tag v3.1.0 --mirror GITDIR \\
        --optuna-path OPTUNA_SRC --otto-lib build/libotto.so [--out table.md]

GITDIR is a clone of github.com/optuna/optuna (the search tool's fetch
gives one); the tests and their helper package optuna.testing are taken from
it at --tag. OPTUNA_SRC is the real Optuna run beside otto ("system": the
Debian package, 3.1). otto runs behind an alias: every `optuna.X` import
resolves to `otto.X`, except optuna.testing, which stays Optuna's.

A failing test is classed by what it needs:
  internal   - Optuna's internals: private names (`._x`, `optuna.x._y`),
               mock.patch of Optuna's classes, study._storage, or a storage
               mode made of private classes (cached_sqlite);
  excluded   - Redis, gRPC or Dask storage modes (not offered by otto);
  user       - anything else: a user-facing difference.
Needs python3-pytest and python3-fakeredis (Optuna's helpers import it).
Optuna 4's CmaEsSampler needs a newer cmaes than Debian's: put one on
OTTO_REF_EXTRA_PATH (github.com/CyberAgentAILab/cmaes) for the reference run."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

FILES = {
    "v3.1.0": ["tests/study_tests/test_study.py", "tests/trial_tests/test_trial.py",
               "tests/trial_tests/test_frozen.py", "tests/test_distributions.py",
               "tests/pruners_tests", "tests/samplers_tests/test_samplers.py",
               "tests/samplers_tests/tpe_tests/test_sampler.py"],
}
FILES["v4.9.0"] = FILES["v3.1.0"]
SAMPLERS = re.compile(r"\b(RandomSampler|TPESampler|CmaEsSampler|GPSampler)\b")

ALIAS = r'''
import importlib, importlib.abc, importlib.util, os, sys, types

TESTING = os.environ["OTTO_OPTUNA_TESTING"]
HELPERS = {"optuna._imports": os.path.join(TESTING, "..", "_imports.py")}


class _MissingMeta(type):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _missing(cls.__qualname__ + "." + attr)

    def __call__(cls, *args, **kwargs):
        kind = "INTERNAL" if any(p.startswith("_") for p in cls.__qualname__.split(".")) \
            else "PUBLIC"
        raise NotImplementedError(f"OTTO-MISSING-{kind}: otto has no {cls.__qualname__}")


def _missing(name):
    return _MissingMeta(name, (), {})


class _Proxy(types.ModuleType):
    # optuna.X: otto.X's names, and a placeholder for each name otto lacks
    # (which fails only where a test uses it, naming it)

    def __init__(self, name, real):
        super().__init__(name)
        object.__setattr__(self, "_real", real)
        self.__path__ = []

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        real = object.__getattribute__(self, "_real")
        if real is not None and hasattr(real, attr):
            return getattr(real, attr)
        name = self.__name__ + "." + attr
        if name.startswith("optuna.testing") or name in HELPERS or (
                real is not None and hasattr(real, "__path__") and not attr.startswith("_")):
            try:
                return importlib.import_module(name)
            except ImportError:
                pass
        return _missing(name)

    def __setattr__(self, attr, value):  # monkeypatching reaches otto's module
        real = object.__getattribute__(self, "_real")
        if real is not None and not attr.startswith("__"):
            setattr(real, attr, value)
        object.__setattr__(self, attr, value)


def _otto_module(name):
    """otto's module for optuna.X.Y: otto.X.Y, or otto.X when that is a plain
    module (Optuna's optuna.study.study is otto.study); None if neither."""
    real = "otto" + name[len("optuna"):]
    try:
        return importlib.import_module(real)
    except ImportError:
        pass
    parent, _, leaf = real.rpartition(".")
    if parent and not leaf.startswith("_"):
        try:
            mod = importlib.import_module(parent)
        except ImportError:
            return None
        if not hasattr(mod, "__path__"):
            return mod
    return None


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name != "optuna" and not name.startswith("optuna."):
            return None
        if name in HELPERS:  # Optuna's own private helpers that optuna.testing imports
            return importlib.util.spec_from_file_location(name, HELPERS[name])
        if name == "optuna.testing" or name.startswith("optuna.testing."):
            rel = name.split(".")[2:]
            base = os.path.join(TESTING, *rel)
            if os.path.isdir(base):
                return importlib.util.spec_from_file_location(
                    name, os.path.join(base, "__init__.py"), submodule_search_locations=[base])
            if os.path.exists(base + ".py"):
                return importlib.util.spec_from_file_location(name, base + ".py")
            return None
        leaf = name.rsplit(".", 1)[1] if "." in name else name
        if not leaf.startswith("_") and _otto_module(name) is None:
            return None  # a public module otto lacks stays an ImportError
        return importlib.util.spec_from_loader(name, self, is_package=True)

    def create_module(self, spec):
        return _Proxy(spec.name, _otto_module(spec.name))

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Alias())
import optuna  # noqa: E402,F401
'''


PLUGIN = r'''
import inspect, json, os, re
import pytest

SAMPLERS = re.compile(r"\b(RandomSampler|TPESampler|CmaEsSampler|GPSampler)\b")
_out = open(os.environ["OTTO_RESULTS"], "w")
_src = {}


def _keep(value):
    if isinstance(value, type):  # a sampler class: its name, not its source
        return bool(SAMPLERS.search(value.__name__)), value.__name__
    try:
        text = inspect.getsource(value) if callable(value) else repr(value)
    except (OSError, TypeError):
        text = getattr(value, "__name__", repr(value))
    return bool(SAMPLERS.search(text)), text.strip()


def pytest_collection_modifyitems(config, items):
    """test_samplers.py: only the Random, TPE, CmaEs and GP instances."""
    kept, dropped = [], []
    for item in items:
        ok = True
        cs = getattr(item, "callspec", None)
        if cs is not None and "samplers_tests/test_samplers.py" in item.nodeid:
            for key, value in cs.params.items():
                if "sampler" in key and (callable(value) or isinstance(value, (type, str))):
                    ok = ok and (_keep(value)[0] if not isinstance(value, str)
                                 else bool(SAMPLERS.search(value)))
        (kept if ok else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_runtest_makereport(item, call):
    if item.nodeid not in _src:
        try:
            _src[item.nodeid] = inspect.getsource(item.function)
        except (OSError, TypeError):
            _src[item.nodeid] = ""
        cs = getattr(item, "callspec", None)
        _src[item.nodeid + "#params"] = " ".join(
            _keep(v)[1] if callable(v) else repr(v) for v in (cs.params.values() if cs else []))


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        if report.when != "call" and report.outcome == "passed":
            return
        _out.write(json.dumps({"id": report.nodeid, "when": report.when,
                               "outcome": report.outcome,
                               "src": _src.get(report.nodeid, ""),
                               "params": _src.get(report.nodeid + "#params", ""),
                               "err": (report.longreprtext or "")[-12000:]}) + "\n")
        _out.flush()
'''

INTERNAL = re.compile(
    r"(\._storage\b|_storage\.|mock\.|patch\(|patch\.object|optuna\.\w+\._|"
    r"from optuna\.\w+\._|from optuna\.\w+ import _|\bstudy\._|\btrial\._|"
    r"_CachedStorage|cached_sqlite|_study_id|InMemoryStorage\(\)\._|sampler\._|"
    r"optuna\.testing\.(tempfile_pool|threading)|\._get_|\._set_|_dist\w*\(|"
    r"ParzenEstimator|_ParzenEstimator|_search_space|_transform|pruner\._)")
EXCLUDED = re.compile(r"(journal_redis|redis|grpc|dask)")


FRAME = re.compile(r"^(\S+\.py):\d+: ", re.M)


def test_side_code(err):
    """The source lines pytest shows for frames in Optuna's tests and helpers."""
    out, start = [], 0
    for m in FRAME.finditer(err):
        if re.search(r"(^|/)tests/", m.group(1)) or "optuna/testing" in m.group(1):
            out.append(err[start:m.start()])
        start = m.end()
    return "\n".join(out)


def classify(rec):
    text = rec["params"] + " " + rec["id"]
    if EXCLUDED.search(text):
        return "excluded"
    if "OTTO-MISSING-PUBLIC" in rec["err"]:
        return "user"
    if "cached_sqlite" in text or "OTTO-MISSING-INTERNAL" in rec["err"] or \
            "'_Proxy' object is not callable" in rec["err"] or \
            re.search(r"has no attribute '_\w+'", rec["err"]):
        return "internal"
    if INTERNAL.search(rec["src"]) or INTERNAL.search(test_side_code(rec["err"])):
        return "internal"
    return "user"


def run(tag, tests_root, optuna_path, otto_lib, alias, results):
    env = dict(os.environ)
    env["OTTO_RESULTS"] = results
    env["OPENBLAS_NUM_THREADS"] = "1"
    plugdir = os.path.dirname(results)
    paths = [plugdir]
    if alias:
        env["OTTO_LIB"] = otto_lib
        env["OTTO_OPTUNA_TESTING"] = os.path.join(tests_root, "optuna", "testing")
        paths += [os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings",
                               "python")]
    elif optuna_path != "system":
        paths.append(optuna_path)
    paths += [p for p in os.environ.get("OTTO_REF_EXTRA_PATH", "").split(os.pathsep)
              if p and not alias]  # e.g. a newer cmaes for Optuna 4
    env["PYTHONPATH"] = os.pathsep.join(paths)
    # otto's run imports the alias before pytest imports any test module
    start = ["-c", "import sys, otto_alias, pytest; sys.exit(pytest.main(sys.argv[1:]))"]
    args = [sys.executable] + (start if alias else ["-m", "pytest"]) + [
        "-q", "-p", "otto_results_plugin", "-p", "no:cacheprovider", "--rootdir", tests_root,
        "-o", "addopts="]
    files = [os.path.join(tests_root, f) for f in FILES[tag]]
    proc = subprocess.run(args + files, env=env, cwd=tests_root, capture_output=True, text=True)
    if not os.path.exists(results):  # pytest never got to run a test: say why
        raise SystemExit(f"{'otto' if alias else 'optuna'} run made no results:\n"
                         f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    with open(results) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    return recs, proc.stdout[-2000:]


def run_one(tests_root, otto_lib, node_id, work):
    """Run one test id under the alias in a fresh process: (passed, output)."""
    env = dict(os.environ, OTTO_LIB=otto_lib, OPENBLAS_NUM_THREADS="1",
               OTTO_OPTUNA_TESTING=os.path.join(tests_root, "optuna", "testing"),
               OTTO_RESULTS=os.path.join(work, "alone.jsonl"),
               PYTHONPATH=os.pathsep.join([work, os.path.join(os.path.dirname(
                   os.path.abspath(__file__)), "..", "bindings", "python")]))
    p = subprocess.run([sys.executable, "-c", "import sys, otto_alias, pytest; "
                        "sys.exit(pytest.main(sys.argv[1:]))", "-q", "-p",
                        "otto_results_plugin", "-p", "no:cacheprovider", "-o", "addopts=",
                        "--rootdir", tests_root, node_id], env=env, cwd=tests_root,
                       capture_output=True, text=True)
    return p.returncode == 0, p.stdout[-500:]


def per_file(recs):
    table = {}
    for r in recs:
        path = r["id"].split("::")[0]
        row = table.setdefault(path, {"run": 0, "passed": 0, "internal": 0, "excluded": 0,
                                      "user": 0, "skipped": 0})
        if r["outcome"] == "skipped":
            row["skipped"] += 1
            continue
        if r["when"] != "call" and r["outcome"] == "passed":
            continue
        if EXCLUDED.search(r["params"] + " " + r["id"]):
            row["excluded"] += 1
            continue
        row["run"] += 1
        if r["outcome"] == "passed":
            row["passed"] += 1
            row["alone"] = row.get("alone", 0) + bool(r.get("alone"))
        else:
            row[classify(r)] += 1
    return table


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tag", default="v3.1.0", choices=sorted(FILES))
    ap.add_argument("--mirror", required=True, help="git dir of optuna/optuna")
    ap.add_argument("--optuna-path", default="system",
                    help="real Optuna's source root for the reference run ('system': "
                         "Debian's python3-optuna; 'skip': no reference run)")
    ap.add_argument("--otto-lib", required=True)
    ap.add_argument("--out", help="write the markdown table here too")
    ap.add_argument("--failures", help="write otto's user-facing failures (JSON lines) here")
    a = ap.parse_args()
    a.otto_lib = os.path.abspath(a.otto_lib)  # the runs change directory
    work = tempfile.mkdtemp(prefix="otto-optuna-tests-")
    tests_root = os.path.join(work, "src")
    os.makedirs(tests_root)
    subprocess.run(f"git --git-dir={a.mirror} archive {a.tag} tests optuna/testing "
                   f"optuna/_imports.py | tar -x -C {tests_root}", shell=True, check=True)
    with open(os.path.join(work, "otto_results_plugin.py"), "w") as f:
        f.write(PLUGIN)
    with open(os.path.join(work, "otto_alias.py"), "w") as f:
        f.write(ALIAS)
    with open(os.path.join(work, "sitecustomize.py"), "w") as f:  # subprocesses too
        f.write("import os\nif os.environ.get('OTTO_OPTUNA_TESTING'):\n"
                "    import otto_alias  # noqa: F401\n")
    ref = {}
    if a.optuna_path != "skip":
        # the reference run must not see the tests' copy of optuna/testing as the package
        ref_root = os.path.join(work, "ref")
        os.makedirs(ref_root)
        subprocess.run(f"git --git-dir={a.mirror} archive {a.tag} tests | tar -x -C {ref_root}",
                       shell=True, check=True)
        recs, tail = run(a.tag, ref_root, a.optuna_path, None, False,
                         os.path.join(work, "ref.jsonl"))
        ref = per_file(recs)
        print("optuna:", tail.strip().splitlines()[-1] if tail.strip() else "?")
    recs, tail = run(a.tag, tests_root, None, a.otto_lib, True, os.path.join(work, "otto.jsonl"))
    print("otto:", tail.strip().splitlines()[-1] if tail.strip() else "?")
    # A user-facing failure that passes when its test runs alone came from an
    # earlier test's patch leaking through the alias (which shares otto's
    # modules): it counts as a pass, marked.
    for r in recs:
        if r["outcome"] == "failed" and classify(r) == "user":
            alone, _ = run_one(tests_root, a.otto_lib, r["id"], work)
            if alone:
                r["outcome"] = "passed"
                r["alone"] = True
    table = per_file(recs)
    lines = [f"Optuna's tests at {a.tag} (Random, TPE, CmaEs, GP instances of test_samplers)",
             "(run: tests not parametrized with a Redis, gRPC or Dask storage; otto's "
             "failures split by kind)",
             "", "| file | Redis/gRPC/Dask (not run) | run | pass on Optuna | pass on otto | "
             "internal-only | user-facing |", "|---|---|---|---|---|---|---|"]
    tot = [0] * 6
    for path in sorted(table):
        row = table[path]
        r = ref.get(path, {}).get("passed", "-")
        vals = [row["excluded"], row["run"], r, row["passed"], row["internal"], row["user"]]
        for i, v in enumerate(vals):
            tot[i] += v if isinstance(v, int) else 0
        lines.append(f"| {path} | " + " | ".join(str(v) for v in vals) + " |")
    lines.append("| **total** | " + " | ".join(str(v) for v in tot) + " |")
    alone = sum(row.get("alone", 0) for row in table.values())
    if alone:
        lines.append(f"\n{alone} of otto's passes failed in the full run and passed alone "
                     f"(an earlier test's patch leaked through the alias).")
    text = "\n".join(lines)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    if a.failures:
        with open(a.failures, "w") as f:
            for r in recs:
                if r["outcome"] == "failed" and classify(r) == "user":
                    f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
