"""CanvasScene: mirrors the CanvasDocument and turns gestures into QUndoCommands.

Mirroring is targeted: CanvasEditor reports a ChangeSet per edit and only the items it
names are created, updated or removed. Gestures (move, resize, rotate, draw, erase)
change the items live and push one command on release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPen, QPixmapCache, QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from studio_app.canvas.editor import CanvasEditor, ChangeSet
from studio_app.canvas.geometry import clamp, rotated_aabb
from studio_app.canvas.sketch_style import SketchStyle
from studio_app.canvas.snapping import Guide
from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.ui.checkerboard import checkerboard_brush

from .items import (
    GUIDE_COLOUR,
    OVERLAY_Z,
    SKETCH_Z_BASE,
    PlacementItem,
    SelectionOverlay,
    SketchItem,
    TextEditItem,
    UnknownItem,
)
from .pixmaps import PixmapPyramids
from .scene_gestures import Gesture, SceneGestures
from .scene_operations import SceneOperations

TOOLS = ("select", "pen", "line", "arrow", "rectangle", "ellipse", "text", "eraser")
"""The seed's SketchEditor tools."""
DRAW_TOOLS = ("pen", "line", "arrow", "rectangle", "ellipse")
PIXMAP_CACHE_KB = 256 * 1024
"""QPixmapCache budget for the items' device caches (Qt's default 10 MB thrashes at 700 items)."""

ImageLookup = Callable[[MediaAssetPlacement], QImage | None]


