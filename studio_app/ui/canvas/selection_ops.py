"""Scene operations behind menus, shortcuts and panels: delete, nudge, arrange, align, distribute,
flip, lock, hide, style, clipboard and duplicate. Each is one undo step on the selection.

The scene owns one SelectionOps (``scene.ops``), composed rather than mixed in: it works
through the scene's public editor, undo stack, style and selection.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio_app.canvas.editor import CanvasEditor
from studio_app.canvas.kinds import PLACEMENT, SKETCH, ItemIds
from studio_app.canvas.operations import copies_for_paste
from studio_app.canvas.sketch_style import to_percent
from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

from .commands import (
    AlignCommand,
    ArrangeCommand,
    DistributeCommand,
    FlipCommand,
    InsertItemsCommand,
    NudgeCommand,
    RemoveItemsCommand,
    SetPlacementFieldsCommand,
    SetSketchVisibleCommand,
    StyleSketchCommand,
    UpdateItemsCommand,
)

if TYPE_CHECKING:
    from .scene import CanvasScene

CLIPBOARD_MIME = "application/x-studio-canvas-items"
"""Clipboard format of copied canvas items: JSON {"placements": [...], "sketch_elements": [...]}."""
PASTE_OFFSET_PCT = 3.0
"""Pasted and duplicated items land this far (percent) right and down of the originals."""


class SelectionOps:
    """Operations on a scene's selection; each is one undo step and returns whether it pushed one."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene

    @property
    def editor(self) -> CanvasEditor:
        """The scene's document editor."""
        return self.scene.editor

    @property
    def undo_stack(self) -> QUndoStack:
        """The scene's undo stack."""
        return self.scene.undo_stack

    def selection(self) -> ItemIds:
        """The scene's selection, kind -> ids."""
        return self.scene.selection()

    def push(self, command: QUndoCommand) -> bool:
        """Push ``command`` unless it is an UpdateItemsCommand that changes nothing; True when pushed."""
        if isinstance(command, UpdateItemsCommand) and command.is_empty():
            return False
        self.undo_stack.push(command)
        return True

    def delete_selected(self) -> bool:
        """Delete the selection as one undo step."""
        sel = self.selection()
        if not any(sel.values()):
            return False
        self.undo_stack.push(RemoveItemsCommand(self.editor, sel))
        return True

    def nudge_selected(self, dx_px: float, dy_px: float) -> bool:
        """Move the selection by (dx, dy) canvas px; consecutive nudges merge into one step."""
        return self.push(NudgeCommand(self.editor, self.selection(), dx_px, dy_px))

    def arrange_selected(self, how: str) -> bool:
        """Z-order of the selection: forward, backward, front, back."""
        return self.push(ArrangeCommand(self.editor, self.selection(), how))

    def align_selected(self, mode: str) -> bool:
        """Align the selection (to the canvas when one item is selected)."""
        boxes = self.scene.selection_boxes()
        if not boxes:
            return False
        doc = self.editor.document
        reference = Box(0, 0, doc.width, doc.height) if len(boxes) == 1 else None
        return self.push(AlignCommand(self.editor, boxes, mode, reference))

    def distribute_selected(self, axis: str) -> bool:
        """Equal gaps between 3 or more selected items along axis "h" or "v"."""
        boxes = self.scene.selection_boxes()
        return len(boxes) >= 3 and self.push(DistributeCommand(self.editor, boxes, axis))

    def flip_selected(self, axis: str) -> bool:
        """Mirror the selected placements ("h" or "v")."""
        return self.push(FlipCommand(self.editor, self.selection()[PLACEMENT], axis))

    def set_selected_fields(self, values: dict[str, Any], text: str) -> bool:
        """Set fields (opacity, locked, hidden, ...) on every selected placement as one step."""
        return self.push(SetPlacementFieldsCommand(self.editor, self.selection()[PLACEMENT], values, text))

    def toggle_locked_selected(self) -> bool:
        """Lock the selected placements, or unlock them when all are locked."""
        ps = [self.editor.placement(i) for i in self.selection()[PLACEMENT]]
        lock = not all(p.locked for p in ps if p)
        return self.set_selected_fields({"locked": lock}, "Lock" if lock else "Unlock")

    def toggle_hidden_selected(self) -> bool:
        """Hide the selected placements, or show them when all are hidden."""
        ps = [self.editor.placement(i) for i in self.selection()[PLACEMENT]]
        hide = not all(p.hidden for p in ps if p)
        return self.set_selected_fields({"hidden": hide}, "Hide" if hide else "Show")

    def set_sketch_visible(self, visible: bool) -> bool:
        """Show or hide the sketch layer (undoable, saved with the document)."""
        if self.editor.document.sketch_visible == visible:
            return False
        self.undo_stack.push(SetSketchVisibleCommand(self.editor, visible))
        return True

    def apply_style(self, **fields: Any) -> bool:
        """Change the style for new elements (SketchStyle fields) and restyle the selected sketch
        elements (one step)."""
        scene = self.scene
        scene.sketch_style = replace(scene.sketch_style, **fields)
        scene.styleChanged.emit()  # the style bar's swatch follows, whoever changed the colour
        style = scene.sketch_style
        values: dict[str, Any] = {}
        if "colour" in fields:
            values["color"] = style.colour.upper()
        if "stroke_width" in fields:
            values["stroke_width"] = to_percent(style.stroke_width, self.editor.document.height)
        if "fill" in fields or ("colour" in fields and style.fill):
            values["fill"] = style.fill_colour()
        if "font_family" in fields:
            values["font_family"] = style.font_family
        if "font_size" in fields:
            values["font_size"] = to_percent(style.font_size, self.editor.document.height)
        scene.tools.text.restyle()
        sids = self.selection()[SKETCH]
        return bool(sids and values) and self.push(StyleSketchCommand(self.editor, sids, values))

    def copy_selected(self) -> QMimeData | None:
        """The selection as clipboard data (CLIPBOARD_MIME, JSON), or None when nothing is selected."""
        sel = self.selection()
        pids, sids = sel[PLACEMENT], sel[SKETCH]
        if not (pids or sids):
            return None
        placements = [p for p in map(self.editor.placement, pids) if p is not None]
        sketches = [e for e in map(self.editor.sketch_element, sids) if e is not None]
        data = {"placements": [p.model_dump(mode="json") for p in placements],
                "sketch_elements": [e.model_dump(mode="json") for e in sketches]}
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, json.dumps(data).encode("utf-8"))
        return mime

    def cut_selected(self) -> QMimeData | None:
        """Copy, then delete the selection (one undo step: "Cut")."""
        mime = self.copy_selected()
        if mime is not None:
            sel = self.selection()
            self.undo_stack.push(RemoveItemsCommand(self.editor, {PLACEMENT: sel[PLACEMENT], SKETCH: sel[SKETCH]}, "Cut"))
        return mime

    def paste(self, mime: QMimeData | None) -> bool:
        """Insert clipboard items (new ids, offset, on top) as one step and select them.

        Clipboard data that is not ours or not valid is ignored (returns False).
        """
        if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
            return False
        try:
            data = json.loads(bytes(mime.data(CLIPBOARD_MIME).data()).decode("utf-8"))
            placements = [MediaAssetPlacement.model_validate(p) for p in data.get("placements", [])]
            sketches = [SketchElement.model_validate(e) for e in data.get("sketch_elements", [])]
        except (ValueError, TypeError, AttributeError):
            return False
        return self._insert_copies(placements, sketches, "Paste")

    def duplicate_selected(self) -> bool:
        """Copies of the selection, offset, as one step ("Duplicate")."""
        sel = self.selection()
        placements = [self.editor.placement(i) for i in sel[PLACEMENT]]
        sketches = [self.editor.sketch_element(i) for i in sel[SKETCH]]
        return self._insert_copies(placements, sketches, "Duplicate")

    def _insert_copies(self, placements: list[Any], sketches: list[Any], text: str) -> bool:
        if not (placements or sketches):
            return False
        copies = copies_for_paste({PLACEMENT: placements, SKETCH: sketches}, self.editor, PASTE_OFFSET_PCT)
        self.undo_stack.push(InsertItemsCommand(self.editor, copies, text))
        self.scene.select({kind: [m.id for m in models] for kind, models in copies.items()})
        return True
