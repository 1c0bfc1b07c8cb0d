"""Scene operations behind menus, shortcuts and panels: delete, nudge, arrange, align, distribute,
flip, lock, hide, style, clipboard and duplicate. Each is one undo step on the selection.

A mixin of CanvasScene (it uses the scene's editor, undo stack and selection).
"""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import QMimeData

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
    copies_for_paste,
)

CLIPBOARD_MIME = "application/x-studio-canvas-items"
"""Clipboard format of copied canvas items: JSON {"placements": [...], "sketch_elements": [...]}."""
PASTE_OFFSET_PCT = 3.0
"""Pasted and duplicated items land this far (percent) right and down of the originals."""


class SceneOperations:
    """Operations on the selection (mixed into CanvasScene)."""

    def _push(self, command) -> bool:  # noqa: ANN001 - a QUndoCommand
        if isinstance(command, UpdateItemsCommand) and command.is_empty():
            return False
        self.undo_stack.push(command)
        return True

    def delete_selected(self) -> bool:
        """Delete the selection as one undo step."""
        pids, sids, uids = self.selected_ids()
        if not (pids or sids or uids):
            return False
        self.undo_stack.push(RemoveItemsCommand(self.editor, pids, sids, uids))
        return True

    def nudge_selected(self, dx_px: float, dy_px: float) -> bool:
        """Move the selection by (dx, dy) canvas px; consecutive nudges merge into one step."""
        pids, sids, _ = self.selected_ids()
        return self._push(NudgeCommand(self.editor, pids, sids, dx_px, dy_px))

    def arrange_selected(self, how: str) -> bool:
        """Z-order of the selection: forward, backward, front, back."""
        pids, sids, _ = self.selected_ids()
        return self._push(ArrangeCommand(self.editor, pids, sids, how))

    def align_selected(self, mode: str) -> bool:
        """Align the selection (to the canvas when one item is selected)."""
        boxes = self.selection_boxes()
        if not boxes:
            return False
        doc = self.editor.document
        reference = Box(0, 0, doc.width, doc.height) if len(boxes) == 1 else None
        return self._push(AlignCommand(self.editor, boxes, mode, reference))

    def distribute_selected(self, axis: str) -> bool:
        """Equal gaps between 3 or more selected items along axis "h" or "v"."""
        boxes = self.selection_boxes()
        return len(boxes) >= 3 and self._push(DistributeCommand(self.editor, boxes, axis))

    def flip_selected(self, axis: str) -> bool:
        """Mirror the selected placements ("h" or "v")."""
        pids, _, _ = self.selected_ids()
        return self._push(FlipCommand(self.editor, pids, axis))

    def set_selected_fields(self, values: dict, text: str) -> bool:
        """Set fields (opacity, locked, hidden, ...) on every selected placement as one step."""
        pids, _, _ = self.selected_ids()
        return self._push(SetPlacementFieldsCommand(self.editor, pids, values, text))

    def toggle_locked_selected(self) -> bool:
        """Lock the selected placements, or unlock them when all are locked."""
        pids, _, _ = self.selected_ids()
        ps = [self.editor.placement(i) for i in pids]
        lock = not all(p.locked for p in ps if p)
        return self.set_selected_fields({"locked": lock}, "Lock" if lock else "Unlock")

    def toggle_hidden_selected(self) -> bool:
        """Hide the selected placements, or show them when all are hidden."""
        pids, _, _ = self.selected_ids()
        ps = [self.editor.placement(i) for i in pids]
        hide = not all(p.hidden for p in ps if p)
        return self.set_selected_fields({"hidden": hide}, "Hide" if hide else "Show")

    def set_sketch_visible(self, visible: bool) -> bool:
        """Show or hide the sketch layer (undoable, saved with the document)."""
        if self.editor.document.sketch_visible == visible:
            return False
        self.undo_stack.push(SetSketchVisibleCommand(self.editor, visible))
        return True

    def apply_style(self, **fields) -> bool:  # noqa: ANN003 - SketchStyle fields
        """Change the style for new elements and restyle the selected sketch elements (one step)."""
        self.style = replace(self.style, **fields)
        self.styleChanged.emit()  # the style bar's swatch follows, whoever changed the colour
        values: dict = {}
        if "colour" in fields:
            values["color"] = self.style.colour.upper()
        if "stroke_width" in fields:
            values["stroke_width"] = to_percent(self.style.stroke_width, self.editor.document.height)
        if "fill" in fields or ("colour" in fields and self.style.fill):
            values["fill"] = self.style.fill_colour()
        if "font_family" in fields:
            values["font_family"] = self.style.font_family
        if "font_size" in fields:
            values["font_size"] = to_percent(self.style.font_size, self.editor.document.height)
        if self._text_edit is not None:
            self._style_text_editor()
        _, sids, _ = self.selected_ids()
        return bool(sids and values) and self._push(StyleSketchCommand(self.editor, sids, values))

    def copy_selected(self) -> QMimeData | None:
        """The selection as clipboard data (CLIPBOARD_MIME, JSON), or None when nothing is selected."""
        pids, sids, _ = self.selected_ids()
        if not (pids or sids):
            return None
        data = {"placements": [self.editor.placement(i).model_dump(mode="json") for i in pids],
                "sketch_elements": [self.editor.sketch_element(i).model_dump(mode="json") for i in sids]}
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, json.dumps(data).encode("utf-8"))
        return mime

    def cut_selected(self) -> QMimeData | None:
        """Copy, then delete the selection (one undo step: "Cut")."""
        mime = self.copy_selected()
        if mime is not None:
            pids, sids, _ = self.selected_ids()
            self.undo_stack.push(RemoveItemsCommand(self.editor, pids, sids, (), "Cut"))
        return mime

    def paste(self, mime: QMimeData | None) -> bool:
        """Insert clipboard items (new ids, offset, on top) as one step and select them.

        Clipboard data that is not ours or not valid is ignored (returns False).
        """
        if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
            return False
        try:
            data = json.loads(bytes(mime.data(CLIPBOARD_MIME)).decode("utf-8"))
            placements = [MediaAssetPlacement.model_validate(p) for p in data.get("placements", [])]
            sketches = [SketchElement.model_validate(e) for e in data.get("sketch_elements", [])]
        except (ValueError, TypeError, AttributeError):
            return False
        return self._insert_copies(placements, sketches, "Paste")

    def duplicate_selected(self) -> bool:
        """Copies of the selection, offset, as one step ("Duplicate")."""
        pids, sids, _ = self.selected_ids()
        placements = [self.editor.placement(i) for i in pids]
        sketches = [self.editor.sketch_element(i) for i in sids]
        return self._insert_copies(placements, sketches, "Duplicate")

    def _insert_copies(self, placements: list, sketches: list, text: str) -> bool:
        if not (placements or sketches):
            return False
        new_p, new_s = copies_for_paste(placements, sketches, self.editor, PASTE_OFFSET_PCT)
        self.undo_stack.push(InsertItemsCommand(self.editor, new_p, new_s, text))
        self.select_ids([p.id for p in new_p], [e.id for e in new_s])
        return True
