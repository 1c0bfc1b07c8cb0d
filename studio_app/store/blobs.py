"""Content-addressed blob store: files named by their SHA-256, written atomically."""

from __future__ import annotations

import hashlib
from pathlib import Path

from studio_app.atomic_files import atomic_write_bytes

BLOB_PREFIX = "blob:"


class BlobNotFoundError(FileNotFoundError):
    """No blob with that hash is stored."""


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lowercase hex characters."""
    return hashlib.sha256(data).hexdigest()


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
