"""One benchmark problem: a name, a family, an objective written against the
trial API otto and Optuna share (always minimized), and its optimum when
known: a number, a function giving it (read when needed, e.g. a table's
best entry), or None (the best value any run found)."""
import hashlib


class Problem:
    def __init__(self, name, family, objective, f_star=None, tags=()):
        self.name = name
        self.family = family
        self.objective = objective
        self.f_star = f_star
        self.tags = tuple(tags)

    def optimum(self):
        return self.f_star() if callable(self.f_star) else self.f_star

    @property
    def split(self):
        return split_of(self.name)


def split_of(name):
    """'train' for about a third of the problems, 'test' for the rest: the
    first byte of the SHA-256 of the problem's name, below 86 of 256. A
    function of the name alone, so the split never moves when problems are
    added, removed or reordered, and it does not depend on the seeds."""
    return "train" if hashlib.sha256(name.encode()).digest()[0] < 86 else "test"
