#!/usr/bin/env python3
"""Parameter importance, otto beside Optuna: on studies from the comparison
suite (bench/compare_optuna.py's problems, trials chosen by otto's TPE), run
fANOVA and PED-ANOVA of both libraries on the very same trials and report
the Spearman rank correlation of their importances, against one Optuna run
(seed 0) and against Optuna's consensus (its importances averaged over seeds
1-4); Optuna's own seed-0 run against the same two references gives the
noise floor, and the time of each evaluator on 1,000 trials x 10
params (in one run, so the ratio holds on a noisy machine).

    OTTO_LIB=build/libotto.so PYTHONPATH=/tmp/optuna-head \\
        /usr/bin/python3 bench/importance_vs_optuna.py --seeds 5 --trials 200

Needs Optuna and scikit-learn (Optuna's fANOVA uses its random forest)."""
import argparse
import statistics
import time

import numpy as np
from scipy.stats import spearmanr

from bench_env import optuna, otto
from compare_optuna import objective_of, problems


def otto_study(kind, dim, seed, n_trials):
    _, f = objective_of(kind, dim)
    st = otto.create_study(sampler=otto.samplers.TPESampler(seed=seed))
    st.optimize(f, n_trials=n_trials)
    return st


def optuna_copy(st):
    """The otto study's COMPLETE trials as an Optuna study."""
    dist_map = {
        otto.distributions.FloatDistribution: lambda d: optuna.distributions.FloatDistribution(
            d.low, d.high, log=d.log, step=d.step),
        otto.distributions.IntDistribution: lambda d: optuna.distributions.IntDistribution(
            d.low, d.high, log=d.log, step=d.step),
        otto.distributions.CategoricalDistribution:
            lambda d: optuna.distributions.CategoricalDistribution(d.choices),
    }
    out = optuna.create_study()
    for t in st.get_trials(states=(otto.trial.TrialState.COMPLETE,)):
        dists = {k: dist_map[type(d)](d) for k, d in t.distributions.items()}
        out.add_trial(optuna.trial.create_trial(params=t.params, distributions=dists,
                                                value=t.value))
    return out


def ranks_corr(a, b):
    names = sorted(a)
    if len(names) < 2:
        return float("nan")
    return float(spearmanr([a[n] for n in names], [b[n] for n in names]).correlation)


def timed(fn):
    t0 = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--trials", type=int, default=200)
    args = ap.parse_args()
    if optuna is None:
        raise SystemExit("needs Optuna (PYTHONPATH=/tmp/optuna-head or python3-optuna)")
    suite = [p for p in problems(False, dims=(5, 10)) if p[1] != "conditional"]
    print(f"{len(suite)} problems x {args.seeds} seeds, {args.trials} trials of otto's TPE each\n")
    print("| problem | fANOVA otto~Optuna(0) | Optuna(0)~Optuna(1) | otto~Optuna consensus | "
          "Optuna(0)~consensus | PED-ANOVA otto~Optuna | otto fANOVA ms | Optuna fANOVA ms |")
    print("|---|---|---|---|---|---|---|---|")
    all_fa, all_self, all_ped, all_cons, all_self_cons = [], [], [], [], []
    for name, kind, dim in suite:
        fa, selfc, ped, t_otto, t_opt, cons, self_cons = [], [], [], [], [], [], []
        for seed in range(args.seeds):
            st = otto_study(kind, dim, seed, args.trials)
            ost = optuna_copy(st)
            mine, dt_o = timed(lambda: otto.importance.get_param_importances(
                st, evaluator=otto.importance.FanovaImportanceEvaluator(seed=0)))
            ref, dt_p = timed(lambda: optuna.importance.get_param_importances(
                ost, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)))
            others = [optuna.importance.get_param_importances(
                ost, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=s))
                for s in (1, 2, 3, 4)]
            ref1 = others[0]
            consensus = {k: statistics.mean(o[k] for o in others) for k in ref1}
            cons.append(ranks_corr(mine, consensus))
            self_cons.append(ranks_corr(ref, consensus))
            pm = otto.importance.get_param_importances(
                st, evaluator=otto.importance.PedAnovaImportanceEvaluator())
            pr = optuna.importance.get_param_importances(
                ost, evaluator=optuna.importance.PedAnovaImportanceEvaluator())
            fa.append(ranks_corr(mine, ref))
            selfc.append(ranks_corr(ref, ref1))
            ped.append(ranks_corr(pm, pr))
            t_otto.append(dt_o * 1e3)
            t_opt.append(dt_p * 1e3)
        all_fa += fa
        all_self += selfc
        all_ped += ped
        all_cons += cons
        all_self_cons += self_cons
        print(f"| {name} | {statistics.mean(fa):.3f} | {statistics.mean(selfc):.3f} | "
              f"{statistics.mean(cons):.3f} | {statistics.mean(self_cons):.3f} | "
              f"{statistics.mean(ped):.3f} | {statistics.median(t_otto):.1f} | "
              f"{statistics.median(t_opt):.0f} |", flush=True)
    print(f"\nmean Spearman over {len(all_fa)} studies: fANOVA otto~Optuna "
          f"{statistics.mean(all_fa):.3f}, Optuna~Optuna (seed 0 vs 1) "
          f"{statistics.mean(all_self):.3f}, otto~Optuna consensus {statistics.mean(all_cons):.3f}, "
          f"Optuna(0)~consensus {statistics.mean(all_self_cons):.3f}, "
          f"PED-ANOVA otto~Optuna {statistics.mean(all_ped):.3f}")

    # speed: 1,000 random trials x 10 params
    w = np.arange(1, 11) ** 2

    def f(t):
        x = np.array([t.suggest_float(f"x{i}", -1, 1) for i in range(10)])
        return float(np.sum(w * x * x))
    st = otto.create_study(sampler=otto.samplers.RandomSampler(seed=0))
    st.optimize(f, n_trials=1000)
    ost = optuna_copy(st)
    print("\n1,000 trials x 10 params (best of 3):")
    for label, o_ev, p_ev in [
            ("fANOVA", lambda: otto.importance.FanovaImportanceEvaluator(seed=0),
             lambda: optuna.importance.FanovaImportanceEvaluator(seed=0)),
            ("PED-ANOVA", otto.importance.PedAnovaImportanceEvaluator,
             optuna.importance.PedAnovaImportanceEvaluator)]:
        to = min(timed(lambda: otto.importance.get_param_importances(st, evaluator=o_ev()))[1]
                 for _ in range(3))
        tp = min(timed(lambda: optuna.importance.get_param_importances(ost, evaluator=p_ev()))[1]
                 for _ in range(3))
        print(f"  {label}: otto {to * 1e3:.1f} ms, Optuna {tp * 1e3:.0f} ms, ratio {tp / to:.0f}x")


if __name__ == "__main__":
    otto.logging.set_verbosity(otto.logging.ERROR)
    main()
