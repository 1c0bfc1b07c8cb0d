"""LibraryWatcher: notices when the media library changed outside this window (``studio import``
in a terminal, another process, a sync run) and says so, so the library pane refreshes.

Two triggers, both cheap: a QFileSystemWatcher on the data dir's database files and blob
folder (debounced), and the window becoming active again. Each compares the library's
change marker (one COUNT/MAX query) with the last one seen and emits ``changed`` only when
it differs, so the pane never reloads for nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from studio_app.services.context import StudioStore

DEBOUNCE_MS = 400
"""Wait this long after the last file change before checking, ms."""


class LibraryWatcher(QObject):
    """Emits ``changed()`` when the library's rows changed since the last check.

    Args:
        store: the opened data dir (database and blob folder are watched).
    """

    changed = Signal()

    def __init__(self, store: StudioStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._marker = self._read_marker()
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.check)
        self.files = QFileSystemWatcher(self)
        self._watch()
        self.files.fileChanged.connect(self._file_event)
        self.files.directoryChanged.connect(self._file_event)
        app = QGuiApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._app_state)

    def _watch(self) -> None:
        paths = self.store.paths
        wanted = [str(p) for p in (paths.database, paths.database.with_name(paths.database.name + "-wal"),
                                   paths.data_dir, paths.blobs) if p.exists()]
        missing = [p for p in wanted if p not in self.files.files() + self.files.directories()]
        if missing:
            self.files.addPaths(missing)

    def _file_event(self, _path: str) -> None:
        self._watch()  # SQLite re-creates the -wal file after a checkpoint
        self.debounce.start()

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()

    def _read_marker(self) -> tuple | None:
        try:
            return self.store.media.change_marker()
        except Exception:  # noqa: BLE001 - a locked or closing database: check again later
            return None

    def check(self) -> bool:
        """Compare the change marker; emit ``changed`` and return True when it moved."""
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
