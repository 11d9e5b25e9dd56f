"""Persistent storages with Optuna's names: JournalStorage over a
JournalFileStorage file (Optuna 4: journal.JournalFileBackend), RDBStorage
for SQLite and PostgreSQL URLs, and the strings create_study(storage=...)
accepts ("sqlite:///PATH", "postgresql://...", "journal:PATH")."""
import ctypes
import os
import tempfile
import threading
import weakref

from .. import _capi

_SYNC = {"every_tell": 1, "batch": 2, "none": 3}


class RetryHeartbeatStaleTrialCallback:
    """Enqueue a trial that failed for missed heartbeats again with the same
    params (Optuna 5's name; Optuna 3's is RetryFailedTrialCallback). Give it
    as RDBStorage(heartbeat_stale_trial_callback=...) or, Optuna 3's way,
    failed_trial_callback=. The retry gets the system attr "failed_trial"
    (the stale trial's number), as in Optuna. Every such trial is retried,
    once per failure: max_retry and inherit_intermediate_values are not
    supported."""

    def __init__(self, max_retry=None, inherit_intermediate_values=False):
        if max_retry is not None or inherit_intermediate_values:
            raise NotImplementedError("otto retries every trial failed by its heartbeat, once "
                                      "per failure; max_retry and inherit_intermediate_values "
                                      "are not supported")


class RetryFailedTrialCallback(RetryHeartbeatStaleTrialCallback):
    """Optuna 3's name of RetryHeartbeatStaleTrialCallback (deprecated by
    Optuna 4.9, which keeps it as a subclass, as here)."""


class _Handle:
    """The C handle of a storage object and of its copies (copy.copy), opened
    on first use and closed when the last of them goes (the studies opened
    on it hold their own reference in C)."""

    def __init__(self):
        self.ptr = None
        self.lock = threading.Lock()

    def __del__(self):
        if self.ptr:
            _capi.storage_close(self.ptr)
            self.ptr = None


