"""QGraphicsItems mirroring placements and sketch elements (views of the document, not owners).

Speed: placement and sketch items are Qt's own pixmap/path items, so bounding rects,
shapes and hit tests run in C++, and they use DeviceCoordinateCache: a Python paint()
runs only when an item's look changes, every other repaint is a cached blit.
Selection frames and handles are drawn by one SelectionOverlay, so selecting an item
never re-renders it.

Scene coordinates are canvas px at 1x. Z order: background < placements (by
z_index, then list order) < sketch layer < unknown-element placeholders < overlay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from studio_app.canvas.geometry import HANDLES
from studio_app.canvas.kinds import PLACEMENT, SKETCH, UNKNOWN
from studio_app.domain.canvas import UnknownElement
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.render.sketch_painter import SketchPainter

from .item_registry import ItemContext, register_item
from .pixmaps import PixmapPyramids

SKETCH_Z_BASE = 1_000_000.0
UNKNOWN_Z = 2_000_000.0
DRAFT_Z = 2_500_000.0
OVERLAY_Z = 3_000_000.0

HANDLE_SCREEN_PX = 9.0
"""Side of a resize handle on screen, px (independent of zoom)."""
ROTATE_ARM_SCREEN_PX = 28.0
"""Distance of the rotate handle above the top edge on screen, px."""
HANDLE_HIT_SCREEN_PX = 8.0
"""How far from a handle's centre a press still grabs it, screen px."""
SELECTION_COLOUR = QColor("#3DA5FF")
LOCKED_COLOUR = QColor("#FFB020")
GUIDE_COLOUR = QColor("#FF3EA5")

TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextDontClip)


def contain(image_w: float, image_h: float, box_w: float, box_h: float) -> tuple[float, float]:
    """The largest (w, h) with the image's aspect ratio inside the box (px); the renderer's "contain"."""
    if image_w <= 0 or image_h <= 0:
        return box_w, box_h
    f = min(box_w / image_w, box_h / image_h)
    return image_w * f, image_h * f


