"""Resize a design to another target: proportions of strokes and text follow the canvas height,
text stays inside, and thumbnail -> Twitch emote -> thumbnail gives back the same render."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtGui import QImage

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.resize import estimate_text_box, resize_document
from studio_app.domain.sketch import SketchElement
from studio_app.render.snapshot import render_canvas
from studio_app.render.text_metrics import measure_text
from studio_app.services.design_resize import resize_design


def _nothing(_placement):  # noqa: ANN001, ANN202
    return None


def _array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(bytes(image.constBits()), np.uint8).reshape(image.height(), image.width(), 4).copy()


def _ink(arr: np.ndarray, rgb: tuple[int, int, int], tol: int = 90) -> np.ndarray:
    return np.abs(arr[..., :3].astype(int) - np.array(rgb)).max(axis=2) <= tol


def _design() -> CanvasDocument:
    return CanvasDocument(name="Ranked", asset_type=AssetType.THUMBNAIL, background="#FFFFFF", sketch_elements=[
        SketchElement(id="bar", kind="line", points=[(20, 80), (80, 80)], color="#FF0000", stroke_width=3.0),
        SketchElement(id="box", kind="rectangle", points=[(30, 40), (70, 70)], color="#0000FF", stroke_width=2.0),
        SketchElement(id="gg", kind="text", points=[(35, 8)], text="GG", color="#00AA00", font_size=22,
                      font_family="DejaVu Sans"),
    ])


def _stroke_share(arr: np.ndarray, rgb: tuple[int, int, int], column: int) -> float:
    """Thickness of the horizontal stroke of colour ``rgb`` crossing ``column``, as a share of the height."""
    return _ink(arr, rgb)[:, column].sum() / arr.shape[0]


def _text_share(arr: np.ndarray) -> float:
    rows = np.nonzero(_ink(arr, (0, 170, 0)).any(axis=1))[0]
    return (rows.max() - rows.min() + 1) / arr.shape[0]


def test_thumbnail_to_emote_and_back_keeps_stroke_and_text_proportions(qapp) -> None:  # noqa: ANN001
    thumb = _design()
    emote = resize_design(thumb, AssetType.TWITCH_EMOTE, copy=True)
    back = resize_design(emote, AssetType.THUMBNAIL, copy=True)
    assert (emote.width, emote.height) == (112, 112) and (back.width, back.height) == (1280, 720)
    assert emote.id != thumb.id and "Twitch emote" in emote.name
    # the renders: at the emote's 2x snapshot (224 px) and the thumbnail's 1x (720 px)
    a = _array(render_canvas(thumb, _nothing, 1.0))
    e = _array(render_canvas(emote, _nothing, 2.0))
    b = _array(render_canvas(back, _nothing, 1.0))
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 0.5  # the round trip gives the same picture
    thumb_bar, emote_bar = _stroke_share(a, (255, 0, 0), 640), _stroke_share(e, (255, 0, 0), 112)
    assert thumb_bar == pytest.approx(0.03, abs=0.005) and emote_bar == pytest.approx(thumb_bar, abs=0.012)
    assert _text_share(e) == pytest.approx(_text_share(a), rel=0.15)
    # before schema 3 the 21.6 px bar would have covered a fifth of the emote
    assert emote.sketch_elements[0].stroke_px(112) == pytest.approx(3.36)


def test_text_is_kept_inside_the_new_canvas(qapp) -> None:  # noqa: ANN001
    wide = SketchElement(kind="text", points=[(60, 85)], text="SUBSCRIBE NOW FOR MORE", color="#FFFFFF",
                         font_size=12, font_family="DejaVu Sans")
    doc = CanvasDocument(asset_type=AssetType.THUMBNAIL, sketch_elements=[wide])
    _left, _top, right, _bottom = measure_text(wide, 1280, 720)
    assert 60 * 12.8 + right > 1280  # it already runs off the thumbnail's right edge
    for target in (AssetType.TWITCH_EMOTE, AssetType.STORY_GRAPHIC, AssetType.X_HEADER):
        new = resize_design(doc, target)
        (t,) = new.sketch_elements
        lft, tp, r, b = measure_text(t, new.width, new.height)
        x, y = t.points[0][0] * new.width / 100, t.points[0][1] * new.height / 100
        assert x + lft >= -0.5 and y + tp >= -0.5, target
        assert x + r <= new.width + 0.5 and y + b <= new.height + 0.5, target
        assert t.text == wide.text


def test_placements_keep_percent_layout_and_px_sizes_become_percent() -> None:
    doc = CanvasDocument(asset_type=AssetType.THUMBNAIL, placements=[
        MediaAssetPlacement(id="a", x=25, y=60, width=40, height=50, rotation=15),
        MediaAssetPlacement(id="b", x=80, y=20, width=320, height=180, size_unit="px")])
    new = resize_document(doc, AssetType.STORY_GRAPHIC, measure=estimate_text_box)
    a, b = new.placements
    assert (a.x, a.y, a.width, a.height, a.rotation) == (25, 60, 40, 50, 15)
    assert (b.size_unit, b.width, b.height) == ("percent", 25.0, 25.0)
    assert new.id == doc.id and new.name == doc.name  # switching the open design's target keeps it


def test_a_v2_file_resizes_with_its_px_strokes_made_relative(qapp) -> None:  # noqa: ANN001
    v2 = {"schema_version": 2, "asset_type": "thumbnail", "width": 1280, "height": 720, "sketch_elements": [
        {"id": "l", "kind": "line", "points": [[0, 50], [100, 50]], "stroke_width": 36},
        {"id": "t", "kind": "text", "points": [[5, 5]], "text": "LIVE", "font_size": 72}]}
    doc = CanvasDocument.from_json(json.dumps(v2))
    emote = resize_design(doc, AssetType.TWITCH_EMOTE)
    line, text = emote.sketch_elements
    assert line.stroke_px(112) == pytest.approx(36 * 112 / 720)
    assert text.font_px(112) == pytest.approx(72 * 112 / 720)
