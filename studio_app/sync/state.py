"""The sync engine's persisted state in the studio database (tables from migration 0002_sync).

* ``sync_meta``: device id and name, last sync time and error, conditional-write probe result.
* ``sync_outbox``: (kind, id) of objects changed locally since their last push, one row per
  object, written by triggers; a later change replaces the row with a higher ``seq``.
* ``sync_state``: per object, what was last agreed with the bucket (etag, version vector,
  content hash), the "base" of three-way decisions.
* ``sync_blobs``: blobs known to be in the bucket (a cache; repair markers correct it).
* ``sync_uploads``: multipart uploads in flight, so a killed run resumes or aborts them.
* ``sync_conflicts``: conflict copies made, resolved or not.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from studio_app.store.database import Database

from .kinds import KINDS

META = MetaData()
sync_meta = Table("sync_meta", META, Column("key", String(64), primary_key=True), Column("value", Text))
sync_outbox = Table(
    "sync_outbox", META,
    Column("seq", Integer, primary_key=True), Column("kind", String(32)), Column("object_id", String(64)),
    Column("op", String(8)), Column("changed_at", Text),
)
sync_state = Table(
    "sync_state", META,
    Column("kind", String(32), primary_key=True), Column("object_id", String(64), primary_key=True),
    Column("etag", Text), Column("version", JSON), Column("content_hash", String(64)),
    Column("deleted", Boolean), Column("synced_at", Text),
)
sync_blobs = Table(
    "sync_blobs", META, Column("sha256", String(64), primary_key=True), Column("size", Integer),
    Column("seen_at", Text),
)
sync_uploads = Table(
    "sync_uploads", META,
    Column("sha256", String(64), primary_key=True), Column("key", Text), Column("upload_id", Text),
    Column("part_size", Integer), Column("started_at", Text),
)
sync_conflicts = Table(
    "sync_conflicts", META,
    Column("id", String(36), primary_key=True), Column("kind", String(32)), Column("object_id", String(64)),
    Column("copy_id", String(64)), Column("device_id", String(64)), Column("device_name", Text),
    Column("detected_at", Text), Column("resolved_at", Text), Column("resolution", String(16)),
)

sync_pack_entries = Table(
    "sync_pack_entries", META,
    Column("pack_key", Text, primary_key=True), Column("kind", String(32), primary_key=True),
    Column("object_id", String(64), primary_key=True),
)

APPLYING_KEY = "applying"
_QUIET = "NOT EXISTS (SELECT 1 FROM sync_meta WHERE key = 'applying')"


def now_iso() -> str:
    """Current UTC time as ISO 8601 text."""
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class BaseState:
    """What this device last agreed with the bucket about one object."""

    etag: str | None
    version: dict[str, int]
    content_hash: str
    deleted: bool


@dataclass(frozen=True)
class ConflictEntry:
    """One row of ``sync_conflicts``."""

    id: str
    kind: str
    object_id: str
    copy_id: str
    device_id: str
    device_name: str
    detected_at: str
    resolved_at: str | None
    resolution: str | None


def trigger_ddl(table: str, kind: str) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) of the three outbox triggers of ``table``."""
    out = []
    for event, ref, what in (("INSERT", "NEW", "upsert"), ("UPDATE", "NEW", "upsert"), ("DELETE", "OLD", "delete")):
        name = f"trg_sync_{table}_{event.lower()}"
        out.append((name,
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} WHEN {_QUIET} BEGIN "
                    f"DELETE FROM sync_outbox WHERE kind = '{kind}' AND object_id = {ref}.id; "
                    f"INSERT INTO sync_outbox (kind, object_id, op) VALUES ('{kind}', {ref}.id, '{what}'); END"))
    return out


