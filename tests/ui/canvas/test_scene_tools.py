"""Every tool and gesture through real mouse and key events on the CanvasView, with undo/redo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest

from studio_app.canvas.kinds import PLACEMENT, SKETCH, UNKNOWN
from studio_app.domain.canvas import CanvasDocument, UnknownElement
from studio_app.domain.sketch import SketchElement
from studio_app.ui.canvas.actions import CanvasActions
from studio_app.ui.canvas.commands import AddSketchCommand

from .conftest import SHIFT, Canvas, click, drag, mouse, place

ALT = Qt.KeyboardModifier.AltModifier


def _selected(scene) -> tuple[list[str], list[str], list[str]]:  # noqa: ANN001 - a CanvasScene
    """The scene's selection as (placement ids, sketch element ids, unknown element ids)."""
    sel = scene.selection()
    return sel[PLACEMENT], sel[SKETCH], sel[UNKNOWN]


def _undo_redo_round_trip(c: Canvas, steps: int = 1) -> None:
    """Undo ``steps`` steps and redo them: the document must come back exactly."""
    after = c.doc.to_json()
    for _ in range(steps):
        c.stack.undo()
    assert c.doc.to_json() != after
    for _ in range(steps):
        c.stack.redo()
    assert c.doc.to_json() == after


# -- select ----------------------------------------------------------------------------------------
def test_click_shift_click_and_rubber_band_select(canvas: Canvas) -> None:
    a = place(canvas, x=20, y=30, width=15, height=20)
    b = place(canvas, x=60, y=30, width=15, height=20)
    s = SketchElement(kind="rectangle", points=[(70, 70), (90, 90)])
    canvas.stack.push(AddSketchCommand(canvas.editor, s))
    W, H = canvas.doc.width, canvas.doc.height  # noqa: N806
    click(canvas.view, QPointF(0.2 * W, 0.3 * H))
    assert _selected(canvas.scene) == ([a.id], [], [])
    click(canvas.view, QPointF(0.6 * W, 0.3 * H), SHIFT)
    assert _selected(canvas.scene) == ([a.id, b.id], [], [])
    click(canvas.view, QPointF(0.6 * W, 0.3 * H), SHIFT)  # shift-click again deselects
    assert _selected(canvas.scene) == ([a.id], [], [])
    click(canvas.view, QPointF(0.4 * W, 0.9 * H))  # empty canvas clears
    assert _selected(canvas.scene) == ([], [], [])
    drag(canvas.view, [QPointF(0.5 * W, 0.05 * H), QPointF(0.7 * W, 0.5 * H), QPointF(0.95 * W, 0.95 * H)])
    assert _selected(canvas.scene) == ([b.id], [s.id], [])
    assert canvas.stack.count() == 3  # selecting is not an edit


def test_drag_moves_the_selection_as_one_undo_step(canvas: Canvas) -> None:
    a = place(canvas, x=20, y=30, width=15, height=20)
    s = SketchElement(kind="line", points=[(50, 50), (60, 60)])
    canvas.stack.push(AddSketchCommand(canvas.editor, s))
    canvas.scene.select({PLACEMENT: [a.id], SKETCH: [s.id]})
    start = canvas.scene.placement_item(a.id).pos()
    before = canvas.stack.count()
    drag(canvas.view, [start + QPointF(d, d / 2) for d in range(0, 201, 20)], ALT)
    assert canvas.stack.count() == before + 1 and canvas.stack.text(before) == "Move"
    p = canvas.editor.placement(a.id)
    assert p.x == pytest.approx(20 + 200 * 100 / 1280, abs=0.3)
    assert p.y == pytest.approx(30 + 100 * 100 / 720, abs=0.3)
    e = canvas.editor.sketch_element(s.id)
    assert e.points[0][0] - 50 == pytest.approx(p.x - 20, abs=1e-6)  # moved together
    _undo_redo_round_trip(canvas)


