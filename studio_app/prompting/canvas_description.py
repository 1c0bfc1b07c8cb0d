"""The canvas snapshot description: a CanvasDocument in words for the image model.

It is sent with the 2x canvas snapshot so the model knows what the placements and sketch marks
mean. The text is
deterministic (same document, same words) and has up to four parts:

1. ``Canvas: 1280x720 px YouTube thumbnail (thumbnail) on a dark grey background.``
2. the placements, back to front, from :class:`PlacementFormatter`;
3. the text elements: ``Large white title text 'GG EZ' at the top-centre.``;
4. the sketch marks, each related to the placement or text it touches, e.g.
   ``A red arrow from 'Chelsea the cat' towards the title text 'GG EZ'.``,
   ``A yellow rectangle around the top-right corner.``,
   ``A blue freehand stroke across the bottom.``

Colours are named with :func:`colour_name`; positions use the 3x3 grid of
:func:`position_words`. User text (names, text elements) is sanitised.
"""

from __future__ import annotations

import math
from dataclasses import replace

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.box import Box
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement

from .colour_names import colour_name
from .placement_formatter import PlacementFormatter, is_background, placement_box, position_words
from .sanitize import sanitize_input

TEXT_MAX_LENGTH = 100
"""Longest canvas text element quoted in the description, in characters."""
NEAR = 0.08
"""A point this close to an item (share of the canvas's longer side) counts as pointing at it."""
_CHAR_WIDTH = 0.55
"""Average glyph width as a share of the font size, to estimate a text element's box."""


class _Describer:
    def __init__(self, doc: CanvasDocument) -> None:
        self.doc = doc
        self.w = max(1, doc.width)
        self.h = max(1, doc.height)
        self.anchors: list[Box] = []
        size = (doc.width, doc.height)
        for p in doc.sorted_placements():
            if p.hidden:
                continue
            box = placement_box(p, size)
            if not is_background(box):
                self.anchors.append(replace(box, label=f"'{box.label}'"))
        texts = [e for e in self._elements() if e.kind == "text"]
        self.title_id = None
        if texts:
            biggest = max(texts, key=lambda e: e.font_size)  # first of equals: max is stable
            if biggest.font_size / 100 >= 0.08:  # font_size: percent of the canvas height
                self.title_id = biggest.id
        for e in texts:
            left, top, right, bottom = self._text_box(e)
            self.anchors.append(Box(left, top, right, bottom, label=self._text_label(e)))

    # -- helpers ------------------------------------------------------------------------------
    def _elements(self) -> list[SketchElement]:
        return sorted(self.doc.sketch_elements, key=lambda e: e.z_index)

    def _text(self, e: SketchElement) -> str:
        return sanitize_input(e.text, TEXT_MAX_LENGTH)

    def _text_label(self, e: SketchElement) -> str:
        text = self._text(e)
        kind = "the title text" if e.id == self.title_id else "the text"
        return f"{kind} '{text}'" if text else "the text label"

    def _text_box(self, e: SketchElement) -> tuple[float, float, float, float]:
        lines = (e.text or "").splitlines() or [""]
        longest = max(len(line) for line in lines)
        width = _CHAR_WIDTH * e.font_px(self.h) * max(1, longest) * 100 / self.w
        height = 1.2 * e.font_size * len(lines)
        x, y = e.points[0]
        return x, y, min(100.0, x + width), min(100.0, y + height)

    def _distance(self, x: float, y: float, a: Box) -> float:
        """Distance from the point to the box, as a share of the canvas's longer side."""
        dx = max(a.left - x, 0.0, x - a.right) * self.w / 100
        dy = max(a.top - y, 0.0, y - a.bottom) * self.h / 100
        return math.hypot(dx, dy) / max(self.w, self.h)

    def anchor_at(self, x: float, y: float, exclude: str | None = None) -> Box | None:
        """The smallest item containing the point, else the nearest within NEAR, else None."""
        inside = [a for a in self.anchors if a.label != exclude and self._distance(x, y, a) == 0]
        if inside:
            return min(inside, key=lambda a: a.area)
        near = [(self._distance(x, y, a), i, a) for i, a in enumerate(self.anchors) if a.label != exclude]
        near = [t for t in near if t[0] <= NEAR]
        return min(near)[2] if near else None

    def ref(self, x: float, y: float, exclude: str | None = None) -> str:
        a = self.anchor_at(x, y, exclude)
        return a.label if a else region(x, y)

    def enclosed(self, left: float, top: float, right: float, bottom: float) -> list[Box]:
        """Items whose centre lies inside the box and that are not much larger than it."""
        area = max(1e-9, (right - left) * (bottom - top))
        return [a for a in self.anchors
                if left <= a.centre[0] <= right and top <= a.centre[1] <= bottom and a.area <= area * 1.2]

    # -- sentences ----------------------------------------------------------------------------
    def header(self) -> str:
        spec = TARGET_SPECS[self.doc.asset_type]
        return (f"Canvas: {self.doc.width}x{self.doc.height} px {spec.label} ({self.doc.asset_type.value}) "
                f"on a {colour_name(self.doc.background)} background.")

    def text_sentence(self, e: SketchElement) -> str:
        x0, y0, x1, y1 = self._text_box(e)
        share = e.font_size / 100
        size = "large" if share >= 0.08 else "medium" if share >= 0.04 else "small"
        label = self._text_label(e)
        label = label.removeprefix("the ")
        return f"{size.capitalize()} {colour_name(e.color)} {label} at the {position_words((x0 + x1) / 2, (y0 + y1) / 2)}."

    def mark_sentence(self, e: SketchElement) -> str:
        colour = colour_name(e.color)
        if e.kind in ("arrow", "line"):
            (x0, y0), (x1, y1) = e.points[0], e.points[-1]
            start_anchor = self.anchor_at(x0, y0)
            start = start_anchor.label if start_anchor else region(x0, y0)
            end = self.ref(x1, y1, exclude=start_anchor.label if start_anchor else None)
            if e.kind == "arrow":
                if start == end:
                    return f"{_an(colour)} {colour} arrow at {start} pointing {direction(x1 - x0, y1 - y0, self.w, self.h)}."
                return f"{_an(colour)} {colour} arrow from {start} towards {end}."
            return f"{_an(colour)} {colour} line from {start} to {end}."
        left, top, right, bottom = e.bounds()
        if e.kind in ("rectangle", "ellipse"):
            wpx, hpx = (right - left) * self.w / 100, (bottom - top) * self.h / 100
            square = hpx > 0 and 0.8 <= wpx / hpx <= 1.25
            shape = ("square" if square else "rectangle") if e.kind == "rectangle" else (
                "circle" if square else "oval")
            filled = f" filled with {colour_name(e.fill)}" if e.fill else ""
            inside = self.enclosed(left, top, right, bottom)
            if inside:
                return f"{_an(colour)} {colour} {shape}{filled} around {_join([a.label for a in inside[:2]])}."
            return f"{_an(colour)} {colour} {shape}{filled} around {region((left + right) / 2, (top + bottom) / 2)}."
        # pen: freehand stroke
        (sx, sy), (ex, ey) = e.points[0], e.points[-1]
        closed = len(e.points) >= 4 and math.hypot((ex - sx) * self.w, (ey - sy) * self.h) / 100 <= (
            0.1 * max(self.w, self.h))
        if closed:
            inside = self.enclosed(left, top, right, bottom)
            if inside:
                return f"{_an(colour)} {colour} freehand loop circling {_join([a.label for a in inside[:2]])}."
        wide, tall = right - left >= 50, bottom - top >= 50
        cx, cy = (left + right) / 2, (top + bottom) / 2
        if wide and tall:
            return f"{_an(colour)} {colour} freehand scribble over most of the canvas."
        if wide:
            row = "top" if cy < 100 / 3 else "bottom" if cy > 200 / 3 else "middle"
            return f"{_an(colour)} {colour} freehand stroke across the {row}."
        if tall:
            col = "left side" if cx < 100 / 3 else "right side" if cx > 200 / 3 else "middle"
            return f"{_an(colour)} {colour} freehand stroke down the {col}."
        shape = "loop" if closed else "stroke"
        over = self.anchor_at(cx, cy)
        if over is not None:
            relation = "over" if self._distance(cx, cy, over) == 0 else "next to"
            return f"{_an(colour)} {colour} freehand {shape} {relation} {over.label}."
        return f"{_an(colour)} {colour} freehand {shape} at {region(cx, cy)}."

    def describe(self) -> str:
        lines = [self.header()]
        placed = PlacementFormatter.format_placements(self.doc.placements, (self.doc.width, self.doc.height))
        if placed:
            lines.append("Placed media, back to front:")
            lines.extend(placed.splitlines())
        elements = self._elements()
        texts = [e for e in elements if e.kind == "text"]
        marks = [e for e in elements if e.kind != "text"]
        if texts:
            lines.append("Text on the canvas (render it exactly as written):")
            lines.extend(self.text_sentence(e) for e in texts)
        if marks:
            lines.append("Sketch marks (layout hints from the streamer):")
            lines.extend(self.mark_sentence(e) for e in marks)
        if not placed and not elements:
            lines.append("The canvas is empty apart from its background.")
        return "\n".join(lines)


