"""Pixel helpers for the render tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QImage

from studio_app.domain.placement import MediaAssetPlacement
from studio_app.render.image_cache import DRAW_FORMAT


def solid(width: int, height: int, colour: str | QColor, *, alpha: bool = False) -> QImage:
    """A width x height px image of one colour."""
    image = QImage(width, height, DRAW_FORMAT if alpha else QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


def rgba(image: QImage, x: float, y: float) -> tuple[int, int, int, int]:
    """Un-premultiplied (r, g, b, a) of the pixel at (x, y) px."""
    c = image.pixelColor(int(x), int(y))
    return c.red(), c.green(), c.blue(), c.alpha()


def close(actual: tuple[int, ...], expected: tuple[int, ...], tol: int = 6) -> bool:
    """Each channel within ``tol``."""
    return all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True))


def by_asset(images: dict[str, QImage]) -> Callable[[MediaAssetPlacement], QImage | None]:
    """An ImageSource looking placements up by asset_id."""
    return lambda placement: images.get(placement.asset_id)
