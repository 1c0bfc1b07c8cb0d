"""Brand kits in the main window: the toolbar combo, Edit > Brand kits… and Insert brand logo."""

from __future__ import annotations

from studio_app.domain.asset_types import AssetType
from studio_app.services.brand_kits import YOUTUBE_BADGE_NOTE
from studio_app.ui.brand_kits import BrandKitsDialog

from .helpers import add_media_asset


def test_menu_combo_and_logo_insertion(window, photos, qtbot) -> None:  # noqa: ANN001
    logo = add_media_asset(window.generation.store, next(p for p in photos if p.name == "horse.png"))
    kits = window.brand_kits
    kit = kits.create("Main", primary_colors=["#FF0055"], logo_asset_ids={"primary": logo.id})
    assert window.brand_kit_combo.currentText() == "No brand kit"

    # No active kit: nothing is placed and the status bar says why.
    assert window.insert_brand_logo() is None
    assert "no primary logo" in window.statusBar().currentMessage()

    window.brand_kit_combo.setCurrentIndex(window.brand_kit_combo.findData(kit.id))
    assert kits.active().id == kit.id

    action = next(a for m in window.menuBar().actions() for a in m.menu().actions() if a.text() == "&Brand kits…")
    action.trigger()
    dialog = window.findChild(BrandKitsDialog)
    assert dialog is not None and dialog.isVisible() and dialog.kit_id == kit.id
    dialog.reject()

    assert window.asset_type() == AssetType.THUMBNAIL
    placement_id = window.insert_brand_logo("primary", "bottom-right")
    [placement] = [p for p in window.editor.document.placements if p.id == placement_id]
    assert placement.asset_id == logo.id and placement.x < 50 and placement.y > 50  # bottom-left
    assert window.statusBar().currentMessage() == YOUTUBE_BADGE_NOTE
    window.undo_action.trigger()
    assert window.editor.document.placements == []
