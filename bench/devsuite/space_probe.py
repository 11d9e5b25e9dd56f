"""A devsuite problem's search space as a tree, read off its define-by-run
objective by probing it with scripted trials, for peers that need their
space declared up front (bench/devsuite/anchors.py); and the trial that
answers an objective's suggest calls from a sampled assignment."""
import math


class Param:
    """One suggest call: kind "float", "int" or "categorical"; key is unique
    in the tree (the name, qualified by its branch path inside a branch)."""

    def __init__(self, key, name, kind, low=None, high=None, log=False, choices=None):
        self.key, self.name, self.kind = key, name, kind
        self.low, self.high, self.log, self.choices = low, high, log, choices

    def same(self, other):
        return (self.name, self.kind, self.low, self.high, self.log, self.choices) == \
            (other.name, other.kind, other.low, other.high, other.log, other.choices)


class Branch:
    """A categorical whose value decides which further params are suggested:
    subspaces[i] is the list of nodes suggested only when choices[i] is."""

    def __init__(self, key, name, choices, subspaces):
        self.key, self.name, self.choices, self.subspaces = key, name, choices, subspaces


class _ProbeTrial:
    """Answers suggest calls with forced categorical values ({name: value})
    or fixed probe values (first choice, lower int bound, float midpoint,
    geometric for log), recording each call's distribution in order."""

    def __init__(self, forced):
        self.forced, self.calls = forced, []

    def suggest_float(self, name, low, high, *, step=None, log=False):
        _no_step(name, step, None)
        self.calls.append(Param(name, name, "float", float(low), float(high), bool(log)))
        return math.sqrt(low * high) if log else 0.5 * (low + high)

    def suggest_int(self, name, low, high, *, step=1, log=False):
        _no_step(name, step, 1)
        self.calls.append(Param(name, name, "int", int(low), int(high), bool(log)))
        return int(low)

    def suggest_categorical(self, name, choices):
        self.calls.append(Param(name, name, "categorical", choices=tuple(choices)))
        return self.forced.get(name, choices[0])


def _no_step(name, step, plain):
    if step != plain:
        raise ValueError(f"space_probe: {name}: a step other than {plain} is not translated")


def _probe(objective, forced):
    t = _ProbeTrial(forced)
    objective(t)
    return t.calls


def _qualify(nodes, prefix):
    """Prefix every key in the tree (a branch's path, outermost first)."""
    for n in leaves(nodes):
        n.key = prefix + n.key
    return nodes


def discover(objective, forced=None):
    """The objective's space as a list of Param and Branch nodes (the params
    outside a branch first). A categorical is a branch when some choice of it (the others at
    their probe values) changes the set of params suggested; the first such
    one splits the space, each choice's subspace is discovered with it
    forced, and params found alike under every choice stay outside the
    branch. Assumes an objective's calls depend on categorical values only
    (true of every devsuite problem)."""
    forced = dict(forced or {})
    calls = _probe(objective, forced)
    names = {c.name for c in calls}
    branch = None
    for c in calls:
        if c.kind != "categorical" or c.name in forced:
            continue
        if any({x.name for x in _probe(objective, {**forced, c.name: v})} != names
               for v in c.choices[1:]):
            branch = c
            break
    if branch is None:
        return calls
    subs = [discover(objective, {**forced, branch.name: v}) for v in branch.choices]
    common = [n for n in subs[0] if isinstance(n, Param) and n.name != branch.name and
              all(any(isinstance(m, Param) and m.same(n) for m in s) for s in subs[1:])]
    common_names = {n.name for n in common} | {branch.name}
    inner = []
    for v, s in zip(branch.choices, subs):
        rest = [n for n in s if n.name not in common_names]
        inner.append(_qualify(rest, f"{branch.name}={v}/"))
    return common + [Branch(branch.name, branch.name, branch.choices, inner)]


def leaves(nodes):
    """Every Param and Branch in the tree, depth first."""
    for n in nodes:
        yield n
        if isinstance(n, Branch):
            for sub in n.subspaces:
                yield from leaves(sub)


def active(nodes, by_key):
    """{param name: value} on the path the branch values in by_key (a value
    per key, as a peer sampled them) select."""
    out = {}
    for n in nodes:
        out[n.name] = by_key[n.key]
        if isinstance(n, Branch):
            out.update(active(n.subspaces[list(n.choices).index(by_key[n.key])], by_key))
    return out


class ReplayTrial:
    """Answers an objective's suggest calls from {name: value}."""

    def __init__(self, values):
        self.values = values

    def _get(self, name):
        if name not in self.values:
            raise KeyError(f"space_probe: {name} was not found when the space was probed")
        return self.values[name]

    def suggest_float(self, name, low, high, *, step=None, log=False):
        return float(self._get(name))

    def suggest_int(self, name, low, high, *, step=1, log=False):
        return int(self._get(name))

    def suggest_categorical(self, name, choices):
        return self._get(name)
