"""SyncStatusWidget: sync state in the status bar, a progress bar, "Sync now" and "Conflicts"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QToolButton, QWidget

from studio_app.services.sync_service import SyncService, SyncState, SyncStatus
from studio_app.sync.engine import SyncReport

from .conflicts_dialog import ConflictsDialog

_DOT = {
    SyncState.NOT_CONFIGURED: "#8a8a8a", SyncState.SYNCED: "#2e9d5b", SyncState.PENDING: "#d99a1e",
    SyncState.SYNCING: "#3d7fd9", SyncState.OFFLINE: "#8a8a8a", SyncState.ERROR: "#d9473d",
    SyncState.NEEDS_CONFIRMATION: "#d9473d",
}


def relative_time(iso: str | None, now: datetime | None = None) -> str:
    """``"just now"``, ``"5 min ago"``, ``"3 h ago"``, ``"2 days ago"`` or ``"never"``."""
    if not iso:
        return "never"
    try:
        then = datetime.fromisoformat(iso)
    except ValueError:
        return "never"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def status_text(status: SyncStatus) -> str:
    """The label text for a status."""
    s = status.state
    if s is SyncState.NOT_CONFIGURED:
        return "Sync off"
    if s is SyncState.SYNCING:
        phase = f" {status.phase}" if status.phase and status.phase != "done" else ""
        return f"Syncing{phase}… {status.percent}%"
    if s is SyncState.OFFLINE:
        waiting = f", {status.pending} waiting" if status.pending else ""
        return f"Offline{waiting}: {status.message}" if status.message else f"Offline{waiting}"
    if s is SyncState.ERROR:
        return f"Sync failed: {status.message}" if status.message else "Sync failed"
    if s is SyncState.NEEDS_CONFIRMATION:
        return "Sync stopped: needs confirmation"
    if s is SyncState.PENDING:
        return f"{status.pending} pending · last synced {relative_time(status.last_synced_at)}"
    return f"Synced {relative_time(status.last_synced_at)}"


def report_text(report: SyncReport) -> str:
    """One line for the status bar after a run: "Sync done: 3 uploaded, 1 downloaded, 1 conflict"."""
    parts = [f"{len(report.uploaded)} uploaded", f"{len(report.downloaded)} downloaded"]
    if report.deleted:
        parts.append(f"{len(report.deleted)} deleted")
    if report.conflicts:
        parts.append(f"{len(report.conflicts)} conflict{'s' if len(report.conflicts) != 1 else ''}")
    if report.deferred:
        parts.append(f"{len(report.deferred)} left for the next run")
    return "Sync done: " + ", ".join(parts) if report.changed_anything or report.conflicts else "Sync done: up to date"


LABEL_MAX_PX = 360
"""The status label is elided to this width (the whole reason is in its tooltip)."""


class SyncStatusWidget(QWidget):
    """Add to the main window's status bar: ``statusBar().addPermanentWidget(SyncStatusWidget(svc))``.

    ``confirm`` decides safety stops (default: a QMessageBox question); tests pass their own.
    With no bucket set the button reads "Set up sync…" and emits ``setupRequested`` (the main
    window opens Settings → Sync); after a failure it reads "Retry".

    Signals:
        setupRequested(): the streamer asked to sync with no bucket set.
    """

    setupRequested = Signal()

    def __init__(self, service: SyncService, parent: QWidget | None = None,
                 confirm: Callable[[str], bool] | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.confirm = confirm or self._ask
        self.dot = QLabel("●")
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(110)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.sync_button = QToolButton()
        self.sync_button.setText("Sync now")
        self.sync_button.setToolTip("Pull changes from the bucket, then upload local changes")
        self.sync_button.clicked.connect(self._button_clicked)
        self.conflicts_button = QToolButton()
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.conflicts_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        for w in (self.dot, self.label, self.bar, self.conflicts_button, self.sync_button):
            layout.addWidget(w)
        service.status_changed.connect(self.show_status)
        service.confirmation_needed.connect(self._on_confirmation_needed)
        self._tick = QTimer(self)  # keeps "5 min ago" fresh
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(lambda: self.show_status(self.service.status()))
        self._tick.start()
        self.show_status(service.status())

    def show_status(self, status: SyncStatus) -> None:
        """Render a SyncStatus."""
        self.dot.setStyleSheet(f"color: {_DOT[status.state]};")
        text = status_text(status)
        self.label.setText(self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, LABEL_MAX_PX))
        tip = status.message
        if status.last_synced_at:
            tip = f"{tip}\nLast synced: {status.last_synced_at}"
        self.setToolTip(tip)
        self.label.setToolTip(tip)
        syncing = status.state is SyncState.SYNCING
        self.bar.setVisible(syncing)
        self.bar.setValue(status.percent)
        self.sync_button.setEnabled(not syncing)
        if status.state is SyncState.NOT_CONFIGURED:
            self.sync_button.setText("Set up sync…")
            self.sync_button.setToolTip("Choose a bucket in Settings → Sync")
        elif status.state in (SyncState.ERROR, SyncState.OFFLINE):
            self.sync_button.setText("Retry")
            self.sync_button.setToolTip(f"Try the sync again ({status.message})" if status.message else
                                        "Try the sync again")
        else:
            self.sync_button.setText("Sync now")
            self.sync_button.setToolTip("Pull changes from the bucket, then upload local changes (F5)")
        self.conflicts_button.setVisible(status.conflicts > 0)
        self.conflicts_button.setText(f"Conflicts ({status.conflicts})")

    def sync_now(self) -> bool:
        """The "Sync now" action (F5): start a run, or with no bucket set emit ``setupRequested``.
        Returns True when a run started."""
        if self.service.status().state is SyncState.NOT_CONFIGURED:
            self.service.refresh_status()
            if self.service.status().state is SyncState.NOT_CONFIGURED:
                self.setupRequested.emit()
                return False
        return self.service.sync_now()

    def _button_clicked(self) -> None:
        self.sync_now()

    def open_conflicts(self) -> ConflictsDialog:
        """Open the conflicts dialog (non-modal); returns it."""
        dialog = ConflictsDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _on_confirmation_needed(self, message: str, reason: str) -> None:
        if self.confirm(message):
            self.service.sync_now(confirm=True)

    def _ask(self, message: str) -> bool:
        answer = QMessageBox.question(
            self, "Sync stopped", f"{message}\n\nGo on anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
