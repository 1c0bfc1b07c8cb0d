"""QUndoCommands: one per user verb. Each changes the CanvasDocument through CanvasEditor.

Drags are applied live by the scene and pushed on release with the before/after
values; the command's first redo() then re-applies the same values (idempotent).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

from .editor import CanvasEditor

NUDGE_MERGE_ID = 1001


class AddPlacementCommand(QUndoCommand):
    """Place a media asset on the canvas."""

    def __init__(self, editor: CanvasEditor, placement: MediaAssetPlacement) -> None:
        super().__init__(f"Place {placement.display_name}")
        self.editor, self.placement = editor, placement

    def redo(self) -> None:
        self.editor._apply_insert_placement(self.placement)

    def undo(self) -> None:
        self.editor._apply_remove_placement(self.placement.id)


class UpdatePlacementCommand(QUndoCommand):
    """Change fields of one placement (move, resize, rotate, opacity...).

    ``before``/``after`` hold only the changed fields. Nudges (``merge=True``) of the
    same placement merge into one undo step.
    """

    def __init__(self, editor: CanvasEditor, placement_id: str, before: dict[str, Any],
                 after: dict[str, Any], text: str, *, merge: bool = False) -> None:
        super().__init__(text)
        self.editor, self.placement_id = editor, placement_id
        self.before, self.after, self.merge = dict(before), dict(after), merge

    def redo(self) -> None:
        self.editor._apply_update_placement(self.placement_id, self.after)

    def undo(self) -> None:
        self.editor._apply_update_placement(self.placement_id, self.before)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return NUDGE_MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, UpdatePlacementCommand) or other.placement_id != self.placement_id:
            return False
        self.after.update(other.after)
        return True


class RemovePlacementCommand(QUndoCommand):
    """Delete a placement (undo puts it back at the same list position)."""

    def __init__(self, editor: CanvasEditor, placement_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__("Delete placement", parent)
        self.editor, self.placement_id = editor, placement_id
        self._removed: MediaAssetPlacement | None = None
        self._index = 0

    def redo(self) -> None:
        self._removed, self._index = self.editor._apply_remove_placement(self.placement_id)

    def undo(self) -> None:
        assert self._removed is not None
        self.editor._apply_insert_placement(self._removed, self._index)


class AddSketchCommand(QUndoCommand):
    """Add a sketch element (one stroke or shape = one step)."""

    def __init__(self, editor: CanvasEditor, element: SketchElement) -> None:
        super().__init__(f"Draw {element.kind}")
        self.editor, self.element = editor, element

    def redo(self) -> None:
        self.editor._apply_insert_sketch(self.element)

    def undo(self) -> None:
        self.editor._apply_remove_sketch(self.element.id)


class RemoveSketchCommand(QUndoCommand):
    """Delete a sketch element."""

    def __init__(self, editor: CanvasEditor, element_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__("Delete sketch element", parent)
        self.editor, self.element_id = editor, element_id
        self._removed: SketchElement | None = None
        self._index = 0

    def redo(self) -> None:
        self._removed, self._index = self.editor._apply_remove_sketch(self.element_id)

    def undo(self) -> None:
        assert self._removed is not None
        self.editor._apply_insert_sketch(self._removed, self._index)


class SetDocumentFieldsCommand(QUndoCommand):
    """Change document-level fields (asset type, background, name)."""

    def __init__(self, editor: CanvasEditor, before: dict[str, Any], after: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.editor, self.before, self.after = editor, before, after

    def redo(self) -> None:
        self.editor._apply_document_fields(self.after)

    def undo(self) -> None:
        self.editor._apply_document_fields(self.before)


def delete_items_macro(editor: CanvasEditor, placement_ids: list[str], sketch_ids: list[str]) -> QUndoCommand:
    """One undo step deleting several placements and sketch elements."""
    macro = QUndoCommand(f"Delete {len(placement_ids) + len(sketch_ids)} item(s)")
    for pid in placement_ids:
        RemovePlacementCommand(editor, pid, macro)
    for sid in sketch_ids:
        RemoveSketchCommand(editor, sid, macro)
    return macro
