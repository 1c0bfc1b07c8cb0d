"""Issue 14 points 5 and 6: a first launch that says what to do, and the standard interactions
(double-click to place, right-click menus, dimmed overflow, an empty inspector, image resizing,
brand colours that match the ink, Ctrl+J, Ctrl+Y, F1, file dialogs that remember)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from studio_app.app import build_main_window
from studio_app.canvas.kinds import PLACEMENT
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.safe_zones import safe_zones
from studio_app.prompting.guided_coach import GuidedCoach
from studio_app.services.context import StudioStore
from studio_app.services.starters import starter_document
from studio_app.ui.context_menus import canvas_menu, library_menu
from studio_app.ui.file_dialogs import FileDialogs
from studio_app.ui.shortcuts_dialog import collect_shortcuts
from tests.job_signals import COMPLETED, wait_job_event

from .canvas.conftest import drag, mouse

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(open_window):  # noqa: ANN001, ANN201
    return open_window(size=(1366, 768))


def _import(win, photos, n=2) -> list[str]:  # noqa: ANN001
    outcomes = win.library.import_files(photos[:n], remove_background=False)
    win.library_panel.refresh()
    return [o.asset.id for o in outcomes if o.asset]


# -- 5. first launch -------------------------------------------------------------------------------
def test_each_pane_says_what_to_do_when_empty_and_steps_aside_after(window, photos, qtbot) -> None:  # noqa: ANN001
    hints = {"library": window.first_hour.library_empty, "canvas": window.first_hour.canvas_empty, "results": window.first_hour.results_empty}
    for name, hint in hints.items():
        assert hint.isVisible(), name
    assert "Drop" in window.first_hour.library_empty.text.text() and "Import" in window.first_hour.library_empty.text.text()
    assert "target" in window.first_hour.canvas_empty.text.text() and "drag media here" in window.first_hour.canvas_empty.text.text()
    assert "Generate" in window.first_hour.results_empty.text.text()
    ids = _import(window, photos, 1)
    assert not window.first_hour.library_empty.isVisible()
    window.place_at_centre(ids)
    assert not window.first_hour.canvas_empty.isVisible()
    window.undo_action.trigger()
    assert window.first_hour.canvas_empty.isVisible()  # empty again: the hint is back
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000):
        window.generate()
    qtbot.waitUntil(lambda: not window.first_hour.results_empty.isVisible(), timeout=5000)


def test_the_canvas_hint_stays_over_the_canvas_when_it_scrolls(window, qtbot) -> None:  # noqa: ANN001
    view = window.canvas_view
    view.zoom_by(3.0)  # zoomed in: the viewport scrolls, and QWidget.scroll drags children along
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 120)
    QApplication.processEvents()
    hint = window.first_hour.canvas_empty
    assert hint.geometry() == view.viewport().rect()


def test_the_empty_canvas_hint_lets_drops_and_drawing_through(window, qtbot) -> None:  # noqa: ANN001
    assert window.first_hour.canvas_empty.isVisible()
    window.tool_actions["pen"].trigger()
    doc = window.editor.document
    drag(window.canvas_view, [QPointF(doc.width * f, doc.height * 0.5) for f in (0.3, 0.4, 0.5, 0.6)])
    assert len(window.editor.document.sketch_elements) == 1
    assert not window.first_hour.canvas_empty.isVisible()


@pytest.mark.parametrize("asset_type", list(AssetType), ids=[t.value for t in AssetType])
def test_a_starter_design_for_every_target(window, asset_type) -> None:  # noqa: ANN001
    assert window.new_from_starter(asset_type.value)
    doc = window.editor.document
    spec = TARGET_SPECS[asset_type]
    assert (doc.width, doc.height) == (spec.width, spec.height) and doc.asset_type == asset_type
    assert doc.sketch_elements and window.undo_stack.isClean()
    assert window.asset_type_combo.currentData() == asset_type.value
    assert not window.first_hour.canvas_empty.isVisible()


def test_thick_strokes_are_not_cut_at_the_top_left(window) -> None:  # noqa: ANN001
    """The emote starter's ring: its bounds pad all four sides by half the stroke (the top-left
    padding was lost and the ring was cut there)."""
    window.new_from_starter("twitch_emote")
    (element,) = window.editor.document.sketch_elements
    item = window.scene.sketch_item(element.id)
    half = element.stroke_px(window.editor.document.height) / 2
    outline = item.outline().boundingRect()
    bounds = item.boundingRect()
    assert bounds.left() <= outline.left() - half and bounds.top() <= outline.top() - half
    assert bounds.right() >= outline.right() + half and bounds.bottom() >= outline.bottom() + half


def test_the_youtube_banner_starter_stays_in_the_area_every_device_shows() -> None:
    doc = starter_document(AssetType.YOUTUBE_BANNER)
    safe = next(z for z in safe_zones(doc.asset_type, doc.width, doc.height) if z.kind == "safe")
    for e in doc.sketch_elements:
        for x, y in e.points:
            px, py = x * doc.width / 100, y * doc.height / 100
            assert safe.x <= px <= safe.x + safe.width and safe.y <= py <= safe.y + safe.height, e.kind


def test_the_empty_canvas_offers_a_starter(window, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("studio_app.ui.first_hour.choose_starter", lambda parent, current: "twitch_emote")
    window.first_hour.canvas_empty.buttons["Start from a starter design…"].click()
    assert window.editor.document.asset_type == AssetType.TWITCH_EMOTE
    assert window.editor.document.sketch_elements


def _all_actions_with_keys(win) -> list[QAction]:  # noqa: ANN001
    out, stack = [], [a.menu() for a in win.menuBar().actions() if a.menu()]
    while stack:
        menu = stack.pop()
        for a in menu.actions():
            if a.menu():
                stack.append(a.menu())
            elif a.shortcuts():
                out.append(a)
    return out


def test_keyboard_shortcuts_list_every_shortcut_from_the_real_actions(window) -> None:  # noqa: ANN001
    entries = collect_shortcuts(window)
    listed = {(e.text, k) for e in entries for k in e.keys}
    for act in _all_actions_with_keys(window):
        for k in act.shortcuts():
            text = act.text().replace("&", "").replace("…", "").strip()
            assert (text, k.toString(QKeySequence.SequenceFormat.NativeText)) in listed, text
    keys = {k for e in entries for k in e.keys}
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "F1", "Ctrl+J", "Ctrl+G"} <= keys
    redo = next(e for e in entries if e.text.startswith("Redo"))
    assert set(redo.keys) == {"Ctrl+Shift+Z", "Ctrl+Y"}
    # the list cannot drift: a new action with a shortcut shows up without touching the dialog
    extra = window.menuBar().actions()[0].menu().addAction("Brand new command")
    extra.setShortcut(QKeySequence("Ctrl+Alt+B"))
    assert ("Brand new command", "Ctrl+Alt+B") in {(e.text, k) for e in collect_shortcuts(window) for k in e.keys}
    dialog = window.show_shortcuts()
    assert ("Brand new command", "Ctrl+Alt+B") in dialog.rows()
    dialog.filter.setText("redo")
    assert [r[0] for r in dialog.rows()] == [redo.text]
    dialog.close()


def test_ctrl_y_and_ctrl_shift_z_both_redo_and_f1_opens_help(window, photos, qtbot) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    window.place_at_centre(ids)
    window.canvas_view.setFocus()
    for redo_key in ("Ctrl+Y", "Ctrl+Shift+Z"):
        QTest.keySequence(window, QKeySequence("Ctrl+Z"))
        assert window.editor.document.placements == []
        QTest.keySequence(window, QKeySequence(redo_key))
        assert len(window.editor.document.placements) == 1, redo_key
    QTest.keySequence(window, QKeySequence("F1"))
    qtbot.waitUntil(lambda: any(w.windowTitle() == "Getting started" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=3000)


def test_the_coach_names_the_button_it_means(window) -> None:  # noqa: ANN001
    assert window.coach_panel.chat_page.generate_button.text() == "Generate Now"
    source = (REPO / "studio_app" / "prompting" / "guided_coach.py").read_text(encoding="utf-8")
    assert "Press Generate Now" in source and "Press Generate when" not in source
    assert GuidedCoach  # the guided coach's closing message is the one the streamer reads


# -- 6. interactions -------------------------------------------------------------------------------------
def test_double_click_places_a_library_asset_at_the_canvas_centre(window, photos, qtbot) -> None:  # noqa: ANN001
    ids = _import(window, photos, 2)
    grid = window.library_panel.grid
    row = window.library_panel.model.row_of(ids[1])
    rect = grid.visualRect(window.library_panel.model.index(row))
    # a real double-click: press, release, then the double-click press (Qt activates the pressed item)
    QTest.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    placements = window.editor.document.placements
    assert len(placements) == 1 and placements[0].asset_id == ids[1]
    assert placements[0].x == pytest.approx(50) and placements[0].y == pytest.approx(50)


def test_right_click_on_a_canvas_item_selects_it_and_offers_its_commands(window, photos) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    (pid,) = window.place_at_centre(ids)
    window.scene.clearSelection()
    view = window.canvas_view
    pos = view.mapFromScene(window.scene.sceneRect().center())
    menu = canvas_menu(view, window.canvas_actions.actions, pos)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert {"Delete", "Duplicate", "Bring to front", "Lock / unlock"} <= set(texts)
    assert window.scene.selection()[PLACEMENT] == [pid]
    next(a for a in menu.actions() if a.text().replace("&", "") == "Delete").trigger()
    assert window.editor.document.placements == []
    empty = canvas_menu(view, window.canvas_actions.actions, QPoint(2, 2), [("New from starter…", lambda: None)])
    assert "New from starter…" in [a.text() for a in empty.actions()]
    assert "Delete" not in [a.text().replace("&", "") for a in empty.actions()]


def test_the_canvas_context_menu_opens_on_a_real_right_click(window, photos, qtbot, monkeypatch) -> None:  # noqa: ANN001
    shown: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, *_a: shown.append(self))
    ids = _import(window, photos, 1)
    window.place_at_centre(ids)
    view = window.canvas_view
    pos = view.mapFromScene(window.scene.sceneRect().center())
    event_pos = view.viewport().mapToGlobal(pos)
    from PySide6.QtGui import QContextMenuEvent

    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, event_pos))
    assert shown and "Delete" in [a.text().replace("&", "") for a in shown[0].actions()]


def test_right_click_on_library_tiles_places_them(window, photos, monkeypatch) -> None:  # noqa: ANN001
    shown: list[QMenu] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, *_a: shown.append(self))
    ids = _import(window, photos, 2)
    grid = window.library_panel.grid
    rect = grid.visualRect(window.library_panel.model.index(window.library_panel.model.row_of(ids[0])))
    window.first_hour.library_context_menu(rect.center())
    assert window.library_panel.selected_ids() == [ids[0]]
    texts = [a.text() for a in shown[0].actions() if not a.isSeparator()]
    assert texts[0] == "Place on canvas" and "Remove background" in texts and "Delete…" in texts
    shown[0].actions()[0].trigger()
    assert [p.asset_id for p in window.editor.document.placements] == [ids[0]]
    menu = library_menu(grid, ids, place=lambda _ids: None)
    assert menu.actions()[0].text() == "Place 2 on canvas"


def test_content_outside_the_canvas_is_dimmed(window, photos, qtbot) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    doc = window.editor.document
    (pid,) = window.place_media(ids, QPointF(doc.width * 0.99, doc.height * 0.5))  # half off the right edge
    window.scene.clearSelection()
    view = window.canvas_view
    view.zoom_by(0.6)
    item = window.scene.placement_item(pid)
    box = item.sceneBoundingRect()
    outside = view.mapFromScene(QPointF(doc.width + box.width() * 0.2, box.center().y()))
    inside = view.mapFromScene(QPointF(doc.width - box.width() * 0.2, box.center().y()))
    qtbot.wait(50)
    dimmed = view.viewport().grab().toImage()
    view._dim = False
    view.viewport().update()
    qtbot.wait(50)
    plain = view.viewport().grab().toImage()
    view._dim = True
    a, b = dimmed.pixelColor(outside), plain.pixelColor(outside)
    assert (a != b and a.lightness() < b.lightness()) or abs(a.lightness() - QColor("#2B2B30").lightness()) < \
        abs(b.lightness() - QColor("#2B2B30").lightness())
    assert dimmed.pixelColor(inside) == plain.pixelColor(inside)  # the canvas itself untouched


def test_the_inspector_is_empty_with_nothing_selected(window, photos) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    (pid,) = window.place_at_centre(ids)
    inspector = window.workspace.inspector
    window.scene.select({PLACEMENT: [pid]})
    assert inspector.form.isVisible() and inspector.spins["x"].value() == pytest.approx(50)
    window.scene.clearSelection()
    assert not inspector.form.isVisible()  # no stale numbers of the last selection
    assert inspector.title.text().startswith("Nothing selected")


def test_resizing_an_image_keeps_the_selection_box_on_the_image(window, photos) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    (pid,) = window.place_at_centre(ids)
    window.scene.select({PLACEMENT: [pid]})
    item = window.scene.placement_item(pid)
    image_ratio = item._source.width() / item._source.height()
    se = window.scene.overlay.handle_points()["se"]
    drag(window.canvas_view, [se, se + QPointF(40, 5), se + QPointF(180, 10)])  # much wider than taller
    p = window.editor.placement(pid)
    w, h = p.size_px(window.editor.document.width, window.editor.document.height)
    assert w / h == pytest.approx(image_ratio, rel=0.01)
    frame = window.scene.overlay._frames[0][0].boundingRect()
    drawn = item.sceneBoundingRect()
    # the pixmap item's bounds carry half a source pixel of smoothing margin on each side
    margin = max(drawn.width() / item.pixmap().width(), 1.0) + 0.5
    for a, b in ((frame.left(), drawn.left()), (frame.top(), drawn.top()), (frame.right(), drawn.right()),
                 (frame.bottom(), drawn.bottom())):
        assert a == pytest.approx(b, abs=margin)


def test_the_colour_swatch_shows_the_ink_after_a_brand_kit_is_activated(tmp_path, qtbot) -> None:  # noqa: ANN001
    store = StudioStore.open(tmp_path / "data")
    store.brand_kits.save(BrandKit(name="Neon", primary_colors=["#9146FF"], accent_colors=["#00F0FF"],
                                   is_active=True))
    win = build_main_window(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    bar = win.workspace.style_bar
    assert bar.shown_colour() == win.scene.sketch_style.colour.upper()  # showed red, drew purple
    win.workspace.easy_action.trigger()
    win.workspace.easy_bar.swatches["#00F0FF"].click()
    win.workspace.easy_action.trigger()  # back to all tools
    assert bar.shown_colour() == "#00F0FF"
    win.tool_actions["line"].trigger()
    doc = win.editor.document
    drag(win.canvas_view, [QPointF(doc.width * 0.2, doc.height * 0.2), QPointF(doc.width * 0.6, doc.height * 0.6)])
    assert win.editor.document.sketch_elements[-1].color == bar.shown_colour()
    win.close()
    store.close()


def test_ctrl_j_toggles_the_jobs_panel(window, qtbot) -> None:  # noqa: ANN001
    assert not window.jobs_dock.isVisible()
    QTest.keySequence(window, QKeySequence("Ctrl+J"))
    assert window.jobs_dock.isVisible()
    QTest.keySequence(window, QKeySequence("Ctrl+J"))
    assert not window.jobs_dock.isVisible()


def test_file_dialogs_remember_the_folder_and_use_the_platform_dialog(window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    calls = []
    picked = tmp_path / "shots" / "a.png"
    picked.parent.mkdir()

    def fake_open(parent, caption, folder, filters, *rest, **kw):  # noqa: ANN001, ANN002, ANN003
        calls.append((folder, rest, kw))
        return [str(picked)], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake_open))
    monkeypatch.setattr(window.library_panel, "import_paths", lambda paths: None)
    window.placing.import_dialog()
    window.placing.import_dialog()
    assert calls[1][0] == str(picked.parent)  # the second dialog opens where the first ended
    assert all(not rest and not kw for _f, rest, kw in calls)  # no options: the native dialog
    # kept across restarts (settings), and per purpose
    again = FileDialogs(window.preferences)
    assert again.last_folder("import") == str(picked.parent)
    assert again.last_folder("export") != str(picked.parent)
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "studio_app").rglob("*.py"))
    assert "DontUseNativeDialog" not in source


def test_a_real_right_click_does_not_start_a_drag_or_drop_the_selection(window, photos) -> None:  # noqa: ANN001
    ids = _import(window, photos, 1)
    (pid,) = window.place_at_centre(ids)
    centre = window.scene.sceneRect().center()
    mouse(window.canvas_view, QEvent.Type.MouseButtonPress, centre, Qt.MouseButton.RightButton)
    mouse(window.canvas_view, QEvent.Type.MouseButtonRelease, centre, Qt.MouseButton.RightButton)
    p = window.editor.placement(pid)
    assert p.x == pytest.approx(50) and p.y == pytest.approx(50)
