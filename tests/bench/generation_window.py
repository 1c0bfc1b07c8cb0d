"""Shared set-up of the generation benchmarks (test_bench_generation_pool, test_bench_variations).

A Gemini double in its own process (as the real service would be) that sends a prepared answer
(a 1344x768 PNG, what gemini-2.5-flash-image returns for 16:9) after DELAY_S; the real main window
on a pool of its own, its canvas carrying a photo and a sketch (sent as the 2x snapshot) for a
1280x720 thumbnail; the GUI stall recorder (a TICK_MS QTimer: the longest gap between two ticks,
minus the interval); and how many cores the machine gives us now.
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
from studio_app.domain.sketch import SketchElement
from studio_app.services.provider_setup import ProviderSettings, save_provider_settings
from studio_app.ui.canvas.commands import AddSketchCommand
from tests.conftest import FIXTURE_IMAGES
from tests.integration.conftest import no_wait_retry, open_store

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


def open_generation_window(tmp_path: Path, server_url: str, *, pool_threads: int):  # noqa: ANN201
    """A shown main window generating with the Gemini double at ``server_url`` on its own pool of
    ``pool_threads``. Returns (store, pool, window); ``close_generation_window`` ends them."""
    store = open_store(tmp_path / "data")
    save_provider_settings(store, ProviderSettings(default_provider="gemini", base_urls={"gemini": server_url}))
    pool = QThreadPool()
    pool.setMaxThreadCount(pool_threads)
    window = build_main_window(store, retry=no_wait_retry(), pool=pool)
    window.show()
    return store, pool, window


def add_canvas_content(window, stroke_width: float) -> None:  # noqa: ANN001
    """Place the chelsea photo at (500, 360) and a yellow arrow of ``stroke_width`` px."""
    asset = window.library.import_file(FIXTURE_IMAGES / "chelsea.png", remove_background=False).asset
    window.library_panel.refresh()
    window.place_media([asset.id], QPointF(500, 360))
    window.undo_stack.push(AddSketchCommand(window.editor, SketchElement(
        kind="arrow", points=[(45, 60), (80, 25)], color="#FFD60A", stroke_width=stroke_width)))


def close_generation_window(store, pool, window) -> None:  # noqa: ANN001
    """Close the window, let the pool finish, close the store."""
    window.close()
    pool.waitForDone(10000)
    store.close()
