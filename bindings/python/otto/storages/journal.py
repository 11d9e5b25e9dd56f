"""Optuna 4's journal names (optuna.storages.journal) on otto's journal
file. Optuna's lock objects are accepted and not needed: otto locks the file
itself (flock(2), plus a registry of the files a process has open), and
refuses a journal that was removed or replaced while in use."""
from . import JournalFileStorage, JournalStorage  # noqa: F401 - re-exported names


class BaseJournalBackend:
    """Optuna's base class of journal backends; otto's is the file."""


class JournalFileOpenLock:
    """Optuna's open(2)-based file lock; otto's flock serves instead."""

    def __init__(self, filepath, grace_period=30):
        self._filepath, self.grace_period = filepath, grace_period


class JournalFileSymlinkLock(JournalFileOpenLock):
    """Optuna's symlink-based file lock; otto's flock serves instead."""


class JournalFileBackend(JournalFileStorage, BaseJournalBackend):
    """Optuna 4's name for the file behind a JournalStorage."""
