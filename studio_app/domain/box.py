"""Box: the one axis-aligned rectangle type of the canvas, the snapping and the prompt text.

Units are those of the coordinates a Box is built from, and every producer names them:
canvas px (scene coordinates at 1x) in ``studio_app.canvas`` (geometry, snapping, align),
percent of the canvas (0-100 on each axis) in ``studio_app.prompting`` (placement and sketch
anchors). ``area`` is in that unit squared: px² for a px box, percent² for a percent box
(10,000 percent² is the whole canvas).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: ``left <= right``, ``top <= bottom`` (y grows downwards).

    Attributes:
        left, top, right, bottom: edges, in the unit of the coordinates it was built from
            (canvas px or percent of the canvas, see the module docstring).
        label: what the box stands for in words (a placement's quoted name, "the title text
            'GG'"), "" when anonymous; used by the prompt text.
        kind: the kind of thing it holds ("logo", "photo", ...), "" when anonymous.
    """

    left: float
    top: float
    right: float
    bottom: float
    label: str = ""
    kind: str = ""

    @property
    def width(self) -> float:
        """right - left, in the box's unit."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """bottom - top, in the box's unit."""
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        """Horizontal centre, in the box's unit."""
        return (self.left + self.right) / 2.0

    @property
    def cy(self) -> float:
        """Vertical centre, in the box's unit."""
        return (self.top + self.bottom) / 2.0

    @property
    def centre(self) -> tuple[float, float]:
        """(cx, cy), in the box's unit."""
        return self.cx, self.cy

    @property
    def area(self) -> float:
        """width x height in the box's unit squared (px² or percent²); 0 for an inverted box."""
        return max(0.0, self.width) * max(0.0, self.height)

    def translated(self, dx: float, dy: float) -> Box:
        """The box moved by (dx, dy), same unit; label and kind kept."""
        return Box(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy, self.label, self.kind)

    def united(self, other: Box) -> Box:
        """The smallest anonymous box containing both (same unit assumed)."""
        return Box(min(self.left, other.left), min(self.top, other.top),
                   max(self.right, other.right), max(self.bottom, other.bottom))

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share some area (touching edges do not count)."""
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        """True when (x, y) lies inside the box grown by ``margin`` on every side (same unit)."""
        return (self.left - margin <= x <= self.right + margin
                and self.top - margin <= y <= self.bottom + margin)
