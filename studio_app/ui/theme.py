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
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("dark", "light", "system")
"""The choices of View → Theme, in menu order."""
THEME_LABELS = {"dark": "&Dark", "light": "&Light", "system": "Follow the &system"}
APPEARANCE_SECTION = "appearance"

ThemeName = Literal["dark", "light", "system"]


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


# (role, colour) of the dark palette; disabled text is dimmed separately.
_DARK = {
    QPalette.ColorRole.Window: "#2B2B30",
    QPalette.ColorRole.WindowText: "#E6E6EA",
    QPalette.ColorRole.Base: "#1F1F23",
    QPalette.ColorRole.AlternateBase: "#27272C",
    QPalette.ColorRole.ToolTipBase: "#3A3A42",
    QPalette.ColorRole.ToolTipText: "#F0F0F4",
    QPalette.ColorRole.PlaceholderText: "#8A8A94",
    QPalette.ColorRole.Text: "#E6E6EA",
    QPalette.ColorRole.Button: "#35353C",
    QPalette.ColorRole.ButtonText: "#E6E6EA",
    QPalette.ColorRole.BrightText: "#FF5C5C",
    QPalette.ColorRole.Light: "#4A4A52",
    QPalette.ColorRole.Midlight: "#3E3E46",
    QPalette.ColorRole.Mid: "#8A8A94",
    QPalette.ColorRole.Dark: "#1A1A1E",
    QPalette.ColorRole.Shadow: "#0E0E10",
    QPalette.ColorRole.Highlight: "#9146FF",
    QPalette.ColorRole.HighlightedText: "#FFFFFF",
    QPalette.ColorRole.Link: "#B48CFF",
    QPalette.ColorRole.LinkVisited: "#C9A8FF",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#77777F",
    QPalette.ColorRole.Text: "#77777F",
    QPalette.ColorRole.ButtonText: "#77777F",
    QPalette.ColorRole.Base: "#26262B",
    QPalette.ColorRole.Button: "#2F2F35",
    QPalette.ColorRole.Highlight: "#4A4A52",
    QPalette.ColorRole.HighlightedText: "#B0B0B8",
}


def dark_palette() -> QPalette:
    """The dark Fusion palette (window #2B2B30, text #E6E6EA, highlight Twitch purple #9146FF)."""
    pal = QPalette()
    for role, hex_ in _DARK.items():
        pal.setColor(QPalette.ColorGroup.All, role, QColor(hex_))
    for role, hex_ in _DARK_DISABLED.items():
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(hex_))
    return pal


def light_palette() -> QPalette:
    """Fusion's own light palette."""
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def system_is_dark(app: QApplication) -> bool:
    """True when the desktop asks for a dark colour scheme (False when unknown)."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


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
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    app = app or QApplication.instance()
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
