"""The application icon (window, taskbar, dialogs) from the shipped PNG sizes and SVG."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from studio_app.resources import icon_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """A QIcon holding every shipped PNG size (Qt picks the nearest; files load on first paint)."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_path(size)
        if path.is_file():
            icon.addFile(str(path))
    return icon
