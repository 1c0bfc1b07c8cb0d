"""Autosave to a recovery file within 2 s of the last edit, and recent files.

Files the user cares about are written atomically; the recovery file lives
in StudioPaths.recovery. It exists only while there are unsaved edits: a save, a clean
quit (Save or Discard) or undoing back to the saved state removes it, so finding it at
start means the last session crashed or was killed.

Timing: every edit restarts a short idle timer (IDLE_MS); a run of edits that never pauses
is still written at most MAX_DELAY_MS after its first unsaved edit, so an edit is on disk
within 2 s. The GUI thread only hands the current document (an immutable snapshot: the
editor replaces it on every edit) to one writer thread, which serialises it to JSON and
writes it atomically (temp file, fsync, os.replace). Writes and removals run in order on
that one thread, so a late write can never bring back a file a save has just removed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import shiboken6
from pydantic import BaseModel, Field
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack

from studio_app.canvas.editor import CanvasEditor
from studio_app.domain.canvas import CanvasDocument
from studio_app.services.canvas_files import CanvasFileError, read_recovery_file, write_recovery_file

log = logging.getLogger(__name__)

IDLE_MS = 750
"""Write this long after the last edit when editing pauses, ms."""
MAX_DELAY_MS = 2000
"""Write at the latest this long after the first edit not yet on disk, ms (the issue's 2 s)."""
AUTOSAVE_INTERVAL_MS = MAX_DELAY_MS
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
    """Writes the open document to the recovery file shortly after each edit.

    Args:
        editor, undo_stack: the open document and its history (clean = saved).
        recovery_dir: StudioPaths.recovery.
        file_path: returns the document's own file (or None) to remember in the recovery file.
        idle_ms, max_delay_ms: the debounce (see the module docstring), ms.

    Signals:
        saved(str path): a write finished (emitted on the GUI thread).
        failed(str message): a write failed (one line; the previous recovery file is intact).
    """

    saved = Signal(str)
    failed = Signal(str)
    _written = Signal(int, str)  # serial, error ('' = ok): from the writer thread

    def __init__(self, editor: CanvasEditor, undo_stack: QUndoStack, recovery_dir: Path,
                 file_path: Callable[[], Path | None], idle_ms: int = IDLE_MS,
                 max_delay_ms: int = MAX_DELAY_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.undo_stack = editor, undo_stack
        self.path = Path(recovery_dir) / RECOVERY_FILE_NAME
        self._file_path = file_path
        self._pending = False
        self._detached = False
        self._serial = 0
        self._last: Future[str] | Future[None] | None = None  # the last queued write or removal
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._lock = threading.Lock()
        self.timer = QTimer(self)  # idle: restarted by every edit
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self._due)
        self.deadline = QTimer(self)  # started by the first unsaved edit, not restarted
        self.deadline.setSingleShot(True)
        self.deadline.setInterval(max_delay_ms)
        self.deadline.timeout.connect(self._due)
        self._written.connect(self._on_written)
        editor.changed.connect(self._changed)
        undo_stack.cleanChanged.connect(self._clean_changed)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._app_state)

    def detach(self) -> None:
        """Stop watching the document and wait for writes in flight (the window is closing)."""
        if self._detached:
            return
        self._detached = True
        self.timer.stop()
        self.deadline.stop()
        for signal, slot in ((self.editor.changed, self._changed), (self.undo_stack.cleanChanged, self._clean_changed)):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):
                app.applicationStateChanged.disconnect(self._app_state)
        self._writer.shutdown(wait=True)

    # -- watching -------------------------------------------------------------------------
    def _changed(self) -> None:
        if not shiboken6.isValid(self.undo_stack):
            return
        self._pending = not self.undo_stack.isClean()
        if self._pending:
            self._schedule()

    def _schedule(self) -> None:
        self.timer.start()
        if not self.deadline.isActive():
            self.deadline.start()

    def _clean_changed(self, clean: bool) -> None:
        if not shiboken6.isValid(self.undo_stack):
            return  # the stack's destructor clears it: that is not a save
        if clean:
            self._pending = False
            self.timer.stop()
            self.deadline.stop()
            self.discard()
        else:
            self._pending = True
            self._schedule()

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.save_now(wait=False)

    def _due(self) -> None:
        self.save_now(wait=False)

    @property
    def pending(self) -> bool:
        """True when there are edits the recovery file does not have yet."""
        return self._pending

    def mark_pending(self) -> None:
        """Treat the document as not yet in the recovery file (e.g. just restored from it)."""
        self._pending = True

    # -- writing ----------------------------------------------------------------------------
    def save_now(self, wait: bool = True) -> bool:
        """Write the recovery file if there are edits it does not have yet.

        The document is serialised and written on the writer thread; the GUI thread only
        queues it. ``wait``: block until written (closing, tests); else return at once and
        report by ``saved``/``failed``. Returns False when nothing needed writing, or (with
        ``wait``) the write failed.
        """
        if not self._pending or self._detached:
            return False
        self.timer.stop()
        self.deadline.stop()
        doc = self.editor.document
        fp = self._file_path()
        original = str(fp) if fp else None
        self._pending = False
        with self._lock:
            self._serial += 1
            serial = self._serial
            future = self._writer.submit(self._write, serial, doc, original)
            self._last = future
        if not wait:
            return True
        error = future.result()
        return not error

    def _write(self, serial: int, doc: CanvasDocument, original: str | None) -> str:
        """Writer thread: serialise and write; reports (serial, error) to the GUI thread."""
        try:
            write_recovery_file(doc, self.path, original)
        except OSError as exc:
            error = f"Autosave failed: {self.path}: {exc.strerror or exc}"
            log.warning(error)
        else:
            error = ""
        if shiboken6.isValid(self):
            self._written.emit(serial, error)
        return error

    def _on_written(self, serial: int, error: str) -> None:
        if error:
            self._pending = True  # try again on the next edit or focus change
            self.failed.emit(error)
        else:
            self.saved.emit(str(self.path))

    def flush(self) -> None:
        """Wait until every queued write or removal has finished."""
        with self._lock:
            last = self._last
        if last is not None:
            last.result()

    # -- reading and removing -----------------------------------------------------------------
    def has_recovery(self) -> bool:
        """True when a recovery file from an earlier session is waiting."""
        self.flush()
        return self.path.exists()

    def read(self) -> tuple[CanvasDocument, str | None]:
        """The recovered document and its original file path.

        Raises:
            CanvasFileError: the recovery file is damaged.
        """
        self.flush()
        return read_recovery_file(self.path)

    def discard(self) -> None:
        """Remove the recovery file (after a save, a clean quit, or when the user declines),
        after any write still queued; returns when it is gone."""
        self._pending = False
        self.timer.stop()
        self.deadline.stop()
        if self._detached:
            self._unlink()
            return
        with self._lock:
            future = self._writer.submit(self._unlink)
            self._last = future
        future.result()

    def _unlink(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s: %s", self.path, exc)


__all__ = [
    "AUTOSAVE_INTERVAL_MS",
    "MAX_DELAY_MS",
    "RECENT_SECTION",
    "Autosave",
    "CanvasFileError",
    "RecentFiles",
]
