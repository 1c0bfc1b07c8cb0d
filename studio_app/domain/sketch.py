"""SketchElement: the sketch editor's strokes, shapes and text.

The original design's SketchEditor has 8 tools: the
drawable kinds are pen, line, arrow, rectangle, ellipse, text; select and eraser are
tools, not elements). Points are in percent of the canvas (0-100).
"""

from __future__ import annotations

import re
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SketchKind = Literal["pen", "line", "arrow", "rectangle", "ellipse", "text"]
SKETCH_KINDS: tuple[str, ...] = ("pen", "line", "arrow", "rectangle", "ellipse", "text")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def validate_hex_colour(value: str) -> str:
    """Return ``value`` upper-cased if it is ``#RRGGBB`` or ``#RRGGBBAA``.

    Raises:
        ValueError: not a hex colour.
    """
    if not isinstance(value, str) or not _HEX.match(value):
        raise ValueError(f"not a hex colour (#RRGGBB): {value!r}")
    return value.upper()


Point = tuple[float, float]

DEFAULT_STROKE_PERCENT = 0.6
"""Default stroke width, percent of the canvas height (about 4 px on a 720 px thumbnail)."""
DEFAULT_FONT_PERCENT = 6.5
"""Default font pixel size, percent of the canvas height (about 47 px on a 720 px thumbnail)."""


def percent_of_height(px: float, canvas_height: float) -> float:
    """A length in px on a canvas ``canvas_height`` px tall, as percent of that height.

    Raises:
        ValueError: canvas_height is not positive.
    """
    if canvas_height <= 0:
        raise ValueError(f"canvas height must be positive px, got {canvas_height}")
    return px * 100.0 / canvas_height


class SketchElement(BaseModel):
    """One sketch element.

    Attributes:
        id: stable id (uuid4 hex) so undo, eraser and sync can address it.
        kind: pen (freehand, >= 2 points), line/arrow (2 points: start, end),
            rectangle/ellipse (2 points: opposite corners), text (1 point: top-left).
        points: (x, y) pairs in percent of canvas width/height, each 0-100.
        color: stroke (or text) colour, ``#RRGGBB``.
        stroke_width: percent of the canvas height, > 0 and <= 100 (canvas schema 3; so a
            sketch scales with its canvas when the design is resized to another target).
        fill: fill colour for rectangle/ellipse, or None.
        text, font_size, font_family: for kind ``text``; font_size is the pixel size of the
            font in percent of the canvas height, > 0 and <= 100 (canvas schema 3).

    Raises:
        pydantic.ValidationError: wrong point count for the kind, points out of range,
            a bad colour, or a text element without text.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    kind: SketchKind
    points: list[Point]
    color: str = "#FF3B30"
    stroke_width: float = Field(DEFAULT_STROKE_PERCENT, gt=0, le=100)
    fill: str | None = None
    text: str | None = None
    font_size: float = Field(DEFAULT_FONT_PERCENT, gt=0, le=100)
    font_family: str = "Sans Serif"
    z_index: int = Field(0, ge=0)

    @field_validator("color")
    @classmethod
    def _stroke_colour(cls, v: str) -> str:
        return validate_hex_colour(v)

    @field_validator("fill")
    @classmethod
    def _fill_colour(cls, v: str | None) -> str | None:
        return None if v is None else validate_hex_colour(v)

    @field_validator("points")
    @classmethod
    def _points_in_range(cls, v: list[Point]) -> list[Point]:
        for x, y in v:
            if not (0 <= x <= 100 and 0 <= y <= 100):
                raise ValueError(f"sketch point ({x}, {y}) is outside the canvas (0-100 percent)")
        return [(float(x), float(y)) for x, y in v]

    @model_validator(mode="after")
    def _shape_of_kind(self) -> SketchElement:
        n = len(self.points)
        if self.kind == "pen" and n < 2:
            raise ValueError("a pen stroke needs at least 2 points")
        if self.kind in ("line", "arrow", "rectangle", "ellipse") and n != 2:
            raise ValueError(f"a {self.kind} needs exactly 2 points")
        if self.kind == "text":
            if n != 1:
                raise ValueError("a text element needs exactly 1 point")
            if not self.text:
                raise ValueError("a text element needs text")
        return self

    def stroke_px(self, canvas_height: float) -> float:
        """The stroke width in px on a canvas (or output) ``canvas_height`` px tall."""
        return self.stroke_width * canvas_height / 100.0

    def font_px(self, canvas_height: float) -> float:
        """The font's pixel size in px on a canvas (or output) ``canvas_height`` px tall."""
        return self.font_size * canvas_height / 100.0

    def bounds(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) of the points, in percent."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)
