"""The one worker helper: run a callable on a QThreadPool and hear back on the GUI thread.

Every background task of the app (generation candidates, sync runs, library imports,
thumbnails, keyring and connection checks) goes through ``run_in_pool``::

    worker = run_in_pool(lambda ctx: slow_work(ctx), pool=pool,
                         on_result=show, on_error=lambda exc: warn(first_line(exc)))
    worker.cancel()  # cooperative: the callable sees ctx.is_cancelled()

The callable gets a ``WorkerContext``: ``ctx.progress(value)`` reports progress (any
object: a percent, a ``(done, total)`` pair, a streamed token), ``ctx.is_cancelled()`` /
``ctx.raise_if_cancelled()`` check for a cancel request, and ``ctx.cancel_event`` is the
``threading.Event`` behind it, for libraries that take one.

Outcome (exactly one of them, then ``finished``):

* ``result(value)``: the callable returned ``value``;
* ``error(exc)``: it raised ``exc`` (the exception object; ``first_line(exc)`` gives the
  one line to show);
* ``cancelled()``: it raised ``WorkerCancelled`` (``ctx.raise_if_cancelled()``), or the
  worker was cancelled before a pool thread picked it up (the callable then never runs).

Signals are delivered on the thread of the running ``QCoreApplication`` (the GUI thread),
whichever thread started the worker, in the order they were emitted (one dispatcher object
made on the GUI thread carries them; ``prepare()`` makes it early); a ``Worker`` keeps
itself alive until ``finished`` is delivered. Without a ``QCoreApplication`` they are
emitted on the pool thread. QtCore only (no widgets).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QThreadPool, Signal, Slot
from shiboken6 import isValid

log = logging.getLogger(__name__)

__all__ = ["Worker", "WorkerCancelled", "WorkerContext", "active_workers", "first_line", "prepare", "run_in_pool"]

_ACTIVE: set[Worker] = set()
_ACTIVE_LOCK = threading.Lock()


class WorkerCancelled(Exception):  # noqa: N818 - a signal to stop, not an error shown to anyone
    """Raised by ``WorkerContext.raise_if_cancelled`` once a cancel was requested; the
    worker then reports ``cancelled`` instead of ``error``."""


def first_line(exc: BaseException) -> str:
    """The first non-empty line of ``str(exc)``, or the exception's class name when it is empty."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class WorkerContext:
    """What the callable running on the pool thread gets: progress and cancel checks."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker

    @property
    def cancel_event(self) -> threading.Event:
        """The event ``Worker.cancel()`` sets (hand it to code that polls an Event)."""
        return self._worker._cancel_event

    def is_cancelled(self) -> bool:
        """True once ``Worker.cancel()`` was called."""
        return self._worker._cancel_event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop here when a cancel was requested.

        Raises:
            WorkerCancelled: ``Worker.cancel()`` was called.
        """
        if self._worker._cancel_event.is_set():
            raise WorkerCancelled("cancelled")

    def progress(self, value: object) -> None:
        """Report progress; ``Worker.progress(value)`` is delivered on the GUI thread."""
        self._worker._send("progress", value)


class Worker(QObject):
    """One callable run on a pool; its handle on the GUI thread.

    Signals (delivered on the GUI thread, see the module docstring):
        progress(object): what the callable passed to ``ctx.progress``.
        result(object): the callable's return value.
        error(object): the exception the callable raised (a BaseException).
        cancelled(): cancelled before it ran, or it raised WorkerCancelled.
        finished(): always, last.
    """

    progress = Signal(object)
    result = Signal(object)
    error = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, fn: Callable[[WorkerContext], Any]) -> None:
        super().__init__()
        self._fn = fn
        self._cancel_event = threading.Event()
        self._returned = threading.Event()
        self._done = False
        self._callbacks: dict[str, Callable[..., object]] = {}
        self._owner: QObject | None = None
        # The pool thread reaches the GUI thread through the one dispatcher made there; the
        # worker itself is never moved between threads (moveToThread from a pool or intake
        # thread could deadlock against a GUI thread blocked in a wait).
        self._dispatcher = _dispatcher()

    # -- GUI side -------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the callable to stop (cooperative); safe from any thread. A worker not yet
        picked up by a pool thread then never runs its callable."""
        self._cancel_event.set()

    def is_cancel_requested(self) -> bool:
        """True once ``cancel()`` was called."""
        return self._cancel_event.is_set()

    def is_done(self) -> bool:
        """True once ``finished`` was delivered."""
        return self._done

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the callable returned or raised on its pool thread (signals may still
        be on their way to the GUI thread). ``timeout`` in seconds; True if it ended in time."""
        return self._returned.wait(timeout)

    def _callback(self, kind: str) -> Callable[..., object] | None:
        """The ``on_<kind>`` callback, unless the owner it belongs to was destroyed."""
        if self._owner is not None and not isValid(self._owner):
            return None
        return self._callbacks.get(kind)

    @Slot(object)
    def _deliver_progress(self, value: object) -> None:
        if not self._done:
            callback = self._callback("progress")
            if callback is not None:
                callback(value)
            self.progress.emit(value)

    @Slot(str, object)
    def _deliver_outcome(self, kind: str, value: object) -> None:
        try:
            callback = self._callback(kind)
            if kind == "cancelled":
                if callback is not None:
                    callback()
                self.cancelled.emit()
            else:
                if callback is not None:
                    callback(value)
                (self.result if kind == "result" else self.error).emit(value)
        finally:
            self._done = True
            with _ACTIVE_LOCK:
                _ACTIVE.discard(self)
            try:
                callback = self._callback("finished")
                if callback is not None:
                    callback()
            finally:
                self.finished.emit()

    def _send(self, kind: str, value: object) -> None:
        """From the pool thread: deliver ``kind`` on the GUI thread, or here without an app."""
        if self._dispatcher is None:
            if kind == "progress":
                self._deliver_progress(value)
            else:
                self._deliver_outcome(kind, value)
            return
        try:
            self._dispatcher.send.emit(self, kind, value)
        except RuntimeError:  # the application is shutting down and took the dispatcher along
            log.debug("worker %s dropped: the dispatcher is gone", kind)

    # -- pool side ------------------------------------------------------------------------
    def _run(self) -> None:
        kind: str = "cancelled"
        value: object = None
        try:
            if not self._cancel_event.is_set():
                try:
                    value, kind = self._fn(WorkerContext(self)), "result"
                except WorkerCancelled:
                    value, kind = None, "cancelled"
                except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as a value
                    value, kind = exc, "error"
        finally:
            self._returned.set()
            self._send(kind, value)


