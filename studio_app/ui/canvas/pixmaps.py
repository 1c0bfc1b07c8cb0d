"""Pre-scaled pixmaps of placement images (a mip pyramid per source image).

Each source QImage becomes QPixmaps at full size, 1/2, 1/4, ... (down to MIN_LEVEL_PX),
built once with smooth scaling and shared by every placement of that image. An item
shows the smallest level that still covers its on-screen size, so the per-paint scale
is at most 2:1 (bilinear stays sharp) and 200 placements of five photos cost five
pyramids, not 200 rescaled copies.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

MIN_LEVEL_PX = 32
"""The pyramid stops when a level's longer side would drop below this many px."""


class PixmapPyramids:
    """Source image (by QImage.cacheKey()) -> its levels, largest first."""

    def __init__(self) -> None:
        self._levels: dict[int, list[QPixmap]] = {}

    def clear(self) -> None:
        """Forget every pyramid (e.g. after the library changed)."""
        self._levels.clear()

    def levels(self, source: QImage) -> list[QPixmap]:
        """All levels of ``source``, largest (the source itself) first."""
        key = source.cacheKey()
        levels = self._levels.get(key)
        if levels is None:
            levels = [QPixmap.fromImage(source)]
            image = source
            while max(image.width(), image.height()) // 2 >= MIN_LEVEL_PX:
                image = image.scaled(max(1, image.width() // 2), max(1, image.height() // 2),
                                     Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
                levels.append(QPixmap.fromImage(image))
            self._levels[key] = levels
        return levels

    def level_for(self, source: QImage, device_w: float, device_h: float) -> QPixmap:
        """The smallest level at least ``device_w`` x ``device_h`` px (else the full image)."""
        levels = self.levels(source)
        best = levels[0]
        for pix in levels[1:]:
            if pix.width() >= device_w and pix.height() >= device_h:
                best = pix
            else:
                break
        return best
