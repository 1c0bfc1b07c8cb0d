"""Render the app icon's PNG sizes from its SVG (run after editing the SVG).

    python packaging/render_icons.py

Reads ``resources/icons/hicolor/scalable/apps/<APP_ID>.svg`` and writes
``resources/icons/hicolor/<N>x<N>/apps/<APP_ID>.png`` for every size in ``ICON_SIZES``
(the freedesktop icon theme layout, so installing the icons is a copy). Rendering uses
Qt's own SVG renderer (QtSvg), the one the app ships with; no other tool is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render_square(renderer: QSvgRenderer, size: int) -> QImage:
    """``renderer``'s picture at ``size`` x ``size`` px, antialiased on a transparent background,
    as a straight-alpha ARGB32 image (the format the PNGs are saved in)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def render(svg: Path, out_dir: Path, app_id: str) -> list[Path]:
    """Write one PNG per size; returns their paths. Raises ValueError for an unreadable SVG."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    written = []
    for size in ICON_SIZES:
        target = out_dir / f"{size}x{size}" / "apps" / f"{app_id}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render_square(renderer, size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        written.append(target)
    return written


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QGuiApplication

    from studio_app.resources import APP_ID

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QtSvg needs one
    hicolor = ROOT / "resources" / "icons" / "hicolor"
    for path in render(hicolor / "scalable" / "apps" / f"{APP_ID}.svg", hicolor, APP_ID):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
