"""Design > Resize to…: lay the open design out for another target (Canva's Magic Resize).

Two ways, one rule (``services.design_resize``): change the open design's target (one undo
step, like the target combo), or save a resized copy as a new canvas file and keep working
on the original. Placements keep their percent layout, sketch strokes and text keep their
proportions to the canvas height, text stays inside the canvas.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMenu,
    QMenuBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.canvas.editor import CanvasEditor
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.render.presets import slug
from studio_app.services.canvas_files import write_canvas_file
from studio_app.services.design_resize import resize_design

from .commands import ChangeAssetTypeCommand

MODE_CHANGE, MODE_COPY = "change", "copy"


class ResizeDialog(QDialog):
    """Choose the new target and whether to change this design or save a resized copy.

    Args:
        doc: the open design (read only).
        parent: the owning window.
    """

    def __init__(self, doc: CanvasDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Resize design")
        self.setMinimumWidth(480)
        self.doc = doc
        self.target_combo = QComboBox()
        for t, spec in TARGET_SPECS.items():
            if t != doc.asset_type:
                self.target_combo.addItem(f"{spec.label} ({spec.width}x{spec.height})", t.value)
        self.change_radio = QRadioButton("Change this design (Ctrl+Z undoes it)")
        self.copy_radio = QRadioButton("Save a resized copy as a new file, keep this design")
        self.copy_radio.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.change_radio)
        self.mode_group.addButton(self.copy_radio)
        current = TARGET_SPECS[doc.asset_type]
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form = QFormLayout()
        form.addRow("From:", QLabel(f"{current.label} ({doc.width}x{doc.height})"))
        form.addRow("To:", self.target_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Resize")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.copy_radio)
        layout.addWidget(self.change_radio)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.target_combo.currentIndexChanged.connect(lambda _i: self._update_summary())
        self._update_summary()

    @property
    def target(self) -> AssetType:
        """The chosen target."""
        return AssetType(self.target_combo.currentData())

    def set_target(self, asset_type: AssetType | str) -> None:
        """Choose ``asset_type`` (must differ from the design's own)."""
        self.target_combo.setCurrentIndex(self.target_combo.findData(AssetType(asset_type).value))

    @property
    def mode(self) -> str:
        """MODE_COPY or MODE_CHANGE."""
        return MODE_COPY if self.copy_radio.isChecked() else MODE_CHANGE

    def _update_summary(self) -> None:
        spec = TARGET_SPECS[self.target]
        texts = sum(1 for e in self.doc.sketch_elements if e.kind == "text")
        parts = [f"The canvas becomes {spec.width}x{spec.height} px."]
        if self.doc.placements:
            parts.append("Media keep their place and size in percent of the canvas.")
        if self.doc.sketch_elements:
            parts.append("Strokes and text keep their size relative to the canvas height.")
        if texts:
            parts.append("Text is moved or made smaller where it would leave the canvas.")
        self.summary.setText(" ".join(parts))


def resize_open_design(parent: QWidget, editor: CanvasEditor, undo_stack: QUndoStack, *,
                       current_file: Path | None = None, dialog: ResizeDialog | None = None,
                       save_path: Callable[[CanvasDocument], str | None] | None = None) -> CanvasDocument | None:
    """Run Design > Resize to… for the open design.

    Args:
        parent: the owning window.
        editor, undo_stack: the open design and its undo stack.
        current_file: the open design's file (the copy is suggested beside it).
        dialog: a prepared ResizeDialog (tests); default: one is shown modally.
        save_path: asks where to save a copy (default: the platform's save dialog); None cancels.

    Returns:
        the resized document (the copy, or the open design after the change), or None when
        cancelled.

    Raises:
        OSError: the copy could not be written (nothing else changed).
    """
    doc = editor.document
    if dialog is None:
        dialog = ResizeDialog(doc, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    if dialog.mode == MODE_CHANGE:
        undo_stack.push(ChangeAssetTypeCommand(editor, dialog.target.value))
        return editor.document
    copy = resize_design(doc, dialog.target, copy=True)
    if save_path is None:
        def save_path(new: CanvasDocument) -> str | None:
            folder = current_file.parent if current_file else Path.home()
            path, _ = QFileDialog.getSaveFileName(parent, "Save resized copy", str(folder / f"{slug(new.name)}.json"),
                                                  "Canvas documents (*.json)")
            return path or None
    path = save_path(copy)
    if not path:
        return None
    write_canvas_file(copy, path)
    return copy


def add_design_menu(menu_bar: QMenuBar, before: QMenu | None, resize: Callable[[], object]) -> QMenu:
    """Add the Design menu (Resize to…, Ctrl+Shift+R) to ``menu_bar`` before ``before`` (or at the end)."""
    menu = QMenu("&Design", menu_bar)
    act = menu.addAction("&Resize to…")
    act.setShortcut(QKeySequence("Ctrl+Shift+R"))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.setStatusTip("Lay this design out for another platform size (or save a resized copy)")
    act.triggered.connect(lambda: resize())
    if before is not None:
        menu_bar.insertMenu(before.menuAction(), menu)
    else:
        menu_bar.addMenu(menu)
    return menu
