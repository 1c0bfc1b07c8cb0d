"""CanvasScene: mirrors the CanvasDocument and turns mouse gestures into QUndoCommands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainterPath, QPen, QUndoStack
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSceneMouseEvent

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

from .commands import AddSketchCommand, UpdatePlacementCommand, delete_items_macro
from .editor import CanvasEditor
from .items import PlacementItem, SketchItem

TOOLS = ("select", "pen", "arrow", "rectangle", "text")
ImageLookup = Callable[[MediaAssetPlacement], QImage | None]
TextPrompt = Callable[[], str | None]


class CanvasScene(QGraphicsScene):
    """The canvas in scene coordinates = canvas px at 1x.

    Attributes:
        tool: current tool, one of TOOLS.
        stroke_colour, stroke_width: style for new sketch elements (``#RRGGBB``, px).
        text_prompt: asks the user for text (a dialog in the app; tests set a lambda).
    """

    toolChanged = Signal(str)

    def __init__(self, editor: CanvasEditor, undo_stack: QUndoStack, images: ImageLookup) -> None:
        super().__init__()
        self.editor, self.undo_stack, self.images = editor, undo_stack, images
        self.tool = "select"
        self.stroke_colour = "#FF3B30"
        self.stroke_width = 6.0
        self.font_size = 64.0
        self.text_prompt: TextPrompt = lambda: None
        self._placements: dict[str, PlacementItem] = {}
        self._sketches: dict[str, SketchItem] = {}
        self._background = QGraphicsRectItem()
        self._background.setZValue(-1_000_000)
        self._background.setPen(QPen(Qt.PenStyle.NoPen))
        self.addItem(self._background)
        self._draft: QGraphicsPathItem | None = None
        self._draft_points: list[QPointF] = []
        editor.changed.connect(self.sync)
        editor.documentReplaced.connect(self._on_replaced)
        self._on_replaced()
        self.sync()

    # -- mirroring -------------------------------------------------------------------
    def _on_replaced(self) -> None:
        doc = self.editor.document
        self.setSceneRect(QRectF(0, 0, doc.width, doc.height))
        self._background.setRect(QRectF(0, 0, doc.width, doc.height))
        for item in [*self._placements.values(), *self._sketches.values()]:
            self.removeItem(item)
        self._placements.clear()
        self._sketches.clear()

    def sync(self) -> None:
        """Create, update and remove items so they match the document."""
        doc = self.editor.document
        self._background.setBrush(QColor(doc.background))
        live = {p.id for p in doc.placements}
        for pid in list(self._placements):
            if pid not in live:
                self.removeItem(self._placements.pop(pid))
        for p in doc.placements:
            item = self._placements.get(p.id)
            if item is None:
                item = PlacementItem(p, doc.width, doc.height, self.images(p), self._on_item_edited)
                self._placements[p.id] = item
                self.addItem(item)
            elif item.placement != p or (item.canvas_w, item.canvas_h) != (doc.width, doc.height):
                item.update_from(p, doc.width, doc.height)
        live_s = {e.id for e in doc.sketch_elements}
        for sid in list(self._sketches):
            if sid not in live_s:
                self.removeItem(self._sketches.pop(sid))
        for i, e in enumerate(doc.sketch_elements):
            item_s = self._sketches.get(e.id)
            if item_s is None:
                item_s = SketchItem(e, doc.width, doc.height)
                self._sketches[e.id] = item_s
                self.addItem(item_s)
            item_s.setZValue(10_000 + i)

    def placement_item(self, placement_id: str) -> PlacementItem | None:
        """The item showing that placement."""
        return self._placements.get(placement_id)

    def _on_item_edited(self, placement_id: str, before: dict, after: dict, text: str) -> None:
        self.undo_stack.push(UpdatePlacementCommand(self.editor, placement_id, before, after, text))

    # -- tools -----------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        """Switch tool (one of TOOLS)."""
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        movable = tool == "select"
        for item in self._placements.values():
            item.setEnabled(movable)
        for s in self._sketches.values():
            s.setEnabled(movable)
        self.toolChanged.emit(tool)

    def delete_selected(self) -> None:
        """Delete the selected placements and sketch elements as one undo step."""
        pids = [i.placement_id for i in self.selectedItems() if isinstance(i, PlacementItem)]
        sids = [i.element_id for i in self.selectedItems() if isinstance(i, SketchItem)]
        if pids or sids:
            self.undo_stack.push(delete_items_macro(self.editor, pids, sids))

    def _percent(self, p: QPointF) -> tuple[float, float]:
        doc = self.editor.document
        return (min(100.0, max(0.0, p.x() * 100.0 / doc.width)),
                min(100.0, max(0.0, p.y() * 100.0 / doc.height)))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.tool == "select" or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        if self.tool == "text":
            text = self.text_prompt()
            if text:
                element = SketchElement(kind="text", points=[self._percent(event.scenePos())],
                                        color=self.stroke_colour, text=text, font_size=self.font_size)
                self.undo_stack.push(AddSketchCommand(self.editor, element))
            return
        self._draft_points = [event.scenePos()]
        self._draft = QGraphicsPathItem()
        pen = QPen(QColor(self.stroke_colour), self.stroke_width, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        self._draft.setPen(pen)
        self._draft.setZValue(1_000_000)
        self.addItem(self._draft)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._draft is None:
            super().mouseMoveEvent(event)
            return
        pos = event.scenePos()
        if self.tool == "pen":
            self._draft_points.append(pos)
        else:
            self._draft_points = [self._draft_points[0], pos]
        path = QPainterPath(self._draft_points[0])
        if self.tool == "rectangle" and len(self._draft_points) == 2:
            path.addRect(QRectF(self._draft_points[0], self._draft_points[1]).normalized())
        else:
            for p in self._draft_points[1:]:
                path.lineTo(p)
        self._draft.setPath(path)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._draft is None:
            super().mouseReleaseEvent(event)
            return
        self.removeItem(self._draft)
        self._draft = None
        points = [self._percent(p) for p in self._draft_points]
        self._draft_points = []
        if self.tool != "pen":
            points = [points[0], self._percent(event.scenePos())]
        if len(points) < 2 or points[0] == points[-1]:
            return
        element = SketchElement(kind=self.tool, points=points, color=self.stroke_colour,
                                stroke_width=self.stroke_width)
        self.undo_stack.push(AddSketchCommand(self.editor, element))
