"""InspectorPanel: numeric x, y, width, height (percent or px), rotation, opacity, flips, lock and hide.

Values show the first selected placement; an edit applies to every selected placement
as one undo step. Repeated steps on the same field (spin arrows, slider drags) merge
into one step.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from studio_app.canvas.editor import ChangeSet
from studio_app.canvas.geometry import clamp
from studio_app.canvas.kinds import PLACEMENT, SKETCH
from studio_app.canvas.operations import item_changes
from studio_app.domain.placement import MediaAssetPlacement

from .commands import SetSizeUnitCommand, UpdateItemsCommand
from .scene import CanvasScene

INSPECTOR_MERGE_BASE = 2000
"""QUndoCommand ids of inspector edits: base + field number, so repeats of one field merge."""
FIELDS = ("x", "y", "width", "height", "rotation", "opacity")
NOTHING_SELECTED = "Nothing selected. Click an image on the canvas to set its position, size and rotation here."


def _spin(lo: float, hi: float, decimals: int, suffix: str) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSuffix(suffix)
    s.setKeyboardTracking(False)
    s.setAccelerated(True)
    s.setMinimumWidth(60)
    return s


def _row(first: QWidget, second: QWidget, *, stretch_first: bool = False) -> QHBoxLayout:
    """Two fields side by side (the first one stretching when ``stretch_first``)."""
    row = QHBoxLayout()
    row.addWidget(first, 1 if stretch_first else 0)
    row.addWidget(second)
    return row


class InspectorPanel(QWidget):
    """Edits the selected placements by number."""

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__()
        self.scene = scene
        self.editor = scene.editor
        self.title = QLabel("Nothing selected")
        self.title.setWordWrap(True)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("%", "percent")
        self.unit_combo.addItem("px", "px")
        self.unit_combo.setToolTip("Size unit (the placement's size_unit)")
        self.spins = {"x": _spin(-100000, 100000, 2, ""), "y": _spin(-100000, 100000, 2, ""),
                      "width": _spin(0.01, 100000, 2, ""), "height": _spin(0.01, 100000, 2, ""),
                      "rotation": _spin(0, 360, 1, "°"), "opacity": _spin(0, 100, 0, " %")}
        self.spins["rotation"].setWrapping(True)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setRange(0, 100)
        self.flip_h = QPushButton("Flip ↔")
        self.flip_v = QPushButton("Flip ↕")
        self.locked = QCheckBox("Locked")
        self.hidden = QCheckBox("Hidden")

        self.form = self._build_form()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self._connect(scene)
        self.refresh()

    def _build_form(self) -> QWidget:
        """The fields in a form that wraps its rows in a narrow dock."""
        form = QFormLayout()
        # A narrow dock puts a row's field under its label instead of cutting the label short.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Unit", self.unit_combo)
        form.addRow("X, Y (centre)", _row(self.spins["x"], self.spins["y"]))
        form.addRow("W, H", _row(self.spins["width"], self.spins["height"]))
        form.addRow("Rotation", self.spins["rotation"])
        form.addRow("Opacity", _row(self.opacity_slider, self.spins["opacity"], stretch_first=True))
        form.addRow("", _row(self.flip_h, self.flip_v))
        form.addRow("", _row(self.locked, self.hidden))
        widget = QWidget()
        widget.setLayout(form)
        return widget

    def _connect(self, scene: CanvasScene) -> None:
        for i, name in enumerate(FIELDS):
            self.spins[name].valueChanged.connect(lambda v, n=name, k=i: self._edit(n, float(v), k))
        self.opacity_slider.valueChanged.connect(lambda v: self.spins["opacity"].setValue(v))
        self.unit_combo.currentIndexChanged.connect(self._unit_chosen)
        self.flip_h.clicked.connect(lambda: scene.ops.flip_selected("h"))
        self.flip_v.clicked.connect(lambda: scene.ops.flip_selected("v"))
        self.locked.toggled.connect(lambda on: scene.ops.set_selected_fields({"locked": on}, "Lock" if on else "Unlock"))
        self.hidden.toggled.connect(lambda on: scene.ops.set_selected_fields({"hidden": on}, "Hide" if on else "Show"))
        scene.selectionChanged.connect(self.refresh)
        self.editor.edited.connect(self._on_edited)

    def _selected(self) -> list[MediaAssetPlacement]:
        pids = self.scene.selection()[PLACEMENT]
        return [p for p in (self.editor.placement(i) for i in pids) if p is not None]

    def _on_edited(self, change: ChangeSet) -> None:
        pids = self.scene.selection()[PLACEMENT]
        if change.replaced or change.fields or set(pids) & change.ids(PLACEMENT, "updated", "removed"):
            self.refresh()

    def refresh(self) -> None:
        """Show the first selected placement's values; with no placement selected the fields
        are hidden (no stale numbers of an earlier selection) and a hint says what to do."""
        ps = self._selected()
        sids = self.scene.selection()[SKETCH]
        self.form.setVisible(bool(ps))
        self.form.setEnabled(bool(ps))
        if not ps:
            self.title.setText(f"{len(sids)} sketch element(s): style them in the tool bar" if sids
                               else NOTHING_SELECTED)
            return
        p = ps[0]
        self.title.setText(p.display_name if len(ps) == 1 else f"{len(ps)} placements (edits apply to all)")
        doc = self.editor.document
        px = p.size_unit == "px"
        blockers = [QSignalBlocker(w) for w in (*self.spins.values(), self.opacity_slider, self.unit_combo,
                                                self.locked, self.hidden)]
        self.unit_combo.setCurrentIndex(1 if px else 0)
        suffix = " px" if px else " %"
        for name in ("x", "y", "width", "height"):
            self.spins[name].setSuffix(suffix)
        cx, cy = p.centre_px(doc.width, doc.height)
        self.spins["x"].setValue(cx if px else p.x)
        self.spins["y"].setValue(cy if px else p.y)
        self.spins["width"].setValue(p.width)
        self.spins["height"].setValue(p.height)
        self.spins["rotation"].setValue(p.rotation)
        self.spins["opacity"].setValue(p.opacity)
        self.opacity_slider.setValue(round(p.opacity))
        self.locked.setChecked(all(q.locked for q in ps))
        self.hidden.setChecked(all(q.hidden for q in ps))
        del blockers

    def _edit(self, name: str, value: float, field_no: int) -> None:
        ps = self._selected()
        if not ps:
            return
        doc = self.editor.document
        if name == "opacity":
            with QSignalBlocker(self.opacity_slider):
                self.opacity_slider.setValue(round(value))
        values = {}
        for p in ps:
            v = value
            if name in ("x", "y") and p.size_unit == "px":
                v = value * 100.0 / (doc.width if name == "x" else doc.height)
            if name in ("x", "y"):
                v = clamp(v, 0.0, 100.0)
            elif name in ("width", "height") and p.size_unit == "percent":
                v = clamp(v, 0.01, 100.0)
            elif name == "rotation":
                v = value % 360.0
            values[p.id] = {name: v}
        command = UpdateItemsCommand(self.editor, item_changes(self.editor, {PLACEMENT: values}),
                                     f"Set {name}", merge_id=INSPECTOR_MERGE_BASE + field_no)
        if not command.is_empty():
            self.scene.undo_stack.push(command)
        self.refresh()

    def _unit_chosen(self) -> None:
        pids = self.scene.selection()[PLACEMENT]
        command = SetSizeUnitCommand(self.editor, pids, self.unit_combo.currentData())
        if not command.is_empty():
            self.scene.undo_stack.push(command)
        self.refresh()
