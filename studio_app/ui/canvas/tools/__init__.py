"""The canvas tools: each a controller the scene hands its mouse events to.

One small interface (:class:`Tool`): ``press``, ``move``, ``release`` and ``cancel`` a
gesture, and ``active`` between press and release. The scene owns one of each
(:class:`Tools`: select, draw, text, erase) and routes a press to the tool of its current
tool name, then the move and release events to the tool that took the press. Items change
live during a gesture; one undo command is pushed on release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from .draw import DrawTool
from .erase import EraseTool
from .select import SelectTool
from .text import TextTool

if TYPE_CHECKING:
    from ..scene import CanvasScene

__all__ = ["DrawTool", "EraseTool", "SelectTool", "TextTool", "Tool", "Tools"]


class Tool(Protocol):
    """What the scene asks of a tool controller (positions are canvas px, the scene's units)."""

    @property
    def active(self) -> bool:
        """True between a press this tool took and its release (or cancel)."""

    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        """Left button down; the tool accepts the event, or ignores it (the view rubber-bands)."""

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Mouse moved during the gesture: change the items live."""

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        """Left button up: push the gesture's one undo command (if it changed anything)."""

    def cancel(self) -> None:
        """Drop the gesture and put the items back as the document has them."""


class Tools:
    """The scene's tool controllers.

    Attributes:
        select: move, resize, rotate and pick (the "select" tool).
        draw: pen, line, arrow, rectangle and ellipse.
        text: the in-place text editor (the "text" tool; double-click on a text element).
        erase: the eraser.
    """

    def __init__(self, scene: CanvasScene) -> None:
        self.select = SelectTool(scene)
        self.draw = DrawTool(scene)
        self.text = TextTool(scene)
        self.erase = EraseTool(scene)

    def for_name(self, name: str) -> Tool:
        """The controller of a tool name (one of the scene's TOOLS)."""
        if name == "select":
            return self.select
        if name == "text":
            return self.text
        if name == "eraser":
            return self.erase
        return self.draw
