"""The checkerboard drawn behind transparent pixels: library tiles, previews, viewers, the canvas.

One look everywhere, so a white logo on transparency is visible wherever it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap

LIGHT = QColor(240, 240, 240)
DARK = QColor(205, 205, 205)


def checkerboard_brush(cell: int = 8) -> QBrush:
    """A tiling brush of ``cell`` px squares (two tones of grey)."""
    pix = QPixmap(2 * cell, 2 * cell)
    pix.fill(DARK)
    p = QPainter(pix)
    p.fillRect(0, 0, cell, cell, LIGHT)
    p.fillRect(cell, cell, cell, cell, LIGHT)
    p.end()
    return QBrush(pix)


def paint_checkerboard(painter: QPainter, rect: QRect, cell: int = 8) -> None:
    """Fill ``rect`` (px, painter coordinates) with the checkerboard, aligned to the rect's corner."""
    painter.save()
    painter.setBrushOrigin(rect.topLeft())
    painter.fillRect(rect, checkerboard_brush(cell))
    painter.restore()


def checkerboard(size: QSize, cell: int = 10) -> QPixmap:
    """A pixmap of ``size`` px filled with the checkerboard (shows transparency behind cut-outs)."""
    pm = QPixmap(size)
    p = QPainter(pm)
    paint_checkerboard(p, QRect(0, 0, size.width(), size.height()), cell)
    p.end()
    return pm


def _checker_tile_image(cell: int) -> QImage:
    tile = QImage(2 * cell, 2 * cell, QImage.Format.Format_RGB32)
    tile.fill(DARK)
    p = QPainter(tile)
    p.fillRect(0, 0, cell, cell, LIGHT)
    p.fillRect(cell, cell, cell, cell, LIGHT)
    p.end()
    return tile


def over_checkerboard(image: QImage, cell: int = 8) -> QImage:
    """``image`` drawn over the checkerboard when it has an alpha channel (else returned as is).

    Uses QImage only, so it is safe in worker threads (thumbnail loaders), unlike QPixmap.
    """
    if image.isNull() or not image.hasAlphaChannel():
        return image
    out = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(out)
    p.fillRect(QRect(0, 0, image.width(), image.height()), QBrush(_checker_tile_image(cell)))
    p.drawImage(0, 0, image)
    p.end()
    return out
