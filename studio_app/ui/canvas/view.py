"""CanvasView: shows the CanvasScene fitted to the widget; accepts drops from the library and files."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QGraphicsView

from .scene import CanvasScene

MEDIA_IDS_MIME = "application/x-studio-media-asset-ids"


class CanvasView(QGraphicsView):
    """The canvas widget.

    Signals:
        mediaDropped(list[str] asset_ids, QPointF scene_pos): library items dropped.
        filesDropped(list[str] paths, QPointF scene_pos): files from the file manager dropped.
    """

    mediaDropped = Signal(list, QPointF)
    filesDropped = Signal(list, QPointF)

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__(scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setAcceptDrops(True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setBackgroundBrush(Qt.GlobalColor.darkGray)
        self.setMinimumSize(320, 200)
        self.on_delete: Callable[[], None] = scene.delete_selected
        scene.sceneRectChanged.connect(lambda _r: self.fit())

    def fit(self) -> None:
        """Zoom so the whole canvas is visible."""
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.on_delete()
            return
        super().keyPressEvent(event)

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
        pos = self.mapToScene(event.position().toPoint())
        if mime.hasFormat(MEDIA_IDS_MIME):
            try:
                ids = [str(i) for i in json.loads(bytes(mime.data(MEDIA_IDS_MIME)).decode("utf-8"))]
            except (ValueError, UnicodeDecodeError):
                return
            self.mediaDropped.emit(ids, pos)
            event.acceptProposedAction()
        elif mime.hasUrls():
            paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
            if paths:
                self.filesDropped.emit(paths, pos)
                event.acceptProposedAction()
