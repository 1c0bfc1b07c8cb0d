"""Every canvas command through redo()/undo() on a real CanvasEditor (no widgets needed)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from studio_app.canvas.editor import CanvasEditor, ChangeSet
from studio_app.canvas.kinds import PLACEMENT, SKETCH
from studio_app.canvas.operations import arranged, copies_for_paste
from studio_app.domain.box import Box
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import DEFAULT_STROKE_PERCENT, SketchElement
from studio_app.ui.canvas.commands import (
    AddPlacementCommand,
    AddSketchCommand,
    AlignCommand,
    ArrangeCommand,
    ChangeAssetTypeCommand,
    DistributeCommand,
    FlipCommand,
    InsertItemsCommand,
    MoveItemsCommand,
    NudgeCommand,
    RemoveItemsCommand,
    ReorderPlacementsCommand,
    SetDocumentFieldsCommand,
    SetPlacementFieldsCommand,
    SetSizeUnitCommand,
    SetSketchVisibleCommand,
    StyleSketchCommand,
    UpdateItemsCommand,
)


def _doc() -> CanvasDocument:
    return CanvasDocument(
        placements=[MediaAssetPlacement(id=f"p{i}", asset_id=f"a{i}", display_name=f"photo {i}", x=20 + 20 * i,
                                        y=30 + 10 * i, width=15, height=20, z_index=i + 1) for i in range(3)],
        sketch_elements=[
            SketchElement(id="s0", kind="pen", points=[(10, 10), (12, 14), (15, 11)]),
            SketchElement(id="s1", kind="rectangle", points=[(40, 40), (60, 70)], fill="#00FF0080"),
            SketchElement(id="s2", kind="text", points=[(5, 80)], text="GG", font_size=40),
        ])


@pytest.fixture
def editor(qapp) -> CanvasEditor:  # noqa: ANN001 - a target change measures text with Qt's fonts
    return CanvasEditor(_doc())


def _round_trip(editor: CanvasEditor, command, check) -> None:  # noqa: ANN001
    """redo applies ``check``; undo restores the exact document; redo again re-applies."""
    before = editor.document.to_json()
    command.redo()
    after = editor.document.to_json()
    assert after != before
    check(editor.document)
    command.undo()
    assert editor.document.to_json() == before
    command.redo()
    assert editor.document.to_json() == after


def test_add_and_remove_items(editor: CanvasEditor) -> None:
    new = MediaAssetPlacement(id="new", asset_id="x", z_index=9)
    _round_trip(editor, AddPlacementCommand(editor, new), lambda d: d.placements[-1].id == "new" or pytest.fail())
    line = SketchElement(id="ln", kind="line", points=[(0, 0), (50, 50)])
    _round_trip(editor, AddSketchCommand(editor, line), lambda d: d.sketch_elements[-1].id == "ln" or pytest.fail())

    def removed(d: CanvasDocument) -> None:
        assert [p.id for p in d.placements] == ["p0", "p2", "new"]
        assert [e.id for e in d.sketch_elements] == ["s1", "s2", "ln"]

    _round_trip(editor, RemoveItemsCommand(editor, {PLACEMENT: ["p1"], SKETCH: ["s0"]}), removed)


def test_remove_restores_list_positions_of_several_items(editor: CanvasEditor) -> None:
    order = [p.id for p in editor.document.placements]
    cmd = RemoveItemsCommand(editor, {PLACEMENT: ["p2", "p0"], SKETCH: ["s2", "s0"]})
    cmd.redo()
    assert [p.id for p in editor.document.placements] == ["p1"]
    cmd.undo()
    assert [p.id for p in editor.document.placements] == order
    assert [e.id for e in editor.document.sketch_elements] == ["s0", "s1", "s2"]


def test_move_and_nudge_merge(editor: CanvasEditor) -> None:
    doc = editor.document

    def moved(d: CanvasDocument) -> None:
        assert d.placements[0].x == pytest.approx(20 + 128 * 100 / doc.width)
        assert d.sketch_elements[0].points[0][0] == pytest.approx(10 + 128 * 100 / doc.width)

    _round_trip(editor, MoveItemsCommand(editor, {PLACEMENT: ["p0"], SKETCH: ["s0"]}, 128, 0), moved)

    stack = QUndoStack()
    start = editor.document.to_json()
    for _ in range(5):
        stack.push(NudgeCommand(editor, {PLACEMENT: ["p1"], SKETCH: []}, 10, 0))
    assert stack.count() == 1  # five nudges, one step
    assert editor.placement("p1").x == pytest.approx(40 + 50 * 100 / doc.width)
    stack.push(NudgeCommand(editor, {PLACEMENT: ["p1", "p2"], SKETCH: []}, 0, 10))  # another selection: a new step
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert editor.document.to_json() == start


def test_moves_keep_centres_and_points_on_the_canvas(editor: CanvasEditor) -> None:
    MoveItemsCommand(editor, {PLACEMENT: ["p0"], SKETCH: ["s1"]}, -10_000, 10_000).redo()
    p = editor.placement("p0")
    assert (p.x, p.y) == (0.0, 100.0)
    pts = editor.sketch_element("s1").points
    assert min(x for x, _ in pts) == 0.0 and max(y for _, y in pts) == 100.0
    # the rectangle keeps its size (the shift is limited, not each point clamped)
    assert pts[1][0] - pts[0][0] == pytest.approx(20) and pts[1][1] - pts[0][1] == pytest.approx(30)


def test_locked_placements_do_not_move_or_flip(editor: CanvasEditor) -> None:
    SetPlacementFieldsCommand(editor, ["p0"], {"locked": True}, "Lock").redo()
    assert MoveItemsCommand(editor, {PLACEMENT: ["p0"], SKETCH: []}, 50, 0).is_empty()
    assert FlipCommand(editor, ["p0"], "h").is_empty()


def test_flip_opacity_lock_hide_unit(editor: CanvasEditor) -> None:
    _round_trip(editor, FlipCommand(editor, ["p0", "p1"], "h"),
                lambda d: all(p.flip_h for p in d.placements[:2]) or pytest.fail())
    _round_trip(editor, FlipCommand(editor, ["p2"], "v"), lambda d: d.placements[2].flip_v or pytest.fail())
    _round_trip(editor, SetPlacementFieldsCommand(editor, ["p1"], {"opacity": 40.0}, "Opacity"),
                lambda d: d.placements[1].opacity == 40.0 or pytest.fail())
    _round_trip(editor, SetPlacementFieldsCommand(editor, ["p1"], {"hidden": True}, "Hide"),
                lambda d: d.placements[1].hidden or pytest.fail())
    doc = editor.document

    def px(d: CanvasDocument) -> None:
        p = d.placements[0]
        assert p.size_unit == "px"
        assert (p.width, p.height) == pytest.approx((15 * doc.width / 100, 20 * doc.height / 100))

    _round_trip(editor, SetSizeUnitCommand(editor, ["p0"], "px"), px)
    with pytest.raises(ValueError):
        SetSizeUnitCommand(editor, ["p0"], "em")
    with pytest.raises(ValueError):
        FlipCommand(editor, ["p0"], "diagonal")


@pytest.mark.parametrize("how,expected", [
    ("front", ["p0", "p2", "p1"]), ("back", ["p1", "p0", "p2"]),
    ("forward", ["p0", "p2", "p1"]), ("backward", ["p1", "p0", "p2"]),
])
def test_arrange(editor: CanvasEditor, how: str, expected: list[str]) -> None:
    _round_trip(editor, ArrangeCommand(editor, {PLACEMENT: ["p1"], SKETCH: []}, how),
                lambda d: [p.id for p in d.sorted_placements()] == expected or pytest.fail(
                    f"{[p.id for p in d.sorted_placements()]}"))


def test_arranged_moves_blocks_of_selected_items() -> None:
    order = ["a", "b", "c", "d", "e"]
    assert arranged(order, {"a", "b"}, "forward") == ["c", "a", "b", "d", "e"]
    assert arranged(order, {"d", "e"}, "backward") == ["a", "b", "d", "e", "c"]
    assert arranged(order, {"e"}, "forward") == order  # already on top
    with pytest.raises(ValueError):
        arranged(order, {"a"}, "sideways")


def test_arrange_sketch_elements_and_reorder_layers(editor: CanvasEditor) -> None:
    _round_trip(editor, ArrangeCommand(editor, {PLACEMENT: [], SKETCH: ["s0"]}, "front"),
                lambda d: d.sorted_sketch_elements()[-1].id == "s0" or pytest.fail())
    _round_trip(editor, ReorderPlacementsCommand(editor, ["p0", "p2", "p1"]),
                lambda d: [p.id for p in reversed(d.sorted_placements())] == ["p0", "p2", "p1"] or pytest.fail())


def test_align_and_distribute(editor: CanvasEditor) -> None:
    doc = editor.document
    boxes = {(PLACEMENT, p.id): Box(p.x * doc.width / 100 - 10, 0, p.x * doc.width / 100 + 10, 10)
             for p in doc.placements}

    def left(d: CanvasDocument) -> None:
        xs = {round(p.x, 6) for p in d.placements}
        assert xs == {20.0}

    _round_trip(editor, AlignCommand(editor, boxes, "left"), left)
    boxes = {(PLACEMENT, "p0"): Box(0, 0, 100, 10), (PLACEMENT, "p1"): Box(150, 0, 250, 10), (PLACEMENT, "p2"): Box(700, 0, 800, 10)}
    base = editor.document

    def spread(d: CanvasDocument) -> None:
        # first and last stay, the middle box moves to an equal gap: 150..250 -> 350..450 px
        assert d.placements[1].x == pytest.approx(base.placements[1].x + 200 * 100 / doc.width)
        assert d.placements[0].x == base.placements[0].x and d.placements[2].x == base.placements[2].x

    _round_trip(editor, DistributeCommand(editor, boxes, "h"), spread)


def test_style_and_text_edit(editor: CanvasEditor) -> None:
    def styled(d: CanvasDocument) -> None:
        s0, s1, s2 = d.sketch_elements
        assert s0.color == s1.color == s2.color == "#00AAFF"
        assert s0.stroke_width == 9 and s1.stroke_width == 9 and s2.stroke_width == DEFAULT_STROKE_PERCENT  # text: none
        assert s1.fill is None and s0.fill is None  # fill only applies to shapes

    _round_trip(editor, StyleSketchCommand(editor, ["s0", "s1", "s2"], {"color": "#00AAFF", "stroke_width": 9,
                                                                        "fill": None}), styled)
    _round_trip(editor, StyleSketchCommand(editor, ["s2"], {"text": "GG EZ", "font_size": 80}, "Edit text"),
                lambda d: (d.sketch_elements[2].text, d.sketch_elements[2].font_size) == ("GG EZ", 80) or pytest.fail())


def test_document_fields_asset_type_keeps_layout_and_sketch_layer(editor: CanvasEditor) -> None:
    before = editor.document

    def story(d: CanvasDocument) -> None:
        assert (d.width, d.height) == (1080, 1920)
        assert [(p.x, p.y, p.width, p.height) for p in d.placements] == [
            (p.x, p.y, p.width, p.height) for p in before.placements]

    _round_trip(editor, ChangeAssetTypeCommand(editor, "story_graphic"), story)
    _round_trip(editor, SetSketchVisibleCommand(editor, False), lambda d: not d.sketch_visible or pytest.fail())
    _round_trip(editor, SetDocumentFieldsCommand(editor, {"background": before.background}, {"background": "#FFFFFF"},
                                                 "Background"), lambda d: d.background == "#FFFFFF" or pytest.fail())


def test_paste_copies_get_new_ids_offset_and_go_on_top(editor: CanvasEditor) -> None:
    src_p, src_s = [editor.placement("p0")], [editor.sketch_element("s1")]
    copies = copies_for_paste({PLACEMENT: src_p, SKETCH: src_s}, editor, 3.0)
    new_p, new_s = copies[PLACEMENT], copies[SKETCH]
    assert new_p[0].id != "p0" and new_s[0].id != "s1"
    assert new_p[0].x == src_p[0].x + 3 and new_p[0].z_index == editor.next_z_index()
    assert new_s[0].points[0] == (43.0, 43.0)
    _round_trip(editor, InsertItemsCommand(editor, {PLACEMENT: new_p, SKETCH: new_s}, "Paste"),
                lambda d: (len(d.placements) == 4 and len(d.sketch_elements) == 4) or pytest.fail())


def test_update_command_rejects_out_of_range_values_without_changing_anything(editor: CanvasEditor) -> None:
    before = editor.document.to_json()
    cmd = UpdateItemsCommand(editor, {PLACEMENT: {"p0": ({"x": 20.0}, {"x": 500.0})}})
    with pytest.raises(ValueError):
        cmd.redo()
    assert editor.document.to_json() == before


def test_editor_reports_targeted_change_sets(editor: CanvasEditor) -> None:
    seen: list[ChangeSet] = []
    editor.edited.connect(seen.append)
    MoveItemsCommand(editor, {PLACEMENT: ["p0"], SKETCH: ["s0"]}, 10, 10).redo()
    assert len(seen) == 1  # one batch for the whole step
    assert seen[0].ids(PLACEMENT, "updated") == {"p0"} and seen[0].ids(SKETCH, "updated") == {"s0"}
    assert not seen[0].structural
    RemoveItemsCommand(editor, {PLACEMENT: ["p1"], SKETCH: []}).redo()
    assert seen[-1].ids(PLACEMENT, "removed") == {"p1"} and seen[-1].structural


def test_change_set_merge_cancels_add_then_remove() -> None:
    a = ChangeSet(added={PLACEMENT: {"x"}}, updated={PLACEMENT: {"y"}})
    a.merge(ChangeSet(removed={PLACEMENT: {"x", "y"}}))
    assert a.ids(PLACEMENT, "added") == set() and a.ids(PLACEMENT, "removed") == {"y"} and a.ids(PLACEMENT, "updated") == set()
