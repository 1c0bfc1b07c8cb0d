"""One sync at a time per data dir: an OS file lock on ``sync.lock`` (released by the OS when the
holder dies, so a killed run never leaves a stale lock; bisync's PID file needs ``--max-lock``
for that)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from .errors import SyncBusyError

LOCK_FILENAME = "sync.lock"


class SyncLock:
    """Exclusive, non-blocking lock on ``data_dir/sync.lock``; use as a context manager.

    Raises (on enter):
        SyncBusyError: another process (or thread) holds it; the message names its pid.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILENAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise SyncBusyError."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            try:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() if sys.platform != "win32" else "?"
            except OSError:
                holder = "?"
            os.close(fd)
            raise SyncBusyError(f"another sync of this library is running (pid {holder or '?'})") from exc
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            try:
                if sys.platform != "win32":
                    import fcntl

                    fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
