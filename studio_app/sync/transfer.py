"""Blob transfers: uploads (single PUT or resumable multipart) and hash-checked downloads.

Uploads are idempotent: a blob's key is its SHA-256, so PUT ``If-None-Match: *`` answering 412
means "already there". Large blobs go up in parts; the upload id is saved before the first part
so a killed run resumes it (parts whose MD5 etag matches are skipped) and nothing is left to
bill. Downloads stream into a temp file beside the blob, are hashed on the way, and are renamed
into place only when the SHA-256 matches: a dropped connection or bad bytes never leave a
partial or wrong file in the library.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from studio_app.store.blobs import BlobNotFoundError, BlobStore

from .errors import (
    PreconditionFailedError,
    RemoteIntegrityError,
    RemoteNotFoundError,
    SyncCancelledError,
    SyncOfflineError,
)
from .faults import KillSwitch
from .keys import KeyLayout
from .state import SyncStateStore

if TYPE_CHECKING:  # boto3 is imported only when a remote is built (start-up time)
    from .remote import S3Remote

DOWNLOAD_ATTEMPTS = 3
INCOMING_DIRNAME = "sync-incoming"
"""Downloads land here (same filesystem as the blob store) until their hash checks out."""


class _HashingSink:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.hash = hashlib.sha256()

    def write(self, b: bytes) -> int:
        self.hash.update(b)
        return self.fh.write(b)


class BlobTransfer:
    """Moves blobs between a BlobStore and the bucket.

    Args:
        incoming_dir: folder for partial downloads (default: ``sync-incoming`` beside the blobs).
        conditional_create: the bucket honours ``If-None-Match: *``.
        on_bytes: called with a byte count after each body sent or received (progress).
    """

    def __init__(self, remote: S3Remote, blobs: BlobStore, layout: KeyLayout, state: SyncStateStore, *,
                 conditional_create: bool, multipart_threshold: int, part_size: int,
                 incoming_dir: Path | None = None, kill: KillSwitch | None = None,
                 cancel: threading.Event | None = None, on_bytes: Callable[[int], None] | None = None) -> None:
        self.remote = remote
        self.blobs = blobs
        self.layout = layout
        self.state = state
        self.conditional_create = conditional_create
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size
        self.incoming = Path(incoming_dir) if incoming_dir else self.blobs.root.parent / INCOMING_DIRNAME
        self.kill = kill or KillSwitch("")
        self.cancel = cancel or threading.Event()
        self.on_bytes = on_bytes or (lambda n: None)

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelledError("sync cancelled")

    # --- upload -------------------------------------------------------------------------------
    def upload(self, sha: str, *, overwrite: bool = False) -> int:
        """Upload blob ``sha`` from the local store; returns bytes sent (0 if already there).

        ``overwrite`` replaces whatever the bucket holds (used to repair a corrupt object).

        Raises:
            BlobNotFoundError: not in the local store. RemoteIntegrityError: the local file no
            longer matches its name (bit rot); it is not uploaded. SyncOfflineError, RemoteError.
        """
        self._check_cancel()
        path = self.blobs.path_for(sha)
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFoundError(sha) from exc
        if size >= self.multipart_threshold:
            return self._upload_multipart(sha, path, size, overwrite=overwrite)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise RemoteIntegrityError(f"local blob {sha[:12]}… does not match its hash; not uploaded",
                                       key=str(path))
        key = self.layout.blob_key(sha)
        try:
            self.remote.put_bytes(key, data, if_none_match=self.conditional_create and not overwrite)
        except PreconditionFailedError:
            return 0
        self.on_bytes(len(data))
        self.kill.checkpoint("blob_uploaded")
        return len(data)

    def _upload_multipart(self, sha: str, path: Path, size: int, *, overwrite: bool) -> int:
        """Upload a large blob in parts, resuming a recorded upload; returns bytes sent (0: already there)."""
        key = self.layout.blob_key(sha)
        _check_file_hash(sha, path)
        upload_id, part_size, done = self._resume_or_start(sha, key)
        try:
            sent, parts = self._send_parts(path, key, upload_id, part_size, done)
            try:
                self.remote.complete_multipart(key, upload_id, parts,
                                               if_none_match=self.conditional_create and not overwrite)
            except PreconditionFailedError:
                self.remote.abort_multipart(key, upload_id)
                sent = 0
        except SyncOfflineError:
            raise  # keep the upload: the next run resumes it
        except BaseException:
            with contextlib.suppress(Exception):  # the original error matters more
                self.remote.abort_multipart(key, upload_id)
            self.state.end_upload(sha)
            raise
        self.state.end_upload(sha)
        self.kill.checkpoint("blob_uploaded")
        return sent

    def _resume_or_start(self, sha: str, key: str) -> tuple[str, int, dict[int, tuple[str, int]]]:
        """(upload id, part size, parts the bucket already has by number: (md5, size)).

        The upload is recorded before its first part, so a killed run resumes it.
        """
        pending = self.state.uploads().get(sha)
        part_size: int = pending["part_size"] if pending else self.part_size
        if pending is None:
            self.state.begin_upload(sha, key, part_size)
        upload_id: str | None = pending["upload_id"] if pending else None
        if upload_id is None:
            upload_id = self._adopt_or_create(key)
            self.state.set_upload_id(sha, upload_id)
        try:
            done = self.remote.list_parts(key, upload_id)
        except RemoteNotFoundError:
            upload_id = self.remote.create_multipart(key)
            self.state.set_upload_id(sha, upload_id)
            done = {}
        return upload_id, part_size, done

    def _send_parts(self, path: Path, key: str, upload_id: str, part_size: int,
                    done: dict[int, tuple[str, int]]) -> tuple[int, list[tuple[int, str]]]:
        """Send the parts not in ``done`` (same MD5 and size); returns (bytes sent, [(number, etag)])."""
        sent = 0
        parts: list[tuple[int, str]] = []
        with path.open("rb") as fh:
            number = 0
            while True:
                self._check_cancel()
                chunk = fh.read(part_size)
                if not chunk:
                    break
                number += 1
                md5 = hashlib.md5(chunk, usedforsecurity=False).hexdigest()
                have = done.get(number)
                if have and have[0] == md5 and have[1] == len(chunk):
                    parts.append((number, md5))
                    continue
                parts.append((number, self.remote.upload_part(key, upload_id, number, chunk)))
                sent += len(chunk)
                self.on_bytes(len(chunk))
                self.kill.checkpoint("blob_part_uploaded")
        return sent, parts

    def _adopt_or_create(self, key: str) -> str:
        """An unfinished upload of the same key (same bytes: the key is the hash) is adopted; extra
        ones are aborted; otherwise a new upload starts."""
        existing = [uid for k, uid, _ in self.remote.list_multipart(key) if k == key]
        if existing:
            for uid in existing[1:]:
                self.remote.abort_multipart(key, uid)
            return existing[0]
        return self.remote.create_multipart(key)

    def abort_pending(self, keep: set[str]) -> int:
        """Abort recorded multipart uploads of blobs not in ``keep``; returns how many."""
        n = 0
        for sha, row in self.state.uploads().items():
            if sha in keep:
                continue
            for k, uid, _ in self.remote.list_multipart(row["key"]):
                if k == row["key"]:
                    self.remote.abort_multipart(k, uid)
                    n += 1
            self.state.end_upload(sha)
        return n

    def sweep_partials(self) -> int:
        """Delete partial downloads left by a killed run (call under the sync lock); returns how many."""
        n = 0
        if self.incoming.is_dir():
            for p in self.incoming.iterdir():
                if p.suffix == ".part":
                    _unlink(str(p))
                    n += 1
        return n

    # --- download -----------------------------------------------------------------------------
    def download(self, sha: str) -> int:
        """Fetch blob ``sha`` into the local store unless present; returns bytes received.

        Raises:
            RemoteIntegrityError: the bytes do not hash to ``sha`` (nothing is written).
            RemoteNotFoundError: the bucket has no such blob.
            SyncOfflineError: still failing after DOWNLOAD_ATTEMPTS tries.
        """
        final = self.blobs.path_for(sha)
        if final.exists():
            return 0
        key = self.layout.blob_key(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.incoming.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            self._check_cancel()
            fd, tmp = tempfile.mkstemp(prefix=f"{sha[:16]}.", suffix=".part", dir=self.incoming)
            try:
                with os.fdopen(fd, "wb") as fh:
                    sink = _HashingSink(fh)
                    n, _ = self.remote.stream_to(key, sink)
                    fh.flush()
                    os.fsync(fh.fileno())
                if sink.hash.hexdigest() != sha:
                    raise RemoteIntegrityError(f"blob {sha[:12]}… from the bucket failed its SHA-256 check",
                                               key=key)
                Path(tmp).replace(final)
                self.on_bytes(n)
                self.kill.checkpoint("blob_downloaded")
                return n
            except SyncOfflineError:
                _unlink(tmp)
                if attempt == DOWNLOAD_ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
            except BaseException:
                _unlink(tmp)
                raise
        raise AssertionError("unreachable")  # pragma: no cover


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()


def _check_file_hash(sha: str, path: Path) -> None:
    """Raise RemoteIntegrityError when the file at ``path`` no longer hashes to ``sha`` (bit rot)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != sha:
        raise RemoteIntegrityError(f"local blob {sha[:12]}… does not match its hash; not uploaded", key=str(path))
