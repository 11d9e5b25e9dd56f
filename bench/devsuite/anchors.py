"""Outside anchors for the development suite: Hyperopt's TPE and Nevergrad's
NGOpt, run from /work/peers through /work/peers/shim/anchors_head.py
(OTTO_ANCHORS_SHIM), each on a problem's space as space_probe reads it, with
one space translation per peer. run() returns the best-so-far curve."""
import math
import os
import sys
import time

from . import space_probe

SAMPLERS = ("hyperopt-tpe", "ngopt")


def _peers():
    sys.path.insert(0, os.environ.get("OTTO_ANCHORS_SHIM", "/work/peers/shim"))
    import anchors_head  # noqa: F401  (the peers' checkouts first on sys.path)


def hyperopt_space(nodes):
    """A Hyperopt space for a space_probe tree: a dict {key: expression};
    a branch is an hp.choice among dicts, each holding the branch's own key
    (its value) and the keys of that choice's subspace, so Hyperopt's TPE
    sees the conditional structure. Ints are uniformint (rounded uniform,
    Hyperopt's documented int) or a rounded loguniform (qloguniform), both
    rounded and clipped to their bounds by _evaluate()."""
    from hyperopt import hp
    out = {}
    for n in nodes:
        if isinstance(n, space_probe.Branch):
            out[n.key] = hp.choice(n.key, [dict(hyperopt_space(sub), **{n.key: v})
                                           for v, sub in zip(n.choices, n.subspaces)])
        elif n.kind == "categorical":
            out[n.key] = hp.choice(n.key, list(n.choices))
        elif n.kind == "float":
            out[n.key] = (hp.loguniform(n.key, math.log(n.low), math.log(n.high)) if n.log
                          else hp.uniform(n.key, n.low, n.high))
        elif n.log:
            out[n.key] = hp.qloguniform(n.key, math.log(n.low), math.log(n.high), 1)
        else:
            out[n.key] = hp.uniformint(n.key, n.low, n.high)
    return out


def _flatten(sample, out):
    """Hyperopt's nested sample (dicts from branch choices) as {key: value}."""
    for k, v in sample.items():
        if isinstance(v, dict):
            _flatten(v, out)
        else:
            out[k] = v
    return out


def ngopt_parametrization(nodes, seed):
    """A Nevergrad ng.p.Dict over every param and branch in the tree, flat
    (Nevergrad has no conditional params: a param outside the sampled
    branch is drawn and ignored): floats are Scalar or Log, ints the same
    with integer casting, categoricals and branches Choice. Seeded through
    the parametrization's random_state."""
    import numpy as np
    import nevergrad as ng
    items = {}
    for n in space_probe.leaves(nodes):
        if isinstance(n, space_probe.Branch) or n.kind == "categorical":
            items[n.key] = ng.p.Choice(list(n.choices))
            continue
        x = (ng.p.Log(lower=n.low, upper=n.high) if n.log
             else ng.p.Scalar(lower=n.low, upper=n.high))
        items[n.key] = x.set_integer_casting() if n.kind == "int" else x
    param = ng.p.Dict(**items)
    param.random_state = np.random.RandomState(seed)
    return param


def _evaluate(problem, nodes, by_key):
    """The objective at a peer's sample {key: value}, ints rounded and
    clipped to their bounds."""
    by_key = dict(by_key)
    for n in space_probe.leaves(nodes):
        if isinstance(n, space_probe.Param) and n.kind == "int" and n.key in by_key:
            by_key[n.key] = min(max(int(round(by_key[n.key])), n.low), n.high)
    return float(problem.objective(space_probe.ReplayTrial(space_probe.active(nodes, by_key))))


def _run_hyperopt(problem, nodes, seed, n_trials):
    import numpy as np
    from hyperopt import STATUS_OK, Trials, fmin, tpe
    trials = Trials()
    fmin(lambda s: {"loss": _evaluate(problem, nodes, _flatten(s, {})), "status": STATUS_OK},
         hyperopt_space(nodes), algo=tpe.suggest, max_evals=n_trials, trials=trials,
         rstate=np.random.default_rng(seed), show_progressbar=False)
    return trials.losses()


def _run_ngopt(problem, nodes, seed, n_trials):
    import nevergrad as ng
    opt = ng.optimizers.NGOpt(parametrization=ngopt_parametrization(nodes, seed),
                              budget=n_trials, num_workers=1)
    losses = []
    for _ in range(n_trials):
        cand = opt.ask()
        losses.append(_evaluate(problem, nodes, cand.value))
        opt.tell(cand, losses[-1])
    return losses


def run(sampler, problem, seed, n_trials):
    """(best-so-far curve, seconds per trial) of one anchor run."""
    _peers()
    nodes = space_probe.discover(problem.objective)
    t0 = time.perf_counter()
    losses = {"hyperopt-tpe": _run_hyperopt, "ngopt": _run_ngopt}[sampler](
        problem, nodes, seed, n_trials)
    seconds = (time.perf_counter() - t0) / n_trials
    best, curve = math.inf, []
    for v in losses:
        if v is not None and math.isfinite(v):
            best = min(best, v)
        curve.append(best)
    return curve, seconds
