#!/usr/bin/env python3
"""NAS-Bench-201 (int indices) table of run.py's records: per dataset and
seed block of 20 (0-19, 20-39), each sampler's median best accuracy over its
runs' full budget, with the two-sided Mann-Whitney U p-value against random
search and against TPE.

    /usr/bin/python3 bench/devsuite/nb201_table.py nb201.jsonl \\
        "auto=otto-auto@after,TPE=otto-tpe@after,random=otto-random@after" \\
        otto-random@after otto-tpe@after"""
import collections
import json
import statistics
import sys

from scipy.stats import mannwhitneyu


def main():
    path, columns, rnd, tpe = sys.argv[1:5]
    runs = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            runs[(r["sampler"], r["problem"], r["seed"] // 20)].append(-r["curve"][-1])
    cols = [c.split("=") for c in columns.split(",")]
    print("| dataset | seeds | " + " | ".join(name for name, _ in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    problems = sorted({p for (_, p, _) in runs if p.startswith("nb201-")})
    for prob in problems:
        for block in sorted({b for (s, p, b) in runs if p == prob}):
            cells = []
            for _, s in cols:
                x = runs[(s, prob, block)]
                if not x:
                    cells.append("-")
                    continue
                tests = []
                for ref, tag in ((rnd, "p"), (tpe, "vs TPE p")):
                    if s not in (rnd, ref) and runs[(ref, prob, block)]:
                        u = mannwhitneyu(x, runs[(ref, prob, block)], alternative="two-sided")
                        tests.append(f"{tag} {u.pvalue:.3f}")
                median = f"{statistics.median(x):.2f}"
                cells.append(median + (f" ({'; '.join(tests)})" if tests else ""))
            seeds = f"{20 * block}-{20 * block + 19}"
            print(f"| {prob.split('-')[1]} | {seeds} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
