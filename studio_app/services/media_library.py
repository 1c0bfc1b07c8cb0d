"""MediaLibraryService: the seed's 13 media-library operations over the local store.

Source: seeds/creator-media-library-integration-audit.md (table columns, the 13
endpoints, TOTAL_ASSET_LIMIT, MAX_PROMPT_INJECTION_ASSETS, BG_REMOVAL_* types).
The service is synchronous and thread-safe: the GUI calls the slow parts (imports,
background removal) from QThreadPool workers.

Import pipeline for one file: read bytes -> decode_image (allowlist, size and pixel
caps, full decode, EXIF orientation) -> duplicate check by SHA-256 -> background
removal (per type default, overridable) -> thumbnails -> under the write lock: limit
check, blobs, then the row in one transaction. A rejected file writes nothing; blobs
written for an insert that then fails are removed again.
"""

from __future__ import annotations

import io
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PIL import Image
from pydantic import BaseModel

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import (
    MediaAsset,
    MediaAssetType,
)
from studio_app.domain.segmentation_models import SEGMENTATION_MODELS, SHIPPED_MODEL_ID, SegmentationModelSpec
from studio_app.library.decode import DecodedImage, ImageRejectedError, decode_image
from studio_app.library.errors import BackgroundRemovalError, ModelUnavailableError
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.library.thumbnails import make_thumbnail
from studio_app.services.context import StudioStore
from studio_app.store.blobs import BlobStore, sha256_hex
from studio_app.store.repositories import MediaSort, NotFoundError

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".webp", ".gif"})
"""Extensions picked up when importing a folder (files named explicitly are tried whatever their name)."""
BACKGROUND_MIN_WIDTH_PX = 1280
"""Default-type rule: an image at least this wide with no transparency is a "background"."""
UPGRADE_MESSAGE = "The media library needs the pro or studio tier; choose it in Settings → Library."

if TYPE_CHECKING:
    from studio_app.library.background import BackgroundRemoval

OnDuplicate = Literal["reuse", "import"]

__all__ = [
    "ImportOutcome", "LibraryError", "LibraryFullError", "LibrarySummary", "MediaAccess",
    "MediaLibraryService", "MediaTypeInfo", "NoAccessError", "NotFoundError", "PromptLimitError",
]


class LibraryError(Exception):
    """A library operation was refused; ``str()`` is a one-line reason."""


class LibraryFullError(LibraryError):
    """The library already holds ``total_asset_limit`` live assets."""


class PromptLimitError(LibraryError):
    """More assets were picked for one prompt than ``max_per_prompt`` allows."""


class NoAccessError(LibraryError):
    """The configured tier has no media library (seed ALLOWED_TIERS)."""


@dataclass
class ImportOutcome:
    """Result of importing one file.

    Exactly one of: ``asset`` set (imported, or the reused duplicate), or ``error`` set
    (one-line reason, nothing written). ``duplicate_of`` is the existing asset with the
    same SHA-256 when one was found (then ``asset`` is that asset when reused).
    """

    path: str
    asset: MediaAsset | None = None
    duplicate_of: MediaAsset | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when an asset was imported or reused."""
        return self.asset is not None


class MediaAccess(BaseModel):
    """The seed's access answer (section 4.3)."""

    has_access: bool
    tier: str
    total_limit: int | None
    max_per_prompt: int
    upgrade_message: str | None


class LibrarySummary(BaseModel):
    """Counts: ``total`` live assets, ``total_limit`` and ``remaining`` (None: no limit) and
    ``by_type`` (all 14 types)."""

    total: int
    total_limit: int | None
    remaining: int | None
    by_type: dict[str, int]


class MediaTypeInfo(BaseModel):
    """One MediaAssetType with its label and background-removal default."""

    asset_type: MediaAssetType
    label: str
    removes_background_by_default: bool


@dataclass
class _Prepared:
    """Everything computed outside the write lock for one import."""

    decoded: DecodedImage
    digest: str
    thumbnail: bytes
    processed: bytes | None
    processed_thumbnail: bytes | None
    bg_note: dict[str, Any]
    asset_type: MediaAssetType


