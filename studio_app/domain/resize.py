"""Resize a design to another target (Canva's "Magic Resize"): one rule for copies and target switches.

- The canvas takes the new AssetType's exact size.
- Placements keep their percent layout (x, y = centre; width, height in percent); a placement
  sized in px becomes percent of the old canvas first, so it covers the same share.
- Sketch points are percent already; stroke widths and font sizes are percent of the canvas
  height (canvas schema 3), so a sketch scales with the canvas height.
- Text stays inside the canvas: a text wider or taller than the new canvas is made smaller
  until it fits, then moved in from the edges it crosses.

Text extents come from a ``TextMeasure`` (the render layer measures with the real font;
``estimate_text_box`` is the font-free fallback).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .asset_types import TARGET_SPECS, AssetType, target_size
from .canvas import CanvasDocument
from .placement import MediaAssetPlacement
from .sketch import SketchElement

TextMeasure = Callable[[SketchElement, int, int], tuple[float, float, float, float]]
"""(element, canvas width px, canvas height px) -> (left, top, right, bottom) of the drawn text in
px, relative to the element's anchor point (its top-left point)."""

TEXT_MARGIN_PERCENT = 1.0
"""Room kept between a text moved inside and the canvas edge, percent of the canvas side."""
CHAR_WIDTH_EM = 0.62
"""Average advance of a glyph in em for the fallback estimate (wide for a bold sans: errs outward)."""
LINE_HEIGHT_EM = 1.25
"""Line height in em for the fallback estimate."""


def estimate_text_box(element: SketchElement, canvas_w: int, canvas_h: int) -> tuple[float, float, float, float]:
    """A font-free TextMeasure: longest line x CHAR_WIDTH_EM x font px wide, lines x LINE_HEIGHT_EM tall."""
    size = element.font_px(canvas_h)
    lines = (element.text or "").splitlines() or [""]
    width = max(len(line) for line in lines) * CHAR_WIDTH_EM * size
    return 0.0, 0.0, width, len(lines) * LINE_HEIGHT_EM * size


def _placement_in_percent(p: MediaAssetPlacement, old_w: int, old_h: int) -> MediaAssetPlacement:
    if p.size_unit == "percent":
        return p
    w = min(100.0, p.width * 100.0 / old_w)
    h = min(100.0, p.height * 100.0 / old_h)
    return p.model_copy(update={"width": w, "height": h, "size_unit": "percent"})


def fit_text_inside(element: SketchElement, canvas_w: int, canvas_h: int,
                    measure: TextMeasure = estimate_text_box) -> SketchElement:
    """``element`` (kind text) made to lie inside a canvas_w x canvas_h px canvas.

    Shrinks font_size while the measured box is wider or taller than the canvas less its
    margins (a few steps, as glyph metrics do not scale exactly), then moves the anchor so
    the box is inside. Other kinds and texts already inside are returned unchanged.
    """
    if element.kind != "text":
        return element
    margin_x, margin_y = canvas_w * TEXT_MARGIN_PERCENT / 100.0, canvas_h * TEXT_MARGIN_PERCENT / 100.0
    room_w, room_h = canvas_w - 2 * margin_x, canvas_h - 2 * margin_y
    e = element
    for _ in range(6):
        left, top, right, bottom = measure(e, canvas_w, canvas_h)
        factor = min(room_w / max(right - left, 1e-6), room_h / max(bottom - top, 1e-6))
        if factor >= 1.0:
            break
        e = e.model_copy(update={"font_size": max(0.01, e.font_size * factor * 0.98)})
    left, top, right, bottom = measure(e, canvas_w, canvas_h)
    x = e.points[0][0] * canvas_w / 100.0
    y = e.points[0][1] * canvas_h / 100.0
    # move in from the far edge first, then the near edge wins (a box larger than the room sits at the margin)
    x = min(x, canvas_w - margin_x - right)
    x = max(x, margin_x - left)
    y = min(y, canvas_h - margin_y - bottom)
    y = max(y, margin_y - top)
    point = (min(100.0, max(0.0, x * 100.0 / canvas_w)), min(100.0, max(0.0, y * 100.0 / canvas_h)))
    if point == e.points[0] and e is element:
        return element
    return e.model_copy(update={"points": [point]})


def resize_document(doc: CanvasDocument, asset_type: AssetType | str, *, measure: TextMeasure = estimate_text_box,
                    copy: bool = False) -> CanvasDocument:
    """``doc`` laid out for ``asset_type`` by the rule in the module docstring.

    Args:
        doc: the design (not changed).
        asset_type: the new target; the canvas takes its exact size (``TARGET_SPECS``).
        measure: text extents in px (see TextMeasure); the render layer's is exact.
        copy: True makes a new document (new id, name suffixed with the target's label) as
            ``studio resize`` and Design > Resize to... do; False keeps id and name (switching
            the target of the open design).

    Raises:
        ValueError: ``asset_type`` is not an AssetType.
    """
    target = AssetType(asset_type)
    width, height = target_size(target)
    placements = [_placement_in_percent(p, doc.width, doc.height) for p in doc.placements]
    sketches = [fit_text_inside(e, width, height, measure) for e in doc.sketch_elements]
    update: dict[str, object] = {"asset_type": target, "width": width, "height": height,
                                 "placements": placements, "sketch_elements": sketches}
    if copy:
        update["id"] = str(uuid.uuid4())
        update["name"] = f"{doc.name} ({TARGET_SPECS[target].label})"
    return CanvasDocument.model_validate({**doc.model_dump(), **{k: v for k, v in update.items()
                                                                if k not in ("placements", "sketch_elements")},
                                          "placements": [p.model_dump() for p in placements],
                                          "sketch_elements": [e.model_dump() for e in sketches]})
