"""The vocabulary one sync run shares between its pull and push halves: object keys, the
remote copy of an object, progress and the run's report (``studio sync --json`` prints it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .kinds import KINDS_BY_NAME
from .records import SyncRecord

Key = tuple[str, str]
"""An object's identity: (kind, id)."""
PACK_ETAG = "pack:"
"""Base etag of an object published in a pack: ``pack:<pack key>``."""
COMMIT_BATCH = 200
"""Objects (or blobs) committed to the base state per database transaction."""
RECORD_ATTEMPTS = 3
"""Tries of one record or pack download when the connection drops (0.2 s, 0.4 s between)."""


@dataclass
class SyncProgress:
    """Progress of a run.

    Attributes:
        phase: ``listing``, ``downloading``, ``applying``, ``uploading`` or ``done``.
        done, total: items of the phase (records or blobs).
        bytes_done, bytes_total: payload bytes of the phase (0 when not known).
    """

    phase: str
    done: int = 0
    total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0

    @property
    def percent(self) -> int:
        """0-100 by bytes when known, else by items."""
        if self.bytes_total:
            return min(100, int(100 * self.bytes_done / self.bytes_total))
        return min(100, int(100 * self.done / self.total)) if self.total else 0


@dataclass
class SyncReport:
    """What a run did (``studio sync --json`` prints ``to_dict()``).

    Lists hold ``{"kind", "id", "label"}`` items; ``deleted`` items add ``"where"`` (``local``:
    a remote delete applied here; ``remote``: a local delete published); ``conflicts`` items add
    ``"copy_id"``; ``deferred`` items add ``"reason"`` (retried on the next run).
    """

    device_id: str = ""
    uploaded: list[dict[str, Any]] = field(default_factory=list)
    downloaded: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    deferred: list[dict[str, Any]] = field(default_factory=list)
    adopted: int = 0
    blobs_uploaded: int = 0
    blobs_downloaded: int = 0
    bytes_uploaded: int = 0
    bytes_downloaded: int = 0
    repairs_requested: list[str] = field(default_factory=list)
    repairs_done: list[str] = field(default_factory=list)
    ignored_keys: int = 0
    multipart_aborted: int = 0
    warnings: list[str] = field(default_factory=list)
    conditional_writes: str = ""
    requests: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0

    @property
    def changed_anything(self) -> bool:
        """True when any object or blob moved in either direction."""
        return bool(self.uploaded or self.downloaded or self.deleted or self.conflicts
                    or self.blobs_uploaded or self.blobs_downloaded)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    def summary(self) -> str:
        """One line for people."""
        parts = [f"{len(self.uploaded)} uploaded", f"{len(self.downloaded)} downloaded",
                 f"{len(self.deleted)} deleted", f"{len(self.conflicts)} conflicts"]
        if self.deferred:
            parts.append(f"{len(self.deferred)} deferred")
        return (f"sync done: {', '.join(parts)} ({self.blobs_uploaded} blobs up, {self.blobs_downloaded} down, "
                f"{self.duration_s:.2f} s)")

    def defer(self, key: Key, label: str | None, reason: str) -> None:
        """Record that object ``key`` waits for the next run, and why."""
        self.deferred.append({**report_item(*key, label), "reason": reason})

    def published(self, key: Key, label: str | None, deleted: bool) -> None:
        """Record an object written to the bucket (a delete goes to ``deleted`` as ``remote``)."""
        item = report_item(key[0], key[1], label)
        if deleted:
            self.deleted.append({**item, "where": "remote"})
        else:
            self.uploaded.append(item)


@dataclass
class RemoteCopy:
    """The bucket's side of one object: its record (None when not fetched or absent), etag, presence."""

    record: SyncRecord | None
    etag: str | None
    exists: bool


def report_item(kind: str, oid: str, label: str | None) -> dict[str, Any]:
    """``{"kind", "id", "label"}``: one entry of a SyncReport list."""
    return {"kind": kind, "id": oid, "label": label}


def record_label(rec: SyncRecord) -> str | None:
    """The record's human label (its kind's label column), or None."""
    col = KINDS_BY_NAME[rec.kind].label_column
    v = rec.data.get(col) if col else None
    return v if isinstance(v, str) else None
