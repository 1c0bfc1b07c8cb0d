"""QUndoCommands: one per user verb. Each changes the CanvasDocument through CanvasEditor.

Three shapes cover every verb; items are keyed by kind (``studio_app.canvas.kinds``), and
the values a verb changes come from ``studio_app.canvas.operations``:

- InsertItemsCommand (place, draw, paste, duplicate) and RemoveItemsCommand (delete,
  cut, erase): items in and out of the document, undo restores exact list positions.
- UpdateItemsCommand: field changes of any number of items of any kind in one step (move, resize, rotate, flip, opacity, arrange, align, distribute, lock,
  hide, style, text edit, unit). Verb classes below compute the new values from the
  current document and name the step.
- SetDocumentFieldsCommand: asset type, background, name, sketch layer visibility.

Drags are applied live by the scene and pushed on release with the before/after
values (BeeRef's model); the first redo() re-applies the same values, so it is a no-op
for the document's content. Nudges of the same selection merge into one step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from PySide6.QtGui import QUndoCommand

from studio_app.canvas.editor import CanvasEditor, Removed
from studio_app.canvas.geometry import align_offsets, distribute_offsets
from studio_app.canvas.kinds import PLACEMENT, SKETCH, ItemKey
from studio_app.canvas.operations import (
    KindChanges,
    arrange_values,
    flip_values,
    item_changes,
    shift_values,
    size_unit_values,
    style_values,
    translation_values,
    z_values,
)
from studio_app.domain.asset_types import AssetType
from studio_app.domain.box import Box
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.services.design_resize import resize_design

NUDGE_MERGE_ID = 1001
"""QUndoCommand.id() of nudges: consecutive nudges of the same items merge."""


# -- insert / remove --------------------------------------------------------------------
class InsertItemsCommand(QUndoCommand):
    """Put items into the document, ``items`` = {kind: [model, ...]} (appended; undo takes them out)."""

    def __init__(self, editor: CanvasEditor, items: Mapping[str, Sequence[Any]], text: str = "Insert",
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor = editor
        self.items = {kind: list(models) for kind, models in items.items() if models}

    def redo(self) -> None:
        self.editor._apply_insert({kind: [(None, m) for m in models] for kind, models in self.items.items()})

    def undo(self) -> None:
        self.editor._apply_remove({kind: [m.id for m in models] for kind, models in self.items.items()})


class AddPlacementCommand(InsertItemsCommand):
    """Place one media asset on the canvas."""

    def __init__(self, editor: CanvasEditor, placement: MediaAssetPlacement,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, {PLACEMENT: [placement]}, f"Place {placement.display_name}", parent)
        self.placement = placement


class AddSketchCommand(InsertItemsCommand):
    """Add one sketch element (one stroke, shape or text = one step)."""

    def __init__(self, editor: CanvasEditor, element: SketchElement, parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, {SKETCH: [element]},
                         "Add text" if element.kind == "text" else f"Draw {element.kind}", parent)
        self.element = element


class RemoveItemsCommand(QUndoCommand):
    """Take items out, ``ids`` = {kind: [id, ...]} (undo restores their list positions)."""

    def __init__(self, editor: CanvasEditor, ids: Mapping[str, Iterable[str]], text: str | None = None,
                 parent: QUndoCommand | None = None) -> None:
        self.ids = {kind: list(group) for kind, group in ids.items() if group}
        n = sum(len(group) for group in self.ids.values())
        super().__init__(text or f"Delete {n} item{'s' if n != 1 else ''}", parent)
        self.editor = editor
        self._removed: Removed = {}

    def redo(self) -> None:
        self._removed = self.editor._apply_remove(self.ids)

    def undo(self) -> None:
        self.editor._apply_insert(self._removed)


# -- field updates --------------------------------------------------------------------
class UpdateItemsCommand(QUndoCommand):
    """Change fields of items of any kind as one step.

    ``changes`` maps kind -> id -> (before, after) holding only changed fields. With
    ``merge_id`` != -1, a following command with the same id and the same items merges
    into this one (its "after" wins).
    """

    def __init__(self, editor: CanvasEditor, changes: KindChanges | None = None, text: str = "Edit", *,
                 merge_id: int = -1, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor = editor
        self.changes: KindChanges = {
            kind: {k: (dict(b), dict(a)) for k, (b, a) in by_id.items()}
            for kind, by_id in (changes or {}).items() if by_id}
        self.merge_id = merge_id

    def is_empty(self) -> bool:
        """True when nothing would change (callers skip pushing it)."""
        return not self.changes

    def _apply(self, which: int) -> None:
        self.editor._apply_update({kind: {k: v[which] for k, v in by_id.items()}
                                   for kind, by_id in self.changes.items()})

    def redo(self) -> None:
        self._apply(1)

    def undo(self) -> None:
        self._apply(0)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge_id

    def _keys(self) -> set[ItemKey]:
        return {(kind, k) for kind, by_id in self.changes.items() for k in by_id}

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (not isinstance(other, UpdateItemsCommand) or other.merge_id != self.merge_id
                or other._keys() != self._keys()):
            return False
        for kind, theirs in other.changes.items():
            mine = self.changes[kind]
            for k, (before, after) in theirs.items():
                mine[k][1].update(after)
                for name, value in before.items():
                    mine[k][0].setdefault(name, value)
        return True


class MoveItemsCommand(UpdateItemsCommand):
    """Move items ({kind: [id, ...]}) by (dx, dy) canvas px (also the nudge verb)."""

    def __init__(self, editor: CanvasEditor, ids: Mapping[str, Iterable[str]], dx_px: float, dy_px: float,
                 text: str = "Move", *, merge_id: int = -1) -> None:
        values = translation_values(editor, ids, dx_px, dy_px)
        super().__init__(editor, item_changes(editor, values), text, merge_id=merge_id)


class NudgeCommand(MoveItemsCommand):
    """Arrow-key nudge; consecutive nudges of the same selection merge into one undo step."""

    def __init__(self, editor: CanvasEditor, ids: Mapping[str, Iterable[str]], dx_px: float,
                 dy_px: float) -> None:
        super().__init__(editor, ids, dx_px, dy_px, "Nudge", merge_id=NUDGE_MERGE_ID)


class SetPlacementFieldsCommand(UpdateItemsCommand):
    """Set the same fields on several placements (opacity, rotation, lock, hide, size...)."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], values: Mapping[str, Any],
                 text: str) -> None:
        new = {PLACEMENT: {pid: dict(values) for pid in placement_ids}}
        super().__init__(editor, item_changes(editor, new), text)


