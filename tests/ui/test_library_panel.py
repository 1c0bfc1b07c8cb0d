"""MediaLibraryPanel through real widgets (pytest-qt, offscreen) and the real store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.library.settings import LibrarySettings
from studio_app.services.context import StudioStore
from studio_app.services.media_library import MediaLibraryService
from studio_app.ui.library.grid_model import ASSET_IDS_MIME, AssetIdRole
from studio_app.ui.library.panel import MediaLibraryPanel


@pytest.fixture
def service(tmp_path: Path):
    store = StudioStore.open(tmp_path / "data")
    yield MediaLibraryService(store, LibrarySettings(total_asset_limit=200))
    QThreadPool.globalInstance().waitForDone(10000)
    store.close()


@pytest.fixture
def panel(service: MediaLibraryService, qtbot):  # noqa: ANN001
    w = MediaLibraryPanel(service)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.thumb_pool.waitForDone(5000)


def drop_files(panel: MediaLibraryPanel, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)  # Qt delivers a drop only to the widget that took the enter
    assert enter.isAccepted()
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, event)
    assert event.isAccepted()


def import_by_drop(panel: MediaLibraryPanel, qtbot, paths: list[Path]) -> list:  # noqa: ANN001
    with qtbot.waitSignal(panel.importFinished, timeout=30000) as blocker:
        drop_files(panel, paths)
    return blocker.args[0]


def by_name(service: MediaLibraryService, name: str):
    return next(a for a in service.list_assets() if a.display_name == name)


def test_drop_files_from_the_file_manager_imports_them(panel, service, photos, qtbot, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    with qtbot.waitSignal(panel.assetsChanged, timeout=30000):
        outcomes = import_by_drop(panel, qtbot, [*photos, bad])
    assert sum(o.ok for o in outcomes) == len(photos)
    assert panel.model.rowCount() == len(photos) == len(service.list_assets())
    assert f"Imported {len(photos)}" in panel.status_label.text() and "notes.png: not a PNG" in panel.status_label.text()
    assert panel.count_label.text() == f"{len(photos)} of 200 assets"
    assert len(panel.selected_ids()) == len(photos)  # the new assets are selected
    # Dropping the same files again reuses them.
    import_by_drop(panel, qtbot, photos[:2])
    assert "2 already in the library (reused)" in panel.status_label.text()
    assert len(service.list_assets()) == len(photos)


def test_paste_image_from_the_clipboard(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    horse = next(p for p in photos if p.name == "horse.png")
    QApplication.clipboard().setImage(QImage(str(horse)))
    with qtbot.waitSignal(panel.importFinished, timeout=30000):
        panel.grid.setFocus()
        panel.paste_button.click()
    assets = service.list_assets()
    assert len(assets) == 1 and assets[0].display_name == "pasted image" and assets[0].width == 400
    # Pasting copied files (URLs) imports the files themselves.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photos[0]))])
    QApplication.clipboard().setMimeData(mime)
    with qtbot.waitSignal(panel.importFinished, timeout=30000):
        panel.paste()
    assert {a.display_name for a in service.list_assets()} == {"pasted image", photos[0].stem}


def test_thumbnails_load_lazily_with_placeholders(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    service.import_files(photos, remove_background=False)
    panel.model.cache_size = 100
    panel.model._cache.clear()  # noqa: SLF001 - start cold
    panel.refresh()
    idx = panel.model.index(0)
    first = panel.model.data(idx, Qt.ItemDataRole.DecorationRole)
    assert first is panel.model._placeholder  # noqa: SLF001
    qtbot.waitUntil(lambda: panel.model.loaded_thumbnail_count() == len(photos), timeout=10000)
    loaded = panel.model.data(idx, Qt.ItemDataRole.DecorationRole)
    assert loaded is not panel.model._placeholder and max(loaded.width(), loaded.height()) == 128  # noqa: SLF001


def test_filters_search_and_sort(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    service.import_files(photos, remove_background=False)
    cat = by_name(service, "chelsea")
    service.update(cat.id, asset_type="character", description="a tabby on a sofa")
    service.toggle_favorite(by_name(service, "coffee").id)
    panel.refresh()
    names = lambda: [panel.model.asset_at(r).display_name for r in range(panel.model.rowCount())]  # noqa: E731
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("character"))
    assert names() == ["chelsea"]
    panel.type_filter.setCurrentIndex(0)
    panel.search_edit.setText("TABBY")
    qtbot.waitUntil(lambda: names() == ["chelsea"], timeout=3000)  # description matches, debounced
    service.update(cat.id, tags=["pet"])
    panel.search_edit.setText("#pet")
    qtbot.waitUntil(lambda: names() == ["chelsea"], timeout=3000)  # tag filter
    panel.search_edit.setText("#pet coffee")
    qtbot.waitUntil(lambda: names() == [], timeout=3000)
    panel.search_edit.clear()
    qtbot.waitUntil(lambda: len(names()) == len(photos), timeout=3000)
    panel.favorites_check.setChecked(True)
    assert names() == ["★ coffee".removeprefix("★ ")]
    panel.favorites_check.setChecked(False)
    panel.sort_combo.setCurrentIndex(panel.sort_combo.findData("name"))
    assert names() == sorted(names(), key=str.lower)


def test_favourite_primary_edit_and_compare(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    horse_path = next(p for p in photos if p.name == "horse.png")
    service.import_files([horse_path, photos[0]], asset_type="logo")
    panel.refresh()
    horse = by_name(service, "horse")
    panel.select_ids([horse.id])
    d = panel.details
    assert d.name_edit.text() == "horse" and d.processed_button.isChecked()
    with qtbot.waitSignal(panel.assetsChanged):
        d.favorite_button.click()
    assert service.get(horse.id).is_favorite
    assert panel.model.data(panel.model.index(panel.model.row_of(horse.id)), Qt.ItemDataRole.DisplayRole) == "★ horse"
    d.primary_button.click()
    assert service.primary("logo").id == horse.id and not d.primary_button.isEnabled()
    d.name_edit.setText("Horse mark")
    d.tags_edit.setText("brand, mark")
    d.save_button.click()
    assert (service.get(horse.id).display_name, service.get(horse.id).tags) == ("Horse mark", ["brand", "mark"])
    d.original_button.click()  # compare: switch to the original
    assert not service.uses_processed(service.get(horse.id))
    d.processed_button.click()
    assert service.uses_processed(service.get(horse.id))
    qtbot.waitUntil(lambda: d.preview.pixmap() is not None and not d.preview.pixmap().isNull(), timeout=5000)


def test_bulk_delete_asks_first(panel, service, photos, qtbot, monkeypatch) -> None:  # noqa: ANN001
    service.import_files(photos, remove_background=False)
    panel.refresh()
    panel.grid.selectAll()
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), next(answers))[1])
    assert panel.delete_selected() == 0 and len(service.list_assets()) == len(photos)
    with qtbot.waitSignal(panel.assetsChanged):
        assert panel.delete_selected() == len(photos)
    assert asked[0] == f"Delete {len(photos)} assets from the library?"
    assert service.list_assets() == [] and panel.model.rowCount() == 0


def test_keyboard_navigation_activation_and_drag_payload(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    service.import_files(photos, remove_background=False)
    panel.refresh()
    panel.grid.setFocus()
    panel.grid.setCurrentIndex(panel.model.index(0))
    qtbot.keyClick(panel.grid, Qt.Key.Key_Right)
    assert panel.grid.currentIndex().row() == 1
    second = panel.model.index(1).data(AssetIdRole)
    with qtbot.waitSignal(panel.assetActivated) as blocker:
        qtbot.keyClick(panel.grid, Qt.Key.Key_Return)
    assert blocker.args == [second]
    mime = panel.model.mimeData([panel.model.index(0), panel.model.index(1)])
    ids = json.loads(bytes(mime.data(ASSET_IDS_MIME)).decode())
    assert ids == [panel.model.index(0).data(AssetIdRole), second]
    files = [Path(u.toLocalFile()) for u in mime.urls()]
    assert all(f.is_file() for f in files) and len(files) == 2


def test_where_used_lists_canvases(panel, service, photos, qtbot) -> None:  # noqa: ANN001
    asset = service.import_file(photos[0], remove_background=False).asset
    service.store.canvases.save(CanvasDocument(name="Friday thumbnail",
                                               placements=[MediaAssetPlacement(asset_id=asset.id)]))
    panel.refresh()
    panel.select_ids([asset.id])
    assert [panel.details.where_used.item(i).text() for i in range(panel.details.where_used.count())] == [
        "Friday thumbnail"]


def test_folder_import_reports_progress_and_can_cancel(panel, service, photos, qtbot, tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "shoot"
    (folder / "day2").mkdir(parents=True)
    for i in range(40):
        data = photos[i % len(photos)].read_bytes()
        ext = photos[i % len(photos)].suffix
        (folder / ("day2" if i % 2 else "") / f"img{i:02d}{ext}").write_bytes(data + i.to_bytes(2, "big"))
    seen: list[tuple[int, int]] = []
    original = panel._import_progress  # noqa: SLF001

    def progress_then_cancel(done: int, total: int) -> None:
        original(done, total)
        seen.append((done, total))
        if done >= 3 and panel._progress is not None:  # noqa: SLF001
            panel._progress.findChild(QPushButton).click()  # noqa: SLF001 - the dialog's Cancel button

    panel._import_progress = progress_then_cancel  # noqa: SLF001
    panel.background_mode.setCurrentIndex(panel.background_mode.findData(False))
    with qtbot.waitSignal(panel.importFinished, timeout=60000) as blocker:
        panel.import_paths([str(folder)])
    outcomes = blocker.args[0]
    assert len(outcomes) == 40 and seen and seen[0][1] == 40
    cancelled = [o for o in outcomes if o.error == "cancelled"]
    imported = [o for o in outcomes if o.ok]
    assert cancelled and imported and len(cancelled) + len(imported) == 40, seen
    assert len(service.list_assets()) == len(imported)
    assert "cancelled" in panel.status_label.text()


def test_screenshot_of_grid_and_details(panel, service, photos, qtbot, tmp_path) -> None:  # noqa: ANN001
    """Also writes docs/library.png when STUDIO_SCREENSHOT_DIR is set."""
    service.import_files(photos)
    panel.refresh()
    horse = by_name(service, "horse")
    panel.select_ids([horse.id])
    qtbot.waitUntil(lambda: panel.model.loaded_thumbnail_count() == len(photos), timeout=10000)
    qtbot.waitUntil(lambda: panel.details.preview.pixmap() is not None
                    and not panel.details.preview.pixmap().isNull(), timeout=10000)
    out = Path(os.environ.get("STUDIO_SCREENSHOT_DIR", tmp_path)) / "library.png"
    assert panel.grab().save(str(out))
    shot = QImage(str(out))
    assert (shot.width(), shot.height()) == (1000, 700)


def _white_logo_on_blue_png() -> bytes:
    import io

    import numpy as np
    from PIL import Image

    img = np.zeros((256, 256, 3), np.uint8) + np.array([30, 80, 200], np.uint8)
    img[60:200, 60:100] = 255
    img[160:200, 60:190] = 255
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PNG")
    return buf.getvalue()


def test_white_logo_cut_out_is_visible_over_a_checkerboard(panel, service, qtbot) -> None:  # noqa: ANN001
    """Remove background from the details pane (worker, progress on the button): the blue goes,
    the white logo stays, and its tile and preview show a checkerboard where it is transparent."""
    asset = service.import_bytes(_white_logo_on_blue_png(), "logo.png", asset_type="logo",
                                 remove_background=False).asset
    panel.refresh()
    panel.select_ids([asset.id])
    d = panel.details
    progress_texts: list[str] = []
    orig_set_text = d.remove_bg_button.setText
    d.remove_bg_button.setText = lambda t: (progress_texts.append(t), orig_set_text(t))  # type: ignore[method-assign]
    with qtbot.waitSignal(d.changed, timeout=60000):
        d.remove_bg_button.click()
    cut = service.get(asset.id)
    assert service.uses_processed(cut)
    note = cut.metadata["background_removal"]
    assert note["status"] == "done" and note["method"] == "colour-key" and note["confidence"] > 0.9
    assert any("%" in t for t in progress_texts)
    assert "colour key" in d.info.text()
    panel.refresh()
    row = panel.model.row_of(asset.id)
    qtbot.waitUntil(lambda: panel.model.data(panel.model.index(row), Qt.ItemDataRole.DecorationRole)
                    is not panel.model._placeholder, timeout=10000)  # noqa: SLF001
    tile: QImage = panel.model.data(panel.model.index(row), Qt.ItemDataRole.DecorationRole)
    corner = tile.pixelColor(2, 2)
    assert corner.red() == corner.green() == corner.blue() and corner.red() >= 200  # checkerboard grey, not blue
    logo = tile.pixelColor(tile.width() * 80 // 256, tile.height() * 120 // 256)
    assert (logo.red(), logo.green(), logo.blue()) == (255, 255, 255)
    qtbot.waitUntil(lambda: d.preview.pixmap() is not None and not d.preview.pixmap().isNull(), timeout=5000)
    shown = d.preview.pixmap().toImage().pixelColor(1, 1)
    assert shown.red() == shown.green() == shown.blue()
