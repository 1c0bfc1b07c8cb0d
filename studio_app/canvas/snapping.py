"""Snapping of a moving box to the canvas edges, the canvas centre lines and other items.

Pure logic (no Qt): the scene builds a Snapper once when a drag starts (targets sorted
for bisection, so each mouse move costs O(log n)) and draws the returned guides.
All values are canvas px.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from studio_app.domain.box import Box

SNAP_DISTANCE_SCREEN_PX = 6.0
"""How close (in screen px) an edge must come to a target to snap; the scene divides by the zoom."""


@dataclass(frozen=True)
class Guide:
    """A snap guide to draw: a vertical (axis "x") or horizontal (axis "y") line segment, px.

    ``position`` is the line's x (or y); it runs from ``start`` to ``end`` along the other axis.
    """

    axis: str
    position: float
    start: float
    end: float


@dataclass(frozen=True)
class _Target:
    value: float
    lo: float
    hi: float


class Snapper:
    """Targets for one drag.

    Args:
        canvas_w, canvas_h: canvas size in px; its edges and centre lines are targets.
        others: boxes of the items that do not move; their edges and centres are targets.
    """

    def __init__(self, canvas_w: float, canvas_h: float, others: Sequence[Box] = ()) -> None:
        xs = [_Target(v, 0.0, canvas_h) for v in (0.0, canvas_w / 2.0, canvas_w)]
        ys = [_Target(v, 0.0, canvas_w) for v in (0.0, canvas_h / 2.0, canvas_h)]
        for b in others:
            xs += [_Target(v, b.top, b.bottom) for v in (b.left, b.cx, b.right)]
            ys += [_Target(v, b.left, b.right) for v in (b.top, b.cy, b.bottom)]
        self._xs = sorted(xs, key=lambda t: t.value)
        self._ys = sorted(ys, key=lambda t: t.value)
        self._xv = [t.value for t in self._xs]
        self._yv = [t.value for t in self._ys]

    @staticmethod
    def _nearest(values: list[float], targets: list[_Target], edges: Sequence[float],
                 threshold: float) -> tuple[float, _Target | None]:
        best_d, best_t = threshold, None
        best_shift = 0.0
        for e in edges:
            i = bisect.bisect_left(values, e)
            for j in (i - 1, i):
                if 0 <= j < len(values):
                    d = abs(values[j] - e)
                    if d <= best_d:
                        best_d, best_t, best_shift = d, targets[j], values[j] - e
        return best_shift, best_t

    def snap(self, box: Box, threshold: float) -> tuple[float, float, list[Guide]]:
        """The shift (dx, dy) that snaps ``box`` (left/centre/right and top/centre/bottom) to the
        nearest target within ``threshold`` px on each axis, and the guides to show.

        Axes snap independently; no target within reach gives 0 on that axis.
        """
        dx, tx = self._nearest(self._xv, self._xs, (box.left, box.cx, box.right), threshold)
        dy, ty = self._nearest(self._yv, self._ys, (box.top, box.cy, box.bottom), threshold)
        moved = box.translated(dx, dy)
        guides = []
        if tx is not None:
            guides.append(Guide("x", tx.value, min(tx.lo, moved.top), max(tx.hi, moved.bottom)))
        if ty is not None:
            guides.append(Guide("y", ty.value, min(ty.lo, moved.left), max(ty.hi, moved.right)))
        return dx, dy, guides
