"""Properties: any sequence of edits undoes back to the original document; files round-trip byte for byte."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from studio_app.canvas.editor import CanvasEditor
from studio_app.canvas.geometry import placement_aabb
from studio_app.canvas.kinds import PLACEMENT, SKETCH
from studio_app.canvas.operations import copies_for_paste
from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument, UnknownElement
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.ui.canvas import commands as cmd

pct = st.floats(0, 100, allow_nan=False)
size = st.floats(1, 100, allow_nan=False)
colour = st.sampled_from(["#FF3B30", "#34C759", "#007AFF", "#FFFFFF", "#00000080"])


@st.composite
def placements(draw) -> MediaAssetPlacement:  # noqa: ANN001
    unit = draw(st.sampled_from(["percent", "px"]))
    return MediaAssetPlacement(
        asset_id=draw(st.text("abcdef0123", min_size=1, max_size=8)), display_name=draw(st.text(max_size=12)),
        x=draw(pct), y=draw(pct), width=draw(size), height=draw(size), size_unit=unit,
        z_index=draw(st.integers(0, 20)), rotation=draw(st.floats(0, 360, allow_nan=False)),
        opacity=draw(pct), flip_h=draw(st.booleans()), flip_v=draw(st.booleans()), locked=draw(st.booleans()),
        hidden=draw(st.booleans()))


@st.composite
def sketches(draw) -> SketchElement:  # noqa: ANN001
    kind = draw(st.sampled_from(["pen", "line", "arrow", "rectangle", "ellipse", "text"]))
    n = {"pen": draw(st.integers(2, 12)), "text": 1}.get(kind, 2)
    points = draw(st.lists(st.tuples(pct, pct), min_size=n, max_size=n))
    return SketchElement(kind=kind, points=points, color=draw(st.sampled_from(["#FF3B30", "#FFFFFF"])),
                         stroke_width=draw(st.floats(0.5, 40, allow_nan=False)),
                         fill=draw(st.one_of(st.none(), colour)) if kind in ("rectangle", "ellipse") else None,
                         text=draw(st.text(min_size=1, max_size=20)) if kind == "text" else None,
                         font_size=draw(st.floats(0.5, 100, allow_nan=False)), z_index=draw(st.integers(0, 5)))


@st.composite
def documents(draw) -> CanvasDocument:  # noqa: ANN001
    unknown = [UnknownElement(index=draw(st.integers(0, 4)),
                              data={"id": f"u{i}", "kind": "polygon", "points": [[1, 2], [3, 4], [5, 1]],
                                    "extra": {"nested": [1, 2.5, "x"]}})
               for i in range(draw(st.integers(0, 2)))]
    return CanvasDocument(
        name=draw(st.text(max_size=20)), asset_type=draw(st.sampled_from(list(AssetType))),
        background=draw(colour), placements=draw(st.lists(placements(), max_size=5)),
        sketch_elements=draw(st.lists(sketches(), max_size=5)), sketch_visible=draw(st.booleans()),
        unknown_elements=unknown)


def _boxes(editor: CanvasEditor, pids: list[str]) -> dict:
    doc = editor.document
    return {(PLACEMENT, pid): placement_aabb(editor.placement(pid), doc.width, doc.height) for pid in pids}


def _pick(data, items: list[str], max_size: int = 3) -> list[str]:  # noqa: ANN001
    if not items:
        return []
    return data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=max_size, unique=True))


def _random_edit(data, editor: CanvasEditor):  # noqa: ANN001, ANN202 - a QUndoCommand or None
    doc = editor.document
    pids = [p.id for p in doc.placements]
    sids = [e.id for e in doc.sketch_elements]
    op = data.draw(st.sampled_from([
        "add_p", "add_s", "remove", "move", "nudge", "flip", "opacity", "lock", "hide", "arrange", "align",
        "distribute", "style", "unit", "asset_type", "sketch_visible", "paste", "reorder"]))
    if op == "add_p":
        return cmd.AddPlacementCommand(editor, data.draw(placements()))
    if op == "add_s":
        return cmd.AddSketchCommand(editor, data.draw(sketches()))
    if op == "remove":
        return cmd.RemoveItemsCommand(editor, {PLACEMENT: _pick(data, pids), SKETCH: _pick(data, sids)})
    if op in ("move", "nudge"):
        dx, dy = data.draw(st.floats(-3000, 3000)), data.draw(st.floats(-3000, 3000))
        cls = cmd.MoveItemsCommand if op == "move" else cmd.NudgeCommand
        return cls(editor, {PLACEMENT: _pick(data, pids), SKETCH: _pick(data, sids)}, dx, dy)
    if op == "flip":
        return cmd.FlipCommand(editor, _pick(data, pids), data.draw(st.sampled_from("hv")))
    if op in ("opacity", "lock", "hide"):
        values = {"opacity": {"opacity": data.draw(pct)}, "lock": {"locked": data.draw(st.booleans())},
                  "hide": {"hidden": data.draw(st.booleans())}}[op]
        return cmd.SetPlacementFieldsCommand(editor, _pick(data, pids), values, op)
    if op == "arrange":
        return cmd.ArrangeCommand(editor, {PLACEMENT: _pick(data, pids), SKETCH: _pick(data, sids)},
                              data.draw(st.sampled_from(["forward", "backward", "front", "back"])))
    if op == "align":
        return cmd.AlignCommand(editor, _boxes(editor, _pick(data, pids)),
                            data.draw(st.sampled_from(["left", "hcentre", "right", "top", "vcentre", "bottom"])))
    if op == "distribute":
        return cmd.DistributeCommand(editor, _boxes(editor, _pick(data, pids, 5)), data.draw(st.sampled_from("hv")))
    if op == "style":
        return cmd.StyleSketchCommand(editor, _pick(data, sids), {"color": "#123456", "stroke_width": 3.0,
                                                              "font_size": 20.0, "fill": "#ABCDEF"})
    if op == "unit":
        return cmd.SetSizeUnitCommand(editor, _pick(data, pids), data.draw(st.sampled_from(["percent", "px"])))
    if op == "asset_type":
        return cmd.ChangeAssetTypeCommand(editor, data.draw(st.sampled_from(list(AssetType))).value)
    if op == "sketch_visible":
        return cmd.SetSketchVisibleCommand(editor, not doc.sketch_visible)
    if op == "paste":
        copies = copies_for_paste({PLACEMENT: [editor.placement(i) for i in _pick(data, pids)],
                                   SKETCH: [editor.sketch_element(i) for i in _pick(data, sids)]}, editor, 3.0)
        return cmd.InsertItemsCommand(editor, copies, "Paste")
    if pids:
        return cmd.ReorderPlacementsCommand(editor, data.draw(st.permutations(pids)))
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), data=st.data())
def test_random_edits_then_undo_all_give_back_the_original(doc: CanvasDocument, data) -> None:  # noqa: ANN001
    editor = CanvasEditor(doc)
    stack = QUndoStack()
    original = editor.document.to_json()
    for _ in range(data.draw(st.integers(1, 25))):
        command = _random_edit(data, editor)
        if command is None or (hasattr(command, "is_empty") and command.is_empty()):
            continue
        stack.push(command)
    redone = editor.document.to_json()
    while stack.canUndo():
        stack.undo()
    assert editor.document.to_json() == original
    while stack.canRedo():
        stack.redo()
    assert editor.document.to_json() == redone


@settings(max_examples=80, deadline=None)
@given(doc=documents())
def test_save_load_save_is_byte_identical(doc: CanvasDocument) -> None:
    first = doc.to_json()
    loaded = CanvasDocument.from_json(first)
    assert loaded.to_json() == first
    assert loaded == CanvasDocument.from_json(loaded.to_json())
    # the store's copy (model_dump -> model_validate) keeps everything too
    assert CanvasDocument.model_validate(loaded.model_dump(mode="json")).to_json() == first
    # unknown elements stay in the file, in their list, with their data
    saved = json.loads(first)
    assert sum(1 for e in saved["sketch_elements"] if e.get("kind") == "polygon") == len(doc.unknown_elements)
