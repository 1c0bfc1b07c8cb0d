"""The skeleton's whole path through real widgets: import, drag onto the canvas, sketch, generate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF

from studio_app.domain.jobs import JobStatus
from tests.job_signals import COMPLETED, args_of, wait_job_event

from .helpers import drop_on_view, file_mime, media_mime, stroke


def test_import_drag_sketch_generate_and_find_in_library(window, photos: list[Path], qtbot) -> None:  # noqa: ANN001
    outcomes = window.library.import_files(photos[:3])
    window.library_panel.refresh()
    ids = [o.asset.id for o in outcomes if o.asset]
    assert len(ids) == 3

    doc = window.editor.document
    drop_on_view(window.canvas_view, media_mime([ids[0]]), QPointF(doc.width * 0.3, doc.height * 0.5))
    assert len(window.editor.document.placements) == 1
    placement = window.editor.document.placements[0]
    assert placement.asset_id == ids[0]
    assert abs(placement.x - 30) < 1.5 and abs(placement.y - 50) < 1.5

    window.tool_actions["pen"].trigger()
    stroke(window.canvas_view, [QPointF(doc.width * f, doc.height * 0.8) for f in (0.2, 0.3, 0.4, 0.5, 0.6)])
    sketch = window.editor.document.sketch_elements
    assert len(sketch) == 1 and sketch[0].kind == "pen" and len(sketch[0].points) >= 2

    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    job_id, asset_id = args_of(sig)
    qtbot.waitUntil(lambda: window.generate_button.isEnabled(), timeout=5000)
    assert window.generation.store.jobs.get(job_id).status == JobStatus.COMPLETED
    assert window.results.asset_ids()[0] == asset_id
    assert asset_id in window.generated.asset_ids()  # the library's Generated tab
    asset = window.generation.store.assets.get(asset_id)
    assert (asset.width, asset.height) == (1280, 720) and asset.is_preview
    assert window.progress.value() == 100
    assert "Offline preview" in window.provider_status.text()


def test_undo_redo_cover_place_move_and_draw(window, photos: list[Path], qtbot) -> None:  # noqa: ANN001
    asset = window.library.import_file(photos[0]).asset
    doc = window.editor.document
    drop_on_view(window.canvas_view, media_mime([asset.id]), QPointF(doc.width / 2, doc.height / 2))
    window.tool_actions["arrow"].trigger()
    stroke(window.canvas_view, [QPointF(100, 100), QPointF(400, 300)])
    assert [e.kind for e in window.editor.document.sketch_elements] == ["arrow"]
    window.undo_stack.undo()
    assert window.editor.document.sketch_elements == []
    window.undo_stack.undo()
    assert window.editor.document.placements == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert len(window.editor.document.placements) == 1
    assert len(window.editor.document.sketch_elements) == 1

    window.tool_actions["select"].trigger()
    item = window.scene.placement_item(window.editor.document.placements[0].id)
    start = item.scenePos()
    stroke(window.canvas_view, [start, start + QPointF(100, 0), start + QPointF(200, 50)])
    moved = window.editor.document.placements[0]
    assert moved.x > 55
    window.undo_stack.undo()
    assert abs(window.editor.document.placements[0].x - 50) < 0.01


def test_files_dropped_from_the_file_manager_are_imported_and_placed(window, photos, tmp_path) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    drop_on_view(window.canvas_view, file_mime([str(photos[0]), str(broken)]), QPointF(200, 200))
    assert len(window.editor.document.placements) == 1
    assert window.library.list_assets()[0].id == window.editor.document.placements[0].asset_id
    assert window.last_error[0] == "Some files were not imported" and "broken.png" in window.last_error[1]


def test_save_and_open_round_trip(window, photos, tmp_path) -> None:  # noqa: ANN001
    asset = window.library.import_file(photos[0]).asset
    window.place_media([asset.id], QPointF(300, 300))
    path = tmp_path / "doc.json"
    assert window.save_document_as(path)
    saved = path.read_text()
    window.new_document()
    assert window.editor.document.placements == []
    assert window.open_document(path)
    assert window.editor.document.to_json() == saved
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert not window.open_document(bad)
    assert "bad JSON" in window.last_error[1]


def test_coach_start_form_follows_canvas_edits(window, photos, qtbot) -> None:  # noqa: ANN001
    form = window.coach_panel.start_form
    assert "empty" in form.canvas_summary.text()
    asset = window.library.import_file(photos[0]).asset
    window.place_media([asset.id], QPointF(300, 300))
    qtbot.waitUntil(lambda: "empty" not in form.canvas_summary.text(), timeout=3000)


def test_window_fits_a_1366_px_laptop_screen(window) -> None:  # noqa: ANN001
    window.resize(1366, 740)
    assert window.minimumSizeHint().width() <= 1366
    assert window.width() <= 1366
