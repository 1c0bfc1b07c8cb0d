"""The pull half of a sync run: list the bucket, download changed records (single objects and
packs) and the blobs they need, and apply them to the local database in one transaction.

Every step is idempotent: a run killed anywhere here leaves the local database as it was or
with whole objects applied (each in its own savepoint), and the next run finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from .errors import RemoteIntegrityError, RemoteNotFoundError, SyncError, SyncOfflineError
from .kinds import KIND_ORDER, KINDS_BY_NAME
from .local import LocalObject, new_object_id
from .merge import Action, Decision
from .records import MAX_PACK_BYTES, MAX_RECORD_BYTES, RecordFormatError, SyncRecord, content_hash, parse_pack
from .report import PACK_ETAG, RECORD_ATTEMPTS, Key, RemoteCopy, SyncReport, record_label, report_item
from .state import BaseState

if TYPE_CHECKING:
    from .engine import SyncEngine

T = TypeVar("T")
Incoming = dict[Key, tuple[Decision, RemoteCopy]]
"""Objects to take from the bucket: their decision (APPLY, ADOPT or CONFLICT) and remote copy."""


class SyncPull:
    """Downloads and applies for one run of ``engine`` (its remote, state, blobs and progress)."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine

    # --- listing ------------------------------------------------------------------------------
    def list_bucket(self, report: SyncReport) -> tuple[dict[Key, str], dict[tuple[Key, str], RemoteCopy], list[str]]:
        """List ``objects/`` and ``repair/``: (etag by key, records of newly seen packs, repair requests).

        An object's own key wins over a pack holding it; unknown keys are counted as ignored.
        """
        eng = self.engine
        listing: dict[Key, str] = {}
        pack_keys: list[str] = []
        for obj in eng.remote.list(eng.layout.objects_prefix):
            if eng.layout.parse_pack_key(obj.key):
                pack_keys.append(obj.key)
                continue
            parsed = eng.layout.parse_object_key(obj.key)
            if parsed is None or parsed[0] not in KINDS_BY_NAME:
                report.ignored_keys += 1
                continue
            listing[parsed] = obj.etag
        known_packs = eng.state.pack_entries()
        pack_records = self.fetch_packs([pk for pk in pack_keys if pk not in known_packs], report, save=True)
        for pk in sorted(pack_keys):
            for k in known_packs.get(pk, []):
                listing.setdefault(k, PACK_ETAG + pk)  # an object's own key wins over its pack
        for (k, etag) in sorted(pack_records, key=lambda ke: ke[1]):
            listing.setdefault(k, etag)
        repairs = [sha for o in eng.remote.list(eng.layout.repair_prefix)
                   if (sha := eng.layout.parse_repair_key(o.key))]
        return listing, pack_records, repairs

    def fetch_remotes(self, fetch: set[Key], listing: dict[Key, str],
                      pack_records: dict[tuple[Key, str], RemoteCopy], report: SyncReport) -> dict[Key, RemoteCopy]:
        """The remote copies of ``fetch``: from the packs already read, packs read again, or single GETs."""
        from_packs = {k for k in fetch if listing[k].startswith(PACK_ETAG)}
        remotes = {k: pack_records[(k, listing[k])] for k in from_packs if (k, listing[k]) in pack_records}
        refetch = sorted({listing[k][len(PACK_ETAG):] for k in from_packs if k not in remotes})
        refetched = self.fetch_packs(refetch, report, save=False)
        for k in from_packs:
            if k not in remotes and (k, listing[k]) in refetched:
                remotes[k] = refetched[(k, listing[k])]
        remotes.update(self.fetch_records(fetch - from_packs, report))
        return remotes

    def read_locals(self, keys: Iterable[Key]) -> dict[Key, LocalObject]:
        """The local objects of ``keys`` that exist (tombstones included), read kind by kind."""
        by_kind: dict[str, list[str]] = {}
        for kind, oid in keys:
            by_kind.setdefault(kind, []).append(oid)
        out: dict[Key, LocalObject] = {}
        for kind, ids in by_kind.items():
            for oid, obj in self.engine.local.read(kind, ids).items():
                out[(kind, oid)] = obj
        return out

    # --- downloads ----------------------------------------------------------------------------
    def _get_with_retry(self, key: str, max_bytes: int) -> tuple[bytes, str] | None:
        """(body, etag) of ``key``, or None when it is gone; a dropped connection is tried
        RECORD_ATTEMPTS times.

        Raises:
            SyncOfflineError: still offline after the last attempt. SyncCancelledError.
        """
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            self.engine.check_cancel()
            try:
                return self.engine.remote.get_bytes(key, max_bytes=max_bytes)
            except RemoteNotFoundError:
                return None
            except SyncOfflineError:
                if attempt == RECORD_ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    def fetch_packs(self, pack_keys: list[str], report: SyncReport, *,
                    save: bool) -> dict[tuple[Key, str], RemoteCopy]:
        """Download packs; returns their records by ((kind, id), ``pack:<key>``). With ``save``,
        remembers what each pack holds."""
        eng = self.engine
        out: dict[tuple[Key, str], RemoteCopy] = {}
        if not pack_keys:
            return out

        def fetch(pk: str) -> tuple[str, list[SyncRecord], list[str]]:
            got = self._get_with_retry(pk, MAX_PACK_BYTES)
            if got is None:
                return pk, [], []
            try:
                good, errors = parse_pack(got[0], key=pk, known_kinds=KINDS_BY_NAME)
            except RecordFormatError as exc:
                return pk, [], [str(exc)]
            eng.kill.checkpoint("record_downloaded")
            return pk, good, errors

        with ThreadPoolExecutor(min(8, eng.settings.transfer_threads)) as pool:
            results = list(pool.map(fetch, pack_keys))
        for pk, good, errors in results:
            report.warnings.extend(errors)
            if save:
                with eng.db.engine.begin() as conn:
                    eng.state.add_pack_entries(conn, pk, [(r.kind, r.id) for r in good])
            for rec in good:
                out[((rec.kind, rec.id), PACK_ETAG + pk)] = RemoteCopy(rec, PACK_ETAG + pk, True)
        return out

    def fetch_records(self, keys: Iterable[Key], report: SyncReport) -> dict[Key, RemoteCopy]:
        """GET each object's own record; a malformed one is deferred (reported, retried next run)."""
        eng = self.engine
        wanted = list(keys)
        out: dict[Key, RemoteCopy] = {}
        if not wanted:
            return out
        eng.emit("downloading", 0, len(wanted))

        def fetch(k: Key) -> tuple[Key, RemoteCopy | None, str | None]:
            key = eng.layout.object_key(*k)
            got = self._get_with_retry(key, MAX_RECORD_BYTES)
            if got is None:
                return k, RemoteCopy(None, None, False), None
            try:
                rec = SyncRecord.parse(got[0], key=key, kind=k[0], object_id=k[1])
            except RecordFormatError as exc:
                return k, None, str(exc)
            eng.kill.checkpoint("record_downloaded")
            return k, RemoteCopy(rec, got[1], True), None

        def collect(result: tuple[Key, RemoteCopy | None, str | None]) -> None:
            k, rem, err = result
            if err:
                report.defer(k, None, err)
            elif rem is not None:
                out[k] = rem

        self._in_pool(fetch, wanted, collect, "downloading", every=50)
        return out

    def _in_pool(self, work: Callable[[T], tuple[Key, RemoteCopy | None, str | None]], items: list[T],
                 collect: Callable[[tuple[Key, RemoteCopy | None, str | None]], None], phase: str, *,
                 every: int) -> None:
        eng = self.engine
        with ThreadPoolExecutor(eng.settings.transfer_threads) as pool:
            futures = [pool.submit(work, item) for item in items]
            for i, fut in enumerate(as_completed(futures), 1):
                collect(fut.result())
                if i % every == 0 or i == len(items):
                    eng.emit(phase, i, len(items))

    def download_blobs(self, incoming: Incoming, report: SyncReport) -> set[str]:
        """Download (hash-checked) the blobs incoming records need and lack here; returns the
        hashes that failed (their bucket copy is bad or gone: a repair is requested)."""
        eng = self.engine
        need: set[str] = set()
        for d, rem in incoming.values():
            if d.action in {Action.APPLY, Action.CONFLICT} and rem.record and not rem.record.deleted:
                need.update(s for s in rem.record.blobs if not eng.blobs.exists(s))
        failed: set[str] = set()
        if not need:
            return failed
        eng.reset_bytes()
        total = len(need)
        eng.emit("downloading", 0, total)

        def get(sha: str) -> tuple[str, int, Exception | None]:
            try:
                return sha, eng.transfer.download(sha), None
            except (RemoteIntegrityError, RemoteNotFoundError) as exc:
                return sha, 0, exc

        with ThreadPoolExecutor(eng.settings.transfer_threads) as pool:
            for i, fut in enumerate(as_completed([pool.submit(get, s) for s in need]), 1):
                sha, n, err = fut.result()
                if err is None:
                    report.blobs_downloaded += 1
                    report.bytes_downloaded += n
                else:
                    failed.add(sha)
                    report.warnings.append(f"blob {sha[:12]}…: {err}")
                    self._request_repair(sha, report)
                eng.emit("downloading", i, total)
        return failed

    def _request_repair(self, sha: str, report: SyncReport) -> None:
        """Ask the device that has the blob to upload it again (the bucket copy is bad or gone)."""
        eng = self.engine
        try:
            eng.remote.put_bytes(eng.layout.repair_key(sha), b"", content_type="text/plain")
            report.repairs_requested.append(sha)
        except SyncError as exc:
            report.warnings.append(f"could not request a repair of {sha[:12]}…: {exc}")

    # --- apply --------------------------------------------------------------------------------
    def apply(self, incoming: Incoming, failed_blobs: set[str], locals_: dict[Key, LocalObject],
              top_seq: int, report: SyncReport) -> dict[Key, Decision]:
        """Apply remote records in one transaction (parents before children, each object in a
        savepoint); returns PUSH decisions for the conflict copies it made."""
        if not incoming:
            return {}
        eng = self.engine
        conflict_pushes: dict[Key, Decision] = {}
        order = sorted(incoming, key=lambda k: (KIND_ORDER[k[0]], k[1]))
        eng.emit("applying", 0, len(order))
        with eng.db.engine.begin() as conn:
            eng.state.begin_applying(conn)
            done_keys: list[Key] = []
            for i, k in enumerate(order, 1):
                if self._apply_one(conn, k, incoming[k], failed_blobs, locals_.get(k), report, conflict_pushes):
                    done_keys.append(k)
                if i % 100 == 0:
                    eng.emit("applying", i, len(order))
            eng.state.clear_outbox(conn, done_keys, top_seq)
            for ck in conflict_pushes:
                eng.state.enqueue(conn, *ck)
            eng.state.end_applying(conn)
        eng.kill.checkpoint("applied")
        return conflict_pushes

    def _apply_one(self, conn: Connection, k: Key, incoming: tuple[Decision, RemoteCopy], failed_blobs: set[str],
                   local: LocalObject | None, report: SyncReport, conflict_pushes: dict[Key, Decision]) -> bool:
        """Apply one object in a savepoint; False when it waits (a blob failed, a parent is missing)."""
        d, rem = incoming
        rec = rem.record
        assert rec is not None
        missing = [s for s in rec.blobs if s in failed_blobs] if not rec.deleted else []
        if d.action != Action.ADOPT and missing:
            report.defer(k, record_label(rec), f"waiting for blob {missing[0][:12]}…")
            return False
        savepoint = conn.begin_nested()
        try:
            if d.action == Action.ADOPT:
                base_hash = self._adopt(conn, k, rec, local)
            else:
                base_hash = self._take(conn, k, d, rec, local, report, conflict_pushes)
            self._note_conflict_origin(conn, k, rec)
            self.engine.state.set_base(conn, k[0], k[1], BaseState(rem.etag, rec.version, base_hash, rec.deleted))
            savepoint.commit()
        except (RecordFormatError, IntegrityError) as exc:
            savepoint.rollback()
            reason = str(exc) if isinstance(exc, RecordFormatError) else "its parent object is not here yet"
            report.defer(k, record_label(rec), reason.splitlines()[0])
            return False
        if d.action == Action.ADOPT:
            report.adopted += 1
        return True

    def _adopt(self, conn: Connection, k: Key, rec: SyncRecord, local: LocalObject | None) -> str:
        """Same content on both sides; take the remote's times too so both devices match byte for byte."""
        eng = self.engine
        if local is not None and local.data != rec.data:
            eng.local.upsert(conn, k[0], k[1], eng.local.validate(k[0], k[1], rec.data))
            return eng.local.read(k[0], [k[1]], conn)[k[1]].hash
        return local.hash if local else rec.content_hash

    def _take(self, conn: Connection, k: Key, d: Decision, rec: SyncRecord, local: LocalObject | None,
              report: SyncReport, conflict_pushes: dict[Key, Decision]) -> str:
        """Write the remote record over the local row (first copying a conflicting local edit)."""
        eng = self.engine
        if d.action == Action.CONFLICT and local is not None:
            self._conflict_copy(conn, k, rec, local, report, conflict_pushes)
        eng.local.upsert(conn, k[0], k[1], eng.local.validate(k[0], k[1], rec.data))
        base_hash = eng.local.read(k[0], [k[1]], conn)[k[1]].hash
        item = report_item(k[0], k[1], record_label(rec))
        if rec.deleted and local is not None and not local.deleted:
            report.deleted.append({**item, "where": "local"})
        elif d.action == Action.APPLY:
            report.downloaded.append(item)
        return base_hash

    def _conflict_copy(self, conn: Connection, k: Key, rec: SyncRecord, local: LocalObject, report: SyncReport,
                       conflict_pushes: dict[Key, Decision]) -> None:
        """Keep the local edit as a new object (pushed create-only) and record the conflict."""
        eng = self.engine
        me, name, now = report.device_id, eng.state.device_name(), datetime.now(UTC)
        copy_id = new_object_id()
        values = eng.local.conflict_copy_values(local, new_id=copy_id, device_name=name, when=now)
        eng.local.upsert(conn, k[0], copy_id, values)
        eng.state.add_conflict(conn, kind=k[0], object_id=k[1], copy_id=copy_id,
                               device_id=me, device_name=name, detected_at=now.isoformat())
        conflict_pushes[(k[0], copy_id)] = Decision(Action.PUSH, version={me: 1}, create_only=True)
        report.conflicts.append({**report_item(k[0], k[1], record_label(rec)), "copy_id": copy_id})

    def _note_conflict_origin(self, conn: Connection, k: Key, rec: SyncRecord) -> None:
        """A conflict copy made on another device: list it as an open conflict here too."""
        if rec.conflict_of is not None:
            self.engine.state.add_conflict(conn, kind=k[0], object_id=rec.conflict_of.object_id, copy_id=k[1],
                                           device_id=rec.conflict_of.device_id,
                                           device_name=rec.conflict_of.device_name,
                                           detected_at=rec.conflict_of.detected_at.isoformat())

    @staticmethod
    def tombstone_from(rec: SyncRecord) -> LocalObject:
        """A local tombstone for ``rec`` (a row deleted outright, to publish its delete)."""
        data = dict(rec.data)
        data["deleted_at"] = datetime.now(UTC).isoformat()
        return LocalObject(rec.kind, rec.id, data, True, content_hash(data, True), None)
