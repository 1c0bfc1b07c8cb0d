"""Writing a file the user named ("Save as…"), with the one-line error every service shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio_app.atomic_files import atomic_write_bytes


def save_user_file(target: Path, data: bytes, error: Callable[[str], Exception]) -> Path:
    """Write ``data`` to ``target`` atomically (an existing file is replaced whole or left
    untouched) and return ``target``.

    Raises:
        the exception ``error("Could not save <name>: <reason>")`` builds when the write fails
        (disk full, no permission, a missing drive).
    """
    try:
        atomic_write_bytes(target, data)
    except OSError as exc:
        raise error(f"Could not save {target.name}: {exc.strerror or exc}") from None
    return target
