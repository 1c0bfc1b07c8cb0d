"""Design > Resize to… and the target combo in the main window: one rule, undoable, copies saved as files."""

from __future__ import annotations

import pytest

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement
from studio_app.ui.canvas.resize_dialog import MODE_CHANGE, ResizeDialog


def _design() -> CanvasDocument:
    return CanvasDocument(name="Boss Fight", sketch_elements=[
        SketchElement(id="bar", kind="line", points=[(10, 50), (90, 50)], stroke_width=2.0),
        SketchElement(id="title", kind="text", points=[(75, 85)], text="BOSS FIGHT", font_size=12)])


def test_design_menu_has_resize_to(window) -> None:  # noqa: ANN001
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Design" in titles and titles.index("&Design") < titles.index("&Generate")
    (act,) = window.design_menu.actions()
    assert act.text() == "&Resize to…" and act.shortcut().toString() == "Ctrl+Shift+R"


def test_resize_in_place_is_one_undo_step_and_keeps_proportions(window) -> None:  # noqa: ANN001
    window.documents.replace_document(_design(), None)
    dialog = ResizeDialog(window.editor.document, window)
    dialog.set_target(AssetType.TWITCH_EMOTE)
    dialog.change_radio.setChecked(True)
    assert dialog.mode == MODE_CHANGE and "112x112" in dialog.summary.text()
    new = window.resize_to(dialog=dialog)
    doc = window.editor.document
    assert new is doc and (doc.asset_type, doc.width, doc.height) == (AssetType.TWITCH_EMOTE, 112, 112)
    bar, title = doc.sketch_elements
    assert bar.stroke_width == 2.0 and bar.stroke_px(112) == pytest.approx(2.24)
    assert title.points[0][0] < 75  # moved in so the title stays inside the emote
    assert window.asset_type_combo.currentData() == "twitch_emote"
    window.undo_stack.undo()
    assert window.editor.document.asset_type == AssetType.THUMBNAIL
    assert window.editor.document.sketch_elements[1].points[0] == (75.0, 85.0)


def test_resize_to_a_copy_saves_a_file_and_keeps_the_open_design(window, tmp_path) -> None:  # noqa: ANN001
    window.documents.replace_document(_design(), None)
    before = window.editor.document
    dialog = ResizeDialog(before, window)
    dialog.set_target(AssetType.STORY_GRAPHIC)
    target = tmp_path / "story.json"
    copy = window.resize_to(dialog=dialog, save_path=lambda _doc: str(target))
    assert copy is not None and copy.id != before.id and window.editor.document is before
    saved = CanvasDocument.from_json(target.read_text())
    assert (saved.width, saved.height, saved.asset_type) == (1080, 1920, AssetType.STORY_GRAPHIC)
    assert saved.sketch_elements[0].stroke_width == 2.0
    assert window.undo_stack.count() == 0
    assert window.resize_to(dialog=ResizeDialog(before, window), save_path=lambda _doc: None) is None


def test_the_target_combo_uses_the_same_rule(window) -> None:  # noqa: ANN001
    window.documents.replace_document(_design(), None)
    window.asset_type_combo.setCurrentIndex(window.asset_type_combo.findData("twitch_emote"))
    doc = window.editor.document
    assert (doc.width, doc.height) == (112, 112) and doc.sketch_elements[1].points[0][0] < 75
