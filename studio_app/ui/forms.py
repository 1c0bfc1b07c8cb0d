"""Small builders the dialogs share: a form filled from a table of rows, and the grey note.

The note is the "color: palette(mid)" hint text under a group of settings: word-wrapped,
half-way between text and background in every theme.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

MUTED_STYLE = "color: palette(mid);"
"""Style sheet for secondary text (Qt's ``mid`` palette role)."""


def note_label(text: str) -> QLabel:
    """A word-wrapped, grey QLabel showing ``text`` (plain or rich text, as QLabel decides)."""
    note = QLabel(text)
    note.setWordWrap(True)
    note.setStyleSheet(MUTED_STYLE)
    return note


def add_rows(form: QFormLayout, rows: Iterable[tuple[str, QWidget | QLayout]]) -> QFormLayout:
    """Add ``(label, field)`` rows to ``form`` in order (an empty label leaves the label column
    blank); returns ``form``."""
    for label, field in rows:
        form.addRow(label, field)
    return form
