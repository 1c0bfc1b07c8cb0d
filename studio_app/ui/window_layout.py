"""Remember where the docks and tool bars are (QMainWindow.saveState) and the window geometry.

Saved into the ``appearance`` settings section when the window closes and restored when it
opens, so a streamer's rearranged docks come back. View → Reset layout returns to the
arrangement the window was built with.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow

from studio_app.services.preferences import Preferences

from .theme import APPEARANCE_SECTION, AppearanceSettings

LAYOUT_VERSION = 2
"""QMainWindow state version: bump when docks are added or renamed so an old state is ignored."""


class WindowLayout:
    """Save and restore ``window``'s dock arrangement in the ``appearance`` section of ``preferences``."""

    def __init__(self, window: QMainWindow, preferences: Preferences) -> None:
        self.window = window
        self.preferences = preferences
        self.default_state = window.saveState(LAYOUT_VERSION)
        self.restored = False

    def save(self) -> bool:
        """Write the current state and geometry; False when the settings file could not be written."""
        section = self.preferences.section(APPEARANCE_SECTION, AppearanceSettings)
        section.window_state = bytes(self.window.saveState(LAYOUT_VERSION).toBase64().data()).decode("ascii")
        section.window_geometry = bytes(self.window.saveGeometry().toBase64().data()).decode("ascii")
        try:
            self.preferences.save_section(APPEARANCE_SECTION, section)
        except OSError:
            return False
        return True

    def restore(self, *, geometry: bool = True) -> bool:
        """Apply the saved arrangement (and geometry); False when none was saved or it no longer fits."""
        section = self.preferences.section(APPEARANCE_SECTION, AppearanceSettings)
        if geometry and section.window_geometry:
            self.window.restoreGeometry(QByteArray.fromBase64(section.window_geometry.encode("ascii")))
        if not section.window_state:
            return False
        self.restored = bool(self.window.restoreState(
            QByteArray.fromBase64(section.window_state.encode("ascii")), LAYOUT_VERSION))
        return self.restored

    def reset(self) -> None:
        """Back to the arrangement the window was built with (every dock shown again)."""
        self.window.restoreState(self.default_state, LAYOUT_VERSION)
