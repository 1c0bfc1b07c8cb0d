"""Window themes: dark (the default), light, or following the system's colour scheme.

Every theme uses Qt's Fusion style, so dialogs, menus and dock title bars look the same on
Windows, macOS and Linux and a palette set on the QApplication reaches every window,
including dialogs opened later (Qt gives each new top-level widget the application palette).
The dark palette follows the greys streamers know from OBS and Krita, so the canvas no
longer sits in light chrome. The choice is kept in the ``appearance`` settings section.

"Follow the system" reads ``QStyleHints.colorScheme()`` (Qt 6.5+, see
https://doc.qt.io/qt-6/qstylehints.html#colorScheme-prop) and follows its changes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from .theme_files import load_palette

ThemeName = Literal["dark", "light", "system"]

THEMES: tuple[ThemeName, ...] = ("dark", "light", "system")
"""The choices of View → Theme, in menu order."""
THEME_LABELS = {"dark": "&Dark", "light": "&Light", "system": "Follow the &system"}
APPEARANCE_SECTION = "appearance"


class AppearanceSettings(BaseModel):
    """The ``appearance`` settings section.

    Attributes:
        theme: one of THEMES (default "dark").
        window_state: QMainWindow.saveState() as base64 (docks and tool bars), "" when never saved.
        window_geometry: QMainWindow.saveGeometry() as base64, "" when never saved.
        last_folders: file dialog purpose ("import", "canvas", "export") -> the folder last used.
    """

    theme: ThemeName = "dark"
    window_state: str = ""
    window_geometry: str = ""
    last_folders: dict[str, str] = {}


def dark_palette() -> QPalette:
    """The dark Fusion palette of ``resources/themes/dark.json`` (window #2B2B30, text #E6E6EA,
    highlight Twitch purple #9146FF)."""
    return load_palette("dark")


def light_palette() -> QPalette:
    """Fusion's own light palette."""
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def system_is_dark(app: QApplication) -> bool:
    """True when the desktop asks for a dark colour scheme (False when unknown)."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def theme_name(theme: str) -> ThemeName:
    """``theme`` as one of THEMES.

    Raises:
        ValueError: ``theme`` is not one of THEMES.
    """
    for name in THEMES:
        if name == theme:
            return name
    raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")


def effective_theme(theme: str, app: QApplication) -> str:
    """"dark" or "light": what ``theme`` (one of THEMES) means on this desktop now."""
    if theme == "system":
        return "dark" if system_is_dark(app) else "light"
    return "light" if theme == "light" else "dark"


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Set Fusion and the palette of ``theme`` (one of THEMES) on the application.

    Every open and later window takes it. Returns the effective theme, "dark" or "light".

    Raises:
        ValueError: ``theme`` is not one of THEMES.
    """
    theme_name(theme)
    if app is None:
        instance = QApplication.instance()
        app = instance if isinstance(instance, QApplication) else None
    if app is None:
        raise RuntimeError("apply_theme needs a QApplication")
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    effective = effective_theme(theme, app)
    app.setPalette(dark_palette() if effective == "dark" else light_palette())
    app.setProperty("studio_theme", theme)
    return effective


def is_dark(palette: QPalette) -> bool:
    """True when ``palette``'s window colour is dark (lightness below half)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
