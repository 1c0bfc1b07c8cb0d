"""Autosave to a recovery file (on a timer and when the app loses focus) and recent files.

DESIGN.md: files the user cares about are written atomically; the recovery file lives
in StudioPaths.recovery. It exists only while there are unsaved edits: a clean save or
a clean exit removes it, so finding it at start means the last session crashed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from pydantic import BaseModel, Field
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from studio_app.domain.canvas import CanvasDocument
from studio_app.services.canvas_files import CanvasFileError, read_recovery_file, write_recovery_file

from .editor import CanvasEditor

log = logging.getLogger(__name__)

AUTOSAVE_INTERVAL_MS = 30_000
"""Autosave at most this often while there are unsaved edits, ms."""
RECOVERY_FILE_NAME = "canvas-autosave.json"
RECENT_SECTION = "recent"
"""The SettingsStore section holding recent files."""
MAX_RECENT = 10


class RecentFiles(BaseModel):
    """SettingsStore section ``recent``: canvas files, most recent first."""

    files: list[str] = Field(default_factory=list)

    def add(self, path: str | Path) -> RecentFiles:
        """A copy with ``path`` (absolute) first, without repeats, at most MAX_RECENT entries."""
        p = str(Path(path).resolve())
        return RecentFiles(files=[p, *[f for f in self.files if f != p]][:MAX_RECENT])


class Autosave(QObject):
    """Writes the open document to the recovery file when it has changed since the last write.

    Args:
        editor, undo_stack: the open document and its history (clean = saved).
        recovery_dir: StudioPaths.recovery.
        file_path: returns the document's own file (or None) to remember in the recovery file.

    Signals:
        saved(str path), failed(str message).
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, editor: CanvasEditor, undo_stack: QUndoStack, recovery_dir: Path,
                 file_path: Callable[[], Path | None], interval_ms: int = AUTOSAVE_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.undo_stack = editor, undo_stack
        self.path = Path(recovery_dir) / RECOVERY_FILE_NAME
        self._file_path = file_path
        self._pending = False
        self._detached = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()
        editor.changed.connect(self._changed)
        undo_stack.cleanChanged.connect(self._clean_changed)
        app = QGuiApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._app_state)

    def detach(self) -> None:
        """Stop watching the document (the window is closing; the recovery file stays as it is)."""
        if self._detached:
            return
        self._detached = True
        self.timer.stop()
        for signal, slot in ((self.editor.changed, self._changed), (self.undo_stack.cleanChanged, self._clean_changed)):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        app = QGuiApplication.instance()
        if app is not None:
            try:
                app.applicationStateChanged.disconnect(self._app_state)
            except (RuntimeError, TypeError):
                pass

    def _changed(self) -> None:
        if shiboken6.isValid(self.undo_stack):
            self._pending = not self.undo_stack.isClean()

    def _clean_changed(self, clean: bool) -> None:
        if not shiboken6.isValid(self.undo_stack):
            return  # the stack's destructor clears it: that is not a save
        if clean:
            self._pending = False
            self.discard()
        else:
            self._pending = True

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.save_now()

    @property
    def pending(self) -> bool:
        """True when there are edits the recovery file does not have yet."""
        return self._pending

    def mark_pending(self) -> None:
        """Treat the document as not yet in the recovery file (e.g. just restored from it)."""
        self._pending = True

    def save_now(self) -> bool:
        """Write the recovery file if there are unsaved edits; False when nothing was written."""
        if not self._pending:
            return False
        fp = self._file_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_recovery_file(self.editor.document, self.path, str(fp) if fp else None)
        except OSError as exc:
            message = f"Autosave failed: {self.path}: {exc.strerror or exc}"
            log.warning(message)
            self.failed.emit(message)
            return False
        self._pending = False
        self.saved.emit(str(self.path))
        return True

    def has_recovery(self) -> bool:
        """True when a recovery file from an earlier session is waiting."""
        return self.path.exists()

    def read(self) -> tuple[CanvasDocument, str | None]:
        """The recovered document and its original file path.

        Raises:
            CanvasFileError: the recovery file is damaged.
        """
        return read_recovery_file(self.path)

    def discard(self) -> None:
        """Remove the recovery file (after a save, a clean exit, or when the user declines)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s: %s", self.path, exc)


__all__ = ["AUTOSAVE_INTERVAL_MS", "Autosave", "CanvasFileError", "RecentFiles", "RECENT_SECTION"]