def test_shift_drag_keeps_one_axis_and_moves_snap_to_the_centre_line(canvas: Canvas) -> None:
    a = place(canvas, x=30, y=30, width=10, height=10)
    item = canvas.scene.placement_item(a.id)
    start = item.pos()
    drag(canvas.view, [start, start + QPointF(100, 9), start + QPointF(150, 12)], SHIFT | ALT)
    p = canvas.editor.placement(a.id)
    assert p.y == 30 and p.x > 40
    # drag the centre near the canvas centre line: it snaps there and a guide shows while dragging
    start = item.pos()
    target = QPointF(640 + 4, start.y() + 50)
    mouse(canvas.view, QEvent.Type.MouseButtonPress, start)
    mouse(canvas.view, QEvent.Type.MouseMove, QPointF((start.x() + target.x()) / 2, start.y() + 20))
    mouse(canvas.view, QEvent.Type.MouseMove, target)
    assert any(g.axis == "x" and g.position == 640 for g in canvas.scene.guides)
    mouse(canvas.view, QEvent.Type.MouseButtonRelease, target)
    assert canvas.editor.placement(a.id).x == pytest.approx(50.0)
    assert canvas.scene.guides == []


def test_resize_handle_with_and_without_shift(canvas: Canvas) -> None:
    # A placeholder (its image is missing) resizes freely; images keep their ratio (test_first_hour).
    a = place(canvas, "missing.png", x=50, y=50, width=20, height=20)  # 256 x 144 px
    canvas.scene.select({PLACEMENT: [a.id]})
    handles = canvas.scene.overlay.handle_points()
    se = handles["se"]
    drag(canvas.view, [se, se + QPointF(60, 10), se + QPointF(128, 20)])
    p = canvas.editor.placement(a.id)
    assert p.width == pytest.approx(30, abs=0.3) and p.height == pytest.approx(20 + 20 * 100 / 720, abs=0.4)
    # the opposite (north-west) corner stayed put
    assert p.x - p.width / 2 == pytest.approx(40, abs=0.2) and p.y - p.height / 2 == pytest.approx(40, abs=0.3)
    assert canvas.stack.text(canvas.stack.index() - 1) == "Resize"
    _undo_redo_round_trip(canvas)
    w0, h0 = p.size_px(1280, 720)
    e = canvas.scene.overlay.handle_points()["e"]
    drag(canvas.view, [e, e + QPointF(100, 40)], SHIFT)
    q = canvas.editor.placement(a.id)
    w1, h1 = q.size_px(1280, 720)
    assert w1 / h1 == pytest.approx(w0 / h0, rel=0.02) and w1 > w0 + 80


def test_rotate_handle_snaps_to_15_degrees_with_shift(canvas: Canvas) -> None:
    a = place(canvas, x=50, y=50, width=20, height=20)
    canvas.scene.select({PLACEMENT: [a.id]})
    rot = canvas.scene.overlay.handle_points()["rotate"]
    centre = canvas.scene.placement_item(a.id).pos()
    # to the right of the centre = 90 degrees clockwise; 5 px below that line is ~91.x degrees
    target = QPointF(centre.x() + 300, centre.y() + 7)
    drag(canvas.view, [rot, QPointF(centre.x() + 100, centre.y() - 150), target])
    free = canvas.editor.placement(a.id).rotation
    assert 90.5 < free < 93
    canvas.stack.undo()
    drag(canvas.view, [rot, target], SHIFT)
    assert canvas.editor.placement(a.id).rotation == pytest.approx(90.0)
    _undo_redo_round_trip(canvas)


def test_arrow_keys_nudge_and_merge_into_one_step(canvas: Canvas) -> None:
    a = place(canvas, x=50, y=50, width=10, height=10)
    canvas.scene.select({PLACEMENT: [a.id]})
    canvas.view.setFocus()
    count = canvas.stack.count()
    for _ in range(3):
        QTest.keyClick(canvas.view, Qt.Key.Key_Right)
    QTest.keyClick(canvas.view, Qt.Key.Key_Down, SHIFT)
    assert canvas.stack.count() == count + 1
    p = canvas.editor.placement(a.id)
    assert p.x == pytest.approx(50 + 3 * 100 / 1280) and p.y == pytest.approx(50 + 10 * 100 / 720)
    canvas.stack.undo()
    assert (canvas.editor.placement(a.id).x, canvas.editor.placement(a.id).y) == (50, 50)


