"""Issue 14, point 7: sync that answers, in the real main window against the real moto server.
Sync now (F5) with no bucket opens Settings → Sync; a run shows progress in the status bar and
then its result; a failure shows its one-line reason and a Retry; the library pane refreshes
when a sync or a ``studio import`` in another process changed the library."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from studio_app.app import build_main_window
from studio_app.services.context import StudioStore
from studio_app.services.sync_service import SyncState
from tests.conftest import FIXTURE_IMAGES

from .moto_server import ACCESS_KEY, SECRET_KEY, free_port

REPO = Path(__file__).resolve().parents[2]


def png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(buf, format="PNG")
    return buf.getvalue()


def _sync_env(monkeypatch: pytest.MonkeyPatch, endpoint: str, bucket: str) -> None:
    for key, value in {"STUDIO_SYNC_ENDPOINT": endpoint, "STUDIO_SYNC_BUCKET": bucket,
                       "STUDIO_SYNC_PREFIX": "studio", "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                       "AWS_SECRET_ACCESS_KEY": SECRET_KEY}.items():
        monkeypatch.setenv(key, value)


def _window(store: StudioStore, qtbot):  # noqa: ANN001
    win = build_main_window(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_f5_with_no_bucket_opens_the_sync_settings_page(tmp_path, qtbot, monkeypatch) -> None:  # noqa: ANN001
    for key in ("STUDIO_SYNC_ENDPOINT", "STUDIO_SYNC_BUCKET"):
        monkeypatch.delenv(key, raising=False)
    store = StudioStore.open(tmp_path / "data")
    window = _window(store, qtbot)
    assert window.sync.status().state is SyncState.NOT_CONFIGURED
    assert window.sync_status.sync_button.text() == "Set up sync…" and window.sync_status.sync_button.isEnabled()
    assert window.sync_now_action.shortcut().toString() == "F5"
    window.sync_now_action.trigger()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible() and dialog.tabs.currentWidget() is dialog.sync_page
    dialog.reject()
    window.sync_status.sync_button.click()  # the status bar's button does the same
    assert window.settings_dialog is not dialog and window.settings_dialog.tabs.currentWidget().panel.bucket
    window.settings_dialog.reject()
    window.close()
    store.close()


def test_a_run_shows_progress_then_its_result(make_device, qtbot, monkeypatch) -> None:  # noqa: ANN001
    a = make_device("A")
    for i in range(3):
        a.add_media(f"logo {i}", png((i * 60, 10, 10)))
    _sync_env(monkeypatch, a.endpoint, a.bucket)
    window = _window(a.store, qtbot)
    widget = window.sync_status
    seen: list[tuple[bool, str]] = []
    window.sync.status_changed.connect(lambda s: seen.append((widget.bar.isVisibleTo(widget), widget.label.text())))
    with qtbot.waitSignal(window.sync.finished, timeout=60_000):
        window.sync_now_action.trigger()
    assert any(visible and text.startswith("Syncing") for visible, text in seen)
    assert window.statusBar().currentMessage() == "Sync done: 3 uploaded, 0 downloaded"
    assert widget.label.text() == "Synced just now" and not widget.bar.isVisibleTo(widget)
    window.close()


def test_a_failure_shows_its_reason_and_a_retry(make_device, qtbot, monkeypatch) -> None:  # noqa: ANN001
    a = make_device("A")
    a.add_media("logo", png((1, 2, 3)))
    _sync_env(monkeypatch, f"http://127.0.0.1:{free_port()}", a.bucket)
    window = _window(a.store, qtbot)
    widget = window.sync_status
    with qtbot.waitSignal(window.sync.failed, timeout=60_000) as failed:
        window.sync_now()
    reason = failed.args[0]
    assert "cannot reach" in reason and "\n" not in reason
    assert widget.label.text().startswith("Offline") and "cannot reach" in widget.label.text()
    assert widget.sync_button.text() == "Retry" and widget.sync_button.isEnabled()
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Sync failed: {reason}") and "Retry" in message
    with qtbot.waitSignal(window.sync.failed, timeout=60_000):  # Retry runs again (and fails again)
        widget.sync_button.click()
        assert window.sync.is_running()
    window.close()


def test_the_library_refreshes_after_a_sync_brought_assets(make_device, qtbot, monkeypatch) -> None:  # noqa: ANN001
    a, b = make_device("A"), make_device("B")
    b.add_media("from the laptop", png((200, 100, 0)))
    b.sync()
    _sync_env(monkeypatch, a.endpoint, a.bucket)
    window = _window(a.store, qtbot)
    assert window.library_panel.count_label.text() == "0 assets"
    with qtbot.waitSignal(window.sync.finished, timeout=60_000):
        window.sync_now()
    qtbot.waitUntil(lambda: window.library_panel.count_label.text() == "1 asset", timeout=5000)
    assert window.library_panel.model.rowCount() == 1
    window.close()


def _cli_import(data: Path, photo: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(data), "import", str(photo),
                          "--no-remove-background"], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr


def test_the_library_refreshes_after_a_cli_import(tmp_path, qtbot) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    store = StudioStore.open(data)
    window = _window(store, qtbot)
    panel = window.library_panel
    assert panel.count_label.text() == "0 assets"
    _cli_import(data, FIXTURE_IMAGES / "chelsea.png")  # the file watch notices
    qtbot.waitUntil(lambda: panel.count_label.text() == "1 asset", timeout=10_000)
    assert panel.model.rowCount() == 1
    # without file events (a network drive, a watcher limit) coming back to the window refreshes
    window.library_watcher.files.blockSignals(True)
    _cli_import(data, FIXTURE_IMAGES / "coffee.png")
    qtbot.wait(800)
    assert panel.count_label.text() == "1 asset"
    window.library_watcher._app_state(Qt.ApplicationState.ApplicationActive)
    qtbot.waitUntil(lambda: panel.count_label.text() == "2 assets", timeout=5000)
    assert panel.model.rowCount() == 2
    window.close()
    store.close()
