"""The media library's import pipeline, behind ``MediaLibraryService.import_*``.

For one file: decode (``library.decode``) -> duplicate check by SHA-256 -> ``prepare`` outside
the write lock (default type, background removal per type default, thumbnails) -> ``commit``
under the lock (limit check, blobs, then the row in one transaction). A rejected file writes
nothing; blobs written for an insert that then fails are removed again. ``import_many`` runs
files side by side and ``expand_paths`` walks folders.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.library.decode import DecodedImage
from studio_app.library.errors import BackgroundRemovalError, ModelUnavailableError
from studio_app.library.settings import LibrarySettings
from studio_app.library.thumbnails import make_thumbnail
from studio_app.store.blobs import BlobStore, sha256_hex

from .media_library_models import ImportOutcome, LibraryFullError

if TYPE_CHECKING:
    from PIL import Image

    from studio_app.library.background import BackgroundRemoval
    from studio_app.services.context import StudioStore

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".webp", ".gif"})
"""Extensions picked up when importing a folder (files named explicitly are tried whatever their name)."""
BACKGROUND_MIN_WIDTH_PX = 1280
"""Default-type rule: an image at least this wide with no transparency is a "background"."""

OnDuplicate = Literal["reuse", "import"]


class ImportOptions(TypedDict, total=False):
    """The keyword options of ``MediaLibraryService.import_file`` / ``import_bytes`` (see there)."""

    asset_type: str | MediaAssetType | None
    display_name: str | None
    remove_background: bool | None
    on_duplicate: OnDuplicate
    description: str | None
    tags: Sequence[str] | None
    is_favorite: bool
    set_as_primary: bool
    defer_background: bool


@dataclass
class Prepared:
    """Everything computed outside the write lock for one import."""

    decoded: DecodedImage
    digest: str
    thumbnail: bytes
    processed: bytes | None
    processed_thumbnail: bytes | None
    bg_note: dict[str, Any]
    asset_type: MediaAssetType


class Duplicate(Exception):  # noqa: N818 - control flow between commit and import_bytes only
    """``commit`` found the same SHA-256 already stored (``asset``) while ``on_duplicate="reuse"``."""

    def __init__(self, asset: MediaAsset) -> None:
        super().__init__(asset.id)
        self.asset = asset


def default_asset_type(width: int, has_alpha: bool) -> MediaAssetType:
    """The type given to an import that names none: "background" for an image at least
    BACKGROUND_MIN_WIDTH_PX (1280 px) wide with no transparency, else "object"."""
    if width >= BACKGROUND_MIN_WIDTH_PX and not has_alpha:
        return MediaAssetType.BACKGROUND
    return MediaAssetType.OBJECT


def clean_tags(tags: Iterable[str] | None) -> list[str]:
    """Tags stripped, empty ones dropped, duplicates removed (first kept), order kept."""
    out: list[str] = []
    for tag in tags or ():
        t = str(tag).strip()
        if t and t not in out:
            out.append(t)
    return out


def prepare(decoded: DecodedImage, digest: str, kind: MediaAssetType | None, remove_background: bool | None,
            defer_background: bool, settings: LibrarySettings,
            cut_out: Callable[[Image.Image], BackgroundRemoval]) -> Prepared:
    """Type, thumbnails and (unless deferred) the background cut-out of one decoded image.

    A failed cut-out is noted (``bg_note["status"] = "failed"``), never raised: the original is kept.
    """
    kind = kind or default_asset_type(decoded.width, decoded.has_alpha)
    want_bg = remove_background if remove_background is not None else settings.removes_background_by_default(kind)
    processed = processed_thumb = None
    note: dict[str, Any] = {"requested": bool(want_bg)}
    if want_bg and defer_background:
        note.update(status="pending")
    elif want_bg:
        try:
            result = cut_out(decoded.image)
        except (BackgroundRemovalError, ModelUnavailableError) as exc:
            note.update(status="failed", reason=str(exc))
        else:
            processed, processed_thumb = result.png_bytes(), make_thumbnail(result.image)
            note.update(status="done", **result.metadata())
    return Prepared(decoded, digest, make_thumbnail(decoded.image), processed, processed_thumb, note, kind)


def commit(store: StudioStore, settings: LibrarySettings, p: Prepared, *, display_name: str,
           description: str | None, tags: list[str], is_favorite: bool, set_as_primary: bool,
           on_duplicate: OnDuplicate, source_sha256: str, source_name: str) -> MediaAsset:
    """Store one prepared import: limit check, blobs, then the row. Call under the service's write lock.

    Raises:
        Duplicate: ``on_duplicate="reuse"`` and the same SHA-256 was stored meanwhile.
        LibraryFullError: ``total_asset_limit`` reached. OSError: a blob could not be written
            (the blobs this import created are removed again).
    """
    if on_duplicate == "reuse":
        again = store.media.find_by_hash(p.digest)
        if again is not None:
            raise Duplicate(again)
    count = store.media.count()
    limit = settings.total_asset_limit
    if limit is not None and count >= limit:
        raise LibraryFullError(
            f"library is full ({count} of {limit} assets); delete some or raise the limit in Settings → Library")
    payloads = [p.decoded.stored_bytes, p.thumbnail]
    if p.processed is not None and p.processed_thumbnail is not None:
        payloads += [p.processed, p.processed_thumbnail]
    created: list[str] = []
    try:
        digests = []
        for payload in payloads:
            d = sha256_hex(payload)
            if not store.blobs.exists(d):
                created.append(d)
            digests.append(store.blobs.put(payload))
        metadata: dict[str, Any] = {**p.decoded.notes, "source_name": source_name,
                                    "source_sha256": source_sha256, "background_removal": p.bg_note}
        asset = _new_asset(p, digests, metadata, display_name=display_name, description=description,
                           tags=tags, is_favorite=is_favorite)
        store.media.add(asset)
    except BaseException:
        for d in created:
            store.blobs.delete(d)
        raise
    return store.media.set_primary(asset.id) if set_as_primary else asset


def _new_asset(p: Prepared, digests: list[str], metadata: dict[str, Any], *, display_name: str,
               description: str | None, tags: list[str], is_favorite: bool) -> MediaAsset:
    """The row of a new import; ``digests``: original, thumbnail[, processed, processed thumbnail]."""
    processed_ref = None
    if len(digests) == 4:
        processed_ref = BlobStore.ref(digests[2])
        metadata["processed_thumbnail_url"] = BlobStore.ref(digests[3])
    now = datetime.now(UTC)
    return MediaAsset(
        id=str(uuid.uuid4()), asset_type=p.asset_type, display_name=display_name,
        description=description, url=BlobStore.ref(digests[0]), storage_path=BlobStore.ref(digests[0]),
        content_hash=p.digest, thumbnail_url=BlobStore.ref(digests[1]),
        processed_url=processed_ref, processed_storage_path=processed_ref,
        file_size=len(p.decoded.stored_bytes), mime_type=p.decoded.mime_type,
        width=p.decoded.width, height=p.decoded.height, tags=tags, is_favorite=is_favorite,
        has_background_removed=processed_ref is not None, metadata=metadata,
        created_at=now, updated_at=now,
    )


def import_many(import_one: Callable[[Path], ImportOutcome], files: list[Path], *, cuts_now: bool,
                progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                max_workers: int | None) -> list[ImportOutcome]:
    """Run ``import_one`` over ``files`` on up to ``max_workers`` threads (default: CPU count, at
    most 4); outcomes in file order. ``cuts_now``: background removal runs during the import, so
    each worker limits the network to its share of the cores. ``progress(done, total)`` after
    each file; files not started when ``cancel`` is set get the error "cancelled"."""
    total = len(files)
    if not files:
        return []
    workers = max(1, min(max_workers or min(os.cpu_count() or 1, 4), total))
    done = 0
    done_lock = threading.Lock()
    share = max(1, (os.cpu_count() or 1) // workers)

    def one(path: Path) -> ImportOutcome:
        nonlocal done
        if workers > 1 and cuts_now:
            from studio_app.library.segmentation import limit_threads  # NumPy: lazily

            limit_threads(share)  # this worker's share of the cores for the network
        if cancel is not None and cancel.is_set():
            outcome = ImportOutcome(str(path), error="cancelled")
        else:
            outcome = import_one(path)
        with done_lock:
            done += 1
            n = done
        if progress is not None:
            progress(n, total)
        return outcome

    if workers == 1:
        return [one(f) for f in files]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="library-import") as pool:
        return list(pool.map(one, files))


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to import: each file as given, each folder walked recursively (sorted,
    hidden entries skipped) for files with an image extension (IMAGE_EXTENSIONS)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if not n.startswith(".") and Path(n).suffix.lower() in IMAGE_EXTENSIONS:
                        out.append(Path(root) / n)
        else:
            out.append(p)
    return out
