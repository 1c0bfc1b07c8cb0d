"""A canvas editor, scene and view wired like the main window, without the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.ui.canvas.editor import QtCanvasEditor
from studio_app.ui.canvas.scene import CanvasScene
from studio_app.ui.canvas.view import CanvasView


class PhotoImages:
    """Image lookup backed by the fixture photos: asset_id is the photo's file name."""

    def __init__(self, photos: list[Path]) -> None:
        self._images = {p.name: QImage(str(p)) for p in photos}

    def __call__(self, placement: MediaAssetPlacement) -> QImage | None:
        return self._images.get(placement.asset_id)


class Canvas:
    """The pieces of a canvas under test."""

    def __init__(self, qtbot, photos: list[Path], doc: CanvasDocument | None = None) -> None:  # noqa: ANN001
        self.editor = QtCanvasEditor(doc or CanvasDocument())
        self.stack = QUndoStack()
        self.images = PhotoImages(photos)
        self.scene = CanvasScene(self.editor, self.stack, self.images)
        self.view = CanvasView(self.scene)
        self.view.resize(1000, 640)
        qtbot.addWidget(self.view)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.view.fit()

    @property
    def doc(self) -> CanvasDocument:
        return self.editor.document


@pytest.fixture
def canvas(qtbot, photos):  # noqa: ANN001
    return Canvas(qtbot, photos)


LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def mouse(view: CanvasView, kind: QEvent.Type, scene_pos: QPointF, button: Qt.MouseButton = LEFT,
          buttons: Qt.MouseButton | None = None, modifiers: Qt.KeyboardModifier = NO_MOD) -> None:
    """Send one real QMouseEvent to the view's viewport at ``scene_pos`` (canvas px)."""
    pos = QPointF(view.mapFromScene(scene_pos))
    if buttons is None:
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())),
                        button if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), event)


def drag(view: CanvasView, points: list[QPointF], modifiers: Qt.KeyboardModifier = NO_MOD,
         button: Qt.MouseButton = LEFT) -> None:
    """Press at the first point, move through the others, release at the last (canvas px)."""
    mouse(view, QEvent.Type.MouseButtonPress, points[0], button, modifiers=modifiers)
    for p in points[1:]:
        mouse(view, QEvent.Type.MouseMove, p, button, modifiers=modifiers)
    mouse(view, QEvent.Type.MouseButtonRelease, points[-1], button, modifiers=modifiers)


def click(view: CanvasView, scene_pos: QPointF, modifiers: Qt.KeyboardModifier = NO_MOD) -> None:
    """Press and release at one point."""
    mouse(view, QEvent.Type.MouseButtonPress, scene_pos, modifiers=modifiers)
    mouse(view, QEvent.Type.MouseButtonRelease, scene_pos, modifiers=modifiers)


def place(canvas: Canvas, name: str = "astronaut.png", **fields) -> MediaAssetPlacement:  # noqa: ANN003
    """Put a placement of a fixture photo on the canvas (one undo step) and return it."""
    from studio_app.ui.canvas.commands import AddPlacementCommand

    p = MediaAssetPlacement(asset_id=name, display_name=name.split(".", maxsplit=1)[0], z_index=canvas.editor.next_z_index(),
                            **fields)
    canvas.stack.push(AddPlacementCommand(canvas.editor, p))
    return p
