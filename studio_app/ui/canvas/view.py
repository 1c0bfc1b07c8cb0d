"""CanvasView: zoom, pan, keys, safe-zone overlay, and drops from the library and the file manager."""

from __future__ import annotations

import contextlib
import json
import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QRegion,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QStyleOptionGraphicsItem, QWidget

from studio_app.canvas.snapping import SNAP_DISTANCE_SCREEN_PX
from studio_app.domain.safe_zones import safe_zones

from .scene import CanvasScene

MEDIA_IDS_MIME = "application/x-studio-media-asset-ids"
ZOOM_MIN, ZOOM_MAX = 0.02, 32.0
ZOOM_STEP = 1.25
"""One wheel notch or one zoom-in/out action scales by this factor."""
NUDGE_PX, NUDGE_BIG_PX = 1.0, 10.0
"""Arrow keys move the selection this many canvas px (shift: the big step)."""
FIT_MARGIN_PX = 16
"""Screen px kept free around the canvas when fitting."""
FREEZE_MIN_ITEMS = 40
VIEW_BACKGROUND = QColor("#2B2B30")
OUTSIDE_DIM = QColor(43, 43, 48, 190)
"""Veil over content outside the canvas bounds: the view's background at 75 % opacity."""
"""Drags freeze the still items into two cached layers from this many content items on."""


class FrozenLayerItem(QGraphicsItem):
    """During a drag: a cached viewport-sized layer of still items, drawn only where the dragged
    items are.

    The view's background already shows every still item. Around the dragged items that
    picture is corrected by two of these: the still items below them (under the dragged
    items) and the still items above them (over). Their bounding rect follows the dragged
    items (``follow``) and they blit just that part of their pixmap.
    """

    def __init__(self, pixmap: QPixmap, moving: list[QGraphicsItem]) -> None:
        super().__init__()
        self._pixmap, self._moving = pixmap, moving
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.follow()

    def follow(self) -> None:
        """Cover the dragged items where they are now."""
        r = QRectF()
        for item in self._moving:
            r = r.united(item.sceneBoundingRect())
        if r != self._bounds:
            self.prepareGeometryChange()
            self._bounds = r

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:  # noqa: ANN001
        device = painter.transform().mapRect(self._bounds).toAlignedRect().adjusted(-2, -2, 2, 2)
        dpr = self._pixmap.devicePixelRatio()
        source = QRectF(device.x() * dpr, device.y() * dpr, device.width() * dpr, device.height() * dpr)
        painter.save()
        painter.resetTransform()
        painter.setCompositionMode(self.composition)
        painter.drawPixmap(QRectF(device), self._pixmap, source)
        painter.restore()

    composition = QPainter.CompositionMode.CompositionMode_SourceOver


class _UnderLayerItem(FrozenLayerItem):
    """The opaque layer under the dragged items: replaces (not blends) what the background shows."""

    composition = QPainter.CompositionMode.CompositionMode_Source


