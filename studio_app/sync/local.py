"""Local side of sync: rows of the synced tables as record data, and remote data applied back.

Record ``data`` holds every column except ``id`` and the kind's local-only columns, in JSON
types (times as ISO 8601 UTC text). Remote data is checked column by column (type, null,
``blob:<sha256>`` references) and by the domain model before it touches the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Boolean, Connection, DateTime, Integer, String, Table, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from studio_app.domain.asset import Asset
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachSession
from studio_app.domain.jobs import TERMINAL_STATUSES, GenerationJob, JobStatus
from studio_app.domain.media import MediaAsset
from studio_app.store.database import Database
from studio_app.store.models import Base

from .kinds import KINDS, KINDS_BY_NAME, SyncKind
from .records import BLOB_REF_RE, RecordFormatError, blob_refs, content_hash

_DOMAIN_MODELS: dict[str, type[BaseModel]] = {
    "brand_kit": BrandKit, "media_asset": MediaAsset, "coach_session": CoachSession,
    "generation_job": GenerationJob, "asset": Asset,
}


@dataclass(frozen=True)
class LocalObject:
    """One local row as record data.

    Attributes:
        data: column -> JSON value (no id, no local-only columns).
        deleted: ``deleted_at`` is set.
        hash: ``records.content_hash(data, deleted)``.
        label: the kind's label column value (for reports), or None.
    """

    kind: str
    id: str
    data: dict[str, Any]
    deleted: bool
    hash: str
    label: str | None

    @property
    def blobs(self) -> set[str]:
        """Digests referenced by ``blob:`` values in data."""
        return set(blob_refs(self.data))


def table_of(kind: SyncKind) -> Table:
    """The SQLAlchemy table of a kind."""
    return Base.metadata.tables[kind.table]


def _synced_columns(kind: SyncKind) -> list[Any]:
    return [c for c in table_of(kind).columns if c.name != "id" and c.name not in kind.local_only]


def _to_json_value(col: Any, value: Any) -> Any:
    if isinstance(col.type, DateTime):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    return value


def row_to_data(kind: SyncKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """Record data of one row mapping (column name -> value)."""
    return {c.name: _to_json_value(c, row[c.name]) for c in _synced_columns(kind)}


def is_syncable(kind: str, data: Mapping[str, Any]) -> bool:
    """False for objects that stay local for now: generation jobs that have not finished (another
    device must not see a job "processing" that only this device can finish)."""
    if kind == "generation_job":
        status = data.get("status")
        if not isinstance(status, str):
            return False
        try:
            return JobStatus(status) in TERMINAL_STATUSES
        except ValueError:
            return False
    return True


class LocalRecords:
    """Reads synced rows and applies validated remote data to one ``Database``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def read(self, kind_name: str, ids: Iterable[str], conn: Connection | None = None) -> dict[str, LocalObject]:
        """Local objects of one kind by id (missing ids are absent from the result)."""
        kind = KINDS_BY_NAME[kind_name]
        table = table_of(kind)
        ids = list(ids)
        out: dict[str, LocalObject] = {}

        def _run(c: Connection) -> None:
            for i in range(0, len(ids), 500):
                for row in c.execute(select(table).where(table.c.id.in_(ids[i:i + 500]))):
                    m = row._mapping
                    out[m["id"]] = self._object(kind, m)

        if conn is not None:
            _run(conn)
        else:
            with self.db.engine.connect() as c:
                _run(c)
        return out

    def read_all(self, kind_name: str) -> dict[str, LocalObject]:
        """Every row of one kind, deleted ones included."""
        kind = KINDS_BY_NAME[kind_name]
        with self.db.engine.connect() as c:
            return {r._mapping["id"]: self._object(kind, r._mapping) for r in c.execute(select(table_of(kind)))}

    @staticmethod
    def _object(kind: SyncKind, m: Mapping[Any, Any]) -> LocalObject:
        data = row_to_data(kind, m)
        deleted = data.get("deleted_at") is not None
        label = m[kind.label_column] if kind.label_column else None
        return LocalObject(kind.name, m["id"], data, deleted, content_hash(data, deleted), label)

    def live_count(self) -> int:
        """Live (not deleted) rows over every synced table."""
        total = 0
        with self.db.engine.connect() as c:
            for kind in KINDS:
                t = table_of(kind)
                total += int(c.execute(select(func.count()).select_from(t).where(t.c.deleted_at.is_(None))).scalar()
                             or 0)
        return total

    # --- remote -> local ----------------------------------------------------------------------
    def validate(self, kind_name: str, object_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Check remote ``data`` and return the column values to store.

        Unknown keys (from a newer app) are ignored; missing nullable columns become null and
        missing columns with a default take it.

        Raises:
            RecordFormatError: a wrong type, a null in a required column, a blob column that is not
                ``blob:<sha256>``, or data the domain model rejects (one-line message).
        """
        kind = KINDS_BY_NAME[kind_name]
        values: dict[str, Any] = {}
        for col in _synced_columns(kind):
            name = col.name
            if name not in data or data[name] is None:
                if name in data or col.nullable:
                    if not col.nullable:
                        raise RecordFormatError(f"{kind_name}/{object_id}: {name} must not be null")
                    values[name] = None
                    continue
                if col.default is not None and col.default.is_callable:
                    values[name] = col.default.arg(None)
                    continue
                if col.default is not None:
                    values[name] = col.default.arg
                    continue
                raise RecordFormatError(f"{kind_name}/{object_id}: {name} is missing")
            values[name] = _check_value(kind_name, object_id, col, data[name])
        for name in kind.blob_columns:
            v = values.get(name)
            if v is not None and not (isinstance(v, str) and BLOB_REF_RE.fullmatch(v)):
                raise RecordFormatError(f"{kind_name}/{object_id}: {name} is not a blob:<sha256> reference")
        self._domain_check(kind_name, object_id, values)
        return values

    @staticmethod
    def _domain_check(kind_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        try:
            if kind_name == "canvas_document":
                doc = CanvasDocument.model_validate(values["document"])
                if doc.id != object_id:
                    raise ValueError("document id differs from the record id")
            else:
                _DOMAIN_MODELS[kind_name].model_validate({**values, "id": object_id})
        except (ValueError, TypeError, KeyError) as exc:
            first = str(exc).splitlines()
            raise RecordFormatError(f"{kind_name}/{object_id}: rejected by the domain model: "
                                    f"{' '.join(first[:3])}") from exc

    @staticmethod
    def upsert(conn: Connection, kind_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        """Insert or update one row with validated ``values`` (local-only columns are kept)."""
        table = table_of(KINDS_BY_NAME[kind_name])
        stmt = sqlite_insert(table).values(id=object_id, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=dict(values)))

    def conflict_copy_values(self, obj: LocalObject, *, new_id: str, device_name: str,
                             when: datetime) -> dict[str, Any]:
        """Column values of a conflict copy of ``obj``: same data under ``new_id``, labelled
        ``"<label> (conflict copy, <device> <YYYY-MM-DD HH:MM>)"`` where the kind has a label."""
        kind = KINDS_BY_NAME[obj.kind]
        data = dict(obj.data)
        tag = f"(conflict copy, {device_name} {when.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC)"
        if kind.label_column and isinstance(data.get(kind.label_column), str):
            data[kind.label_column] = f"{data[kind.label_column]} {tag}"
        if obj.kind == "canvas_document" and isinstance(data.get("document"), dict):
            document = dict(data["document"])
            document["id"] = new_id
            document["name"] = data.get("name", document.get("name"))
            data["document"] = document
        if obj.kind == "brand_kit":
            data["is_active"] = False
        if obj.kind == "media_asset":
            data["is_primary"] = False
        data["deleted_at"] = None
        data["updated_at"] = when.astimezone(UTC).isoformat()
        return self.validate(obj.kind, new_id, data)


def new_object_id() -> str:
    """A fresh uuid4 string for a conflict copy."""
    return str(uuid.uuid4())


def _check_value(kind: str, oid: str, col: Any, value: Any) -> Any:
    t = col.type
    where = f"{kind}/{oid}: {col.name}"
    if isinstance(t, DateTime):
        if not isinstance(value, str):
            raise RecordFormatError(f"{where} is not an ISO 8601 time")
        try:
            dt = datetime.fromisoformat(value)
        except ValueError as exc:
            raise RecordFormatError(f"{where} is not an ISO 8601 time") from exc
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)
    if isinstance(t, Boolean):
        if not isinstance(value, bool):
            raise RecordFormatError(f"{where} is not a boolean")
        return value
    if isinstance(t, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordFormatError(f"{where} is not an integer")
        return value
    if isinstance(t, JSON):
        return value
    if isinstance(t, String):  # Text is a String
        if not isinstance(value, str):
            raise RecordFormatError(f"{where} is not text")
        if t.length is not None and len(value) > t.length:
            raise RecordFormatError(f"{where} is longer than {t.length} characters")
        return value
    return value
