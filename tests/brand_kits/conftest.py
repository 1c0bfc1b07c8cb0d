"""Fixtures for the brand kit tests: the service and library assets in the shared ``store``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.services.brand_kits import BrandKitService
from studio_app.services.context import StudioStore

from .helpers import add_media_asset

AddMedia = Callable[..., MediaAsset]


@pytest.fixture
def service(store: StudioStore) -> BrandKitService:
    return BrandKitService(store)


@pytest.fixture
def add_media(store: StudioStore, photos: list[Path]) -> AddMedia:
    """``add_media(photo_name, asset_type=LOGO, name=None)`` -> MediaAsset stored in the library."""
    by_name = {p.name: p for p in photos}

    def add(photo: str, asset_type: MediaAssetType = MediaAssetType.LOGO, name: str | None = None) -> MediaAsset:
        return add_media_asset(store, by_name[photo], asset_type, name)

    return add