class CanvasView(QGraphicsView):
    """The canvas widget.

    Zoom with ctrl+wheel (under the mouse), ``zoom_in``/``zoom_out``/``fit``/``zoom_100``;
    pan with space+drag, the middle button or the wheel. Arrow keys nudge (shift x10),
    Delete removes the selection, Escape cancels a gesture or ends text editing.

    Signals:
        mediaDropped(list[str] asset_ids, QPointF scene_pos): library items dropped.
        filesDropped(list[str] paths, QPointF scene_pos): files from the file manager dropped.
        zoomChanged(float): device px per canvas px.
    """

    mediaDropped = Signal(list, QPointF)
    filesDropped = Signal(list, QPointF)
    zoomChanged = Signal(float)

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__(scene)
        self.canvas_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setAcceptDrops(True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setBackgroundBrush(VIEW_BACKGROUND)
        self.setMinimumSize(320, 200)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.show_safe_zones = False
        self._dim = True
        self._fit_mode = True
        self._space = False
        self._pan_from: QPointF | None = None
        self._below: QPixmap | None = None
        self._layer_items: list[FrozenLayerItem] = []
        self._frozen_opacity: list[tuple[QGraphicsItem, float]] = []
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scene.sceneRectChanged.connect(self._canvas_resized)
        scene.toolChanged.connect(self._tool_changed)
        scene.gestureStarted.connect(self.freeze)
        scene.gestureFinished.connect(self.unfreeze)
        self.horizontalScrollBar().valueChanged.connect(self.unfreeze)
        self.verticalScrollBar().valueChanged.connect(self.unfreeze)
        self._canvas_resized()

    # -- zoom and pan ------------------------------------------------------------------
    def _canvas_resized(self, _rect: QRectF | None = None) -> None:
        r = self.canvas_scene.sceneRect()
        m = max(r.width(), r.height())
        self.setSceneRect(r.adjusted(-m, -m, m, m))
        if self._fit_mode:
            self.fit()

    def zoom(self) -> float:
        """Current zoom: device px per canvas px."""
        return self.transform().m11()

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``zoom`` keeping the canvas point under ``anchor`` (viewport px; default: the centre)."""
        zoom = min(ZOOM_MAX, max(ZOOM_MIN, zoom))
        vp = self.viewport().rect()
        anchor = anchor if anchor is not None else QPointF(vp.center())
        fixed = self.mapToScene(anchor.toPoint())
        self._fit_mode = False
        self.setTransform(QTransform.fromScale(zoom, zoom))
        centre = QPointF(vp.center())
        self.centerOn(fixed - (anchor - centre) / zoom)
        self._zoom_changed()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Multiply the zoom by ``factor`` about ``anchor`` (viewport px)."""
        self.set_zoom(self.zoom() * factor, anchor)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def zoom_100(self) -> None:
        """1 canvas px = 1 screen px, centred on the canvas."""
        self.set_zoom(1.0)
        self.centerOn(self.canvas_scene.sceneRect().center())

    def fit(self) -> None:
        """Zoom so the whole canvas is visible (and keep fitting when the widget resizes)."""
        r = self.canvas_scene.sceneRect()
        vp = self.viewport().rect()
        if r.isEmpty() or vp.width() <= 2 * FIT_MARGIN_PX or vp.height() <= 2 * FIT_MARGIN_PX:
            return
        zoom = min((vp.width() - 2 * FIT_MARGIN_PX) / r.width(), (vp.height() - 2 * FIT_MARGIN_PX) / r.height())
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self.centerOn(r.center())
        self._fit_mode = True
        self._zoom_changed()

    @property
    def fit_mode(self) -> bool:
        """True while the view keeps the canvas fitted."""
        return self._fit_mode

    def _zoom_changed(self) -> None:
        self.unfreeze()
        self.canvas_scene.set_view_scale(self.zoom() * self.devicePixelRatioF())
        self.zoomChanged.emit(self.zoom())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit_mode:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_by(ZOOM_STEP ** steps, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def _tool_changed(self, tool: str) -> None:
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag if tool == "select"
                         else QGraphicsView.DragMode.NoDrag)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton or (
                event.button() == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if (event.button() == Qt.MouseButton.LeftButton
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            # shift extends the selection, for the rubber band too (Qt only knows ctrl there)
            event = QMouseEvent(event.type(), event.position(), event.scenePosition(), event.globalPosition(),
                                event.button(), event.buttons(),
                                event.modifiers() | Qt.KeyboardModifier.ControlModifier)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            self._fit_mode = False
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # -- drag layers -------------------------------------------------------------------
    @property
    def frozen(self) -> bool:
        """True while a drag runs on cached layers."""
        return self._below is not None

    def freeze(self, moving: list[QGraphicsItem]) -> None:
        """Render the still content once into cached layers and take it out of painting, so each
        frame of a drag costs one viewport blit, the moving items and two small blits around
        them, whatever the size of the document.

        Layers: the still items below the moving ones, those above, and both composed (drawn
        as the background). Still items stacked between moving ones (a multi-selection with
        gaps) stay live. Still items are faded to opacity 0 rather than hidden: hiding would
        drop their device caches and deselect them.
        """
        scene = self.canvas_scene
        content = [i for i in scene.content_items() if i.isVisible() and i.opacity() > 0.0]
        if self.frozen or len(content) < FREEZE_MIN_ITEMS:
            return
        moving_ids = {id(i) for i in moving}
        floor = min((i.zValue() for i in moving), default=math.inf)
        ceil = max((i.zValue() for i in moving), default=math.inf)
        still = [i for i in content if id(i) not in moving_ids and not floor < i.zValue() < ceil]
        live = [i for i in content if id(i) in moving_ids or floor < i.zValue() < ceil]
        below = [i for i in still if i.zValue() < floor]
        above = [i for i in still if i.zValue() > ceil]
        chrome = [i for i in scene.chrome_items() if i.isVisible()]
        original = {id(i): i.opacity() for i in [*still, *live, *chrome]}
        dpr = self.viewport().devicePixelRatioF()
        safe = self.show_safe_zones
        try:
            self.show_safe_zones = False
            self._dim = False  # the veil is painted live over the layers, not baked into them
            self._fade([*live, *chrome, *above], None)
            below_pix = self._layer(dpr, opaque=True)
            above_pix = None
            if above:
                self._fade(below, None)
                self._fade(above, original)
                above_pix = self._layer(dpr, opaque=False)
            self._fade(still, None)
            self._fade([*live, *chrome], original)
        finally:
            self.show_safe_zones = safe
            self._dim = True
        self._frozen_opacity = [(i, original[id(i)]) for i in still]
        full = below_pix
        if above_pix is not None:
            full = QPixmap(below_pix)
            painter = QPainter(full)
            painter.drawPixmap(0, 0, above_pix)
            painter.end()
        self._below = full
        self._layer_items = []
        if moving and above_pix is not None:
            under = _UnderLayerItem(below_pix, live)
            under.setZValue(floor - 0.5)
            over = FrozenLayerItem(above_pix, live)
            over.setZValue(max(i.zValue() for i in above) + 0.5)
            self._layer_items = [under, over]
            for item in self._layer_items:
                scene.addItem(item)
        scene.gestureMoved.connect(self._follow)

    def _follow(self) -> None:
        for item in self._layer_items:
            item.follow()

    @staticmethod
    def _fade(items: list[QGraphicsItem], original: dict[int, float] | None) -> None:
        for i in items:
            i.setOpacity(0.0 if original is None else original[id(i)])

    def _layer(self, dpr: float, opaque: bool) -> QPixmap:
        vp = self.viewport()
        pix = QPixmap(round(vp.width() * dpr), round(vp.height() * dpr))
        pix.setDevicePixelRatio(dpr)
        pix.fill(self.backgroundBrush().color() if opaque else Qt.GlobalColor.transparent)
        brush, fill = self.backgroundBrush(), vp.autoFillBackground()
        if not opaque:
            self.setBackgroundBrush(Qt.BrushStyle.NoBrush)
            vp.setAutoFillBackground(False)
        # The viewport's own paint path: it reuses the items' device caches.
        vp.render(pix, QPoint(0, 0), QRegion(vp.rect()), QWidget.RenderFlag(0))
        if not opaque:
            self.setBackgroundBrush(brush)
            vp.setAutoFillBackground(fill)
        return pix

    def unfreeze(self, *_args: object) -> None:
        """Bring the still items back and drop the cached layers."""
        if not self.frozen:
            return
        self._below = None
        with contextlib.suppress(RuntimeError, TypeError):
            self.canvas_scene.gestureMoved.disconnect(self._follow)
        for item in self._layer_items:
            self.canvas_scene.removeItem(item)
        self._layer_items = []
        for still, opacity in self._frozen_opacity:
            still.setOpacity(opacity)
        self._frozen_opacity = []
        self.viewport().update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # type: ignore[override]  # noqa: N802 - Qt passes a QRectF; the stubs also allow QRect
        if self._below is None:
            super().drawBackground(painter, rect)
            return
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, self._below)
        painter.restore()

    # -- keys --------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # While text is edited on the canvas, keys go to the editor, not to window shortcuts.
        if event.type() == QEvent.Type.ShortcutOverride and self.canvas_scene.tools.text.edit_item is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        scene = self.canvas_scene
        key = event.key()
        if scene.tools.text.edit_item is not None:
            if key == Qt.Key.Key_Escape or (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                                            and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                scene.tools.text.commit()
                event.accept()
                return
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        step = NUDGE_BIG_PX if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else NUDGE_PX
        arrows: dict[int, tuple[float, float]] = {
            Qt.Key.Key_Left.value: (-step, 0.0), Qt.Key.Key_Right.value: (step, 0.0),
            Qt.Key.Key_Up.value: (0.0, -step), Qt.Key.Key_Down.value: (0.0, step)}
        if key in arrows:
            scene.ops.nudge_selected(*arrows[key])
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            scene.ops.delete_selected()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            if scene.gesture_active:
                scene.cancel_gesture()
            else:
                scene.clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            tool = self.canvas_scene.tool
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor if tool == "select" else Qt.CursorShape.CrossCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- safe zones --------------------------------------------------------------------
    def set_show_safe_zones(self, show: bool) -> None:
        """Show or hide the platform safe-zone overlay for the document's asset type."""
        self.show_safe_zones = bool(show)
        self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # type: ignore[override]  # noqa: N802 - Qt passes a QRectF; the stubs also allow QRect
        self._dim_outside(painter, rect)
        if not self.show_safe_zones:
            return
        doc = self.canvas_scene.editor.document
        zones = safe_zones(doc.asset_type, doc.width, doc.height)
        if not zones:
            return
        painter.save()
        font = QFont()
        font.setPixelSize(max(8, round(13 / max(self.zoom(), 1e-6))))
        painter.setFont(font)
        for z in zones:
            r = QRectF(z.x, z.y, z.width, z.height)
            if z.kind == "keep_clear":
                painter.fillRect(r, QColor(255, 40, 80, 70))
                pen = QPen(QColor(255, 40, 80, 220), 1.5, Qt.PenStyle.DashLine)
            elif z.kind == "safe":
                pen = QPen(QColor(40, 220, 120, 230), 2.0)
            else:
                pen = QPen(QColor(255, 255, 255, 150), 1.0, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(r)
            pad = 4 / max(self.zoom(), 1e-6)
            painter.drawText(self.safe_zone_label_rect(r, z.label, painter.fontMetrics().horizontalAdvance(z.label),
                                                       painter.fontMetrics().height(), pad),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), z.label)
        painter.restore()

    def safe_zone_label_rect(self, zone: QRectF, label: str, text_w: float, text_h: float, pad: float) -> QRectF:
        """Where a zone's label is drawn (canvas px): inside its top-left corner when it fits,
        else just above the zone (below it at the canvas top), right-aligned to the zone and kept
        inside the canvas, so a small zone such as YouTube's duration badge shows its whole name."""
        w, h = text_w + 2 * pad, text_h + 2 * pad
        if w <= zone.width() and h <= zone.height():
            return QRectF(zone.left() + pad, zone.top() + pad, text_w + pad, text_h)
        canvas = self.canvas_scene.sceneRect()
        x = min(max(canvas.left(), zone.right() - w), canvas.right() - w)
        y = zone.top() - h if zone.top() - h >= canvas.top() else zone.bottom()
        return QRectF(x + pad, y + pad, text_w + pad, text_h)

    def _dim_outside(self, painter: QPainter, rect: QRectF) -> None:
        """Veil what lies outside the canvas: it is not exported or sent, so it must look it."""
        canvas = self.canvas_scene.sceneRect()
        if not self._dim or canvas.contains(rect):
            return
        outside = QPainterPath()
        outside.addRect(rect)
        inside = QPainterPath()
        inside.addRect(canvas)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(OUTSIDE_DIM)
        painter.drawPath(outside.subtracted(inside))
        overlay = self.canvas_scene.overlay
        if overlay.isVisible() and not canvas.contains(overlay.sceneBoundingRect()):
            # Selection frames and handles stay bright over the veil: they must be seen to be grabbed.
            overlay.paint(painter, QStyleOptionGraphicsItem(), None)
        painter.restore()

    # -- drops -------------------------------------------------------------------------
    def _accepts(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return mime.hasFormat(MEDIA_IDS_MIME) or mime.hasUrls()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        mime = event.mimeData()
        inverse, _ = self.viewportTransform().inverted()
        pos = inverse.map(event.position())
        r = self.canvas_scene.sceneRect()
        reach = SNAP_DISTANCE_SCREEN_PX / max(self.zoom(), 1e-6)
        x = r.center().x() if abs(pos.x() - r.center().x()) <= reach else pos.x()  # drops snap to the
        y = r.center().y() if abs(pos.y() - r.center().y()) <= reach else pos.y()  # canvas centre lines
        pos = QPointF(min(max(x, r.left()), r.right()), min(max(y, r.top()), r.bottom()))
        if mime.hasFormat(MEDIA_IDS_MIME):
            try:
                ids = [str(i) for i in json.loads(bytes(mime.data(MEDIA_IDS_MIME).data()).decode("utf-8"))]
            except (ValueError, TypeError, UnicodeDecodeError):
                return
            self.mediaDropped.emit(ids, pos)
            event.acceptProposedAction()
        elif mime.hasUrls():
            paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
            if paths:
                self.filesDropped.emit(paths, pos)
                event.acceptProposedAction()


def visible_fraction(view: CanvasView) -> float:
    """Share of the canvas currently visible in the viewport (0-1); used by tests and the status bar."""
    r = view.canvas_scene.sceneRect()
    shown = view.mapToScene(view.viewport().rect()).boundingRect().intersected(r)
    return 0.0 if r.isEmpty() else (shown.width() * shown.height()) / (r.width() * r.height())