def test_delete_key_removes_the_selection_in_one_step(canvas: Canvas) -> None:
    a = place(canvas, x=20, y=20)
    b = place(canvas, x=70, y=70)
    canvas.scene.select({PLACEMENT: [a.id, b.id]})
    canvas.view.setFocus()
    QTest.keyClick(canvas.view, Qt.Key.Key_Delete)
    assert canvas.doc.placements == []
    canvas.stack.undo()
    assert [p.id for p in canvas.doc.placements] == [a.id, b.id]


# -- drawing tools -------------------------------------------------------------------------------
@pytest.mark.parametrize("tool", ["pen", "line", "arrow", "rectangle", "ellipse"])
def test_drawing_tools_add_one_element(canvas: Canvas, tool: str) -> None:
    canvas.scene.set_tool(tool)
    pts = [QPointF(200 + 20 * i, 200 + (15 * i if i % 2 else 5 * i)) for i in range(12)]
    drag(canvas.view, pts)
    (e,) = canvas.doc.sketch_elements
    assert e.kind == tool and e.color == canvas.scene.sketch_style.colour
    if tool == "pen":
        assert 2 <= len(e.points) <= 12  # smoothed and simplified
        assert e.points[0] == pytest.approx((200 * 100 / 1280, 200 * 100 / 720), abs=0.2)
    else:
        assert len(e.points) == 2
        assert e.points[1] == pytest.approx((pts[-1].x() * 100 / 1280, pts[-1].y() * 100 / 720), abs=0.2)
    assert canvas.scene.sketch_item(e.id) is not None
    _undo_redo_round_trip(canvas)


def test_shift_constrains_lines_and_squares_and_fill_applies_to_shapes(canvas: Canvas) -> None:
    canvas.scene.set_tool("line")
    drag(canvas.view, [QPointF(100, 100), QPointF(300, 120)], SHIFT)
    line = canvas.doc.sketch_elements[-1]
    assert line.points[1][1] == pytest.approx(line.points[0][1], abs=0.01)  # snapped to horizontal
    canvas.scene.ops.apply_style(fill=True)
    canvas.scene.set_tool("rectangle")
    drag(canvas.view, [QPointF(400, 100), QPointF(600, 160)], SHIFT)
    rect = canvas.doc.sketch_elements[-1]
    w = (rect.points[1][0] - rect.points[0][0]) * 1280 / 100
    h = (rect.points[1][1] - rect.points[0][1]) * 720 / 100
    assert w == pytest.approx(h, abs=1.5) and rect.fill == canvas.scene.sketch_style.colour + "66"


def test_a_click_without_dragging_draws_nothing(canvas: Canvas) -> None:
    for tool in ("pen", "line", "rectangle"):
        canvas.scene.set_tool(tool)
        click(canvas.view, QPointF(300, 300))
    assert canvas.doc.sketch_elements == [] and canvas.stack.count() == 0


