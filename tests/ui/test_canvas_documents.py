"""The main window's canvas: docks, canvas mode, export (pixel-equal to `studio render`), autosave and
recovery, recent files, opening old and newer files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt

from studio_app.app import build_main_window
from studio_app.canvas.kinds import PLACEMENT
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.sketch import SketchElement
from studio_app.services.context import StudioStore
from studio_app.ui.canvas.autosave import RECOVERY_FILE_NAME
from studio_app.ui.canvas.commands import AddSketchCommand
from tests.job_signals import COMPLETED, args_of, wait_job_event

from .helpers import drop_on_view, media_mime

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_path(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def window(data_path: Path, open_window):  # noqa: ANN001, ANN201
    return open_window(data_path)


def _sketch(window, **fields) -> SketchElement:  # noqa: ANN001, ANN003
    e = SketchElement(**fields)
    window.undo_stack.push(AddSketchCommand(window.editor, e))
    return e


def _rich_canvas(window, photos: list[Path]) -> None:  # noqa: ANN001
    """5 fixture photos, 10 sketch elements covering every kind, and a text."""
    ids = [o.asset.id for o in window.library.import_files(photos[:5]) if o.asset]
    assert len(ids) == 5
    doc = window.editor.document
    for i, asset_id in enumerate(ids):
        (pid,) = window.place_media([asset_id], QPointF(doc.width * (0.15 + 0.17 * i), doc.height * 0.45))
        window.scene.select({PLACEMENT: [pid]})
        if i == 1:
            window.scene.ops.flip_selected("h")
        if i == 2:
            window.scene.ops.set_selected_fields({"rotation": 30.0, "opacity": 70.0}, "Style")
    colours = ["#FF3B30", "#34C759", "#007AFF", "#FFCC00", "#AF52DE"]
    for i, kind in enumerate(["pen", "line", "arrow", "rectangle", "ellipse"] * 2):
        y = 10 + 8 * i
        pts = {"pen": [(5, y), (12, y + 4), (20, y - 2), (28, y + 3)], "line": [(60, y), (90, y + 5)],
               "arrow": [(40, y), (70, y + 6)], "rectangle": [(70, y), (85, y + 6)],
               "ellipse": [(10, y), (25, y + 7)]}[kind]
        _sketch(window, kind=kind, points=pts, color=colours[i % 5], stroke_width=(3 + i) / 7.2,
                fill="#FFFFFF55" if kind in ("rectangle", "ellipse") and i > 4 else None)
    _sketch(window, kind="text", points=[(30, 80)], text="GG EZ", color="#FFFFFF", font_size=10,
            font_family="DejaVu Sans")


def test_canvas_docks_history_and_tools_are_in_the_window(window) -> None:  # noqa: ANN001
    assert set(window.docks) == {"inspector", "layers", "history"}
    assert window.docks["history"].widget().stack() is window.undo_stack
    assert set(window.tool_actions) == {"select", "pen", "line", "arrow", "rectangle", "ellipse", "text", "eraser"}
    _sketch(window, kind="arrow", points=[(10, 10), (50, 50)])
    assert window.docks["history"].widget().model().rowCount() == 2  # the empty state + one step
    assert window.windowTitle().startswith("Untitled canvas*")


def test_canvas_mode_is_on_with_content_and_the_switch_reaches_generation_and_coach(window, photos, qtbot) -> None:  # noqa: ANN001
    assert not window.canvas_mode.isEnabled() and not window.use_canvas_snapshot()
    asset = window.library.import_file(photos[0]).asset
    drop_on_view(window.canvas_view, media_mime([asset.id]), QPointF(400, 300))
    assert window.canvas_mode.isChecked() and window.use_canvas_snapshot()
    assert window._coach_canvas().placements  # the coach sees the layout
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate()
    assert window.generation.store.jobs.get(args_of(sig)[0]).parameters["canvas_mode"] is True
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)
    window.canvas_mode.setChecked(False)
    assert not window.use_canvas_snapshot() and not window._coach_canvas().has_content()
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate()
    assert window.generation.store.jobs.get(args_of(sig)[0]).parameters["canvas_mode"] is False
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)
    # the user's choice holds while content stays; an empty canvas resets it
    _sketch(window, kind="line", points=[(1, 1), (9, 9)])
    assert not window.canvas_mode.isChecked()
    window.new_document()
    assert not window.canvas_mode.isEnabled()
    _sketch(window, kind="line", points=[(1, 1), (9, 9)])
    assert window.canvas_mode.isChecked()


def test_gui_export_is_pixel_equal_to_studio_render(window, photos, tmp_path, data_path) -> None:  # noqa: ANN001
    _rich_canvas(window, photos)
    doc_path = tmp_path / "rich.json"
    assert window.save_document_as(doc_path)
    gui = window.export_canvas(tmp_path / "gui.png", "PNG", 2.0)
    assert gui is not None
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cli = tmp_path / "cli.png"
    run = subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(data_path), "render", str(doc_path),
                          "--scale", "2", "-o", str(cli)], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    with Image.open(gui) as a, Image.open(cli) as b:
        assert a.size == b.size == (2560, 1440)
        assert a.convert("RGBA").tobytes() == b.convert("RGBA").tobytes()
        # and it is a real picture: photos and strokes, not a flat fill
        assert len(a.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 1000


@pytest.mark.parametrize("fmt,scale,size", [("PNG", 1.0, (1280, 720)), ("JPEG", 1.0, (1280, 720)),
                                            ("WEBP", 2.0, (2560, 1440))])
def test_export_formats_and_scales(window, photos, tmp_path, fmt, scale, size) -> None:  # noqa: ANN001
    asset = window.library.import_file(photos[1]).asset
    window.place_media([asset.id], QPointF(640, 360))
    out = window.export_canvas(tmp_path / f"out.{fmt.lower()}", fmt, scale)
    with Image.open(out) as im:
        assert im.format == fmt and im.size == size
    assert window.undo_stack.count() == 1  # exporting is not an edit


def test_export_to_an_unwritable_folder_reports_one_line(window, tmp_path) -> None:  # noqa: ANN001
    assert window.export_canvas(tmp_path / "missing" / "x.png") is None
    title, message = window.last_error
    assert title == "Could not export the canvas" and "missing" in message and "\n" not in message


def test_autosave_and_recovery_after_a_crash(window, data_path, qtbot) -> None:  # noqa: ANN001
    recovery = data_path / "recovery" / RECOVERY_FILE_NAME
    e = _sketch(window, kind="arrow", points=[(10, 10), (60, 40)])
    assert window.autosave.pending and not recovery.exists()
    window.autosave._app_state(Qt.ApplicationState.ApplicationInactive)  # focus loss
    window.autosave.flush()
    assert recovery.exists()
    saved = json.loads(recovery.read_text())
    assert saved["document"]["sketch_elements"][0]["id"] == e.id and saved["file_path"] is None
    # the debounce timer saves later edits on its own
    _sketch(window, kind="line", points=[(1, 1), (2, 2)])
    qtbot.waitUntil(lambda: len(json.loads(recovery.read_text())["document"]["sketch_elements"]) == 2,
                    timeout=3000)
    # "crash": a second window on the same data dir finds the recovery file
    store2 = StudioStore.open(data_path)
    other = build_main_window(store2)
    qtbot.addWidget(other)
    questions = []
    assert other.offer_recovery(lambda q: questions.append(q) or True)
    assert "did not close cleanly" in questions[0]
    assert [x.kind for x in other.editor.document.sketch_elements] == ["arrow", "line"]
    assert not other.undo_stack.isClean() and other.windowTitle().startswith("Untitled canvas*")
    other.undo_stack.setClean()
    other.close()
    store2.close()


def test_declining_recovery_and_saving_remove_the_recovery_file(window, data_path, tmp_path) -> None:  # noqa: ANN001
    recovery = data_path / "recovery" / RECOVERY_FILE_NAME
    _sketch(window, kind="line", points=[(1, 1), (50, 50)])
    assert window.autosave.save_now() and recovery.exists()
    assert window.save_document_as(tmp_path / "kept.json")
    assert not recovery.exists()  # saved: nothing to recover
    _sketch(window, kind="line", points=[(5, 5), (50, 50)])
    window.autosave.save_now()
    assert json.loads(recovery.read_text())["file_path"] == str(tmp_path / "kept.json")
    window.undo_stack.undo()  # back to the saved state
    assert not recovery.exists()
    _sketch(window, kind="line", points=[(7, 7), (50, 50)])
    window.autosave.save_now()
    assert not window.offer_recovery(lambda _q: False)
    assert not recovery.exists()


def test_a_damaged_recovery_file_is_reported_and_set_aside(window, data_path) -> None:  # noqa: ANN001
    recovery = data_path / "recovery" / RECOVERY_FILE_NAME
    recovery.parent.mkdir(parents=True, exist_ok=True)
    recovery.write_text("{half a file")
    assert not window.offer_recovery(lambda _q: True)
    assert window.last_error[0] == "Could not restore the autosaved canvas" and not recovery.exists()


def test_recent_files_are_remembered_in_settings(window, tmp_path, data_path) -> None:  # noqa: ANN001
    _sketch(window, kind="line", points=[(1, 1), (50, 50)])
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert window.save_document_as(a)
    assert window.save_document_as(b)
    assert window.open_document(a)
    assert window.recent_files() == [str(a.resolve()), str(b.resolve())]
    settings = json.loads((data_path / "settings.json").read_text())
    assert settings["recent"]["files"][0] == str(a.resolve())
    titles = [act.text() for act in window.recent_menu.actions()]
    assert titles == ["a.json", "b.json"]
    window.new_document()
    window.recent_menu.actions()[1].trigger()
    assert window.file_path == b.resolve() or window.file_path == Path(str(b.resolve()))


def test_opening_old_newer_and_broken_files(window, tmp_path) -> None:  # noqa: ANN001
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps({"schema_version": 1, "name": "Old", "asset_type": "story_graphic",
                              "sketch_elements": [
                                  {"id": "p1", "kind": "polygon", "points": [[10, 10], [20, 30], [5, 25]]},
                                  {"id": "a1", "kind": "arrow", "points": [[10, 10], [50, 50]]}]}))
    assert window.open_document(v1)
    doc = window.editor.document
    assert doc.schema_version == 3 and doc.asset_type.value == "story_graphic"
    assert window.scene.sceneRect().size().toTuple() == (1080, 1920)
    assert window.scene.unknown_item("p1") is not None and window.scene.sketch_item("a1") is not None
    assert window.asset_type_combo.currentData() == "story_graphic"
    out = tmp_path / "again.json"
    assert window.save_document_as(out)
    saved = json.loads(out.read_text())
    assert saved["sketch_elements"][0] == {"id": "p1", "kind": "polygon", "points": [[10, 10], [20, 30], [5, 25]]}
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"schema_version": 7}))
    before = window.editor.document.to_json()
    assert not window.open_document(newer)
    assert "newer than this app" in window.last_error[1] and "\n" not in window.last_error[1]
    assert window.editor.document.to_json() == before  # nothing lost


def test_asset_type_change_from_the_combo_keeps_layout_and_undoes(window, photos) -> None:  # noqa: ANN001
    asset = window.library.import_file(photos[0]).asset
    (pid,) = window.place_media([asset.id], QPointF(320, 180))
    before = window.editor.placement(pid)
    window.asset_type_combo.setCurrentIndex(window.asset_type_combo.findData("youtube_banner"))
    doc = window.editor.document
    assert (doc.width, doc.height) == (2560, 1440)
    after = window.editor.placement(pid)
    assert (after.x, after.y, after.width, after.height) == (before.x, before.y, before.width, before.height)
    window.undo_stack.undo()
    assert window.asset_type_combo.currentData() == "thumbnail"


def test_easy_sketch_takes_the_active_brand_kit_colours(window) -> None:  # noqa: ANN001
    window.generation.store.brand_kits.save(BrandKit(name="Purple Rain", primary_colors=["#9146FF"],
                                          accent_colors=["#00F0FF", "#FFFFFF"], is_active=True))
    window.workspace.easy_action.trigger()
    bar = window.workspace.easy_bar
    assert window.workspace.easy_sketch and window.scene.tool == "pen"
    assert list(bar.swatches) == ["#9146FF", "#00F0FF", "#FFFFFF"] and "Purple Rain" in bar.palette_label.text()
    bar.exitRequested.emit()
    assert not window.workspace.easy_sketch and window.scene.tool == "select"


def test_closing_with_unsaved_edits_asks_and_a_clean_close_is_no_crash(data_path, qtbot) -> None:  # noqa: ANN001
    store = StudioStore.open(data_path)
    win = build_main_window(store)
    qtbot.addWidget(win)
    asked = []
    win.unsaved_prompt = lambda _parent, name: asked.append(name) or "cancel"
    _sketch(win, kind="ellipse", points=[(10, 10), (40, 40)])
    win.show()
    assert not win.close() and win.isVisible() and asked == ["Untitled canvas"]  # Cancel keeps it open
    win.unsaved_prompt = lambda _parent, _name: "discard"
    assert win.close()
    store.close()
    store = StudioStore.open(data_path)
    again = build_main_window(store)
    qtbot.addWidget(again)
    assert not again.offer_recovery(lambda _q: pytest.fail("a clean quit was reported as a crash"))
    assert again.editor.document.sketch_elements == []
    again.close()
    store.close()


def test_export_and_studio_render_leave_out_a_hidden_sketch_layer(window, tmp_path, data_path) -> None:  # noqa: ANN001
    _sketch(window, kind="rectangle", points=[(0, 0), (100, 100)], color="#FF0000", fill="#FF0000",
            stroke_width=10)
    shown = window.export_canvas(tmp_path / "shown.png")
    window.canvas_actions.actions["sketch_layer"].trigger()
    hidden = window.export_canvas(tmp_path / "hidden.png")
    assert window.save_document_as(tmp_path / "hidden.json")
    cli = tmp_path / "cli.png"
    run = subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(data_path), "render",
                          str(tmp_path / "hidden.json"), "--scale", "1", "-o", str(cli)], cwd=REPO,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    with Image.open(shown) as a, Image.open(hidden) as b, Image.open(cli) as c:
        assert a.convert("RGB").getpixel((640, 360)) == (255, 0, 0)
        assert b.convert("RGB").getpixel((640, 360)) == (0x1E, 0x1E, 0x28)  # the background
        assert b.convert("RGBA").tobytes() == c.convert("RGBA").tobytes()
