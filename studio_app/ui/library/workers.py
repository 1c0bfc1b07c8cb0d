"""JobRunner: the library's background jobs on the shared worker helper, with a busy flag.

Each job runs through ``studio_app.services.workers.run_in_pool``; this adds what the library
and its settings page want on top: ``busy`` while any job has not reported back, the error as
one line, and progress as ``(done, total)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool

from studio_app.services.workers import Worker, WorkerContext, first_line, run_in_pool


class JobRunner(QObject):
    """Starts jobs on a pool and counts those that have not reported back."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._workers: set[Worker] = set()

    def start(self, fn: Callable[[WorkerContext], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> Worker:
        """Run ``fn(ctx)`` on the pool; ``fn`` reports progress as ``ctx.progress((done, total))``.

        ``on_done(result)``, ``on_failed(one-line message)`` and ``on_progress(done, total)``
        run on the GUI thread (not at all once this runner was destroyed).
        """
        worker = run_in_pool(
            fn, pool=self.pool, owner=self, on_result=on_done,
            on_error=(lambda exc: on_failed(first_line(exc))) if on_failed is not None else None,
            on_progress=(lambda value: on_progress(*value)) if on_progress is not None else None,
            on_finished=lambda: self._workers.discard(worker))
        self._workers.add(worker)
        return worker

    @property
    def busy(self) -> bool:
        """True while a started job has not reported back."""
        return bool(self._workers)
