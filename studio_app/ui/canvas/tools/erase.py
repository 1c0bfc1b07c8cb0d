"""The eraser: sketch elements under the dragged circle disappear live; one "Erase" step on release."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from studio_app.canvas.kinds import SKETCH

from ..commands import RemoveItemsCommand
from ..items import SketchItem
from .base import ToolBase

ERASER_SCREEN_PX = 8.0
"""Eraser radius on screen, px."""


class EraseTool(ToolBase):
    """Drag over sketch elements to delete them (placements are never erased)."""

    _last: QPointF | None = None
    _erased: dict[str, SketchItem]

    @property
    def active(self) -> bool:
        """True while the button is down."""
        return self._last is not None

    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        """Start erasing at the press position."""
        pos = event.scenePos()
        self._last = QPointF(pos)
        self._erased = {}
        self._erase_along(pos, pos)
        event.accept()

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Erase along the segment from the last position."""
        pos = event.scenePos()
        if self._last is not None:
            self._erase_along(self._last, pos)
        self._last = QPointF(pos)

    def release(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: ARG002 - the Tool interface
        """Delete what was erased as one undo step, in document order."""
        self._last = None
        self._end_announcement()
        erased, self._erased = self._erased, {}
        if erased:
            order = [e.id for e in self.scene.editor.document.sketch_elements if e.id in erased]
            self.scene.undo_stack.push(RemoveItemsCommand(self.scene.editor, {SKETCH: order}, "Erase"))

    def cancel(self) -> None:
        """Show the erased elements again; nothing is deleted."""
        self._last = None
        self._end_announcement()
        visible = self.scene.editor.document.sketch_visible
        for item in self._erased.values():
            item.setVisible(visible)
        self._erased = {}

    def _erase_along(self, a: QPointF, b: QPointF) -> None:
        r = max(ERASER_SCREEN_PX / self.scene.view_scale, 1.0)
        path = QPainterPath()
        path.addEllipse(b, r, r)
        if a != b:
            seg = QPainterPath(a)
            seg.lineTo(b)
            stroker = QPainterPathStroker()
            stroker.setWidth(2 * r)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            path = path.united(stroker.createStroke(seg))
        for item in self.scene.items(path, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, SketchItem) and item.isVisible():
                item.setVisible(False)
                self._erased[item.item_id] = item
