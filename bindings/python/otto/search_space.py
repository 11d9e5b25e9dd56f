"""optuna.search_space with Optuna's names: the intersection search space of
finished trials, for Python samplers that sample a fixed set of params
jointly (the C samplers compute theirs in the study)."""
from .trial import TrialState


def intersection_search_space(trials, include_pruned=False):
    """{name: distribution} of the params every COMPLETE trial (and PRUNED,
    with include_pruned) suggested with the same distribution, sorted by
    name; {} before the first such trial."""
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else \
        (TrialState.COMPLETE,)
    space = None
    for trial in trials:
        if trial.state not in states:
            continue
        if space is None:
            space = dict(trial.distributions)
        else:
            space = {name: dist for name, dist in space.items()
                     if trial.distributions.get(name) == dist}
    return dict(sorted((space or {}).items()))


class IntersectionSearchSpace:
    """The intersection search space of a study's trials (Optuna's class)."""

    def __init__(self, include_pruned=False):
        self._include_pruned = include_pruned

    def calculate(self, study):
        return intersection_search_space(study.get_trials(deepcopy=False),
                                         self._include_pruned)
