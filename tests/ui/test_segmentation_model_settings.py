"""Settings > Library: the segmentation model choice, fetched from a loopback HTTP server.

The real widget, the real data dir and a real HTTP server on 127.0.0.1 serving a small file
whose size and SHA-256 stand in for the larger model's (tests never download a model).
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from studio_app.domain import segmentation_models as catalogue
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.services.context import StudioStore
from studio_app.services.segmentation_models import SegmentationModels
from studio_app.services.settings_services import SettingsServices
from studio_app.ui.settings.segmentation_model import SegmentationModelWidget

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB stands in for the 179 MB IS-Net file


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/isnet.onnx"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def small_isnet(monkeypatch: pytest.MonkeyPatch) -> catalogue.SegmentationModelSpec:
    spec = catalogue.ISNET_GENERAL.model_copy(update={
        "size_bytes": len(PAYLOAD), "sha256": hashlib.sha256(PAYLOAD).hexdigest(),
        "md5": hashlib.md5(PAYLOAD).hexdigest()})
    monkeypatch.setitem(catalogue.SEGMENTATION_MODELS, spec.id, spec)
    return spec


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StudioStore]:
    s = StudioStore.open(tmp_path / "data")
    yield s
    QThreadPool.globalInstance().waitForDone(10000)
    s.close()


def make_widget(store: StudioStore, qtbot, url: str | None = None) -> SegmentationModelWidget:  # noqa: ANN001
    w = SegmentationModelWidget(SegmentationModels(store), url_override=url)
    qtbot.addWidget(w)
    w.resize(640, 220)
    w.show()
    qtbot.waitUntil(lambda: w.combo.count() == 2 and not w.busy, timeout=10000)
    return w


def test_fetch_on_request_with_progress_then_choose(store, qtbot, server, small_isnet) -> None:  # noqa: ANN001
    w = make_widget(store, qtbot, server)
    assert "shipped" in w.combo.itemText(0) and "not downloaded" in w.combo.itemText(1)
    w.combo.setCurrentIndex(1)
    assert w.download_button.isVisible() and "MB" in w.download_button.text()
    assert "Not downloaded yet" in w.status.text()
    values: list[int] = []
    w.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(w.changed, timeout=20000):
        w.download_button.click()
        assert w.progress.isVisible() and w.cancel_button.isVisible()
    assert values and values[-1] == 100
    assert (store.paths.models / small_isnet.file_name).read_bytes() == PAYLOAD
    qtbot.waitUntil(lambda: not w.busy and "downloaded" in w.combo.itemText(1)
                    and "not downloaded" not in w.combo.itemText(1), timeout=10000)
    assert not w.download_button.isVisible()
    assert w.save() is None
    assert store.settings.section(SETTINGS_SECTION, LibrarySettings).segmentation_model == small_isnet.id


def test_offline_fetch_says_so_and_keeps_the_shipped_model(store, qtbot, small_isnet) -> None:  # noqa: ANN001
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    w = make_widget(store, qtbot, f"http://127.0.0.1:{port}/isnet.onnx")
    w.combo.setCurrentIndex(1)
    w.download_button.click()
    qtbot.waitUntil(lambda: not w.busy and "Offline" in w.status.text(), timeout=20000)
    assert w.download_button.isVisible() and not w.progress.isVisible()
    assert "not downloaded" in (w.save() or "")
    assert store.settings.section(SETTINGS_SECTION, LibrarySettings).segmentation_model == "u2netp"
    assert not store.paths.models.exists() or not any(store.paths.models.iterdir())


def test_settings_dialog_has_a_library_page_with_the_model_choice(store, qtbot) -> None:  # noqa: ANN001
    from studio_app.ui.settings.dialog import SettingsDialog

    dialog = SettingsDialog(SettingsServices.for_store(store))
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Library" in titles
    dialog.tabs.setCurrentIndex(titles.index("Library"))
    qtbot.waitUntil(lambda: dialog.library_page.segmentation.combo.count() == 2, timeout=10000)
    QThreadPool.globalInstance().waitForDone(5000)
