"""CanvasDocument format: v1 files upgrade, unknown element kinds survive, newer files are refused."""

from __future__ import annotations

import json

import pytest

from studio_app.domain.canvas import CANVAS_SCHEMA_VERSION, CanvasDocument, CanvasFormatError, migrate

V1_FILE = """{
  "schema_version": 1,
  "id": "8c1f6a8e-1a52-4f0e-9a53-0b3f0c7f2d11",
  "name": "Old thumbnail",
  "asset_type": "thumbnail",
  "width": 1280,
  "height": 720,
  "background": "#101010",
  "placements": [{"id": "a", "assetId": "m1", "displayName": "Face", "x": 30, "y": 50, "width": 25,
                  "height": 40, "zIndex": 2}],
  "sketch_elements": [{"id": "s", "kind": "arrow", "points": [[10, 10], [40, 40]], "color": "#ff0000"}]
}"""


def test_v1_file_upgrades_to_the_current_schema() -> None:
    doc = CanvasDocument.from_json(V1_FILE)
    assert doc.schema_version == CANVAS_SCHEMA_VERSION == 3
    assert doc.sketch_visible is True
    assert doc.sketch_elements[0].stroke_width == pytest.approx(4 * 100 / 720)  # v1 default 4 px of 720
    assert doc.placements[0].asset_id == "m1" and doc.placements[0].z_index == 2  # the original design's camelCase keys
    saved = json.loads(doc.to_json())
    assert saved["schema_version"] == 3 and saved["sketch_visible"] is True
    again = CanvasDocument.from_json(doc.to_json())
    assert again.to_json() == doc.to_json()


def test_a_file_without_schema_version_is_read_as_v1() -> None:
    doc = CanvasDocument.from_json('{"name": "pre-versioning", "placements": []}')
    assert doc.schema_version == CANVAS_SCHEMA_VERSION and doc.name == "pre-versioning"


@pytest.mark.parametrize("version,fragment", [(4, "newer"), (0, "not a version"), ("2", "not a version"),
                                              (True, "not a version")])
def test_bad_or_newer_versions_are_refused_with_one_line(version: object, fragment: str) -> None:
    with pytest.raises(CanvasFormatError, match=fragment) as info:
        CanvasDocument.from_json(json.dumps({"schema_version": version}))
    assert "\n" not in str(info.value)


def test_unknown_sketch_kind_loads_as_kept_placeholder_and_saves_back_in_place() -> None:
    raw = {"id": "poly1", "kind": "polygon", "points": [[10, 10], [30, 5], [20, 40]], "sides": 3,
           "style": {"dash": [4, 2]}}
    data = json.loads(V1_FILE)
    data["sketch_elements"].insert(0, raw)
    doc = CanvasDocument.from_json(json.dumps(data))
    assert [e.id for e in doc.sketch_elements] == ["s"]
    (unknown,) = doc.unknown_elements
    assert unknown.id == "poly1" and unknown.kind == "polygon" and unknown.index == 0
    assert unknown.bounds() == (10.0, 5.0, 30.0, 40.0)
    saved = json.loads(doc.to_json())
    assert saved["sketch_elements"][0] == raw
    assert "unknown_elements" not in saved
    assert CanvasDocument.from_json(doc.to_json()).to_json() == doc.to_json()


def test_known_kind_with_bad_values_is_still_an_error() -> None:
    bad = json.loads(V1_FILE)
    bad["sketch_elements"][0]["points"] = [[10, 10]]
    with pytest.raises(CanvasFormatError, match="invalid canvas"):
        CanvasDocument.from_json(json.dumps(bad))


def test_migrate_does_not_touch_its_input() -> None:
    data = {"schema_version": 1, "name": "x"}
    out = migrate(data)
    assert data == {"schema_version": 1, "name": "x"} and out["schema_version"] == 3


def test_hidden_sketch_layer_is_left_out_of_the_snapshot_document() -> None:
    doc = CanvasDocument.from_json(V1_FILE).model_copy(update={"sketch_visible": False})
    assert doc.for_snapshot().sketch_elements == [] and doc.sketch_elements
    shown = doc.model_copy(update={"sketch_visible": True})
    assert shown.for_snapshot() is shown


def test_v2_px_stroke_widths_and_font_sizes_become_percent_of_the_canvas_height() -> None:
    v2 = {"schema_version": 2, "asset_type": "twitch_emote", "height": 0, "sketch_elements": [
        {"id": "a", "kind": "line", "points": [[0, 0], [50, 50]], "stroke_width": 5.6},
        {"id": "t", "kind": "text", "points": [[5, 5]], "text": "GG", "font_size": 28},
        {"id": "big", "kind": "pen", "points": [[0, 0], [9, 9]], "stroke_width": 200},
        {"id": "p", "kind": "polygon", "points": [[1, 1]], "stroke_width": 3}]}
    doc = CanvasDocument.model_validate(v2)  # the store's copy path, not only from_json
    line, text, big = doc.sketch_elements
    assert doc.height == 112
    assert line.stroke_width == pytest.approx(5.0) and line.stroke_px(112) == pytest.approx(5.6)
    assert text.font_size == pytest.approx(25.0) and text.font_px(224) == pytest.approx(56.0)
    assert big.stroke_width == 100.0  # 200 px on 112 px is capped at the whole height
    assert doc.unknown_elements[0].data == {"id": "p", "kind": "polygon", "points": [[1, 1]], "stroke_width": 3}
    explicit = CanvasDocument.from_json(json.dumps({**v2, "height": 1000, "width": 1000}))
    assert explicit.sketch_elements[0].stroke_width == pytest.approx(0.56)
