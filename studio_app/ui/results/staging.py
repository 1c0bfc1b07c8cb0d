"""CandidateStaging: the candidates of one batch job side by side, to keep, discard or refine.

Modelled on InvokeAI's staging area: while a Generate of several variations runs, each
candidate has a slot that fills in as it lands (or shows its failure's one-line reason).
Keep leaves the result in the results strip and the Generated tab; Discard deletes it;
Refine uses it as the next generation's input. The area closes once every candidate that
arrived is decided (or with "Keep all").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.job_events import JobEvent, JobMessage

from .actions import ResultActions

SLOT_PX = 112
"""Longest side of a candidate's preview (px)."""
SLOT_WIDTH = 184
PREVIEW_HEIGHT = 68
REASON_MAX_CHARS = 90
"""A failure's reason is cut to this many characters in its slot (the tooltip has it all)."""


class _Preview(QLabel):
    doubleClicked = Signal()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.doubleClicked.emit()
        super().mouseDoubleClickEvent(event)


class CandidateSlot(QFrame):
    """One candidate: "n of N" and its state, its preview or its failure's reason (red), and
    Keep / Discard / Refine."""

    def __init__(self, index: int, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.asset_id: str | None = None
        self.error: str | None = None
        self.decision: str | None = None  # "kept" | "discarded"
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(SLOT_WIDTH)
        self.title = QLabel(f"<b>{index + 1}</b> of {count}")
        self.status = QLabel("generating…")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.preview = _Preview()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(SLOT_WIDTH - 10, PREVIEW_HEIGHT)
        self.preview.setWordWrap(True)
        small = self.preview.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.85))
        self.keep_button = QPushButton("Keep")
        self.discard_button = QPushButton("Discard")
        self.refine_button = QPushButton("Refine")
        self.keep_button.setToolTip("Keep this candidate in your results")
        self.discard_button.setToolTip("Delete this candidate")
        self.refine_button.setToolTip("Use this candidate as the input of the next Generate")
        for w in (self.status, self.preview, self.keep_button, self.discard_button, self.refine_button):
            w.setFont(small)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addWidget(self.status, 1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        for b in (self.keep_button, self.discard_button, self.refine_button):
            b.setEnabled(False)
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.preview)
        layout.addLayout(row)

    def show_result(self, asset_id: str, png: bytes | QImage | None, tooltip: str) -> None:
        """The candidate arrived; ``png``: its preview, encoded or already a QImage."""
        self.asset_id = asset_id
        image = png if isinstance(png, QImage) else QImage.fromData(png) if png else QImage()
        if image.isNull():
            self.preview.setText("(no preview)")
        else:
            self.preview.setPixmap(QPixmap.fromImage(image.scaled(
                SLOT_PX, PREVIEW_HEIGHT - 4, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)))
        self.preview.setToolTip(tooltip + "\n\nDouble-click to open in the viewer.")
        self.status.setText("ready")
        for b in (self.keep_button, self.discard_button, self.refine_button):
            b.setEnabled(True)

    def show_failure(self, message: str) -> None:
        """The candidate failed: its one-line reason, in red (whole in the tooltip)."""
        self.error = " ".join(message.split()) or "failed"
        cut = self.error if len(self.error) <= REASON_MAX_CHARS else self.error[:REASON_MAX_CHARS - 1] + "…"
        self.status.setText("failed")
        self.status.setStyleSheet("color: #d23c3c;")
        self.preview.setText(cut)
        self.preview.setStyleSheet("color: #d23c3c;")
        self.preview.setToolTip(self.error)

    def decide(self, decision: str) -> None:
        """Mark the slot kept or discarded (its buttons go)."""
        self.decision = decision
        self.status.setText(decision)
        for b in (self.keep_button, self.discard_button):
            b.setEnabled(False)
        self.refine_button.setEnabled(decision == "kept")
        if decision == "discarded":
            self.preview.clear()
            self.preview.setText("Discarded")

    @property
    def open(self) -> bool:
        """True while the candidate has arrived and is undecided."""
        return self.asset_id is not None and self.decision is None


