"""The worker helper: result, progress, error and cancel, delivered on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread, QThreadPool

from studio_app.services.workers import (
    WorkerCancelled,
    WorkerContext,
    active_workers,
    first_line,
    on_gui_thread,
    run_in_pool,
)


@pytest.fixture
def pool():
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield pool
    pool.waitForDone(5000)


def _recorder():
    events: list[tuple] = []

    def add(kind):
        return lambda *args: events.append((kind, *args, on_gui_thread()))
    return events, add


def test_result_and_progress_arrive_in_order_on_the_gui_thread(qtbot, pool) -> None:
    events, add = _recorder()
    ran_on: list[QThread] = []

    def work(ctx: WorkerContext) -> int:
        ran_on.append(QThread.currentThread())
        for i in range(3):
            ctx.progress((i, 3))
        return 42

    worker = run_in_pool(work, pool=pool, on_progress=add("progress"), on_result=add("result"),
                         on_error=add("error"), on_finished=add("finished"))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        pass
    assert ran_on and ran_on[0] is not QThread.currentThread()
    assert events == [("progress", (0, 3), True), ("progress", (1, 3), True), ("progress", (2, 3), True),
                      ("result", 42, True), ("finished", True)]
    assert worker.is_done()


def test_an_exception_is_delivered_as_error_not_result(qtbot, pool) -> None:
    events, add = _recorder()

    def work(_ctx: WorkerContext) -> None:
        raise OSError("disk full\nsecond line")

    worker = run_in_pool(work, pool=pool, on_result=add("result"), on_error=add("error"))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        pass
    assert len(events) == 1
    kind, exc, gui = events[0]
    assert (kind, type(exc), gui) == ("error", OSError, True)
    assert first_line(exc) == "disk full"
    assert first_line(ValueError()) == "ValueError"


def test_cancel_before_start_never_runs_the_callable(qtbot, pool) -> None:
    release = threading.Event()
    ran: list[str] = []
    blocker = run_in_pool(lambda _ctx: release.wait(5), pool=pool)  # the only pool thread
    events, add = _recorder()
    queued = run_in_pool(lambda _ctx: ran.append("ran"), pool=pool, on_result=add("result"),
                         on_cancelled=add("cancelled"), on_finished=add("finished"))
    queued.cancel()
    assert queued.is_cancel_requested()
    release.set()
    with qtbot.waitSignals([blocker.finished, queued.finished], timeout=5000):
        pass
    assert ran == []
    assert events == [("cancelled", True), ("finished", True)]


def test_cooperative_cancel_stops_a_running_callable(qtbot, pool) -> None:
    started = threading.Event()
    events, add = _recorder()

    def work(ctx: WorkerContext) -> str:
        started.set()
        while True:
            ctx.raise_if_cancelled()
            ctx.cancel_event.wait(0.01)

    worker = run_in_pool(work, pool=pool, on_result=add("result"), on_error=add("error"),
                         on_cancelled=add("cancelled"))
    assert started.wait(5)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.cancel()
    assert worker.wait(5)
    assert events == [("cancelled", True)]


def test_a_worker_started_off_the_gui_thread_reports_on_the_gui_thread(qtbot, pool) -> None:
    events, add = _recorder()
    handles = []
    starter = threading.Thread(target=lambda: handles.append(
        run_in_pool(lambda _ctx: "done", pool=pool, on_result=add("result"))))
    starter.start()
    starter.join(5)
    qtbot.waitUntil(lambda: bool(events), timeout=5000)
    assert events == [("result", "done", True)]
    with qtbot.waitSignal(handles[0].finished, timeout=5000, raising=False):
        pass
    assert handles[0].is_done()


def test_workers_keep_themselves_alive_until_finished(qtbot, pool) -> None:
    before = active_workers()
    gate = threading.Event()
    results: list[int] = []
    for i in range(3):
        run_in_pool(lambda _ctx, i=i: gate.wait(5) and i, pool=pool, on_result=results.append)
    assert active_workers() == before + 3
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 3, timeout=5000)
    assert sorted(results) == [0, 1, 2]
    assert active_workers() == before


def test_raise_if_cancelled_raises_only_after_cancel(qtbot, pool) -> None:
    seen: list[str] = []

    def work(ctx: WorkerContext) -> None:
        ctx.raise_if_cancelled()
        seen.append("passed")
        with pytest.raises(WorkerCancelled):
            ctx.cancel_event.set()
            ctx.raise_if_cancelled()
        seen.append("raised")

    worker = run_in_pool(work, pool=pool)
    with qtbot.waitSignal(worker.result, timeout=5000):
        pass
    assert seen == ["passed", "raised"]


def test_callbacks_of_a_destroyed_owner_are_skipped(qtbot, pool) -> None:
    from PySide6.QtCore import QObject
    from shiboken6 import delete

    owner, survivor = QObject(), QObject()
    gate = threading.Event()
    calls: list[str] = []
    gone = run_in_pool(lambda _ctx: gate.wait(5), pool=pool, owner=owner,
                       on_result=lambda _r: calls.append("gone"))
    kept = run_in_pool(lambda _ctx: gate.wait(5), pool=pool, owner=survivor,
                       on_result=lambda _r: calls.append("kept"))
    delete(owner)
    gate.set()
    with qtbot.waitSignals([gone.finished, kept.finished], timeout=5000):
        pass
    assert calls == ["kept"]
