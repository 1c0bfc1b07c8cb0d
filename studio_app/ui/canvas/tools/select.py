"""The select tool: pick (click, shift/ctrl-click, rubber band), move with snapping, resize
and rotate a placement by its handles. Items follow the mouse live; one step on release."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent

from studio_app.canvas.geometry import clamp, resize_box, rotation_from_drag, shift_points, union
from studio_app.canvas.kinds import PLACEMENT, SKETCH
from studio_app.canvas.operations import item_changes
from studio_app.canvas.snapping import SNAP_DISTANCE_SCREEN_PX, Guide, Snapper
from studio_app.domain.box import Box

from ..commands import UpdateItemsCommand
from ..items import PlacementItem, SketchItem
from .base import ToolBase

_HANDLE_ANGLE = {"n": 90, "s": 90, "e": 0, "w": 0, "ne": 45, "sw": 45, "nw": 135, "se": 135}
_SIZE_CURSORS = (Qt.CursorShape.SizeHorCursor, Qt.CursorShape.SizeBDiagCursor, Qt.CursorShape.SizeVerCursor,
                 Qt.CursorShape.SizeFDiagCursor)


@dataclass
class _Move:
    """A drag of the selection: start positions, the allowed shift and the snap targets (px)."""

    start: QPointF
    items: list[QGraphicsItem]
    starts: list[QPointF]
    limits: tuple[float, float, float, float]
    box: Box | None
    snapper: Snapper | None
    delta: QPointF = field(default_factory=QPointF)


@dataclass
class _Transform:
    """A resize or rotate of one placement by a handle, in the item's own frame."""

    kind: str
    item: PlacementItem
    handle: str
    frame: QTransform
    inverse: QTransform
    w0: float
    h0: float
    rot0: float


