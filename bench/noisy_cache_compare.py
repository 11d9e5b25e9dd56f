#!/usr/bin/env python3
"""Two libraries on the noisy suite: reads the otto runs that
bench/noisy_recommend.py cached for each (run it once per library with its
own --cache) and prints, for the recommended trial and the best trial at
50/100/200 trials, the geometric mean over problems of the median true-regret
ratio A/B and the significant wins/losses (two-sided Mann-Whitney U, p < 0.05).

    cd bench
    OTTO_LIB=<A> /usr/bin/python3 noisy_recommend.py --seeds 10 --no-optuna --cache A --out a.md
    OTTO_LIB=<B> /usr/bin/python3 noisy_recommend.py --seeds 10 --no-optuna --cache B --out b.md
    /usr/bin/python3 noisy_cache_compare.py A B"""
import collections
import glob
import json
import math
import os
import statistics
import sys

from scipy.stats import mannwhitneyu


def load(cache):
    """{problem: {seed: {budget: (recommended regret, best regret, seconds)}}}."""
    out = collections.defaultdict(dict)
    for path in glob.glob(os.path.join(cache, "otto_*.json")):
        problem, seed = os.path.basename(path)[len("otto_"):-len(".json")].rsplit("_", 1)
        with open(path) as f:
            out[problem][int(seed)] = {int(k): v for k, v in json.load(f).items()}
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = load(sys.argv[1]), load(sys.argv[2])
    problems = sorted(set(a) & set(b))
    print("| pick | trials | problems | geo-mean median regret A/B | wins / losses (p < 0.05) |")
    print("|---|---|---|---|---|")
    for idx, pick in ((0, "recommended_trial"), (1, "best_trial")):
        for budget in (50, 100, 200):
            logs, wins, losses = [], 0, 0
            for p in problems:
                seeds = sorted(set(a[p]) & set(b[p]))
                ra = [a[p][s][budget][idx] for s in seeds]
                rb = [b[p][s][budget][idx] for s in seeds]
                ma, mb = statistics.median(ra), statistics.median(rb)
                if ma > 0 and mb > 0:
                    logs.append(math.log(ma / mb))
                if mannwhitneyu(ra, rb, alternative="two-sided").pvalue < 0.05:
                    wins += ma < mb
                    losses += ma > mb
            gm = math.exp(sum(logs) / len(logs)) if logs else float("nan")
            print(f"| {pick} | {budget} | {len(logs)} | {gm:.3f} | {wins} / {losses} |")


if __name__ == "__main__":
    main()
