"""The canvas snapshot through real QPainter (offscreen): pixels where the document says."""

from __future__ import annotations

import io
import logging
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage, QPainter

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.render.gui_app import ensure_gui_application
from studio_app.render.image_cache import ImageCache, decode_qimage
from studio_app.render.sketch_painter import SketchPainter
from studio_app.render.snapshot import (
    PLACEHOLDER_FILL,
    RenderCaches,
    RenderError,
    cached_image_source,
    render_canvas,
    render_canvas_png,
)

from .pixels import by_asset, close, rgba, solid

BG = (0x33, 0x66, 0x99, 255)
WHITE = (255, 255, 255, 255)
RED = (255, 0, 0, 255)
GREEN = (0, 255, 0, 255)
BLUE = (0, 0, 255, 255)


def doc(width: int = 200, height: int = 100, background: str = "#336699", **kw) -> CanvasDocument:
    return CanvasDocument(width=width, height=height, background=background, **kw)


def place(asset_id: str, **kw) -> MediaAssetPlacement:
    kw.setdefault("display_name", asset_id)
    return MediaAssetPlacement(asset_id=asset_id, **kw)


def to_array(image: QImage) -> np.ndarray:
    """(h, w, 4) uint8 RGBA, un-premultiplied."""
    rgba8 = image.convertToFormat(QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(rgba8.constBits(), np.uint8).reshape(rgba8.height(), rgba8.bytesPerLine() // 4, 4)
    return arr[:, : rgba8.width()].copy()


def nothing(_placement: MediaAssetPlacement) -> QImage | None:
    return None


# --- canvas and scale -----------------------------------------------------------------

def test_background_fills_every_corner(caches):
    out = render_canvas(doc(), nothing, 1.0, caches=caches)
    for x, y in [(0, 0), (199, 0), (0, 99), (199, 99), (100, 50)]:
        assert rgba(out, x, y) == BG


def test_background_alpha_is_the_last_hex_pair(caches):
    out = render_canvas(doc(background="#FF000080"), nothing, 1.0, caches=caches)
    r, g, b, a = rgba(out, 0, 0)
    assert a == 128 and r > 250 and g == 0 and b == 0


@pytest.mark.parametrize("scale, size", [(1.0, (200, 100)), (2.0, (400, 200)), (0.5, (100, 50))])
def test_output_size_follows_scale(caches, scale, size):
    out = render_canvas(doc(), nothing, scale, caches=caches)
    assert (out.width(), out.height()) == size


def test_default_scale_is_2x(caches):
    out = render_canvas(doc(), nothing, caches=caches)
    assert (out.width(), out.height()) == (400, 200)


@pytest.mark.parametrize("scale", [0, -1.0, math.nan, math.inf, 1000.0])
def test_bad_scale_is_a_clear_error(caches, scale):
    with pytest.raises(RenderError, match="scale|larger than"):
        render_canvas(doc(), nothing, scale, caches=caches)


def test_gui_application_helper_reuses_the_running_app(qapp):
    assert ensure_gui_application() is qapp


# --- placements ---------------------------------------------------------------------

def test_image_lands_in_its_box_and_not_outside(caches):
    # box: 20% x 40% of 200x100 = 40x40 px centred at (50, 50)
    images = {"red": solid(40, 40, "#FF0000")}
    d = doc(placements=[place("red", x=25, y=50, width=20, height=40)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 50, 50) == RED
    assert rgba(out, 31, 31) == RED and rgba(out, 68, 68) == RED
    for x, y in [(27, 50), (73, 50), (50, 27), (50, 73)]:
        assert rgba(out, x, y) == BG
    out2 = render_canvas(d, by_asset(images), 2.0, caches=caches)
    assert rgba(out2, 100, 100) == RED
    assert rgba(out2, 62, 100) == RED and rgba(out2, 57, 100) == BG and rgba(out2, 143, 100) == BG


def test_contain_fit_keeps_aspect_ratio(caches):
    # a 2:1 image in a square 40x40 box is drawn 40x20, centred: y 40..60
    images = {"wide": solid(80, 40, "#FF0000")}
    d = doc(placements=[place("wide", x=25, y=50, width=20, height=40)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 50, 45) == RED and rgba(out, 32, 50) == RED
    assert rgba(out, 50, 36) == BG and rgba(out, 50, 64) == BG


def test_px_size_unit_scales_with_the_snapshot(caches):
    images = {"red": solid(40, 20, "#FF0000")}
    d = doc(placements=[place("red", x=50, y=50, width=40, height=20, size_unit="px")])
    out = render_canvas(d, by_asset(images), 2.0, caches=caches)  # 80x40 device px at (200, 100)
    assert rgba(out, 162, 100) == RED and rgba(out, 237, 100) == RED
    assert rgba(out, 157, 100) == BG and rgba(out, 200, 77) == BG


def test_rotation_by_90_swaps_the_footprint(caches):
    # a 60x20 px bar centred on a 200x200 canvas
    images = {"bar": solid(60, 20, "#00FF00")}
    flat = doc(200, 200, placements=[place("bar", x=50, y=50, width=30, height=10)])
    turned = doc(200, 200, placements=[place("bar", x=50, y=50, width=30, height=10, rotation=90)])
    a = render_canvas(flat, by_asset(images), 1.0, caches=caches)
    b = render_canvas(turned, by_asset(images), 1.0, caches=caches)
    assert rgba(a, 125, 100) == GREEN and rgba(a, 100, 125) == BG
    assert rgba(b, 125, 100) == BG and rgba(b, 100, 125) == GREEN


def test_free_rotation_turns_clockwise_about_the_centre(caches):
    images = {"bar": solid(60, 20, "#00FF00")}
    d = doc(200, 200, placements=[place("bar", x=50, y=50, width=30, height=10, rotation=45)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 100, 100) == GREEN
    assert close(rgba(out, 117, 117), GREEN, 10)  # along the turned axis (clockwise: +x goes +y)
    assert close(rgba(out, 83, 83), GREEN, 10)
    assert rgba(out, 117, 83) == BG and rgba(out, 125, 100) == BG


def test_opacity_50_blends_with_what_is_below(caches):
    images = {"red": solid(40, 40, "#FF0000")}
    d = doc(background="#0000FF", placements=[place("red", x=50, y=50, width=20, height=40, opacity=50)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert close(rgba(out, 100, 50), (128, 0, 127, 255), 3)


@pytest.mark.parametrize("red_z, green_z, on_top", [(1, 2, GREEN), (3, 2, RED)])
def test_higher_z_index_draws_on_top(caches, red_z, green_z, on_top):
    images = {"red": solid(80, 80, "#FF0000"), "green": solid(80, 80, "#00FF00")}
    d = doc(placements=[
        place("red", x=40, y=50, width=40, height=80, z_index=red_z),
        place("green", x=60, y=50, width=40, height=80, z_index=green_z),
    ])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 100, 50) == on_top
    assert rgba(out, 60, 50) == RED and rgba(out, 140, 50) == GREEN


def test_equal_z_index_keeps_list_order(caches):
    images = {"red": solid(80, 80, "#FF0000"), "green": solid(80, 80, "#00FF00")}
    d = doc(placements=[place("green", x=60, y=50, width=40, height=80), place("red", x=40, y=50, width=40, height=80)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 100, 50) == RED


def _halves(vertical: bool) -> QImage:
    """40x40: red left (or top) half, blue right (or bottom) half."""
    image = solid(40, 40, "#0000FF")
    painter = QPainter(image)
    painter.fillRect(0, 0, 40 if vertical else 20, 20 if vertical else 40, QColor("#FF0000"))
    painter.end()
    return image


@pytest.mark.parametrize("flip", ["flip_h", "flip_v"])
def test_flips_mirror_the_image_inside_its_box(caches, flip):
    vertical = flip == "flip_v"
    images = {"halves": _halves(vertical)}
    first, second = ((50, 40), (50, 60)) if vertical else ((40, 50), (60, 50))
    plain = doc(placements=[place("halves", x=25, y=50, width=20, height=40)])
    flipped = doc(placements=[place("halves", x=25, y=50, width=20, height=40, **{flip: True})])
    a = render_canvas(plain, by_asset(images), 1.0, caches=caches)
    b = render_canvas(flipped, by_asset(images), 1.0, caches=caches)
    assert rgba(a, *first) == RED and rgba(a, *second) == BLUE
    assert rgba(b, *first) == BLUE and rgba(b, *second) == RED


@pytest.mark.parametrize("change", [{"hidden": True}, {"opacity": 0}])
def test_hidden_or_transparent_placements_are_skipped(caches, change):
    images = {"red": solid(40, 40, "#FF0000")}
    d = doc(placements=[place("red", x=50, y=50, width=20, height=40, **change)])
    calls = []
    out = render_canvas(d, lambda p: calls.append(p) or images.get(p.asset_id), 1.0, caches=caches)
    assert rgba(out, 100, 50) == BG
    assert calls == []


def _assert_placeholder(out: QImage) -> None:
    # box 80x60 at (100, 50): x 60..140, y 20..80
    assert close(rgba(out, 65, 50), rgba_of(PLACEHOLDER_FILL), 2)
    assert close(rgba(out, 135, 50), rgba_of(PLACEHOLDER_FILL), 2)
    assert close(rgba(out, 80, 35), (64, 64, 64, 255), 25)  # on the cross's diagonal
    assert rgba(out, 55, 50) == BG and rgba(out, 100, 15) == BG
    label = to_array(out)[20:80, 60:140, :3]
    assert (label.min(axis=2) > 200).sum() > 15  # the display_name in white


def rgba_of(colour: QColor) -> tuple[int, int, int, int]:
    return colour.red(), colour.green(), colour.blue(), colour.alpha()


def test_missing_image_draws_a_placeholder(caches):
    d = doc(placements=[place("gone", x=50, y=50, width=40, height=60, display_name="gone")])
    _assert_placeholder(render_canvas(d, nothing, 1.0, caches=caches))


def test_failing_loader_or_null_image_draws_the_placeholder(caches, caplog):
    d = doc(placements=[place("gone", x=50, y=50, width=40, height=60)])

    def broken(_p):
        raise OSError("blob missing on disk")

    with caplog.at_level(logging.WARNING, logger="studio_app.render.snapshot"):
        _assert_placeholder(render_canvas(d, broken, 1.0, caches=caches))
    assert "could not be loaded" in caplog.text
    _assert_placeholder(render_canvas(d, lambda _p: QImage(), 1.0, caches=caches))


def test_fixture_photo_is_scaled_faithfully(caches, photos):
    astronaut = next(p for p in photos if p.name == "astronaut.png")
    images = {"astronaut": decode_qimage(astronaut.read_bytes())}
    # 512x512 photo in a 100x100 px box (25% x 50% of 400x200) centred at (200, 100)
    d = doc(400, 200, placements=[place("astronaut", x=50, y=50, width=25, height=50)])
    out = to_array(render_canvas(d, by_asset(images), 1.0, caches=caches))
    ours = out[50:150, 150:250, :3].astype(int)
    ref = np.asarray(Image.open(astronaut).convert("RGB").resize((100, 100), Image.Resampling.BOX)).astype(int)
    assert np.abs(ours - ref).mean() < 6
    assert tuple(out[20, 20]) == BG  # outside the box


def test_scaled_copies_are_cached_and_reused(caches):
    images = {"red": solid(400, 400, "#FF0000")}
    d = doc(placements=[place("red", x=25, y=50, width=20, height=40)])
    a = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert len(caches.scaled) == 1
    b = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert len(caches.scaled) == 1 and a == b
    d.placements[0].rotation = 30
    render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert len(caches.scaled) == 2


def test_render_in_a_worker_thread_matches_the_main_thread(caches, photos):
    images = {p.name: decode_qimage(p.read_bytes()) for p in photos}
    d = doc(400, 200, placements=[place(name, x=20 + 15 * i, y=50, width=20, height=40, rotation=10 * i)
                                  for i, name in enumerate(images)],
            sketch_elements=[SketchElement(kind="text", points=[(5, 5)], text="LIVE", font_size=20)])  # 40 px of 200
    main = render_canvas(d, by_asset(images), 1.0, caches=RenderCaches())
    result: dict[str, QImage] = {}
    worker = threading.Thread(target=lambda: result.setdefault("img", render_canvas(d, by_asset(images), 1.0,
                                                                                     caches=caches)))
    worker.start()
    worker.join(30)
    assert result["img"] == main


def test_png_bytes_are_rgb_when_opaque_and_rgba_when_not(caches):
    images = {"red": solid(40, 40, "#FF0000")}
    d = doc(placements=[place("red", x=25, y=50, width=20, height=40)])
    png = render_canvas_png(d, by_asset(images), caches=caches)
    im = Image.open(io.BytesIO(png))
    assert im.format == "PNG" and im.size == (400, 200) and im.mode == "RGB"
    assert im.getpixel((100, 100)) == (255, 0, 0) and im.getpixel((5, 5)) == BG[:3]
    clear = Image.open(io.BytesIO(render_canvas_png(doc(background="#00000000"), nothing, 1.0, caches=caches)))
    assert clear.mode == "RGBA" and clear.getpixel((0, 0))[3] == 0


# --- sketch elements ----------------------------------------------------------------

def sketch_doc(*elements: SketchElement, width: int = 200, height: int = 100) -> CanvasDocument:
    return doc(width, height, background="#FFFFFF", sketch_elements=list(elements))


def test_sketch_draws_above_placements(caches):
    images = {"blue": solid(200, 100, "#0000FF")}
    d = doc(placements=[place("blue", x=50, y=50, width=100, height=100)],
            sketch_elements=[SketchElement(kind="line", points=[(0, 50), (100, 50)], color="#FF0000",
                                           stroke_width=4)])
    out = render_canvas(d, by_asset(images), 1.0, caches=caches)
    assert rgba(out, 100, 50) == RED and rgba(out, 100, 20) == BLUE


def test_red_arrow_lies_along_its_line_with_a_filled_head(caches):
    # (20, 50) -> (180, 50), 4 px: head 16 px long, 16 px wide, base at x=164
    arrow = SketchElement(kind="arrow", points=[(10, 50), (90, 50)], color="#FF0000", stroke_width=4)
    out = render_canvas(sketch_doc(arrow), nothing, 1.0, caches=caches)
    for x in (21, 60, 120, 160, 176):
        assert rgba(out, x, 50) == RED
    assert rgba(out, 120, 54) == WHITE and rgba(out, 120, 45) == WHITE  # the shaft is 4 px
    assert rgba(out, 168, 54) == RED and rgba(out, 168, 45) == RED  # the head is wider: filled
    assert rgba(out, 185, 50) == WHITE  # nothing past the tip
    assert rgba(out, 100, 20) == WHITE


def test_pen_stroke_is_smoothed_through_midpoints(caches):
    # points (20,20) (100,180) (180,20) px: quadratic to the midpoint (140,100), then a line
    pen = SketchElement(kind="pen", points=[(10, 10), (50, 90), (90, 10)], color="#FF0000", stroke_width=2)
    out = render_canvas(sketch_doc(pen, width=200, height=200), nothing, 1.0, caches=caches)
    assert rgba(out, 20, 20) == RED and rgba(out, 179, 21) == RED
    assert rgba(out, 90, 120) == RED  # the curve's middle (t = 0.5)
    assert rgba(out, 100, 176) == WHITE  # a straight polyline would pass its corner here


@pytest.mark.parametrize("kind", ["rectangle", "ellipse"])
def test_shapes_with_and_without_fill(caches, kind):
    # bounds (40, 20)-(160, 80)
    filled = SketchElement(kind=kind, points=[(20, 20), (80, 80)], color="#0000FF", stroke_width=4, fill="#FFFF00")
    hollow = SketchElement(kind=kind, points=[(80, 80), (20, 20)], color="#0000FF", stroke_width=4)
    a = render_canvas(sketch_doc(filled), nothing, 1.0, caches=caches)
    b = render_canvas(sketch_doc(hollow), nothing, 1.0, caches=caches)
    assert rgba(a, 100, 50) == (255, 255, 0, 255) and rgba(b, 100, 50) == WHITE
    for out in (a, b):
        assert rgba(out, 40, 50) == BLUE and rgba(out, 30, 50) == WHITE
    assert rgba(a, 41, 21) == (BLUE if kind == "rectangle" else WHITE)  # a corner of the bounds


def _ink(out: QImage, rgb: tuple[int, int, int], tol: int = 60) -> np.ndarray:
    arr = to_array(out)[:, :, :3].astype(int)
    return (np.abs(arr - np.array(rgb)).max(axis=2) <= tol)


def test_text_draws_in_its_colour_below_its_top_left(caches):
    text = SketchElement(kind="text", points=[(10, 10)], text="Hello", color="#00AA00", font_size=20,
                         font_family="DejaVu Sans")
    out = render_canvas(sketch_doc(text), nothing, 1.0, caches=caches)
    ink = _ink(out, (0, 170, 0))
    ys, xs = np.nonzero(ink)
    assert len(xs) > 40
    assert xs.min() >= 19 and ys.min() >= 10 and ys.max() < 40 and xs.max() < 100


def _paint_one(element: SketchElement, cache: ImageCache | None, background: str = "#FFFFFF") -> QImage:
    image = QImage(600, 300, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(background))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    SketchPainter(painter, 600, 300, 1.0, sprite_cache=cache).paint(element)
    painter.end()
    return image


@pytest.mark.parametrize("font_size", [14.0 / 3, 30.0])  # of 300 px; 90 px: above Qt's 64 px glyph-cache limit
def test_text_sprite_matches_direct_drawing(font_size):
    element = SketchElement(kind="text", points=[(5.17, 10.33)], text="Boss fight\nDay 12", color="#AF52DE",
                            font_size=font_size, font_family="DejaVu Serif")
    cache = ImageCache()
    direct, sprite = _paint_one(element, None), _paint_one(element, cache)
    assert len(cache) == 1
    assert _ink(direct, (175, 82, 222)).sum() > 40
    assert np.abs(to_array(direct).astype(int) - to_array(sprite).astype(int)).max() <= 2


def test_pen_sprite_matches_direct_drawing_and_follows_edits():
    # fractional device positions on purpose: the sprite keeps them exactly
    pen = SketchElement(kind="pen", points=[(10.13, 20.7), (20.31, 50.2), (35.5, 15.05), (40.9, 40.33)],
                        color="#34C759", stroke_width=9.5 / 3)  # 9.5 px of 300
    cache = ImageCache()
    direct = to_array(_paint_one(pen, None, "#1E1E28")).astype(int)
    first = to_array(_paint_one(pen, cache, "#1E1E28")).astype(int)
    again = to_array(_paint_one(pen, cache, "#1E1E28")).astype(int)
    assert len(cache) == 1
    assert _ink(_paint_one(pen, None), (52, 199, 89), 10).sum() > 1000
    assert np.abs(direct - first).max() <= 2 and np.array_equal(first, again)
    moved = pen.model_copy(update={"points": [(p[0], p[1] - 5) for p in pen.points]})
    shifted = to_array(_paint_one(moved, cache, "#1E1E28")).astype(int)
    assert len(cache) == 2 and not np.array_equal(first, shifted)


def test_stroke_width_and_font_size_scale_with_the_snapshot(caches):
    line = SketchElement(kind="line", points=[(0, 50), (100, 50)], color="#FF0000", stroke_width=4)
    text = SketchElement(kind="text", points=[(5, 5)], text="Hi", color="#00AA00", font_size=20)
    one = render_canvas(sketch_doc(line, text), nothing, 1.0, caches=caches)
    two = render_canvas(sketch_doc(line, text), nothing, 2.0, caches=caches)
    red1, red2 = _ink(one, (255, 0, 0), 100)[:, 150].sum(), _ink(two, (255, 0, 0), 100)[:, 300].sum()
    assert 3 <= red1 <= 6 and 7 <= red2 <= 10
    h1 = np.nonzero(_ink(one, (0, 170, 0)).any(axis=1))[0]
    h2 = np.nonzero(_ink(two, (0, 170, 0)).any(axis=1))[0]
    assert 1.7 <= (h2.max() - h2.min() + 1) / (h1.max() - h1.min() + 1) <= 2.3


HEADLESS_SCRIPT = """
import sys, threading
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement
from studio_app.render.gui_app import GuiApplicationError
from studio_app.render.snapshot import render_canvas_png
doc = CanvasDocument(width=64, height=32, background="#102030",
                     sketch_elements=[SketchElement(kind="text", points=[(5, 5)], text="LIVE", font_size=37.5)])
errors = []
def worker():
    try:
        render_canvas_png(doc, lambda p: None)
    except GuiApplicationError as exc:
        errors.append(str(exc))
t = threading.Thread(target=worker); t.start(); t.join()
print("worker:", errors[0] if errors else "rendered")
sys.stdout.buffer.write(render_canvas_png(doc, lambda p: None, 1.0))
"""


def test_headless_process_without_display_renders_png(tmp_path):
    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(repo)
    proc = subprocess.run([sys.executable, "-c", HEADLESS_SCRIPT], capture_output=True, env=env, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    head, _, png = proc.stdout.partition(b"\n")
    assert b"main thread" in head  # a worker cannot create the app
    im = Image.open(io.BytesIO(png))
    assert im.size == (64, 32) and im.getpixel((63, 31)) == (0x10, 0x20, 0x30)


def test_canvas_wide_pen_stroke_is_drawn_directly_not_cached():
    # a stroke spanning the whole 600x300 output would make a sprite as big as the canvas
    pen = SketchElement(kind="pen", points=[(1, 1), (99, 50), (1, 99)], color="#FF0000", stroke_width=2)
    cache = ImageCache()
    out = _paint_one(pen, cache)
    assert len(cache) == 0
    assert _ink(out, (255, 0, 0), 10).sum() > 500


def test_cached_image_source_decodes_once_and_retries_missing(caches, photos):
    coffee = next(p for p in photos if p.name == "coffee.png")
    blobs = {"coffee": coffee.read_bytes(), "broken": b"not an image"}
    reads: list[str] = []

    def read(placement):
        reads.append(placement.asset_id)
        return blobs.get(placement.asset_id)

    source = cached_image_source(read, ImageCache())
    d = doc(placements=[place("coffee", x=25, y=50, width=30, height=60),
                        place("broken", x=75, y=50, width=30, height=60, display_name="broken"),
                        place("later", x=50, y=10, width=10, height=10)])
    first = render_canvas(d, source, 1.0, caches=caches)
    render_canvas(d, source, 1.0, caches=caches)
    assert reads.count("coffee") == 1 and reads.count("broken") == 2 and reads.count("later") == 2
    assert rgba(first, 50, 50) != BG  # the photo
    assert close(rgba(first, 135, 50), rgba_of(PLACEHOLDER_FILL), 2)  # undecodable: placeholder
    blobs["later"] = coffee.read_bytes()
    render_canvas(d, source, 1.0, caches=caches)
    assert reads.count("later") == 3
