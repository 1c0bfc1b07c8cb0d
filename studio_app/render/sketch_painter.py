"""Paint SketchElements (pen, line, arrow, rectangle, ellipse, text) with a QPainter.

Points arrive in percent of the canvas; the painter works in device px of the output
(canvas px x scale). Stroke widths and font sizes are percent of the canvas height
(canvas schema 3), so they follow the output height.

Sprites: with a sprite cache, elements whose rasterisation is dear for the pixels they
cover (freehand pen strokes: ~0.4 ms each at 2x; text: layout, and Qt's raster engine
fills glyphs above 64 px as paths since it caches glyph bitmaps only up to that size)
are drawn once onto a transparent image at their exact device position and later
blitted at a whole-px offset, the way QGraphicsItem.DeviceCoordinateCache works. Keys
hold everything that sets the pixels, so an edited element simply gets a new sprite.
"""

from __future__ import annotations

import hashlib
import math
from array import array

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

from studio_app.domain.sketch import SketchElement

from .colours import qcolor
from .image_cache import DRAW_FORMAT, ImageCache

ARROW_HEAD_LENGTH_PER_STROKE = 4.0
"""Arrowhead length as a multiple of the stroke width (px)."""
ARROW_HEAD_MIN_LENGTH_1X = 10.0
"""Smallest arrowhead length, px at 1x, so thin arrows keep a visible head."""
ARROW_HEAD_HALF_WIDTH_RATIO = 0.5
"""Half of the arrowhead's base width, as a fraction of its length (a 53 degree tip)."""

MAX_SPRITE_SHARE = 0.25
"""A pen stroke whose box covers more than this share of the output is drawn directly:
its sprite would cost as much memory and blending as it saves rasterising."""

_TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextDontClip)
_NO_PEN = QPen(Qt.PenStyle.NoPen)
# Qt enums bound once: attribute lookups on PySide6 enums cost ~1 us each per element.
_SOLID, _ROUND_CAP, _FLAT_CAP = Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenCapStyle.FlatCap
_ROUND_JOIN, _MITER_JOIN = Qt.PenJoinStyle.RoundJoin, Qt.PenJoinStyle.MiterJoin
_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


