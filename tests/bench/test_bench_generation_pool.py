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

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QPointF, Qt, QThreadPool, QTimer

from studio_app.app import build_main_window
from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import JobStatus
from studio_app.domain.sketch import SketchElement
from studio_app.services.generation import GenerateRequest
from studio_app.services.provider_setup import ProviderSettings, save_provider_settings
from studio_app.ui.canvas.commands import AddSketchCommand
from tests.conftest import FIXTURE_IMAGES
from tests.integration.conftest import no_wait_retry, open_store
from tests.job_signals import STATUS_CHANGES, on_job_event

pytestmark = pytest.mark.bench

JOBS = 8
POOL = 4
DELAY_S = 0.5
TICK_MS = 5
REPO = Path(__file__).resolve().parents[2]
SERVER = f"""
import base64, json, sys
from tests.servers import gemini_server as gs
from tests.servers.loopback import Fault
# The answer Gemini 2.5 flash gives for a 16:9 request, built once: the double then only waits
# and sends it (its request checks run in the functional tests, not here).
answer = {{"candidates": [{{"content": {{"role": "model", "parts": [
    {{"text": "Here is your thumbnail."}},
    {{"inlineData": {{"mimeType": "image/png", "data": base64.b64encode(gs.png_of_size(1344, 768)).decode()}}}}]}},
    "finishReason": "STOP", "index": 0}}], "modelVersion": "gemini-2.5-flash-image", "responseId": "bench"}}
gs.check_answer(answer)
body = json.dumps(answer).encode()
server = gs.GeminiServer().start()
server.script(*[Fault(delay_s={DELAY_S}, body=body) for _ in range(1000)])
print(server.port, flush=True)
sys.stdin.read()
server.stop()
"""


class StallRecorder:
    """Ticks a precise QTimer every TICK_MS on the GUI thread; the longest gap minus the
    interval is how long the event loop could not run."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps_ms: list[float] = []
        self._last = 0

    def start(self) -> None:
        self.clock.start()
        self._last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.gaps_ms.append((now - self._last) / 1e6)
        self._last = now

    @property
    def longest_stall_ms(self) -> float:
        return max(0.0, max(self.gaps_ms, default=0.0) - TICK_MS)


def _spin(seconds: float) -> int:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def usable_cores() -> float:
    """How many cores this machine gives us now: the work two processes spinning together get
    done, over one spinning alone (2.0 on an idle 2-core machine; less when others share it)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as ex:
        ex.submit(_spin, 0.05).result()
        alone = _spin(0.3)
        together = sum(ex.map(_spin, [0.3, 0.3]))
    return together / alone


@pytest.fixture(scope="module")
def server_url():
    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.stdin.close()
        proc.wait(10)


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

    recorder = StallRecorder()
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


def test_generation_pool_wall_time_and_gui_stall(qapp, qtbot, tmp_path, server_url, bench_record):  # noqa: ANN001
    store = open_store(tmp_path / "data")
    save_provider_settings(store, ProviderSettings(default_provider="gemini", base_urls={"gemini": server_url}))
    pool = QThreadPool()
    pool.setMaxThreadCount(POOL)
    window = build_main_window(store, retry=no_wait_retry(), pool=pool)
    window.show()
    qtbot.waitExposed(window)
    asset = window.library.import_file(FIXTURE_IMAGES / "chelsea.png", remove_background=False).asset
    window.library_panel.refresh()
    window.place_media([asset.id], QPointF(500, 360))
    window.undo_stack.push(AddSketchCommand(window.editor, SketchElement(
        kind="arrow", points=[(45, 60), (80, 25)], color="#FFD60A", stroke_width=8 / 7.2)))

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
                 met=wall <= 1.3, runs=[round(w, 3) for w in walls], jobs=JOBS, pool=POOL, server_delay_s=DELAY_S,
                 process_cpu_s=[round(c, 3) for c in cpus], cpu_cores_usable=round(usable_cores(), 2))
    # Issue 14: under 16 ms (one frame at 60 Hz); about 26 ms before Generate's prompt and job row
    # moved to the intake thread and job writes stopped sleeping in SQLite's busy handler. The
    # figure includes time the OS gives other processes: on a shared machine read it beside
    # cpu_cores_usable of the wall-time entry.
    bench_record("generation_pool_gui_longest_stall", stall, "ms", "< 16 ms", met=stall < 16,
                 runs=[round(s, 1) for s in stalls], tick_ms=TICK_MS)
    window.close()
    pool.waitForDone(10000)
    store.close()
