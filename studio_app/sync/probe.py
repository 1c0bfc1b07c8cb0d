""""Test connection": access checks and the conditional-write probe.

Some S3-compatible stores accept ``If-None-Match``/``If-Match`` and silently ignore them
(Supabase lists neither for PutObject; proxies may drop them; reliability-and-sync.md §1). The
probe writes a scratch key twice with ``If-None-Match: *`` and once with a wrong ``If-Match``;
only a store that refuses both with 412/409 is trusted with compare-and-swap.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .errors import PreconditionFailedError, RemoteError, SyncError
from .keys import KeyLayout

if TYPE_CHECKING:  # boto3 is imported only when a remote is built (start-up time)
    from .remote import S3Remote

@dataclass(frozen=True)
class ConditionalSupport:
    """What the bucket enforces: create-only (``If-None-Match: *``) and compare-and-swap (``If-Match``)."""

    if_none_match: bool
    if_match: bool

    @property
    def label(self) -> str:
        """``full``, ``create-only`` or ``none``."""
        if self.if_none_match and self.if_match:
            return "full"
        return "create-only" if self.if_none_match else "none"


def probe_conditional_writes(remote: S3Remote, layout: KeyLayout, device_id: str) -> ConditionalSupport:
    """Probe on a scratch key under ``{prefix}probe/`` (deleted afterwards).

    Raises:
        SyncAccessError, SyncOfflineError, RemoteError: the first, unconditional write failed.
    """
    key = f"{layout.probe_prefix}{device_id}-{uuid.uuid4().hex[:12]}"
    remote.put_bytes(key, b"probe-1", content_type="text/plain")
    try:
        try:
            remote.put_bytes(key, b"probe-2", if_none_match=True, content_type="text/plain")
            if_none_match = False
        except PreconditionFailedError:
            if_none_match = True
        except RemoteError:
            if_none_match = False
        try:
            remote.put_bytes(key, b"probe-3", if_match="0" * 32, content_type="text/plain")
            if_match = False
        except PreconditionFailedError:
            if_match = True
        except RemoteError:
            if_match = False
        if if_match:
            current = remote.head(key)
            try:
                remote.put_bytes(key, b"probe-4", if_match=current.etag if current else "", content_type="text/plain")
            except (PreconditionFailedError, RemoteError):
                if_match = False  # refuses even the right etag: unusable
    finally:
        with contextlib.suppress(SyncError):
            remote.delete(key)
    return ConditionalSupport(if_none_match, if_match)


@dataclass(frozen=True)
class ConnectionReport:
    """Result of "Test connection".

    Attributes:
        ok: the bucket can be listed, read and written.
        message: one line for the user.
        conditional: ``full``, ``create-only`` or ``none``.
        abort_incomplete_multipart_rule: a lifecycle rule cleans unfinished uploads (None: unknown).
        latency_ms: round trip of the bucket check, ms.
    """

    ok: bool
    message: str
    conditional: str | None = None
    if_none_match: bool | None = None
    if_match: bool | None = None
    abort_incomplete_multipart_rule: bool | None = None
    latency_ms: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return asdict(self)


def test_connection(remote: S3Remote, layout: KeyLayout, device_id: str) -> ConnectionReport:
    """Check the bucket, list under the prefix, probe conditional writes, look for a lifecycle
    rule. Never raises for remote problems: they come back as ``ok=False`` with a message."""
    t0 = time.perf_counter()
    try:
        remote.head_bucket()
        latency = (time.perf_counter() - t0) * 1000
        next(iter(remote.list(layout.objects_prefix)), None)
        support = probe_conditional_writes(remote, layout, device_id)
    except SyncError as exc:
        return ConnectionReport(False, str(exc))
    rule = remote.has_abort_incomplete_rule()
    notes = {
        "full": "conditional writes enforced (If-None-Match and If-Match)",
        "create-only": "only If-None-Match is enforced; updates use the read-check-write fallback",
        "none": "conditional writes are ignored; updates use the read-check-write fallback",
    }
    return ConnectionReport(True, f"connected to {remote.bucket}: {notes[support.label]}", support.label,
                            support.if_none_match, support.if_match, rule, round(latency, 1))


test_connection.__test__ = False  # type: ignore[attr-defined]  # pytest reads __test__ on a function: not a test despite its name
