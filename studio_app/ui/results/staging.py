"""CandidateStaging: the candidates of one batch job side by side, to keep, discard or refine.

Modelled on InvokeAI's staging area: while a Generate of several variations runs, each
candidate has a slot that fills in as it lands (or shows its failure's one-line reason).
Keep leaves the result in the results strip and the Generated tab; Discard deletes it;
Refine uses it as the next generation's input. The area closes once every candidate that
arrived is decided (or with "Keep all").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .actions import ResultActions

SLOT_PX = 150
"""Longest side of a candidate's preview (px)."""


class _Preview(QLabel):
    doubleClicked = Signal()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.doubleClicked.emit()
        super().mouseDoubleClickEvent(event)


class CandidateSlot(QFrame):
    """One candidate: its preview or its failure, and Keep / Discard / Refine."""

    def __init__(self, index: int, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.asset_id: str | None = None
        self.error: str | None = None
        self.decision: str | None = None  # "kept" | "discarded"
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"Candidate {index + 1} of {count}")
        self.preview = _Preview("Generating…")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(SLOT_PX + 8, round(SLOT_PX * 0.6) + 8)
        self.preview.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.keep_button = QPushButton("Keep")
        self.discard_button = QPushButton("Discard")
        self.refine_button = QPushButton("Refine")
        self.keep_button.setToolTip("Keep this candidate in your results")
        self.discard_button.setToolTip("Delete this candidate")
        self.refine_button.setToolTip("Use this candidate as the input of the next Generate")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.keep_button, self.discard_button, self.refine_button):
            b.setEnabled(False)
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.status)
        layout.addLayout(row)

    def show_result(self, asset_id: str, png: bytes | None, tooltip: str) -> None:
        """The candidate arrived."""
        self.asset_id = asset_id
        image = QImage.fromData(png) if png else QImage()
        if image.isNull():
            self.preview.setText("(no preview)")
        else:
            self.preview.setPixmap(QPixmap.fromImage(image.scaled(
                SLOT_PX, round(SLOT_PX * 0.6), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)))
        self.preview.setToolTip(tooltip + "\n\nDouble-click to open in the viewer.")
        self.status.setText("Ready: keep, discard or refine")
        for b in (self.keep_button, self.discard_button, self.refine_button):
            b.setEnabled(True)

    def show_failure(self, message: str) -> None:
        """The candidate failed: its one-line reason, in red."""
        self.error = " ".join(message.split()) or "failed"
        self.preview.setText("Failed")
        self.status.setText(self.error)
        self.status.setStyleSheet("color: #d23c3c;")
        self.status.setToolTip(message)

    def decide(self, decision: str) -> None:
        """Mark the slot kept or discarded (its buttons go)."""
        self.decision = decision
        self.status.setText("Kept" if decision == "kept" else "Discarded")
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
        self.actions = actions
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
        self.row = QHBoxLayout()
        self.row.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(head)
        layout.addLayout(self.row)
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
                lambda s=slot: self.actions.open_viewer(s.asset_id) if s.asset_id else None)
            self.row.addWidget(slot)
        self.row.addStretch(1)
        self.heading.setText(f"<b>{count} candidates</b> — generating…")
        self.show()

    def candidate_finished(self, job_id: str, index: int, asset_id: str, message: str) -> None:
        """A candidate of the shown job ended (GenerationService.candidateFinished)."""
        if job_id != self.job_id or not 0 <= index < len(self.slots):
            return
        slot = self.slots[index]
        if asset_id:
            slot.show_result(asset_id, self.actions.preview_png(asset_id), self.actions.tooltip(asset_id))
        else:
            slot.show_failure(message)

    def job_ended(self, job_id: str, summary: str) -> None:
        """The batch ended: ``summary`` in the heading; closes when nothing is left to decide."""
        if job_id != self.job_id:
            return
        self._ended = True
        self.heading.setText(summary)
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
        return self.actions.delete(slot.asset_id, confirm=False)

    def refine(self, index: int) -> None:
        """Keep candidate ``index`` and use it as the next generation's input."""
        slot = self.slots[index]
        if slot.asset_id is None or slot.decision == "discarded":
            return
        if slot.decision is None:
            slot.decide("kept")
        self.actions.refine(slot.asset_id)
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
