"""otto's development suite: a registry of benchmark problems with a fixed
train/test split by problem (registry.py), a runner (run.py) and a reporter
(report.py). See README.md for the data it reads and how to run it."""
