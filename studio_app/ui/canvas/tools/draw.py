"""The drawing tools: pen (freehand), line, arrow, rectangle and ellipse.

A draft path follows the mouse; the release adds one sketch element (one undo step; a hidden
sketch layer is shown again in the same step).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsSceneMouseEvent

from studio_app.canvas.geometry import constrain_angle, simplify_stroke, smooth_stroke
from studio_app.canvas.sketch_style import to_percent
from studio_app.domain.sketch import SketchElement, SketchKind

from ..commands import AddSketchCommand, SetSketchVisibleCommand
from ..items import DRAFT_Z
from .base import ToolBase

if TYPE_CHECKING:
    from ..scene import CanvasScene

PEN_SIMPLIFY_PX = 0.6
"""Freehand strokes are simplified to within this distance of the drawn path, canvas px."""
PEN_SMOOTH_MAX_SCREEN_PX = 6.0
"""Freehand points closer than this on screen (px) to both neighbours are averaged (mouse jitter)."""
MIN_SHAPE_PX = 2.0
"""A line shorter, or a box narrower, than this (canvas px on both axes) is a click, not a shape."""


class DrawTool(ToolBase):
    """Draws the element kind named by the scene's current tool."""

    _draft: QGraphicsPathItem | None = None
    _kind: SketchKind = "pen"
    _start = QPointF()
    _points: list[QPointF]
    _path: QPainterPath

    @property
    def active(self) -> bool:
        """True while a draft is being drawn."""
        return self._draft is not None

    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        """Start a draft at the press position, in the style of new elements."""
        pos, style = event.scenePos(), self.scene.sketch_style
        self._kind, self._start = cast("SketchKind", self.scene.tool), QPointF(pos)
        self._points, self._path = [QPointF(pos)], QPainterPath(pos)
        draft = QGraphicsPathItem()
        draft.setPen(QPen(QColor(style.colour), style.stroke_width, Qt.PenStyle.SolidLine,
                          Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if self._kind in ("rectangle", "ellipse") and style.fill:
            draft.setBrush(QColor(style.fill_colour()))
        draft.setZValue(DRAFT_Z)
        self.scene.addItem(draft)
        self._draft = draft
        event.accept()

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Extend the stroke or reshape the shape; shift constrains (45° lines, squares, circles)."""
        draft, pos = self._draft, event.scenePos()
        if draft is None:
            return
        self._announce([draft])
        if self._kind == "pen":
            last = self._points[-1]
            if math.hypot(pos.x() - last.x(), pos.y() - last.y()) * self.scene.view_scale < 1.0:
                return
            self._points.append(QPointF(pos))
            self._path.lineTo(pos)
            draft.setPath(self._path)
            return
        end = self._shape_end(pos, _shift(event))
        path = QPainterPath()
        if self._kind in ("line", "arrow"):
            path.moveTo(self._start)
            path.lineTo(end)
        elif self._kind == "rectangle":
            path.addRect(QRectF(self._start, end).normalized())
        else:
            path.addEllipse(QRectF(self._start, end).normalized())
        draft.setPath(path)

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        """Add the drawn element (nothing for a click or a zero-length stroke)."""
        self._end_announcement()
        self._drop_draft()
        points = self._element_points(event.scenePos(), _shift(event))
        if points is None:
            return
        scene, style = self.scene, self.scene.sketch_style
        element = SketchElement(
            kind=self._kind, points=points, color=style.colour,
            stroke_width=to_percent(style.stroke_width, scene.editor.document.height),
            fill=style.fill_colour() if self._kind in ("rectangle", "ellipse") else None,
            z_index=scene.editor.next_sketch_z_index())
        add_sketch_element(scene, element)

    def cancel(self) -> None:
        """Drop the draft."""
        self._end_announcement()
        self._drop_draft()

    def _drop_draft(self) -> None:
        if self._draft is not None:
            self.scene.removeItem(self._draft)
            self._draft = None

    def _shape_end(self, pos: QPointF, shift: bool) -> QPointF:
        start = self._start
        if not shift:
            return pos
        if self._kind in ("line", "arrow"):
            x, y = constrain_angle(start.x(), start.y(), pos.x(), pos.y())
            return QPointF(x, y)
        side = max(abs(pos.x() - start.x()), abs(pos.y() - start.y()))
        return QPointF(start.x() + math.copysign(side, pos.x() - start.x()),
                       start.y() + math.copysign(side, pos.y() - start.y()))

    def _element_points(self, pos: QPointF, shift: bool) -> list[tuple[float, float]] | None:
        """The element's points in percent, or None when the gesture drew nothing."""
        scene = self.scene
        if self._kind == "pen":
            pts = [(p.x(), p.y()) for p in self._points]
            if len(pts) == 1 or (pos.x(), pos.y()) != pts[-1]:
                pts.append((pos.x(), pos.y()))
            pts = simplify_stroke(smooth_stroke(pts, PEN_SMOOTH_MAX_SCREEN_PX / scene.view_scale), PEN_SIMPLIFY_PX)
            points = [scene.percent(QPointF(x, y)) for x, y in pts]
            if len(points) < 2 or all(p == points[0] for p in points):
                return None
            return points
        points = [scene.percent(self._start), scene.percent(self._shape_end(pos, shift))]
        doc = scene.editor.document
        dx = abs(points[1][0] - points[0][0]) * doc.width / 100.0
        dy = abs(points[1][1] - points[0][1]) * doc.height / 100.0
        if self._kind in ("line", "arrow"):
            too_small = dx < MIN_SHAPE_PX and dy < MIN_SHAPE_PX
        else:
            too_small = dx < MIN_SHAPE_PX or dy < MIN_SHAPE_PX
        return None if too_small else points


def add_sketch_element(scene: CanvasScene, element: SketchElement) -> None:
    """Push one step adding ``element``; a hidden sketch layer is shown again in the same step."""
    if scene.editor.document.sketch_visible:
        scene.undo_stack.push(AddSketchCommand(scene.editor, element))
        return
    command = AddSketchCommand(scene.editor, element)
    scene.undo_stack.beginMacro(command.text())
    scene.undo_stack.push(SetSketchVisibleCommand(scene.editor, True))
    scene.undo_stack.push(command)
    scene.undo_stack.endMacro()


def _shift(event: QGraphicsSceneMouseEvent) -> bool:
    return bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