class SyncStateStore:
    """Reads and writes the sync tables of one ``Database``.

    Methods that take a ``conn`` run inside the caller's transaction; the others open their own.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.engine = db.engine

    # --- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str, conn: Connection | None = None) -> str | None:
        """Value of ``sync_meta[key]`` or None."""
        q = select(sync_meta.c.value).where(sync_meta.c.key == key)
        if conn is not None:
            return conn.execute(q).scalar()
        with self.engine.connect() as c:
            return c.execute(q).scalar()

    def set_meta(self, key: str, value: str | None, conn: Connection | None = None) -> None:
        """Set (or, with None, remove) ``sync_meta[key]``."""
        def _do(c: Connection) -> None:
            if value is None:
                c.execute(delete(sync_meta).where(sync_meta.c.key == key))
            else:
                stmt = sqlite_insert(sync_meta).values(key=key, value=value)
                c.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
        if conn is not None:
            _do(conn)
        else:
            with self.engine.begin() as c:
                _do(c)

    def device_id(self) -> str:
        """This data dir's device id (32 hex chars), created on first use."""
        existing = self.get_meta("device_id")
        if existing:
            return existing
        new = uuid.uuid4().hex
        with self.engine.begin() as c:
            c.execute(sqlite_insert(sync_meta).values(key="device_id", value=new).on_conflict_do_nothing())
            stored: str = c.execute(select(sync_meta.c.value).where(sync_meta.c.key == "device_id")).scalar_one()
            return stored

    def device_name(self) -> str:
        """A human name for conflict copies: the saved one, else the host name."""
        return self.get_meta("device_name") or socket.gethostname() or "this device"

    def ensure_triggers(self) -> list[str]:
        """Recreate any missing outbox trigger (a later table-rebuilding migration drops them).
        Returns the names recreated."""
        made = []
        with self.engine.begin() as c:
            have = {r[0] for r in c.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
            for kind in KINDS:
                for name, ddl in trigger_ddl(kind.table, kind.name):
                    if name not in have:
                        c.exec_driver_sql(ddl)
                        made.append(name)
        return made

    # --- apply guard --------------------------------------------------------------------------
    @staticmethod
    def begin_applying(conn: Connection) -> None:
        """Silence the outbox triggers for the rest of ``conn``'s transaction (first write: it also
        takes SQLite's write lock, so no other writer is silenced)."""
        conn.execute(sqlite_insert(sync_meta).values(key=APPLYING_KEY, value="1").on_conflict_do_nothing())

    @staticmethod
    def end_applying(conn: Connection) -> None:
        """Re-arm the triggers before the transaction commits."""
        conn.execute(delete(sync_meta).where(sync_meta.c.key == APPLYING_KEY))

    # --- outbox -------------------------------------------------------------------------------
    def outbox_snapshot(self) -> tuple[int, dict[tuple[str, str], str]]:
        """(max seq, {(kind, id): last op}) of the pending outbox."""
        with self.engine.connect() as c:
            rows = c.execute(select(sync_outbox.c.seq, sync_outbox.c.kind, sync_outbox.c.object_id,
                                    sync_outbox.c.op).order_by(sync_outbox.c.seq)).all()
        pending: dict[tuple[str, str], str] = {}
        top = 0
        for seq, kind, oid, op in rows:
            pending[(kind, oid)] = op
            top = max(top, seq)
        return top, pending

    def outbox_count(self) -> int:
        """Number of distinct objects waiting in the outbox."""
        with self.engine.connect() as c:
            q = select(func.count()).select_from(
                select(sync_outbox.c.kind, sync_outbox.c.object_id).distinct().subquery())
            return int(c.execute(q).scalar() or 0)

    @staticmethod
    def clear_outbox(conn: Connection, keys: Iterable[tuple[str, str]], up_to_seq: int) -> None:
        """Drop outbox entries of ``keys`` with seq <= ``up_to_seq`` (later edits stay queued)."""
        params = [{"k": kind, "o": oid} for kind, oid in keys]
        if params:
            conn.execute(delete(sync_outbox).where(and_(
                sync_outbox.c.kind == bindparam("k"), sync_outbox.c.object_id == bindparam("o"),
                sync_outbox.c.seq <= up_to_seq)), params)

    @staticmethod
    def enqueue(conn: Connection, kind: str, object_id: str) -> None:
        """Queue an object explicitly (used where the triggers are silenced)."""
        conn.execute(delete(sync_outbox).where(sync_outbox.c.kind == kind, sync_outbox.c.object_id == object_id))
        conn.execute(sync_outbox.insert().values(kind=kind, object_id=object_id, op="upsert", changed_at=now_iso()))

    # --- base state ---------------------------------------------------------------------------
    def all_base(self) -> dict[tuple[str, str], BaseState]:
        """Every object's base state."""
        with self.engine.connect() as c:
            rows = c.execute(select(sync_state)).all()
        return {(r.kind, r.object_id): BaseState(r.etag, dict(r.version or {}), r.content_hash, bool(r.deleted))
                for r in rows}

    @staticmethod
    def set_base(conn: Connection, kind: str, object_id: str, state: BaseState) -> None:
        """Record the agreed state of one object."""
        SyncStateStore.set_bases(conn, [((kind, object_id), state)])

    @staticmethod
    def set_bases(conn: Connection, items: Iterable[tuple[tuple[str, str], BaseState]]) -> None:
        """Record the agreed state of many objects (one executemany)."""
        when = now_iso()
        rows = [{"kind": k, "object_id": o, "etag": st.etag, "version": st.version, "content_hash": st.content_hash,
                 "deleted": st.deleted, "synced_at": when} for (k, o), st in items]
        if not rows:
            return
        stmt = sqlite_insert(sync_state)
        stmt = stmt.on_conflict_do_update(
            index_elements=["kind", "object_id"],
            set_={c: stmt.excluded[c] for c in ("etag", "version", "content_hash", "deleted", "synced_at")})
        conn.execute(stmt, rows)

    # --- blobs known remote -------------------------------------------------------------------
    def known_blobs(self) -> set[str]:
        """Digests believed present in the bucket."""
        with self.engine.connect() as c:
            return {r[0] for r in c.execute(select(sync_blobs.c.sha256))}

    def add_known_blobs(self, items: Iterable[tuple[str, int | None]]) -> None:
        """Remember blobs seen in (or uploaded to) the bucket."""
        when = now_iso()
        rows = [{"sha256": s, "size": n, "seen_at": when} for s, n in items]
        if not rows:
            return
        with self.engine.begin() as c:
            c.execute(sqlite_insert(sync_blobs).on_conflict_do_nothing(), rows)

    def forget_blobs(self, digests: Iterable[str]) -> None:
        """Drop blobs from the known set (the bucket lost them or holds bad bytes)."""
        ds = list(digests)
        if ds:
            with self.engine.begin() as c:
                c.execute(delete(sync_blobs).where(sync_blobs.c.sha256.in_(ds)))

    # --- multipart uploads --------------------------------------------------------------------
    def uploads(self) -> dict[str, dict[str, Any]]:
        """Multipart uploads in flight by digest: {key, upload_id, part_size, started_at}."""
        with self.engine.connect() as c:
            return {r.sha256: {"key": r.key, "upload_id": r.upload_id, "part_size": r.part_size,
                               "started_at": r.started_at} for r in c.execute(select(sync_uploads))}

    def begin_upload(self, sha256: str, key: str, part_size: int) -> None:
        """Record the intent to upload before CreateMultipartUpload (so a kill right after it
        still leaves a trace the next run follows)."""
        with self.engine.begin() as c:
            c.execute(sqlite_insert(sync_uploads).values(sha256=sha256, key=key, upload_id=None,
                                                          part_size=part_size, started_at=now_iso())
                      .on_conflict_do_nothing())

    def set_upload_id(self, sha256: str, upload_id: str | None) -> None:
        """Remember the multipart upload id of a blob."""
        with self.engine.begin() as c:
            c.execute(update(sync_uploads).where(sync_uploads.c.sha256 == sha256).values(upload_id=upload_id))

    def end_upload(self, sha256: str) -> None:
        """The upload completed or was aborted."""
        with self.engine.begin() as c:
            c.execute(delete(sync_uploads).where(sync_uploads.c.sha256 == sha256))

    # --- packs -------------------------------------------------------------------------------
    def pack_entries(self) -> dict[str, list[tuple[str, str]]]:
        """Contents of every pack this device has read or written: {pack key: [(kind, id)]}."""
        out: dict[str, list[tuple[str, str]]] = {}
        with self.engine.connect() as c:
            for pk, kind, oid in c.execute(select(sync_pack_entries.c.pack_key, sync_pack_entries.c.kind,
                                                  sync_pack_entries.c.object_id)):
                out.setdefault(pk, []).append((kind, oid))
        return out

    @staticmethod
    def add_pack_entries(conn: Connection, pack_key: str, keys: Iterable[tuple[str, str]]) -> None:
        """Remember which objects a pack holds."""
        rows = [{"pack_key": pack_key, "kind": k, "object_id": o} for k, o in keys]
        if rows:
            conn.execute(sqlite_insert(sync_pack_entries).on_conflict_do_nothing(), rows)

    # --- conflicts ----------------------------------------------------------------------------
    @staticmethod
    def add_conflict(conn: Connection, *, kind: str, object_id: str, copy_id: str, device_id: str,
                     device_name: str, detected_at: str) -> None:
        """Record a conflict copy (ignored if the copy is already known)."""
        conn.execute(sqlite_insert(sync_conflicts).values(
            id=str(uuid.uuid4()), kind=kind, object_id=object_id, copy_id=copy_id, device_id=device_id,
            device_name=device_name, detected_at=detected_at, resolved_at=None, resolution=None,
        ).on_conflict_do_nothing())

    def conflicts_by_copy(self) -> dict[tuple[str, str], ConflictEntry]:
        """Every conflict keyed by (kind, copy id)."""
        with self.engine.connect() as c:
            return {(r.kind, r.copy_id): ConflictEntry(**r._mapping) for r in c.execute(select(sync_conflicts))}

    def conflict_for_copy(self, kind: str, copy_id: str) -> ConflictEntry | None:
        """The conflict whose copy is ``copy_id``."""
        with self.engine.connect() as c:
            r = c.execute(select(sync_conflicts).where(
                sync_conflicts.c.kind == kind, sync_conflicts.c.copy_id == copy_id)).first()
        return ConflictEntry(**r._mapping) if r else None

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictEntry]:
        """Conflicts, newest first."""
        q = select(sync_conflicts).order_by(sync_conflicts.c.detected_at.desc())
        if not include_resolved:
            q = q.where(sync_conflicts.c.resolved_at.is_(None))
        with self.engine.connect() as c:
            return [ConflictEntry(**r._mapping) for r in c.execute(q)]

    def mark_resolved(self, conflict_id: str, resolution: str, conn: Connection | None = None) -> None:
        """Close a conflict with ``resolution`` (keep_canonical, keep_copy, keep_both)."""
        stmt = (update(sync_conflicts).where(sync_conflicts.c.id == conflict_id)
                .values(resolved_at=now_iso(), resolution=resolution))
        if conn is not None:
            conn.execute(stmt)
        else:
            with self.engine.begin() as c:
                c.execute(stmt)


def dumps_vector(v: dict[str, int]) -> str:
    """Version vector as compact JSON (for messages and tests)."""
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def chunks(seq: Sequence[Any], n: int) -> Iterable[Sequence[Any]]:
    """``seq`` in slices of ``n``."""
    for i in range(0, len(seq), n):
        yield seq[i:i + n]
