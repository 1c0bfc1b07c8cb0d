"""CanvasScene: mirrors the CanvasDocument and turns gestures into QUndoCommands.

Mirroring is targeted: CanvasEditor reports a ChangeSet per edit and only the items it
names are created, updated or removed. Gestures (move, resize, rotate, draw, erase)
change the items live and push one command on release.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import shiboken6
from PySide6.QtCore import QMimeData, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
    QPixmapCache,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

from .commands import (
    AddSketchCommand,
    AlignCommand,
    ArrangeCommand,
    DistributeCommand,
    FlipCommand,
    InsertItemsCommand,
    NudgeCommand,
    RemoveItemsCommand,
    SetPlacementFieldsCommand,
    SetSketchVisibleCommand,
    StyleSketchCommand,
    UpdateItemsCommand,
    copies_for_paste,
    placement_changes,
    sketch_changes,
)
from .editor import CanvasEditor, ChangeSet
from .geometry import (
    Box,
    clamp,
    constrain_angle,
    resize_box,
    rotated_aabb,
    rotation_from_drag,
    shift_points,
    simplify_stroke,
    smooth_stroke,
    union,
)
from .items import (
    DRAFT_Z,
    GUIDE_COLOUR,
    OVERLAY_Z,
    SKETCH_Z_BASE,
    PlacementItem,
    SelectionOverlay,
    SketchItem,
    TextEditItem,
    UnknownItem,
    text_font,
)
from .pixmaps import PixmapPyramids
from .snapping import SNAP_DISTANCE_SCREEN_PX, Guide, Snapper

TOOLS = ("select", "pen", "line", "arrow", "rectangle", "ellipse", "text", "eraser")
"""The seed's SketchEditor tools."""
DRAW_TOOLS = ("pen", "line", "arrow", "rectangle", "ellipse")
CLIPBOARD_MIME = "application/x-studio-canvas-items"
PASTE_OFFSET_PCT = 3.0
"""Pasted and duplicated items land this far (percent) right and down of the originals."""
PEN_SIMPLIFY_PX = 0.6
"""Freehand strokes are simplified to within this distance of the drawn path, canvas px."""
PEN_SMOOTH_MAX_SCREEN_PX = 6.0
"""Freehand points closer than this on screen (px) to both neighbours are averaged (mouse jitter)."""
ERASER_SCREEN_PX = 8.0
"""Eraser radius on screen, px."""
PIXMAP_CACHE_KB = 256 * 1024
"""QPixmapCache budget for the items' device caches (Qt's default 10 MB thrashes at 700 items)."""

ImageLookup = Callable[[MediaAssetPlacement], QImage | None]


@dataclass
class SketchStyle:
    """Style of new sketch elements (and of restyled selections).

    Attributes:
        colour: ``#RRGGBB``; stroke_width: px at 1x; fill: fill rectangles/ellipses
            with ``colour`` at FILL_ALPHA; font_family, font_size (px at 1x) for text.
    """

    colour: str = "#FF3B30"
    stroke_width: float = 6.0
    fill: bool = False
    font_family: str = "Sans Serif"
    font_size: float = 64.0

    FILL_ALPHA = "66"

    def fill_colour(self) -> str | None:
        """The fill value for new rectangles/ellipses (None when fill is off)."""
        return self.colour.upper() + self.FILL_ALPHA if self.fill else None


class _Gesture:
    """State of one mouse gesture (press to release)."""

    def __init__(self, kind: str, start: QPointF) -> None:
        self.kind = kind
        self.start = QPointF(start)
        self.last = QPointF(start)


