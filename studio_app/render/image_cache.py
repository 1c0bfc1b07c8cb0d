"""ImageCache: decoded QImages keyed by a string, bounded by bytes, safe across threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage

DRAW_FORMAT = QImage.Format.Format_ARGB32_Premultiplied
"""The pixel format QPainter's raster engine blends fastest; used for images with alpha."""
OPAQUE_FORMAT = QImage.Format.Format_RGB32
"""The format for images without alpha: QPainter copies them without blending."""


def to_draw_format(image: QImage) -> QImage:
    """``image`` in OPAQUE_FORMAT when it has no alpha channel, else in DRAW_FORMAT."""
    wanted = DRAW_FORMAT if image.hasAlphaChannel() else OPAQUE_FORMAT
    return image if image.format() == wanted else image.convertToFormat(wanted)


def decode_qimage(data: bytes) -> QImage | None:
    """Decode encoded image bytes (PNG, JPEG, WEBP, ...) to a QImage ready to draw.

    The result is in DRAW_FORMAT (with alpha) or OPAQUE_FORMAT (without), the two
    formats QPainter draws fastest. Returns None when Qt cannot decode the data (the
    renderer then draws a placeholder). Safe to call from worker threads.
    """
    image = QImage.fromData(QByteArray(data))
    if image.isNull():
        return None
    return to_draw_format(image)


class ImageCache:
    """A thread-safe LRU dict ``str -> QImage`` bounded by total image bytes.

    Keys are the caller's choice (a MediaAsset id or blob sha256 for decoded originals;
    the renderer uses its own instance for images pre-scaled to their drawn size).
    QImage is implicitly shared, so ``get`` returns a cheap copy that stays valid after
    eviction.

    Args:
        max_bytes: budget for the sum of ``QImage.sizeInBytes()``; the least recently
            used entries are evicted past it. An image bigger than the whole budget is
            returned by ``get_or_load`` but not kept.

    Raises:
        ValueError: ``max_bytes`` is not positive.
    """

    def __init__(self, max_bytes: int = 512 * 1024 * 1024) -> None:
        if max_bytes <= 0:
            raise ValueError(f"ImageCache max_bytes must be positive, got {max_bytes}")
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, QImage] = OrderedDict()
        self._nbytes = 0
        self._lock = threading.RLock()

    @property
    def nbytes(self) -> int:
        """Bytes held now (sum of sizeInBytes of the cached images)."""
        with self._lock:
            return self._nbytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: str) -> QImage | None:
        """The cached image for ``key`` (marking it recently used), or None."""
        with self._lock:
            image = self._items.get(key)
            if image is not None:
                self._items.move_to_end(key)
            return image

    def put(self, key: str, image: QImage) -> None:
        """Store ``image`` under ``key``, replacing any old entry, then evict to the budget.

        A null image is not stored.
        """
        if image.isNull():
            return
        size = int(image.sizeInBytes())
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:
                return
            self._items[key] = image
            self._nbytes += size
            while self._nbytes > self.max_bytes and self._items:
                oldest = next(iter(self._items))
                self._drop(oldest)

    def get_or_load(self, key: str, load: Callable[[], QImage | None]) -> QImage | None:
        """The cached image for ``key``, else ``load()`` stored and returned (None stays uncached).

        ``load`` runs outside the lock, so two threads may decode the same key at once;
        the last one stored wins, which is harmless for immutable content.
        """
        image = self.get(key)
        if image is not None:
            return image
        image = load()
        if image is None or image.isNull():
            return None
        self.put(key, image)
        return image

    def discard(self, key: str) -> None:
        """Forget ``key`` if present."""
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._nbytes = 0

    def _drop(self, key: str) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._nbytes -= int(old.sizeInBytes())
