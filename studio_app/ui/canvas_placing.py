"""What the main window puts on and takes off the canvas: placing library media, dropped files
and the brand logo; exporting the canvas; importing media; following library changes.

``CanvasPlacing`` is composed by MainWindow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDialog

from studio_app.canvas.kinds import PLACEMENT
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.render.export import ExportError, ExportFormat, export_image
from studio_app.render.snapshot import RenderError, render_canvas
from studio_app.services.brand_kits import BrandKitError, resolve_logo_position

from .canvas.commands import AddPlacementCommand
from .canvas.export_dialog import EXPORT_SUFFIX, ExportDialog

if TYPE_CHECKING:
    from studio_app.domain.media import MediaAsset

    from .main_window import MainWindow

DEFAULT_PLACEMENT_WIDTH_PERCENT = 30.0
"""Width of a newly placed image, percent of the canvas width."""


def new_placement(asset: MediaAsset, doc_width: int, doc_height: int, scene_pos: QPointF, offset: int,
                  z_index: int) -> MediaAssetPlacement:
    """A placement of ``asset`` centred at ``scene_pos`` (canvas px), 30% of the canvas wide
    (less when that would be taller than the canvas), its ratio kept; ``offset`` shifts the
    n-th of several by 3 percent. Positions and sizes are percent of the canvas, clamped to 0..100."""
    w_pct = DEFAULT_PLACEMENT_WIDTH_PERCENT
    ratio = (asset.height or 1) / (asset.width or 1)
    h_pct = w_pct * doc_width * ratio / doc_height
    if h_pct > 100:
        w_pct, h_pct = w_pct * 100 / h_pct, 100.0
    x = min(100.0, max(0.0, scene_pos.x() * 100 / doc_width + offset * 3))
    y = min(100.0, max(0.0, scene_pos.y() * 100 / doc_height + offset * 3))
    return MediaAssetPlacement(
        asset_id=asset.id, display_name=asset.display_name, asset_type=asset.asset_type.value,
        url=asset.url, x=x, y=y, width=w_pct, height=h_pct, z_index=z_index,
    )


class CanvasPlacing:
    """Placing, exporting and importing for ``window`` (a MainWindow)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.editor = window.editor

    def place_media(self, asset_ids: list[str], scene_pos: QPointF) -> list[str]:
        """Place library assets centred at ``scene_pos`` (canvas px); one undo step each.

        Returns the new placement ids; unknown ids are reported and skipped.
        """
        window, doc = self.window, self.editor.document
        new_ids = []
        for offset, asset_id in enumerate(asset_ids):
            try:
                asset = window.library.get(asset_id)
            except Exception as exc:  # noqa: BLE001 - a stale id from another window: say so, keep going
                window.show_error("Could not place the media", f"{asset_id}: {exc}")
                continue
            placement = new_placement(asset, doc.width, doc.height, scene_pos, offset, self.editor.next_z_index())
            window.undo_stack.push(AddPlacementCommand(self.editor, placement))
            new_ids.append(placement.id)
        if new_ids:
            window.scene.select({PLACEMENT: new_ids})
        return new_ids

    def insert_brand_logo(self, logo_type: str = "primary", logo_position: str = "bottom-right") -> str | None:
        """Place the active kit's logo on the canvas (one undo step); returns the placement id,
        or None (with a status message) when there is no active kit or logo."""
        window, doc = self.window, self.editor.document
        status = window.statusBar()
        try:
            placement = window.brand_kits.logo_placement(logo_type, logo_position, doc)
            _, note = resolve_logo_position(doc.asset_type, logo_position)
        except BrandKitError as exc:
            status.showMessage(str(exc), 8000)
            return None
        if placement is None:
            status.showMessage(f"The active brand kit has no {logo_type} logo (Edit > Brand kits…).", 8000)
            return None
        window.undo_stack.push(AddPlacementCommand(self.editor, placement))
        if note:
            status.showMessage(note, 8000)
        return placement.id

    def place_files(self, paths: list[str], scene_pos: QPointF) -> None:
        """Files dropped on the canvas: import them into the library, then place them."""
        window = self.window
        outcomes = window.library.import_files([Path(p) for p in paths])
        found = [o.asset or o.duplicate_of for o in outcomes]
        ids = [asset.id for asset in found if asset is not None]
        errors = [f"{Path(str(o.path)).name}: {o.error}" for o in outcomes if o.error]
        window.library_panel.refresh()
        window.library_watcher.seen()
        if ids:
            self.place_media(ids, scene_pos)
        if errors:
            window.show_error("Some files were not imported", "\n".join(errors))

    def library_changed(self) -> None:
        """The library changed here: drop cached images, redraw the canvas's images."""
        window = self.window
        window.generation.images.clear()
        window.scene.refresh_images()
        if hasattr(window, "library_watcher"):
            window.library_watcher.seen()

    def export_canvas(self, path: str | Path, fmt: ExportFormat = "PNG", scale: float = 1.0) -> Path | None:
        """Render the canvas as it is (no generation) and write it atomically.

        Uses the same renderer and image source as ``studio render``, so the files match
        pixel for pixel. A hidden sketch layer is left out, as on screen and in the snapshot.
        ``fmt``: PNG, JPEG or WEBP; ``scale``: 1.0 or 2.0 (px per canvas px).
        Returns the path, or None after showing the error.
        """
        try:
            image = render_canvas(self.editor.document.for_snapshot(), self.window.generation.images, scale=scale)
            return export_image(image, path, fmt)
        except (ExportError, RenderError) as exc:
            self.window.show_error("Could not export the canvas", str(exc))
            return None

    def export_dialog(self) -> None:
        """File → Export canvas…: ask the format and scale, then the file."""
        window = self.window
        dialog = ExportDialog(window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, scale = dialog.format_combo.currentData(), dialog.scale_combo.currentData()
        suffix = EXPORT_SUFFIX[fmt]
        name = f"{self.editor.document.name}@{scale:g}x{suffix}"
        path = window.file_dialogs.save_file(window, "export", "Export canvas", name, f"{fmt} (*{suffix})")
        if path and self.export_canvas(path, fmt, scale):
            window.statusBar().showMessage(f"Exported {path}", 6000)

    def import_dialog(self) -> None:
        """File → Import media…: pick images and import them into the library."""
        window = self.window
        paths = window.file_dialogs.open_files(window, "import", "Import media",
                                               "Images (*.png *.jpg *.jpeg *.webp *.gif)")
        if paths:
            window.library_panel.import_paths(list(paths))
