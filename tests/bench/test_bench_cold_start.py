"""The GUI's cold start to the first shown window, offscreen, through the real `studio` command.

Each run is a fresh process of ``studio``, timed from just before it is spawned to the moment its main window has
been shown and painted once (``STUDIO_STARTUP_PROBE=1`` makes the app print that moment and
quit; see studio_app/app.py). Three `studio`s are measured:

- the installed wheel: ``build/dist-venv/bin/studio``, the built wheel installed (not editable)
  into a venv with only its runtime dependencies, as a user's ``pipx install`` is (`make bench`
  builds it through `make dist`). The targets apply to it: a normal launch (the data dir exists,
  as on every start after the first) < 1.0 s; the very first launch (empty data dir: the database
  is created and migrated) < 1.5 s;
- the developer venv's ``.venv/bin/studio`` (editable, with the test tools installed: httpx then
  also imports rich, click and pygments), for information;
- the PyInstaller bundle's ``dist/studio/studio``, beside the installed wheel's, runs
  interleaved in the same test (ratio).
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

import pytest

from tests.installed import time_to_window

REPO = Path(__file__).resolve().parents[2]
DEV_STUDIO = Path(sys.executable).with_name("studio")
WHEEL_STUDIO = REPO / "build" / "dist-venv" / "bin" / "studio"
BUNDLE_STUDIO = Path(os.environ.get("STUDIO_BUNDLE", REPO / "dist" / "studio")) / "studio"


def _need(path: Path) -> None:
    if not path.is_file():
        pytest.fail(f"no {path}: `make bench` builds it (make dist)")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "OPENAI_API_KEY", "PYTHONPATH")}
    return {**env, "QT_QPA_PLATFORM": "offscreen"}


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def _launches(studio: list[str], tmp_path: Path, tag: str) -> tuple[list[float], list[float]]:
    """(first launches on empty data dirs, normal launches on an existing one), in seconds."""
    env = _env()
    first = [time_to_window(studio, tmp_path / f"{tag}-first{i}", env, tmp_path) for i in range(5)]
    runs = [time_to_window(studio, tmp_path / f"{tag}-first0", env, tmp_path) for _ in range(7)]
    return first, runs


def test_bench_gui_cold_start(tmp_path: Path, bench_record) -> None:  # noqa: ANN001
    _need(WHEEL_STUDIO)
    first, runs = _launches([str(WHEEL_STUDIO)], tmp_path, "wheel")
    median = statistics.median(runs)
    bench_record("gui_cold_start_to_first_window", median, "s", "< 1.0 s", met=median < 1.0,
                 runs_s=[round(r, 3) for r in runs], min_s=round(min(runs), 3), load=_load(),
                 what="installed wheel's `studio`, fresh process, existing data dir, to the main window shown and painted")
    first_median = statistics.median(first)
    bench_record("gui_first_launch_to_first_window", first_median, "s", "< 1.5 s", met=first_median < 1.5,
                 runs_s=[round(r, 3) for r in first], min_s=round(min(first), 3), load=_load(),
                 what="installed wheel's `studio`, empty data dir (database created and migrated) to the window")


def test_bench_gui_cold_start_dev_venv(tmp_path: Path, bench_record) -> None:  # noqa: ANN001
    first, runs = _launches([str(DEV_STUDIO)], tmp_path, "dev")
    bench_record("gui_cold_start_to_first_window_dev_venv", statistics.median(runs), "s", "(information)",
                 runs_s=[round(r, 3) for r in runs], load=_load(),
                 what="the developer venv's editable `studio` (test tools installed), existing data dir")
    bench_record("gui_first_launch_to_first_window_dev_venv", statistics.median(first), "s", "(information)",
                 runs_s=[round(r, 3) for r in first], load=_load(),
                 what="the developer venv's editable `studio`, empty data dir")


def test_bench_bundle_cold_start_beside_venv(tmp_path: Path, bench_record) -> None:  # noqa: ANN001
    _need(BUNDLE_STUDIO)
    _need(WHEEL_STUDIO)
    env = _env()
    data = tmp_path / "data"
    time_to_window([str(BUNDLE_STUDIO)], data, env, tmp_path)  # creates the data dir, warms the file cache
    time_to_window([str(WHEEL_STUDIO)], data, env, tmp_path)
    bundle, venv = [], []
    for _ in range(7):  # interleaved, so both see the same machine load
        bundle.append(time_to_window([str(BUNDLE_STUDIO)], data, env, tmp_path))
        venv.append(time_to_window([str(WHEEL_STUDIO)], data, env, tmp_path))
    b, v = statistics.median(bundle), statistics.median(venv)
    bench_record("bundle_cold_start_to_first_window", b, "s", "< 1.0 s", met=b < 1.0,
                 peer="installed wheel's studio (same run)", peer_value=v, runs_s=[round(r, 3) for r in bundle],
                 peer_runs_s=[round(r, 3) for r in venv], load=_load(),
                 what="PyInstaller bundle's studio vs the installed wheel's, existing data dir, to the window shown")