def region(x: float, y: float) -> str:
    """Grid position of a point in percent as a noun phrase: ``"the top-right corner"``, ``"the centre"``,
    ``"the left-centre"``."""
    words = position_words(x, y)
    if words in ("top-left", "top-right", "bottom-left", "bottom-right"):
        return f"the {words} corner"
    return f"the {words}"


def direction(dx: float, dy: float, width: int = 100, height: int = 100) -> str:
    """Compass-like direction of a vector in percent on a canvas of width x height px (y grows down):
    ``"right"``, ``"up-left"``, ...; ``"nowhere"`` for a zero vector."""
    vx, vy = dx * width / 100, dy * height / 100
    if vx == 0 and vy == 0:
        return "nowhere"
    angle = math.degrees(math.atan2(-vy, vx)) % 360
    names = ("right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right")
    return names[int((angle + 22.5) // 45) % 8]


def _an(word: str) -> str:
    """Sentence-initial article for ``word``: "An" before a vowel ("An orange arrow"), else "A"."""
    return "An" if word[:1].lower() in "aeiou" else "A"


def _join(labels: list[str]) -> str:
    return " and ".join(labels)


def describe_canvas(doc: CanvasDocument) -> str:
    """The canvas snapshot description of ``doc`` (parts listed in the module docstring).

    Args:
        doc: the canvas; placement sizes in px are converted with ``doc.width``/``doc.height``.

    Returns:
        Newline-separated sentences; deterministic for a given document.

    Raises:
        PlacementFormatError: never for a validated document (its placements are models).
    """
    return _Describer(doc).describe()
