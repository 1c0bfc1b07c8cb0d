"""Remote key layout and the strict parsing that keeps remote keys away from local paths.

Layout under ``{prefix}/`` (see docs/sync.md):

* ``blobs/ab/<sha256>``: a content-addressed blob (``ab`` = first two hex digits).
* ``objects/<kind>/<id>.json``: the metadata record of one object (media asset, canvas, ...).
* ``objects/_packs/<device>/<32 hex>.json``: many records of new objects published at once (a
  bulk first upload); an object's own ``objects/<kind>/<id>.json`` key, once it exists, wins.
* ``repair/<sha256>``: an empty marker asking any device that holds the blob to upload it again
  (written when a download failed its hash check or the blob was missing).
* ``probe/<device>-<random>``: scratch keys of the conditional-write probe.

A remote key is never turned into a path: every listed key must match one of the regular
expressions below exactly, and only the captured digest or id is used (the digest then goes
through ``BlobStore.path_for``, which accepts 64 lowercase hex characters only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import SyncConfigError

SHA256_RE = re.compile(r"[0-9a-f]{64}")
OBJECT_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""Object ids: uuid4 strings in practice; letters, digits, ``_`` and ``-`` only (no dots, no slashes)."""
KIND_RE = re.compile(r"[a-z][a-z_]{0,31}")
_PREFIX_SEGMENT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


def normalize_prefix(prefix: str | None) -> str:
    """``"team/alex"`` -> ``"team/alex/"``; ``""`` or None -> ``""`` (bucket root).

    Raises:
        SyncConfigError: a segment is empty, ``.``/``..``, or holds characters other than
            letters, digits, ``.``, ``_`` and ``-``.
    """
    text = (prefix or "").strip().strip("/")
    if not text:
        return ""
    segments = text.split("/")
    for seg in segments:
        if seg in {".", ".."} or not _PREFIX_SEGMENT_RE.fullmatch(seg):
            raise SyncConfigError(
                f"invalid sync prefix {prefix!r}: use letters, digits, '.', '_', '-' separated by '/'"
            )
    return "/".join(segments) + "/"


@dataclass(frozen=True)
class KeyLayout:
    """Builds and parses the keys of one ``prefix`` (already normalized, ``""`` or ending in ``/``)."""

    prefix: str

    _object_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _blob_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _pack_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _repair_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen dataclass: the derived patterns are set once, through object.__setattr__.
        p = re.escape(self.prefix)
        object.__setattr__(self, "_object_re", re.compile(
            p + r"objects/(?P<kind>[a-z][a-z_]{0,31})/(?P<id>[A-Za-z0-9][A-Za-z0-9_-]{0,63})\.json"))
        object.__setattr__(self, "_blob_re", re.compile(p + r"blobs/(?P<fan>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})"))
        object.__setattr__(self, "_pack_re", re.compile(
            p + r"objects/_packs/(?P<device>[A-Za-z0-9_-]{1,64})/(?P<id>[0-9a-f]{32})\.json"))
        object.__setattr__(self, "_repair_re", re.compile(p + r"repair/(?P<sha>[0-9a-f]{64})"))

    @property
    def objects_prefix(self) -> str:
        """Prefix of every metadata record."""
        return f"{self.prefix}objects/"

    @property
    def blobs_prefix(self) -> str:
        """Prefix of every blob."""
        return f"{self.prefix}blobs/"

    @property
    def repair_prefix(self) -> str:
        """Prefix of repair markers."""
        return f"{self.prefix}repair/"

    @property
    def probe_prefix(self) -> str:
        """Prefix of the probe's scratch keys."""
        return f"{self.prefix}probe/"

    def object_key(self, kind: str, object_id: str) -> str:
        """``{prefix}objects/<kind>/<id>.json``.

        Raises:
            ValueError: ``kind`` or ``object_id`` would not parse back (so it is never written).
        """
        if not KIND_RE.fullmatch(kind) or not OBJECT_ID_RE.fullmatch(object_id):
            raise ValueError(f"cannot sync object {kind}/{object_id!r}: id must be letters, digits, '_' or '-'")
        return f"{self.prefix}objects/{kind}/{object_id}.json"

    def blob_key(self, sha256: str) -> str:
        """``{prefix}blobs/ab/<sha256>``.

        Raises:
            ValueError: not 64 lowercase hex characters.
        """
        if not SHA256_RE.fullmatch(sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return f"{self.prefix}blobs/{sha256[:2]}/{sha256}"

    def repair_key(self, sha256: str) -> str:
        """``{prefix}repair/<sha256>``."""
        if not SHA256_RE.fullmatch(sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return f"{self.prefix}repair/{sha256}"

    def parse_object_key(self, key: str) -> tuple[str, str] | None:
        """(kind, id) of a record key, or None for any key that does not match exactly."""
        m = self._object_re.fullmatch(key)
        return (m["kind"], m["id"]) if m else None

    def parse_blob_key(self, key: str) -> str | None:
        """The digest of a blob key, or None (also when the fan-out folder does not match)."""
        m = self._blob_re.fullmatch(key)
        if not m or m["fan"] != m["sha"][:2]:
            return None
        sha: str = m["sha"]
        return sha

    def pack_key(self, device_id: str, pack_id: str) -> str:
        """``{prefix}objects/_packs/<device>/<pack id>.json``.

        Raises:
            ValueError: the result would not parse back.
        """
        key = f"{self.prefix}objects/_packs/{device_id}/{pack_id}.json"
        if self.parse_pack_key(key) is None:
            raise ValueError(f"bad pack key {key!r}")
        return key

    def parse_pack_key(self, key: str) -> str | None:
        """``key`` itself when it is a pack key, else None."""
        return key if self._pack_re.fullmatch(key) else None

    def parse_repair_key(self, key: str) -> str | None:
        """The digest named by a repair marker, or None."""
        m = self._repair_re.fullmatch(key)
        return m["sha"] if m else None
