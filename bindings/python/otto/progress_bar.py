"""optimize(show_progress_bar=True): a tqdm bar on stderr with the best trial
so far, as Optuna draws it (over n_trials, else over the timeout). Without
tqdm installed, a plain one-line bar is drawn instead."""
import sys
import threading
import time
import warnings


def _interval(seconds):
    """tqdm's format_interval: [H:]MM:SS."""
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class _PlainBar:
    """A minimal stand-in for tqdm: one line on stderr, redrawn per update."""

    def __init__(self, total, timed):
        self.total, self.timed, self.n, self.desc = total, timed, 0.0, ""
        self.start = time.monotonic()

    def set_description(self, desc):
        self.desc = desc

    def update(self, k):
        self.n += k
        frac = min(self.n / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(20 * frac) + " " * (20 - int(20 * frac))
        done = _interval(time.monotonic() - self.start) + "/" + _interval(self.total) \
            if self.timed else f"{int(self.n)}/{int(self.total)}"
        sys.stderr.write(f"\r{self.desc} {100 * frac:3.0f}%|{bar}| {done}")
        sys.stderr.flush()

    def close(self):
        sys.stderr.write("\n")


class ProgressBar:
    """One bar per optimize() call; update() after each finished trial."""

    def __init__(self, show, n_trials, timeout, n_jobs):
        if show and n_trials is None and timeout is None:
            warnings.warn("Progress bar won't be displayed because n_trials and timeout are "
                          "None.", UserWarning, stacklevel=3)
        if show and n_trials is None and timeout is not None and n_jobs != 1:
            warnings.warn("The timeout-based progress bar is not supported with n_jobs != 1.",
                          UserWarning, stacklevel=3)
            show = False
        self.on = bool(show) and (n_trials is not None or timeout is not None)
        self._n_trials, self._timeout = n_trials, timeout
        self._last = 0.0
        self._lock = threading.Lock()
        if not self.on:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        if n_trials is not None:
            self._bar = tqdm(total=n_trials) if tqdm else _PlainBar(n_trials, False)
        elif tqdm:
            fmt = "{desc} {percentage:3.0f}%|{bar}| {elapsed}/" + tqdm.format_interval(timeout)
            self._bar = tqdm(total=timeout, bar_format=fmt)
        else:
            self._bar = _PlainBar(timeout, True)

    def update(self, elapsed, study):
        if not self.on:
            return
        with self._lock:
            if len(study.directions) == 1:
                try:
                    best = study.best_trial
                    self._bar.set_description(f"Best trial: {best.number}. "
                                              f"Best value: {best.value:.6g}")
                except ValueError:
                    pass
            if self._n_trials is not None:
                self._bar.update(1)
                if self._timeout is not None and hasattr(self._bar, "set_postfix_str"):
                    self._bar.set_postfix_str(f"{elapsed:.02f}/{self._timeout} seconds")
            else:
                step = min(elapsed, self._timeout) - self._last
                self._bar.update(step)
                self._last += step

    def close(self):
        if self.on:
            self._bar.close()