class FlipCommand(UpdateItemsCommand):
    """Mirror placements horizontally (``axis`` "h") or vertically ("v").

    Raises:
        ValueError: ``axis`` is not "h" or "v".
    """

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], axis: str) -> None:
        values = flip_values(editor, placement_ids, axis)
        super().__init__(editor, item_changes(editor, values),
                         "Flip horizontally" if axis == "h" else "Flip vertically")


class SetSizeUnitCommand(UpdateItemsCommand):
    """Switch placements between percent and px sizes (``size_unit``), same size on screen.

    Raises:
        ValueError: ``unit`` is not "percent" or "px".
    """

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], unit: str) -> None:
        values = size_unit_values(editor, placement_ids, unit)
        super().__init__(editor, item_changes(editor, values), f"Size in {unit}")


class ArrangeCommand(UpdateItemsCommand):
    """Z-order of items ({kind: [id, ...]}): bring forward, send backward, to front, to back.

    Raises:
        ValueError: ``how`` is not one of ARRANGE_MODES.
    """

    TEXT: ClassVar[dict[str, str]] = {"forward": "Bring forward", "backward": "Send backward", "front": "Bring to front",
            "back": "Send to back"}

    def __init__(self, editor: CanvasEditor, ids: Mapping[str, Iterable[str]], how: str) -> None:
        values = arrange_values(editor, ids, how)
        super().__init__(editor, item_changes(editor, values), self.TEXT[how])


class ReorderPlacementsCommand(UpdateItemsCommand):
    """Give placements a new stacking order (the layers panel's drag); ``top_to_bottom`` lists ids."""

    def __init__(self, editor: CanvasEditor, top_to_bottom: Sequence[str]) -> None:
        bottom_up = list(reversed(top_to_bottom))
        rest = [p.id for p in editor.document.sorted_placements() if p.id not in set(bottom_up)]
        super().__init__(editor, item_changes(editor, {PLACEMENT: z_values(rest + bottom_up, 1)}), "Reorder layers")