def default_asset_type(width: int, has_alpha: bool) -> MediaAssetType:
    """The type given to an import that names none: "background" for an image at least
    BACKGROUND_MIN_WIDTH_PX (1280 px) wide with no transparency, else "object"."""
    if width >= BACKGROUND_MIN_WIDTH_PX and not has_alpha:
        return MediaAssetType.BACKGROUND
    return MediaAssetType.OBJECT


def parse_asset_type(value: str | MediaAssetType) -> MediaAssetType:
    """``value`` as a MediaAssetType.

    Raises:
        LibraryError: not one of the seed's 14 types.
    """
    try:
        return MediaAssetType(value)
    except ValueError:
        names = ", ".join(t.value for t in MediaAssetType)
        raise LibraryError(f"unknown asset type {value!r}; use one of: {names}") from None




def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for tag in tags or ():
        t = str(tag).strip()
        if t and t not in out:
            out.append(t)
    return out


class MediaLibraryService:
    """The creator media library: import, list, edit, delete, pick for prompts.

    Args:
        store: the opened data dir (database, blobs, settings).
        settings: limits; defaults to the stored "library" section of settings.json.

    Every method is safe to call from any thread. Errors: ``NotFoundError`` for an
    unknown id, ``LibraryError`` subclasses for refused operations (one-line ``str()``).
    """

    def __init__(self, store: StudioStore, settings: LibrarySettings | None = None) -> None:
        self.store = store
        self._stored_settings = settings is None
        self.settings = settings or store.settings.section(SETTINGS_SECTION, LibrarySettings)
        self._lock = threading.RLock()

    # -- settings and access -------------------------------------------------------

    def save_settings(self, settings: LibrarySettings) -> None:
        """Use and persist new limits."""
        self.store.settings.save_section(SETTINGS_SECTION, settings)
        self.settings = settings

    def access(self) -> MediaAccess:
        """The seed's access answer: tier, total_limit (None: no limit), max_per_prompt, upgrade message."""
        s = self.settings
        ok = s.has_access
        return MediaAccess(
            has_access=ok,
            tier=s.tier,
            total_limit=s.total_asset_limit if ok else 0,
            max_per_prompt=s.max_per_prompt if ok else 0,
            upgrade_message=None if ok else UPGRADE_MESSAGE,
        )

    def _require_access(self) -> None:
        if not self.settings.has_access:
            raise NoAccessError(UPGRADE_MESSAGE)

    # -- import --------------------------------------------------------------------

    def import_file(
        self,
        path: str | os.PathLike[str],
        *,
        asset_type: str | MediaAssetType | None = None,
        display_name: str | None = None,
        remove_background: bool | None = None,
        on_duplicate: OnDuplicate = "reuse",
        description: str | None = None,
        tags: Sequence[str] | None = None,
        is_favorite: bool = False,
        set_as_primary: bool = False,
        defer_background: bool = False,
    ) -> ImportOutcome:
        """Import one image file (PNG, JPEG, WebP, GIF first frame; the content decides,
        not the extension).

        Args:
            asset_type: one of the 14 MediaAssetTypes; default by ``default_asset_type``.
            display_name: default: the file name without extension.
            remove_background: None = the default for the type (Settings → Library; the seed's
                BG_REMOVAL_DEFAULT_TYPES unless changed).
            defer_background: store the original now and mark background removal
                ``pending`` in the asset's metadata instead of running it here; the caller
                runs ``run_pending_background_removal`` later (the GUI does, in workers), so
                an import is as fast as decoding and thumbnailing.
            on_duplicate: "reuse" returns the existing asset with the same SHA-256;
                "import" adds another row sharing the same blob.

        Returns:
            An ImportOutcome; failures are in ``error`` (never raised), nothing written.
        """
        p = Path(path)
        try:
            data = p.read_bytes()
        except IsADirectoryError:
            return ImportOutcome(str(p), error="is a folder, not a file")
        except OSError as exc:
            return ImportOutcome(str(p), error=f"cannot read file: {exc.strerror or exc}")
        return self.import_bytes(
            data, p.name, asset_type=asset_type, display_name=display_name,
            remove_background=remove_background, on_duplicate=on_duplicate, description=description,
            tags=tags, is_favorite=is_favorite, set_as_primary=set_as_primary, source=str(p),
            defer_background=defer_background,
        )

    def import_bytes(
        self,
        data: bytes,
        name: str,
        *,
        asset_type: str | MediaAssetType | None = None,
        display_name: str | None = None,
        remove_background: bool | None = None,
        on_duplicate: OnDuplicate = "reuse",
        description: str | None = None,
        tags: Sequence[str] | None = None,
        is_favorite: bool = False,
        set_as_primary: bool = False,
        source: str | None = None,
        defer_background: bool = False,
    ) -> ImportOutcome:
        """Import an image from memory (clipboard paste, drag of image data).

        ``name`` is used for the default display name and the outcome's ``path``.
        Arguments as for ``import_file``.
        """
        label = source or name
        try:
            self._require_access()
            kind = parse_asset_type(asset_type) if asset_type is not None else None
            decoded = decode_image(data, max_bytes=self.settings.max_file_bytes,
                                   max_pixels=self.settings.max_image_pixels)
        except (LibraryError, ImageRejectedError) as exc:
            return ImportOutcome(label, error=str(exc))
        digest = sha256_hex(decoded.stored_bytes)
        existing = self.store.media.find_by_hash(digest)
        if existing is not None and on_duplicate == "reuse":
            return ImportOutcome(label, asset=existing, duplicate_of=existing)
        prepared = self._prepare(decoded, digest, kind, remove_background, defer_background)
        name_stem = Path(name).stem.strip() or "pasted image"
        try:
            asset = self._commit(
                prepared,
                display_name=(display_name or "").strip() or name_stem,
                description=description, tags=_clean_tags(tags), is_favorite=is_favorite,
                set_as_primary=set_as_primary, on_duplicate=on_duplicate,
                source_sha256=sha256_hex(data), source_name=name,
            )
        except LibraryError as exc:
            return ImportOutcome(label, error=str(exc))
        except _Duplicate as dup:
            return ImportOutcome(label, asset=dup.asset, duplicate_of=dup.asset)
        except OSError as exc:
            return ImportOutcome(label, error=f"could not store the image: {exc.strerror or exc}")
        return ImportOutcome(label, asset=asset, duplicate_of=existing)

    def _prepare(self, decoded: DecodedImage, digest: str, kind: MediaAssetType | None,
                 remove_background: bool | None, defer_background: bool = False) -> _Prepared:
        kind = kind or default_asset_type(decoded.width, decoded.has_alpha)
        want_bg = (remove_background if remove_background is not None
                   else self.settings.removes_background_by_default(kind))
        processed = processed_thumb = None
        note: dict[str, Any] = {"requested": bool(want_bg)}
        if want_bg and defer_background:
            note.update(status="pending")
        elif want_bg:
            try:
                result = self.cut_out(decoded.image)
            except (BackgroundRemovalError, ModelUnavailableError) as exc:
                note.update(status="failed", reason=str(exc))
            else:
                processed, processed_thumb = result.png_bytes(), make_thumbnail(result.image)
                note.update(status="done", **result.metadata())
        return _Prepared(decoded, digest, make_thumbnail(decoded.image), processed, processed_thumb, note, kind)

    def _commit(self, p: _Prepared, *, display_name: str, description: str | None, tags: list[str],
                is_favorite: bool, set_as_primary: bool, on_duplicate: OnDuplicate,
                source_sha256: str, source_name: str) -> MediaAsset:
        blobs = self.store.blobs
        with self._lock:
            if on_duplicate == "reuse":
                again = self.store.media.find_by_hash(p.digest)
                if again is not None:
                    raise _Duplicate(again)
            count = self.store.media.count()
            limit = self.settings.total_asset_limit
            if limit is not None and count >= limit:
                raise LibraryFullError(
                    f"library is full ({count} of {limit} assets); delete some or raise the limit in "
                    "Settings → Library"
                )
            payloads = [p.decoded.stored_bytes, p.thumbnail]
            if p.processed is not None and p.processed_thumbnail is not None:
                payloads += [p.processed, p.processed_thumbnail]
            created: list[str] = []
            try:
                digests = []
                for payload in payloads:
                    d = sha256_hex(payload)
                    if not blobs.exists(d):
                        created.append(d)
                    digests.append(blobs.put(payload))
                now = datetime.now(UTC)
                metadata: dict[str, Any] = {
                    **p.decoded.notes,
                    "source_name": source_name,
                    "source_sha256": source_sha256,
                    "background_removal": p.bg_note,
                }
                processed_ref = None
                if len(digests) == 4:
                    processed_ref = BlobStore.ref(digests[2])
                    metadata["processed_thumbnail_url"] = BlobStore.ref(digests[3])
                asset = MediaAsset(
                    id=str(uuid.uuid4()), asset_type=p.asset_type, display_name=display_name,
                    description=description, url=BlobStore.ref(digests[0]), storage_path=BlobStore.ref(digests[0]),
                    content_hash=p.digest, thumbnail_url=BlobStore.ref(digests[1]),
                    processed_url=processed_ref, processed_storage_path=processed_ref,
                    file_size=len(p.decoded.stored_bytes), mime_type=p.decoded.mime_type,
                    width=p.decoded.width, height=p.decoded.height, tags=tags, is_favorite=is_favorite,
                    has_background_removed=processed_ref is not None, metadata=metadata,
                    created_at=now, updated_at=now,
                )
                self.store.media.add(asset)
            except BaseException:
                for d in created:
                    blobs.delete(d)
                raise
            if set_as_primary:
                asset = self.store.media.set_primary(asset.id)
            return asset

    def import_files(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        asset_type: str | MediaAssetType | None = None,
        remove_background: bool | None = None,
        on_duplicate: OnDuplicate = "reuse",
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        max_workers: int | None = None,
        defer_background: bool = False,
    ) -> list[ImportOutcome]:
        """Import files and folders (folders recursively, image extensions only).

        Bad files get an outcome with ``error`` and the batch goes on. ``progress(done,
        total)`` is called after each file, from worker threads. When ``cancel`` is set,
        files not yet started are skipped (outcome error "cancelled"); files already
        started finish.

        Args:
            max_workers: files decoded in parallel (default: CPU count, at most 4).
            defer_background: as for ``import_file``.
        """
        files = expand_paths(paths)
        total = len(files)
        if not files:
            return []
        workers = max(1, min(max_workers or min(os.cpu_count() or 1, 4), total))
        done = 0
        done_lock = threading.Lock()

        share = max(1, (os.cpu_count() or 1) // workers)

        def one(path: Path) -> ImportOutcome:
            nonlocal done
            if workers > 1 and remove_background is not False and not defer_background:
                from studio_app.library.segmentation import limit_threads  # NumPy: lazily

                limit_threads(share)  # this worker's share of the cores for the network
            if cancel is not None and cancel.is_set():
                outcome = ImportOutcome(str(path), error="cancelled")
            else:
                outcome = self.import_file(path, asset_type=asset_type, remove_background=remove_background,
                                           on_duplicate=on_duplicate, defer_background=defer_background)
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

    # -- reads ---------------------------------------------------------------------

    def list_assets(
        self,
        *,
        asset_type: str | MediaAssetType | None = None,
        favorites_only: bool = False,
        tags: Sequence[str] = (),
        search: str | None = None,
        sort: MediaSort = "recent",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[MediaAsset]:
        """Live assets matching all filters; ``search`` matches name or description
        (case-insensitive substring), ``tags`` must all be present. Sort: "recent",
        "most_used" or "name".

        Raises:
            LibraryError: unknown asset type or sort.
        """
        if sort not in ("recent", "most_used", "name"):
            raise LibraryError(f"unknown sort {sort!r}; use recent, most_used or name")
        kind = parse_asset_type(asset_type).value if asset_type else None
        return self.store.media.list(asset_type=kind, favorites_only=favorites_only, tags=list(tags),
                                     search=(search or "").strip() or None, sort=sort, limit=limit,
                                     offset=offset)

    def summary(self) -> LibrarySummary:
        """Counts per type (all 14, zeros included), total, limit and room left."""
        counts = self.store.media.counts_by_type()
        by_type = {t.value: counts.get(t.value, 0) for t in MediaAssetType}
        total = sum(counts.values())
        limit = self.settings.total_asset_limit
        remaining = None if limit is None else max(0, limit - total)
        return LibrarySummary(total=total, total_limit=limit, remaining=remaining, by_type=by_type)

    def types(self) -> list[MediaTypeInfo]:
        """The 14 MediaAssetTypes in seed order with labels and background-removal defaults."""
        return [
            MediaTypeInfo(asset_type=t, label=t.value.replace("_", " ").capitalize(),
                          removes_background_by_default=self.settings.removes_background_by_default(t))
            for t in MediaAssetType
        ]

    def primary(self, asset_type: str | MediaAssetType) -> MediaAsset | None:
        """The primary asset of ``asset_type``, or None.

        Raises:
            LibraryError: unknown asset type.
        """
        kind = parse_asset_type(asset_type)
        for asset in self.store.media.list(asset_type=kind.value):
            if asset.is_primary:
                return asset
        return None

    def get(self, asset_id: str) -> MediaAsset:
        """The live asset ``asset_id``. Raises NotFoundError."""
        return self.store.media.get(asset_id)

    # -- edits ---------------------------------------------------------------------

    def update(
        self,
        asset_id: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
        asset_type: str | MediaAssetType | None = None,
    ) -> MediaAsset:
        """Change name, description ("" clears it), tags or type; None leaves a field as is.
        Changing the type drops the primary flag (primary is per type).

        Raises:
            NotFoundError: unknown id.
            LibraryError: empty name or unknown type.
        """
        changes: dict[str, Any] = {}
        if display_name is not None:
            name = display_name.strip()
            if not name:
                raise LibraryError("display name cannot be empty")
            changes["display_name"] = name
        if description is not None:
            changes["description"] = description.strip() or None
        if tags is not None:
            changes["tags"] = _clean_tags(tags)
        with self._lock:
            if asset_type is not None:
                kind = parse_asset_type(asset_type)
                current = self.store.media.get(asset_id)
                if kind != current.asset_type:
                    changes["asset_type"] = kind.value
                    changes["is_primary"] = False
            if not changes:
                return self.store.media.get(asset_id)
            return self.store.media.update(asset_id, **changes)

    def delete(self, asset_id: str) -> None:
        """Delete one asset (a tombstone row, for sync; blobs are kept for undo/sync).

        Raises:
            NotFoundError: unknown or already deleted.
        """
        with self._lock:
            if self.store.media.soft_delete([asset_id]) == 0:
                raise NotFoundError(f"media asset {asset_id} not found")

    def bulk_delete(self, asset_ids: Iterable[str]) -> int:
        """Delete many assets in one transaction; returns how many were live."""
        with self._lock:
            return self.store.media.soft_delete(list(dict.fromkeys(asset_ids)))

    def for_prompt(self, asset_ids: Sequence[str]) -> list[MediaAsset]:
        """Pick assets for one prompt: at most ``max_per_prompt`` (seed: 2), each counted
        as used (usage_count + 1, last_used_at = now).

        Raises:
            NoAccessError: tier without the library.
            PromptLimitError: too many ids.
            NotFoundError: an unknown id (nothing is counted).
        """
        self._require_access()
        ids = list(dict.fromkeys(asset_ids))
        limit = self.settings.max_per_prompt
        if len(ids) > limit:
            raise PromptLimitError(f"{len(ids)} assets picked; at most {limit} can go with one prompt")
        with self._lock:
            return self.store.media.mark_used(ids)

    def toggle_favorite(self, asset_id: str) -> MediaAsset:
        """Flip is_favorite. Raises NotFoundError."""
        with self._lock:
            asset = self.store.media.get(asset_id)
            return self.store.media.update(asset_id, is_favorite=not asset.is_favorite)

    def set_primary(self, asset_id: str) -> MediaAsset:
        """Make the asset the one primary of its type. Raises NotFoundError."""
        with self._lock:
            return self.store.media.set_primary(asset_id)

    # -- images --------------------------------------------------------------------

    @staticmethod
    def uses_processed(asset: MediaAsset) -> bool:
        """True when the asset shows its processed (background-removed) image.

        ``processed_url`` set means a processed image exists; ``has_background_removed``
        says it is the one in use (what the renderer draws). ``use_processed`` switches.
        """
        return bool(asset.has_background_removed and asset.processed_url)

    @staticmethod
    def image_ref_of(asset: MediaAsset, processed: bool | None = None) -> str:
        """``blob:<sha256>`` of the image the asset shows: processed (background removed)
        when ``processed`` is True, or when None and the user's choice says so; else the original."""
        want = MediaLibraryService.uses_processed(asset) if processed is None else processed
        return asset.processed_url if want and asset.processed_url else asset.url

    def image_ref(self, asset: MediaAsset, processed: bool | None = None) -> str:
        """Same as ``image_ref_of``."""
        return self.image_ref_of(asset, processed)

    def image_bytes(self, asset: MediaAsset, processed: bool | None = None) -> bytes:
        """Encoded bytes of the asset's image (see ``image_ref``); the processed image is
        an RGBA PNG.

        Raises:
            BlobNotFoundError: the blob is missing from disk.
        """
        return self.blob_bytes(self.image_ref(asset, processed))

    def image_path(self, asset: MediaAsset, processed: bool | None = None) -> Path:
        """Local blob path of the image ``image_bytes`` would return."""
        return self.store.blobs.resolve(self.image_ref(asset, processed))

    @staticmethod
    def thumbnail_ref(asset: MediaAsset) -> str | None:
        """``blob:<sha256>`` of the 256 px PNG thumbnail of the image the asset shows."""
        if MediaLibraryService.uses_processed(asset):
            return asset.metadata.get("processed_thumbnail_url") or asset.thumbnail_url
        return asset.thumbnail_url

    def thumbnail_bytes(self, asset: MediaAsset) -> bytes:
        """PNG thumbnail (256 px) of the image the asset currently shows.

        Raises:
            NotFoundError: the asset has no thumbnail; BlobNotFoundError: its blob is missing.
        """
        ref = self.thumbnail_ref(asset)
        if not ref:
            raise NotFoundError(f"media asset {asset.id} has no thumbnail")
        return self.blob_bytes(ref)

    def blob_bytes(self, ref: str) -> bytes:
        """Bytes of a ``blob:<sha256>`` reference.

        Raises:
            BlobNotFoundError: missing; ValueError: not a blob reference.
        """
        return self.store.blobs.get(BlobStore.digest_of(ref))

    def blob_path(self, ref: str) -> Path:
        """Local file of a ``blob:<sha256>`` reference (it may be missing from disk).

        Raises:
            ValueError: not a blob reference.
        """
        return self.store.blobs.resolve(ref)

    def use_processed(self, asset_id: str, value: bool) -> MediaAsset:
        """Switch the asset between its processed (background removed) and original image
        (sets ``has_background_removed``; both images are kept).

        Raises:
            NotFoundError: unknown id.
            LibraryError: ``value`` is True but there is no processed image.
        """
        with self._lock:
            asset = self.store.media.get(asset_id)
            if value and not asset.processed_url:
                raise LibraryError("this asset has no background-removed version")
            return self.store.media.update(asset_id, has_background_removed=bool(value))

    def segmentation_model(self) -> tuple[SegmentationModelSpec, Path]:
        """The segmentation model chosen in Settings > Library and the folder of fetched
        models. An unknown id gives the shipped u2netp."""
        # Settings > Library may have changed the choice since this service was built.
        chosen = (self.store.settings.section(SETTINGS_SECTION, LibrarySettings).segmentation_model
                  if self._stored_settings else self.settings.segmentation_model)
        spec = SEGMENTATION_MODELS.get(chosen, SEGMENTATION_MODELS[SHIPPED_MODEL_ID])
        return spec, self.store.paths.models

    def cut_out(self, image: Image.Image | bytes, *,
                progress: Callable[[float, str], None] | None = None) -> BackgroundRemoval:
        """Background removal with the user's chosen model: the one function imports, the
        "Remove background" action and generated alpha targets share
        (``studio_app.library.background.remove_background_result``).

        A chosen optional model that is missing or fails its checksum falls back to the shipped
        u2netp; ``details["fallback"]`` of the result then says why.

        Raises:
            BackgroundRemovalError: the mask is empty or covers the whole image.
            ModelUnavailableError: even the shipped model cannot be loaded (no onnxruntime).
        """
        from studio_app.library.background import remove_background_result  # NumPy/OpenCV: lazily

        spec, models_dir = self.segmentation_model()
        if spec.shipped:
            return remove_background_result(image, progress=progress)
        try:
            return remove_background_result(image, model=spec, models_dir=models_dir, progress=progress)
        except ModelUnavailableError as exc:
            result = remove_background_result(image, progress=progress)
            result.details["fallback"] = str(exc)
            return result

    def apply_background_removal(self, asset_id: str, *,
                                 progress: Callable[[float, str], None] | None = None) -> MediaAsset:
        """Run background removal on an existing asset and keep the result as its
        processed image (the original stays). Method, confidence and model go into the
        asset's metadata (``background_removal``).

        Args:
            progress: ``progress(fraction, step)`` as the work goes on (worker thread).

        Raises:
            NotFoundError: unknown id.
            BackgroundRemovalError: the mask is empty or covers the whole image (nothing changed).
            ModelUnavailableError: the segmentation model cannot be loaded (nothing changed).
        """
        asset = self.store.media.get(asset_id)
        with Image.open(io.BytesIO(self.image_bytes(asset, processed=False))) as img:
            img.seek(0)
            img.load()
            result = self.cut_out(img, progress=progress)
        processed, thumb = result.png_bytes(), make_thumbnail(result.image)
        with self._lock:
            ref = BlobStore.ref(self.store.blobs.put(processed))
            thumb_ref = BlobStore.ref(self.store.blobs.put(thumb))
            metadata = {**self.store.media.get(asset_id).metadata, "processed_thumbnail_url": thumb_ref,
                        "background_removal": {"requested": True, "status": "done", **result.metadata()}}
            return self.store.media.update(asset_id, processed_url=ref, processed_storage_path=ref,
                                           has_background_removed=True, metadata=metadata)

    @staticmethod
    def background_pending(asset: MediaAsset) -> bool:
        """True when an import deferred this asset's background removal and it has not run yet."""
        note = asset.metadata.get("background_removal") or {}
        return note.get("status") == "pending"

    def run_pending_background_removal(self, asset_id: str) -> MediaAsset:
        """Run a deferred background removal (see ``import_file(defer_background=True)``).

        On success the processed image is stored and used; when no subject can be cut out
        the asset keeps its original and the one-line reason goes into its metadata
        (``background_removal.status = "failed"``). Never raises for a busy background.

        Raises:
            NotFoundError: unknown or deleted id.
        """
        asset = self.store.media.get(asset_id)
        if not self.background_pending(asset):
            return asset
        from studio_app.library.segmentation import limit_threads  # NumPy: lazily

        limit_threads(max(1, (os.cpu_count() or 1) // 2))  # callers run several of these at once
        try:
            return self.apply_background_removal(asset_id)
        except (BackgroundRemovalError, ModelUnavailableError) as exc:
            with self._lock:
                current = self.store.media.get(asset_id)
                note = {"requested": True, "status": "failed", "reason": str(exc)}
                return self.store.media.update(asset_id, metadata={**current.metadata,
                                                                   "background_removal": note})

    def where_used(self, asset_id: str) -> list[CanvasDocument]:
        """Canvas documents with a placement of this asset, most recently updated first."""
        return [doc for doc in self.store.canvases.list() if any(p.asset_id == asset_id for p in doc.placements)]


class _Duplicate(Exception):  # noqa: N818 - control flow inside import_bytes only
    def __init__(self, asset: MediaAsset) -> None:
        super().__init__(asset.id)
        self.asset = asset


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
