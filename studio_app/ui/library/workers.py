"""Run a callable in a QThreadPool worker and get its result back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    """Signals of one background job (delivered queued to the GUI thread).

    Signals:
        done(object): the callable's return value.
        failed(str): one-line error.
        progress(int, int): done, total (for jobs that report it).
    """

    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Job(QRunnable):
    """A QRunnable calling ``fn(signals)``; its result goes to ``signals.done``."""

    def __init__(self, fn: Callable[[JobSignals], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()
        self.setAutoDelete(False)  # the Python side keeps it until its signal is delivered

    def run(self) -> None:  # noqa: D102 - QRunnable
        try:
            result = self.fn(self.signals)
        except Exception as exc:  # noqa: BLE001 - reported in one line to the GUI
            lines = str(exc).strip().splitlines()
            self.signals.failed.emit(lines[0] if lines else type(exc).__name__)
        else:
            self.signals.done.emit(result)


class JobRunner(QObject):
    """Starts Jobs on a pool and keeps them alive until they report back."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._jobs: set[Job] = set()

    def start(self, fn: Callable[[JobSignals], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> Job:
        """Run ``fn(signals)`` in the pool; ``on_done(result)`` / ``on_failed(message)`` run on
        the GUI thread."""
        job = Job(fn)
        self._jobs.add(job)

        def finish(_: object = None) -> None:
            self._jobs.discard(job)

        job.signals.done.connect(on_done)
        if on_failed is not None:
            job.signals.failed.connect(on_failed)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.done.connect(finish)
        job.signals.failed.connect(finish)
        self.pool.start(job)
        return job

    @property
    def busy(self) -> bool:
        """True while a started job has not reported back."""
        return bool(self._jobs)
