"""Thumbnails of library images: PNG, longest side THUMBNAIL_SIZE_PX (256 px)."""

from __future__ import annotations

import io

from PIL import Image

from studio_app.domain.media import THUMBNAIL_SIZE_PX


def make_thumbnail(image: Image.Image, size_px: int = THUMBNAIL_SIZE_PX) -> bytes:
    """PNG bytes of ``image`` scaled (never enlarged) to fit ``size_px`` x ``size_px``,
    aspect kept; transparency kept."""
    thumb = image.copy()
    thumb.thumbnail((size_px, size_px), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA")
    buf = io.BytesIO()
    thumb.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()
