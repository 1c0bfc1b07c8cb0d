"""Pure canvas geometry: boxes, resizing, translation, align/distribute and stroke simplification.

No Qt here, so every rule can be unit-tested directly. Every Box (``studio_app.domain.box.Box``)
here is in canvas px, its area in px². Units are named in each function: canvas px (scene coordinates at 1x) or percent of the canvas (0-100, the
document's unit; x/y of a placement are its centre).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement

MIN_SIZE_PX = 4.0
"""Smallest width/height a resize can give a placement, canvas px."""

HANDLES: tuple[str, ...] = ("nw", "n", "ne", "e", "se", "s", "sw", "w")
"""Resize handles by compass point; the opposite side or corner stays fixed."""

ALIGN_MODES: tuple[str, ...] = ("left", "hcentre", "right", "top", "vcentre", "bottom")
ROTATION_SNAP_DEG = 15.0
"""Shift while rotating snaps to multiples of this angle (degrees)."""


def union(boxes: Sequence[Box]) -> Box:
    """The smallest Box containing all ``boxes`` (at least one).

    Raises:
        ValueError: ``boxes`` is empty.
    """
    if not boxes:
        raise ValueError("union of no boxes")
    out = boxes[0]
    for b in boxes[1:]:
        out = out.united(b)
    return out


def rotated_aabb(cx: float, cy: float, w: float, h: float, rotation_deg: float) -> Box:
    """Axis-aligned bounding box (px) of a w x h box centred at (cx, cy), rotated clockwise."""
    a = math.radians(rotation_deg)
    c, s = abs(math.cos(a)), abs(math.sin(a))
    hw, hh = (w * c + h * s) / 2.0, (w * s + h * c) / 2.0
    return Box(cx - hw, cy - hh, cx + hw, cy + hh)


def placement_aabb(p: MediaAssetPlacement, canvas_w: int, canvas_h: int) -> Box:
    """The placement's rotated box as an axis-aligned Box in canvas px."""
    cx, cy = p.centre_px(canvas_w, canvas_h)
    w, h = p.size_px(canvas_w, canvas_h)
    return rotated_aabb(cx, cy, w, h, p.rotation)


def clamp(value: float, lo: float, hi: float) -> float:
    """``value`` limited to [lo, hi]."""
    return lo if value < lo else hi if value > hi else value


def move_placement_values(p: MediaAssetPlacement, dx_px: float, dy_px: float,
                          canvas_w: int, canvas_h: int) -> dict[str, float]:
    """New ``x``/``y`` (percent, centre kept inside the canvas) after moving ``p`` by (dx, dy) px."""
    return {"x": clamp(p.x + dx_px * 100.0 / canvas_w, 0.0, 100.0),
            "y": clamp(p.y + dy_px * 100.0 / canvas_h, 0.0, 100.0)}


