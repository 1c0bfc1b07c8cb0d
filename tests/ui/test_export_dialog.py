"""Export for platform dialog with real widgets, a real store and the offline provider."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement
from studio_app.render.presets import PRESETS, ExportPreset
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService
from studio_app.services.platform_export import PlatformExports
from studio_app.ui.results.export_dialog import ExportDialog, open_export_dialog


def make_result(store: StudioStore, asset_type: AssetType = AssetType.TWITCH_EMOTE, name: str = "Hype Cat") -> str:
    doc = CanvasDocument(name=name, asset_type=asset_type, background="#00000000", sketch_elements=[
        SketchElement(kind="ellipse", points=[(10, 10), (90, 90)], color="#111111", stroke_width=4, fill="#FFD60A"),
        SketchElement(kind="text", points=[(30, 35)], text="GG", color="#111111", font_size=30)])
    store.canvases.save(doc)
    job, asset = GenerationService(store).run(GenerateRequest(asset_type=asset_type, canvas=doc))
    assert asset is not None, job.error_message
    return asset.id


def test_dialog_exports_the_results_preset_and_remembers_the_folder(store, qtbot, tmp_path) -> None:  # noqa: ANN001
    asset_id = make_result(store)
    out = tmp_path / "emotes"
    out.mkdir()
    dialog = open_export_dialog(None, asset_id, PlatformExports(store))
    qtbot.addWidget(dialog)
    assert dialog.preset_name == "twitch-emote"  # the result's own target comes first
    assert dialog.planned_names() == ["hype-cat-twitch-emote-112.png", "hype-cat-twitch-emote-56.png",
                                      "hype-cat-twitch-emote-28.png"]
    assert dialog.table.rowCount() == 3 and dialog.table.item(2, 1).text() == "28 px"
    dialog.folder_edit.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        assert dialog.start_export()
    assert sorted(p.name for p in out.iterdir()) == sorted(dialog.planned_names())
    for path, size in zip((out / n for n in dialog.planned_names()), (112, 56, 28), strict=True):
        with Image.open(path) as im:
            assert im.size == (size, size) and im.mode == "RGBA" and im.getpixel((0, 0))[3] == 0
    assert "Wrote 3 files" in dialog.status.text() and dialog.open_folder_button.isEnabled()
    assert dialog.table.item(0, 4).text() == "png-optimised"
    again = ExportDialog(asset_id, PlatformExports(store))
    qtbot.addWidget(again)
    assert Path(again.folder_edit.text()) == out.resolve()


def test_switching_preset_and_name_updates_the_plan(store, qtbot) -> None:  # noqa: ANN001
    dialog = ExportDialog(make_result(store, AssetType.THUMBNAIL, "Boss Fight"), PlatformExports(store))
    qtbot.addWidget(dialog)
    assert dialog.preset_name == "youtube-thumbnail" and dialog.planned_names() == [
        "boss-fight-youtube-thumbnail-1280x720.png"]
    dialog.set_preset("twitch-badge")
    dialog.design_edit.setText("Sub Badge!")
    assert dialog.planned_names() == [f"sub-badge-twitch-badge-{s}.png" for s in (72, 36, 18)]
    assert "kB" in dialog.table.item(0, 3).text()


def test_a_preset_nothing_fits_shows_one_line_and_writes_nothing(store, qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    asset_id = make_result(store, AssetType.THUMBNAIL)
    tight = ExportPreset("youtube-thumbnail", "YouTube thumbnail", AssetType.THUMBNAIL, ((1280, 720),), ("PNG",))
    object.__setattr__(tight, "max_bytes", 300)
    monkeypatch.setitem(PRESETS, "youtube-thumbnail", tight)
    out = tmp_path / "none"
    dialog = ExportDialog(asset_id, PlatformExports(store))
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(out))
    dialog.start_export()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=30000)
    assert dialog.last_error and "300 bytes" in dialog.last_error and "\n" not in dialog.last_error
    assert dialog.status.text().startswith("Not exported:")
    assert not out.exists() or os.listdir(out) == []
    assert dialog.export_button.isEnabled() and not dialog.open_folder_button.isEnabled()
