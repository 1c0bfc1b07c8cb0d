"""Helpers shared by the brand kit tests and the docs screenshot script."""

from __future__ import annotations

from pathlib import Path

from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.services.context import StudioStore
from studio_app.services.media_library import MediaLibraryService


def add_media_asset(store: StudioStore, path: Path, asset_type: MediaAssetType = MediaAssetType.LOGO,
                    name: str | None = None, *, remove_background: bool = False) -> MediaAsset:
    """Import ``path`` into the media library through MediaLibraryService (blobs, thumbnail, row).

    Background removal is off unless asked (it is the library's concern and costs time).
    """
    outcome = MediaLibraryService(store).import_file(
        path, asset_type=asset_type, display_name=name, remove_background=remove_background,
        on_duplicate="import")
    assert outcome.asset is not None, outcome.error
    return outcome.asset