class SketchPainter:
    """Draws sketch elements onto an active QPainter.

    Args:
        painter: an active QPainter (antialiasing is the caller's choice; the snapshot
            turns it on).
        width_px, height_px: the output size in device px (canvas px x scale).
        scale: device px per canvas px (1.0, 2.0, ...); stroke widths and font sizes follow
            ``height_px`` (they are percent of the canvas height), the arrowhead minimum
            follows ``scale``.
        sprite_cache: where sprites of pen strokes and text are kept (see the
            module docstring); None draws everything directly.
    """

    def __init__(self, painter: QPainter, width_px: float, height_px: float, scale: float,
                 sprite_cache: ImageCache | None = None) -> None:
        self.painter = painter
        self.width_px = width_px
        self.height_px = height_px
        self.scale = scale
        self.sprite_cache = sprite_cache
        self._fonts: dict[tuple[str, int], QFont] = {}

    def point(self, p: tuple[float, float]) -> QPointF:
        """A percent point as device px."""
        return QPointF(p[0] * self.width_px / 100.0, p[1] * self.height_px / 100.0)

    def paint(self, element: SketchElement) -> None:
        """Draw one element in its kind's way (see the module docstring)."""
        painter = self.painter
        colour = qcolor(element.color)
        width = element.stroke_px(self.height_px)
        kind = element.kind
        if kind == "pen":
            pen = QPen(colour, width, _SOLID, _ROUND_CAP, _ROUND_JOIN)
            if self.sprite_cache is not None:
                self._pen_from_sprite(element, pen)
            else:
                painter.setPen(pen)
                painter.setBrush(_NO_BRUSH)
                painter.drawPath(self.smooth_path(element.points))
        elif kind == "line":
            self.round_capped_line(self.point(element.points[0]), self.point(element.points[1]), colour, width,
                                   end_cap=True)
        elif kind == "arrow":
            self._arrow(element, colour, width)
        elif kind in ("rectangle", "ellipse"):
            rect = QRectF(self.point(element.points[0]), self.point(element.points[1])).normalized()
            painter.setPen(QPen(colour, width, _SOLID, _ROUND_CAP, _ROUND_JOIN))
            painter.setBrush(QBrush(qcolor(element.fill)) if element.fill else _NO_BRUSH)
            if kind == "rectangle":
                painter.drawRect(rect)
            else:
                painter.drawEllipse(rect)
        elif kind == "text":
            self._text(element, colour)

    def smooth_path(self, points: list[tuple[float, float]]) -> QPainterPath:
        """A freehand stroke smoothed with quadratic curves through the midpoints.

        Each input point becomes a control point and the curve passes through the
        midpoints between neighbours; the first and last points are kept exactly.
        """
        pts = [self.point(p) for p in points]
        path = QPainterPath(pts[0])
        if len(pts) == 2:
            path.lineTo(pts[1])
            return path
        for i in range(1, len(pts) - 1):
            ctrl, nxt = pts[i], pts[i + 1]
            path.quadTo(ctrl, QPointF((ctrl.x() + nxt.x()) / 2.0, (ctrl.y() + nxt.y()) / 2.0))
        path.lineTo(pts[-1])
        return path

    def arrow_head(self, start: QPointF, end: QPointF, stroke_width_px: float) -> QPolygonF | None:
        """The filled head triangle (tip at ``end``) for a stroke of the given width (px).

        Length is ARROW_HEAD_LENGTH_PER_STROKE x width (at least
        ARROW_HEAD_MIN_LENGTH_1X x scale), capped at the arrow's length. None for a
        zero-length arrow (no direction).
        """
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy)
        if length < 1e-6:
            return None
        head = max(stroke_width_px * ARROW_HEAD_LENGTH_PER_STROKE, ARROW_HEAD_MIN_LENGTH_1X * self.scale)
        head = min(head, length)
        ux, uy = dx / length, dy / length
        half = head * ARROW_HEAD_HALF_WIDTH_RATIO
        bx, by = end.x() - ux * head, end.y() - uy * head
        return QPolygonF([end, QPointF(bx - uy * half, by + ux * half), QPointF(bx + uy * half, by - ux * half)])

    def round_capped_line(self, a: QPointF, b: QPointF, colour: QColor, width: float, *,
                          end_cap: bool) -> None:
        """A straight stroke from ``a`` to ``b`` (px) with a round cap at ``a`` (and at ``b`` if end_cap).

        Drawn as a flat-capped line plus filled discs, which looks the same as a
        round-capped pen: Qt's raster engine has a fast scanline path only for
        flat/square-capped lines and strokes round caps through its general path
        stroker, about 3x slower.
        """
        painter = self.painter
        painter.setPen(QPen(colour, width, _SOLID, _FLAT_CAP, _MITER_JOIN))
        if a != b:
            painter.drawLine(a, b)
        painter.setPen(_NO_PEN)
        painter.setBrush(QBrush(colour))
        radius = width / 2.0
        painter.drawEllipse(a, radius, radius)
        if end_cap:
            painter.drawEllipse(b, radius, radius)

    def _arrow(self, element: SketchElement, colour: QColor, width: float) -> None:
        painter = self.painter
        start, end = self.point(element.points[0]), self.point(element.points[1])
        head = self.arrow_head(start, end, width)
        if head is None:
            self.round_capped_line(start, end, colour, width, end_cap=False)
            return
        # The shaft stops inside the head (its flat end is covered by the head).
        left, right = head.at(1), head.at(2)
        base = QPointF((left.x() + right.x()) / 2.0, (left.y() + right.y()) / 2.0)
        shaft_end = QPointF((base.x() + end.x()) / 2.0, (base.y() + end.y()) / 2.0)
        self.round_capped_line(start, shaft_end, colour, width, end_cap=False)
        painter.setPen(_NO_PEN)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(head)

    def _pen_from_sprite(self, element: SketchElement, pen: QPen) -> None:
        assert self.sprite_cache is not None
        flat = array("d", (v for p in element.points for v in p))
        digest = hashlib.blake2b(flat.tobytes(), digest_size=16).hexdigest()
        key = (f"pen|{self.width_px}x{self.height_px}|{pen.widthF()!r}|{pen.color().rgba():08x}|"
               f"{len(element.points)}|{digest}")
        sprite = self.sprite_cache.get(key)
        if sprite is None:
            path = self.smooth_path(element.points)
            bounds = path.controlPointRect()
            pad = pen.widthF() / 2.0 + 2.0
            # clipped to the output: nothing outside it is ever shown
            left, top = max(0, math.floor(bounds.left() - pad)), max(0, math.floor(bounds.top() - pad))
            right = min(math.ceil(self.width_px), math.ceil(bounds.right() + pad))
            bottom = min(math.ceil(self.height_px), math.ceil(bounds.bottom() + pad))
            if (right - left) * (bottom - top) > MAX_SPRITE_SHARE * self.width_px * self.height_px:
                self.painter.setPen(pen)
                self.painter.setBrush(_NO_BRUSH)
                self.painter.drawPath(path)
                return
            sprite = QImage(max(1, right - left), max(1, bottom - top), DRAW_FORMAT)
            sprite.fill(Qt.GlobalColor.transparent)
            sprite.setOffset(QPoint(left, top))
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.translate(-left, -top)  # whole px, so the sprite's pixels equal direct drawing
            p.setPen(pen)
            p.setBrush(_NO_BRUSH)
            p.drawPath(path)
            p.end()
            self.sprite_cache.put(key, sprite)
        self.painter.drawImage(sprite.offset(), sprite)

    def _font(self, family: str, size_px: int) -> QFont:
        key = (family, size_px)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(family)
            font.setPixelSize(size_px)
            self._fonts[key] = font
        return font

    def _text(self, element: SketchElement, colour: QColor) -> None:
        size = max(1, round(element.font_px(self.height_px)))
        font = self._font(element.font_family, size)
        text = element.text or ""
        top_left = self.point(element.points[0])
        if self.sprite_cache is not None:
            sprite = self._text_sprite(font, text, colour, top_left)
            self.painter.drawImage(sprite.offset(), sprite)
            return
        self._draw_text(self.painter, font, text, colour, top_left)

    def _draw_text(self, painter: QPainter, font: QFont, text: str, colour: QColor, top_left: QPointF) -> None:
        painter.setFont(font)
        painter.setPen(QPen(colour))
        painter.drawText(QRectF(top_left.x(), top_left.y(), 1.0, 1.0), _TEXT_FLAGS, text)

    def _text_sprite(self, font: QFont, text: str, colour: QColor, top_left: QPointF) -> QImage:
        """The text drawn once at its exact device position; ``offset()`` is where to blit it."""
        assert self.sprite_cache is not None
        key = (f"text|{font.family()}|{font.pixelSize()}|{colour.rgba():08x}|"
               f"{top_left.x()!r},{top_left.y()!r}|{text}")
        sprite = self.sprite_cache.get(key)
        if sprite is None:
            bounds = QFontMetricsF(font).boundingRect(QRectF(0, 0, 1, 1), _TEXT_FLAGS, text)
            pad = 2 + font.pixelSize() // 8  # room for glyphs overhanging their advance box
            left = math.floor(top_left.x() + bounds.left()) - pad
            top = math.floor(top_left.y() + bounds.top()) - pad
            width = math.ceil(top_left.x() + bounds.right()) + pad - left
            height = math.ceil(top_left.y() + bounds.bottom()) + pad - top
            sprite = QImage(max(1, width), max(1, height), DRAW_FORMAT)
            sprite.fill(Qt.GlobalColor.transparent)
            sprite.setOffset(QPoint(left, top))
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            p.translate(-left, -top)  # whole px, so the sprite's pixels equal direct drawing
            self._draw_text(p, font, text, colour, top_left)
            p.end()
            self.sprite_cache.put(key, sprite)
        return sprite
