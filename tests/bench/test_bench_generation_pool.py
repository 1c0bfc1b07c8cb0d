"""8 generations on a pool of 4 against a Gemini double that answers after 500 ms, with the real
main window receiving every result: wall time, and the GUI event loop's longest stall meanwhile.

The double runs in its own process (as the real service would) and sends a prepared answer
(a 1344x768 PNG) after 500 ms, so the figure
is the app's own cost and not the double's request checking. Each job is what Generate
sends: the window's canvas (a photo and a sketch) as a 2x snapshot plus the built prompt,
for a 1280x720 thumbnail. Jobs are submitted one per event-loop turn, as clicks would be.
The stall is measured with a 5 ms QTimer on the GUI thread: the longest gap between two
ticks, minus the interval.

Run: python -m pytest tests/bench -k generation_pool -s -p no:cacheprovider
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import JobStatus
from studio_app.services.generation import GenerateRequest
from tests.job_signals import STATUS_CHANGES, on_job_event

from . import generation_window as bench_window
from .generation_window import server_url  # noqa: F401 - a fixture

pytestmark = pytest.mark.bench

JOBS = 8
POOL = 4


def run_batch(window, qtbot) -> tuple[float, float, float, list[str]]:  # noqa: ANN001
    """Submit JOBS generations, one per event-loop turn; returns (wall s, stall ms, process CPU s,
    job ids)."""
    done: dict[str, str] = {}
    on_job_event(window.generation, STATUS_CHANGES,
        lambda job_id, status: done.__setitem__(job_id, status) if status in ("completed", "failed") else None)
    ids: list[str] = []
    doc = window.editor.document

    def submit() -> None:
        ids.append(window.generation.submit(GenerateRequest(asset_type=AssetType.THUMBNAIL, canvas=doc,
                                                            provider="gemini")).id)
        if len(ids) < JOBS:
            QTimer.singleShot(0, submit)

    recorder = bench_window.StallRecorder()
    recorder.start()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    QTimer.singleShot(0, submit)
    qtbot.waitUntil(lambda: len(ids) == JOBS and all(i in done for i in ids), timeout=60000)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    qtbot.wait(50)  # let the last completion handlers run while the recorder still ticks
    recorder.stop()
    return wall, recorder.longest_stall_ms, cpu, ids


def test_generation_pool_wall_time_and_gui_stall(qapp, qtbot, tmp_path, server_url, bench_record):  # noqa: ANN001, F811
    store, pool, window = bench_window.open_generation_window(tmp_path, server_url, pool_threads=POOL)
    qtbot.waitExposed(window)
    bench_window.add_canvas_content(window, stroke_width=8 / 7.2)

    run_batch(window, qtbot)  # warm-up: imports, connection pools, caches
    walls, stalls, cpus = [], [], []
    for _ in range(3):
        wall, stall, cpu, ids = run_batch(window, qtbot)
        assert all(store.jobs.get(i).status == JobStatus.COMPLETED for i in ids)
        walls.append(wall)
        stalls.append(stall)
        cpus.append(cpu)
    wall, stall = sorted(walls)[1], sorted(stalls)[1]
    bench_record("generation_pool_8_jobs_4_threads_500ms_wall", wall, "s", "<= 1.3 s (ideal 1.0 s)",
                 met=wall <= 1.3, runs=[round(w, 3) for w in walls], jobs=JOBS, pool=POOL, server_delay_s=bench_window.DELAY_S,
                 process_cpu_s=[round(c, 3) for c in cpus], cpu_cores_usable=round(bench_window.usable_cores(), 2))
    # Issue 14: under 16 ms (one frame at 60 Hz); about 26 ms before Generate's prompt and job row
    # moved to the intake thread and job writes stopped sleeping in SQLite's busy handler. The
    # figure includes time the OS gives other processes: on a shared machine read it beside
    # cpu_cores_usable of the wall-time entry.
    bench_record("generation_pool_gui_longest_stall", stall, "ms", "< 16 ms", met=stall < 16,
                 runs=[round(s, 1) for s in stalls], tick_ms=bench_window.TICK_MS)
    bench_window.close_generation_window(store, pool, window)