class AlignCommand(UpdateItemsCommand):
    """Align items' boxes ((kind, id) -> Box in canvas px, from the scene) left/hcentre/right/top/vcentre/bottom.

    With ``reference`` given (the canvas), it aligns to that box; otherwise to the union of
    the items' boxes.
    """

    TEXT: ClassVar[dict[str, str]] = {"left": "Align left", "hcentre": "Align centre", "right": "Align right", "top": "Align top",
            "vcentre": "Align middle", "bottom": "Align bottom"}

    def __init__(self, editor: CanvasEditor, boxes: Mapping[ItemKey, Box], mode: str,
                 reference: Box | None = None) -> None:
        keys = list(boxes)
        shifts = align_offsets([boxes[k] for k in keys], mode, reference) if keys else []
        values = shift_values(editor, {k: boxes[k] for k in keys}, shifts)
        super().__init__(editor, item_changes(editor, values), self.TEXT[mode])


class DistributeCommand(UpdateItemsCommand):
    """Equal gaps between 3 or more items' boxes ((kind, id) -> Box, canvas px) along ``axis`` "h" or "v"."""

    def __init__(self, editor: CanvasEditor, boxes: Mapping[ItemKey, Box], axis: str) -> None:
        keys = list(boxes)
        shifts = distribute_offsets([boxes[k] for k in keys], axis)
        values = shift_values(editor, {k: boxes[k] for k in keys}, shifts)
        super().__init__(editor, item_changes(editor, values),
                         "Distribute horizontally" if axis == "h" else "Distribute vertically")


class StyleSketchCommand(UpdateItemsCommand):
    """Set style fields (color, stroke_width, fill, font_family, font_size, text) on sketch elements.

    Fields that do not apply to an element's kind (fill on a line, font on a stroke) are
    skipped for it (``studio_app.canvas.operations.STYLE_APPLIES``).
    """

    def __init__(self, editor: CanvasEditor, sketch_ids: Iterable[str], values: Mapping[str, Any],
                 text: str = "Change style") -> None:
        super().__init__(editor, item_changes(editor, style_values(editor, sketch_ids, values)), text)


class SetDocumentFieldsCommand(QUndoCommand):
    """Change document-level fields (asset type, background, name, sketch layer visibility)."""

    def __init__(self, editor: CanvasEditor, before: dict[str, Any], after: dict[str, Any], text: str,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor, self.before, self.after = editor, dict(before), dict(after)

    def redo(self) -> None:
        self.editor._apply_document_fields(self.after)

    def undo(self) -> None:
        self.editor._apply_document_fields(self.before)


def _layout_fields(doc: CanvasDocument) -> dict[str, Any]:
    return {"asset_type": doc.asset_type.value, "width": doc.width, "height": doc.height,
            "placements": [p.model_dump() for p in doc.placements],
            "sketch_elements": [e.model_dump() for e in doc.sketch_elements]}


class ChangeAssetTypeCommand(SetDocumentFieldsCommand):
    """Change the target (AssetType) of the open design by the resize rule
    (``services.design_resize``, as Design > Resize to... and ``studio resize``): the canvas takes
    the exact size, placements keep their percent layout, sketch strokes and text keep their
    proportions to the height, text is kept inside. Undo restores the previous layout."""

    def __init__(self, editor: CanvasEditor, asset_type: str) -> None:
        doc = editor.document
        resized = resize_design(doc, asset_type)
        super().__init__(editor, _layout_fields(doc), _layout_fields(resized),
                         f"Change target to {AssetType(asset_type).value}")


class SetSketchVisibleCommand(SetDocumentFieldsCommand):
    """Show or hide the sketch layer (kept in the document; the snapshot honours it)."""

    def __init__(self, editor: CanvasEditor, visible: bool) -> None:
        super().__init__(editor, {"sketch_visible": editor.document.sketch_visible}, {"sketch_visible": visible},
                         "Show sketch layer" if visible else "Hide sketch layer")
