#!/usr/bin/env python3
"""A check on report.py's geometric mean, which a few near-zero regrets
dominate: per anchor, family group and budget, the median over problems of
the median-regret ratio A / anchor, and on how many problems each side's
median regret is lower.

    /usr/bin/python3 bench/devsuite/median_ratio.py runs.jsonl --a otto-auto \\
        --b ngopt,hyperopt-tpe --budgets 20,50,100,200"""
import argparse
import statistics

import report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True, help="comma-separated")
    ap.add_argument("--budgets", default="20,50,100,200")
    args = ap.parse_args()
    budgets = [int(x) for x in args.budgets.split(",")]
    runs = report.load(args.runs)
    family = {r["problem"]: r["family"] for r in runs}
    reg, split = report.regrets(runs, budgets)
    print(f"| anchor | families | budget | median ratio {args.a} / anchor | "
          f"{args.a} lower / anchor lower / tied |")
    print("|---|---|---|---|---|")
    groups = (("all", None), ("bbob", {"bbob"}), ("not bbob", None))
    for b in args.b.split(","):
        for label, fams in groups:
            for x in budgets:
                ratios, lower, higher, tied = [], 0, 0, 0
                for p in sorted(split):
                    if (args.a, p) not in reg or (b, p) not in reg or split[p] != "test":
                        continue
                    if (fams and family[p] not in fams) or \
                            (label == "not bbob" and family[p] == "bbob"):
                        continue
                    ma = statistics.median(reg[(args.a, p)][x])
                    mb = statistics.median(reg[(b, p)][x])
                    lower, higher, tied = lower + (ma < mb), higher + (ma > mb), tied + (ma == mb)
                    ratios.append(1.0 if ma == mb else ma / mb if mb > 0 else float("inf"))
                if ratios:
                    print(f"| {b} | {label} | {x} | {statistics.median(ratios):.3g} | "
                          f"{lower} / {higher} / {tied} |")


if __name__ == "__main__":
    main()