class _Dispatcher(QObject):
    """Carries workers' progress and outcomes from pool threads to the GUI thread.

    One instance, made on the GUI thread (``_dispatcher``); a queued signal with the worker
    as its first argument keeps that worker alive until its slot ran there."""

    send = Signal(object, str, object)

    def __init__(self) -> None:
        super().__init__()
        self.send.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, str, object)
    def _deliver(self, worker: Worker, kind: str, value: object) -> None:
        if kind == "progress":
            worker._deliver_progress(value)
        else:
            worker._deliver_outcome(kind, value)


_DISPATCHER: _Dispatcher | None = None
_DISPATCHER_LOCK = threading.Lock()


def _dispatcher() -> _Dispatcher | None:
    """The GUI thread's dispatcher, or None without a QCoreApplication (outcomes are then
    delivered on the pool thread). Made on first use; ``prepare()`` makes it early."""
    global _DISPATCHER
    app = QCoreApplication.instance()
    if app is None:
        return None
    with _DISPATCHER_LOCK:
        if _DISPATCHER is None or not isValid(_DISPATCHER):
            dispatcher = _Dispatcher()
            if dispatcher.thread() is not app.thread():  # first use off the GUI thread (rare)
                dispatcher.moveToThread(app.thread())
            _DISPATCHER = dispatcher
        return _DISPATCHER


def prepare() -> None:
    """Make the dispatcher now, on the calling (GUI) thread; the app and services that start
    workers from other threads call it at construction so no object ever changes thread."""
    _dispatcher()


def run_in_pool(fn: Callable[[WorkerContext], Any], *, pool: QThreadPool | None = None,
                on_result: Callable[[Any], object] | None = None,
                on_error: Callable[[BaseException], object] | None = None,
                on_progress: Callable[[Any], object] | None = None,
                on_cancelled: Callable[[], object] | None = None,
                on_finished: Callable[[], object] | None = None,
                owner: QObject | None = None, priority: int = 0) -> Worker:
    """Run ``fn(ctx)`` on ``pool`` (default: the global pool); safe to call from any thread.

    The ``on_*`` callbacks are called on the GUI thread, just before the matching signal
    is emitted (see the module docstring for the outcome rules); they are called by the
    worker itself rather than connected, so they run on the GUI thread even when the
    worker was started from another thread. Given an ``owner`` (the widget or service the
    callbacks belong to), they are skipped once it was destroyed, as a Qt connection to a
    destroyed receiver would be. Returns the Worker, which stays alive by itself until
    ``finished`` is delivered.
    """
    worker = Worker(fn)
    callbacks = {"progress": on_progress, "result": on_result, "error": on_error,
                 "cancelled": on_cancelled, "finished": on_finished}
    worker._callbacks = {kind: cb for kind, cb in callbacks.items() if cb is not None}
    worker._owner = owner
    with _ACTIVE_LOCK:
        _ACTIVE.add(worker)
    (pool or QThreadPool.globalInstance()).start(worker._run, priority)
    return worker


def active_workers() -> int:
    """How many started workers have not delivered ``finished`` yet (tests, shutdown)."""
    with _ACTIVE_LOCK:
        return len(_ACTIVE)


def on_gui_thread() -> bool:
    """True when called on the running QCoreApplication's thread (or when there is none)."""
    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() is app.thread()
