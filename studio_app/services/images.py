"""Image sources for the renderer: placement -> decoded QImage from the blob store, cached."""

from __future__ import annotations

import threading

from PySide6.QtGui import QImage

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.store.repositories import NotFoundError

from .context import StudioStore


class LibraryImageSource:
    """Callable used by render.snapshot: returns the placement's image as a QImage.

    Looks up ``placement.asset_id`` in the media library and decodes its processed
    image (background removed) when it has one, else the original. Decoded images
    are cached by blob hash, so a re-render decodes nothing. Returns None (the
    renderer draws a placeholder) when the asset or its blob is missing or corrupt.
    Thread-safe.
    """

    def __init__(self, store: StudioStore) -> None:
        self._store = store
        self._cache: dict[str, QImage] = {}
        self._lock = threading.Lock()

    def blob_ref(self, placement: MediaAssetPlacement) -> str | None:
        """The blob reference drawn for ``placement`` (processed if available), or None."""
        if not placement.asset_id:
            return None
        try:
            asset = self._store.media.get(placement.asset_id)
        except NotFoundError:
            return None
        if asset.has_background_removed and asset.processed_storage_path:
            return asset.processed_storage_path
        return asset.storage_path

    def __call__(self, placement: MediaAssetPlacement) -> QImage | None:
        ref = self.blob_ref(placement)
        if ref is None:
            return None
        with self._lock:
            cached = self._cache.get(ref)
        if cached is not None:
            return cached
        try:
            data = self._store.blobs.get(self._store.blobs.digest_of(ref))
        except (FileNotFoundError, ValueError):
            return None
        image = QImage.fromData(data)
        if image.isNull():
            return None
        image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        with self._lock:
            self._cache[ref] = image
        return image

    def clear(self) -> None:
        """Forget decoded images (e.g. after the library changed)."""
        with self._lock:
            self._cache.clear()
