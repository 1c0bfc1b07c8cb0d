"""Render docs/brand-kits.png: the brand kit dialog with a filled kit, offscreen.

Run from the repo root:
    QT_QPA_PLATFORM=offscreen python -m tests.brand_kits.screenshot [docs/brand-kits.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from studio_app.domain.media import MediaAssetType  # noqa: E402
from studio_app.services.brand_kits import BrandKitService  # noqa: E402
from studio_app.services.context import StudioStore  # noqa: E402
from studio_app.ui.brand_kits import ActiveBrandKitCombo, BrandKitsDialog  # noqa: E402
from tests.conftest import FIXTURE_IMAGES  # noqa: E402

from .helpers import add_media_asset  # noqa: E402


def main(out: str = "docs/brand-kits.png") -> Path:
    """Build a data dir with a few kits and library logos, show the dialog, grab it to ``out``."""
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = StudioStore.open(Path(tmp) / "data")
        horse = add_media_asset(store, FIXTURE_IMAGES / "horse.png", name="Stallion logo", remove_background=True)
        add_media_asset(store, FIXTURE_IMAGES / "coffee.png", name="Coffee mark")
        astro = add_media_asset(store, FIXTURE_IMAGES / "astronaut.png", MediaAssetType.FACE, name="Astro face")
        service = BrandKitService(store)
        service.create("Cosy Café", primary_colors=["#6F4E37", "#F5E6CC"], accent_colors=["#E07A5F"],
                       headline_font="DejaVu Serif", body_font="DejaVu Sans", tone="warm and chill")
        kit = service.create(
            "Neon Stallion", primary_colors=["#1B0B3B", "#9146FF"], accent_colors=["#00E5FF", "#FFD60A"],
            headline_font="DejaVu Sans", body_font="DejaVu Serif", tone="hype, loud and playful",
            style_reference="retro arcade, neon glow outlines",
            logo_asset_ids={"primary": horse.id, "secondary": astro.id}, active=True,
        )
        service.create("Speedrun Red", primary_colors=["#D7263D"], accent_colors=["#FFFFFF", "#111111"],
                       headline_font="DejaVu Sans Condensed", body_font="DejaVu Sans", tone="focused")
        dialog = BrandKitsDialog(service)
        dialog.all_media.setChecked(True)
        dialog.select_kit(kit.id)
        dialog.show()
        combo = ActiveBrandKitCombo(service)
        combo.show()
        app.processEvents()
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        combo_path = path.with_name(path.stem + "-combo.png")
        combo.grab().save(str(combo_path))
        dialog.close()
        combo.close()
        store.close()
    return path


if __name__ == "__main__":
    print(main(*sys.argv[1:]))
