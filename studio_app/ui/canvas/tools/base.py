"""What every tool controller shares: its scene, and the gesture announcement to the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGraphicsItem

if TYPE_CHECKING:
    from ..scene import CanvasScene


class ToolBase:
    """A tool controller bound to one scene.

    The first live change of a gesture emits the scene's ``gestureStarted(items)`` (the view
    freezes everything else into cached layers); the end of the gesture emits
    ``gestureFinished()``.
    """

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self._announced = False

    def _announce(self, items: list[QGraphicsItem]) -> None:
        if not self._announced:
            self._announced = True
            self.scene.gestureStarted.emit(items)

    def _end_announcement(self) -> None:
        if self._announced:
            self._announced = False
            self.scene.gestureFinished.emit()
