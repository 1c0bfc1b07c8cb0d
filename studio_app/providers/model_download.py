"""Fetch an optional segmentation model on the user's request (Settings > Library).

Nothing is downloaded unless the user asks; the shipped u2netp keeps working meanwhile. The
file is streamed to ``<name>.part`` in the destination folder while its SHA-256 (and the
publisher's MD5 where listed) are computed; only a file of the recorded size and digests is
flushed, fsynced and moved into place with ``os.replace``, so a half-written or swapped file is
never loaded. Errors are one line: offline, a server error, a checksum mismatch, a full disk,
or a cancel.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from studio_app.domain.segmentation_models import SegmentationModelSpec

__all__ = ["ModelDownloadCancelled", "ModelDownloadError", "download_model"]

CHUNK_BYTES = 1 << 20
"""Bytes read and written per step (1 MiB); progress is reported after each."""

Progress = Callable[[int, int], None]
"""``progress(received_bytes, total_bytes)``."""


class ModelDownloadError(RuntimeError):
    """The model could not be fetched; ``str()`` is a one-line reason. Nothing is kept."""


class ModelDownloadCancelled(ModelDownloadError):
    """The user cancelled; the partial file was removed."""


def download_model(
    spec: SegmentationModelSpec,
    dest_dir: Path,
    *,
    url: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    client: httpx.Client | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Download ``spec``'s weights into ``dest_dir`` and check them.

    Args:
        spec: the model (its ``size_bytes``, ``sha256`` and optional ``md5`` are checked).
        dest_dir: the data dir's ``models/`` folder (created).
        url: override of ``spec.url`` (a mirror; tests use a loopback server).
        progress: called with (received bytes, total bytes) after each chunk.
        cancel: set it from another thread to stop after the current chunk.
        client: an httpx client to use (default: a new one, closed afterwards).
        timeout_s: connect and read timeout, s.

    Returns:
        The path of the checked file.

    Raises:
        ModelDownloadError: offline or unreachable, HTTP error, wrong size or checksum, or the
            disk refused the write (one line; the partial file is removed).
        ModelDownloadCancelled: ``cancel`` was set.
    """
    source = url or spec.url
    if not source:
        raise ModelDownloadError(f"{spec.id} ships with the app; there is nothing to fetch")
    dest_dir = Path(dest_dir)
    final = dest_dir / spec.file_name
    part = dest_dir / (spec.file_name + ".part")
    host = urlsplit(source).hostname or source
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=True)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        with http.stream("GET", source) as response:
            received, sha256, md5 = _write_part(response, part, spec, progress, cancel)
        if received != spec.size_bytes:
            raise ModelDownloadError(f"the download stopped at {received} of {spec.size_bytes} bytes; try again")
        if sha256 != spec.sha256 or (spec.md5 and md5 != spec.md5):
            raise ModelDownloadError(f"the downloaded {spec.id} failed its checksum check; it was not kept")
        part.replace(final)
        return final
    except (httpx.HTTPError, OSError) as exc:
        part.unlink(missing_ok=True)
        raise _failure(exc, host, timeout_s) from exc
    except ModelDownloadError:
        part.unlink(missing_ok=True)
        raise
    finally:
        if own:
            http.close()


def _write_part(response: httpx.Response, part: Path, spec: SegmentationModelSpec, progress: Progress | None,
                cancel: threading.Event | None) -> tuple[int, str, str]:
    """Stream an answer into ``part`` (flushed and fsynced); returns (bytes received, SHA-256
    hex, MD5 hex).

    Raises:
        ModelDownloadError: an HTTP status other than 200, a size other than the spec's, or
            more bytes than that.
        ModelDownloadCancelled: ``cancel`` was set.
        OSError: the disk refused the write.
    """
    if response.status_code != 200:
        raise ModelDownloadError(f"the download server answered HTTP {response.status_code}; try again later")
    total = int(response.headers.get("content-length") or spec.size_bytes)
    if total != spec.size_bytes:
        raise ModelDownloadError(f"the server offers {total} bytes but {spec.id} has {spec.size_bytes}; not downloaded")
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    received = 0
    with part.open("wb") as f:
        for chunk in response.iter_bytes(CHUNK_BYTES):
            if cancel is not None and cancel.is_set():
                raise ModelDownloadCancelled("download cancelled")
            received += len(chunk)
            if received > spec.size_bytes:
                raise ModelDownloadError(f"the server sent more than {spec.size_bytes} bytes; not kept")
            f.write(chunk)
            sha.update(chunk)
            md5.update(chunk)
            if progress is not None:
                progress(received, spec.size_bytes)
        f.flush()
        os.fsync(f.fileno())
    return received, sha.hexdigest(), md5.hexdigest()


def _failure(exc: httpx.HTTPError | OSError, host: str, timeout_s: float) -> ModelDownloadError:
    """The one-line error for a network or disk failure: offline, a timeout, another HTTP
    failure, or a refused write."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return ModelDownloadError(f"offline: could not reach {host}; the shipped model stays in use")
    if isinstance(exc, httpx.TimeoutException):
        return ModelDownloadError(f"{host} stopped answering (timeout after {timeout_s:g} s); try again")
    if isinstance(exc, httpx.HTTPError):
        return ModelDownloadError(f"the download failed: {type(exc).__name__}: {exc}".splitlines()[0])
    return ModelDownloadError(f"could not write the model file: {exc.strerror or exc}")
