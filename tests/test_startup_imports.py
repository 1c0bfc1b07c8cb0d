"""Start-up stays light: opening the window must not import the heavy libraries that only some
actions need (boto3 for sync, Alembic when the database is current, NumPy/OpenCV for background
removal). Each costs 70-170 ms of the 1.5 s cold-start budget (tests/bench/test_bench_cold_start.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from studio_app.app import build_main_window
from studio_app.services.context import StudioStore
StudioStore.open(sys.argv[1]).close()              # first launch: creates and migrates
for name in [m for m in sys.modules if m.split(".")[0] in ("alembic",)]:
    del sys.modules[name]
store = StudioStore.open(sys.argv[1])             # a normal launch
window = build_main_window(store)
window.show()
app.processEvents()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"boto3", "botocore", "alembic", "numpy", "cv2"})))
"""


def test_opening_the_window_imports_no_heavy_optional_libraries(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=120, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


LAZY = {"alembic", "httpx", "httpx_sse", "keyring", "yaml", "studio_app.providers.chat", "studio_app.providers.gemini",
        "studio_app.providers.openai_images", "studio_app.ui.settings.dialog"}
"""Loaded on first use, not at start-up: Alembic only to upgrade an old file (a new one is made from the
schema snapshot), the network providers and httpx when a job or a coach turn builds one, keyring on the first
key read, PyYAML on the first prompt template, the Settings dialog when opened."""

FIRST_LAUNCH_SCRIPT = r"""
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from studio_app.app import build_main_window
from studio_app.services.context import StudioStore
store = StudioStore.open(sys.argv[1])             # the very first launch: an empty data dir
window = build_main_window(store)
window.show()
app.processEvents()
loaded = set(sys.modules) | {m.split(".")[0] for m in sys.modules}
print(json.dumps({"lazy": sorted(loaded & set(json.loads(sys.argv[2]))),
                  "revision": store.db.stored_revision()}))
"""


def test_first_and_normal_launch_leave_network_keyring_yaml_alembic_and_settings_unloaded(tmp_path: Path) -> None:
    from studio_app.store.database import SCHEMA_HEAD

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    for launch in ("first", "normal"):  # the same data dir: created by the first, reopened by the second
        out = subprocess.run([sys.executable, "-c", FIRST_LAUNCH_SCRIPT, str(tmp_path / "data"), json.dumps(sorted(LAZY))],
                             capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        assert result == {"lazy": [], "revision": SCHEMA_HEAD}, launch
