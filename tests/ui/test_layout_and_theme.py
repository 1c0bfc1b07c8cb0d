"""Issue 14 points 3 and 4: a window that fits a laptop with no clipped text, docks that are
remembered, and the dark theme (light and follow-the-system as choices) on every window."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QWidget

from studio_app.app import build_main_window
from studio_app.services.coach import StartCoachRequest
from studio_app.services.context import StudioStore
from studio_app.ui import theme as theme_module
from studio_app.ui.canvas.export_dialog import ExportDialog
from studio_app.ui.theme import APPEARANCE_SECTION, AppearanceSettings, apply_theme, is_dark
from tests.job_signals import COMPLETED, wait_job_event

from .clipping import clipped_texts

SIZES = [(1366, 768), (1920, 1080)]


@pytest.fixture(autouse=True)
def _dark_again():
    yield
    apply_theme("dark")  # the palette is application-wide: leave the default for the next test


def _window(tmp_path: Path, qtbot, size: tuple[int, int] | None = None, name: str = "data"):  # noqa: ANN001
    store = StudioStore.open(tmp_path / name)
    win = build_main_window(store)
    qtbot.addWidget(win)
    if size:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win, store


def _settle(qtbot) -> None:  # noqa: ANN001
    for _ in range(5):
        QApplication.processEvents()
    qtbot.wait(50)


def test_the_window_fits_a_1366_laptop(tmp_path, qtbot) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, (1366, 768))
    assert win.minimumSizeHint().width() <= 1280
    assert win.minimumSizeHint().height() <= 700
    assert win.width() == 1366 and win.height() == 768  # nothing forced it wider
    win.close()
    store.close()


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_no_text_is_clipped_on_first_launch(tmp_path, qtbot, size) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, size)
    _settle(qtbot)
    assert [str(c) for c in clipped_texts(win)] == []
    win.close()
    store.close()


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_no_text_is_clipped_mid_session(tmp_path, qtbot, photos, size) -> None:  # noqa: ANN001
    """Media imported and placed (the inspector full), safe zones on, a coach conversation with
    the streamer's own bubbles, and a finished offline generation ("Done (offline preview)")."""
    win, store = _window(tmp_path, qtbot, size)
    outcomes = win.library.import_files(photos[:4], remove_background=False)
    win.library_panel.refresh()
    ids = [o.asset.id for o in outcomes if o.asset]
    doc = win.editor.document
    win.place_media([ids[0]], QPointF(doc.width * 0.9, doc.height * 0.5))
    win.library_panel.select_ids([ids[1]])  # the asset details with every button
    win.canvas_actions.actions["safe_zones"].trigger()
    sid = win.coach_panel.start(StartCoachRequest(asset_type="thumbnail", mood="hype", game_name="Space Race",
                                                  description="my cat astronaut", canvas=win.editor.document))
    qtbot.waitUntil(lambda: not win.coach.is_streaming(sid), timeout=10000)
    for answer in ("GG EZ", "add purple rim light and confetti"):
        win.coach_panel.chat_page.input.setPlainText(answer)
        win.coach_panel.send()
        qtbot.waitUntil(lambda: not win.coach.is_streaming(sid), timeout=10000)
    with wait_job_event(qtbot, win.generation, COMPLETED, timeout=30000):
        win.generate()
    qtbot.waitUntil(lambda: win.generate_button.isEnabled(), timeout=5000)
    _settle(qtbot)
    assert win.progress.text() == "Done (offline preview)"
    you = [w for w in win.coach_panel.chat_page.chat.findChildren(QLabel) if w.text() == "You" and w.isVisible()]
    assert len(you) == 2
    assert [str(c) for c in clipped_texts(win)] == []
    win.close()
    store.close()


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1920x1080"])
def test_no_text_is_clipped_in_easy_sketch_with_jobs_and_history(tmp_path, qtbot, size) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, size)
    win.workspace.easy_action.trigger()
    _settle(qtbot)
    assert win.minimumSizeHint().width() <= 1280  # Easy Sketch's big buttons still fit a laptop
    assert [str(c) for c in clipped_texts(win)] == []
    win.workspace.easy_action.trigger()
    win.toggle_jobs()
    win.coach_panel.show_history()
    _settle(qtbot)
    assert win.jobs_dock.isVisible()
    assert [str(c) for c in clipped_texts(win)] == []
    win.left_tabs.setCurrentWidget(win.generated)
    _settle(qtbot)
    assert [str(c) for c in clipped_texts(win)] == []
    win.close()
    store.close()


def test_the_clipping_check_finds_cut_text(qtbot) -> None:  # noqa: ANN001
    """The check above can fail: a label, a button and a combo too narrow for their text."""
    from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton

    host = QWidget()
    qtbot.addWidget(host)
    layout = QHBoxLayout(host)
    label = QLabel("Backgrounds: by type")
    label.setFixedWidth(40)
    button = QPushButton("Remove background")
    button.setFixedWidth(50)
    combo = QComboBox()
    combo.addItem("YouTube thumbnail (1280x720)")
    combo.setFixedWidth(70)
    fits = QLabel("OK")
    for w in (label, button, combo, fits):
        layout.addWidget(w)
    host.resize(400, 60)
    host.show()
    qtbot.waitExposed(host)
    found = {c.text for c in clipped_texts(host)}
    assert found == {"Backgrounds: by type", "Remove background", "YouTube thumbnail (1280x720)"}


