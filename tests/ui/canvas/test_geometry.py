"""Pure canvas geometry: resize handles, rotation snap, align/distribute, snapping, strokes, safe zones."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_app.canvas.geometry import (
    Box,
    align_offsets,
    constrain_angle,
    distribute_offsets,
    resize_box,
    rotated_aabb,
    rotation_from_drag,
    shift_points,
    simplify_stroke,
    smooth_stroke,
)
from studio_app.canvas.snapping import Snapper
from studio_app.domain.asset_types import AssetType
from studio_app.domain.safe_zones import safe_zones


@pytest.mark.parametrize("handle,pos,expected", [
    ("se", (60, 40), (110, 80, 5, 0)),    # 100x80 box: grab the south-east corner, move 10 px right
    ("e", (80, 999), (130, 80, 15, 0)),   # an edge handle ignores the other axis
    ("nw", (-40, -30), (90, 70, 5, 5)),   # north-west: the south-east corner stays
    ("n", (0, -60), (100, 100, 0, -10)),
])
def test_resize_box_keeps_the_opposite_side(handle: str, pos: tuple, expected: tuple) -> None:
    assert resize_box(100, 80, handle, *pos, keep_aspect=False) == pytest.approx(expected)


def test_resize_box_with_shift_keeps_the_aspect_ratio_and_never_inverts() -> None:
    w, h, cx, cy = resize_box(100, 50, "se", 150, 30, keep_aspect=True)
    assert w / h == pytest.approx(2.0) and w == pytest.approx(200)
    assert (cx - w / 2, cy - h / 2) == pytest.approx((-50, -25))  # north-west corner fixed
    w, h, _, _ = resize_box(100, 50, "e", 100, 0, keep_aspect=True)
    assert (w, h) == pytest.approx((150, 75))
    w, h, _, _ = resize_box(100, 50, "se", -500, -500, keep_aspect=False)
    assert w >= 4 and h >= 4
    with pytest.raises(ValueError):
        resize_box(10, 10, "middle", 0, 0, keep_aspect=False)


def test_rotation_from_drag_and_15_degree_snap() -> None:
    assert rotation_from_drag(0, 0, 0, -10, False) == pytest.approx(0)
    assert rotation_from_drag(0, 0, 10, 0, False) == pytest.approx(90)
    assert rotation_from_drag(0, 0, 10, 2, True) == pytest.approx(105)  # 101.3 -> 105
    assert rotation_from_drag(0, 0, -10, 0, False) == pytest.approx(270)


def test_rotated_aabb() -> None:
    b = rotated_aabb(0, 0, 100, 50, 90)
    assert (b.width, b.height) == pytest.approx((50, 100))
    b = rotated_aabb(10, 10, 100, 100, 45)
    assert b.width == pytest.approx(100 * math.sqrt(2)) and b.cx == pytest.approx(10)


def test_align_and_distribute_offsets() -> None:
    boxes = [Box(0, 0, 10, 10), Box(30, 5, 50, 25), Box(100, 50, 110, 60)]
    assert align_offsets(boxes, "right") == [(100, 0), (60, 0), (0, 0)]
    assert align_offsets(boxes, "vcentre") == [(0, 25), (0, 15), (0, -25)]
    assert align_offsets([Box(10, 10, 20, 20)], "left", Box(0, 0, 1280, 720)) == [(-10, 0)]
    shifts = distribute_offsets(boxes, "h")
    placed = [b.translated(*s) for b, s in zip(boxes, shifts, strict=True)]
    assert placed[1].left - placed[0].right == pytest.approx(placed[2].left - placed[1].right)
    assert distribute_offsets(boxes[:2], "v") == [(0, 0), (0, 0)]


def test_snapper_snaps_each_axis_to_the_nearest_target_with_guides() -> None:
    snapper = Snapper(1280, 720, [Box(100, 100, 200, 300)])
    dx, dy, guides = snapper.snap(Box(203, 500, 303, 600), 5)
    assert (dx, dy) == (-3, 0)  # left edge onto the other box's right edge
    assert guides[0].axis == "x" and guides[0].position == 200 and guides[0].start == 100
    dx, dy, guides = snapper.snap(Box(590, 310, 690, 411), 5)  # centre 640 = canvas centre line, 360.5 ~ 360
    assert (dx, dy) == (0, -0.5) and {g.axis for g in guides} == {"x", "y"}
    assert snapper.snap(Box(400, 400, 450, 450), 5) == (0.0, 0.0, [])


@given(points=st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=20),
       dx=st.floats(-300, 300), dy=st.floats(-300, 300))
def test_shift_points_keeps_every_point_on_the_canvas_and_the_shape_rigid(points, dx, dy) -> None:  # noqa: ANN001
    moved = shift_points(points, dx, dy)
    assert all(0 <= x <= 100 and 0 <= y <= 100 for x, y in moved)
    ddx, ddy = moved[0][0] - points[0][0], moved[0][1] - points[0][1]
    for (x0, y0), (x1, y1) in zip(points, moved, strict=True):
        assert x1 - x0 == pytest.approx(ddx, abs=1e-9) and y1 - y0 == pytest.approx(ddy, abs=1e-9)


@given(points=st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 1000)), min_size=2, max_size=60))
def test_simplify_keeps_ends_and_stays_within_tolerance(points) -> None:  # noqa: ANN001
    out = simplify_stroke(points, 1.0)
    assert out[0] == points[0] and out[-1] == points[-1] and len(out) <= len(points)
    assert all(p in points for p in out)


def test_smooth_evens_jitter_but_keeps_corners_and_ends() -> None:
    jitter = [(0, 0), (1, 0.6), (2, -0.6), (3, 0.6), (4, 0)]
    smoothed = smooth_stroke(jitter, max_segment=3)
    assert smoothed[0] == (0, 0) and smoothed[-1] == (4, 0)
    assert max(abs(y) for _, y in smoothed) < 0.6
    zigzag = [(0, 0), (30, 40), (60, 0), (90, 40)]
    assert smooth_stroke(zigzag, max_segment=6) == zigzag


def test_constrain_angle_snaps_to_45_degrees() -> None:
    x, y = constrain_angle(0, 0, 100, 10)
    assert y == pytest.approx(0) and x == pytest.approx(math.hypot(100, 10))


def test_safe_zones_follow_the_platform_specs() -> None:
    (badge,) = safe_zones(AssetType.THUMBNAIL, 1280, 720)
    assert badge.kind == "keep_clear" and badge.x + badge.width == 1280 and badge.y + badge.height == 720
    banner = {z.label: z for z in safe_zones(AssetType.YOUTUBE_BANNER, 2560, 1440)}
    safe = banner["Safe area (all devices)"]
    assert (round(safe.width), round(safe.height)) == (1546, 423)
    assert (round(safe.x), round(safe.y)) == ((2560 - 1546) // 2, round((1440 - 423) / 2))
    top, bottom = safe_zones(AssetType.STORY_GRAPHIC, 1080, 1920)
    assert (top.y, top.height) == (0, 250) and (bottom.y, bottom.height) == (1920 - 340, 340)
    half = safe_zones(AssetType.STORY_GRAPHIC, 540, 960)
    assert half[0].height == 125  # fractions: the zones follow the canvas size
    assert safe_zones(AssetType.TWITCH_EMOTE, 112, 112) == []
