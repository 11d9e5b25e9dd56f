"""otto: black-box and hyperparameter optimization in C, with Optuna's Python
API. `import otto as optuna` runs the common Optuna programs unchanged."""
from . import (artifacts, distributions, exceptions, hypervolume, importance, logging,  # noqa: F401
               pruners, samplers, search_space, storages, study, terminator, trial, visualization)
from ._capi import version_string as __version__  # noqa: F401
from .exceptions import TrialPruned  # noqa: F401
from .study import (Study, StudyDirection, StudySummary, copy_study,  # noqa: F401
                    create_study, delete_study, get_all_study_names, get_all_study_summaries,
                    load_study)
from .trial import FrozenTrial, Trial, TrialState, create_trial  # noqa: F401

__all__ = ["create_study", "load_study", "delete_study", "copy_study", "get_all_study_names",
           "get_all_study_summaries", "artifacts",
           "Study", "StudyDirection", "StudySummary",
           "Trial", "FrozenTrial", "TrialState", "TrialPruned", "create_trial", "distributions", "exceptions", "hypervolume", "importance", "logging", "pruners",
           "samplers", "search_space", "storages", "study", "terminator", "trial", "visualization"]