class CandidateStaging(QFrame):
    """The staging area of the running (or last) batch job. Hidden when not in use.

    Signals:
        closed(): the area closed (all decided, or Keep all).
    """

    closed = Signal()

    def __init__(self, actions: ResultActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result_actions = actions
        # asset id -> the generation worker's preview QImage, or None to decode the PNG.
        self.load_image: Callable[[str], QImage | None] | None = None
        self.job_id: str | None = None
        self.slots: list[CandidateSlot] = []
        self._ended = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.keep_all_button = QPushButton("Keep all")
        self.keep_all_button.setToolTip("Keep every candidate still open and close this area")
        self.keep_all_button.clicked.connect(self.keep_all)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.keep_all_button)
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        strip = QWidget()
        self.row = QHBoxLayout(strip)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        self.scroll_area = QScrollArea()  # four slots scroll sideways on a narrow window
        self.scroll_area.setWidget(strip)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.scroll_area)
        actions.deleted.connect(self._deleted)
        self.hide()

    def begin(self, job_id: str, count: int) -> None:
        """Show ``count`` empty slots for batch job ``job_id``."""
        for slot in self.slots:
            slot.setParent(None)
            slot.deleteLater()
        while self.row.count():
            self.row.takeAt(0)
        self.job_id, self._ended = job_id, False
        self.keep_all_button.setText("Keep all")
        self.slots = [CandidateSlot(i, count, self) for i in range(count)]
        for slot in self.slots:
            slot.keep_button.clicked.connect(lambda _=False, s=slot: self.keep(s.index))
            slot.discard_button.clicked.connect(lambda _=False, s=slot: self.discard(s.index))
            slot.refine_button.clicked.connect(lambda _=False, s=slot: self.refine(s.index))
            slot.preview.doubleClicked.connect(
                lambda s=slot: self.result_actions.open_viewer(s.asset_id) if s.asset_id else None)
            self.row.addWidget(slot)
        self.row.addStretch(1)
        self.scroll_area.setFixedHeight(self.slots[0].sizeHint().height() + self.scroll_area.horizontalScrollBar().sizeHint().height() + 4)
        self.heading.setText(f"<b>{count} candidates</b> — generating…")
        self.show()

    def on_job_event(self, message: JobMessage) -> None:
        """Follow GenerationService.jobEvent: a ``candidate`` event of the shown job fills its slot."""
        if message.event is JobEvent.CANDIDATE and message.index is not None:
            self.candidate_finished(message.job_id, message.index, message.asset_id or "", message.error or "")

    def candidate_finished(self, job_id: str, index: int, asset_id: str, message: str) -> None:
        """Candidate ``index`` of the shown job ended with ``asset_id``, or without one ('' and
        the one-line ``message``)."""
        if job_id != self.job_id or not 0 <= index < len(self.slots):
            return
        slot = self.slots[index]
        if asset_id:
            image = self.load_image(asset_id) if self.load_image else None
            slot.show_result(asset_id, image if image is not None and not image.isNull()
                             else self.result_actions.preview_png(asset_id), self.result_actions.tooltip(asset_id))
        else:
            slot.show_failure(message)

    def job_ended(self, job_id: str, summary: str) -> None:
        """The batch ended: ``summary`` in the heading; closes when nothing is left to decide."""
        if job_id != self.job_id:
            return
        self._ended = True
        self.heading.setText(summary)
        self.heading.setToolTip(summary)
        self._maybe_close()

    def keep(self, index: int) -> None:
        """Keep candidate ``index``."""
        slot = self.slots[index]
        if slot.open:
            slot.decide("kept")
            self._maybe_close()

    def discard(self, index: int) -> bool:
        """Delete candidate ``index`` (no question: discarding is the choice made here)."""
        slot = self.slots[index]
        if not slot.open or slot.asset_id is None:
            return False
        return self.result_actions.delete(slot.asset_id, confirm=False)

    def refine(self, index: int) -> None:
        """Keep candidate ``index`` and use it as the next generation's input."""
        slot = self.slots[index]
        if slot.asset_id is None or slot.decision == "discarded":
            return
        if slot.decision is None:
            slot.decide("kept")
        self.result_actions.refine(slot.asset_id)
        self._maybe_close()

    def keep_all(self) -> None:
        """Keep every open candidate and close."""
        for slot in self.slots:
            if slot.open:
                slot.decide("kept")
        self._close()

    def open_slots(self) -> list[CandidateSlot]:
        """Candidates that arrived and wait for a decision."""
        return [s for s in self.slots if s.open]

    def _deleted(self, asset_id: str) -> None:
        for slot in self.slots:
            if slot.asset_id == asset_id and slot.decision != "discarded":
                slot.decide("discarded")
                self._maybe_close()

    def _maybe_close(self) -> None:
        if not self.open_slots():
            self.keep_all_button.setText("Close")
        if self._ended and not self.open_slots() and all(s.error is None for s in self.slots):
            self._close()

    def _close(self) -> None:
        if self.isVisible() or self.job_id is not None:
            self.hide()
            self.closed.emit()
