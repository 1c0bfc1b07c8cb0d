"""QGraphicsItems mirroring placements and sketch elements (views of the document, not owners)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem, QWidget

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.render.sketch_painter import SketchPainter

HANDLE_PX = 14.0
ROTATE_OFFSET_PX = 36.0
SELECTION_COLOUR = QColor("#3DA5FF")


class PlacementItem(QGraphicsItem):
    """One MediaAssetPlacement: image fitted (contain) into its box, rotated about its centre.

    Selected items show a resize handle (bottom-right; shift keeps the aspect ratio)
    and a rotate handle (above the top edge; shift snaps to 15 degrees). On release
    of a move/resize/rotate the scene's ``on_item_edited`` receives the new values.
    """

    def __init__(self, placement: MediaAssetPlacement, canvas_w: int, canvas_h: int,
                 image: QImage | None, on_edited: Callable[[str, dict, dict, str], None]) -> None:
        super().__init__()
        self.placement_id = placement.id
        self._on_edited = on_edited
        self._image = image
        self._pixmap: QPixmap | None = None
        self._mode: str | None = None
        self._press_values: dict = {}
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        self.setAcceptHoverEvents(True)
        self.update_from(placement, canvas_w, canvas_h)

    # -- mirror the document ---------------------------------------------------------
    def update_from(self, p: MediaAssetPlacement, canvas_w: int, canvas_h: int,
                    image: QImage | None = None) -> None:
        """Take geometry and state from ``p`` (canvas size in px)."""
        self.prepareGeometryChange()
        self.placement = p
        self.canvas_w, self.canvas_h = canvas_w, canvas_h
        if image is not None:
            self._image = image
        self._w, self._h = p.size_px(canvas_w, canvas_h)
        cx, cy = p.centre_px(canvas_w, canvas_h)
        self.setPos(cx, cy)
        self.setRotation(p.rotation)
        self.setOpacity(p.opacity / 100.0)
        self.setZValue(p.z_index)
        self.setVisible(not p.hidden)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, not p.locked)
        self._pixmap = None
        self.update()

    def box(self) -> QRectF:
        """The placement's box in item coordinates (centred on 0,0)."""
        return QRectF(-self._w / 2, -self._h / 2, self._w, self._h)

    def boundingRect(self) -> QRectF:  # noqa: N802
        margin = HANDLE_PX + ROTATE_OFFSET_PX
        return self.box().adjusted(-margin, -margin, margin, margin)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.box())
        if self.isSelected():
            path.addRect(self._resize_handle())
            path.addEllipse(self._rotate_handle())
        return path

    def _resize_handle(self) -> QRectF:
        b = self.box()
        return QRectF(b.right() - HANDLE_PX / 2, b.bottom() - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX)

    def _rotate_handle(self) -> QRectF:
        b = self.box()
        return QRectF(-HANDLE_PX / 2, b.top() - ROTATE_OFFSET_PX - HANDLE_PX / 2, HANDLE_PX, HANDLE_PX)

    def _scaled_pixmap(self) -> QPixmap | None:
        if self._image is None or self._image.isNull():
            return None
        target = self.box().size().toSize()
        if self._pixmap is None or self._pixmap.size() != self._image.size().scaled(
                target, Qt.AspectRatioMode.KeepAspectRatio):
            scaled = self._image.scaled(target, Qt.AspectRatioMode.KeepAspectRatio,
                                        Qt.TransformationMode.SmoothTransformation)
            self._pixmap = QPixmap.fromImage(scaled)
        return self._pixmap

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        box = self.box()
        pix = self._scaled_pixmap()
        painter.save()
        if self.placement.flip_h or self.placement.flip_v:
            painter.scale(-1 if self.placement.flip_h else 1, -1 if self.placement.flip_v else 1)
        if pix is None:
            painter.setPen(QPen(QColor("#888888"), 2))
            painter.setBrush(QColor(90, 90, 90, 120))
            painter.drawRect(box)
            painter.drawLine(box.topLeft(), box.bottomRight())
            painter.drawLine(box.topRight(), box.bottomLeft())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.placement.display_name)
        else:
            x = box.center().x() - pix.width() / 2
            y = box.center().y() - pix.height() / 2
            painter.drawPixmap(QPointF(x, y), pix)
        painter.restore()
        if self.isSelected():
            pen = QPen(SELECTION_COLOUR, 0)
            pen.setCosmetic(True)
            pen.setWidthF(1.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box)
            painter.setBrush(QBrush(SELECTION_COLOUR))
            painter.drawRect(self._resize_handle())
            painter.drawLine(QPointF(0, box.top()), QPointF(0, box.top() - ROTATE_OFFSET_PX))
            painter.drawEllipse(self._rotate_handle())

    # -- interaction -----------------------------------------------------------------
    def _values(self) -> dict:
        p = self.placement
        return {"x": p.x, "y": p.y, "width": p.width, "height": p.height, "rotation": p.rotation}

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self._press_values = self._values()
        self._press_pos = self.pos()
        if self.isSelected() and not self.placement.locked:
            if self._resize_handle().contains(event.pos()):
                self._mode = "resize"
                event.accept()
                return
            if self._rotate_handle().contains(event.pos()):
                self._mode = "rotate"
                event.accept()
                return
        self._mode = "move"
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._mode == "resize":
            local = event.pos()
            w, h = max(4.0, abs(local.x()) * 2), max(4.0, abs(local.y()) * 2)
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self._w and self._h:
                ratio = self._w / self._h
                w, h = (w, w / ratio) if w / ratio >= h else (h * ratio, h)
            self.prepareGeometryChange()
            self._w, self._h = w, h
            self._pixmap = None
            self.update()
            return
        if self._mode == "rotate":
            centre = self.scenePos()
            v = event.scenePos() - centre
            angle = math.degrees(math.atan2(v.y(), v.x())) + 90.0
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                angle = round(angle / 15.0) * 15.0
            self.setRotation(angle % 360)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        mode, self._mode = self._mode, None
        super().mouseReleaseEvent(event)
        before = self._press_values
        after = dict(before)
        cw, ch = self.canvas_w, self.canvas_h
        if mode == "move":
            pos = self.pos()
            if pos == self._press_pos:
                return
            after["x"] = min(100.0, max(0.0, pos.x() * 100.0 / cw))
            after["y"] = min(100.0, max(0.0, pos.y() * 100.0 / ch))
            text = "Move"
        elif mode == "resize":
            if self.placement.size_unit == "px":
                after["width"], after["height"] = self._w, self._h
            else:
                after["width"] = min(100.0, self._w * 100.0 / cw)
                after["height"] = min(100.0, self._h * 100.0 / ch)
            text = "Resize"
        elif mode == "rotate":
            after["rotation"] = self.rotation() % 360
            text = "Rotate"
        else:
            return
        changed_before = {k: v for k, v in before.items() if after[k] != v}
        changed_after = {k: after[k] for k in changed_before}
        if changed_after:
            self._on_edited(self.placement_id, changed_before, changed_after, text)


