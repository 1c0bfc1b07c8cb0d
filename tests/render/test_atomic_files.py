"""Atomic writes give files the user's normal permissions (0666 minus the umask), not mkstemp's 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from studio_app.atomic_files import atomic_write_bytes, default_file_mode

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.mark.parametrize("umask,expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path: Path, umask: int, expected: int) -> None:
    old = os.umask(umask)
    try:
        assert default_file_mode() == expected and os.umask(umask) == umask  # reading it changes nothing
        a = atomic_write_bytes(tmp_path / "export.png", b"png")
        b = tmp_path / "generated.png"
        atomic_write_bytes(b, b"png")  # `studio generate -o` writes through the same helper
    finally:
        os.umask(old)
    assert stat.S_IMODE(a.stat().st_mode) == expected and stat.S_IMODE(b.stat().st_mode) == expected
    assert a.read_bytes() == b"png" and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
