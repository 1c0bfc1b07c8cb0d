"""ConflictsDialog: the conflict copies made by sync, and the three ways to resolve each."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio_app.services.sync_service import SyncService
from studio_app.sync.conflicts import ConflictView, Resolution

_KIND_LABELS = {
    "canvas_document": "Canvas", "media_asset": "Media", "brand_kit": "Brand kit",
    "coach_session": "Coach session", "generation_job": "Generation job", "asset": "Generated asset",
}


class ConflictsDialog(QDialog):
    """Lists open conflicts (the canonical item, its conflict copy, the device and time) with
    "Keep this version", "Keep conflict copy" and "Keep both" for the selected row."""

    COLUMNS = ("Kind", "Item", "Conflict copy", "From device", "Detected")

    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync conflicts")
        self.resize(760, 320)
        self.service = service
        self.items: list[ConflictView] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel("No conflicts. Edits made on two devices at once show up here.")
        self.keep_canonical = QPushButton("Keep this version")
        self.keep_canonical.setToolTip("Keep the item as synced and delete the conflict copy")
        self.keep_copy = QPushButton("Keep conflict copy")
        self.keep_copy.setToolTip("Replace the item with the conflict copy's content, then delete the copy")
        self.keep_both = QPushButton("Keep both")
        self.keep_both.setToolTip("Keep both as separate items")
        self.keep_canonical.clicked.connect(lambda: self.resolve_selected(Resolution.KEEP_CANONICAL))
        self.keep_copy.clicked.connect(lambda: self.resolve_selected(Resolution.KEEP_COPY))
        self.keep_both.clicked.connect(lambda: self.resolve_selected(Resolution.KEEP_BOTH))
        actions = QHBoxLayout()
        for b in (self.keep_canonical, self.keep_copy, self.keep_both):
            actions.addWidget(b)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(actions)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        """Re-read open conflicts."""
        self.items = self.service.conflicts()
        self.table.setRowCount(len(self.items))
        for row, c in enumerate(self.items):
            values = (_KIND_LABELS.get(c.kind, c.kind), c.canonical_label or c.object_id,
                      c.copy_label or c.copy_id, c.device_name, c.detected_at[:16].replace("T", " "))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.empty.setVisible(not self.items)
        self.table.setVisible(bool(self.items))
        if self.items:
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for b in (self.keep_canonical, self.keep_copy, self.keep_both):
            b.setEnabled(has)

    def selected(self) -> ConflictView | None:
        """The selected conflict, or None."""
        rows = {i.row() for i in self.table.selectedItems()}
        return self.items[min(rows)] if rows and min(rows) < len(self.items) else None

    def resolve_selected(self, resolution: Resolution) -> None:
        """Resolve the selected conflict and refresh the list."""
        c = self.selected()
        if c is None:
            return
        self.service.resolve_conflict(c.id, resolution)
        self.reload()
