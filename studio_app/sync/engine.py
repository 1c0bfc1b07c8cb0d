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
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from studio_app.store.blobs import BlobStore
from studio_app.store.database import Database

from .credentials import Credentials
from .errors import SyncCancelledError, SyncError, SyncSafetyError
from .faults import KillSwitch
from .keys import KeyLayout, normalize_prefix
from .local import LocalObject, LocalRecords, is_syncable
from .lock import SyncLock
from .merge import Action, Decision, decide
from .probe import ConditionalSupport, probe_conditional_writes
from .pull import Incoming, SyncPull
from .push import SyncPush
from .report import Key, RemoteCopy, SyncProgress, SyncReport
from .settings import SyncSettings, require_configured
from .state import BaseState, SyncStateStore, now_iso
from .transfer import BlobTransfer

if TYPE_CHECKING:  # boto3 is imported only when a remote is built (start-up time)
    from .remote import S3Remote

__all__ = ["SyncEngine", "SyncProgress", "SyncReport"]

PUSH_ROUNDS = 3
"""Re-merge rounds after a lost conditional write before the object is deferred to the next run."""


class SyncEngine:
    """Syncs one data dir with one bucket. Not thread-safe: one ``run`` at a time (a file lock
    enforces this across processes too). The run's halves are ``pull`` (SyncPull) and ``push``
    (SyncPush); this class orders them and decides, object by object, what moves.

    Args:
        db, blobs: the data dir's database and blob store.
        data_dir: folder of ``sync.lock``.
        settings: a configured SyncSettings (env overrides already applied).
        credentials: the key pair (ignored when ``remote`` is given).
        remote: an S3Remote to use instead of building one (tests).
        progress: called with SyncProgress from the running thread.
        cancel: set it to stop at the next safe point (SyncCancelledError).
        kill: fault-injection checkpoints (tests); a no-op by default.

    Raises:
        SyncConfigError: ``settings`` name no bucket.
    """

    transfer: BlobTransfer
    support: ConditionalSupport

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
        self.progress_cb: Callable[[SyncProgress], None] = progress or (lambda p: None)
        self.cancel = cancel or threading.Event()
        self.kill = kill or KillSwitch()
        self.state = SyncStateStore(db)
        self.local = LocalRecords(db)
        self.layout = KeyLayout(normalize_prefix(settings.prefix))
        self.pull = SyncPull(self)
        self.push = SyncPush(self)
        self._bytes = 0
        self._bytes_lock = threading.Lock()

    # --- plumbing -----------------------------------------------------------------------------
    @property
    def remote(self) -> S3Remote:
        """The S3Remote (built on first use).

        Raises:
            SyncError: no remote was given and there are no credentials.
        """
        if self._remote is None:
            if self.credentials is None:
                raise SyncError("no bucket credentials")
            from .remote import make_remote

            self._remote = make_remote(self.settings, self.credentials)
        return self._remote

    def emit(self, phase: str, done: int = 0, total: int = 0, bytes_total: int = 0) -> None:
        """Report progress: ``done`` of ``total`` items of ``phase``, bytes so far of ``bytes_total``."""
        with self._bytes_lock:
            b = self._bytes
        self.progress_cb(SyncProgress(phase, done, total, b, bytes_total))

    def add_bytes(self, n: int) -> None:
        """Count ``n`` payload bytes moved (called from transfer threads)."""
        with self._bytes_lock:
            self._bytes += n

    def reset_bytes(self) -> None:
        """Start counting payload bytes of a new phase."""
        with self._bytes_lock:
            self._bytes = 0

    def check_cancel(self) -> None:
        """Raise SyncCancelledError when ``cancel`` is set (called at safe points)."""
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
            self.emit("done", 1, 1)
            return report

    def _start(self, report: SyncReport) -> None:
        """Triggers on, the bucket's conditional-write support known, the blob transfer ready."""
        self.state.ensure_triggers()
        self.emit("listing")
        support = self.conditional_support()
        report.conditional_writes = support.label
        self.transfer = BlobTransfer(
            self.remote, self.blobs, self.layout, self.state, conditional_create=support.if_none_match,
            multipart_threshold=self.settings.multipart_threshold_bytes, part_size=self.settings.part_size_bytes,
            kill=self.kill, cancel=self.cancel, on_bytes=self.add_bytes)
        self.transfer.sweep_partials()
        self.support = support

    def _run(self, report: SyncReport, confirm: bool) -> None:
        self._start(report)
        listing, pack_records, repairs = self.pull.list_bucket(report)
        self.kill.checkpoint("listed")
        bases = self.state.all_base()
        top_seq, outbox = self.state.outbox_snapshot()
        missing = _check_listing(listing, bases, confirm)
        changed = [k for k, etag in listing.items() if k not in bases or bases[k].etag != etag]
        candidates: set[Key] = set(changed) | set(outbox) | set(missing)
        # Rows deleted outright (not tombstoned) need the remote data to publish a tombstone.
        locals_ = self.pull.read_locals(candidates)
        fetch = set(changed) | {k for k in outbox if k not in locals_ and k in listing}
        remotes = self.pull.fetch_remotes(fetch, listing, pack_records, report)
        self._reconcile(candidates, remotes, listing, bases, locals_, outbox, top_seq, report, confirm,
                        repairs=repairs)

    # --- decide, then pull and push -----------------------------------------------------------
    def _reconcile(self, candidates: set[Key], remotes: dict[Key, RemoteCopy], listing: dict[Key, str],
                   bases: dict[Key, BaseState], locals_: dict[Key, LocalObject], outbox: dict[Key, str],
                   top_seq: int, report: SyncReport, confirm: bool, *, repairs: list[str] | None = None,
                   round_no: int = 1) -> None:
        decisions = self._decide(candidates, remotes, listing, bases, locals_, outbox, report)
        if not confirm:
            self._check_mass_delete(decisions, locals_)
        incoming: Incoming = {k: v for k, v in decisions.items()
                              if v[0].action in {Action.APPLY, Action.ADOPT, Action.CONFLICT}}
        failed_blobs = self.pull.download_blobs(incoming, report)
        conflict_pushes = self.pull.apply(incoming, failed_blobs, locals_, top_seq, report)

        quiet = [k for k, (d, _) in decisions.items() if d.action in {Action.NOTHING, Action.DROP} and k in outbox]
        if quiet:
            with self.db.engine.begin() as conn:
                self.state.clear_outbox(conn, quiet, top_seq)

        pushes = {k: d for k, (d, _) in decisions.items() if d.action == Action.PUSH}
        pushes.update(conflict_pushes)
        retry = self.push.push(pushes, top_seq, report, repairs=repairs or ())
        if retry and round_no < PUSH_ROUNDS:
            fresh = self.pull.fetch_records(retry, report)
            fresh_listing = {k: r.etag for k, r in fresh.items() if r.exists and r.etag}
            self._reconcile(set(retry), fresh, fresh_listing, self.state.all_base(), self.pull.read_locals(retry),
                            {k: outbox.get(k, "upsert") for k in retry}, top_seq, report, confirm,
                            round_no=round_no + 1)
        elif retry:
            for k in retry:
                report.defer(k, None, "lost the write race three times")

    def _decide(self, candidates: set[Key], remotes: dict[Key, RemoteCopy], listing: dict[Key, str],
                bases: dict[Key, BaseState], locals_: dict[Key, LocalObject], outbox: dict[Key, str],
                report: SyncReport) -> dict[Key, tuple[Decision, RemoteCopy]]:
        """Decide each candidate from base / local / remote (merge.decide); skips deferred ones and
        ones changed remotely whose record could not be fetched (retried next run)."""
        deferred_keys = {(d["kind"], d["id"]) for d in report.deferred}
        decisions: dict[Key, tuple[Decision, RemoteCopy]] = {}
        for k in candidates:
            if k in deferred_keys:
                continue
            rem = remotes.get(k)
            if rem is None:
                rem = RemoteCopy(None, listing.get(k), k in listing)
            local = locals_.get(k)
            if local is None and k in bases and outbox.get(k) == "delete" and rem.record is not None:
                local = self.pull.tombstone_from(rem.record)
            if rem.exists and rem.record is None and (k not in bases or bases[k].etag != rem.etag):
                continue  # changed remotely but not fetched (failed): retried next run
            d = decide(device_id=report.device_id, base=bases.get(k), local=local, dirty=k in outbox,
                       remote=rem.record, remote_etag=rem.etag, remote_exists=rem.exists)
            if local is not None and d.action == Action.PUSH and not is_syncable(k[0], local.data):
                d = Decision(Action.DROP, reason="not finished yet")
            decisions[k] = (d, rem)
        return decisions

    def _check_mass_delete(self, decisions: dict[Key, tuple[Decision, RemoteCopy]],
                           locals_: dict[Key, LocalObject]) -> None:
        """Stop before applying when the bucket would delete over ``max_delete_percent`` of the library.

        Raises:
            SyncSafetyError: reason ``mass_delete``; nothing was changed.
        """
        deletes = sum(1 for k, (d, rem) in decisions.items()
                      if d.action == Action.APPLY and rem.record is not None and rem.record.deleted
                      and k in locals_ and not locals_[k].deleted)
        if deletes > 1:
            live = self.local.live_count()
            if deletes * 100 > live * self.settings.max_delete_percent:
                raise SyncSafetyError(
                    f"sync stopped: the bucket would delete {deletes} of {live} items in this library "
                    f"(over {self.settings.max_delete_percent}%); nothing was changed (confirm to go on)",
                    reason="mass_delete", count=deletes)


def _check_listing(listing: dict[Key, str], bases: dict[Key, BaseState], confirm: bool) -> list[Key]:
    """The synced objects missing from the listing; stops when the listing is empty or lacks most.

    Raises:
        SyncSafetyError: reason ``empty_listing`` or ``missing_objects`` (unless ``confirm``);
            nothing was changed.
    """
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
    return missing