def clamp_points_shift(points: Sequence[tuple[float, float]], dx_pct: float,
                       dy_pct: float) -> tuple[float, float]:
    """Limit a shift (percent) so every point stays within 0-100; returns the allowed (dx, dy)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (clamp(dx_pct, -min(xs), 100.0 - max(xs)), clamp(dy_pct, -min(ys), 100.0 - max(ys)))


def shift_points(points: Sequence[tuple[float, float]], dx_pct: float,
                 dy_pct: float) -> list[tuple[float, float]]:
    """``points`` moved by (dx, dy) percent, the shift limited so they stay on the canvas."""
    dx, dy = clamp_points_shift(points, dx_pct, dy_pct)
    return [(clamp(x + dx, 0.0, 100.0), clamp(y + dy, 0.0, 100.0)) for x, y in points]


def resize_box(w: float, h: float, handle: str, px: float, py: float, keep_aspect: bool,
               min_size: float = MIN_SIZE_PX) -> tuple[float, float, float, float]:
    """Drag a resize ``handle`` of a w x h box (centred on 0,0 in its own, unrotated frame) to (px, py).

    The opposite side or corner stays where it is. ``keep_aspect`` (shift) keeps w:h:
    a corner follows the larger relative change; an edge handle resizes the other
    side about the centre line.

    Returns:
        (new_w, new_h, centre_dx, centre_dy): the new size and where its centre moved,
        all in the box's own frame (px).

    Raises:
        ValueError: ``handle`` is not one of HANDLES.
    """
    if handle not in HANDLES:
        raise ValueError(f"unknown resize handle {handle!r}")
    left, right, top, bottom = -w / 2.0, w / 2.0, -h / 2.0, h / 2.0
    if "e" in handle:
        right = max(px, left + min_size)
    if "w" in handle:
        left = min(px, right - min_size)
    if "s" in handle:
        bottom = max(py, top + min_size)
    if "n" in handle:
        top = min(py, bottom - min_size)
    nw, nh = right - left, bottom - top
    if keep_aspect and w > 0 and h > 0:
        ratio = w / h
        if len(handle) == 2:
            if nw / nh > ratio:
                nh = nw / ratio
            else:
                nw = nh * ratio
            if "e" in handle:
                right = left + nw
            else:
                left = right - nw
            if "s" in handle:
                bottom = top + nh
            else:
                top = bottom - nh
        elif handle in ("e", "w"):
            nh = nw / ratio
            top, bottom = -nh / 2.0, nh / 2.0
        else:
            nw = nh * ratio
            left, right = -nw / 2.0, nw / 2.0
    return nw, nh, (left + right) / 2.0, (top + bottom) / 2.0


def rotation_from_drag(cx: float, cy: float, px: float, py: float, snap: bool) -> float:
    """Rotation (degrees clockwise, 0-360) for a rotate handle above the box dragged to (px, py).

    ``snap`` (shift) rounds to multiples of ROTATION_SNAP_DEG.
    """
    angle = math.degrees(math.atan2(py - cy, px - cx)) + 90.0
    if snap:
        angle = round(angle / ROTATION_SNAP_DEG) * ROTATION_SNAP_DEG
    return angle % 360.0


def align_offsets(boxes: Sequence[Box], mode: str, reference: Box | None = None) -> list[tuple[float, float]]:
    """Shifts (dx, dy) in px that align each box to ``reference`` (default: the union of ``boxes``).

    ``mode`` is one of ALIGN_MODES: left/hcentre/right move horizontally, top/vcentre/bottom
    vertically.

    Raises:
        ValueError: unknown mode or no boxes.
    """
    if mode not in ALIGN_MODES:
        raise ValueError(f"unknown align mode {mode!r}")
    ref = reference or union(boxes)
    out = []
    for b in boxes:
        if mode == "left":
            out.append((ref.left - b.left, 0.0))
        elif mode == "hcentre":
            out.append((ref.cx - b.cx, 0.0))
        elif mode == "right":
            out.append((ref.right - b.right, 0.0))
        elif mode == "top":
            out.append((0.0, ref.top - b.top))
        elif mode == "vcentre":
            out.append((0.0, ref.cy - b.cy))
        else:
            out.append((0.0, ref.bottom - b.bottom))
    return out


def distribute_offsets(boxes: Sequence[Box], axis: str) -> list[tuple[float, float]]:
    """Shifts (dx, dy) in px giving equal gaps between boxes along ``axis`` ("h" or "v").

    The first and last box (by position) stay; the others move so the spaces between
    neighbours are equal. Fewer than 3 boxes: no change.

    Raises:
        ValueError: axis is not "h" or "v".
    """
    if axis not in ("h", "v"):
        raise ValueError(f"distribute axis must be 'h' or 'v', got {axis!r}")
    out = [(0.0, 0.0)] * len(boxes)
    if len(boxes) < 3:
        return out
    horizontal = axis == "h"

    def start(b: Box) -> float:
        return b.left if horizontal else b.top

    def size(b: Box) -> float:
        return b.width if horizontal else b.height

    order = sorted(range(len(boxes)), key=lambda i: (start(boxes[i]), i))
    first, last = boxes[order[0]], boxes[order[-1]]
    span = start(last) + size(last) - start(first)
    gap = (span - sum(size(b) for b in boxes)) / (len(boxes) - 1)
    pos = start(first)
    for i in order:
        shift = pos - start(boxes[i])
        out[i] = (shift, 0.0) if axis == "h" else (0.0, shift)
        pos += size(boxes[i]) + gap
    return out


def simplify_stroke(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker simplification of a freehand stroke; keeps first and last points.

    ``tolerance`` is in the points' unit. Removes input jitter and shrinks the document
    while keeping the shape within ``tolerance`` of the original.
    """
    pts = list(points)
    if len(pts) <= 2:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = pts[a]
        bx, by = pts[b]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, best_i = -1.0, -1
        for i in range(a + 1, b):
            x, y = pts[i]
            d = math.hypot(x - ax, y - ay) if norm == 0 else abs(dy * x - dx * y + bx * ay - by * ax) / norm
            if d > best:
                best, best_i = d, i
        if best > tolerance and best_i > 0:
            keep[best_i] = True
            stack.append((a, best_i))
            stack.append((best_i, b))
    return [p for p, k in zip(pts, keep, strict=True) if k]


def smooth_stroke(points: Sequence[tuple[float, float]], max_segment: float = math.inf,
                  passes: int = 1) -> list[tuple[float, float]]:
    """A light [1, 2, 1] / 4 moving average over a freehand stroke; ends stay exact.

    Only points whose two neighbouring segments are both shorter than ``max_segment``
    (the points' unit) are averaged: that is where mouse jitter lives, while far-apart
    points are deliberate corners and stay. The renderer also draws pen strokes as
    quadratic curves through midpoints; this pass only evens out the jitter.
    """
    pts = list(points)
    for _ in range(passes):
        if len(pts) < 3:
            return pts
        out = [pts[0]]
        for i in range(1, len(pts) - 1):
            (ax, ay), (bx, by), (cx, cy) = pts[i - 1], pts[i], pts[i + 1]
            if math.hypot(bx - ax, by - ay) < max_segment and math.hypot(cx - bx, cy - by) < max_segment:
                out.append(((ax + 2 * bx + cx) / 4.0, (ay + 2 * by + cy) / 4.0))
            else:
                out.append((bx, by))
        pts = [*out, pts[-1]]
    return pts


def constrain_angle(x0: float, y0: float, x1: float, y1: float, step_deg: float = 45.0) -> tuple[float, float]:
    """End point (x1, y1) moved onto the nearest ``step_deg`` direction from (x0, y0), same length."""
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    if length == 0:
        return x1, y1
    angle = round(math.degrees(math.atan2(dy, dx)) / step_deg) * step_deg
    return x0 + length * math.cos(math.radians(angle)), y0 + length * math.sin(math.radians(angle))
