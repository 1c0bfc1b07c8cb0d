"""Fixtures for the brand kit tests: a real StudioStore on disk and library assets in it."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from studio_app.domain.media import THUMBNAIL_SIZE_PX, MediaAsset, MediaAssetType
from studio_app.services.brand_kits import BrandKitService
from studio_app.services.context import StudioStore


@pytest.fixture
def store(data_dir: Path) -> Iterator[StudioStore]:
    """A StudioStore on a fresh data dir (real SQLite file, migrated, real blob store)."""
    s = StudioStore.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def service(store: StudioStore) -> BrandKitService:
    return BrandKitService(store)


AddMedia = Callable[..., MediaAsset]


def add_media_asset(store: StudioStore, path: Path, asset_type: MediaAssetType = MediaAssetType.LOGO,
                    name: str | None = None) -> MediaAsset:
    """Put ``path`` into the media library: original and a 256 px PNG thumbnail as blobs, plus its row."""
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        thumb = im.convert("RGBA")
        thumb.thumbnail((THUMBNAIL_SIZE_PX, THUMBNAIL_SIZE_PX))
        buf = io.BytesIO()
        thumb.save(buf, "PNG")
    digest = store.blobs.put(data)
    thumb_digest = store.blobs.put(buf.getvalue())
    now = datetime.now(UTC)
    asset = MediaAsset(
        id=str(uuid.uuid4()), asset_type=asset_type, display_name=name or path.stem,
        url=store.blobs.ref(digest), storage_path=store.blobs.ref(digest), content_hash=digest,
        thumbnail_url=store.blobs.ref(thumb_digest), file_size=len(data),
        mime_type="image/png" if path.suffix == ".png" else "image/jpeg",
        width=width, height=height, created_at=now, updated_at=now,
    )
    return store.media.add(asset)


@pytest.fixture
def add_media(store: StudioStore, photos: list[Path]) -> AddMedia:
    """``add_media(photo_name, asset_type=LOGO, name=None)`` -> MediaAsset stored in the library."""
    by_name = {p.name: p for p in photos}

    def add(photo: str, asset_type: MediaAssetType = MediaAssetType.LOGO, name: str | None = None) -> MediaAsset:
        return add_media_asset(store, by_name[photo], asset_type, name)

    return add
