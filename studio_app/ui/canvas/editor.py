"""QtCanvasEditor: the Qt-free CanvasEditor whose notifications are Qt signals.

A Qt connection dies with its receiver (a panel or scene deleted before the editor), which
the plain ``Notifier`` of ``studio_app.canvas.editor`` cannot know; the app's editor uses
this class so that widgets may connect to it freely.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio_app.canvas.editor import CanvasEditor
from studio_app.domain.canvas import CanvasDocument


class EditorSignals(QObject):
    """The editor's signals: edited(ChangeSet), changed(), documentReplaced()."""

    edited = Signal(object)
    changed = Signal()
    documentReplaced = Signal()  # noqa: N815 - Qt naming


class QtCanvasEditor(CanvasEditor):
    """CanvasEditor with Qt signals.

    Attributes:
        signals: the QObject that owns the signals (parent it to keep it alive with a widget).
    """

    def __init__(self, doc: CanvasDocument | None = None) -> None:
        self.signals = EditorSignals()
        self.edited, self.changed = self.signals.edited, self.signals.changed
        self.documentReplaced = self.signals.documentReplaced
        super().__init__(doc)