def test_text_is_typed_in_place_and_edited_by_double_click(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    canvas.scene.ops.apply_style(colour="#00FF00", font_size=50)
    canvas.scene.set_tool("text")
    canvas.view.setFocus()
    click(canvas.view, QPointF(300, 200))
    assert canvas.scene.tools.text.edit_item is not None
    QTest.keyClicks(canvas.view, "GG")
    QTest.keyClick(canvas.view, Qt.Key.Key_Escape)
    (e,) = canvas.doc.sketch_elements
    assert (e.kind, e.text, e.color) == ("text", "GG", "#00FF00") and e.font_px(720) == pytest.approx(50)
    assert e.points[0] == pytest.approx((300 * 100 / 1280, 200 * 100 / 720), abs=0.2)
    canvas.scene.set_tool("select")
    item = canvas.scene.sketch_item(e.id)
    centre = item.sceneBoundingRect().center()
    mouse(canvas.view, QEvent.Type.MouseButtonDblClick, centre)
    assert canvas.scene.tools.text.edit_item is not None and not item.isVisible()
    QTest.keyClicks(canvas.view, " EZ")
    # clicking elsewhere finishes the edit
    click(canvas.view, QPointF(1000, 600))
    assert canvas.scene.tools.text.edit_item is None
    assert canvas.doc.sketch_elements[0].text == "GG EZ" and item.isVisible()
    canvas.stack.undo()
    assert canvas.doc.sketch_elements[0].text == "GG"
    # emptying a text deletes it
    canvas.scene.tools.text.begin_edit(e.id)
    QTest.keyClick(canvas.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(canvas.view, Qt.Key.Key_Backspace)
    QTest.keyClick(canvas.view, Qt.Key.Key_Escape)
    assert canvas.doc.sketch_elements == []
    assert canvas.stack.text(canvas.stack.index() - 1) == "Delete text"


def test_typing_in_a_text_does_not_trigger_tool_shortcuts(qtbot, photos) -> None:  # noqa: ANN001
    c = Canvas(qtbot, photos)
    actions = CanvasActions(c.scene, c.view, c.view)
    c.view.addActions([*actions.tools.values(), *actions.actions.values()])
    actions.tools["text"].trigger()
    c.view.setFocus()
    click(c.view, QPointF(100, 100))
    QTest.keyClicks(c.view, "PLAX")  # pen, line, arrow, eraser shortcuts
    assert c.scene.tool == "text"
    QTest.keyClick(c.view, Qt.Key.Key_Escape)
    assert c.doc.sketch_elements[0].text == "PLAX"


def test_eraser_removes_every_element_it_touches_in_one_step(canvas: Canvas) -> None:
    for y in (20, 40, 60):
        canvas.stack.push(AddSketchCommand(canvas.editor, SketchElement(kind="line", points=[(10, y), (40, y)])))
    keep = SketchElement(kind="ellipse", points=[(70, 10), (90, 30)])
    canvas.stack.push(AddSketchCommand(canvas.editor, keep))
    a = place(canvas, x=25, y=80, width=10, height=10)
    canvas.scene.set_tool("eraser")
    before = canvas.stack.count()
    drag(canvas.view, [QPointF(320, 100), QPointF(320, 300), QPointF(320, 600)])  # crosses the 3 lines and the photo
    assert [e.id for e in canvas.doc.sketch_elements] == [keep.id]
    assert [p.id for p in canvas.doc.placements] == [a.id]  # the eraser is for sketch elements
    assert canvas.stack.count() == before + 1 and canvas.stack.text(before) == "Erase"
    _undo_redo_round_trip(canvas)


# -- arrange, edit and view actions -----------------------------------------------------------------
@pytest.fixture
def actions(canvas: Canvas) -> CanvasActions:
    return CanvasActions(canvas.scene, canvas.view, canvas.view)


def test_copy_paste_cut_duplicate(canvas: Canvas, actions: CanvasActions) -> None:
    a = place(canvas, x=20, y=20)
    canvas.scene.select({PLACEMENT: [a.id]})
    assert actions.copy()
    actions.actions["paste"].trigger()
    assert len(canvas.doc.placements) == 2
    pasted = canvas.doc.placements[1]
    assert pasted.id != a.id and pasted.x == 23 and canvas.scene.selection()[PLACEMENT] == [pasted.id]
    actions.actions["duplicate"].trigger()
    assert len(canvas.doc.placements) == 3 and canvas.doc.placements[2].x == 26
    actions.actions["cut"].trigger()
    assert len(canvas.doc.placements) == 2
    actions.actions["paste"].trigger()
    assert len(canvas.doc.placements) == 3
    for _ in range(4):
        canvas.stack.undo()
    assert [p.id for p in canvas.doc.placements] == [a.id]


def test_pasting_foreign_clipboard_content_is_ignored(canvas: Canvas, actions: CanvasActions) -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().setText("not canvas items")
    assert not actions.paste()
    assert canvas.stack.count() == 0


def test_arrange_align_distribute_flip_lock_hide_actions(canvas: Canvas, actions: CanvasActions) -> None:
    ps = [place(canvas, x=x, y=y, width=10, height=10) for x, y in ((10, 20), (30, 50), (80, 40))]
    canvas.scene.select({PLACEMENT: [ps[0].id]})
    actions.actions["front"].trigger()
    assert canvas.doc.sorted_placements()[-1].id == ps[0].id
    assert canvas.scene.placement_item(ps[0].id).zValue() > canvas.scene.placement_item(ps[2].id).zValue()
    actions.actions["back"].trigger()
    assert canvas.doc.sorted_placements()[0].id == ps[0].id
    canvas.scene.select({PLACEMENT: [p.id for p in ps]})
    actions.actions["align_top"].trigger()
    assert {round(canvas.editor.placement(p.id).y, 6) for p in ps} == {20.0}
    actions.actions["distribute_h"].trigger()
    xs = sorted(canvas.editor.placement(p.id).x for p in ps)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    actions.actions["flip_h"].trigger()
    assert all(canvas.editor.placement(p.id).flip_h for p in ps)
    canvas.scene.select({PLACEMENT: [ps[1].id]})
    actions.actions["lock"].trigger()
    assert canvas.editor.placement(ps[1].id).locked
    item = canvas.scene.placement_item(ps[1].id)
    start = item.pos()
    drag(canvas.view, [start, start + QPointF(200, 0)])
    assert canvas.editor.placement(ps[1].id).x == pytest.approx(xs[1])  # locked: does not move
    actions.actions["hide"].trigger()
    assert canvas.editor.placement(ps[1].id).hidden and not item.isVisible()
    steps = canvas.stack.index()
    while canvas.stack.canUndo():
        canvas.stack.undo()
    while canvas.stack.index() < steps:
        canvas.stack.redo()
    item = canvas.scene.placement_item(ps[1].id)  # re-created by the redo of its placing
    assert not item.isVisible() and canvas.editor.placement(ps[1].id).locked


def test_zoom_fit_100_and_ctrl_wheel_under_the_mouse(canvas: Canvas, actions: CanvasActions) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view = canvas.view
    fit = view.zoom()
    assert view.fit_mode and 0.5 < fit < 1.0
    actions.actions["zoom_100"].trigger()
    assert view.zoom() == 1.0 and not view.fit_mode
    anchor = QPointF(300, 200)
    under = view.mapToScene(anchor.toPoint())
    wheel = QWheelEvent(anchor, QPointF(view.viewport().mapToGlobal(anchor.toPoint())), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == pytest.approx(1.25)
    after = view.mapToScene(anchor.toPoint())
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2  # the point stayed under the mouse
    actions.actions["zoom_fit"].trigger()
    assert view.zoom() == pytest.approx(fit) and view.fit_mode
    assert canvas.scene.view_scale == pytest.approx(fit)


def test_pan_with_space_drag_and_middle_button(canvas: Canvas) -> None:
    view = canvas.view
    view.zoom_100()
    view.setFocus()
    centre = view.mapToScene(view.viewport().rect().center())
    QTest.keyPress(view, Qt.Key.Key_Space)
    drag(view, [centre, centre + QPointF(100, 50)])
    QTest.keyRelease(view, Qt.Key.Key_Space)
    moved = view.mapToScene(view.viewport().rect().center())
    assert moved.x() == pytest.approx(centre.x() - 100, abs=2) and moved.y() == pytest.approx(centre.y() - 50, abs=2)
    assert canvas.stack.count() == 0 and _selected(canvas.scene) == ([], [], [])
    drag(view, [moved, moved + QPointF(-60, 0)], button=Qt.MouseButton.MiddleButton)
    again = view.mapToScene(view.viewport().rect().center())
    assert again.x() == pytest.approx(moved.x() + 60, abs=2)


def test_safe_zone_overlay_and_sketch_layer_toggles(canvas: Canvas, actions: CanvasActions) -> None:
    view = canvas.view
    corner = view.mapFromScene(QPointF(1250, 700))
    plain = view.viewport().grab().toImage().pixelColor(corner)
    actions.actions["safe_zones"].trigger()
    tinted = view.viewport().grab().toImage().pixelColor(corner)
    assert tinted.red() > plain.red() + 20  # the thumbnail's timestamp corner is shaded
    middle = view.mapFromScene(QPointF(640, 360))
    assert view.viewport().grab().toImage().pixelColor(middle) == plain  # the rest is untouched
    s = SketchElement(kind="line", points=[(10, 10), (50, 50)])
    canvas.stack.push(AddSketchCommand(canvas.editor, s))
    actions.actions["sketch_layer"].trigger()
    assert not canvas.doc.sketch_visible and not canvas.scene.sketch_item(s.id).isVisible()
    canvas.stack.undo()
    assert canvas.scene.sketch_item(s.id).isVisible() and actions.actions["sketch_layer"].isChecked()


def test_changing_the_asset_type_keeps_the_layout(canvas: Canvas) -> None:
    from studio_app.ui.canvas.commands import ChangeAssetTypeCommand

    a = place(canvas, x=25, y=75, width=20, height=30)
    canvas.stack.push(ChangeAssetTypeCommand(canvas.editor, "story_graphic"))
    assert canvas.scene.sceneRect().size().toTuple() == (1080, 1920)
    item = canvas.scene.placement_item(a.id)
    assert item.pos() == QPointF(270, 1440) and (item.box_w, item.box_h) == pytest.approx((216, 576))
    canvas.stack.undo()
    assert canvas.scene.sceneRect().size().toTuple() == (1280, 720) and item.pos() == QPointF(320, 540)


def test_unknown_elements_show_as_placeholders_and_can_be_deleted(qtbot, photos) -> None:  # noqa: ANN001
    doc = CanvasDocument(unknown_elements=[UnknownElement(index=0, data={"id": "u1", "kind": "sticker",
                                                                          "x": 50, "y": 50})])
    c = Canvas(qtbot, photos, doc)
    item = c.scene.unknown_item("u1")
    assert item is not None and item.isVisible() and "sticker" in item.toolTip()
    c.scene.select({UNKNOWN: ["u1"]})
    c.scene.ops.delete_selected()
    assert c.doc.unknown_elements == [] and c.scene.unknown_item("u1") is None
    c.stack.undo()
    assert c.doc.unknown_elements[0].data["kind"] == "sticker" and c.scene.unknown_item("u1") is not None


def test_a_frozen_drag_frame_looks_like_the_live_scene(qtbot, photos) -> None:  # noqa: ANN001
    """While dragging, the still items are painted from cached layers; the picture must not change."""
    from studio_app.ui.canvas.view import FREEZE_MIN_ITEMS

    c = Canvas(qtbot, photos)
    ps = [place(c, name=photos[i % len(photos)].name, x=5 + (i * 37) % 90, y=8 + (i * 53) % 85, width=12,
                height=18, rotation=(i * 29) % 360 if i % 3 == 0 else 0) for i in range(FREEZE_MIN_ITEMS)]
    for i in range(20):
        c.stack.push(AddSketchCommand(c.editor, SketchElement(
            kind="pen", points=[(5 + i * 4, 10), (8 + i * 4, 40), (4 + i * 4, 80)], color="#FFCC00")))
    target = ps[len(ps) // 2]
    c.scene.select({PLACEMENT: [target.id]})
    start = c.scene.placement_item(target.id).pos()
    mouse(c.view, QEvent.Type.MouseButtonPress, start, modifiers=ALT)
    mouse(c.view, QEvent.Type.MouseMove, start + QPointF(40, 30), modifiers=ALT)
    assert c.view.frozen
    frozen = c.view.viewport().grab().toImage()
    c.view.unfreeze()
    live = c.view.viewport().grab().toImage()
    mouse(c.view, QEvent.Type.MouseButtonRelease, start + QPointF(40, 30), modifiers=ALT)
    assert frozen.size() == live.size()
    worst = 0
    for y in range(0, live.height(), 2):
        for x in range(0, live.width(), 2):
            a, b = frozen.pixelColor(x, y), live.pixelColor(x, y)
            worst = max(worst, abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))
    assert worst <= 2  # only rounding at antialiased edges blended through the cached layer
    assert not c.view.frozen and all(c.scene.placement_item(p.id).opacity() == 1.0 for p in ps)


def test_undo_during_a_drag_cancels_the_drag(canvas: Canvas) -> None:
    a = place(canvas, x=20, y=20, width=10, height=10)
    item = canvas.scene.placement_item(a.id)
    start = item.pos()
    mouse(canvas.view, QEvent.Type.MouseButtonPress, start)
    mouse(canvas.view, QEvent.Type.MouseMove, start + QPointF(100, 0))
    canvas.stack.undo()  # removes the placement
    mouse(canvas.view, QEvent.Type.MouseButtonRelease, start + QPointF(100, 0))
    assert canvas.doc.placements == [] and canvas.stack.count() == 1


def test_stack_is_plain_qundostack(canvas: Canvas) -> None:
    assert isinstance(canvas.stack, QUndoStack)
