"""LibraryWatcher: notices when the media library changed outside this window (``studio import``
in a terminal, another process, a sync run) and says so, so the library pane refreshes.

Two triggers, both cheap: a QFileSystemWatcher on the data dir's database files and blob
folder (debounced), and the window becoming active again. Each compares the library's
change marker (one COUNT/MAX query, run on a worker thread so the GUI thread never waits
on the database) with the last one seen and emits ``changed`` only when it differs, so the
pane never reloads for nothing.
"""

from __future__ import annotations

import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from studio_app.services.library_changes import LibraryChanges

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400
"""Wait this long after the last file change before checking, ms."""


class LibraryWatcher(QObject):
    """Emits ``changed()`` (on the GUI thread) when the library's rows changed since the last check.

    Args:
        changes: the data dir's watch points and change marker (database and blob folder are watched).
    """

    changed = Signal()
    _read = Signal(object)  # a marker read on the worker

    def __init__(self, changes: LibraryChanges, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes = changes
        self._marker = self._read_marker()
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="library-watch")
        self._reading = False
        self._stopped = False
        self._read.connect(self._compare)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.check_soon)
        self.files = QFileSystemWatcher(self)
        self._watch()
        self.files.fileChanged.connect(self._file_event)
        self.files.directoryChanged.connect(self._file_event)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # a bare QCoreApplication has no application state
            app.applicationStateChanged.connect(self._app_state)

    def _watch(self) -> None:
        watched = set(self.files.files()) | set(self.files.directories())
        missing = [str(p) for p in self.changes.watched_paths() if str(p) not in watched and p.exists()]
        if missing:
            self.files.addPaths(missing)

    def _file_event(self, path: str) -> None:
        if path == str(self.changes.data_dir):
            self._watch()  # SQLite re-creates the -wal file after a checkpoint
        self.debounce.start()

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_soon()

    def _read_marker(self) -> tuple | None:
        try:
            return self.changes.change_marker()
        except Exception as exc:  # noqa: BLE001 - a locked or closing database: check again later
            log.debug("library change marker not read: %s", exc)
            return None

    def check_soon(self) -> None:
        """Read the change marker on the worker; ``changed`` follows if it moved."""
        if self._stopped:
            return
        if self._reading:
            self.debounce.start()  # one read at a time: look again after this one
            return
        self._reading = True

        def work() -> None:
            marker = self._read_marker()
            if shiboken6.isValid(self):
                self._read.emit(marker)

        self._reader.submit(work)

    def _compare(self, marker: tuple | None) -> None:
        self._reading = False
        if marker is not None and marker != self._marker:
            self._marker = marker
            self.changed.emit()

    def check(self) -> bool:
        """Compare the change marker now (on the calling thread); emit ``changed`` and return
        True when it moved."""
        marker = self._read_marker()
        if marker is None or marker == self._marker:
            return False
        self._marker = marker
        self.changed.emit()
        return True

    def seen(self) -> None:
        """The pane just reloaded itself (an import from this window): take the marker as seen."""
        marker = self._read_marker()
        if marker is not None:
            self._marker = marker

    def stop(self) -> None:
        """Stop watching (the window is closing)."""
        if self._stopped:
            return
        self._stopped = True
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):
                app.applicationStateChanged.disconnect(self._app_state)
        self.debounce.stop()
        self.files.blockSignals(True)
        self._reader.shutdown(wait=True)
