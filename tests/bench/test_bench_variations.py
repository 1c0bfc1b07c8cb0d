"""A 4-candidate batch (Variations = 4) through the real main window on a pool of 4, against a
Gemini double answering after 500 ms: wall time from the Generate click to the batch's final
status, and the GUI event loop's longest stall meanwhile. Target: under 0.7 s wall (the four
requests run side by side, so the ideal is the server's 0.5 s).

The double runs in its own process (as the real service would) and sends a prepared answer
(a 1344x768 PNG, what gemini-2.5-flash-image returns for 16:9); the canvas carries a photo and a
sketch, sent as the 2x snapshot, for a 1280x720 thumbnail, as in test_bench_generation_pool.

Run: make bench K=variations
"""

from __future__ import annotations

import time

import pytest

from studio_app.domain.jobs import TERMINAL_STATUSES, JobStatus
from tests.job_signals import STATUS_CHANGES, on_job_event

from . import generation_window as bench_window
from .generation_window import server_url  # noqa: F401 - a fixture

pytestmark = pytest.mark.bench

CANDIDATES = 4
POOL = 4
RUNS = 5


def one_batch(window, qtbot) -> tuple[float, float, str]:  # noqa: ANN001
    """Click Generate with Variations = 4; returns (wall s, longest stall ms, job id)."""
    ended: dict[str, str] = {}
    slot = lambda job_id, status: ended.__setitem__(job_id, status) if status in TERMINAL_STATUSES else None  # noqa: E731
    relay = on_job_event(window.generation, STATUS_CHANGES, slot)
    recorder = bench_window.StallRecorder()
    recorder.start()
    t0 = time.perf_counter()
    job_id = window.generate()
    qtbot.waitUntil(lambda: job_id in ended and window.generate_button.isEnabled(), timeout=30000)
    wall = time.perf_counter() - t0
    qtbot.wait(30)
    recorder.stop()
    window.generation.jobEvent.disconnect(relay)
    return wall, recorder.longest_stall_ms, job_id


def test_four_candidate_batch_wall_time(qapp, qtbot, tmp_path, server_url, bench_record) -> None:  # noqa: ANN001, F811
    store, pool, window = bench_window.open_generation_window(tmp_path, server_url, pool_threads=POOL)
    qtbot.waitExposed(window)
    bench_window.add_canvas_content(window, stroke_width=8)
    window.generate_options.count_spin.setValue(CANDIDATES)

    one_batch(window, qtbot)  # warm-up: imports, connection pools, the snapshot
    walls, stalls = [], []
    for _ in range(RUNS):
        wall, stall, job_id = one_batch(window, qtbot)
        job = store.jobs.get(job_id)
        assert job.status == JobStatus.COMPLETED, job.error_message
        assert len(store.assets.list(job_id=job_id)) == CANDIDATES
        walls.append(wall)
        stalls.append(stall)
        window.staging.keep_all()
    wall, stall = sorted(walls)[RUNS // 2], sorted(stalls)[RUNS // 2]
    bench_record("variations_4_candidates_pool_4_500ms_wall", wall, "s", "< 0.7 s (ideal 0.5 s)", met=wall < 0.7,
                 runs=[round(w, 3) for w in walls], candidates=CANDIDATES, pool=POOL, server_delay_s=0.5,
                 cpu_cores_usable=round(bench_window.usable_cores(), 2))
    bench_record("variations_gui_longest_stall", stall, "ms", "< 50 ms", met=stall < 50,
                 runs=[round(s, 1) for s in stalls])
    bench_window.close_generation_window(store, pool, window)
