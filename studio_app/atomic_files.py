"""Atomic file writes with the user's normal permissions (Qt-free, standard library only).

The one way the app writes a file it cares about (exports, saved canvases, settings, blobs):
a temp file in the same folder, flush, fsync, ``os.replace``, then an fsync of the folder, so
a crash or a full disk leaves either the old file or the new one, never half of one, and the
rename itself survives a power cut (POSIX ``fsync(2)``: "Calling fsync() does not necessarily
ensure that the entry in the directory containing the file has also reached disk. For that an
explicit fsync() on a file descriptor for the directory is also needed").

``tempfile.mkstemp`` creates its file with mode 0600 (Python docs, tempfile.mkstemp: "readable
and writable only by the creating user ID"); a file that ends up in the user's folder must
instead get what ``open()`` would give it: 0666 minus the umask (0644 under the usual 022).

This module is the ground floor of the import layers: every layer may import it, it imports
nothing from the app.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["atomic_write_bytes", "default_file_mode"]

_UMASK_LOCK = threading.Lock()


def default_file_mode() -> int:
    """The permission bits a new file gets from ``open()``: 0o666 & ~umask (0o644 under umask 022).

    The umask can only be read by setting it, so it is set back at once under a lock.
    """
    with _UMASK_LOCK:
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable where the OS allows opening a folder (POSIX)."""
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a folder for fsync; NTFS journals it
        return
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_temp(folder: Path, name: str, data: bytes, mode: int) -> str:
    """Write ``data`` to a new temp file in ``folder`` with permission bits ``mode``, fsynced.

    Returns the temp file's path; on error the temp file is removed and the error re-raised.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        if not hasattr(os, "fchmod"):  # Windows: only the read-only bit exists; mkstemp's file is writable
            Path(tmp).chmod(mode)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(tmp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        Path(tmp).unlink()


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    mode: int | None = None,
    make_parents: bool = True,
) -> Path:
    """Write ``data`` to ``path`` atomically and durably; returns ``path`` as a ``Path``.

    Steps: create the folder (and its parents) when ``make_parents`` is true; write a temp file
    ``.<name>.<random>.tmp`` in that same folder; flush; set its permission bits to ``mode``
    (default ``default_file_mode()``, i.e. what a plain ``open(path, "wb")`` gives: 0644 under
    umask 022); fsync it; ``os.replace`` it over ``path``; fsync the folder where the OS allows
    (POSIX; skipped on Windows). On any error before the rename the temp file is removed and
    the old file (if any) is untouched.

    Args:
        path: the target file.
        data: the whole new content, in bytes.
        mode: permission bits for the file (e.g. ``0o600`` for a secret); ``None`` follows the umask.
        make_parents: create missing folders first. Pass ``False`` where a missing folder is the
            user's mistake to report (an export to a folder the user named) rather than to paper over.

    Raises:
        OSError: the folder is missing (with ``make_parents=False``) or cannot be created, is
            not writable, or the disk is full.
    """
    target = Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(target.parent, target.name, data, default_file_mode() if mode is None else mode)
    try:
        Path(tmp).replace(target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_folder(target.parent)
    return target