class CanvasScene(QGraphicsScene):
    """The canvas in scene coordinates = canvas px at 1x.

    Attributes:
        tool: current tool, one of TOOLS.
        style: SketchStyle for new sketch elements.
        snapping: snap moved items to canvas edges, centre lines and other items.
        view_scale: device px per canvas px of the view (set by CanvasView on zoom).

    Signals:
        toolChanged(str), textEditingChanged(bool), guidesChanged(list[Guide]).
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
        self._checker.setBrush(_checker_brush())
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
        self._gesture: _Gesture | None = None
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

    # -- operations (menus, shortcuts, panels) ---------------------------------------------
    def _push(self, command) -> bool:  # noqa: ANN001 - a QUndoCommand
        if isinstance(command, UpdateItemsCommand) and command.is_empty():
            return False
        self.undo_stack.push(command)
        return True

    def delete_selected(self) -> bool:
        """Delete the selection as one undo step."""
        pids, sids, uids = self.selected_ids()
        if not (pids or sids or uids):
            return False
        self.undo_stack.push(RemoveItemsCommand(self.editor, pids, sids, uids))
        return True

    def nudge_selected(self, dx_px: float, dy_px: float) -> bool:
        """Move the selection by (dx, dy) canvas px; consecutive nudges merge into one step."""
        pids, sids, _ = self.selected_ids()
        return self._push(NudgeCommand(self.editor, pids, sids, dx_px, dy_px))

    def arrange_selected(self, how: str) -> bool:
        """Z-order of the selection: forward, backward, front, back."""
        pids, sids, _ = self.selected_ids()
        return self._push(ArrangeCommand(self.editor, pids, sids, how))

    def align_selected(self, mode: str) -> bool:
        """Align the selection (to the canvas when one item is selected)."""
        boxes = self.selection_boxes()
        if not boxes:
            return False
        doc = self.editor.document
        reference = Box(0, 0, doc.width, doc.height) if len(boxes) == 1 else None
        return self._push(AlignCommand(self.editor, boxes, mode, reference))

    def distribute_selected(self, axis: str) -> bool:
        """Equal gaps between 3 or more selected items along axis "h" or "v"."""
        boxes = self.selection_boxes()
        return len(boxes) >= 3 and self._push(DistributeCommand(self.editor, boxes, axis))

    def flip_selected(self, axis: str) -> bool:
        """Mirror the selected placements ("h" or "v")."""
        pids, _, _ = self.selected_ids()
        return self._push(FlipCommand(self.editor, pids, axis))

    def set_selected_fields(self, values: dict, text: str) -> bool:
        """Set fields (opacity, locked, hidden, ...) on every selected placement as one step."""
        pids, _, _ = self.selected_ids()
        return self._push(SetPlacementFieldsCommand(self.editor, pids, values, text))

    def toggle_locked_selected(self) -> bool:
        """Lock the selected placements, or unlock them when all are locked."""
        pids, _, _ = self.selected_ids()
        ps = [self.editor.placement(i) for i in pids]
        lock = not all(p.locked for p in ps if p)
        return self.set_selected_fields({"locked": lock}, "Lock" if lock else "Unlock")

    def toggle_hidden_selected(self) -> bool:
        """Hide the selected placements, or show them when all are hidden."""
        pids, _, _ = self.selected_ids()
        ps = [self.editor.placement(i) for i in pids]
        hide = not all(p.hidden for p in ps if p)
        return self.set_selected_fields({"hidden": hide}, "Hide" if hide else "Show")

    def set_sketch_visible(self, visible: bool) -> bool:
        """Show or hide the sketch layer (undoable, saved with the document)."""
        if self.editor.document.sketch_visible == visible:
            return False
        self.undo_stack.push(SetSketchVisibleCommand(self.editor, visible))
        return True

    def apply_style(self, **fields) -> bool:  # noqa: ANN003 - SketchStyle fields
        """Change the style for new elements and restyle the selected sketch elements (one step)."""
        self.style = replace(self.style, **fields)
        values: dict = {}
        if "colour" in fields:
            values["color"] = self.style.colour.upper()
        if "stroke_width" in fields:
            values["stroke_width"] = self.style.stroke_width
        if "fill" in fields or ("colour" in fields and self.style.fill):
            values["fill"] = self.style.fill_colour()
        if "font_family" in fields:
            values["font_family"] = self.style.font_family
        if "font_size" in fields:
            values["font_size"] = self.style.font_size
        if self._text_edit is not None:
            self._style_text_editor()
        _, sids, _ = self.selected_ids()
        return bool(sids and values) and self._push(StyleSketchCommand(self.editor, sids, values))

    def copy_selected(self) -> QMimeData | None:
        """The selection as clipboard data (CLIPBOARD_MIME, JSON), or None when nothing is selected."""
        pids, sids, _ = self.selected_ids()
        if not (pids or sids):
            return None
        data = {"placements": [self.editor.placement(i).model_dump(mode="json") for i in pids],
                "sketch_elements": [self.editor.sketch_element(i).model_dump(mode="json") for i in sids]}
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, json.dumps(data).encode("utf-8"))
        return mime

    def cut_selected(self) -> QMimeData | None:
        """Copy, then delete the selection (one undo step: "Cut")."""
        mime = self.copy_selected()
        if mime is not None:
            pids, sids, _ = self.selected_ids()
            self.undo_stack.push(RemoveItemsCommand(self.editor, pids, sids, (), "Cut"))
        return mime

    def paste(self, mime: QMimeData | None) -> bool:
        """Insert clipboard items (new ids, offset, on top) as one step and select them.

        Clipboard data that is not ours or not valid is ignored (returns False).
        """
        if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
            return False
        try:
            data = json.loads(bytes(mime.data(CLIPBOARD_MIME)).decode("utf-8"))
            placements = [MediaAssetPlacement.model_validate(p) for p in data.get("placements", [])]
            sketches = [SketchElement.model_validate(e) for e in data.get("sketch_elements", [])]
        except (ValueError, TypeError, AttributeError):
            return False
        return self._insert_copies(placements, sketches, "Paste")

    def duplicate_selected(self) -> bool:
        """Copies of the selection, offset, as one step ("Duplicate")."""
        pids, sids, _ = self.selected_ids()
        placements = [self.editor.placement(i) for i in pids]
        sketches = [self.editor.sketch_element(i) for i in sids]
        return self._insert_copies(placements, sketches, "Duplicate")

    def _insert_copies(self, placements: list, sketches: list, text: str) -> bool:
        if not (placements or sketches):
            return False
        new_p, new_s = copies_for_paste(placements, sketches, self.editor, PASTE_OFFSET_PCT)
        self.undo_stack.push(InsertItemsCommand(self.editor, new_p, new_s, text))
        self.select_ids([p.id for p in new_p], [e.id for e in new_s])
        return True

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

    def _top_item_at(self, pos: QPointF) -> QGraphicsItem | None:
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
            self._gesture = _Gesture("erase", pos)
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
        item = self._top_item_at(event.scenePos())
        if self.tool == "select" and isinstance(item, SketchItem) and item.element.kind == "text":
            self.begin_text_edit(item.element_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

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
            g = _Gesture("rotate" if handle == "rotate" else "resize", pos)
            g.item, g.handle = item, handle
            g.items = [item]
            g.frame = item.frame_transform()
            g.inverse, _ = g.frame.inverted()
            g.w0, g.h0, g.rot0 = item.box_w, item.box_h, item.box_rotation
            self._gesture = g
            event.accept()
            return
        item = self._top_item_at(pos)
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
        g = _Gesture("move", pos)
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

    def _started(self, g: _Gesture, items: list[QGraphicsItem]) -> None:
        if not getattr(g, "announced", False):
            g.announced = True
            self.gestureStarted.emit(items)

    def _drag_move(self, g: _Gesture, pos: QPointF, shift: bool, no_snap: bool) -> None:
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

    def _finish_move(self, g: _Gesture) -> None:
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

    def _drag_resize(self, g: _Gesture, pos: QPointF, shift: bool) -> None:
        self._started(g, [g.item])
        local = g.inverse.map(pos)
        w, h, cdx, cdy = resize_box(g.w0, g.h0, g.handle, local.x(), local.y(), shift)
        centre = g.frame.map(QPointF(cdx, cdy))
        g.item.setPos(centre)
        g.item.set_geometry(w, h, g.rot0)
        self.gestureMoved.emit()
        self._refresh_overlay()

    def _drag_rotate(self, g: _Gesture, pos: QPointF, shift: bool) -> None:
        self._started(g, [g.item])
        c = g.item.pos()
        angle = rotation_from_drag(c.x(), c.y(), pos.x(), pos.y(), shift)
        g.item.set_geometry(g.w0, g.h0, angle)
        self.gestureMoved.emit()
        self._refresh_overlay()

    def _finish_transform(self, g: _Gesture) -> None:
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
        g = _Gesture("draw", pos)
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

    def _drag_draw(self, g: _Gesture, pos: QPointF, shift: bool) -> None:
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

    def _finish_draw(self, g: _Gesture, pos: QPointF, shift: bool) -> None:
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
            kind=self.tool, points=points, color=self.style.colour, stroke_width=self.style.stroke_width,
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
        item = self._top_item_at(pos)
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
                                    color=self.style.colour, font_size=self.style.font_size,
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
        e = ed.element.model_copy(update={"color": self.style.colour.upper(), "font_size": self.style.font_size,
                                          "font_family": self.style.font_family})
        ed.element = e
        ed.setFont(text_font(e))
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


def _checker_brush() -> QBrush:
    """The grey/white checkerboard shown under a transparent background."""
    pix = QPixmap(16, 16)
    pix.fill(QColor("#CCCCCC"))
    p = QPainter(pix)
    p.fillRect(0, 0, 8, 8, QColor("#FFFFFF"))
    p.fillRect(8, 8, 8, 8, QColor("#FFFFFF"))
    p.end()
    return QBrush(pix)
