"""Inspector, layers panel, style bar and Easy Sketch driving the real scene."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from studio_app.canvas.kinds import PLACEMENT, SKETCH
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.sketch import SketchElement
from studio_app.ui.canvas.commands import AddSketchCommand
from studio_app.ui.canvas.easy_sketch import DEFAULT_PALETTE, EasySketchBar, brand_palette
from studio_app.ui.canvas.inspector import InspectorPanel
from studio_app.ui.canvas.layers import COL_LOCKED, COL_VISIBLE, LayersPanel
from studio_app.ui.canvas.style_bar import StyleBar

from .conftest import Canvas, drag, place


def _type(spin, value: float) -> None:  # noqa: ANN001
    """Type a value into a spin box and press Enter, like a user."""
    spin.setFocus()
    spin.selectAll()
    QTest.keyClicks(spin, f"{value:g}")
    QTest.keyClick(spin, Qt.Key.Key_Return)


def test_inspector_edits_position_size_rotation_opacity_in_percent_and_px(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    inspector = InspectorPanel(canvas.scene)
    qtbot.addWidget(inspector)
    inspector.show()
    a = place(canvas, x=50, y=50, width=20, height=30)
    assert not inspector.form.isEnabled()
    canvas.scene.select({PLACEMENT: [a.id]})
    assert inspector.form.isEnabled() and inspector.spins["x"].value() == 50
    _type(inspector.spins["x"], 25)
    _type(inspector.spins["rotation"], 45)
    _type(inspector.spins["opacity"], 60)
    p = canvas.editor.placement(a.id)
    assert (p.x, p.rotation, p.opacity) == (25, 45, 60)
    assert inspector.opacity_slider.value() == 60
    inspector.unit_combo.setCurrentIndex(1)  # px
    p = canvas.editor.placement(a.id)
    assert p.size_unit == "px" and p.width == pytest.approx(256)
    assert inspector.spins["x"].value() == pytest.approx(320) and inspector.spins["x"].suffix() == " px"
    _type(inspector.spins["y"], 180)
    _type(inspector.spins["width"], 400)
    p = canvas.editor.placement(a.id)
    assert p.y == pytest.approx(25) and p.width == 400
    assert canvas.scene.placement_item(a.id).box_w == 400  # the canvas follows at once
    inspector.flip_h.click()
    inspector.locked.setChecked(True)
    assert canvas.editor.placement(a.id).flip_h and canvas.editor.placement(a.id).locked
    steps = canvas.stack.index()
    assert steps == 9  # place + 8 edits, each its own step
    while canvas.stack.index() > 1:
        canvas.stack.undo()
    assert canvas.editor.placement(a.id) == a
    assert inspector.spins["x"].value() == 50  # the inspector follows undo


def test_inspector_spin_steps_merge_and_multi_selection_applies_to_all(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    inspector = InspectorPanel(canvas.scene)
    qtbot.addWidget(inspector)
    a, b = place(canvas, x=20, y=20), place(canvas, x=70, y=70)
    canvas.scene.select({PLACEMENT: [a.id, b.id]})
    assert "2 placements" in inspector.title.text()
    count = canvas.stack.count()
    for _ in range(5):
        inspector.spins["rotation"].stepUp()
    assert canvas.stack.count() == count + 1  # five arrow steps, one undo step
    assert canvas.editor.placement(a.id).rotation == 5 and canvas.editor.placement(b.id).rotation == 5
    inspector.hidden.setChecked(True)
    assert canvas.editor.placement(a.id).hidden and canvas.editor.placement(b.id).hidden


def test_layers_panel_lists_top_first_and_reorders_by_drag(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    layers = LayersPanel(canvas.scene)
    qtbot.addWidget(layers)
    layers.resize(300, 400)
    layers.show()
    qtbot.waitExposed(layers)
    a, b, c = (place(canvas, x=20 + 20 * i, y=50) for i in range(3))
    assert layers.placement_order() == [c.id, b.id, a.id]
    # drag the bottom row (a) onto the top row (c): a goes to the top
    layers.clearSelection()
    layers.row(PLACEMENT, a.id).setSelected(True)
    target = layers.visualItemRect(layers.row(PLACEMENT, c.id))
    mime = layers.model().mimeData([layers.indexFromItem(layers.row(PLACEMENT, a.id))])
    at = QPointF(target.center().x(), target.top() + 2)
    enter = QDragEnterEvent(at.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(layers.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(at, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(layers.viewport(), drop)
    assert layers.placement_order() == [a.id, c.id, b.id]
    assert [p.id for p in reversed(canvas.doc.sorted_placements())] == [a.id, c.id, b.id]
    assert canvas.scene.placement_item(a.id).zValue() > canvas.scene.placement_item(c.id).zValue()
    canvas.stack.undo()
    assert layers.placement_order() == [c.id, b.id, a.id]
    assert layers.move_placements([c.id], None)  # to the bottom
    assert layers.placement_order() == [b.id, a.id, c.id]
    assert layers.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove


def test_layers_panel_visibility_lock_and_selection_sync(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    layers = LayersPanel(canvas.scene)
    qtbot.addWidget(layers)
    a = place(canvas, x=30, y=30)
    s = SketchElement(kind="arrow", points=[(10, 10), (40, 40)])
    canvas.stack.push(AddSketchCommand(canvas.editor, s))
    # selection: panel -> canvas and canvas -> panel
    layers.row(SKETCH, s.id).setSelected(True)
    assert canvas.scene.selection()[SKETCH] == [s.id]
    canvas.scene.select({PLACEMENT: [a.id]})
    assert layers.row(PLACEMENT, a.id).isSelected() and not layers.row(SKETCH, s.id).isSelected()
    row = layers.row(PLACEMENT, a.id)
    row.setCheckState(COL_VISIBLE, Qt.CheckState.Unchecked)
    assert canvas.editor.placement(a.id).hidden and not canvas.scene.placement_item(a.id).isVisible()
    row = layers.row(PLACEMENT, a.id)
    row.setCheckState(COL_LOCKED, Qt.CheckState.Checked)
    assert canvas.editor.placement(a.id).locked
    sketch_row = layers.topLevelItem(0)
    assert sketch_row.text(0) == "Sketch layer" and sketch_row.child(0).text(0) == "Arrow"
    sketch_row.setCheckState(COL_VISIBLE, Qt.CheckState.Unchecked)
    assert not canvas.doc.sketch_visible and not canvas.scene.sketch_item(s.id).isVisible()
    for _ in range(3):
        canvas.stack.undo()
    assert canvas.doc.sketch_visible and not canvas.editor.placement(a.id).hidden
    assert layers.row(PLACEMENT, a.id).checkState(COL_VISIBLE) == Qt.CheckState.Checked


def test_style_bar_restyles_the_selection_in_one_step_and_styles_new_elements(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    bar = StyleBar(canvas.scene)
    qtbot.addWidget(bar)
    elements = [SketchElement(kind=k, points=[(10, 10), (30, 30)]) for k in ("line", "ellipse")]
    for e in elements:
        canvas.stack.push(AddSketchCommand(canvas.editor, e))
    canvas.scene.select({SKETCH: [e.id for e in elements]})
    count = canvas.stack.count()
    bar.set_colour("#00aaff")
    assert [e.color for e in canvas.doc.sketch_elements] == ["#00AAFF", "#00AAFF"]
    bar.fill_button.setChecked(True)
    assert canvas.doc.sketch_elements[1].fill == "#00AAFF66" and canvas.doc.sketch_elements[0].fill is None
    _type(bar.width_spin, 12)
    h = canvas.doc.height  # elements keep percent of the height; the bar shows px of this canvas
    assert all(e.stroke_px(h) == pytest.approx(12) for e in canvas.doc.sketch_elements)
    assert canvas.stack.count() == count + 3
    canvas.scene.clearSelection()
    canvas.scene.set_tool("rectangle")
    drag(canvas.view, [QPointF(500, 300), QPointF(700, 500)])
    new = canvas.doc.sketch_elements[-1]
    assert (new.color, new.fill) == ("#00AAFF", "#00AAFF66") and new.stroke_px(h) == pytest.approx(12)
    # selecting one element shows its style
    canvas.scene.set_tool("select")
    canvas.scene.select({SKETCH: [elements[0].id]})
    assert bar.width_spin.value() == 12 and not bar.fill_button.isChecked()


def test_easy_sketch_uses_the_brand_kit_palette_and_big_tools(canvas: Canvas, qtbot) -> None:  # noqa: ANN001
    kit = BrandKit(name="Neon", primary_colors=["#9146ff", "#00FFAA"], accent_colors=["#FFFFFF", "#9146FF"])
    assert brand_palette(kit) == ["#9146FF", "#00FFAA", "#FFFFFF"]
    assert brand_palette(None) == list(DEFAULT_PALETTE)
    bar = EasySketchBar(canvas.scene, brand_palette(kit), kit.name)
    qtbot.addWidget(bar)
    bar.show()
    assert list(bar.tool_buttons) == ["pen", "arrow", "text"]
    assert all(b.minimumWidth() >= 76 for b in bar.tool_buttons.values())
    assert "Neon" in bar.palette_label.text() and list(bar.swatches) == ["#9146FF", "#00FFAA", "#FFFFFF"]
    bar.tool_buttons["arrow"].click()
    assert canvas.scene.tool == "arrow"
    bar.swatches["#00FFAA"].click()
    bar.size_slider.setValue(2)
    drag(canvas.view, [QPointF(100, 100), QPointF(400, 300)])
    arrow = canvas.doc.sketch_elements[-1]
    assert (arrow.kind, arrow.color) == ("arrow", "#00FFAA") and arrow.stroke_px(canvas.doc.height) == pytest.approx(14)
    bar.tool_buttons["text"].click()
    canvas.view.setFocus()
    QTest.mouseClick(canvas.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     canvas.view.mapFromScene(QPointF(200, 500)))
    QTest.keyClicks(canvas.view, "Hi")
    QTest.keyClick(canvas.view, Qt.Key.Key_Escape)
    text = canvas.doc.sketch_elements[-1]
    assert (text.text, text.color) == ("Hi", "#00FFAA") and text.font_px(canvas.doc.height) == pytest.approx(110)
