"""Summarize bench/prefetch_regret's TSV rows: for each setting against
"off", per problem the median regrets, their ratio and a two-sided
Mann-Whitney U test over the seeds, then the geometric mean over problems
of the median ratio and the significant wins and losses.
    /usr/bin/python3 bench/prefetch_regret.py off.tsv work.tsv [thread.tsv ...]
(scipy from Debian's python3-scipy)."""
import math
import statistics
import sys
from collections import defaultdict

from scipy.stats import mannwhitneyu


def read(paths):
    runs = defaultdict(list)  # (problem, setting) -> regrets in seed order
    ready = defaultdict(list)
    order = []
    for path in paths:
        with open(path) as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if cols[0] == "problem" or len(cols) < 6:
                    continue
                problem, setting, _seed, regret, n_ready = cols[:5]
                if problem not in order:
                    order.append(problem)
                runs[problem, setting].append(float(regret))
                ready[problem, setting].append(int(n_ready))
    return runs, ready, order


def main():
    runs, ready, problems = read(sys.argv[1:])
    settings = sorted({s for (_, s) in runs if s != "off"})
    for setting in settings:
        print(f"### prefetch 1 ({setting}) against prefetch off\n")
        print("| problem | median off | median on | ratio | p (M-W) | ready asks (mean) |")
        print("|---|---|---|---|---|---|")
        logs, wins, losses = [], [], []
        for p in problems:
            a, b = runs.get((p, "off")), runs.get((p, setting))
            if not a or not b:
                continue
            ma, mb = statistics.median(a), statistics.median(b)
            ratio = mb / ma if ma > 0 and mb > 0 else float("nan")
            if ma > 0 and mb > 0:
                logs.append(math.log(ratio))
            pv = mannwhitneyu(b, a, alternative="two-sided").pvalue if a != b else 1.0
            if pv < 0.05:
                (wins if mb < ma else losses).append(p)
            r = ready[p, setting]
            print(f"| {p} | {ma:.4g} | {mb:.4g} | {ratio:.3f} | {pv:.3f} | "
                  f"{statistics.mean(r):.1f} |")
        gm = math.exp(sum(logs) / len(logs)) if logs else float("nan")
        # the same without the one problem furthest from a ratio of 1, so
        # that a single bimodal problem does not decide the summary
        trimmed = sorted(logs, key=abs)[:-1]
        gm_trim = math.exp(sum(trimmed) / len(trimmed)) if trimmed else float("nan")
        print(f"\ngeometric mean of the median ratio (on / off) over {len(logs)} problems: "
              f"{gm:.3f} ({gm_trim:.3f} without the most extreme problem); "
              f"significant (p < 0.05) wins {len(wins)}, losses {len(losses)}"
              + (f" ({', '.join(losses)})" if losses else "") + "\n")


if __name__ == "__main__":
    main()
