"""CanvasWorkspace: the composer assembled: view, tool bar or Easy Sketch bar, inspector, layers, history.

The main window embeds the workspace and docks its side panels; tests build it alone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QToolBar, QUndoView, QVBoxLayout, QWidget

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement

from .actions import CanvasActions
from .easy_sketch import DEFAULT_PALETTE, EasySketchBar
from .editor import QtCanvasEditor
from .inspector import InspectorPanel
from .layers import LayersPanel
from .scene import CanvasScene
from .style_bar import StyleBar
from .view import CanvasView

PaletteSource = Callable[[], tuple[list[str], str | None]]
"""Returns (Easy Sketch palette ``#RRGGBB`` list, brand kit name or None)."""


class CanvasWorkspace(QWidget):
    """The canvas editor widgets around one CanvasEditor.

    Attributes:
        editor, scene, view, canvas_actions: the document, its items, the widget, the QActions.
        tool_bar: the tools (vertical, left of the canvas); style_row: colour, width, fill, font;
        easy_bar: Easy Sketch (replaces both while on); inspector, layers, history: side panels.

    Signals:
        easySketchChanged(bool).
    """

    easySketchChanged = Signal(bool)

    def __init__(self, undo_stack: QUndoStack, images: Callable[[MediaAssetPlacement], QImage | None],
                 palette: PaletteSource | None = None, doc: CanvasDocument | None = None) -> None:
        super().__init__()
        self.undo_stack = undo_stack
        self._palette_source = palette or (lambda: (list(DEFAULT_PALETTE), None))
        self.editor = QtCanvasEditor(doc or CanvasDocument())
        self.scene = CanvasScene(self.editor, undo_stack, images)
        self.scene.setParent(self)
        self.editor.signals.setParent(self)
        self.view = CanvasView(self.scene)
        self.canvas_actions = CanvasActions(self.scene, self.view, self)
        self.style_bar = StyleBar(self.scene)

        self.tool_bar = QToolBar("Tools")
        self.tool_bar.setOrientation(Qt.Orientation.Vertical)
        self.tool_bar.setIconSize(QSize(24, 24))
        for act in self.canvas_actions.tools.values():
            self.tool_bar.addAction(act)
        self.style_row = QToolBar("Style")
        self.style_row.setIconSize(QSize(20, 20))
        self.style_row.addWidget(self.style_bar)
        self.style_row.addSeparator()
        self.easy_action = QAction("Easy Sketch", self, checkable=True)
        self.easy_action.setToolTip("Three big tools and your brand colours")
        self.easy_action.toggled.connect(self.set_easy_sketch)
        self.style_row.addAction(self.easy_action)

        palette_colours, brand = self._palette_source()
        self.easy_bar = EasySketchBar(self.scene, palette_colours, brand)
        self.easy_bar.exitRequested.connect(lambda: self.easy_action.setChecked(False))
        self.easy_bar.hide()

        self.inspector = InspectorPanel(self.scene)
        self.layers = LayersPanel(self.scene)
        self.history = QUndoView(undo_stack)
        self.history.setEmptyLabel("Opened document")

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.tool_bar)
        body.addWidget(self.view, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.style_row)
        layout.addWidget(self.easy_bar)
        layout.addLayout(body, 1)

    @property
    def easy_sketch(self) -> bool:
        """True while Easy Sketch replaces the full tool set."""
        return not self.easy_bar.isHidden()

    def set_easy_sketch(self, on: bool) -> None:
        """Switch Easy Sketch on (brand palette refreshed, pen tool) or off (select tool)."""
        if on == self.easy_sketch:
            return
        self.easy_bar.setVisible(on)
        self.tool_bar.setVisible(not on)
        self.style_row.setVisible(not on)
        if on:
            colours, brand = self._palette_source()
            self.easy_bar.set_palette(colours, brand)
            self.easy_bar.choose_tool("pen")
        else:
            self.scene.set_tool("select")
        if self.easy_action.isChecked() != on:
            self.easy_action.setChecked(on)
        self.easySketchChanged.emit(on)
