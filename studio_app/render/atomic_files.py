"""Atomic file writes with the user's normal permissions (Qt-free).

Files the user cares about are written via a temp file in the same folder,
flush, fsync, ``os.replace``, so a crash leaves either the old file or the new one.
``tempfile.mkstemp`` creates its file with mode 0600 (Python docs, tempfile.mkstemp: "readable
and writable only by the creating user ID"); a file that ends up in the user's folder must
instead get what ``open()`` would give it: 0666 minus the umask (0644 under the usual 022).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def default_file_mode() -> int:
    """The permission bits a new file gets from ``open()``: 0o666 & ~umask (0o644 under umask 022).

    The umask can only be read by setting it, so it is set back at once under a lock.
    """
    with _UMASK_LOCK:
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, flush, fsync, os.replace.

    The file gets permission bits ``mode`` (default ``default_file_mode()``, i.e. what a plain
    ``open(path, "wb")`` would give). The folder must exist. On any error the temp file is
    removed and the old file (if any) is untouched. Returns the path.

    Raises:
        OSError: the folder is missing or not writable, or the disk is full.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), default_file_mode() if mode is None else mode)
            os.fsync(fh.fileno())
        if not hasattr(os, "fchmod"):  # Windows: only the read-only bit exists; mkstemp's file is writable
            os.chmod(tmp, default_file_mode() if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target