class BaseStorage:
    """A C storage handle, opened on first use and shared by the studies made
    on this object and its copies. Heartbeat settings follow Optuna's
    RDBStorage. A storage object pickles (and deep-copies) as its location,
    opened again where it is unpickled; a temporary one cannot be."""

    _temporary = False  # a private file removed with the object: nothing to reopen

    def __init__(self, heartbeat_interval=None, grace_period=None, failed_trial_callback=None,
                 sync="every_tell", sync_interval=1.0, heartbeat_stale_trial_callback=None):
        if heartbeat_interval is not None and heartbeat_interval <= 0:
            raise ValueError("The value of `heartbeat_interval` should be a positive integer.")
        if grace_period is not None and grace_period <= 0:
            raise ValueError("The value of `grace_period` should be a positive integer.")
        if failed_trial_callback is not None and heartbeat_stale_trial_callback is not None:
            raise ValueError("Give only one of `heartbeat_stale_trial_callback` and its older "
                             "name `failed_trial_callback`.")
        if heartbeat_stale_trial_callback is None:
            heartbeat_stale_trial_callback = failed_trial_callback
        if heartbeat_stale_trial_callback is not None and not isinstance(
                heartbeat_stale_trial_callback, RetryHeartbeatStaleTrialCallback):
            raise NotImplementedError("otto's heartbeat_stale_trial_callback (or "
                                      "failed_trial_callback) must be "
                                      "RetryHeartbeatStaleTrialCallback() or "
                                      "RetryFailedTrialCallback()")
        failed_trial_callback = heartbeat_stale_trial_callback
        if sync not in _SYNC:
            raise ValueError(f"sync must be one of {sorted(_SYNC)}, not {sync!r}")
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.failed_trial_callback = failed_trial_callback
        self._sync = sync
        self._sync_interval = float(sync_interval)
        self._owner = _Handle()

    def get_heartbeat_interval(self):
        return self.heartbeat_interval

    def get_heartbeat_stale_trial_callback(self):
        """The retry callback, given under either name (Optuna 5)."""
        return self.failed_trial_callback

    def get_failed_trial_callback(self):
        """Optuna 3's name of get_heartbeat_stale_trial_callback."""
        return self.failed_trial_callback

    def _options(self):
        o = _capi.StorageOptions()
        _capi.storage_options_init_sized(ctypes.byref(o), ctypes.sizeof(o))
        o.sync = _SYNC[self._sync]
        o.sync_interval_s = self._sync_interval
        if self.heartbeat_interval is not None:
            o.heartbeat_interval_s = float(self.heartbeat_interval)
            o.grace_period_s = float(self.grace_period if self.grace_period is not None
                                     else 2 * self.heartbeat_interval)
        o.retry_failed_trials = int(self.failed_trial_callback is not None)
        return o

    def _handle(self):
        owner = self._owner
        with owner.lock:
            if owner.ptr is None:
                out = ctypes.c_void_p()
                self._open(self._options(), out)
                owner.ptr = out
            return owner.ptr

    def __copy__(self):
        """Another object on the same C handle (and temporary file)."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __getstate__(self):
        if self._temporary:
            raise TypeError(f"otto cannot pickle or deep-copy this {type(self).__name__}: "
                            f"its studies are in a temporary file that lives only as long as "
                            f"the object (copy.copy shares it; a journal file, SQLite or "
                            f"PostgreSQL storage can be reached from elsewhere)")
        state = dict(self.__dict__)
        del state["_owner"]  # the C handle: opened again where unpickled
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._owner = _Handle()

    def get_all_study_names(self):
        ptr = self._handle()
        n = ctypes.c_size_t()
        _capi.storage_study_names(ptr, None, 0, ctypes.byref(n))
        while True:
            cap = n.value
            arr = (ctypes.c_char_p * max(cap, 1))()
            _capi.storage_study_names(ptr, arr, cap, ctypes.byref(n))
            if n.value <= cap:
                return [arr[i].decode("utf-8") for i in range(n.value)]


class JournalFileStorage:
    """The file behind a JournalStorage (Optuna's name for it)."""

    def __init__(self, file_path, lock_obj=None):
        from .journal import JournalFileOpenLock, JournalFileSymlinkLock
        if lock_obj is not None and not isinstance(lock_obj, (JournalFileOpenLock,
                                                              JournalFileSymlinkLock)):
            raise NotImplementedError("otto locks journal files itself (flock plus an "
                                      "in-process registry); lock_obj is not used")
        self._file_path = str(file_path)


class JournalStorage(BaseStorage):
    """An append-only journal file: resumable, shared by the processes of one
    machine, crash-safe. Takes heartbeat and sync settings too (otto extras)."""

    def __init__(self, log_storage, **kwargs):
        if isinstance(log_storage, str):
            log_storage = JournalFileStorage(log_storage)
        if not isinstance(log_storage, JournalFileStorage):
            raise TypeError("JournalStorage takes a JournalFileStorage (or a path)")
        super().__init__(**kwargs)
        self._path = log_storage._file_path

    def _open(self, opts, out):
        _capi.storage_journal_open(_capi.encode(self._path), ctypes.byref(opts), ctypes.byref(out))


class InMemoryStorage(JournalStorage):
    """Optuna's in-memory storage as an object: the studies made on it are
    shared by every create_study / load_study given the same object, and
    vanish with it. otto keeps them in a private temporary journal (never
    fsynced), removed when the object is collected. storage=None is the
    plain in-memory study."""

    def __init__(self):
        fd, path = tempfile.mkstemp(prefix="otto-inmemory-", suffix=".journal")
        os.close(fd)
        os.unlink(path)
        BaseStorage.__init__(self, sync="none")
        self._path = path
        self._temporary = True
        weakref.finalize(self._owner, _remove_files, path)  # with the last copy


class _NoEngine:
    def dispose(self):
        pass


def _remove_files(*paths):
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


class RDBStorage(BaseStorage):
    """An SQLite file or a PostgreSQL database, by SQLAlchemy-style URL:

    - "sqlite:///relative/path.db", "sqlite:////absolute/path.db": otto's
      SQLite backend (WAL mode; the processes of one machine may share it).
      "sqlite:///:memory:" (or "sqlite://") is a private temporary file,
      removed with this object. The file holds otto's tables: an Optuna RDB
      file is refused, not converted.
    - "postgresql://user:password@host:port/dbname": PostgreSQL through libpq.

    A "+driver" suffix on the scheme and a "?query" are ignored; of
    engine_kwargs only connect_args={"timeout": seconds} is used (how long to
    wait for another writer, or for the server)."""

    def __init__(self, url, engine_kwargs=None, skip_compatibility_check=False,
                 heartbeat_interval=None, grace_period=None, failed_trial_callback=None,
                 skip_table_creation=False, *, heartbeat_stale_trial_callback=None):
        scheme, sep, rest = str(url).partition("://")
        kind = scheme.split("+")[0]
        if not sep or kind not in ("postgresql", "postgres", "sqlite"):
            raise NotImplementedError(f"otto stores studies in SQLite, PostgreSQL or a journal "
                                      f"file; {scheme or url!r} is not supported")
        self._timeout = None
        for key, value in (engine_kwargs or {}).items():
            args = value if key == "connect_args" and isinstance(value, dict) else None
            if args is None or set(args) - {"timeout"}:
                raise NotImplementedError("of engine_kwargs (SQLAlchemy's), otto uses only "
                                          "connect_args={'timeout': seconds}")
            if "timeout" in args:
                self._timeout = float(args["timeout"])
        super().__init__(heartbeat_interval, grace_period, failed_trial_callback,
                         heartbeat_stale_trial_callback=heartbeat_stale_trial_callback)
        self.url = str(url)
        if kind == "sqlite":
            path = rest.split("?", 1)[0]
            if not path.startswith("/") and path:
                raise ValueError(f"invalid SQLite URL {url!r}: use sqlite:///relative.db or "
                                 f"sqlite:////absolute/path.db")
            path = path[1:]
            if path in ("", ":memory:"):
                fd, path = tempfile.mkstemp(prefix="otto-", suffix=".db")
                os.close(fd)
                os.unlink(path)
                self._temporary = True
                weakref.finalize(self._owner, _remove_files, path, path + "-wal",
                                 path + "-shm")  # with the last copy
            self._sqlite_path = path
        else:
            self._sqlite_path = None
            self.url = "postgresql://" + rest

    @property
    def engine(self):
        """Stands in for the SQLAlchemy engine Optuna's RDBStorage has, so
        code that disposes of it keeps working (otto keeps no pool)."""
        return _NoEngine()

    def _options(self):
        o = super()._options()
        if self._timeout is not None:
            o.timeout_s = self._timeout
        return o

    def _open(self, opts, out):
        if self._sqlite_path is not None:
            _capi.storage_sqlite_open(_capi.encode(self._sqlite_path), ctypes.byref(opts),
                                      ctypes.byref(out))
        else:
            _capi.storage_postgres_open(_capi.encode(self.url), ctypes.byref(opts),
                                        ctypes.byref(out))


def get_storage(storage):
    """A storage object for create_study's storage argument (None: memory)."""
    if storage is None or isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        if storage.startswith("journal:"):
            return JournalStorage(JournalFileStorage(storage[len("journal:"):]))
        return RDBStorage(storage)
    raise TypeError(f"storage must be None, a URL string or an otto storage, not "
                    f"{type(storage).__name__}")


from . import journal  # noqa: E402 - Optuna 4's optuna.storages.journal names
