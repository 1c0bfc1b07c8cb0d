"""Helpers to drive the real widgets: drops and mouse strokes on the canvas view."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio_app.ui.canvas.view import MEDIA_IDS_MIME, CanvasView


def drop_on_view(view: CanvasView, mime: QMimeData, scene_pos: QPointF) -> None:
    """Deliver a drop of ``mime`` at ``scene_pos`` (canvas px) to the view's viewport."""
    pos = view.mapFromScene(scene_pos)
    # Qt delivers a drop only to the widget that accepted the drag's enter event.
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def media_mime(asset_ids: list[str]) -> QMimeData:
    """Mime data as the library panel sends it."""
    mime = QMimeData()
    mime.setData(MEDIA_IDS_MIME, json.dumps(asset_ids).encode())
    return mime


def file_mime(paths: list[str]) -> QMimeData:
    """Mime data as a file manager sends it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    return mime


def stroke(view: CanvasView, scene_points: list[QPointF]) -> None:
    """Press, move through and release the left button along ``scene_points``."""
    vp = view.viewport()
    pts: list[QPoint] = [view.mapFromScene(p) for p in scene_points]
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pts[0])
    for p in pts[1:]:
        QTest.mouseMove(vp, p)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pts[-1])