class CanvasScene(SceneOperations, SceneGestures, QGraphicsScene):
    """The canvas in scene coordinates = canvas px at 1x.

    Attributes:
        tool: current tool, one of TOOLS.
        style: SketchStyle for new sketch elements.
        snapping: snap moved items to canvas edges, centre lines and other items.
        view_scale: device px per canvas px of the view (set by CanvasView on zoom).

    Signals:
        toolChanged(str), textEditingChanged(bool), guidesChanged(list[Guide]).
        styleChanged(): ``style`` changed (apply_style); every control showing it re-reads it.
        gestureStarted(list[QGraphicsItem]): a drag began changing these items live (the
            view freezes everything else into cached layers until gestureFinished());
            gestureMoved() after each live change.
    """

    toolChanged = Signal(str)
    textEditingChanged = Signal(bool)
    guidesChanged = Signal(list)
    gestureStarted = Signal(list)
    gestureMoved = Signal()
    gestureFinished = Signal()
    styleChanged = Signal()

    def __init__(self, editor: CanvasEditor, undo_stack: QUndoStack, images: ImageLookup) -> None:
        super().__init__()
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
        self.editor, self.undo_stack, self.images = editor, undo_stack, images
        self.tool = "select"
        self.style = SketchStyle()
        self.snapping = True
        self.view_scale = 1.0
        self.pyramids = PixmapPyramids()
        self._image_cache: dict[str, QImage | None] = {}  # asset_id -> decoded image, one lookup per asset
        self._placements: dict[str, PlacementItem] = {}
        self._sketches: dict[str, SketchItem] = {}
        self._unknown: dict[str, UnknownItem] = {}
        self._checker = QGraphicsRectItem()
        self._checker.setZValue(-2_000_000)
        self._checker.setPen(QPen(Qt.PenStyle.NoPen))
        self._checker.setBrush(checkerboard_brush())
        self._background = QGraphicsRectItem()
        self._background.setZValue(-1_000_000)
        self._background.setPen(QPen(Qt.PenStyle.NoPen))
        self.addItem(self._checker)
        self.addItem(self._background)
        self.overlay = SelectionOverlay()
        self.addItem(self.overlay)
        self._guide_items = [QGraphicsLineItem() for _ in range(2)]
        for g in self._guide_items:
            pen = QPen(GUIDE_COLOUR, 1)
            pen.setCosmetic(True)
            g.setPen(pen)
            g.setZValue(OVERLAY_Z + 1)
            g.setVisible(False)
            self.addItem(g)
        self.guides: list[Guide] = []
        self._gesture: Gesture | None = None
        self._draft: QGraphicsPathItem | None = None
        self._text_edit: TextEditItem | None = None
        self._erased: dict[str, SketchItem] = {}
        editor.edited.connect(self._on_edited)
        self.selectionChanged.connect(self._refresh_overlay)
        self._rebuild()

    # -- mirroring ---------------------------------------------------------------------
    def _rebuild(self) -> None:
        doc = self.editor.document
        self._image_cache.clear()
        for item in [*self._placements.values(), *self._sketches.values(), *self._unknown.values()]:
            self.removeItem(item)
        self._placements.clear()
        self._sketches.clear()
        self._unknown.clear()
        self._apply_fields()
        for p in doc.placements:
            self._add_placement(p)
        for e in doc.sketch_elements:
            self._add_sketch(e)
        for u in doc.unknown_elements:
            self._add_unknown(u)
        self._restack_placements()
        self._restack_sketches()
        self._refresh_overlay()

    def _apply_fields(self) -> None:
        doc = self.editor.document
        rect = QRectF(0, 0, doc.width, doc.height)
        self.setSceneRect(rect)
        self._background.setRect(rect)
        self._checker.setRect(rect)
        colour = QColor(doc.background)
        self._background.setBrush(colour)
        self._checker.setVisible(colour.alpha() < 255)

    def _add_placement(self, p: MediaAssetPlacement) -> PlacementItem:
        doc = self.editor.document
        item = PlacementItem(p, doc.width, doc.height, self._image_for(p), self.pyramids, self.view_scale)
        self._placements[p.id] = item
        self.addItem(item)
        item.setEnabled(self.tool == "select")
        return item

    def _add_sketch(self, e: SketchElement) -> SketchItem:
        doc = self.editor.document
        item = SketchItem(e, doc.width, doc.height)
        item.setVisible(doc.sketch_visible)
        self._sketches[e.id] = item
        self.addItem(item)
        return item

    def _add_unknown(self, u) -> None:  # noqa: ANN001 - UnknownElement
        doc = self.editor.document
        item = UnknownItem(u, doc.width, doc.height)
        self._unknown[u.id] = item
        self.addItem(item)

    def _image_for(self, p: MediaAssetPlacement) -> QImage | None:
        key = p.asset_id or p.url
        if key in self._image_cache:
            return self._image_cache[key]
        try:
            image = self.images(p)
        except Exception:  # a broken blob draws the placeholder, like the renderer
            image = None
        if key:
            self._image_cache[key] = image
        return image

    def _on_edited(self, change: ChangeSet) -> None:
        if self._gesture is not None and self._gesture.kind in ("move", "resize", "rotate"):
            self.cancel_gesture()  # an undo/redo mid-drag: the dragged items follow the document
        if change.replaced:
            self._rebuild()
            return
        doc = self.editor.document
        if change.fields:
            self._apply_fields()
            if "sketch_visible" in change.fields:
                for item in self._sketches.values():
                    item.setVisible(doc.sketch_visible)
        restack_p = bool(change.placements_added or change.placements_removed)
        for pid in change.placements_removed:
            item = self._placements.pop(pid, None)
            if item is not None:
                self.removeItem(item)
        for pid in change.placements_added:
            p = self.editor.placement(pid)
            if p is not None and pid not in self._placements:
                self._add_placement(p)
        for pid in change.placements_updated:
            p = self.editor.placement(pid)
            item = self._placements.get(pid)
            if p is None or item is None:
                continue
            restack_p |= item.placement.z_index != p.z_index
            if p.asset_id != item.placement.asset_id:
                item.set_source(self._image_for(p))
            item.update_from(p, doc.width, doc.height)
        restack_s = bool(change.sketch_added or change.sketch_removed)
        for sid in change.sketch_removed:
            item_s = self._sketches.pop(sid, None)
            if item_s is not None:
                self.removeItem(item_s)
        for sid in change.sketch_added:
            e = self.editor.sketch_element(sid)
            if e is not None and sid not in self._sketches:
                self._add_sketch(e)
        for sid in change.sketch_updated:
            e = self.editor.sketch_element(sid)
            item_s = self._sketches.get(sid)
            if e is None or item_s is None:
                continue
            restack_s |= item_s.element.z_index != e.z_index
            item_s.update_from(e, doc.width, doc.height)
        if change.unknown_changed:
            live = {u.id: u for u in doc.unknown_elements}
            for uid in list(self._unknown):
                if uid not in live:
                    self.removeItem(self._unknown.pop(uid))
            for uid, u in live.items():
                if uid in self._unknown:
                    self._unknown[uid].update_from(u, doc.width, doc.height)
                else:
                    self._add_unknown(u)
        if restack_p:
            self._restack_placements()
        if restack_s:
            self._restack_sketches()
        self._refresh_overlay()

    def _restack_placements(self) -> None:
        for rank, p in enumerate(self.editor.document.sorted_placements()):
            item = self._placements.get(p.id)
            if item is not None and item.zValue() != rank:
                item.setZValue(rank)

    def _restack_sketches(self) -> None:
        for rank, e in enumerate(self.editor.document.sorted_sketch_elements()):
            item = self._sketches.get(e.id)
            if item is not None and item.zValue() != SKETCH_Z_BASE + rank:
                item.setZValue(SKETCH_Z_BASE + rank)

    def refresh_images(self) -> None:
        """Ask the image lookup again for every placement (after the library changed)."""
        self.pyramids.clear()
        self._image_cache.clear()
        for pid, item in self._placements.items():
            p = self.editor.placement(pid)
            if p is not None:
                item.set_source(self._image_for(p))

    def set_view_scale(self, scale: float) -> None:
        """The view's zoom (device px per canvas px): handles and pixmap levels follow it."""
        self.view_scale = max(scale, 1e-6)
        for item in self._placements.values():
            item.set_device_scale(self.view_scale)
        self.overlay.set_view_scale(self.view_scale)

    # -- lookups -------------------------------------------------------------------------
    def placement_item(self, placement_id: str) -> PlacementItem | None:
        """The item showing that placement."""
        return self._placements.get(placement_id)

    def sketch_item(self, element_id: str) -> SketchItem | None:
        """The item showing that sketch element."""
        return self._sketches.get(element_id)

    def unknown_item(self, element_id: str) -> UnknownItem | None:
        """The placeholder of that unknown element."""
        return self._unknown.get(element_id)

    def content_items(self) -> list[QGraphicsItem]:
        """Every item that shows document content (background, placements, sketches, unknowns)."""
        return [self._checker, self._background, *self._placements.values(), *self._sketches.values(),
                *self._unknown.values()]

    def chrome_items(self) -> list[QGraphicsItem]:
        """Selection overlay and snap guides (drawn above everything)."""
        return [self.overlay, *self._guide_items]

    def placement_items(self) -> list[PlacementItem]:
        return list(self._placements.values())

    def sketch_items(self) -> list[SketchItem]:
        return list(self._sketches.values())

    def selected_ids(self) -> tuple[list[str], list[str], list[str]]:
        """(placement ids, sketch element ids, unknown element ids) of the selection, in document order."""
        if not shiboken6.isValid(self):  # panels asking while Qt tears the scene down
            return [], [], []
        sel = {id(i) for i in self.selectedItems()}
        doc = self.editor.document
        pids = [p.id for p in doc.placements if id(self._placements.get(p.id)) in sel]
        sids = [e.id for e in doc.sketch_elements if id(self._sketches.get(e.id)) in sel]
        uids = [u.id for u in doc.unknown_elements if id(self._unknown.get(u.id)) in sel]
        return pids, sids, uids

    def select_ids(self, placement_ids: Iterable[str] = (), sketch_ids: Iterable[str] = (),
                   unknown_ids: Iterable[str] = ()) -> None:
        """Select exactly these items (one selectionChanged)."""
        wanted: set[int] = set()
        for ids, table in ((placement_ids, self._placements), (sketch_ids, self._sketches),
                           (unknown_ids, self._unknown)):
            for i in ids:
                item = table.get(i)
                if item is not None:
                    wanted.add(id(item))
        self.blockSignals(True)
        try:
            for item in self.selectedItems():
                if id(item) not in wanted:
                    item.setSelected(False)
            for table in (self._placements, self._sketches, self._unknown):
                for item in table.values():
                    if id(item) in wanted and not item.isSelected():
                        item.setSelected(True)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    def select_all(self) -> None:
        """Select every visible placement and sketch element."""
        doc = self.editor.document
        self.select_ids([p.id for p in doc.placements if not p.hidden],
                        [e.id for e in doc.sketch_elements] if doc.sketch_visible else [])

    def item_box(self, item: QGraphicsItem) -> Box:
        """Axis-aligned box of an item in canvas px (rotated placements: their rotated box's bounds)."""
        if isinstance(item, PlacementItem):
            pos = item.pos()
            return rotated_aabb(pos.x(), pos.y(), item.box_w, item.box_h, item.box_rotation)
        if isinstance(item, SketchItem):
            r = item.mapRectToScene(item.outline().controlPointRect())
            return Box(r.left(), r.top(), r.right(), r.bottom())
        r = item.sceneBoundingRect()
        return Box(r.left(), r.top(), r.right(), r.bottom())

    def selection_boxes(self) -> dict[tuple[str, str], Box]:
        """("p"|"s", id) -> box (canvas px) of each selected placement and sketch element."""
        pids, sids, _ = self.selected_ids()
        out = {("p", pid): self.item_box(self._placements[pid]) for pid in pids}
        out.update({("s", sid): self.item_box(self._sketches[sid]) for sid in sids})
        return out

    def _refresh_overlay(self) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.overlay):
            return
        items = [i for i in self.selectedItems() if isinstance(i, PlacementItem | SketchItem | UnknownItem)]
        self.overlay.refresh(items)

    # -- tools ---------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        """Switch tool (one of TOOLS). Finishes a text edit in progress."""
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.commit_text_edit()
        self.tool = tool
        selectable = tool == "select"
        for item in self._placements.values():
            item.setEnabled(selectable)
        if not selectable:
            self.clearSelection()
        cursor = Qt.CursorShape.ArrowCursor if selectable else Qt.CursorShape.CrossCursor
        for v in self.views():
            v.viewport().setCursor(cursor)
        self.toolChanged.emit(tool)

    def _percent(self, p: QPointF) -> tuple[float, float]:
        doc = self.editor.document
        return (clamp(p.x() * 100.0 / doc.width, 0.0, 100.0), clamp(p.y() * 100.0 / doc.height, 0.0, 100.0))

    def item_at(self, pos: QPointF) -> QGraphicsItem | None:
        """The topmost visible placement, sketch element or placeholder at ``pos`` (canvas px)."""
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder):
            if isinstance(item, PlacementItem | SketchItem | UnknownItem) and item.isVisible():
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.scenePos()
        if self._text_edit is not None:
            if self._text_edit.sceneBoundingRect().contains(pos):
                super().mousePressEvent(event)
                return
            self.commit_text_edit()
            event.accept()
            return
        if self.tool == "select":
            self._press_select(event)
        elif self.tool == "text":
            self._press_text(pos)
            event.accept()
        elif self.tool == "eraser":
            self._gesture = Gesture("erase", pos)
            self._erased = {}
            self._erase_along(pos, pos)
            event.accept()
        else:
            self._press_draw(pos)
            event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        g = self._gesture
        if g is None:
            if self._text_edit is not None:
                super().mouseMoveEvent(event)
            elif self.tool == "select" and self.overlay.handle_item is not None and not event.buttons():
                self._hover_cursor(event.scenePos())
            return
        pos = event.scenePos()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if g.kind == "move":
            self._drag_move(g, pos, shift, bool(event.modifiers() & Qt.KeyboardModifier.AltModifier))
        elif g.kind == "resize":
            self._drag_resize(g, pos, shift)
        elif g.kind == "rotate":
            self._drag_rotate(g, pos, shift)
        elif g.kind == "draw":
            self._drag_draw(g, pos, shift)
        elif g.kind == "erase":
            self._erase_along(g.last, pos)
        g.last = QPointF(pos)
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        g, self._gesture = self._gesture, None
        if g is None:
            super().mouseReleaseEvent(event)
            return
        if getattr(g, "announced", False):
            self.gestureFinished.emit()
        if g.kind == "move":
            self._finish_move(g)
        elif g.kind in ("resize", "rotate"):
            self._finish_transform(g)
        elif g.kind == "draw":
            self._finish_draw(g, event.scenePos(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif g.kind == "erase":
            self._finish_erase()
        self._set_guides([])
        event.accept()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        item = self.item_at(event.scenePos())
        if self.tool == "select" and isinstance(item, SketchItem) and item.element.kind == "text":
            self.begin_text_edit(item.element_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    @property
    def gesture_active(self) -> bool:
        """True between the press and the release of a drag, stroke or erase."""
        return self._gesture is not None

    def cancel_gesture(self) -> None:
        """Escape: drop a gesture in progress and put the items back as the document has them."""
        g, self._gesture = self._gesture, None
        if g is None:
            return
        if getattr(g, "announced", False):
            self.gestureFinished.emit()
        doc = self.editor.document
        if self._draft is not None:
            self.removeItem(self._draft)
            self._draft = None
        for item in self._erased.values():
            item.setVisible(doc.sketch_visible)
        self._erased = {}
        for item in getattr(g, "items", []):
            if isinstance(item, PlacementItem):
                p = self.editor.placement(item.item_id)
                if p is not None:
                    item.update_from(p, doc.width, doc.height)
            elif isinstance(item, SketchItem):
                item.setPos(0, 0)
        self._set_guides([])
        self._refresh_overlay()

