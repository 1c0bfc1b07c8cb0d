"""download_model against a real HTTP server on loopback: progress, checksum, offline, cancel.

Tests never reach the internet: the server serves a few hundred KB of bytes whose size and
SHA-256 the test's model spec records.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from studio_app.domain.segmentation_models import ISNET_GENERAL, SegmentationModelSpec
from studio_app.providers.model_download import ModelDownloadCancelled, ModelDownloadError, download_model

PAYLOAD = bytes(range(256)) * 1200  # 307,200 bytes


class _Handler(BaseHTTPRequestHandler):
    payload = PAYLOAD
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.server.hits += 1  # type: ignore[attr-defined]
        if self.path != "/models/test.onnx":
            self.send_error(404)
            return
        self.send_response(self.status)
        self.send_header("Content-Type", "application/octet-stream")
        if self.server.send_length:  # type: ignore[attr-defined]
            self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        if self.status == 200:
            self.wfile.write(self.payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.hits = 0  # type: ignore[attr-defined]
    srv.send_length = True  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def spec_for(data: bytes) -> SegmentationModelSpec:
    return ISNET_GENERAL.model_copy(update={
        "id": "test-model", "file_name": "test.onnx", "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()})


def url(srv: ThreadingHTTPServer, path: str = "/models/test.onnx") -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def test_download_checks_and_moves_the_file_into_place_with_progress(server, tmp_path: Path) -> None:  # noqa: ANN001
    seen: list[tuple[int, int]] = []
    path = download_model(spec_for(PAYLOAD), tmp_path / "models", url=url(server),
                          progress=lambda d, t: seen.append((d, t)))
    assert path == tmp_path / "models" / "test.onnx" and path.read_bytes() == PAYLOAD
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD)) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not list((tmp_path / "models").glob("*.part"))


def test_a_checksum_mismatch_keeps_nothing(server, tmp_path: Path) -> None:  # noqa: ANN001
    _Handler.payload = PAYLOAD[:-1] + b"\x00"  # same size, one byte changed
    with pytest.raises(ModelDownloadError, match="checksum"):
        download_model(spec_for(PAYLOAD), tmp_path, url=url(server))
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_size_is_refused_before_writing(server, tmp_path: Path) -> None:  # noqa: ANN001
    _Handler.payload = PAYLOAD[:1000]
    with pytest.raises(ModelDownloadError, match="offers 1000 bytes"):
        download_model(spec_for(PAYLOAD), tmp_path, url=url(server))
    assert list(tmp_path.iterdir()) == []


def test_a_cut_stream_without_length_is_not_kept(server, tmp_path: Path) -> None:  # noqa: ANN001
    server.send_length = False  # the answer ends when the connection closes, early
    _Handler.payload = PAYLOAD[:1000]
    with pytest.raises(ModelDownloadError, match="stopped at 1000 of 307200 bytes"):
        download_model(spec_for(PAYLOAD), tmp_path, url=url(server))
    assert list(tmp_path.iterdir()) == []


def test_http_errors_are_one_line(server, tmp_path: Path) -> None:  # noqa: ANN001
    with pytest.raises(ModelDownloadError, match="HTTP 404") as info:
        download_model(spec_for(PAYLOAD), tmp_path, url=url(server, "/missing.onnx"))
    assert "\n" not in str(info.value)


def test_offline_says_so(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ModelDownloadError, match="offline: could not reach 127.0.0.1"):
        download_model(spec_for(PAYLOAD), tmp_path, url=f"http://127.0.0.1:{port}/m.onnx", timeout_s=2)
    assert list(tmp_path.iterdir()) == []


def test_cancel_removes_the_partial_file(server, tmp_path: Path) -> None:  # noqa: ANN001
    data = bytes(3 * 1024 * 1024)
    _Handler.payload = data
    cancel = threading.Event()

    def progress(done: int, _total: int) -> None:
        cancel.set()

    with pytest.raises(ModelDownloadCancelled):
        download_model(spec_for(data), tmp_path, url=url(server), progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_the_shipped_model_has_nothing_to_fetch(tmp_path: Path) -> None:
    from studio_app.domain.segmentation_models import U2NETP

    with pytest.raises(ModelDownloadError, match="ships with the app"):
        download_model(U2NETP, tmp_path)
