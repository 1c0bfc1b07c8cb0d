"""File dialogs that open in the folder last used for the same purpose.

They use the platform's own dialog (QFileDialog's static functions with no options, so Qt
picks the Windows/macOS dialog, or the desktop portal or GTK dialog on Linux).
The folder last used per purpose ("import", "canvas", "export", "result") is kept in the
``appearance`` settings section, so it survives a restart.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from studio_app.services.preferences import Preferences

from .theme import APPEARANCE_SECTION, AppearanceSettings


class FileDialogs:
    """Open/save/folder dialogs remembering the last folder of each purpose.

    Args:
        preferences: the settings sections (the ``appearance`` section keeps the folders).
    """

    def __init__(self, preferences: Preferences) -> None:
        self.preferences = preferences

    def last_folder(self, purpose: str) -> str:
        """The folder last used for ``purpose``; the user's Pictures folder (else home) at first."""
        folder = self.preferences.section(APPEARANCE_SECTION, AppearanceSettings).last_folders.get(purpose, "")
        if folder and Path(folder).is_dir():
            return folder
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        return pictures if pictures and Path(pictures).is_dir() else str(Path.home())

    def remember(self, purpose: str, path: str | Path) -> None:
        """Keep the folder of ``path`` (a file, or a folder itself) for ``purpose``."""
        p = Path(path)
        folder = str(p if p.is_dir() else p.parent)
        section = self.preferences.section(APPEARANCE_SECTION, AppearanceSettings)
        if section.last_folders.get(purpose) == folder:
            return
        section.last_folders[purpose] = folder
        with contextlib.suppress(OSError):  # a read-only settings file only costs the remembered folder
            self.preferences.save_section(APPEARANCE_SECTION, section)

    def open_files(self, parent: QWidget | None, purpose: str, caption: str, filters: str) -> list[str]:
        """Several existing files ([] when cancelled)."""
        paths, _ = QFileDialog.getOpenFileNames(parent, caption, self.last_folder(purpose), filters)
        if paths:
            self.remember(purpose, paths[0])
        return list(paths)

    def open_file(self, parent: QWidget | None, purpose: str, caption: str, filters: str) -> str:
        """One existing file ("" when cancelled)."""
        path, _ = QFileDialog.getOpenFileName(parent, caption, self.last_folder(purpose), filters)
        if path:
            self.remember(purpose, path)
        return path

    def save_file(self, parent: QWidget | None, purpose: str, caption: str, name: str, filters: str) -> str:
        """A file to write, suggested as ``name`` in the last folder ("" when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(parent, caption, str(Path(self.last_folder(purpose)) / name), filters)
        if path:
            self.remember(purpose, path)
        return path

    def folder(self, parent: QWidget | None, purpose: str, caption: str) -> str:
        """An existing folder ("" when cancelled)."""
        path = QFileDialog.getExistingDirectory(parent, caption, self.last_folder(purpose))
        if path:
            self.remember(purpose, path)
        return path
