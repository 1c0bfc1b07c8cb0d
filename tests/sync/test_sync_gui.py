"""SyncService (QThreadPool worker + signals) and the sync widgets with pytest-qt, against the real
moto server: status bar states, Sync now, the safety prompt, and resolving in the conflicts dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from studio_app.services.sync_service import SyncService, SyncState
from studio_app.sync.conflicts import Resolution
from studio_app.ui.sync import ConflictsDialog, SyncSettingsPanel, SyncStatusWidget
from studio_app.ui.sync.status_widget import relative_time

from .moto_server import ACCESS_KEY, SECRET_KEY, free_port


def _env(endpoint: str, bucket: str) -> dict[str, str]:
    return {"STUDIO_SYNC_ENDPOINT": endpoint, "STUDIO_SYNC_BUCKET": bucket, "STUDIO_SYNC_PREFIX": "studio",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}


@pytest.fixture
def pool():
    p = QThreadPool()
    yield p
    p.waitForDone(30_000)


def _service(dev, pool, endpoint=None) -> SyncService:
    return SyncService(dev.store, pool=pool, environ=_env(endpoint or dev.endpoint, dev.bucket))


def test_status_goes_pending_syncing_synced(qtbot, make_device, pool) -> None:
    a = make_device("A")
    svc = _service(a, pool)
    a.add_media("logo")
    assert svc.refresh_status().state == SyncState.PENDING and svc.status().pending == 1
    states: list[SyncState] = []
    svc.status_changed.connect(lambda s: states.append(s.state))
    with qtbot.waitSignal(svc.finished, timeout=30_000) as blocker:
        assert svc.sync_now()
        assert not svc.sync_now()  # one run at a time
    report = blocker.args[0]
    assert len(report.uploaded) == 1
    assert SyncState.SYNCING in states and svc.status().state == SyncState.SYNCED
    assert svc.status().last_synced_at


def test_offline_shows_offline_and_keeps_changes(qtbot, make_device, pool) -> None:
    a = make_device("A")
    a.add_media("logo")
    svc = _service(a, pool, endpoint=f"http://127.0.0.1:{free_port()}")
    with qtbot.waitSignal(svc.failed, timeout=60_000) as blocker:
        svc.sync_now()
    assert "cannot reach" in blocker.args[0]
    assert svc.status().state == SyncState.OFFLINE and svc.status().pending == 1


def test_status_widget_runs_sync_now_and_shows_progress(qtbot, make_device, pool) -> None:
    a = make_device("A")
    for i in range(3):
        a.add_media(f"m{i}")
    svc = _service(a, pool)
    widget = SyncStatusWidget(svc)
    qtbot.addWidget(widget)
    svc.refresh_status()
    assert widget.label.text().startswith("3 pending")
    seen_bar = []
    svc.status_changed.connect(lambda s: seen_bar.append(widget.bar.isVisibleTo(widget)))
    with qtbot.waitSignal(svc.finished, timeout=30_000):
        widget.sync_button.click()
    assert any(seen_bar)
    assert widget.label.text() == "Synced just now" and not widget.bar.isVisibleTo(widget)


def test_safety_stop_asks_and_goes_on_when_confirmed(qtbot, make_device, moto_server, bucket, pool) -> None:
    a = make_device("A")
    a.add_media("x")
    a.sync()
    c = moto_server.client()
    for o in c.list_objects_v2(Bucket=bucket)["Contents"]:
        c.delete_object(Bucket=bucket, Key=o["Key"])
    svc = _service(a, pool)
    asked: list[str] = []
    widget = SyncStatusWidget(svc, confirm=lambda msg: asked.append(msg) or True)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(svc.finished, timeout=30_000) as blocker:
        svc.sync_now()
    assert asked and "listing is empty" in asked[0]
    assert len(blocker.args[0].uploaded) == 1  # confirmed: uploaded again


def test_conflicts_dialog_resolves_the_selected_conflict(qtbot, make_device, pool) -> None:
    a, b = make_device("A"), make_device("B")
    doc = a.new_canvas("Draft")
    a.sync(), b.sync()
    a.rename_canvas(doc.id, "A version")
    b.rename_canvas(doc.id, "B version")
    a.sync(), b.sync()
    svc = _service(b, pool)
    widget = SyncStatusWidget(svc)
    qtbot.addWidget(widget)
    svc.refresh_status()
    assert widget.conflicts_button.isVisibleTo(widget) and widget.conflicts_button.text() == "Conflicts (1)"
    dialog = widget.open_conflicts()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "A version"
    assert dialog.table.item(0, 2).text().startswith("B version (conflict copy")
    dialog.keep_copy.click()
    assert dialog.table.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
    assert b.canvas_names() == ["B version"]
    assert not widget.conflicts_button.isVisibleTo(widget)
    assert svc.conflicts() == [] and Resolution.KEEP_COPY.value == "keep_copy"


def test_settings_panel_validates_and_tests_the_connection(qtbot, make_device, pool, tmp_path) -> None:
    a = make_device("A")
    svc = SyncService(a.store, pool=pool, environ={"AWS_ACCESS_KEY_ID": ACCESS_KEY,
                                                   "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    panel = SyncSettingsPanel(svc)
    qtbot.addWidget(panel)
    panel.bucket.setText("Not A Bucket")
    assert panel.save() is False and panel.message.text().startswith("Not saved: bucket")
    assert svc.settings().bucket == ""
    panel.bucket.setText(a.bucket)
    panel.endpoint.setText(a.endpoint)
    with qtbot.waitSignal(svc.connection_tested, timeout=30_000) as blocker:
        panel.test_button.click()
    assert blocker.args[0].ok and blocker.args[0].conditional == "full"
    assert panel.message.text().startswith("Connected:")
    assert svc.settings().bucket == a.bucket
    assert "secret" not in (a.root / "settings.json").read_text().lower()


def test_relative_time() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 1, 2, tzinfo=UTC)
    assert relative_time(None) == "never"
    assert relative_time((now - timedelta(seconds=5)).isoformat(), now) == "just now"
    assert relative_time((now - timedelta(minutes=5)).isoformat(), now) == "5 min ago"
    assert relative_time((now - timedelta(hours=3)).isoformat(), now) == "3 h ago"
    assert relative_time((now - timedelta(days=2)).isoformat(), now) == "2 days ago"
    assert ConflictsDialog.COLUMNS[0] == "Kind"
