"""JobsPanel: generation jobs with status, progress and error, a Cancel per running job, a status
filter and pages (newest first, like ``studio jobs list``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.domain.jobs import GenerationJob, JobStatus
from studio_app.services.generation import GenerationService

COLUMNS = ("Started", "Target", "Provider", "Status", "Progress", "Message", "")
COL_STATUS, COL_PROGRESS, COL_MESSAGE, COL_CANCEL = 3, 4, 5, 6
STATUS_TEXT = {JobStatus.QUEUED: "Queued", JobStatus.PROCESSING: "Running", JobStatus.COMPLETED: "Done",
               JobStatus.PARTIAL: "Partly done", JobStatus.FAILED: "Failed", JobStatus.CANCELLED: "Cancelled"}
REFRESH_DELAY_MS = 80
"""Status changes arriving together are shown with one reload of the list (ms)."""


class JobsPanel(QWidget):
    """One page of ``limit`` jobs from the database (newest first, optionally of one status),
    kept current from the GenerationService's job events (domain/job_events.py).

    Progress updates change one cell; status changes reload the page once per
    REFRESH_DELAY_MS, and only while the panel is visible. Running and queued jobs of this
    app get a Cancel button (GenerationService.cancel). The status filter and the
    Newer/Older buttons page through all jobs (GenerationService.list_jobs and count_jobs).
    """

    def __init__(self, generation: GenerationService, *, limit: int = 50,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.generation, self.limit = generation, limit
        self.offset = 0
        self.total = 0
        self.status_filter = QComboBox()
        self.status_filter.addItem("All jobs", None)
        for status in JobStatus:
            self.status_filter.addItem(STATUS_TEXT.get(status, status.value), status.value)
        self.status_filter.setToolTip("Show only jobs in this state")
        self.status_filter.currentIndexChanged.connect(lambda _i: self.go_to(0))
        self.newer_button = QPushButton("‹ Newer")
        self.newer_button.setToolTip("The previous page (newer jobs)")
        self.newer_button.clicked.connect(lambda: self.go_to(self.offset - self.limit))
        self.older_button = QPushButton("Older ›")
        self.older_button.setToolTip("The next page (older jobs)")
        self.older_button.clicked.connect(lambda: self.go_to(self.offset + self.limit))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.status_filter)
        top.addWidget(self.summary, 1)
        top.addWidget(self.newer_button)
        top.addWidget(self.older_button)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)

        self._rows: dict[str, int] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        generation.jobEvent.connect(self._job_event)
        self.refresh()

    # -- reading --------------------------------------------------------------------------
    def job_ids(self) -> list[str]:
        """Job ids shown, top (newest) first."""
        return sorted(self._rows, key=self._rows.__getitem__)

    def cell_text(self, job_id: str, column: int) -> str:
        """The text of ``job_id``'s cell in ``column`` ('' when not shown)."""
        row = self._rows.get(job_id)
        item = self.table.item(row, column) if row is not None else None
        return item.text() if item else ""

    def cancel_button(self, job_id: str) -> QPushButton | None:
        """The Cancel button of ``job_id``, or None when it cannot be cancelled."""
        row = self._rows.get(job_id)
        widget = self.table.cellWidget(row, COL_CANCEL) if row is not None else None
        return widget if isinstance(widget, QPushButton) else None

    # -- updating -------------------------------------------------------------------------
    @property
    def status(self) -> JobStatus | None:
        """The status filter (None: all jobs)."""
        value = self.status_filter.currentData()
        return JobStatus(value) if value else None

    def set_status_filter(self, status: JobStatus | str | None) -> None:
        """Show only jobs in ``status`` (None: all), from the first page."""
        self.status_filter.setCurrentIndex(self.status_filter.findData(JobStatus(status).value if status else None))

    def go_to(self, offset: int) -> None:
        """Show the page starting ``offset`` jobs after the newest (clamped to the pages there are)."""
        self.offset = max(0, offset)
        self.refresh()

    def refresh(self) -> None:
        """Reload the current page from the database."""
        self._timer.stop()
        status = self.status
        self.total = self.generation.count_jobs(status)
        if self.offset >= self.total and self.total:
            self.offset = (self.total - 1) // self.limit * self.limit
        jobs = self.generation.list_jobs(status=status, limit=self.limit, offset=self.offset)
        self.table.setRowCount(len(jobs))
        self._rows = {}
        for row, job in enumerate(jobs):
            self._rows[job.id] = row
            self._fill(row, job)
        active = self.generation.count_jobs(JobStatus.QUEUED) + self.generation.count_jobs(JobStatus.PROCESSING)
        which = f" {STATUS_TEXT[status].lower()}" if status else ""
        shown = f"{self.offset + 1}–{self.offset + len(jobs)} of {self.total}{which} jobs" if jobs else \
            f"No{which} jobs"
        self.summary.setText(f"{shown} · {active} running or queued")
        self.newer_button.setEnabled(self.offset > 0)
        self.older_button.setEnabled(self.offset + len(jobs) < self.total)

    def _fill(self, row: int, job: GenerationJob) -> None:
        started = job.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        model = f" ({job.model})" if job.model else ""
        values = (started, job.asset_type.value, job.provider + model, STATUS_TEXT.get(job.status, job.status.value),
                  f"{job.progress}%", job.error_message or "")
        for col, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, job.id)
            if col == COL_MESSAGE and text:
                item.setToolTip(text)
            self.table.setItem(row, col, item)
        if job.status in (JobStatus.QUEUED, JobStatus.PROCESSING) and self.generation.is_active(job.id):
            button = QPushButton("Cancel")
            button.setToolTip("Stop this job; nothing is saved from it")
            button.clicked.connect(lambda _=False, job_id=job.id: self.cancel(job_id))
            self.table.setCellWidget(row, COL_CANCEL, button)
        else:
            self.table.removeCellWidget(row, COL_CANCEL)

    def cancel(self, job_id: str) -> bool:
        """Cancel ``job_id`` (its button turns into "Cancelling…" until the job ends)."""
        ok = self.generation.cancel(job_id)
        button = self.cancel_button(job_id)
        if button is not None:
            button.setEnabled(False)
            button.setText("Cancelling…")
        return ok

    def _job_event(self, message: JobMessage) -> None:
        """A status change reloads the page (once per REFRESH_DELAY_MS, only while shown); a
        progress event changes one cell."""
        if message.changes_status:
            if self.isVisible() and not self._timer.isActive():
                self._timer.start()
        elif message.event is JobEvent.PROGRESS:
            row = self._rows.get(message.job_id)
            item = self.table.item(row, COL_PROGRESS) if row is not None else None
            if item is not None:
                item.setText(f"{message.progress}%")

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        """Reload when shown (updates are skipped while hidden)."""
        super().showEvent(event)
        self.refresh()
