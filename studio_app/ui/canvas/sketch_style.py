"""SketchStyle: colour, stroke width, fill and font of new sketch elements."""

from __future__ import annotations

from dataclasses import dataclass


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
