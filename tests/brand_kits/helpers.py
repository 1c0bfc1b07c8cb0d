"""Helpers shared by the brand kit tests and the docs screenshot script."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from studio_app.domain.media import THUMBNAIL_SIZE_PX, MediaAsset, MediaAssetType
from studio_app.services.context import StudioStore


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
