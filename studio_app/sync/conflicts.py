"""The conflicts view's model: conflict copies still open, and the three ways to resolve one.

Resolving travels as ordinary edits (the copy is tombstoned, the canonical row may take the
copy's content), so the other device's view closes the conflict when those edits arrive: a
conflict whose copy is deleted is no longer listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, update

from studio_app.store.database import Database

from .kinds import KINDS_BY_NAME
from .local import LocalRecords, table_of
from .state import ConflictEntry, SyncStateStore

_TAG_RE = re.compile(r" \(conflict copy, [^()]* UTC\)$")


def strip_conflict_tag(label: str) -> str:
    """``"Draft (conflict copy, laptop 2026-11-21 16:46 UTC)"`` -> ``"Draft"``."""
    return _TAG_RE.sub("", label)


class Resolution(StrEnum):
    """How to close a conflict."""

    KEEP_CANONICAL = "keep_canonical"  # drop the conflict copy
    KEEP_COPY = "keep_copy"            # the copy's content replaces the canonical, then the copy goes
    KEEP_BOTH = "keep_both"            # keep both as separate items


@dataclass(frozen=True)
class ConflictView:
    """One open conflict as the GUI shows it.

    Attributes:
        canonical_label, copy_label: names of the two versions (None for kinds without a name).
        device_name: device whose version became the copy; detected_at: ISO time (label only).
    """

    id: str
    kind: str
    object_id: str
    copy_id: str
    canonical_label: str | None
    copy_label: str | None
    device_name: str
    detected_at: str


class ConflictNotFoundError(LookupError):
    """No open conflict with that id."""


class Conflicts:
    """Lists and resolves conflict copies in one data dir."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.state = SyncStateStore(db)
        self.local = LocalRecords(db)

    def open_conflicts(self) -> list[ConflictView]:
        """Unresolved conflicts whose copy still exists (newest first)."""
        out = []
        for c in self.state.conflicts():
            objs = self.local.read(c.kind, [c.object_id, c.copy_id])
            copy = objs.get(c.copy_id)
            if copy is None or copy.deleted:
                continue
            canonical = objs.get(c.object_id)
            out.append(ConflictView(c.id, c.kind, c.object_id, c.copy_id,
                                    canonical.label if canonical else None, copy.label, c.device_name,
                                    c.detected_at))
        return out

    def count(self) -> int:
        """Number of open conflicts."""
        return len(self.open_conflicts())

    def resolve(self, conflict_id: str, resolution: Resolution | str) -> None:
        """Close a conflict.

        Raises:
            ConflictNotFoundError: no open conflict ``conflict_id``.
            ValueError: unknown resolution.
        """
        resolution = Resolution(resolution)
        entry = next((c for c in self.state.conflicts() if c.id == conflict_id), None)
        if entry is None:
            raise ConflictNotFoundError(f"no open conflict {conflict_id}")
        now = datetime.now(UTC)
        with self.db.engine.begin() as conn:
            if resolution is Resolution.KEEP_COPY:
                self._copy_into_canonical(conn, entry, now)
            if resolution in {Resolution.KEEP_CANONICAL, Resolution.KEEP_COPY}:
                table = table_of(KINDS_BY_NAME[entry.kind])
                conn.execute(update(table).where(table.c.id == entry.copy_id, table.c.deleted_at.is_(None))
                             .values(deleted_at=now, updated_at=now))
            self.state.mark_resolved(entry.id, resolution.value, conn)

    def _copy_into_canonical(self, conn: Connection, entry: ConflictEntry, now: datetime) -> None:
        objs = self.local.read(entry.kind, [entry.object_id, entry.copy_id], conn)
        copy, canonical = objs.get(entry.copy_id), objs.get(entry.object_id)
        if copy is None:
            raise ConflictNotFoundError(f"conflict copy {entry.copy_id} is gone")
        kind = KINDS_BY_NAME[entry.kind]
        data = dict(copy.data)
        if kind.label_column and isinstance(data.get(kind.label_column), str):
            data[kind.label_column] = strip_conflict_tag(data[kind.label_column])
        if entry.kind == "canvas_document" and isinstance(data.get("document"), dict):
            data["document"] = {**data["document"], "id": entry.object_id, "name": data.get("name")}
        data["deleted_at"] = None
        data["updated_at"] = now.isoformat()
        if canonical is not None:
            data["created_at"] = canonical.data.get("created_at", data.get("created_at"))
        values = self.local.validate(entry.kind, entry.object_id, data)
        self.local.upsert(conn, entry.kind, entry.object_id, values)
