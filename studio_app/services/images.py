"""Image sources for the renderer: placement -> decoded QImage from the blob store, cached."""

from __future__ import annotations

from PySide6.QtGui import QImage

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.render.image_cache import ImageCache, decode_qimage
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .media_library import MediaLibraryService


class LibraryImageSource:
    """Callable used by render.snapshot: returns the placement's image as a QImage.

    Draws what the library shows for ``placement.asset_id``: the processed image
    (background removed) when the streamer uses it, else the original — the same rule as
    ``MediaLibraryService.image_ref_of``. Decoded images sit in the render layer's
    byte-bounded LRU ``ImageCache`` keyed by blob reference, in the format QPainter draws
    fastest, so a re-render decodes nothing. Returns None (the renderer draws a
    placeholder) when the asset or its blob is missing or corrupt. Thread-safe.
    """

    def __init__(self, store: StudioStore, cache: ImageCache | None = None) -> None:
        self._store = store
        self._cache = cache or ImageCache()

    def blob_ref(self, placement: MediaAssetPlacement) -> str | None:
        """The blob reference drawn for ``placement``, or None when it has no live asset."""
        if not placement.asset_id:
            return None
        try:
            asset = self._store.media.get(placement.asset_id)
        except NotFoundError:
            return None
        return MediaLibraryService.image_ref_of(asset)

    def _decode(self, ref: str) -> QImage | None:
        try:
            return decode_qimage(self._store.blobs.get(self._store.blobs.digest_of(ref)))
        except (FileNotFoundError, ValueError):
            return None

    def __call__(self, placement: MediaAssetPlacement) -> QImage | None:
        ref = self.blob_ref(placement)
        if ref is None:
            return None
        return self._cache.get_or_load(ref, lambda: self._decode(ref))

    def clear(self) -> None:
        """Forget decoded images (e.g. after the library changed)."""
        self._cache.clear()
