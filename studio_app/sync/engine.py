"""SyncEngine: one pull-then-push run between a data dir and its bucket (docs/sync.md).

A run:

1. takes the data dir's sync lock; lists ``objects/`` (and ``repair/``) in the bucket;
2. stops before touching anything if the listing is empty or lacks most known objects;
3. downloads the records whose etag moved since the last agreed state and decides, object by
   object, from base / local / remote (merge.py); stops if more than ``max_delete_percent`` of
   the library would be deleted;
4. downloads the blobs the incoming records need (hash-checked), applies the records in one
   transaction (outbox triggers silenced), makes conflict copies;
5. uploads missing blobs, then the records, each PUT conditional (``If-None-Match: *`` for new
   keys, ``If-Match: <etag>`` for updates, or the read-check-write fallback), and commits the
   new base state and outbox cleanup in batches. A lost race re-reads and merges again.

Everything is idempotent: a run killed anywhere is finished by the next one without loss or
duplicates, and a run with nothing to do sends only the two LIST requests.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from studio_app.store.blobs import BlobNotFoundError, BlobStore
from studio_app.store.database import Database

from .credentials import Credentials
from .errors import (
    PreconditionFailedError,
    RemoteError,
    RemoteIntegrityError,
    RemoteNotFoundError,
    SyncCancelledError,
    SyncError,
    SyncOfflineError,
    SyncSafetyError,
)
from .faults import KillSwitch
from .keys import SHA256_RE, KeyLayout, normalize_prefix
from .kinds import KIND_ORDER, KINDS_BY_NAME
from .local import LocalObject, LocalRecords, is_syncable, new_object_id
from .lock import SyncLock
from .merge import Action, Decision, decide
from .probe import ConditionalSupport, probe_conditional_writes
from .records import (
    MAX_PACK_BYTES,
    MAX_RECORD_BYTES,
    ConflictOrigin,
    RecordFormatError,
    SyncRecord,
    blob_refs,
    content_hash,
    pack_to_bytes,
    parse_pack,
)
from .settings import SyncSettings, require_configured
from .state import BaseState, SyncStateStore, now_iso
from .transfer import BlobTransfer

if TYPE_CHECKING:  # boto3 is imported only when a remote is built (start-up time)
    from .remote import S3Remote

Key = tuple[str, str]
PACK_ETAG = "pack:"
"""Base etag of an object published in a pack: ``pack:<pack key>``."""
PACK_MIN = 20
"""A push with at least this many new objects publishes them in packs."""
PACK_SIZE = 500
"""Records per pack."""
COMMIT_BATCH = 200
HEAD_INSTEAD_OF_LIST = 64
"""Up to this many blobs of unknown presence are checked with HEAD; more with one listing."""
PUSH_ROUNDS = 3
RECORD_ATTEMPTS = 3


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


@dataclass
class _Remote:
    record: SyncRecord | None
    etag: str | None
    exists: bool


def _item(kind: str, oid: str, label: str | None) -> dict[str, Any]:
    return {"kind": kind, "id": oid, "label": label}


class SyncEngine:
    """Syncs one data dir with one bucket. Not thread-safe: one ``run`` at a time (a file lock
    enforces this across processes too).

    Args:
        db, blobs: the data dir's database and blob store.
        data_dir: folder of ``sync.lock``.
        settings: a configured SyncSettings (env overrides already applied).
        credentials: the key pair (ignored when ``remote`` is given).
        remote: an S3Remote to use instead of building one (tests).
        progress: called with SyncProgress from the running thread.
        cancel: set it to stop at the next safe point (SyncCancelledError).
    """

    def __init__(self, *, db: Database, blobs: BlobStore, data_dir: Path, settings: SyncSettings,
                 credentials: Credentials | None = None, remote: S3Remote | None = None,
                 progress: Callable[[SyncProgress], None] | None = None,
                 cancel: threading.Event | None = None, kill: KillSwitch | None = None) -> None:
        self.db = db
        self.blobs = blobs
        self.data_dir = Path(data_dir)
        self.settings = require_configured(settings)
        self.credentials = credentials
        self._remote = remote
        self.progress_cb = progress or (lambda p: None)
        self.cancel = cancel or threading.Event()
        self.kill = kill or KillSwitch()
        self.state = SyncStateStore(db)
        self.local = LocalRecords(db)
        self.layout = KeyLayout(normalize_prefix(settings.prefix))
        self._bytes = 0
        self._bytes_lock = threading.Lock()

    # --- plumbing -----------------------------------------------------------------------------
    @property
    def remote(self) -> S3Remote:
        """The S3Remote (built on first use)."""
        if self._remote is None:
            if self.credentials is None:
                raise SyncError("no bucket credentials")
            s = self.settings
            from .remote import RemoteConfig, S3Remote

            self._remote = S3Remote(RemoteConfig(s.endpoint_url, s.region, s.bucket,
                                                 max_connections=max(10, s.transfer_threads)), self.credentials)
        return self._remote

    def _emit(self, phase: str, done: int = 0, total: int = 0, bytes_total: int = 0) -> None:
        with self._bytes_lock:
            b = self._bytes
        self.progress_cb(SyncProgress(phase, done, total, b, bytes_total))

    def _add_bytes(self, n: int) -> None:
        with self._bytes_lock:
            self._bytes += n

    def _reset_bytes(self) -> None:
        with self._bytes_lock:
            self._bytes = 0

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelledError("sync cancelled")

    def conditional_support(self) -> ConditionalSupport:
        """What the bucket enforces: forced by settings, else probed once and remembered."""
        mode = self.settings.conditional_writes
        if mode == "on":
            return ConditionalSupport(True, True)
        if mode == "off":
            return ConditionalSupport(False, False)
        cache_key = f"probe:{self.settings.endpoint_url or 'aws'}|{self.settings.bucket}"
        cached = self.state.get_meta(cache_key)
        if cached:
            d = json.loads(cached)
            return ConditionalSupport(bool(d["if_none_match"]), bool(d["if_match"]))
        support = probe_conditional_writes(self.remote, self.layout, self.state.device_id())
        self.state.set_meta(cache_key, json.dumps(asdict(support)))
        return support

    # --- the run ------------------------------------------------------------------------------
    def run(self, *, confirm: bool = False) -> SyncReport:
        """Pull then push once.

        Args:
            confirm: go on past the safety stops (empty/partial listing, mass delete).

        Raises:
            SyncBusyError, SyncSafetyError, SyncOfflineError, SyncAccessError, SyncCancelledError,
            SyncConfigError, RemoteError. Local data is never lost; the error is also saved as
            ``last_error`` for the status bar.
        """
        t0 = time.perf_counter()
        before = self._remote.request_counts() if self._remote is not None else {}
        with SyncLock(self.data_dir):
            report = SyncReport(device_id=self.state.device_id())
            try:
                self._run(report, confirm)
            except BaseException as exc:
                if isinstance(exc, SyncError):
                    self.state.set_meta("last_error", str(exc))
                raise
            finally:
                report.duration_s = round(time.perf_counter() - t0, 3)
                if self._remote is not None:
                    after = self._remote.request_counts()
                    report.requests = {op: n - before.get(op, 0) for op, n in after.items()
                                       if n - before.get(op, 0)}
            self.state.set_meta("last_error", None)
            self.state.set_meta("last_synced_at", now_iso())
            self._emit("done", 1, 1)
            return report

    def _run(self, report: SyncReport, confirm: bool) -> None:
        self.state.ensure_triggers()
        self._emit("listing")
        support = self.conditional_support()
        report.conditional_writes = support.label
        self.transfer = BlobTransfer(
            self.remote, self.blobs, self.layout, self.state, conditional_create=support.if_none_match,
            multipart_threshold=self.settings.multipart_threshold_bytes, part_size=self.settings.part_size_bytes,
            kill=self.kill, cancel=self.cancel, on_bytes=self._add_bytes)
        self.transfer.sweep_partials()
        self.support = support

        listing: dict[Key, str] = {}
        pack_keys: list[str] = []
        for obj in self.remote.list(self.layout.objects_prefix):
            if self.layout.parse_pack_key(obj.key):
                pack_keys.append(obj.key)
                continue
            parsed = self.layout.parse_object_key(obj.key)
            if parsed is None or parsed[0] not in KINDS_BY_NAME:
                report.ignored_keys += 1
                continue
            listing[parsed] = obj.etag
        known_packs = self.state.pack_entries()
        pack_records = self._fetch_packs([pk for pk in pack_keys if pk not in known_packs], report, save=True)
        for pk in sorted(pack_keys):
            for k in known_packs.get(pk, []):
                listing.setdefault(k, PACK_ETAG + pk)  # an object's own key wins over its pack
        for (k, etag) in sorted(pack_records, key=lambda ke: ke[1]):
            listing.setdefault(k, etag)
        repairs = [sha for o in self.remote.list(self.layout.repair_prefix)
                   if (sha := self.layout.parse_repair_key(o.key))]
        self.kill.checkpoint("listed")
        bases = self.state.all_base()
        top_seq, outbox = self.state.outbox_snapshot()

        published = {k for k, b in bases.items() if b.etag is not None}
        if published and not listing and not confirm:
            raise SyncSafetyError(
                f"sync stopped: the bucket listing is empty but {len(published)} objects were synced before; "
                "nothing was changed (confirm to upload them again)", reason="empty_listing", count=len(published))
        missing = [k for k in published if k not in listing]
        if missing and len(missing) * 2 > len(published) and not confirm:
            raise SyncSafetyError(
                f"sync stopped: {len(missing)} of {len(published)} synced objects are missing from the bucket; "
                "nothing was changed (confirm to upload them again)", reason="missing_objects", count=len(missing))

        changed = [k for k, etag in listing.items() if k not in bases or bases[k].etag != etag]
        candidates: set[Key] = set(changed) | set(outbox) | set(missing)
        # Rows deleted outright (not tombstoned) need the remote data to publish a tombstone.
        locals_ = self._read_locals(candidates)
        fetch = set(changed) | {k for k in outbox if k not in locals_ and k in listing}
        from_packs = {k for k in fetch if listing[k].startswith(PACK_ETAG)}
        remotes = {k: pack_records[(k, listing[k])] for k in from_packs if (k, listing[k]) in pack_records}
        refetch = sorted({listing[k][len(PACK_ETAG):] for k in from_packs if k not in remotes})
        refetched = self._fetch_packs(refetch, report, save=False)
        for k in from_packs:
            if k not in remotes and (k, listing[k]) in refetched:
                remotes[k] = refetched[(k, listing[k])]
        remotes.update(self._fetch_records(fetch - from_packs, listing, report))
        self._reconcile(candidates, remotes, listing, bases, locals_, outbox, top_seq, report, confirm,
                        repairs=repairs)

    def _read_locals(self, keys: Iterable[Key]) -> dict[Key, LocalObject]:
        by_kind: dict[str, list[str]] = {}
        for kind, oid in keys:
            by_kind.setdefault(kind, []).append(oid)
        out: dict[Key, LocalObject] = {}
        for kind, ids in by_kind.items():
            for oid, obj in self.local.read(kind, ids).items():
                out[(kind, oid)] = obj
        return out

    def _fetch_packs(self, pack_keys: list[str], report: SyncReport, *,
                     save: bool) -> dict[tuple[Key, str], _Remote]:
        """Download packs; returns their records by ((kind, id), ``pack:<key>``). With ``save``,
        remembers what each pack holds."""
        out: dict[tuple[Key, str], _Remote] = {}
        if not pack_keys:
            return out

        def fetch(pk: str) -> tuple[str, list[SyncRecord], list[str]]:
            for attempt in range(1, RECORD_ATTEMPTS + 1):
                self._check_cancel()
                try:
                    raw, _ = self.remote.get_bytes(pk, max_bytes=MAX_PACK_BYTES)
                    break
                except RemoteNotFoundError:
                    return pk, [], []
                except SyncOfflineError:
                    if attempt == RECORD_ATTEMPTS:
                        raise
                    time.sleep(0.2 * attempt)
            try:
                good, errors = parse_pack(raw, key=pk, known_kinds=KINDS_BY_NAME)
            except RecordFormatError as exc:
                return pk, [], [str(exc)]
            self.kill.checkpoint("record_downloaded")
            return pk, good, errors

        with ThreadPoolExecutor(min(8, self.settings.transfer_threads)) as pool:
            results = list(pool.map(fetch, pack_keys))
        for pk, good, errors in results:
            report.warnings.extend(errors)
            if save:
                with self.db.engine.begin() as conn:
                    self.state.add_pack_entries(conn, pk, [(r.kind, r.id) for r in good])
            for rec in good:
                out[((rec.kind, rec.id), PACK_ETAG + pk)] = _Remote(rec, PACK_ETAG + pk, True)
        return out

    def _fetch_records(self, keys: Iterable[Key], listing: dict[Key, str],
                       report: SyncReport) -> dict[Key, _Remote]:
        keys = list(keys)
        out: dict[Key, _Remote] = {}
        if not keys:
            return out
        self._emit("downloading", 0, len(keys))

        def fetch(k: Key) -> tuple[Key, _Remote | None, str | None]:
            key = self.layout.object_key(*k)
            for attempt in range(1, RECORD_ATTEMPTS + 1):
                self._check_cancel()
                try:
                    raw, etag = self.remote.get_bytes(key, max_bytes=MAX_RECORD_BYTES)
                    break
                except RemoteNotFoundError:
                    return k, _Remote(None, None, False), None
                except SyncOfflineError:
                    if attempt == RECORD_ATTEMPTS:
                        raise
                    time.sleep(0.2 * attempt)
            try:
                rec = SyncRecord.parse(raw, key=key, kind=k[0], object_id=k[1])
            except RecordFormatError as exc:
                return k, None, str(exc)
            self.kill.checkpoint("record_downloaded")
            return k, _Remote(rec, etag, True), None

        with ThreadPoolExecutor(self.settings.transfer_threads) as pool:
            futures = [pool.submit(fetch, k) for k in keys]
            for i, fut in enumerate(as_completed(futures), 1):
                k, rem, err = fut.result()
                if err:
                    report.deferred.append({**_item(*k, None), "reason": err})
                elif rem is not None:
                    out[k] = rem
                if i % 50 == 0 or i == len(keys):
                    self._emit("downloading", i, len(keys))
        return out

    # --- decide, apply, push ------------------------------------------------------------------
    def _reconcile(self, candidates: set[Key], remotes: dict[Key, _Remote], listing: dict[Key, str],
                   bases: dict[Key, BaseState], locals_: dict[Key, LocalObject], outbox: dict[Key, str],
                   top_seq: int, report: SyncReport, confirm: bool, *, repairs: list[str] = (),
                   round_no: int = 1) -> None:
        me = report.device_id
        deferred_keys = {(d["kind"], d["id"]) for d in report.deferred}
        decisions: dict[Key, tuple[Decision, _Remote]] = {}
        for k in candidates:
            if k in deferred_keys:
                continue
            rem = remotes.get(k)
            if rem is None:
                rem = _Remote(None, listing.get(k), k in listing)
            local = locals_.get(k)
            if local is None and k in bases and outbox.get(k) == "delete" and rem.record is not None:
                local = self._tombstone_from(rem.record)
            if rem.exists and rem.record is None and (k not in bases or bases[k].etag != rem.etag):
                continue  # changed remotely but not fetched (failed): retried next run
            d = decide(device_id=me, base=bases.get(k), local=local, dirty=k in outbox,
                       remote=rem.record, remote_etag=rem.etag, remote_exists=rem.exists)
            if local is not None and d.action == Action.PUSH and not is_syncable(k[0], local.data):
                d = Decision(Action.DROP, reason="not finished yet")
            decisions[k] = (d, rem)

        deletes = sum(1 for k, (d, rem) in decisions.items()
                      if d.action == Action.APPLY and rem.record is not None and rem.record.deleted
                      and k in locals_ and not locals_[k].deleted)
        if deletes > 1 and not confirm:
            live = self.local.live_count()
            if deletes * 100 > live * self.settings.max_delete_percent:
                raise SyncSafetyError(
                    f"sync stopped: the bucket would delete {deletes} of {live} items in this library "
                    f"(over {self.settings.max_delete_percent}%); nothing was changed (confirm to go on)",
                    reason="mass_delete", count=deletes)

        incoming = {k: v for k, v in decisions.items() if v[0].action in {Action.APPLY, Action.ADOPT, Action.CONFLICT}}
        failed_blobs = self._download_blobs(incoming, report)
        conflict_pushes = self._apply(incoming, failed_blobs, locals_, top_seq, report)

        quiet = [k for k, (d, _) in decisions.items() if d.action in {Action.NOTHING, Action.DROP} and k in outbox]
        if quiet:
            with self.db.engine.begin() as conn:
                self.state.clear_outbox(conn, quiet, top_seq)

        pushes = {k: d for k, (d, _) in decisions.items() if d.action == Action.PUSH}
        pushes.update(conflict_pushes)
        retry = self._push(pushes, top_seq, report, repairs=repairs)
        if retry and round_no < PUSH_ROUNDS:
            fresh = self._fetch_records(retry, {}, report)
            new_bases = self.state.all_base()
            fresh_locals = self._read_locals(retry)
            fresh_listing = {k: r.etag for k, r in fresh.items() if r.exists and r.etag}
            self._reconcile(set(retry), fresh, fresh_listing, new_bases, fresh_locals,
                            {k: outbox.get(k, "upsert") for k in retry}, top_seq, report, confirm,
                            round_no=round_no + 1)
        elif retry:
            for k in retry:
                report.deferred.append({**_item(*k, None), "reason": "lost the write race three times"})

    @staticmethod
    def _tombstone_from(rec: SyncRecord) -> LocalObject:
        data = dict(rec.data)
        data["deleted_at"] = datetime.now(UTC).isoformat()
        return LocalObject(rec.kind, rec.id, data, True, content_hash(data, True), None)

    def _download_blobs(self, incoming: dict[Key, tuple[Decision, _Remote]], report: SyncReport) -> set[str]:
        need: set[str] = set()
        for d, rem in incoming.values():
            if d.action in {Action.APPLY, Action.CONFLICT} and rem.record and not rem.record.deleted:
                need.update(s for s in rem.record.blobs if not self.blobs.exists(s))
        failed: set[str] = set()
        if not need:
            return failed
        self._reset_bytes()
        total = len(need)
        self._emit("downloading", 0, total)

        def get(sha: str) -> tuple[str, int, Exception | None]:
            try:
                return sha, self.transfer.download(sha), None
            except (RemoteIntegrityError, RemoteNotFoundError) as exc:
                return sha, 0, exc

        with ThreadPoolExecutor(self.settings.transfer_threads) as pool:
            for i, fut in enumerate(as_completed([pool.submit(get, s) for s in need]), 1):
                sha, n, err = fut.result()
                if err is None:
                    report.blobs_downloaded += 1
                    report.bytes_downloaded += n
                else:
                    failed.add(sha)
                    report.warnings.append(f"blob {sha[:12]}…: {err}")
                    self._request_repair(sha, report)
                self._emit("downloading", i, total)
        return failed

    def _request_repair(self, sha: str, report: SyncReport) -> None:
        """Ask the device that has the blob to upload it again (the bucket copy is bad or gone)."""
        try:
            self.remote.put_bytes(self.layout.repair_key(sha), b"", content_type="text/plain")
            report.repairs_requested.append(sha)
        except SyncError as exc:
            report.warnings.append(f"could not request a repair of {sha[:12]}…: {exc}")

    def _apply(self, incoming: dict[Key, tuple[Decision, _Remote]], failed_blobs: set[str],
               locals_: dict[Key, LocalObject], top_seq: int, report: SyncReport) -> dict[Key, Decision]:
        """Apply remote records in one transaction; returns PUSH decisions for new conflict copies."""
        if not incoming:
            return {}
        me, name = report.device_id, self.state.device_name()
        conflict_pushes: dict[Key, Decision] = {}
        order = sorted(incoming, key=lambda k: (KIND_ORDER[k[0]], k[1]))
        self._emit("applying", 0, len(order))
        now = datetime.now(UTC)
        with self.db.engine.begin() as conn:
            self.state.begin_applying(conn)
            done_keys: list[Key] = []
            for i, k in enumerate(order, 1):
                d, rem = incoming[k]
                rec = rem.record
                assert rec is not None
                missing = [s for s in rec.blobs if s in failed_blobs] if not rec.deleted else []
                if d.action != Action.ADOPT and missing:
                    report.deferred.append({**_item(*k, self._label(rec)),
                                            "reason": f"waiting for blob {missing[0][:12]}…"})
                    continue
                savepoint = conn.begin_nested()
                try:
                    local = locals_.get(k)
                    if d.action == Action.ADOPT:
                        # Same content; take the remote's times too so both devices match byte for byte.
                        if local is not None and local.data != rec.data:
                            self.local.upsert(conn, k[0], k[1], self.local.validate(k[0], k[1], rec.data))
                            base_hash = self.local.read(k[0], [k[1]], conn)[k[1]].hash
                        else:
                            base_hash = local.hash if local else rec.content_hash
                    else:
                        if d.action == Action.CONFLICT and local is not None:
                            copy_id = new_object_id()
                            values = self.local.conflict_copy_values(local, new_id=copy_id, device_name=name,
                                                                     when=now)
                            self.local.upsert(conn, k[0], copy_id, values)
                            self.state.add_conflict(conn, kind=k[0], object_id=k[1], copy_id=copy_id,
                                                    device_id=me, device_name=name, detected_at=now.isoformat())
                            conflict_pushes[(k[0], copy_id)] = Decision(Action.PUSH, version={me: 1},
                                                                        create_only=True)
                            report.conflicts.append({**_item(k[0], k[1], self._label(rec)), "copy_id": copy_id})
                        values = self.local.validate(k[0], k[1], rec.data)
                        self.local.upsert(conn, k[0], k[1], values)
                        base_hash = self.local.read(k[0], [k[1]], conn)[k[1]].hash
                        item = _item(k[0], k[1], self._label(rec))
                        if rec.deleted and local is not None and not local.deleted:
                            report.deleted.append({**item, "where": "local"})
                        elif d.action == Action.APPLY:
                            report.downloaded.append(item)
                    if rec.conflict_of is not None:
                        self.state.add_conflict(conn, kind=k[0], object_id=rec.conflict_of.object_id, copy_id=k[1],
                                                device_id=rec.conflict_of.device_id,
                                                device_name=rec.conflict_of.device_name,
                                                detected_at=rec.conflict_of.detected_at.isoformat())
                    self.state.set_base(conn, k[0], k[1], BaseState(rem.etag, rec.version, base_hash, rec.deleted))
                    savepoint.commit()
                    done_keys.append(k)
                    if d.action == Action.ADOPT:
                        report.adopted += 1
                except (RecordFormatError, IntegrityError) as exc:
                    savepoint.rollback()
                    reason = str(exc) if isinstance(exc, RecordFormatError) else "its parent object is not here yet"
                    report.deferred.append({**_item(*k, self._label(rec)), "reason": reason.splitlines()[0]})
                if i % 100 == 0:
                    self._emit("applying", i, len(order))
            self.state.clear_outbox(conn, done_keys, top_seq)
            for ck in conflict_pushes:
                self.state.enqueue(conn, *ck)
            self.state.end_applying(conn)
        self.kill.checkpoint("applied")
        return conflict_pushes

    @staticmethod
    def _label(rec: SyncRecord) -> str | None:
        col = KINDS_BY_NAME[rec.kind].label_column
        v = rec.data.get(col) if col else None
        return v if isinstance(v, str) else None

    def _blob_deps(self, obj: LocalObject) -> set[str]:
        if obj.deleted:
            return set()
        deps = set(blob_refs(obj.data))
        ch = obj.data.get("content_hash")
        if obj.kind in {"media_asset", "asset"} and isinstance(ch, str) and SHA256_RE.fullmatch(ch) \
                and self.blobs.exists(ch):
            deps.add(ch)
        return deps

    def _push(self, pushes: dict[Key, Decision], top_seq: int, report: SyncReport, *,
              repairs: Iterable[str] = ()) -> list[Key]:
        """Upload blobs then records; returns keys whose conditional write lost (to re-merge)."""
        self._check_cancel()
        me = report.device_id
        locals_ = self._read_locals(pushes)
        conflicts = self.state.conflicts_by_copy()
        records: dict[Key, tuple[SyncRecord, Decision, str | None]] = {}
        for k, d in pushes.items():
            obj = locals_.get(k)
            if obj is None:
                continue  # vanished meanwhile; its outbox entry brings it back next run
            deps = self._blob_deps(obj)
            present = {s for s in deps if self.blobs.exists(s)}
            for s in deps - present:
                report.warnings.append(f"{k[0]}/{k[1]}: blob {s[:12]}… is missing locally")
            conflict = conflicts.get(k)
            origin = (ConflictOrigin(object_id=conflict.object_id, device_id=conflict.device_id,
                                     device_name=conflict.device_name,
                                     detected_at=datetime.fromisoformat(conflict.detected_at))
                      if conflict else None)
            updated = obj.data.get("updated_at") or now_iso()
            rec = SyncRecord(kind=k[0], id=k[1], device_id=me, updated_at=updated, deleted=obj.deleted,
                             version=d.version or {me: 1}, content_hash=obj.hash, blobs=sorted(present),
                             data=obj.data, conflict_of=origin)
            records[k] = (rec, d, obj.label)

        failed_keys = self._upload_blobs(records, report, repairs)
        for k in failed_keys:
            records.pop(k, None)
        if not records:
            self._finish_uploads(report, keep=set())
            return []

        retry: list[Key] = []
        pending_commit: list[tuple[Key, SyncRecord, str]] = []
        total = len(records)
        self._emit("uploading", 0, total)
        bulk = sorted(k for k, (_, d, _) in records.items() if d.create_only)
        if len(bulk) >= PACK_MIN:
            self._push_packs(bulk, records, top_seq, report)
            records = {k: v for k, v in records.items() if k not in set(bulk)}

        def put(k: Key) -> tuple[Key, str | None, Exception | None]:
            rec, d, _ = records[k]
            key = self.layout.object_key(*k)
            body = rec.to_bytes()
            if d.if_match and d.if_match.startswith(PACK_ETAG):
                # First update of an object published in a pack: its own key must not exist yet.
                d = Decision(Action.PUSH, version=d.version, create_only=True)
            try:
                if self.support.if_match and self.support.if_none_match:
                    etag = self.remote.put_bytes(key, body, if_match=None if d.create_only else d.if_match,
                                                 if_none_match=d.create_only, content_type="application/json")
                else:
                    etag = self._put_fallback(key, body, d)
            except PreconditionFailedError as exc:
                return k, None, exc
            self.kill.checkpoint("record_uploaded")
            return k, etag, None

        with ThreadPoolExecutor(self.settings.transfer_threads) as pool:
            futures = [pool.submit(put, k) for k in records]
            total = len(futures)
            try:
                for i, fut in enumerate(as_completed(futures), 1):
                    k, etag, err = fut.result()
                    if err is not None:
                        retry.append(k)
                    else:
                        pending_commit.append((k, records[k][0], etag))
                    if len(pending_commit) >= COMMIT_BATCH:
                        self._commit_pushed(pending_commit, top_seq, report, records)
                        pending_commit = []
                    if i % 20 == 0 or i == total:
                        self._emit("uploading", i, total)
            finally:
                if pending_commit:
                    self._commit_pushed(pending_commit, top_seq, report, records)
        self._finish_uploads(report, keep=set())
        return retry

    def _push_packs(self, keys: list[Key], records: dict[Key, tuple[SyncRecord, Decision, str | None]],
                    top_seq: int, report: SyncReport) -> None:
        """Publish new objects in packs of PACK_SIZE (one PUT per pack instead of one per object)."""
        me = report.device_id
        chunks = [keys[i:i + PACK_SIZE] for i in range(0, len(keys), PACK_SIZE)]

        def put_pack(chunk: list[Key]) -> tuple[list[Key], str]:
            key = self.layout.pack_key(me, uuid.uuid4().hex)
            body = pack_to_bytes(me, [records[k][0] for k in chunk])
            if not self.support.if_none_match and self.remote.head(key) is not None:
                raise PreconditionFailedError(f"upload {key}: exists")
            self.remote.put_bytes(key, body, if_none_match=self.support.if_none_match,
                                  content_type="application/json")
            self.kill.checkpoint("record_uploaded")
            return chunk, key

        with ThreadPoolExecutor(min(len(chunks), self.settings.transfer_threads)) as pool:
            for chunk, key in pool.map(put_pack, chunks):
                with self.db.engine.begin() as conn:
                    self.state.add_pack_entries(conn, key, chunk)
                    self.state.set_bases(conn, [
                        (k, BaseState(PACK_ETAG + key, records[k][0].version, records[k][0].content_hash,
                                      records[k][0].deleted)) for k in chunk])
                    self.state.clear_outbox(conn, chunk, top_seq)
                for k in chunk:
                    rec = records[k][0]
                    item = _item(k[0], k[1], records[k][2])
                    if rec.deleted:
                        report.deleted.append({**item, "where": "remote"})
                    else:
                        report.uploaded.append(item)
                self.kill.checkpoint("state_committed")

    def _put_fallback(self, key: str, body: bytes, d: Decision) -> str:
        """Read-check-write for buckets without compare-and-swap: check the etag just before the
        PUT. A writer racing inside that window can still overwrite; the version vectors then show
        that our version was lost and the next run turns it into a conflict copy (docs/sync.md)."""
        head = self.remote.head(key)
        if d.create_only and head is not None:
            raise PreconditionFailedError(f"upload {key}: exists")
        if not d.create_only and (head is None or head.etag != d.if_match):
            raise PreconditionFailedError(f"upload {key}: changed")
        return self.remote.put_bytes(key, body, if_none_match=d.create_only and self.support.if_none_match,
                                     content_type="application/json")

    def _commit_pushed(self, items: list[tuple[Key, SyncRecord, str]], top_seq: int, report: SyncReport,
                       records: dict[Key, tuple[SyncRecord, Decision, str | None]]) -> None:
        with self.db.engine.begin() as conn:
            self.state.set_bases(conn, [(k, BaseState(etag, rec.version, rec.content_hash, rec.deleted))
                                        for k, rec, etag in items])
            self.state.clear_outbox(conn, [k for k, _, _ in items], top_seq)
        for k, rec, _ in items:
            item = _item(k[0], k[1], records[k][2])
            if rec.deleted:
                report.deleted.append({**item, "where": "remote"})
            else:
                report.uploaded.append(item)
        self.kill.checkpoint("state_committed")

    def _upload_blobs(self, records: dict[Key, tuple[SyncRecord, Decision, str | None]], report: SyncReport,
                      repairs: Iterable[str]) -> set[Key]:
        """Upload every blob the records need that the bucket lacks; returns record keys whose blobs
        failed (they wait for the next run)."""
        needed: dict[str, list[Key]] = {}
        for k, (rec, _, _) in records.items():
            for s in rec.blobs:
                needed.setdefault(s, []).append(k)
        repair_list = [s for s in repairs if self.blobs.exists(s)]
        known = self.state.known_blobs()
        todo = [s for s in needed if s not in known]
        if todo:
            # Which of them the bucket already has: a few HEADs, or one listing for many.
            listed: dict[str, int] = {}
            if len(todo) <= HEAD_INSTEAD_OF_LIST:
                with ThreadPoolExecutor(self.settings.transfer_threads) as pool:
                    for sha, head in zip(todo, pool.map(lambda s: self.remote.head(self.layout.blob_key(s)), todo),
                                         strict=True):
                        if head is not None:
                            listed[sha] = head.size
            else:
                for o in self.remote.list(self.layout.blobs_prefix):
                    sha = self.layout.parse_blob_key(o.key)
                    if sha:
                        listed[sha] = o.size
            self.state.add_known_blobs(listed.items())
            todo = [s for s in todo if s not in listed]
        failed: set[Key] = set()
        jobs = [(s, False) for s in todo] + [(s, True) for s in repair_list]
        if not jobs:
            return failed
        self._reset_bytes()
        sizes = {s: self.blobs.path_for(s).stat().st_size for s, _ in jobs}
        total_bytes = sum(sizes.values())
        self._emit("uploading", 0, len(jobs), total_bytes)

        def up(s: str, overwrite: bool) -> tuple[str, bool, int, Exception | None]:
            try:
                return s, overwrite, self.transfer.upload(s, overwrite=overwrite), None
            except (BlobNotFoundError, RemoteIntegrityError, RemoteError) as exc:
                return s, overwrite, 0, exc

        done_known: list[tuple[str, int]] = []
        with ThreadPoolExecutor(self.settings.transfer_threads) as pool:
            futures = [pool.submit(up, s, o) for s, o in jobs]
            try:
                for i, fut in enumerate(as_completed(futures), 1):
                    s, overwrite, n, err = fut.result()
                    if err is not None:
                        report.warnings.append(f"blob {s[:12]}… not uploaded: {err}")
                        failed.update(needed.get(s, []))
                    else:
                        done_known.append((s, sizes[s]))
                        if n:
                            report.blobs_uploaded += 1
                            report.bytes_uploaded += n
                        if overwrite:
                            self.remote.delete(self.layout.repair_key(s))
                            report.repairs_done.append(s)
                    if len(done_known) >= COMMIT_BATCH:
                        self.state.add_known_blobs(done_known)
                        done_known = []
                    self._emit("uploading", i, len(jobs), total_bytes)
            finally:
                self.state.add_known_blobs(done_known)
        for k in failed:
            report.deferred.append({**_item(*k, records[k][2]), "reason": "a blob it needs did not upload"})
        return failed

    def _finish_uploads(self, report: SyncReport, keep: set[str]) -> None:
        try:
            report.multipart_aborted += self.transfer.abort_pending(keep)
        except SyncOfflineError:
            pass
