#!/usr/bin/env python3
"""Compare one sampler against another on the development suite's runs (the
JSON lines run.py writes): per split (train, test) and budget, the geometric
mean over problems of the ratio of median regrets (A / B; < 1: A better;
problems where both medians are 0 count as 1, where one is 0 are left out
and counted), and the per-problem two-sided Mann-Whitney U wins / losses of
A at p < 0.05. Regret = best value within the budget minus the optimum (the
best value any run found when a problem has none), or --floor where lower
(1e-8, COCO's last target: regrets of 1e-20 against 1e-6 then count as a
tie, not as a factor of 1e14 in the geometric mean).

    /usr/bin/python3 bench/devsuite/report.py runs.jsonl --a otto-auto@after \\
        --b otto-auto@before --budgets 20,50,100"""
import argparse
import collections
import json
import math
import statistics
import sys

from scipy.stats import mannwhitneyu


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            runs += [json.loads(line) for line in f]
    return runs


def regrets(runs, budgets, floor=0.0):
    """{(sampler, problem): {budget: [regret per seed]}} and {problem: split};
    regrets below floor count as floor."""
    best = {}
    for r in runs:
        best[r["problem"]] = min(best.get(r["problem"], math.inf), r["curve"][-1])
    out = collections.defaultdict(lambda: collections.defaultdict(list))
    split = {}
    for r in runs:
        ref = r["f_star"] if r["f_star"] is not None else best[r["problem"]]
        split[r["problem"]] = r["split"]
        for b in budgets:
            if b <= len(r["curve"]):
                out[(r["sampler"], r["problem"])][b].append(max(r["curve"][b - 1] - ref, floor))
    return out, split


def compare(reg, split, a, b, budgets):
    """Lines of a Markdown table: per split and budget, n problems, geometric
    mean ratio, wins / losses (with the losses named)."""
    lines = [f"| split | budget | problems | geo-mean median-regret ratio {a} / {b} | "
             "wins / losses (p < 0.05) | losses | one median 0 |", "|---|---|---|---|---|---|---|"]
    problems = sorted({p for (s, p) in reg if s == a} & {p for (s, p) in reg if s == b})
    for sp in ("train", "test"):
        for bud in budgets:
            logs, wins, losses, zero, n = [], 0, [], 0, 0
            for p in problems:
                if split[p] != sp or bud not in reg[(a, p)] or bud not in reg[(b, p)]:
                    continue
                ra, rb = reg[(a, p)][bud], reg[(b, p)][bud]
                n += 1
                ma, mb = statistics.median(ra), statistics.median(rb)
                if ma == mb:
                    logs.append(0.0)
                elif ma > 0 and mb > 0:
                    logs.append(math.log(ma / mb))
                else:
                    zero += 1
                if ra != rb and len(set(ra) | set(rb)) > 1:
                    if mannwhitneyu(ra, rb, alternative="two-sided").pvalue < 0.05:
                        if ma < mb or (ma == mb and statistics.mean(ra) < statistics.mean(rb)):
                            wins += 1
                        else:
                            losses.append(p)
            if n:
                gm = math.exp(statistics.mean(logs)) if logs else float("nan")
                lines.append(f"| {sp} | {bud} | {n} | {gm:.3f} | {wins} / {len(losses)} | "
                             f"{', '.join(losses)} | {zero} |")
    return lines


def per_problem(reg, split, a, b, budgets):
    """Lines of a Markdown table: each problem's median regrets of a and b
    and their ratio, by budget."""
    problems = sorted({p for (s, p) in reg if s == a} & {p for (s, p) in reg if s == b},
                      key=lambda p: (split[p], p))
    lines = ["| problem | split | " + " | ".join(f"{x}: {a} | {x}: {b} | {x}: ratio"
                                              for x in budgets) + " |",
             "|---|---|" + "---|" * (3 * len(budgets))]
    for p in problems:
        row = [p, split[p]]
        for x in budgets:
            ma, mb = statistics.median(reg[(a, p)][x]), statistics.median(reg[(b, p)][x])
            ratio = 1.0 if ma == mb else ma / mb if mb > 0 else math.inf
            row += [f"{ma:.3g}", f"{mb:.3g}", f"{ratio:.2f}"]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help="JSON-lines files from run.py")
    ap.add_argument("--a", required=True, help="sampler (as recorded, e.g. otto-auto@after)")
    ap.add_argument("--b", required=True)
    ap.add_argument("--budgets", default="20,50,100")
    ap.add_argument("--families", default="", help="only these families (comma-separated)")
    ap.add_argument("--per-problem", action="store_true", help="also each problem's medians")
    args = ap.parse_args()
    budgets = [int(x) for x in args.budgets.split(",")]
    runs = load(args.runs)
    if args.families:
        runs = [r for r in runs if r["family"] in args.families.split(",")]
    reg, split = regrets(runs, budgets)
    print("\n".join(compare(reg, split, args.a, args.b, budgets)))
    if args.per_problem:
        print()
        print("\n".join(per_problem(reg, split, args.a, args.b, budgets)))


if __name__ == "__main__":
    sys.exit(main())
