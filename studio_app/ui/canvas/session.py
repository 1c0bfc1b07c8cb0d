"""What survives a restart besides autosave: the last open document, and the question asked
before unsaved edits are dropped (quit, close, New, Open)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel
from PySide6.QtWidgets import QMessageBox, QWidget

SESSION_SECTION = "session"
"""The SettingsStore section holding LastSession."""


class LastSession(BaseModel):
    """SettingsStore section ``session``.

    Attributes:
        last_document: absolute path of the canvas file open when the app last saved, opened
            or quit, or None (an untitled canvas); it reopens at the next start.
    """

    last_document: str | None = None


class UnsavedChoice(StrEnum):
    """The answer to "Save changes to …?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_unsaved_changes(parent: QWidget, name: str) -> UnsavedChoice:
    """Ask Save / Discard / Cancel for the document ``name`` (a window-modal box; Esc is Cancel,
    Enter is Save), the question every desktop editor asks before dropping edits."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"Save the changes to “{name}” before closing it?", parent=parent)
    box.setInformativeText("If you don't save, your changes since the last save are lost.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                           | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return UnsavedChoice.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return UnsavedChoice.DISCARD
    return UnsavedChoice.CANCEL
