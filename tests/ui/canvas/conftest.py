"""A canvas editor, scene and view wired like the main window, without the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QUndoStack

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.ui.canvas.editor import CanvasEditor
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
        self.editor = CanvasEditor(doc or CanvasDocument())
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