def test_safe_zone_labels_are_whole_inside_the_canvas(tmp_path, qtbot) -> None:  # noqa: ANN001
    """YouTube's duration badge zone is narrower than its name at small zoom: the label moves
    above the zone, right-aligned, and stays inside the canvas (it showed "ration badge")."""
    from studio_app.domain.safe_zones import safe_zones

    win, store = _window(tmp_path, qtbot, (1366, 768))
    view = win.canvas_view
    doc = win.editor.document
    badge = next(z for z in safe_zones(doc.asset_type, doc.width, doc.height) if "uration" in z.label)
    from PySide6.QtCore import QRectF

    zone = QRectF(badge.x, badge.y, badge.width, badge.height)
    text_w, text_h, pad = zone.width() * 1.6, 30.0, 4.0  # a label wider than the zone
    r = view.safe_zone_label_rect(zone, badge.label, text_w, text_h, pad)
    canvas = win.scene.sceneRect()
    assert r.width() >= text_w and canvas.contains(r)
    assert r.bottom() <= zone.top() + 0.5  # above the zone, not over the badge
    small = view.safe_zone_label_rect(zone, badge.label, 10.0, 10.0, pad)  # fits: inside the zone
    assert zone.contains(small)
    win.close()
    store.close()


def test_docks_can_move_and_their_arrangement_is_remembered(tmp_path, qtbot) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, (1366, 768))
    docks = {d.objectName() for d in win.findChildren(QDockWidget)}
    assert {"dock_library", "dock_coach", "dock_inspector", "dock_layers", "dock_history", "dock_jobs"} <= docks
    assert all(d.features() & QDockWidget.DockWidgetFeature.DockWidgetMovable for d in win.findChildren(QDockWidget))
    assert win.dockWidgetArea(win.coach_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, win.coach_dock)  # the streamer drags it left
    win.docks["history"].hide()
    win.close()
    saved = store.settings.section(APPEARANCE_SECTION, AppearanceSettings)
    assert saved.window_state
    store.close()

    again, store2 = _window(tmp_path, qtbot, (1366, 768))
    assert again.dockWidgetArea(again.coach_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert again.docks["history"].isHidden()
    again.window_layout.reset()  # View → Reset layout
    assert again.dockWidgetArea(again.coach_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not again.docks["history"].isHidden()
    again.close()
    store2.close()


# -- theme -------------------------------------------------------------------------------------------
def _window_colour_lightness(w: QWidget) -> int:
    return w.palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_by_default_on_the_window_and_every_dialog(tmp_path, qtbot) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, (1366, 768))
    app = QApplication.instance()
    assert app.style().name().lower() == "fusion"
    assert is_dark(app.palette()) and _window_colour_lightness(win) < 80
    dialogs = [ExportDialog(win), win.open_settings(), win.open_brand_kits(), win.show_shortcuts(),
               win.show_getting_started()]
    for d in dialogs:
        assert _window_colour_lightness(d) < 80, type(d).__name__
        assert d.palette().color(QPalette.ColorRole.WindowText).lightness() > 180
        d.close()
    # the chrome around the canvas is as dark as the canvas' surroundings (no light frame)
    image = win.grab().toImage()
    corner = image.pixelColor(win.library_dock.geometry().center().x(), win.height() - 30)
    assert corner.lightness() < 90
    win.close()
    store.close()


def test_view_theme_switches_to_light_and_is_kept(tmp_path, qtbot) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, (1366, 768))
    assert win.theme_actions["dark"].isChecked()
    win.theme_actions["light"].trigger()
    QApplication.processEvents()
    app = QApplication.instance()
    assert not is_dark(app.palette()) and _window_colour_lightness(win) > 180
    dialog = ExportDialog(win)  # a dialog opened after the switch is light as well
    assert _window_colour_lightness(dialog) > 180
    pen = win.tool_actions["pen"].icon().pixmap(48, 48).toImage()  # tool icons redrawn dark on light
    inked = [pen.pixelColor(x, y) for x in range(48) for y in range(48) if pen.pixelColor(x, y).alpha() > 200]
    assert inked and max(c.lightness() for c in inked) < 100
    assert store.settings.section(APPEARANCE_SECTION, AppearanceSettings).theme == "light"
    win.close()
    store.close()
    apply_theme("dark")
    again, store2 = _window(tmp_path, qtbot, (1366, 768))  # the next start reads the choice
    assert again.theme_actions["light"].isChecked() and not is_dark(app.palette())
    again.close()
    store2.close()


def test_follow_the_system_uses_the_desktop_scheme(tmp_path, qtbot, monkeypatch) -> None:  # noqa: ANN001
    win, store = _window(tmp_path, qtbot, (1366, 768))
    monkeypatch.setattr(theme_module, "system_is_dark", lambda app: False)
    assert win.set_theme("system") == "light"
    assert not is_dark(QApplication.instance().palette())
    monkeypatch.setattr(theme_module, "system_is_dark", lambda app: True)
    win.first_hour.system_scheme_changed()  # what QStyleHints.colorSchemeChanged triggers
    assert is_dark(QApplication.instance().palette())
    with pytest.raises(ValueError):
        apply_theme("sepia")
    win.close()
    store.close()


def test_theme_switch_is_quick(tmp_path, qtbot) -> None:  # noqa: ANN001
    """Switching is one palette change, not a rebuild: the window keeps its document."""
    win, store = _window(tmp_path, qtbot, (1366, 768))
    doc_id = win.editor.document.id
    start = time.monotonic()
    win.set_theme("light")
    win.set_theme("dark")
    assert time.monotonic() - start < 5.0
    assert win.editor.document.id == doc_id
    win.close()
    store.close()
