"""CanvasEditor: holds the CanvasDocument (the source of truth) and applies edits to it.

Edits come only from QUndoCommands (canvas/commands.py), which call the ``_apply_*``
methods; the scene listens to ``changed`` and mirrors the document.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from studio_app.domain.asset_types import AssetType, target_size
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement


class CanvasEditor(QObject):
    """The open document and its edit primitives.

    Signals:
        changed(): any part of the document changed (the scene re-syncs).
        documentReplaced(): a different document was loaded (new size, new items).
    """

    changed = Signal()
    documentReplaced = Signal()

    def __init__(self, doc: CanvasDocument | None = None) -> None:
        super().__init__()
        self._doc = doc or CanvasDocument()

    @property
    def document(self) -> CanvasDocument:
        """The current document (treat as read-only; edit through commands)."""
        return self._doc

    def set_document(self, doc: CanvasDocument) -> None:
        """Replace the whole document (open/new); not an undoable edit."""
        self._doc = doc
        self.documentReplaced.emit()
        self.changed.emit()

    # -- lookups ---------------------------------------------------------------
    def placement(self, placement_id: str) -> MediaAssetPlacement | None:
        """The placement with that id, or None."""
        return next((p for p in self._doc.placements if p.id == placement_id), None)

    def sketch_element(self, element_id: str) -> SketchElement | None:
        """The sketch element with that id, or None."""
        return next((e for e in self._doc.sketch_elements if e.id == element_id), None)

    def next_z_index(self) -> int:
        """A z_index above every placement."""
        return max((p.z_index for p in self._doc.placements), default=0) + 1

    # -- primitives used by commands ------------------------------------------------
    def _apply_insert_placement(self, placement: MediaAssetPlacement, index: int | None = None) -> None:
        items = list(self._doc.placements)
        items.insert(len(items) if index is None else index, placement)
        self._doc = self._doc.model_copy(update={"placements": items})
        self.changed.emit()

    def _apply_remove_placement(self, placement_id: str) -> tuple[MediaAssetPlacement, int]:
        items = list(self._doc.placements)
        index = next(i for i, p in enumerate(items) if p.id == placement_id)
        removed = items.pop(index)
        self._doc = self._doc.model_copy(update={"placements": items})
        self.changed.emit()
        return removed, index

    def _apply_update_placement(self, placement_id: str, values: dict[str, Any]) -> None:
        items = [
            MediaAssetPlacement.model_validate({**p.model_dump(), **values}) if p.id == placement_id else p
            for p in self._doc.placements
        ]
        self._doc = self._doc.model_copy(update={"placements": items})
        self.changed.emit()

    def _apply_insert_sketch(self, element: SketchElement, index: int | None = None) -> None:
        items = list(self._doc.sketch_elements)
        items.insert(len(items) if index is None else index, element)
        self._doc = self._doc.model_copy(update={"sketch_elements": items})
        self.changed.emit()

    def _apply_remove_sketch(self, element_id: str) -> tuple[SketchElement, int]:
        items = list(self._doc.sketch_elements)
        index = next(i for i, e in enumerate(items) if e.id == element_id)
        removed = items.pop(index)
        self._doc = self._doc.model_copy(update={"sketch_elements": items})
        self.changed.emit()
        return removed, index

    def _apply_document_fields(self, values: dict[str, Any]) -> None:
        data = {**self._doc.model_dump(), **values}
        if "asset_type" in values:
            data["width"], data["height"] = target_size(AssetType(values["asset_type"]))
        self._doc = CanvasDocument.model_validate(data)
        self.documentReplaced.emit()
        self.changed.emit()