class SketchItem(QGraphicsItem):
    """One SketchElement, painted by the same SketchPainter the snapshot renderer uses."""

    def __init__(self, element: SketchElement, canvas_w: int, canvas_h: int) -> None:
        super().__init__()
        self.element_id = element.id
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.update_from(element, canvas_w, canvas_h)

    def update_from(self, element: SketchElement, canvas_w: int, canvas_h: int) -> None:
        """Take the element's data (canvas size in px)."""
        self.prepareGeometryChange()
        self.element = element
        self.canvas_w, self.canvas_h = canvas_w, canvas_h
        self.setZValue(10_000 + element.z_index)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        x0, y0, x1, y1 = self.element.bounds()
        pad = self.element.stroke_width * 3 + 4
        rect = QRectF(x0 * self.canvas_w / 100, y0 * self.canvas_h / 100,
                      (x1 - x0) * self.canvas_w / 100, (y1 - y0) * self.canvas_h / 100)
        if self.element.kind == "text":
            text = self.element.text or ""
            rect.setWidth(max(rect.width(), self.element.font_size * 0.7 * max(1, len(text))))
            rect.setHeight(max(rect.height(), self.element.font_size * 1.4))
        return rect.adjusted(-pad, -pad, pad, pad)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        SketchPainter(painter, self.canvas_w, self.canvas_h, 1.0).paint(self.element)
        if self.isSelected():
            pen = QPen(SELECTION_COLOUR, 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.boundingRect())
