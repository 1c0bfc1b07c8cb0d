"""LibraryChanges: what a watcher needs to notice library changes made by another process.

The files to watch (the database, its write-ahead log, the data dir and the blob folder)
and the library's change marker (one cheap query), so the UI's LibraryWatcher never holds
the StudioStore.
"""

from __future__ import annotations

from pathlib import Path

from .context import StudioStore


class LibraryChanges:
    """Watch points and change marker of one opened data dir.

    Args:
        store: the opened data dir.
    """

    def __init__(self, store: StudioStore) -> None:
        self._store = store

    @property
    def data_dir(self) -> Path:
        """The data dir (its listing changes when SQLite re-creates the -wal file)."""
        return self._store.paths.data_dir

    def watched_paths(self) -> list[Path]:
        """The database, its ``-wal`` file, the data dir and the blob folder (some may not exist yet)."""
        paths = self._store.paths
        wal = paths.database.with_name(paths.database.name + "-wal")
        return [paths.database, wal, paths.data_dir, paths.blobs]

    def change_marker(self) -> tuple[object, ...] | None:
        """A value that differs whenever media rows were added, edited or deleted.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the database is locked or closed.
        """
        return self._store.media.change_marker()
