"""SketchStyle: colour, stroke width, fill and font of new sketch elements."""

from __future__ import annotations

from dataclasses import dataclass

from studio_app.domain.sketch import percent_of_height


@dataclass
class SketchStyle:
    """Style of new sketch elements (and of restyled selections).

    Attributes:
        colour: ``#RRGGBB``; stroke_width: px on the current canvas at 1x (what the style
            bar shows); fill: fill rectangles/ellipses with ``colour`` at FILL_ALPHA;
            font_family, font_size (px on the current canvas at 1x) for text.

    Elements store widths and sizes in percent of the canvas height: convert with
    ``to_percent`` / ``to_px``.
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


def to_percent(px: float, canvas_height: float) -> float:
    """A style length (px on a canvas ``canvas_height`` px tall) as an element's percent of the
    height, capped at 100 (the element's maximum)."""
    return min(100.0, percent_of_height(px, canvas_height))


def to_px(percent: float, canvas_height: float) -> float:
    """An element's percent-of-height length as px on a canvas ``canvas_height`` px tall."""
    return percent * canvas_height / 100.0
