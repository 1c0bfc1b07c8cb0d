"""SessionHistory: the list of coach sessions (newest first, with status and results), reopen and delete."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.coach import CoachSessionSummary
from studio_app.services.coach import CoachService

COLUMNS = ("Asset", "Mood", "Status", "Turns", "Prompt", "Assets", "Created", "Ended")
PROMPT_PREVIEW_CHARS = 80


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%d %b %H:%M") if value else ""


class SessionTableModel(QAbstractTableModel):
    """CoachSessionSummary rows in the COLUMNS order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CoachSessionSummary] = []

    def set_rows(self, rows: list[CoachSessionSummary]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return row.current_prompt or ""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        prompt = " ".join((row.current_prompt or "").split())
        values = (
            TARGET_SPECS[row.asset_type].label,
            row.mood or "",
            row.status.value,
            str(row.turns_used),
            prompt[:PROMPT_PREVIEW_CHARS] + ("…" if len(prompt) > PROMPT_PREVIEW_CHARS else ""),
            "yes" if row.has_assets else "",
            _when(row.created_at),
            _when(row.ended_at),
        )
        return values[index.column()]


class SessionHistory(QWidget):
    """The history page: a table of sessions with Open, Delete and Back.

    Signals:
        openRequested(session_id), backRequested().
    """

    openRequested = Signal(str)
    backRequested = Signal()

    def __init__(self, coach: CoachService) -> None:
        super().__init__()
        self.coach = coach
        self.model = SessionTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.total = QLabel()
        self.open_button = QPushButton("Open")
        self.delete_button = QPushButton("Delete")
        self.back_button = QPushButton("Back")
        row = QHBoxLayout()  # the count above the buttons: beside three of them it was cut in a narrow dock
        row.addWidget(self.open_button)
        row.addWidget(self.delete_button)
        row.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addLayout(row)
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.back_button.clicked.connect(self.backRequested)

    def refresh(self) -> None:
        """Reload the list (expired sessions are marked first)."""
        page = self.coach.list_sessions()
        self.model.set_rows(page.sessions)
        self.total.setText(f"{page.total} session{'s' if page.total != 1 else ''}")

    def selected_id(self) -> str | None:
        """The selected session's id, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()].id if rows else None

    def select(self, session_id: str) -> bool:
        """Select the row of ``session_id``; False when it is not listed."""
        for i, row in enumerate(self.model.rows):
            if row.id == session_id:
                self.table.selectRow(i)
                return True
        return False

    def open_selected(self) -> None:
        """Emit openRequested for the selected session."""
        sid = self.selected_id()
        if sid:
            self.openRequested.emit(sid)

    def delete_selected(self, *, confirm: bool = True) -> bool:
        """Delete the selected session after asking; returns True when deleted."""
        sid = self.selected_id()
        if not sid:
            return False
        if confirm:
            answer = QMessageBox.question(self, "Delete session",
                                          "Delete this coach session? Its generated assets stay in the library.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.coach.delete_session(sid)
        self.refresh()
        return True
