"""The push half of a sync run: upload the blobs the bucket lacks, then the records, each PUT
conditional (``If-None-Match: *`` for new keys, ``If-Match: <etag>`` for updates, or the
read-check-write fallback), many new objects at once as packs; the new base state and the
outbox cleanup are committed in batches. A write that lost a race is returned for a re-merge.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studio_app.store.blobs import BlobNotFoundError

from .errors import PreconditionFailedError, RemoteError, RemoteIntegrityError, SyncOfflineError
from .keys import SHA256_RE
from .local import LocalObject
from .merge import Action, Decision
from .records import ConflictOrigin, SyncRecord, blob_refs, pack_to_bytes
from .report import COMMIT_BATCH, PACK_ETAG, Key, SyncReport
from .state import BaseState, ConflictEntry, now_iso

if TYPE_CHECKING:
    from .engine import SyncEngine

PACK_MIN = 20
"""A push with at least this many new objects publishes them in packs."""
PACK_SIZE = 500
"""Records per pack."""
HEAD_INSTEAD_OF_LIST = 64
"""Up to this many blobs of unknown presence are checked with HEAD; more with one listing."""

Outgoing = dict[Key, tuple[SyncRecord, Decision, str | None]]
"""Records to write: the record, its decision (the etag to replace or create-only) and its label."""


class SyncPush:
    """Uploads for one run of ``engine`` (its remote, state, blobs, transfer and progress)."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine

    def push(self, pushes: dict[Key, Decision], top_seq: int, report: SyncReport, *,
             repairs: Iterable[str] = ()) -> list[Key]:
        """Upload blobs then records; returns keys whose conditional write lost (to re-merge)."""
        self.engine.check_cancel()
        records = self._records(pushes, report)
        for k in self._upload_blobs(records, report, repairs):
            records.pop(k, None)
        if not records:
            self._finish_uploads(report)
            return []
        self.engine.emit("uploading", 0, len(records))
        bulk = sorted(k for k, (_, d, _) in records.items() if d.create_only)
        if len(bulk) >= PACK_MIN:
            self._push_packs(bulk, records, top_seq, report)
            records = {k: v for k, v in records.items() if k not in set(bulk)}
        retry = self._put_records(records, top_seq, report)
        self._finish_uploads(report)
        return retry

    def _records(self, pushes: dict[Key, Decision], report: SyncReport) -> Outgoing:
        """The records to write for ``pushes``, from the local rows as they are now."""
        eng = self.engine
        me = report.device_id
        locals_ = eng.pull.read_locals(pushes)
        conflicts = eng.state.conflicts_by_copy()
        records: Outgoing = {}
        for k, d in pushes.items():
            obj = locals_.get(k)
            if obj is None:
                continue  # vanished meanwhile; its outbox entry brings it back next run
            deps = self._blob_deps(obj)
            present = {s for s in deps if eng.blobs.exists(s)}
            for s in deps - present:
                report.warnings.append(f"{k[0]}/{k[1]}: blob {s[:12]}… is missing locally")
            updated: Any = obj.data.get("updated_at") or now_iso()  # an ISO string; the record parses it
            rec = SyncRecord(kind=k[0], id=k[1], device_id=me, updated_at=updated, deleted=obj.deleted,
                             version=d.version or {me: 1}, content_hash=obj.hash, blobs=sorted(present),
                             data=obj.data, conflict_of=_origin(conflicts.get(k)))
            records[k] = (rec, d, obj.label)
        return records

    def _blob_deps(self, obj: LocalObject) -> set[str]:
        if obj.deleted:
            return set()
        deps = set(blob_refs(obj.data))
        ch = obj.data.get("content_hash")
        if obj.kind in {"media_asset", "asset"} and isinstance(ch, str) and SHA256_RE.fullmatch(ch) \
                and self.engine.blobs.exists(ch):
            deps.add(ch)
        return deps

    # --- records ------------------------------------------------------------------------------
    def _put_records(self, records: Outgoing, top_seq: int, report: SyncReport) -> list[Key]:
        """PUT each record under its own key; commits in batches; returns the keys that lost a race."""
        eng = self.engine
        retry: list[Key] = []
        pending: list[tuple[Key, SyncRecord, str]] = []
        with ThreadPoolExecutor(eng.settings.transfer_threads) as pool:
            futures = [pool.submit(self._put_one, k, records[k][0], records[k][1]) for k in records]
            total = len(futures)
            try:
                for i, fut in enumerate(as_completed(futures), 1):
                    k, etag, lost = fut.result()
                    if lost:
                        retry.append(k)
                    else:
                        pending.append((k, records[k][0], etag))
                    if len(pending) >= COMMIT_BATCH:
                        self._commit_pushed(pending, top_seq, report, records)
                        pending = []
                    if i % 20 == 0 or i == total:
                        eng.emit("uploading", i, total)
            finally:
                if pending:
                    self._commit_pushed(pending, top_seq, report, records)
        return retry

    def _put_one(self, k: Key, rec: SyncRecord, d: Decision) -> tuple[Key, str, bool]:
        """(key, new etag, False), or (key, "", True) when the conditional write lost."""
        eng = self.engine
        key = eng.layout.object_key(*k)
        body = rec.to_bytes()
        if d.if_match and d.if_match.startswith(PACK_ETAG):
            # First update of an object published in a pack: its own key must not exist yet.
            d = Decision(Action.PUSH, version=d.version, create_only=True)
        try:
            if eng.support.if_match and eng.support.if_none_match:
                etag = eng.remote.put_bytes(key, body, if_match=None if d.create_only else d.if_match,
                                            if_none_match=d.create_only, content_type="application/json")
            else:
                etag = self._put_fallback(key, body, d)
        except PreconditionFailedError:
            return k, "", True
        eng.kill.checkpoint("record_uploaded")
        return k, etag, False

    def _push_packs(self, keys: list[Key], records: Outgoing, top_seq: int, report: SyncReport) -> None:
        """Publish new objects in packs of PACK_SIZE (one PUT per pack instead of one per object)."""
        eng = self.engine
        me = report.device_id
        chunks = [keys[i:i + PACK_SIZE] for i in range(0, len(keys), PACK_SIZE)]

        def put_pack(chunk: list[Key]) -> tuple[list[Key], str]:
            key = eng.layout.pack_key(me, uuid.uuid4().hex)
            body = pack_to_bytes(me, [records[k][0] for k in chunk])
            if not eng.support.if_none_match and eng.remote.head(key) is not None:
                raise PreconditionFailedError(f"upload {key}: exists")
            eng.remote.put_bytes(key, body, if_none_match=eng.support.if_none_match,
                                 content_type="application/json")
            eng.kill.checkpoint("record_uploaded")
            return chunk, key

        with ThreadPoolExecutor(min(len(chunks), eng.settings.transfer_threads)) as pool:
            for chunk, key in pool.map(put_pack, chunks):
                with eng.db.engine.begin() as conn:
                    eng.state.add_pack_entries(conn, key, chunk)
                    eng.state.set_bases(conn, [
                        (k, BaseState(PACK_ETAG + key, records[k][0].version, records[k][0].content_hash,
                                      records[k][0].deleted)) for k in chunk])
                    eng.state.clear_outbox(conn, chunk, top_seq)
                for k in chunk:
                    report.published(k, records[k][2], records[k][0].deleted)
                eng.kill.checkpoint("state_committed")

    def _put_fallback(self, key: str, body: bytes, d: Decision) -> str:
        """Read-check-write for buckets without compare-and-swap: check the etag just before the
        PUT. A writer racing inside that window can still overwrite; the version vectors then show
        that our version was lost and the next run turns it into a conflict copy (docs/sync.md)."""
        eng = self.engine
        head = eng.remote.head(key)
        if d.create_only and head is not None:
            raise PreconditionFailedError(f"upload {key}: exists")
        if not d.create_only and (head is None or head.etag != d.if_match):
            raise PreconditionFailedError(f"upload {key}: changed")
        return eng.remote.put_bytes(key, body, if_none_match=d.create_only and eng.support.if_none_match,
                                    content_type="application/json")

    def _commit_pushed(self, items: list[tuple[Key, SyncRecord, str]], top_seq: int, report: SyncReport,
                       records: Outgoing) -> None:
        eng = self.engine
        with eng.db.engine.begin() as conn:
            eng.state.set_bases(conn, [(k, BaseState(etag, rec.version, rec.content_hash, rec.deleted))
                                       for k, rec, etag in items])
            eng.state.clear_outbox(conn, [k for k, _, _ in items], top_seq)
        for k, rec, _ in items:
            report.published(k, records[k][2], rec.deleted)
        eng.kill.checkpoint("state_committed")

    # --- blobs --------------------------------------------------------------------------------
    def _upload_blobs(self, records: Outgoing, report: SyncReport, repairs: Iterable[str]) -> set[Key]:
        """Upload every blob the records need that the bucket lacks (and the repairs asked of this
        device); returns record keys whose blobs failed (they wait for the next run)."""
        needed: dict[str, list[Key]] = {}
        for k, (rec, _, _) in records.items():
            for s in rec.blobs:
                needed.setdefault(s, []).append(k)
        repair_list = [s for s in repairs if self.engine.blobs.exists(s)]
        todo = self._missing_in_bucket(list(needed))
        jobs = [(s, False) for s in todo] + [(s, True) for s in repair_list]
        if not jobs:
            return set()
        failed: set[Key] = set()
        for s in self._run_uploads(jobs, report):
            failed.update(needed.get(s, []))
        for k in failed:
            report.defer(k, records[k][2], "a blob it needs did not upload")
        return failed

    def _missing_in_bucket(self, shas: list[str]) -> list[str]:
        """Of ``shas`` not known to be uploaded, those the bucket lacks: a few HEADs, or one listing for many."""
        eng = self.engine
        known = eng.state.known_blobs()
        todo = [s for s in shas if s not in known]
        if not todo:
            return todo
        listed: dict[str, int] = {}
        if len(todo) <= HEAD_INSTEAD_OF_LIST:
            with ThreadPoolExecutor(eng.settings.transfer_threads) as pool:
                for sha, head in zip(todo, pool.map(lambda s: eng.remote.head(eng.layout.blob_key(s)), todo),
                                     strict=True):
                    if head is not None:
                        listed[sha] = head.size
        else:
            for o in eng.remote.list(eng.layout.blobs_prefix):
                found = eng.layout.parse_blob_key(o.key)
                if found:
                    listed[found] = o.size
        eng.state.add_known_blobs(listed.items())
        return [s for s in todo if s not in listed]

    def _run_uploads(self, jobs: list[tuple[str, bool]], report: SyncReport) -> set[str]:
        """Upload (sha, overwrite) jobs side by side; returns the hashes that failed."""
        eng = self.engine
        eng.reset_bytes()
        sizes = {s: eng.blobs.path_for(s).stat().st_size for s, _ in jobs}
        total_bytes = sum(sizes.values())
        eng.emit("uploading", 0, len(jobs), total_bytes)

        def up(s: str, overwrite: bool) -> tuple[str, bool, int, Exception | None]:
            try:
                return s, overwrite, eng.transfer.upload(s, overwrite=overwrite), None
            except (BlobNotFoundError, RemoteIntegrityError, RemoteError) as exc:
                return s, overwrite, 0, exc

        failed: set[str] = set()
        done_known: list[tuple[str, int]] = []
        with ThreadPoolExecutor(eng.settings.transfer_threads) as pool:
            futures = [pool.submit(up, s, o) for s, o in jobs]
            try:
                for i, fut in enumerate(as_completed(futures), 1):
                    s, overwrite, n, err = fut.result()
                    if err is not None:
                        report.warnings.append(f"blob {s[:12]}… not uploaded: {err}")
                        failed.add(s)
                    else:
                        done_known.append((s, sizes[s]))
                        self._uploaded(s, overwrite, n, report)
                    if len(done_known) >= COMMIT_BATCH:
                        eng.state.add_known_blobs(done_known)
                        done_known = []
                    eng.emit("uploading", i, len(jobs), total_bytes)
            finally:
                eng.state.add_known_blobs(done_known)
        return failed

    def _uploaded(self, sha: str, overwrite: bool, n: int, report: SyncReport) -> None:
        """Count an upload of ``n`` bytes (0: the bucket had it); a repair also clears its request."""
        if n:
            report.blobs_uploaded += 1
            report.bytes_uploaded += n
        if overwrite:
            self.engine.remote.delete(self.engine.layout.repair_key(sha))
            report.repairs_done.append(sha)

    def _finish_uploads(self, report: SyncReport) -> None:
        with contextlib.suppress(SyncOfflineError):
            report.multipart_aborted += self.engine.transfer.abort_pending(set())


def _origin(conflict: ConflictEntry | None) -> ConflictOrigin | None:
    """The ``conflict_of`` of a conflict copy's record (None for an ordinary object)."""
    if conflict is None:
        return None
    return ConflictOrigin(object_id=conflict.object_id, device_id=conflict.device_id,
                          device_name=conflict.device_name, detected_at=datetime.fromisoformat(conflict.detected_at))
