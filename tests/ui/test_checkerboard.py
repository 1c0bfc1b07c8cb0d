"""over_checkerboard: transparent pixels show the checkerboard; opaque images pass unchanged."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from studio_app.ui.checkerboard import DARK, LIGHT, over_checkerboard


def test_transparent_pixels_show_both_checker_tones_and_opaque_pixels_stay() -> None:
    img = QImage(32, 32, QImage.Format.Format_ARGB32)
    img.fill(QColor(0, 0, 0, 0))
    for x in range(16, 32):
        for y in range(32):
            img.setPixelColor(x, y, QColor(255, 255, 255))
    out = over_checkerboard(img, cell=4)
    assert out.pixelColor(1, 1) == LIGHT and out.pixelColor(5, 1) == DARK
    assert out.pixelColor(20, 20) == QColor(255, 255, 255)


def test_an_opaque_image_is_returned_as_is() -> None:
    img = QImage(8, 8, QImage.Format.Format_RGB32)
    img.fill(QColor(10, 20, 30))
    assert over_checkerboard(img) is img
