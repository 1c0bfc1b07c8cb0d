"""The metadata record that travels for one object, its content hash and version vectors.

A record is a small JSON object (``objects/<kind>/<id>.json``)::

    {"format": 1, "kind": "canvas_document", "id": "…", "device_id": "…",
     "updated_at": "2026-11-21T16:40:09.123456+00:00", "deleted": false,
     "version": {"<device id>": 3, "<other device id>": 1},
     "content_hash": "<sha256 of the canonical data>", "blobs": ["<sha256>", …],
     "data": {…the row's columns…}, "conflict_of": null}

``version`` is a version vector (one counter per device that published the object), so
"who saw what" is decided without trusting any clock (docs/sync.md). ``content_hash`` covers
``data`` minus ``updated_at``/``deleted_at`` plus the ``deleted`` flag, so two devices that
make the same edit at different times produce the same hash (no conflict).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .keys import KIND_RE, OBJECT_ID_RE, SHA256_RE

RECORD_FORMAT: Final = 1
MAX_RECORD_BYTES = 8 * 1024 * 1024
"""A record larger than this (bytes) is refused before parsing."""
HASH_EXCLUDED = frozenset({"updated_at", "deleted_at"})
BLOB_REF_RE = re.compile(r"blob:([0-9a-f]{64})")
DEVICE_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")

VersionVector = dict[str, int]


def canonical_json(value: Any) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, no spaces (the input of every hash)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def content_hash(data: Mapping[str, Any], deleted: bool) -> str:
    """SHA-256 hex of ``data`` without ``updated_at``/``deleted_at``, plus the deleted flag."""
    body = {k: v for k, v in data.items() if k not in HASH_EXCLUDED}
    return hashlib.sha256(canonical_json({"data": body, "deleted": bool(deleted)})).hexdigest()


def blob_refs(value: Any) -> Iterator[str]:
    """Every ``blob:<sha256>`` digest found anywhere in ``value`` (nested dicts and lists)."""
    if isinstance(value, str):
        m = BLOB_REF_RE.fullmatch(value)
        if m:
            yield m.group(1)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from blob_refs(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from blob_refs(v)


# --- version vectors -------------------------------------------------------------------------

def vv_dominates(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """True when ``a`` has seen everything ``b`` has (every counter of b is <= a's)."""
    return all(a.get(k, 0) >= n for k, n in b.items())


def vv_merge(*vectors: Mapping[str, int]) -> VersionVector:
    """Counter-wise maximum."""
    out: VersionVector = {}
    for v in vectors:
        for k, n in v.items():
            out[k] = max(out.get(k, 0), n)
    return out


def vv_bump(v: Mapping[str, int], device_id: str) -> VersionVector:
    """A copy of ``v`` with ``device_id``'s counter advanced by one."""
    out = dict(v)
    out[device_id] = out.get(device_id, 0) + 1
    return out


def vv_changed_by_others(remote: Mapping[str, int], base: Mapping[str, int], device_id: str) -> bool:
    """True when some device other than ``device_id`` published after ``base``, or when ``remote``
    no longer contains ``base`` (our published version was overwritten by a writer that had not
    seen it: only possible on buckets without conditional writes)."""
    if not vv_dominates(remote, base):
        return True
    return any(n > base.get(k, 0) for k, n in remote.items() if k != device_id)


class ConflictOrigin(BaseModel):
    """Marks a record as the conflict copy of another object.

    Attributes:
        object_id: id of the canonical object it was split from.
        device_id, device_name: the device whose edit lost the race.
        detected_at: when the conflict was detected (that device's clock; a label only).
    """

    object_id: str
    device_id: str
    device_name: str = ""
    detected_at: datetime


class SyncRecord(BaseModel):
    """One object's metadata as stored in the bucket (see the module docstring).

    Raises (from ``parse``): RecordFormatError on bad JSON, a newer format, a kind/id/digest that
    does not match the strict patterns, or a content hash that does not match the data.
    """

    model_config = ConfigDict(extra="ignore")

    format: Literal[1] = RECORD_FORMAT
    kind: str
    id: str
    device_id: str
    updated_at: datetime
    deleted: bool = False
    version: dict[str, int] = Field(default_factory=dict)
    content_hash: str
    blobs: list[str] = Field(default_factory=list)
    data: dict[str, Any]
    conflict_of: ConflictOrigin | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not KIND_RE.fullmatch(v):
            raise ValueError("bad kind")
        return v

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not OBJECT_ID_RE.fullmatch(v):
            raise ValueError("bad object id")
        return v

    @field_validator("device_id")
    @classmethod
    def _device(cls, v: str) -> str:
        if not DEVICE_ID_RE.fullmatch(v):
            raise ValueError("bad device id")
        return v

    @field_validator("version")
    @classmethod
    def _version(cls, v: dict[str, int]) -> dict[str, int]:
        for k, n in v.items():
            if not DEVICE_ID_RE.fullmatch(k) or n < 0:
                raise ValueError("bad version vector")
        return v

    @field_validator("blobs")
    @classmethod
    def _blobs(cls, v: list[str]) -> list[str]:
        for d in v:
            if not SHA256_RE.fullmatch(d):
                raise ValueError("bad blob digest")
        return sorted(set(v))

    def to_bytes(self) -> bytes:
        """The JSON body that is uploaded."""
        return canonical_json(self.model_dump(mode="json"))

    @classmethod
    def parse(cls, raw: bytes, *, key: str, kind: str, object_id: str) -> SyncRecord:
        """Parse and check a downloaded record listed under ``kind``/``object_id``.

        Raises:
            RecordFormatError: see the class docstring.
        """
        if len(raw) > MAX_RECORD_BYTES:
            raise RecordFormatError(f"record {key} is {len(raw)} bytes, over the {MAX_RECORD_BYTES} limit")
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise RecordFormatError(f"record {key} is not JSON ({exc})") from exc
        if isinstance(payload, dict) and isinstance(payload.get("format"), int) and payload["format"] > RECORD_FORMAT:
            raise RecordFormatError(f"record {key} has format {payload['format']}, newer than this app")
        try:
            rec = cls.model_validate(payload)
        except ValueError as exc:
            first = str(exc).splitlines()
            raise RecordFormatError(f"record {key} is invalid: {' '.join(first[:3])}") from exc
        if rec.kind != kind or rec.id != object_id:
            raise RecordFormatError(f"record {key} names {rec.kind}/{rec.id}, not its key")
        if content_hash(rec.data, rec.deleted) != rec.content_hash:
            raise RecordFormatError(f"record {key} failed its content hash check")
        return rec


MAX_PACK_BYTES = 64 * 1024 * 1024
"""A pack larger than this (bytes) is refused before parsing."""


def pack_to_bytes(device_id: str, records: list[SyncRecord]) -> bytes:
    """The JSON body of a pack: ``{"format": 1, "device_id": …, "records": [record, …]}``."""
    return canonical_json({"format": RECORD_FORMAT, "device_id": device_id,
                           "records": [r.model_dump(mode="json") for r in records]})


def parse_pack(raw: bytes, *, key: str, known_kinds: Iterable[str]) -> tuple[list[SyncRecord], list[str]]:
    """Parse a pack into (good records, one-line errors for bad ones). A record that fails its own
    checks is skipped; the rest of the pack is still used.

    Raises:
        RecordFormatError: the pack itself is not JSON, too large or of a newer format.
    """
    if len(raw) > MAX_PACK_BYTES:
        raise RecordFormatError(f"pack {key} is {len(raw)} bytes, over the {MAX_PACK_BYTES} limit")
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecordFormatError(f"pack {key} is not JSON ({exc})") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise RecordFormatError(f"pack {key} has no record list")
    if isinstance(payload.get("format"), int) and payload["format"] > RECORD_FORMAT:
        raise RecordFormatError(f"pack {key} has format {payload['format']}, newer than this app")
    kinds = set(known_kinds)
    good: list[SyncRecord] = []
    errors: list[str] = []
    for i, item in enumerate(payload["records"]):
        if not isinstance(item, dict) or item.get("kind") not in kinds or not isinstance(item.get("id"), str):
            errors.append(f"pack {key} entry {i} is not a record of a known kind")
            continue
        try:
            good.append(SyncRecord.parse(canonical_json(item), key=f"{key}#{i}", kind=item["kind"],
                                         object_id=item["id"]))
        except RecordFormatError as exc:
            errors.append(str(exc))
    return good, errors


class RecordFormatError(ValueError):
    """A downloaded record could not be used (see ``SyncRecord.parse``)."""


def sorted_unique(digests: Iterable[str]) -> list[str]:
    """Sorted list without repeats."""
    return sorted(set(digests))
