#!/usr/bin/python3
"""Run Optuna's example programs (github.com/optuna/optuna-examples) with
real Optuna and, unchanged, with `optuna` aliased to otto (issue 17).

    /usr/bin/python3 bench/optuna_examples.py --examples DIR --optuna-path SRC \\
        --otto-lib build/libotto.so [--extra-path DIR]

DIR is a checkout of optuna-examples; SRC is Optuna's source root (HEAD);
--extra-path is put on the path of both runs (e.g. a newer cmaes). Each
script runs in its own process with a 600 s limit; the table says whether it
exits 0 under each and, when not, the last line of its error output."""
import argparse
import os
import subprocess
import sys
import tempfile

FOLDERS = ("basic", "sklearn", "faq", "multi_objective", "samplers", "pruners",
           "visualization")
HERE = os.path.dirname(os.path.abspath(__file__))


def alias_source():
    """The import alias of optuna_tests.py (optuna.X is otto.X)."""
    sys.path.insert(0, HERE)
    import optuna_tests
    return optuna_tests.ALIAS


def run(script, env, cwd):
    try:
        p = subprocess.run([sys.executable, script], env=env, cwd=cwd, capture_output=True,
                           text=True, timeout=600)
        if p.returncode == 0:
            return True, ""
        lines = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
        return False, lines[-1][:150] if lines else f"exit {p.returncode}"
    except subprocess.TimeoutExpired:
        return False, "timed out after 600 s"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--optuna-path", required=True)
    ap.add_argument("--otto-lib", required=True)
    ap.add_argument("--extra-path", default="")
    ap.add_argument("--out")
    a = ap.parse_args()
    a.otto_lib = os.path.abspath(a.otto_lib)  # the examples run elsewhere
    work = tempfile.mkdtemp(prefix="otto-examples-")
    testing = os.path.join(work, "optuna_testing")  # the alias wants one; examples need none
    os.makedirs(testing)
    with open(os.path.join(work, "otto_alias.py"), "w") as f:
        f.write(alias_source())
    with open(os.path.join(work, "sitecustomize.py"), "w") as f:
        f.write("import otto_alias  # noqa: F401\n")
    base = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="Agg")
    extra = [p for p in a.extra_path.split(os.pathsep) if p]
    ref_env = dict(base, PYTHONPATH=os.pathsep.join([a.optuna_path] + extra))
    otto_env = dict(base, OTTO_LIB=a.otto_lib, OTTO_OPTUNA_TESTING=testing,
                    PYTHONPATH=os.pathsep.join([work, os.path.join(HERE, "..", "bindings",
                                                                   "python")] + extra))
    rows = []
    for folder in FOLDERS:
        for name in sorted(os.listdir(os.path.join(a.examples, folder))):
            if not name.endswith(".py"):
                continue
            script = os.path.join(folder, name)
            with tempfile.TemporaryDirectory() as cwd:  # scripts write files (sqlite, html)
                ok_ref, why_ref = run(os.path.join(a.examples, script), ref_env, cwd)
            with tempfile.TemporaryDirectory() as cwd:
                ok_otto, why_otto = run(os.path.join(a.examples, script), otto_env, cwd)
            rows.append((script, ok_ref, ok_otto, why_ref if not ok_ref else why_otto))
            print(f"{script}: optuna {'ok' if ok_ref else 'FAIL'}, "
                  f"otto {'ok' if ok_otto else 'FAIL'} {why_otto if not ok_otto else ''}",
                  flush=True)
    lines = ["| script | Optuna HEAD | otto | why not (first failing run) |", "|---|---|---|---|"]
    for script, r, o, why in rows:
        lines.append(f"| {script} | {'runs' if r else 'fails'} | {'runs' if o else 'fails'} | "
                     f"{why.replace('|', '/')} |")
    n_ref = sum(r for _, r, _, _ in rows)
    n_both = sum(r and o for _, r, o, _ in rows)
    lines.append(f"\n{n_ref} of {len(rows)} run on Optuna; {n_both} of those run on otto.")
    text = "\n".join(lines)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