def placeholder_pixmap(w: int, h: int, label: str) -> QPixmap:
    """A grey box with a cross and the display name (missing image), w x h px."""
    pix = QPixmap(max(1, w), max(1, h))
    pix.fill(QColor(128, 128, 128))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(64, 64, 64), 2))
    r = QRectF(1, 1, pix.width() - 2, pix.height() - 2)
    p.drawRect(r)
    p.drawLine(r.topLeft(), r.bottomRight())
    p.drawLine(r.topRight(), r.bottomLeft())
    font = QFont()
    font.setPixelSize(max(6, min(pix.height() // 6, 24)))
    p.setFont(font)
    p.setPen(QColor(255, 255, 255))
    text = QFontMetricsF(font).elidedText(label, Qt.TextElideMode.ElideRight, r.width() * 0.9)
    p.drawText(r, int(Qt.AlignmentFlag.AlignCenter), text)
    p.end()
    return pix


@register_item(PLACEMENT)
class PlacementItem(QGraphicsPixmapItem):
    """One MediaAssetPlacement: its image fitted "contain" into its box, flipped inside the box,
    rotated about the centre, at the placement's opacity.

    The pixmap is the smallest pyramid level covering the on-screen size; the item's
    transform scales it to the box. ``pos()`` is the box centre in canvas px.
    """

    Z_BASE = 0.0

    def __init__(self, placement: MediaAssetPlacement, canvas_w: int, canvas_h: int, source: QImage | None,
                 pyramids: PixmapPyramids, device_scale: float = 1.0) -> None:
        super().__init__()
        self.item_id = placement.id
        self._source = source if source is not None and not source.isNull() else None
        self._pyramids = pyramids
        self._device_scale = device_scale
        self._placeholder_key: tuple | None = None
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.update_from(placement, canvas_w, canvas_h)

    @property
    def element_id(self) -> str:
        return self.item_id

    @classmethod
    def create(cls, p: MediaAssetPlacement, ctx: ItemContext) -> PlacementItem:
        """A new item for ``p``, enabled only while the select tool is on."""
        item = cls(p, ctx.canvas_w, ctx.canvas_h, ctx.image_for(p), ctx.pyramids, ctx.view_scale)
        item.setEnabled(ctx.selectable)
        return item

    def sync(self, p: MediaAssetPlacement, ctx: ItemContext) -> bool:
        """Take ``p``'s values (a new asset reloads the image); True when its z_index changed."""
        restack = self.placement.z_index != p.z_index
        if p.asset_id != self.placement.asset_id:
            self.set_source(ctx.image_for(p))
        self.update_from(p, ctx.canvas_w, ctx.canvas_h)
        return restack

    def update_from(self, p: MediaAssetPlacement, canvas_w: int, canvas_h: int) -> None:
        """Take geometry and state from ``p`` (canvas size in px)."""
        self.placement = p
        self.canvas_w, self.canvas_h = canvas_w, canvas_h
        cx, cy = p.centre_px(canvas_w, canvas_h)
        w, h = p.size_px(canvas_w, canvas_h)
        self.setPos(cx, cy)
        self.setOpacity(p.opacity / 100.0)
        self.setVisible(not p.hidden)
        self.set_geometry(w, h, p.rotation)

    def set_source(self, source: QImage | None) -> None:
        """Show another decoded image (None: the missing-image placeholder)."""
        self._source = source if source is not None and not source.isNull() else None
        self._placeholder_key = None
        self.set_geometry(self.box_w, self.box_h, self.box_rotation)

    def has_image(self) -> bool:
        """False when the placeholder is shown."""
        return self._source is not None

    def image_size(self) -> tuple[float, float]:
        """The drawn image's size in canvas px (the box when the placeholder is shown)."""
        if self._source is None:
            return self.box_w, self.box_h
        return contain(self._source.width(), self._source.height(), self.box_w, self.box_h)

    def set_device_scale(self, scale: float) -> None:
        """The view's zoom changed: pick the pyramid level for the new on-screen size."""
        if abs(scale - self._device_scale) > 1e-6:
            self._device_scale = scale
            self.set_geometry(self.box_w, self.box_h, self.box_rotation)

    def set_geometry(self, w: float, h: float, rotation: float) -> None:
        """Box size (px) and rotation (degrees clockwise); used live during resize/rotate drags."""
        self.box_w, self.box_h, self.box_rotation = max(w, 0.01), max(h, 0.01), rotation
        ds = self._device_scale
        if self._source is not None:
            fw, fh = contain(self._source.width(), self._source.height(), self.box_w, self.box_h)
            pix = self._pyramids.level_for(self._source, fw * ds, fh * ds)
        else:
            fw, fh = self.box_w, self.box_h
            key = (round(fw * min(ds, 2.0)), round(fh * min(ds, 2.0)), self.placement.display_name)
            if key != self._placeholder_key:
                self._placeholder_key = key
                self._placeholder = placeholder_pixmap(key[0], key[1], key[2])
            pix = self._placeholder
        if self.pixmap().cacheKey() != pix.cacheKey():
            self.setPixmap(pix)
            self.setOffset(-pix.width() / 2.0, -pix.height() / 2.0)
        p = self.placement
        t = QTransform()
        t.rotate(rotation)
        t.scale(fw / pix.width() * (-1 if p.flip_h else 1), fh / pix.height() * (-1 if p.flip_v else 1))
        self.setTransform(t)

    def frame_transform(self) -> QTransform:
        """Maps the box's own frame (centred on 0,0, unrotated, px) to scene coordinates."""
        t = QTransform()
        t.translate(self.pos().x(), self.pos().y())
        t.rotate(self.box_rotation)
        return t

    def box_rect(self) -> QRectF:
        """The box in its own frame (px)."""
        return QRectF(-self.box_w / 2.0, -self.box_h / 2.0, self.box_w, self.box_h)

    def frame_polygon(self) -> QPolygonF:
        """The rotated box in scene coordinates."""
        return self.frame_transform().map(QPolygonF(self.box_rect()))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.isSelected():
            option.state &= ~QStyle.StateFlag.State_Selected  # the overlay draws the selection
        # Edges of an unrotated box sit on pixel columns: antialiasing would only cost time.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.box_rotation % 90.0 != 0.0)
        super().paint(painter, option, widget)  # type: ignore[arg-type]  # PySide6 stubs omit the None Qt allows


@register_item(SKETCH)
class SketchItem(QGraphicsPathItem):
    """One SketchElement, painted like the renderer's SketchPainter draws it in the snapshot.

    The path is the element's outline (for bounds, C++ side); the pen width pads it to
    cover round caps and arrowheads. Freehand strokes keep their smoothed path, built
    once per change, so re-rendering the device cache after a zoom does no Python
    geometry. The hit shape is built on the first hit test.
    """

    Z_BASE = SKETCH_Z_BASE

    def __init__(self, element: SketchElement, canvas_w: int, canvas_h: int) -> None:
        super().__init__()
        self.item_id = element.id
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update_from(element, canvas_w, canvas_h)

    @property
    def element_id(self) -> str:
        return self.item_id

    @classmethod
    def create(cls, e: SketchElement, ctx: ItemContext) -> SketchItem:
        """A new item for ``e``, shown when the sketch layer is."""
        item = cls(e, ctx.canvas_w, ctx.canvas_h)
        item.setVisible(ctx.sketch_visible)
        return item

    def sync(self, e: SketchElement, ctx: ItemContext) -> bool:
        """Take ``e``'s values; True when its z_index changed."""
        restack = self.element.z_index != e.z_index
        self.update_from(e, ctx.canvas_w, ctx.canvas_h)
        return restack

    def update_from(self, element: SketchElement, canvas_w: int, canvas_h: int) -> None:
        """Take the element's data (canvas size in px)."""
        self.element = element
        self.canvas_w, self.canvas_h = canvas_w, canvas_h
        self.setPos(0, 0)
        self._smooth: QPainterPath | None = None
        if element.kind == "pen":
            self._smooth = smooth_pen_path(element.points, canvas_w, canvas_h)
            stroke = element.stroke_px(canvas_h)
            self._stroke_pen = QPen(QColor(element.color), stroke, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            path, pad = self._smooth, stroke + 2.0
        else:
            path, pad = sketch_outline(element, canvas_w, canvas_h)
        self._pad = pad
        self._outline = path
        self._hit: QPainterPath | None = None
        # Bounds come from the path's control points (C++ side, no call into shape()), padded by
        # half the stroke so round caps and arrowheads fit.
        r = path.controlPointRect()
        half = pad / 2.0 + 1.0
        bounds = QPainterPath(path)
        # A padded rectangle, not two bare moveTo points: QPainterPath replaces a moveTo that
        # follows a moveTo, which dropped the top-left padding and cut thick strokes there.
        bounds.addRect(r.adjusted(-half, -half, half, half))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setPath(bounds)
        self.update()

    def outline(self) -> QPainterPath:
        """The element's outline in canvas px (without the bounds padding)."""
        return self._outline

    def shape(self) -> QPainterPath:
        """The stroked outline (plus the inside of filled shapes and text): what a click or the
        eraser must touch."""
        if self._hit is None:
            self._hit = hit_shape(self.element, self._outline, self._pad)
        return self._hit

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if self._smooth is not None:
            painter.setPen(self._stroke_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._smooth)
            return
        SketchPainter(painter, self.canvas_w, self.canvas_h, 1.0).paint(self.element)


def smooth_pen_path(points: list[tuple[float, float]], canvas_w: int, canvas_h: int) -> QPainterPath:
    """The freehand stroke as SketchPainter.smooth_path draws it (quadratic curves through the
    midpoints, ends exact), in canvas px at 1x. Plain floats, no QPointF arithmetic: this runs
    for every stroke of an opened document."""
    sx, sy = canvas_w / 100.0, canvas_h / 100.0
    xs = [x * sx for x, _ in points]
    ys = [y * sy for _, y in points]
    path = QPainterPath(QPointF(xs[0], ys[0]))
    n = len(xs)
    if n == 2:
        path.lineTo(xs[1], ys[1])
        return path
    quad = path.quadTo
    for i in range(1, n - 1):
        quad(xs[i], ys[i], (xs[i] + xs[i + 1]) / 2.0, (ys[i] + ys[i + 1]) / 2.0)
    path.lineTo(xs[-1], ys[-1])
    return path


def sketch_outline(e: SketchElement, canvas_w: int, canvas_h: int) -> tuple[QPainterPath, float]:
    """(outline path in canvas px, pen width covering strokes/arrowheads) of a sketch element."""
    sp = SketchPainter(QPainter(), canvas_w, canvas_h, 1.0)
    pts = [sp.point(p) for p in e.points]
    path = QPainterPath()
    stroke = e.stroke_px(canvas_h)
    pad = stroke + 2.0
    if e.kind == "pen":
        path = smooth_pen_path(e.points, canvas_w, canvas_h)
    elif e.kind in ("line", "arrow"):
        path.moveTo(pts[0])
        path.lineTo(pts[1])
        if e.kind == "arrow":
            head = sp.arrow_head(pts[0], pts[1], stroke)
            if head is not None:
                path.addPolygon(head)
                path.closeSubpath()
    elif e.kind == "rectangle":
        path.addRect(QRectF(pts[0], pts[1]).normalized())
    elif e.kind == "ellipse":
        path.addEllipse(QRectF(pts[0], pts[1]).normalized())
    else:
        path.addRect(text_rect(e, canvas_w, canvas_h))
        pad = 2.0
    return path, pad


def hit_shape(e: SketchElement, outline: QPainterPath, pad: float) -> QPainterPath:
    """Hit area of an element in canvas px: its stroke widened by ``pad``; filled shapes, text
    and arrowheads also count their inside."""
    stroker = QPainterPathStroker()
    stroker.setWidth(max(pad, 4.0))
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    hit = stroker.createStroke(outline)
    if e.kind in ("text", "arrow") or e.fill:
        hit.addPath(outline)
    return hit.simplified() if e.kind != "pen" else hit


def text_font(e: SketchElement, canvas_h: float, scale: float = 1.0) -> QFont:
    """The QFont a text element is drawn with on a canvas ``canvas_h`` px tall
    (pixel size = font_size percent of the height x scale)."""
    font = QFont(e.font_family)
    font.setPixelSize(max(1, round(e.font_px(canvas_h) * scale)))
    return font


def text_rect(e: SketchElement, canvas_w: int, canvas_h: int) -> QRectF:
    """Where a text element's glyphs land, canvas px (as SketchPainter lays them out)."""
    x, y = e.points[0][0] * canvas_w / 100.0, e.points[0][1] * canvas_h / 100.0
    return QFontMetricsF(text_font(e, canvas_h)).boundingRect(QRectF(x, y, max(1.0, canvas_w - x), 1.0), TEXT_FLAGS,
                                                    e.text or "")


@register_item(UNKNOWN)
class UnknownItem(QGraphicsRectItem):
    """Placeholder for an element of a kind this version does not know (kept, not lost)."""

    Z_BASE = None

    def __init__(self, element: UnknownElement, canvas_w: int, canvas_h: int) -> None:
        super().__init__()
        self.item_id = element.id
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        pen = QPen(QColor("#FFB020"), 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QColor(255, 176, 32, 40))
        self.setZValue(UNKNOWN_Z)
        self._label = QGraphicsSimpleTextItem(self)
        self._label.setBrush(QColor("#FFB020"))
        self.update_from(element, canvas_w, canvas_h)

    @property
    def element_id(self) -> str:
        return self.item_id

    @classmethod
    def create(cls, u: UnknownElement, ctx: ItemContext) -> UnknownItem:
        """A placeholder for ``u``."""
        return cls(u, ctx.canvas_w, ctx.canvas_h)

    def sync(self, u: UnknownElement, ctx: ItemContext) -> bool:
        """Take ``u``'s values (it has a fixed z value: never restacked)."""
        self.update_from(u, ctx.canvas_w, ctx.canvas_h)
        return False

    def update_from(self, element: UnknownElement, canvas_w: int, canvas_h: int) -> None:
        self.element = element
        b = element.bounds() or (2.0, 2.0, 22.0, 12.0)
        x0, y0 = b[0] * canvas_w / 100.0, b[1] * canvas_h / 100.0
        w = max((b[2] - b[0]) * canvas_w / 100.0, 60.0)
        h = max((b[3] - b[1]) * canvas_h / 100.0, 30.0)
        self.setRect(QRectF(x0, y0, w, h))
        font = QFont()
        font.setPixelSize(max(10, min(int(h / 3), 18)))
        self._label.setFont(font)
        self._label.setText(f"unknown element: {element.kind}")
        self._label.setPos(x0 + 4, y0 + 4)
        self.setToolTip(f"An element of kind {element.kind!r} from a newer version; it is kept as is.")


class SelectionOverlay(QGraphicsItem):
    """Frames of the selected items, and handles when exactly one unlocked placement is selected.

    Handles: 8 resize handles (corners and edges) and a rotate handle above the top
    edge, sized in screen px (``view_scale`` = device px per canvas px).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(OVERLAY_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.view_scale = 1.0
        self._frames: list[tuple[QPolygonF, bool]] = []
        self._handle_item: PlacementItem | None = None
        self._bounds = QRectF()
        self._items: list[QGraphicsItem] = []

    def set_view_scale(self, scale: float) -> None:
        self.view_scale = max(scale, 1e-6)
        self.refresh(self._items)

    def refresh(self, items: Sequence[QGraphicsItem]) -> None:
        """Recompute frames (and handles) for the selected ``items``."""
        self._items = list(items)
        frames: list[tuple[QPolygonF, bool]] = []
        for it in self._items:
            if isinstance(it, PlacementItem):
                frames.append((it.frame_polygon(), it.placement.locked))
            elif it.isVisible() or isinstance(it, SketchItem):
                frames.append((QPolygonF(it.sceneBoundingRect()), False))
        single = self._items[0] if len(self._items) == 1 else None
        self._handle_item = single if isinstance(single, PlacementItem) and not single.placement.locked else None
        bounds = QRectF()
        for poly, _ in frames:
            bounds = bounds.united(poly.boundingRect())
        margin = (ROTATE_ARM_SCREEN_PX + HANDLE_SCREEN_PX * 2) / self.view_scale
        self.prepareGeometryChange()
        self._frames = frames
        self._bounds = bounds.adjusted(-margin, -margin, margin, margin) if frames else QRectF()
        self.update()

    def handle_points(self) -> dict[str, QPointF]:
        """Handle name -> centre in scene coordinates ("rotate" and the 8 of geometry.HANDLES)."""
        item = self._handle_item
        if item is None:
            return {}
        r = item.box_rect()
        t = item.frame_transform()
        local = {"nw": r.topLeft(), "n": QPointF(0, r.top()), "ne": r.topRight(), "e": QPointF(r.right(), 0),
                 "se": r.bottomRight(), "s": QPointF(0, r.bottom()), "sw": r.bottomLeft(),
                 "w": QPointF(r.left(), 0),
                 "rotate": QPointF(0, r.top() - ROTATE_ARM_SCREEN_PX / self.view_scale)}
        return {k: t.map(v) for k, v in local.items()}

    @property
    def handle_item(self) -> PlacementItem | None:
        """The placement whose handles are shown, if any."""
        return self._handle_item

    def handle_at(self, scene_pos: QPointF) -> str | None:
        """The handle under ``scene_pos`` ("rotate", "nw", ... ), or None."""
        reach = HANDLE_HIT_SCREEN_PX / self.view_scale
        best, best_d = None, reach
        for name, c in self.handle_points().items():
            d = math.hypot(c.x() - scene_pos.x(), c.y() - scene_pos.y())
            if d <= best_d:
                best, best_d = name, d
        return best

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for poly, locked in self._frames:
            pen = QPen(LOCKED_COLOUR if locked else SELECTION_COLOUR, 1.5,
                       Qt.PenStyle.DashLine if locked else Qt.PenStyle.SolidLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(poly)
        points = self.handle_points()
        if not points:
            return
        pen = QPen(SELECTION_COLOUR, 1.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        top = points["n"]
        painter.drawLine(top, points["rotate"])
        half = HANDLE_SCREEN_PX / 2.0 / self.view_scale
        painter.setBrush(QColor("#FFFFFF"))
        for name in HANDLES:
            c = points[name]
            painter.drawRect(QRectF(c.x() - half, c.y() - half, 2 * half, 2 * half))
        painter.setBrush(SELECTION_COLOUR)
        painter.drawEllipse(points["rotate"], half * 1.1, half * 1.1)


class TextEditItem(QGraphicsTextItem):
    """In-place editor of a text element: typed on the canvas in its font, size and colour.

    ``element_id`` is the text element being edited, or None for a new one.
    """

    def __init__(self, element: SketchElement, element_id: str | None, canvas_w: int, canvas_h: int) -> None:
        super().__init__()
        self.element = element
        self.element_id = element_id
        self.setZValue(DRAFT_Z)
        self.document().setDocumentMargin(0)
        self.canvas_h = canvas_h
        self.setFont(text_font(element, canvas_h))
        self.setDefaultTextColor(QColor(element.color))
        self.setPlainText(element.text or "")
        self.setPos(element.points[0][0] * canvas_w / 100.0, element.points[0][1] * canvas_h / 100.0)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.on_focus_out: Callable[[], None] | None = None

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().focusOutEvent(event)
        if self.on_focus_out is not None:
            self.on_focus_out()
