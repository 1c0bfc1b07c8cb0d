"""SyncService: runs the SyncEngine in a QThreadPool worker and reports through Qt signals.

The GUI (ui/sync/) shows ``status_changed`` in the status bar, calls ``sync_now()`` for "Sync
now", asks for confirmation on ``confirmation_needed`` and shows ``conflicts()`` in the conflicts
dialog. Nothing here blocks the GUI thread on the network or the keyring: runs, connection tests
and credential writes all go to the pool. QtCore only (no QtWidgets).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from studio_app.services.context import StudioStore
from studio_app.sync.conflicts import Conflicts as ConflictsModel
from studio_app.sync.conflicts import ConflictView, Resolution
from studio_app.sync.credentials import Credentials, save_to_keyring
from studio_app.sync.engine import SyncProgress, SyncReport
from studio_app.sync.errors import SyncError, SyncOfflineError, SyncSafetyError
from studio_app.sync.factory import build_engine
from studio_app.sync.probe import ConnectionReport, test_connection
from studio_app.sync.settings import SECTION, SyncSettings, effective_settings
from studio_app.sync.status import read_status

from .workers import Worker, WorkerContext, run_in_pool


class SyncState(StrEnum):
    """What the status bar shows."""

    NOT_CONFIGURED = "not_configured"
    SYNCED = "synced"
    PENDING = "pending"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"
    NEEDS_CONFIRMATION = "needs_confirmation"


@dataclass(frozen=True)
class SyncStatus:
    """A status-bar snapshot.

    Attributes:
        state: see SyncState.
        pending: local changes waiting to be uploaded (objects).
        conflicts: open conflict copies.
        last_synced_at: ISO time of the last good run, or None.
        message: one line for people.
        percent: 0-100 while syncing.
        phase: engine phase while syncing (listing, downloading, applying, uploading).
    """

    state: SyncState
    pending: int = 0
    conflicts: int = 0
    last_synced_at: str | None = None
    message: str = ""
    percent: int = 0
    phase: str = ""


class SyncService(QObject):
    """Sync for one opened data dir.

    Signals:
        status_changed(SyncStatus): after every change of state, progress or counts.
        progress(SyncProgress): while a run is going.
        finished(SyncReport): a run completed.
        failed(str): a run failed (one line; local data is intact).
        confirmation_needed(str message, str reason): a safety stop; call ``sync_now(confirm=True)``
            if the user agrees.
        connection_tested(ConnectionReport): result of ``test_connection()``.
        credentials_saved(bool ok, str message): result of ``save_credentials()``.
    """

    status_changed = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    confirmation_needed = Signal(str, str)
    connection_tested = Signal(object)
    credentials_saved = Signal(bool, str)

    def __init__(self, store: StudioStore, *, pool: QThreadPool | None = None,
                 environ: Mapping[str, str] | None = None, poll_ms: int = 3000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pool = pool or QThreadPool.globalInstance()
        self.environ = dict(os.environ if environ is None else environ)
        self._job: Worker | None = None
        self._cancel = threading.Event()
        self._offline = False
        self._needs_confirmation: str | None = None
        self._status = SyncStatus(SyncState.NOT_CONFIGURED)
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.refresh_status)
        self._auto = QTimer(self)
        self._auto.timeout.connect(self._auto_sync)
        self.apply_settings()

    # --- settings -----------------------------------------------------------------------------
    def settings(self) -> SyncSettings:
        """The saved sync settings (without environment overrides)."""
        return self.store.settings.section(SECTION, SyncSettings)

    def save_settings(self, settings: SyncSettings) -> None:
        """Save the sync section and restart the auto-sync timer.

        Raises:
            OSError: settings.json could not be written.
        """
        self.store.settings.save_section(SECTION, settings)
        self.apply_settings()

    def apply_settings(self) -> None:
        """(Re)start the auto-sync timer from the settings and refresh the status."""
        try:
            s = effective_settings(self.store.settings, self.environ)
        except SyncError:
            s = SyncSettings()
        self._auto.stop()
        if s.enabled and s.is_configured and s.auto_sync_minutes > 0:
            self._auto.start(s.auto_sync_minutes * 60_000)
        self.refresh_status()

    def save_credentials(self, credentials: Credentials) -> None:
        """Store the key pair in the OS keyring from a worker (the keyring may prompt or hang);
        emits ``credentials_saved``."""
        run_in_pool(lambda _ctx: save_to_keyring(credentials), pool=self.pool, owner=self,
                    on_result=lambda _r: self.credentials_saved.emit(True, "credentials saved in the keyring"),
                    on_error=lambda exc: self.credentials_saved.emit(False, str(exc).splitlines()[0]))

    # --- status -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start polling the status (pending count) for the status bar."""
        self._poll.start()
        self.refresh_status()

    def stop(self) -> None:
        """Stop timers and cancel a running sync (committed work is kept)."""
        self._poll.stop()
        self._auto.stop()
        self.cancel()

    def status(self) -> SyncStatus:
        """The latest status."""
        return self._status

    @Slot()
    def refresh_status(self) -> SyncStatus:
        """Re-read pending count, conflicts and last sync from the data dir (no network)."""
        info = read_status(self.store.db, self.store.settings, self.environ)
        if self.is_running():
            new = replace(self._status, pending=info.pending, conflicts=info.conflicts)
        elif not info.configured:
            new = SyncStatus(SyncState.NOT_CONFIGURED, info.pending, info.conflicts, info.last_synced_at,
                             "Sync is off")
        elif self._needs_confirmation:
            new = SyncStatus(SyncState.NEEDS_CONFIRMATION, info.pending, info.conflicts, info.last_synced_at,
                             self._needs_confirmation)
        elif self._offline:
            new = SyncStatus(SyncState.OFFLINE, info.pending, info.conflicts, info.last_synced_at,
                             info.last_error or "Offline")
        elif info.last_error:
            new = SyncStatus(SyncState.ERROR, info.pending, info.conflicts, info.last_synced_at, info.last_error)
        elif info.pending:
            new = SyncStatus(SyncState.PENDING, info.pending, info.conflicts, info.last_synced_at,
                             f"{info.pending} change{'s' if info.pending != 1 else ''} to sync")
        else:
            new = SyncStatus(SyncState.SYNCED, 0, info.conflicts, info.last_synced_at,
                             "Synced" if info.last_synced_at else "Not synced yet")
        self._set_status(new)
        return new

    def _set_status(self, status: SyncStatus) -> None:
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)

    # --- runs ---------------------------------------------------------------------------------
    def is_running(self) -> bool:
        """A run is in progress."""
        return self._job is not None

    def sync_now(self, confirm: bool = False) -> bool:
        """Start a run in the pool. Returns False (and does nothing) if one is running or sync is
        not set up."""
        if self.is_running():
            return False
        if not read_status(self.store.db, self.store.settings, self.environ).configured:
            self.refresh_status()
            return False
        self._cancel = threading.Event()
        cancel = self._cancel
        store, env = self.store, self.environ

        def work(ctx: WorkerContext) -> SyncReport:
            engine = build_engine(db=store.db, blobs=store.blobs, settings_store=store.settings,
                                  data_dir=store.paths.data_dir, environ=env, progress=ctx.progress, cancel=cancel)
            return engine.run(confirm=confirm)

        self._needs_confirmation = None
        self._set_status(replace(self._status, state=SyncState.SYNCING, message="Syncing…", percent=0,
                                 phase="listing"))
        self._job = run_in_pool(work, pool=self.pool, owner=self, on_progress=self._on_progress,
                                on_result=self._on_done, on_error=self._on_error)
        return True

    def cancel(self) -> None:
        """Ask a running sync to stop at its next safe point."""
        self._cancel.set()

    @Slot(object)
    def _on_progress(self, p: SyncProgress) -> None:
        self.progress.emit(p)
        self._set_status(replace(self._status, state=SyncState.SYNCING, percent=p.percent, phase=p.phase,
                                 message=f"Syncing: {p.phase} {p.done}/{p.total}" if p.total else "Syncing…"))

    @Slot(object)
    def _on_done(self, report: SyncReport) -> None:
        self._job = None
        self._offline = False
        self.refresh_status()
        self.finished.emit(report)

    @Slot(object)
    def _on_error(self, exc: BaseException) -> None:
        self._job = None
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self._offline = isinstance(exc, SyncOfflineError)
        if isinstance(exc, SyncSafetyError):
            self._needs_confirmation = message
            self.refresh_status()
            self.confirmation_needed.emit(message, exc.reason)
            return
        self.refresh_status()
        if not isinstance(exc, SyncError):
            self._set_status(replace(self._status, state=SyncState.ERROR, message=message))
        self.failed.emit(message)

    @Slot()
    def _auto_sync(self) -> None:
        if not self.is_running():
            self.sync_now()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the pool is idle (tests and shutdown). True if it finished in time."""
        return self.pool.waitForDone(timeout_ms)

    # --- connection test and conflicts ----------------------------------------------------------
    def test_connection(self) -> None:
        """Check the bucket from a worker; emits ``connection_tested(ConnectionReport)``."""
        store, env = self.store, self.environ

        def work(_ctx: WorkerContext) -> ConnectionReport:
            engine = build_engine(db=store.db, blobs=store.blobs, settings_store=store.settings,
                                  data_dir=store.paths.data_dir, environ=env)
            return test_connection(engine.remote, engine.layout, engine.state.device_id())

        run_in_pool(work, pool=self.pool, owner=self, on_result=self.connection_tested.emit,
                    on_error=lambda exc: self.connection_tested.emit(ConnectionReport(False, str(exc).splitlines()[0])))

    def conflicts(self) -> list[ConflictView]:
        """Open conflicts (local reads only)."""
        return ConflictsModel(self.store.db).open_conflicts()

    def resolve_conflict(self, conflict_id: str, resolution: Resolution | str) -> None:
        """Resolve one conflict locally; the change syncs on the next run.

        Raises:
            ConflictNotFoundError: no such open conflict.
        """
        ConflictsModel(self.store.db).resolve(conflict_id, resolution)
        self.refresh_status()
