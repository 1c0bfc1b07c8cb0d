"""CanvasScene: mirrors the CanvasDocument and turns gestures into QUndoCommands.

Mirroring is targeted: CanvasEditor reports a ChangeSet per edit and only the items it
names are created, updated or removed. Gestures (move, resize, rotate, draw, erase)
change the items live and push one command on release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPen, QPixmapCache, QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from studio_app.canvas.editor import CanvasEditor, ChangeSet
from studio_app.canvas.geometry import clamp, rotated_aabb
from studio_app.canvas.kinds import KINDS, PLACEMENT, SKETCH, UNKNOWN, ItemIds, ItemKey, item_ids
from studio_app.canvas.sketch_style import SketchStyle
from studio_app.canvas.snapping import Guide
from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.ui.checkerboard import checkerboard_brush

from .item_registry import ITEM_TYPES, ItemContext
from .items import (
    GUIDE_COLOUR,
    OVERLAY_Z,
    PlacementItem,
    SelectionOverlay,
    SketchItem,
    UnknownItem,
)
from .pixmaps import PixmapPyramids
from .selection_ops import SelectionOps
from .tools import Tool, Tools

TOOLS = ("select", "pen", "line", "arrow", "rectangle", "ellipse", "text", "eraser")
"""The tool names: "select", the drawing tools (one per sketch element kind but text) and
"text" and "eraser"; ``Tools.for_name`` maps each to its controller."""
PIXMAP_CACHE_KB = 256 * 1024
"""QPixmapCache budget for the items' device caches (Qt's default 10 MB thrashes at 700 items)."""

ImageLookup = Callable[[MediaAssetPlacement], QImage | None]


class CanvasScene(QGraphicsScene):
    """The canvas in scene coordinates = canvas px at 1x.

    Attributes:
        tool: current tool, one of TOOLS; tools: its controllers (select, draw, text, erase),
            which take the mouse events; ops: the operations on the selection (SelectionOps).
        sketch_style: SketchStyle for new sketch elements (``style()`` stays Qt's QStyle).
        snapping: snap moved items to canvas edges, centre lines and other items.
        view_scale: device px per canvas px of the view (set by CanvasView on zoom).

    Signals:
        toolChanged(str), textEditingChanged(bool), guidesChanged(list[Guide]).
        styleChanged(): ``sketch_style`` changed (apply_style); every control showing it re-reads it.
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
        self.sketch_style = SketchStyle()
        self.snapping = True
        self.view_scale = 1.0
        self.pyramids = PixmapPyramids()
        self._image_cache: dict[str, QImage | None] = {}  # asset_id -> decoded image, one lookup per asset
        self._items: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}  # kind -> id -> item
        self._checker = self._backdrop(-2_000_000, checkerboard_brush())
        self._background = self._backdrop(-1_000_000, None)
        self.overlay = SelectionOverlay()
        self.addItem(self.overlay)
        self._guide_items = [self._guide_line() for _ in range(2)]
        self.guides: list[Guide] = []
        self.tools = Tools(self)
        self.ops = SelectionOps(self)
        self._active: Tool | None = None  # the tool that took the current press
        editor.edited.connect(self._on_edited)
        self.selectionChanged.connect(self.refresh_overlay)
        self._rebuild()

    def _backdrop(self, z: float, brush: QBrush | None) -> QGraphicsRectItem:
        item = QGraphicsRectItem()
        item.setZValue(z)
        item.setPen(QPen(Qt.PenStyle.NoPen))
        if brush is not None:
            item.setBrush(brush)
        self.addItem(item)
        return item

    def _guide_line(self) -> QGraphicsLineItem:
        line = QGraphicsLineItem()
        pen = QPen(GUIDE_COLOUR, 1)
        pen.setCosmetic(True)
        line.setPen(pen)
        line.setZValue(OVERLAY_Z + 1)
        line.setVisible(False)
        self.addItem(line)
        return line

    # -- mirroring ---------------------------------------------------------------------
    def items_of(self, kind: str) -> dict[str, Any]:
        """id -> the scene item showing it, for one registered kind (treat as read-only)."""
        return self._items[kind]

    def _context(self) -> ItemContext:
        doc = self.editor.document
        return ItemContext(doc.width, doc.height, self._image_for, self.pyramids, self.view_scale,
                           self.tool == "select", doc.sketch_visible)

    def _rebuild(self) -> None:
        self._image_cache.clear()
        for table in self._items.values():
            for item in table.values():
                self.removeItem(item)
            table.clear()
        self._apply_fields()
        ctx = self._context()
        for kind, spec in KINDS.items():
            for model in spec.items(self.editor.document):
                self._add(kind, model, ctx)
            self._restack(kind)
        self.refresh_overlay()

    def _apply_fields(self) -> None:
        doc = self.editor.document
        rect = QRectF(0, 0, doc.width, doc.height)
        self.setSceneRect(rect)
        self._background.setRect(rect)
        self._checker.setRect(rect)
        colour = QColor(doc.background)
        self._background.setBrush(colour)
        self._checker.setVisible(colour.alpha() < 255)

    def _add(self, kind: str, model: Any, ctx: ItemContext) -> None:
        item = ITEM_TYPES[kind].create(model, ctx)
        self._items[kind][model.id] = item
        self.addItem(item)

    def _image_for(self, p: MediaAssetPlacement) -> QImage | None:
        key = p.asset_id or p.url
        if key in self._image_cache:
            return self._image_cache[key]
        try:
            image = self.images(p)
        except Exception:  # noqa: BLE001 - a broken blob draws the placeholder, like the renderer
            image = None
        if key:
            self._image_cache[key] = image
        return image

    def _on_edited(self, change: ChangeSet) -> None:
        if self.tools.select.active:
            self.cancel_gesture()  # an undo/redo mid-drag: the dragged items follow the document
        if change.replaced:
            self._rebuild()
            return
        if change.fields:
            self._apply_fields()
            if "sketch_visible" in change.fields:
                visible = self.editor.document.sketch_visible
                for item in self._items[SKETCH].values():
                    item.setVisible(visible)
        ctx = self._context()
        for kind in KINDS:
            if self._mirror_kind(kind, change, ctx):
                self._restack(kind)
        self.refresh_overlay()

    def _mirror_kind(self, kind: str, change: ChangeSet, ctx: ItemContext) -> bool:
        """Remove, add and update the items of ``kind`` that ``change`` names; True to restack."""
        table = self._items[kind]
        removed, added = change.removed.get(kind, ()), change.added.get(kind, ())
        restack = bool(removed or added)
        for item_id in removed:
            item = table.pop(item_id, None)
            if item is not None:
                self.removeItem(item)
        for item_id in added:
            model = self.editor.get(kind, item_id)
            if model is not None and item_id not in table:
                self._add(kind, model, ctx)
        for item_id in change.updated.get(kind, ()):
            model = self.editor.get(kind, item_id)
            item = table.get(item_id)
            if model is not None and item is not None:
                restack |= item.sync(model, ctx)
        return restack

    def _restack(self, kind: str) -> None:
        base = ITEM_TYPES[kind].Z_BASE
        if base is None:
            return
        table = self._items[kind]
        models = sorted(KINDS[kind].items(self.editor.document), key=lambda m: m.z_index)
        for rank, model in enumerate(models):
            item = table.get(model.id)
            if item is not None and item.zValue() != base + rank:
                item.setZValue(base + rank)

    def refresh_images(self) -> None:
        """Ask the image lookup again for every placement (after the library changed)."""
        self.pyramids.clear()
        self._image_cache.clear()
        for pid, item in self._items[PLACEMENT].items():
            p = self.editor.placement(pid)
            if p is not None:
                item.set_source(self._image_for(p))

    def set_view_scale(self, scale: float) -> None:
        """The view's zoom (device px per canvas px): handles and pixmap levels follow it."""
        self.view_scale = max(scale, 1e-6)
        for item in self._items[PLACEMENT].values():
            item.set_device_scale(self.view_scale)
        self.overlay.set_view_scale(self.view_scale)

    # -- lookups -------------------------------------------------------------------------
    def placement_item(self, placement_id: str) -> PlacementItem | None:
        """The item showing that placement."""
        item: PlacementItem | None = self._items[PLACEMENT].get(placement_id)
        return item

    def sketch_item(self, element_id: str) -> SketchItem | None:
        """The item showing that sketch element."""
        item: SketchItem | None = self._items[SKETCH].get(element_id)
        return item

    def unknown_item(self, element_id: str) -> UnknownItem | None:
        """The placeholder of that unknown element."""
        item: UnknownItem | None = self._items[UNKNOWN].get(element_id)
        return item

    def content_items(self) -> list[QGraphicsItem]:
        """Every item that shows document content (background, then every kind's items)."""
        return [self._checker, self._background, *(i for table in self._items.values() for i in table.values())]

    def chrome_items(self) -> list[QGraphicsItem]:
        """Selection overlay and snap guides (drawn above everything)."""
        return [self.overlay, *self._guide_items]

    def selection(self) -> ItemIds:
        """The selected items: kind -> ids in document order (every registered kind present)."""
        out = item_ids()
        if not shiboken6.isValid(self):  # panels asking while Qt tears the scene down
            return out
        sel = {id(i) for i in self.selectedItems()}
        if not sel:
            return out
        doc = self.editor.document
        for kind, spec in KINDS.items():
            table = self._items[kind]
            out[kind] = [m.id for m in spec.items(doc) if id(table.get(m.id)) in sel]
        return out

    def select(self, ids: Mapping[str, Iterable[str]]) -> None:
        """Select exactly these items, kind -> ids (one selectionChanged)."""
        wanted: set[int] = set()
        for kind, group in ids.items():
            table = self._items[kind]
            for i in group:
                item = table.get(i)
                if item is not None:
                    wanted.add(id(item))
        self.blockSignals(True)
        try:
            for item in self.selectedItems():
                if id(item) not in wanted:
                    item.setSelected(False)
            for table in self._items.values():
                for item in table.values():
                    if id(item) in wanted and not item.isSelected():
                        item.setSelected(True)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    def select_all(self) -> None:
        """Select every visible placement and sketch element."""
        doc = self.editor.document
        self.select({PLACEMENT: [p.id for p in doc.placements if not p.hidden],
                     SKETCH: [e.id for e in doc.sketch_elements] if doc.sketch_visible else []})

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

    def selection_boxes(self) -> dict[ItemKey, Box]:
        """(kind, id) -> box (canvas px) of each selected placement and sketch element."""
        sel = self.selection()
        return {(kind, i): self.item_box(self._items[kind][i]) for kind in (PLACEMENT, SKETCH) for i in sel[kind]}

    def refresh_overlay(self) -> None:
        """Frame the selected items again (after they moved or the selection changed)."""
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.overlay):
            return
        items = [i for i in self.selectedItems() if isinstance(i, PlacementItem | SketchItem | UnknownItem)]
        self.overlay.refresh(items)

    # -- tools ---------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        """Switch tool (one of TOOLS). Finishes a text edit in progress.

        Raises:
            ValueError: ``tool`` is not one of TOOLS.
        """
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tools.text.commit()
        self.tool = tool
        selectable = tool == "select"
        for item in self._items[PLACEMENT].values():
            item.setEnabled(selectable)
        if not selectable:
            self.clearSelection()
        cursor = Qt.CursorShape.ArrowCursor if selectable else Qt.CursorShape.CrossCursor
        for v in self.views():
            v.viewport().setCursor(cursor)
        self.toolChanged.emit(tool)

    def percent(self, p: QPointF) -> tuple[float, float]:
        """A canvas px point as percent of the canvas (0-100 on each axis, clamped)."""
        doc = self.editor.document
        return (clamp(p.x() * 100.0 / doc.width, 0.0, 100.0), clamp(p.y() * 100.0 / doc.height, 0.0, 100.0))

    def item_at(self, pos: QPointF) -> QGraphicsItem | None:
        """The topmost visible placement, sketch element or placeholder at ``pos`` (canvas px)."""
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder):
            if isinstance(item, PlacementItem | SketchItem | UnknownItem) and item.isVisible():
                return item
        return None

    def _gesture_tool(self) -> Tool | None:
        tool = self._active
        return tool if tool is not None and tool.active else None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Left button: an open text editor takes it or is committed; else the current tool."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        if self.tools.text.edit_item is not None:
            if not self.tools.text.press_while_editing(event):
                super().mousePressEvent(event)
            return
        self._active = self.tools.for_name(self.tool)
        self._active.press(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt's name
        """The gesture's tool follows the mouse; without one, the handle cursor follows the pointer."""
        tool = self._gesture_tool()
        if tool is None:
            if self.tools.text.edit_item is not None:
                super().mouseMoveEvent(event)
            elif self.tool == "select" and self.overlay.handle_item is not None and not event.buttons():
                self.tools.select.hover(event.scenePos())
            return
        tool.move(event)
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt's name
        """The gesture's tool pushes its step; the snap guides go."""
        tool, self._active = self._gesture_tool(), None
        if tool is None:
            super().mouseReleaseEvent(event)
            return
        tool.release(event)
        self.set_guides([])
        event.accept()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Double-click on a text element with the select tool edits it in place."""
        item = self.item_at(event.scenePos())
        if self.tool == "select" and isinstance(item, SketchItem) and item.element.kind == "text":
            self.tools.text.begin_edit(item.element_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    @property
    def gesture_active(self) -> bool:
        """True between the press and the release of a drag, stroke or erase."""
        return self._gesture_tool() is not None

    def cancel_gesture(self) -> None:
        """Escape: drop a gesture in progress and put the items back as the document has them."""
        tool, self._active = self._gesture_tool(), None
        if tool is None:
            return
        tool.cancel()
        self.set_guides([])
        self.refresh_overlay()

    # -- guides ------------------------------------------------------------------------------
    def set_guides(self, guides: list[Guide]) -> None:
        """Show these snap guides (canvas px lines), hiding the rest; guidesChanged when they change."""
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
