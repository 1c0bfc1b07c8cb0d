"""Content-addressed blob store: files named by their SHA-256, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

BLOB_PREFIX = "blob:"


class BlobNotFoundError(FileNotFoundError):
    """No blob with that hash is stored."""


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lowercase hex characters."""
    return hashlib.sha256(data).hexdigest()


def _default_file_mode() -> int:
    # what open() would give: 0o666 minus the umask (read by setting it back at once)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, os.replace.

    The file gets the permissions a plain ``open()`` would give (0644 under umask 022), not
    the 0600 of ``tempfile.mkstemp``: ``studio generate -o`` writes user files through here.

    Raises:
        OSError: the disk is full or the folder is not writable; ``path`` is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), _default_file_mode())
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class BlobStore:
    """Blobs under ``root/ab/abcdef...`` (first two hex digits fan out the folders).

    A blob is written once; putting the same bytes again is a no-op. References
    stored in rows look like ``blob:<sha256>``.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, digest: str) -> Path:
        """Where the blob ``digest`` (64 hex chars) lives.

        Raises:
            ValueError: ``digest`` is not 64 lowercase hex characters (so a key from
                elsewhere can never name a path outside the store).
        """
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 hex digest."""
        digest = sha256_hex(data)
        path = self.path_for(digest)
        if not path.exists():
            atomic_write_bytes(path, data)
        return digest

    def get(self, digest: str) -> bytes:
        """The bytes of blob ``digest``.

        Raises:
            BlobNotFoundError: not stored.
        """
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFoundError(digest) from exc

    def exists(self, digest: str) -> bool:
        """True when blob ``digest`` is stored."""
        return self.path_for(digest).exists()

    def delete(self, digest: str) -> None:
        """Remove blob ``digest`` if present."""
        self.path_for(digest).unlink(missing_ok=True)

    @staticmethod
    def ref(digest: str) -> str:
        """``blob:<digest>``, the form stored in rows."""
        return f"{BLOB_PREFIX}{digest}"

    @staticmethod
    def digest_of(ref: str) -> str:
        """The digest inside a ``blob:<digest>`` reference.

        Raises:
            ValueError: not a blob reference.
        """
        if not ref.startswith(BLOB_PREFIX):
            raise ValueError(f"not a blob reference: {ref!r}")
        return ref[len(BLOB_PREFIX):]

    def resolve(self, ref: str) -> Path:
        """Local path of a ``blob:<digest>`` reference."""
        return self.path_for(self.digest_of(ref))
