#!/usr/bin/env python3
"""Several report.py comparisons in one table: for each pair A/B (at its own
budgets, each pair reading its own run files so that a sampler run twice at
different lengths is not counted twice) the geometric mean over problems of
the median-regret ratio A / B and the Mann-Whitney wins / losses of A, on one
split.

    /usr/bin/python3 bench/devsuite/pairs.py --split test \\
        --pair "otto-auto/optuna-tpe:20,50,100,200=runs.jsonl" \\
        --pair "otto-auto/optuna-gp:20,50=runs.jsonl,gp50.jsonl" ..."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pair", action="append", required=True,
                    help="A/B:budgets=file[,file...]")
    ap.add_argument("--split", default="test")
    ap.add_argument("--floor", type=float, default=0.0,
                    help="regrets below this count as it (report.py; e.g. 1e-8)")
    args = ap.parse_args()
    print("| A / B | trials | problems | geo-mean median-regret ratio | wins / losses "
          "(p < 0.05) | losses | one median 0 |")
    print("|---|---|---|---|---|---|---|")
    for spec in args.pair:
        names, files = spec.split("=")
        pair, budgets = names.rsplit(":", 1)
        a, b = pair.split("/")
        budgets = [int(x) for x in budgets.split(",")]
        reg, split = report.regrets(report.load(files.split(",")), budgets, args.floor)
        for line in report.compare(reg, split, a, b, budgets)[2:]:
            cells = line.strip("|").split("|")
            if cells[0].strip() == args.split:
                print(f"| {a} / {b} |" + "|".join(cells[1:]) + "|")


if __name__ == "__main__":
    main()
