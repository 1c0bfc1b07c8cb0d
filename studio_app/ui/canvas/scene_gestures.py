"""Scene gestures: move, resize and rotate with the select tool, drawing, erasing, text editing
in place, and snap guides. Items change live during a drag; one command is pushed on release.

A mixin of CanvasScene (it uses the scene's editor, undo stack, items and overlay).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSceneMouseEvent

from studio_app.canvas.geometry import (
    clamp,
    constrain_angle,
    resize_box,
    rotation_from_drag,
    shift_points,
    simplify_stroke,
    smooth_stroke,
    union,
)
from studio_app.canvas.sketch_style import to_percent
from studio_app.canvas.snapping import SNAP_DISTANCE_SCREEN_PX, Guide, Snapper
from studio_app.domain.sketch import SketchElement

from .commands import (
    AddSketchCommand,
    RemoveItemsCommand,
    SetSketchVisibleCommand,
    StyleSketchCommand,
    UpdateItemsCommand,
    placement_changes,
    sketch_changes,
)
from .items import DRAFT_Z, PlacementItem, SketchItem, TextEditItem, text_font

PEN_SIMPLIFY_PX = 0.6
"""Freehand strokes are simplified to within this distance of the drawn path, canvas px."""
PEN_SMOOTH_MAX_SCREEN_PX = 6.0
"""Freehand points closer than this on screen (px) to both neighbours are averaged (mouse jitter)."""
ERASER_SCREEN_PX = 8.0
"""Eraser radius on screen, px."""


class Gesture:
    """State of one mouse gesture (press to release)."""

    def __init__(self, kind: str, start: QPointF) -> None:
        self.kind = kind
        self.start = QPointF(start)
        self.last = QPointF(start)


class SceneGestures:
    """Gesture handling (mixed into CanvasScene, which dispatches its mouse events here)."""

    def _hover_cursor(self, pos: QPointF) -> None:
        handle = self.overlay.handle_at(pos)
        shape = Qt.CursorShape.ArrowCursor
        if handle == "rotate":
            shape = Qt.CursorShape.CrossCursor
        elif handle is not None:
            angle = (self.overlay.handle_item.box_rotation + {"n": 90, "s": 90, "e": 0, "w": 0, "ne": 45, "sw": 45,
                                                               "nw": 135, "se": 135}[handle]) % 180
            shape = (Qt.CursorShape.SizeHorCursor, Qt.CursorShape.SizeBDiagCursor, Qt.CursorShape.SizeVerCursor,
                     Qt.CursorShape.SizeFDiagCursor)[round(angle / 45) % 4]
        for v in self.views():
            if v.viewport().cursor().shape() != shape:
                v.viewport().setCursor(QCursor(shape))

    # -- select tool: move, resize, rotate ---------------------------------------------------
    def _press_select(self, event: QGraphicsSceneMouseEvent) -> None:
        pos = event.scenePos()
        handle = self.overlay.handle_at(pos)
        if handle is not None and self.overlay.handle_item is not None:
            item = self.overlay.handle_item
            g = Gesture("rotate" if handle == "rotate" else "resize", pos)
            g.item, g.handle = item, handle
            g.items = [item]
            g.frame = item.frame_transform()
            g.inverse, _ = g.frame.inverted()
            g.w0, g.h0, g.rot0 = item.box_w, item.box_h, item.box_rotation
            if g.kind == "resize" and item.has_image():
                # An image is drawn "contain" in its box: start from the drawn image's size so the
                # box (and the selection frame) stays on the image while it is resized.
                g.w0, g.h0 = item.image_size()
            self._gesture = g
            event.accept()
            return
        item = self.item_at(pos)
        additive = bool(event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier))
        if item is None:
            if not additive:
                self.clearSelection()
            event.ignore()  # the view starts a rubber band
            return
        if additive:
            item.setSelected(not item.isSelected())
            if not item.isSelected():
                event.accept()
                return
        elif not item.isSelected():
            self.blockSignals(True)
            self.clearSelection()
            self.blockSignals(False)
            item.setSelected(True)
        self._begin_move(pos)
        event.accept()

    def _begin_move(self, pos: QPointF) -> None:
        doc = self.editor.document
        W, H = doc.width, doc.height  # noqa: N806
        moving: list[QGraphicsItem] = []
        for item in self.selectedItems():
            if isinstance(item, PlacementItem) and not item.placement.locked and item.isVisible():
                moving.append(item)
            elif isinstance(item, SketchItem) and item.isVisible():
                moving.append(item)
        g = Gesture("move", pos)
        g.items = moving
        g.starts = [QPointF(i.pos()) for i in moving]
        g.delta = QPointF(0, 0)
        lo_x, hi_x, lo_y, hi_y = -math.inf, math.inf, -math.inf, math.inf
        boxes = []
        for item in moving:
            b = self.item_box(item)
            boxes.append(b)
            if isinstance(item, PlacementItem):
                c = item.pos()
                lo_x, hi_x = max(lo_x, -c.x()), min(hi_x, W - c.x())
                lo_y, hi_y = max(lo_y, -c.y()), min(hi_y, H - c.y())
            else:
                x0, y0, x1, y1 = item.element.bounds()
                lo_x, hi_x = max(lo_x, -x0 * W / 100), min(hi_x, (100 - x1) * W / 100)
                lo_y, hi_y = max(lo_y, -y0 * H / 100), min(hi_y, (100 - y1) * H / 100)
        g.limits = (lo_x, hi_x, lo_y, hi_y)
        g.box = union(boxes) if boxes else None
        g.snapper = None
        if moving and self.snapping:
            moving_ids = {id(i) for i in moving}
            others = [self.item_box(i) for i in (*self._placements.values(), *self._sketches.values())
                      if id(i) not in moving_ids and i.isVisible()]
            g.snapper = Snapper(W, H, others)
        self._gesture = g

    def _started(self, g: Gesture, items: list[QGraphicsItem]) -> None:
        if not getattr(g, "announced", False):
            g.announced = True
            self.gestureStarted.emit(items)

    def _drag_move(self, g: Gesture, pos: QPointF, shift: bool, no_snap: bool) -> None:
        if not g.items:
            return
        self._started(g, g.items)
        dx, dy = pos.x() - g.start.x(), pos.y() - g.start.y()
        if shift:
            if abs(dx) >= abs(dy):
                dy = 0.0
            else:
                dx = 0.0
        guides: list[Guide] = []
        if g.snapper is not None and g.box is not None and not no_snap:
            sdx, sdy, guides = g.snapper.snap(g.box.translated(dx, dy), SNAP_DISTANCE_SCREEN_PX / self.view_scale)
            if shift:
                sdx, sdy = (sdx, 0.0) if dy == 0.0 else (0.0, sdy)
                guides = [gd for gd in guides if (gd.axis == "x") == (dy == 0.0)]
            dx, dy = dx + sdx, dy + sdy
        lo_x, hi_x, lo_y, hi_y = g.limits
        dx, dy = clamp(dx, lo_x, hi_x), clamp(dy, lo_y, hi_y)
        g.delta = QPointF(dx, dy)
        for item, start in zip(g.items, g.starts, strict=True):
            item.setPos(start.x() + dx, start.y() + dy)
        self.gestureMoved.emit()
        self._set_guides(guides)
        self._refresh_overlay()

    def _finish_move(self, g: Gesture) -> None:
        if not g.items or (g.delta.x() == 0 and g.delta.y() == 0):
            return
        doc = self.editor.document
        dx_pct, dy_pct = g.delta.x() * 100.0 / doc.width, g.delta.y() * 100.0 / doc.height
        pv, sv = {}, {}
        for item, start in zip(g.items, g.starts, strict=True):
            if isinstance(item, PlacementItem):
                pv[item.item_id] = {"x": clamp((start.x() + g.delta.x()) * 100.0 / doc.width, 0.0, 100.0),
                                    "y": clamp((start.y() + g.delta.y()) * 100.0 / doc.height, 0.0, 100.0)}
            else:
                sv[item.item_id] = {"points": shift_points(item.element.points, dx_pct, dy_pct)}
        self._push(UpdateItemsCommand(self.editor, placement_changes(self.editor, pv),
                                      sketch_changes(self.editor, sv), "Move"))

    def _drag_resize(self, g: Gesture, pos: QPointF, shift: bool) -> None:
        self._started(g, [g.item])
        local = g.inverse.map(pos)
        # Images keep their ratio (their box hugs the picture); shapes and placeholders resize
        # freely, shift keeping the ratio.
        keep = shift or g.item.has_image()
        w, h, cdx, cdy = resize_box(g.w0, g.h0, g.handle, local.x(), local.y(), keep)
        centre = g.frame.map(QPointF(cdx, cdy))
        g.item.setPos(centre)
        g.item.set_geometry(w, h, g.rot0)
        self.gestureMoved.emit()
        self._refresh_overlay()

    def _drag_rotate(self, g: Gesture, pos: QPointF, shift: bool) -> None:
        self._started(g, [g.item])
        c = g.item.pos()
        angle = rotation_from_drag(c.x(), c.y(), pos.x(), pos.y(), shift)
        g.item.set_geometry(g.w0, g.h0, angle)
        self.gestureMoved.emit()
        self._refresh_overlay()

    def _finish_transform(self, g: Gesture) -> None:
        item: PlacementItem = g.item
        p = self.editor.placement(item.item_id)
        if p is None:
            return
        doc = self.editor.document
        if g.kind == "rotate":
            values = {"rotation": round(item.box_rotation % 360.0, 6)}
            text = "Rotate"
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
        if not self._push(UpdateItemsCommand(self.editor, placement_changes(self.editor, {p.id: values}), None,
                                             text)):
            item.update_from(p, doc.width, doc.height)

    # -- drawing tools -------------------------------------------------------------------------
    def _draft_pen(self) -> QPen:
        pen = QPen(QColor(self.style.colour), self.style.stroke_width, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        return pen

    def _press_draw(self, pos: QPointF) -> None:
        g = Gesture("draw", pos)
        g.points = [QPointF(pos)]
        g.path = QPainterPath(pos)
        self._draft = QGraphicsPathItem()
        self._draft.setPen(self._draft_pen())
        if self.tool in ("rectangle", "ellipse") and self.style.fill:
            self._draft.setBrush(QColor(self.style.fill_colour()))
        self._draft.setZValue(DRAFT_Z)
        self.addItem(self._draft)
        self._gesture = g

    def _shape_end(self, start: QPointF, pos: QPointF, shift: bool) -> QPointF:
        if not shift:
            return pos
        if self.tool in ("line", "arrow"):
            x, y = constrain_angle(start.x(), start.y(), pos.x(), pos.y())
            return QPointF(x, y)
        side = max(abs(pos.x() - start.x()), abs(pos.y() - start.y()))
        return QPointF(start.x() + math.copysign(side, pos.x() - start.x()),
                       start.y() + math.copysign(side, pos.y() - start.y()))

    def _drag_draw(self, g: Gesture, pos: QPointF, shift: bool) -> None:
        if self._draft is None:
            return
        self._started(g, [self._draft])
        if self.tool == "pen":
            last = g.points[-1]
            if math.hypot(pos.x() - last.x(), pos.y() - last.y()) * self.view_scale < 1.0:
                return
            g.points.append(QPointF(pos))
            g.path.lineTo(pos)
            self._draft.setPath(g.path)
            return
        end = self._shape_end(g.start, pos, shift)
        path = QPainterPath()
        if self.tool in ("line", "arrow"):
            path.moveTo(g.start)
            path.lineTo(end)
        elif self.tool == "rectangle":
            path.addRect(QRectF(g.start, end).normalized())
        else:
            path.addEllipse(QRectF(g.start, end).normalized())
        self._draft.setPath(path)

    def _finish_draw(self, g: Gesture, pos: QPointF, shift: bool) -> None:
        if self._draft is not None:
            self.removeItem(self._draft)
            self._draft = None
        if self.tool == "pen":
            pts = [(p.x(), p.y()) for p in g.points]
            if len(pts) == 1 or (pos.x(), pos.y()) != pts[-1]:
                pts.append((pos.x(), pos.y()))
            pts = simplify_stroke(smooth_stroke(pts, PEN_SMOOTH_MAX_SCREEN_PX / self.view_scale), PEN_SIMPLIFY_PX)
            points = [self._percent(QPointF(x, y)) for x, y in pts]
            if len(points) < 2 or all(p == points[0] for p in points):
                return
        else:
            end = self._shape_end(g.start, pos, shift)
            points = [self._percent(g.start), self._percent(end)]
            doc = self.editor.document
            dx = abs(points[1][0] - points[0][0]) * doc.width / 100.0
            dy = abs(points[1][1] - points[0][1]) * doc.height / 100.0
            too_small = (dx < 2 and dy < 2) if self.tool in ("line", "arrow") else (dx < 2 or dy < 2)
            if too_small:
                return
        element = SketchElement(
            kind=self.tool, points=points, color=self.style.colour,
            stroke_width=to_percent(self.style.stroke_width, self.editor.document.height),
            fill=self.style.fill_colour() if self.tool in ("rectangle", "ellipse") else None,
            z_index=self.editor.next_sketch_z_index())
        self._add_sketch_element(element)

    def _add_sketch_element(self, element: SketchElement) -> None:
        if self.editor.document.sketch_visible:
            self.undo_stack.push(AddSketchCommand(self.editor, element))
            return
        command = AddSketchCommand(self.editor, element)
        self.undo_stack.beginMacro(command.text())
        self.undo_stack.push(SetSketchVisibleCommand(self.editor, True))
        self.undo_stack.push(command)
        self.undo_stack.endMacro()

    # -- eraser ----------------------------------------------------------------------------
    def _erase_along(self, a: QPointF, b: QPointF) -> None:
        r = max(ERASER_SCREEN_PX / self.view_scale, 1.0)
        path = QPainterPath()
        path.addEllipse(b, r, r)
        if a != b:
            seg = QPainterPath(a)
            seg.lineTo(b)
            stroker = QPainterPathStroker()
            stroker.setWidth(2 * r)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            path = path.united(stroker.createStroke(seg))
        for item in self.items(path, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, SketchItem) and item.isVisible():
                item.setVisible(False)
                self._erased[item.item_id] = item

    def _finish_erase(self) -> None:
        erased, self._erased = self._erased, {}
        if erased:
            order = [e.id for e in self.editor.document.sketch_elements if e.id in erased]
            self.undo_stack.push(RemoveItemsCommand(self.editor, (), order, (), "Erase"))

    # -- text -----------------------------------------------------------------------------
    @property
    def text_editor(self) -> TextEditItem | None:
        """The in-place text editor, while one is open."""
        return self._text_edit

    def _press_text(self, pos: QPointF) -> None:
        item = self.item_at(pos)
        if isinstance(item, SketchItem) and item.element.kind == "text":
            self.begin_text_edit(item.element_id)
        else:
            self.begin_text_edit(None, pos)

    def begin_text_edit(self, element_id: str | None, pos: QPointF | None = None) -> TextEditItem:
        """Open the in-place editor on a text element (or a new one at ``pos``, canvas px)."""
        self.commit_text_edit()
        doc = self.editor.document
        if element_id is not None:
            element = self.editor.sketch_element(element_id)
            if element is None:
                raise KeyError(f"no sketch element {element_id!r}")
            self._sketches[element_id].setVisible(False)
        else:
            element = SketchElement(kind="text", points=[self._percent(pos or QPointF(0, 0))], text=" ",
                                    color=self.style.colour,
                                    font_size=to_percent(self.style.font_size, doc.height),
                                    font_family=self.style.font_family, z_index=self.editor.next_sketch_z_index())
        editor = TextEditItem(element, element_id, doc.width, doc.height)
        if element_id is None:
            editor.setPlainText("")
        self._text_edit = editor
        self.addItem(editor)
        editor.setFocus(Qt.FocusReason.MouseFocusReason)
        cursor = editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        editor.on_focus_out = self._on_text_focus_out
        self.textEditingChanged.emit(True)
        return editor

    def _style_text_editor(self) -> None:
        ed = self._text_edit
        if ed is None:
            return
        font_size = to_percent(self.style.font_size, ed.canvas_h)
        e = ed.element.model_copy(update={"color": self.style.colour.upper(), "font_size": font_size,
                                          "font_family": self.style.font_family})
        ed.element = e
        ed.setFont(text_font(e, ed.canvas_h))
        ed.setDefaultTextColor(QColor(e.color))

    def _on_text_focus_out(self) -> None:
        QTimer.singleShot(0, self._commit_if_unfocused)

    def _commit_if_unfocused(self) -> None:
        ed = self._text_edit
        if ed is not None and not ed.hasFocus():
            self.commit_text_edit()

    def commit_text_edit(self) -> None:
        """Close the text editor: add the new text, save the edit, or delete an emptied text (one step)."""
        ed, self._text_edit = self._text_edit, None
        if ed is None:
            return
        ed.on_focus_out = None
        text = ed.toPlainText().rstrip()
        self.removeItem(ed)
        self.textEditingChanged.emit(False)
        if ed.element_id is None:
            if text.strip():
                e = ed.element.model_copy(update={"text": text})
                self._add_sketch_element(SketchElement.model_validate(e.model_dump()))
            return
        item = self._sketches.get(ed.element_id)
        if item is not None:
            item.setVisible(self.editor.document.sketch_visible)
        current = self.editor.sketch_element(ed.element_id)
        if current is None:
            return
        if not text.strip():
            self.undo_stack.push(RemoveItemsCommand(self.editor, (), [ed.element_id], (), "Delete text"))
            return
        values = {"text": text, "color": ed.element.color, "font_size": ed.element.font_size,
                  "font_family": ed.element.font_family}
        self._push(StyleSketchCommand(self.editor, [ed.element_id], values, "Edit text"))

    # -- guides ------------------------------------------------------------------------------
    def _set_guides(self, guides: list[Guide]) -> None:
        if guides == self.guides:
            return
        self.guides = guides
        for i, line in enumerate(self._guide_items):
            if i < len(guides):
                gd = guides[i]
                if gd.axis == "x":
                    line.setLine(gd.position, gd.start, gd.position, gd.end)
                else:
                    line.setLine(gd.start, gd.position, gd.end, gd.position)
                line.setVisible(True)
            else:
                line.setVisible(False)
        self.guidesChanged.emit(guides)
