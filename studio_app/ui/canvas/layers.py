"""LayersPanel: the stacking order (top first), drag to reorder, visibility and lock per placement.

The sketch layer is the first row (it always sits above the placements); its eye shows
or hides the whole layer, and its children are the sketch elements. Selection is kept
in step with the canvas both ways.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from studio_app.canvas.editor import ChangeSet
from studio_app.canvas.kinds import PLACEMENT, SKETCH, UNKNOWN, item_ids

from .commands import ReorderPlacementsCommand, SetPlacementFieldsCommand
from .scene import CanvasScene

ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1
COL_NAME, COL_VISIBLE, COL_LOCKED = 0, 1, 2
ROWS_MIME = "application/x-qabstractitemmodeldatalist"
"""What QTreeWidget puts on a drag of its rows."""
KIND_LABELS = {"pen": "Freehand", "line": "Line", "arrow": "Arrow", "rectangle": "Rectangle",
               "ellipse": "Ellipse", "text": "Text"}


class LayersPanel(QTreeWidget):
    """Rows: the sketch layer (with its elements), then placements from top to bottom."""

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__()
        self.scene = scene
        self.editor = scene.editor
        self.setColumnCount(3)
        self.setHeaderLabels(["Layer", "Show", "Lock"])
        header = self.header()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_VISIBLE, COL_LOCKED):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self._syncing = False
        self._in_item_changed = False
        self.itemChanged.connect(self._item_changed)
        self.itemSelectionChanged.connect(self._to_scene)
        scene.selectionChanged.connect(self._from_scene)
        self.editor.edited.connect(self._on_edited)
        self.rebuild()

    # -- model -> rows ----------------------------------------------------------------------
    def _on_edited(self, change: ChangeSet) -> None:
        if change.fields == {"sketch_visible"} and not change.structural:
            sketch = self.topLevelItem(0)
            with QSignalBlocker(self):
                if sketch is not None:
                    sketch.setCheckState(COL_VISIBLE, Qt.CheckState.Checked if self.editor.document.sketch_visible
                                         else Qt.CheckState.Unchecked)
            return
        if change.structural or change.fields:
            self._rebuild_soon()
            return
        z_changed = False
        for pid in change.ids(PLACEMENT, "updated"):
            row = self._rows.get((PLACEMENT, pid))
            p = self.editor.placement(pid)
            if row is None or p is None:
                continue
            z_changed |= row.data(0, ROLE_KIND + 10) != p.z_index
            self._fill_placement_row(row, p)
        if z_changed:
            self._rebuild_soon()
        elif change.ids(SKETCH, "updated"):
            for sid in change.ids(SKETCH, "updated"):
                row = self._rows.get((SKETCH, sid))
                e = self.editor.sketch_element(sid)
                if row is not None and e is not None:
                    row.setText(COL_NAME, self._sketch_label(e))

    def _rebuild_soon(self) -> None:
        # A check box click may have caused this edit: its row must outlive the click's signal.
        if self._in_item_changed:
            QTimer.singleShot(0, self.rebuild)
        else:
            self.rebuild()

    def rebuild(self) -> None:
        """Rebuild every row from the document."""
        doc = self.editor.document
        self._syncing = True
        blocker = QSignalBlocker(self)
        self.clear()
        self._rows: dict[tuple[str, str], QTreeWidgetItem] = {}
        sketch = QTreeWidgetItem(["Sketch layer", "", ""])
        sketch.setData(0, ROLE_KIND, "sketch_layer")
        sketch.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        sketch.setCheckState(COL_VISIBLE, Qt.CheckState.Checked if doc.sketch_visible else Qt.CheckState.Unchecked)
        sketch.setToolTip(COL_VISIBLE, "Show or hide the sketch layer")
        self.addTopLevelItem(sketch)
        for e in reversed(doc.sorted_sketch_elements()):
            row = QTreeWidgetItem([self._sketch_label(e), "", ""])
            row.setData(0, ROLE_KIND, SKETCH)
            row.setData(0, ROLE_ID, e.id)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            sketch.addChild(row)
            self._rows[(SKETCH, e.id)] = row
        for u in doc.unknown_elements:
            row = QTreeWidgetItem([f"Unknown element ({u.kind})", "", ""])
            row.setData(0, ROLE_KIND, UNKNOWN)
            row.setData(0, ROLE_ID, u.id)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            sketch.addChild(row)
            self._rows[(UNKNOWN, u.id)] = row
        sketch.setExpanded(len(doc.sketch_elements) <= 30)
        for p in reversed(doc.sorted_placements()):
            row = QTreeWidgetItem()
            row.setData(0, ROLE_KIND, PLACEMENT)
            row.setData(0, ROLE_ID, p.id)
            row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                         | Qt.ItemFlag.ItemIsUserCheckable)
            self._fill_placement_row(row, p)
            self.addTopLevelItem(row)
            self._rows[(PLACEMENT, p.id)] = row
        del blocker
        self._syncing = False
        self._from_scene()

    @staticmethod
    def _sketch_label(e) -> str:  # noqa: ANN001 - SketchElement
        if e.kind == "text":
            return f"Text “{(e.text or '').splitlines()[0][:24]}”"
        return KIND_LABELS.get(e.kind, e.kind)

    def _fill_placement_row(self, row: QTreeWidgetItem, p) -> None:  # noqa: ANN001 - MediaAssetPlacement
        blocker = QSignalBlocker(self)
        row.setText(COL_NAME, p.display_name)
        row.setData(0, ROLE_KIND + 10, p.z_index)
        row.setCheckState(COL_VISIBLE, Qt.CheckState.Unchecked if p.hidden else Qt.CheckState.Checked)
        row.setCheckState(COL_LOCKED, Qt.CheckState.Checked if p.locked else Qt.CheckState.Unchecked)
        row.setToolTip(COL_VISIBLE, "Visible")
        row.setToolTip(COL_LOCKED, "Locked")
        del blocker

    # -- rows -> commands ------------------------------------------------------------------
    def row(self, kind: str, item_id: str) -> QTreeWidgetItem | None:
        """The row of an item, by kind (``studio_app.canvas.kinds``) and id."""
        return self._rows.get((kind, item_id))

    def placement_order(self) -> list[str]:
        """Placement ids as the panel lists them, top first."""
        rows = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        return [r.data(0, ROLE_ID) for r in rows if r is not None and r.data(0, ROLE_KIND) == PLACEMENT]

    def _item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        self._in_item_changed = True
        try:
            self._apply_check(row, column)
        finally:
            self._in_item_changed = False

    def _apply_check(self, row: QTreeWidgetItem, column: int) -> None:
        kind = row.data(0, ROLE_KIND)
        checked = row.checkState(column) == Qt.CheckState.Checked
        if kind == "sketch_layer" and column == COL_VISIBLE:
            self.scene.ops.set_sketch_visible(checked)
        elif kind == PLACEMENT and column in (COL_VISIBLE, COL_LOCKED):
            pid = row.data(0, ROLE_ID)
            field, value = ("hidden", not checked) if column == COL_VISIBLE else ("locked", checked)
            text = {("hidden", True): "Hide", ("hidden", False): "Show", ("locked", True): "Lock",
                    ("locked", False): "Unlock"}[(field, value)]
            command = SetPlacementFieldsCommand(self.editor, [pid], {field: value}, text)
            if not command.is_empty():
                self.scene.undo_stack.push(command)

    def move_placements(self, ids: list[str], before_id: str | None) -> bool:
        """Put placements ``ids`` (keeping their order) above ``before_id`` in the list (None: at the
        bottom); one undo step. Returns False when the order does not change."""
        order = [i for i in self.placement_order() if i not in ids]
        at = order.index(before_id) if before_id in order else len(order)
        order[at:at] = [i for i in self.placement_order() if i in ids]
        command = ReorderPlacementsCommand(self.editor, order)
        if command.is_empty():
            return False
        self.scene.undo_stack.push(command)
        return True

    def _own_rows(self, event: QDragEnterEvent | QDragMoveEvent) -> bool:
        return event.source() in (self, None) and event.mimeData().hasFormat(ROWS_MIME)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._own_rows(event):
            if event.source() is self:
                super().dragEnterEvent(event)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._own_rows(event):
            if event.source() is self:
                super().dragMoveEvent(event)  # draws the drop indicator
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Reorder by drag: the dragged (selected) placement rows go where they are dropped."""
        ids = [r.data(0, ROLE_ID) for r in self.selectedItems() if r.data(0, ROLE_KIND) == PLACEMENT]
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if not ids:
            return
        pos = event.position().toPoint()
        target = self.itemAt(pos)
        order = self.placement_order()
        if target is None or target.data(0, ROLE_KIND) != PLACEMENT:
            # empty space below the rows: bottom; the sketch layer row: top
            before = None if target is None else next((i for i in order if i not in ids), None)
        else:
            tid = target.data(0, ROLE_ID)
            below = pos.y() > self.visualItemRect(target).center().y()
            if below:
                rest = order[order.index(tid) + 1:]
                before = next((i for i in rest if i not in ids), None)
            else:
                before = tid
        self.move_placements(ids, before)

    # -- selection sync ----------------------------------------------------------------------
    def _to_scene(self) -> None:
        if self._syncing:
            return
        picked = item_ids()
        for r in self.selectedItems():
            kind = r.data(0, ROLE_KIND)
            if kind in picked:
                picked[kind].append(r.data(0, ROLE_ID))
        self._syncing = True
        try:
            self.scene.select(picked)
        finally:
            self._syncing = False

    def _from_scene(self) -> None:
        if self._syncing:
            return
        wanted = {(kind, i) for kind, group in self.scene.selection().items() for i in group}
        self._syncing = True
        blocker = QSignalBlocker(self)
        try:
            for key, row in self._rows.items():
                if row.isSelected() != (key in wanted):
                    row.setSelected(key in wanted)
        finally:
            del blocker
            self._syncing = False
        self.viewport().update()