class SelectTool(ToolBase):
    """Selection, move, resize and rotate."""

    _move: _Move | None = None
    _transform: _Transform | None = None

    @property
    def active(self) -> bool:
        """True while a move, resize or rotate drag is under way."""
        return self._move is not None or self._transform is not None

    # -- press -------------------------------------------------------------------------------
    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        """A handle starts a resize/rotate; an item is selected and starts a move; empty space
        clears the selection and is ignored (the view starts a rubber band)."""
        scene, pos = self.scene, event.scenePos()
        handle = scene.overlay.handle_at(pos)
        if handle is not None and scene.overlay.handle_item is not None:
            self._begin_transform(scene.overlay.handle_item, handle)
            event.accept()
            return
        item = scene.item_at(pos)
        additive = bool(event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        if item is None:
            if not additive:
                scene.clearSelection()
            event.ignore()  # the view starts a rubber band
            return
        if additive:
            item.setSelected(not item.isSelected())
            if not item.isSelected():
                event.accept()
                return
        elif not item.isSelected():
            scene.blockSignals(True)
            scene.clearSelection()
            scene.blockSignals(False)
            item.setSelected(True)
        self._begin_move(pos)
        event.accept()

    def _begin_transform(self, item: PlacementItem, handle: str) -> None:
        frame = item.frame_transform()
        inverse, _ = frame.inverted()
        w0, h0 = item.box_w, item.box_h
        kind = "rotate" if handle == "rotate" else "resize"
        if kind == "resize" and item.has_image():
            # An image is drawn "contain" in its box: start from the drawn image's size so the
            # box (and the selection frame) stays on the image while it is resized.
            w0, h0 = item.image_size()
        self._transform = _Transform(kind, item, handle, frame, inverse, w0, h0, item.box_rotation)

    def _begin_move(self, pos: QPointF) -> None:
        scene = self.scene
        doc = scene.editor.document
        W, H = doc.width, doc.height  # noqa: N806
        moving: list[QGraphicsItem] = [
            i for i in scene.selectedItems()
            if i.isVisible() and (isinstance(i, SketchItem) or (isinstance(i, PlacementItem) and not i.placement.locked))]
        lo_x, hi_x, lo_y, hi_y = -math.inf, math.inf, -math.inf, math.inf
        boxes = []
        for item in moving:
            boxes.append(scene.item_box(item))
            if isinstance(item, PlacementItem):
                c = item.pos()
                lo_x, hi_x = max(lo_x, -c.x()), min(hi_x, W - c.x())
                lo_y, hi_y = max(lo_y, -c.y()), min(hi_y, H - c.y())
            elif isinstance(item, SketchItem):
                x0, y0, x1, y1 = item.element.bounds()
                lo_x, hi_x = max(lo_x, -x0 * W / 100), min(hi_x, (100 - x1) * W / 100)
                lo_y, hi_y = max(lo_y, -y0 * H / 100), min(hi_y, (100 - y1) * H / 100)
        snapper = None
        if moving and scene.snapping:
            moving_ids = {id(i) for i in moving}
            others = [scene.item_box(i) for i in (*scene.items_of(PLACEMENT).values(), *scene.items_of(SKETCH).values())
                      if id(i) not in moving_ids and i.isVisible()]
            snapper = Snapper(W, H, others)
        self._move = _Move(QPointF(pos), moving, [QPointF(i.pos()) for i in moving], (lo_x, hi_x, lo_y, hi_y),
                           union(boxes) if boxes else None, snapper)

    # -- drag --------------------------------------------------------------------------------
    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Follow the mouse: shift keeps one axis (move) or the ratio (resize) or snaps the angle
        (rotate); alt turns snapping off while moving."""
        pos = event.scenePos()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self._move is not None:
            self._drag_move(self._move, pos, shift, bool(event.modifiers() & Qt.KeyboardModifier.AltModifier))
        elif self._transform is not None:
            self._drag_transform(self._transform, pos, shift)

    def _drag_move(self, g: _Move, pos: QPointF, shift: bool, no_snap: bool) -> None:
        if not g.items:
            return
        scene = self.scene
        self._announce(g.items)
        dx, dy = pos.x() - g.start.x(), pos.y() - g.start.y()
        if shift:
            if abs(dx) >= abs(dy):
                dy = 0.0
            else:
                dx = 0.0
        guides: list[Guide] = []
        if g.snapper is not None and g.box is not None and not no_snap:
            sdx, sdy, guides = g.snapper.snap(g.box.translated(dx, dy), SNAP_DISTANCE_SCREEN_PX / scene.view_scale)
            if shift:
                sdx, sdy = (sdx, 0.0) if dy == 0.0 else (0.0, sdy)
                guides = [gd for gd in guides if (gd.axis == "x") == (dy == 0.0)]
            dx, dy = dx + sdx, dy + sdy
        lo_x, hi_x, lo_y, hi_y = g.limits
        dx, dy = clamp(dx, lo_x, hi_x), clamp(dy, lo_y, hi_y)
        g.delta = QPointF(dx, dy)
        for item, start in zip(g.items, g.starts, strict=True):
            item.setPos(start.x() + dx, start.y() + dy)
        scene.gestureMoved.emit()
        scene.set_guides(guides)
        scene.refresh_overlay()

    def _drag_transform(self, g: _Transform, pos: QPointF, shift: bool) -> None:
        self._announce([g.item])
        if g.kind == "resize":
            local = g.inverse.map(pos)
            # Images keep their ratio (their box hugs the picture); shapes and placeholders resize
            # freely, shift keeping the ratio.
            keep = shift or g.item.has_image()
            w, h, cdx, cdy = resize_box(g.w0, g.h0, g.handle, local.x(), local.y(), keep)
            g.item.setPos(g.frame.map(QPointF(cdx, cdy)))
            g.item.set_geometry(w, h, g.rot0)
        else:
            c = g.item.pos()
            g.item.set_geometry(g.w0, g.h0, rotation_from_drag(c.x(), c.y(), pos.x(), pos.y(), shift))
        self.scene.gestureMoved.emit()
        self.scene.refresh_overlay()

    # -- release / cancel ----------------------------------------------------------------------
    def release(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: ARG002 - the Tool interface
        """Push the move, resize or rotate as one step (nothing when nothing changed)."""
        move, transform, self._move, self._transform = self._move, self._transform, None, None
        self._end_announcement()
        if move is not None:
            self._finish_move(move)
        elif transform is not None:
            self._finish_transform(transform)

    def _finish_move(self, g: _Move) -> None:
        if not g.items or (g.delta.x() == 0 and g.delta.y() == 0):
            return
        editor = self.scene.editor
        doc = editor.document
        dx_pct, dy_pct = g.delta.x() * 100.0 / doc.width, g.delta.y() * 100.0 / doc.height
        values: dict[str, dict[str, dict[str, object]]] = {PLACEMENT: {}, SKETCH: {}}
        for item, start in zip(g.items, g.starts, strict=True):
            if isinstance(item, PlacementItem):
                values[PLACEMENT][item.item_id] = {
                    "x": clamp((start.x() + g.delta.x()) * 100.0 / doc.width, 0.0, 100.0),
                    "y": clamp((start.y() + g.delta.y()) * 100.0 / doc.height, 0.0, 100.0)}
            elif isinstance(item, SketchItem):
                values[SKETCH][item.item_id] = {"points": shift_points(item.element.points, dx_pct, dy_pct)}
        self.scene.ops.push(UpdateItemsCommand(editor, item_changes(editor, values), "Move"))

    def _finish_transform(self, g: _Transform) -> None:
        item, editor = g.item, self.scene.editor
        p = editor.placement(item.item_id)
        if p is None:
            return
        doc = editor.document
        values: dict[str, object]
        if g.kind == "rotate":
            values, text = {"rotation": round(item.box_rotation % 360.0, 6)}, "Rotate"
        else:
            c = item.pos()
            values = {"x": clamp(c.x() * 100.0 / doc.width, 0.0, 100.0),
                      "y": clamp(c.y() * 100.0 / doc.height, 0.0, 100.0)}
            if p.size_unit == "px":
                values.update(width=item.box_w, height=item.box_h)
            else:
                values.update(width=clamp(item.box_w * 100.0 / doc.width, 0.01, 100.0),
                              height=clamp(item.box_h * 100.0 / doc.height, 0.01, 100.0))
            text = "Resize"
        if not self.scene.ops.push(UpdateItemsCommand(editor, item_changes(editor, {PLACEMENT: {p.id: values}}), text)):
            item.update_from(p, doc.width, doc.height)

    def cancel(self) -> None:
        """Put the dragged items back where the document has them."""
        move, transform, self._move, self._transform = self._move, self._transform, None, None
        self._end_announcement()
        items: list[QGraphicsItem] = move.items if move is not None else [transform.item] if transform else []
        editor = self.scene.editor
        doc = editor.document
        for item in items:
            if isinstance(item, PlacementItem):
                p = editor.placement(item.item_id)
                if p is not None:
                    item.update_from(p, doc.width, doc.height)
            elif isinstance(item, SketchItem):
                item.setPos(0, 0)

    # -- hover -------------------------------------------------------------------------------
    def hover(self, pos: QPointF) -> None:
        """The cursor over a handle: a resize arrow along the handle's direction, a cross to rotate."""
        overlay = self.scene.overlay
        handle = overlay.handle_at(pos)
        shape = Qt.CursorShape.ArrowCursor
        if handle == "rotate":
            shape = Qt.CursorShape.CrossCursor
        elif handle is not None and overlay.handle_item is not None:
            angle = (overlay.handle_item.box_rotation + _HANDLE_ANGLE[handle]) % 180
            shape = _SIZE_CURSORS[round(angle / 45) % 4]
        for v in self.scene.views():
            if v.viewport().cursor().shape() != shape:
                v.viewport().setCursor(QCursor(shape))
