"""MediaLibraryService: the creator media library over the local store.

Import, list, edit, delete, pick assets for a prompt (at most ``max_per_prompt``), the total
asset limit and background removal (per-type defaults in Settings → Library). The service is
synchronous and thread-safe: the GUI calls the slow parts (imports, background removal) from
QThreadPool workers. The import pipeline is ``services.media_import``; the errors and answer
models are ``services.media_library_models`` (re-exported here).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from PIL import Image

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.domain.segmentation_models import SEGMENTATION_MODELS, SHIPPED_MODEL_ID, SegmentationModelSpec
from studio_app.library.decode import ImageRejectedError, decode_image
from studio_app.library.errors import BackgroundRemovalError, ModelUnavailableError
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.library.thumbnails import make_thumbnail
from studio_app.services.context import StudioStore
from studio_app.store.blobs import BlobStore, sha256_hex
from studio_app.store.repositories import MediaSort, NotFoundError

from .media_import import (
    BACKGROUND_MIN_WIDTH_PX,
    IMAGE_EXTENSIONS,
    Duplicate,
    ImportOptions,
    OnDuplicate,
    clean_tags,
    commit,
    default_asset_type,
    expand_paths,
    import_many,
    prepare,
)
from .media_library_models import (
    UPGRADE_MESSAGE,
    ImportOutcome,
    LibraryError,
    LibraryFullError,
    LibrarySummary,
    MediaAccess,
    MediaListFilters,
    MediaTypeInfo,
    NoAccessError,
    PromptLimitError,
    parse_asset_type,
)

if TYPE_CHECKING:
    from studio_app.library.background import BackgroundRemoval

__all__ = [
    "BACKGROUND_MIN_WIDTH_PX", "IMAGE_EXTENSIONS", "UPGRADE_MESSAGE", "ImportOutcome", "LibraryError",
    "LibraryFullError", "LibrarySummary", "MediaAccess", "MediaLibraryService", "MediaTypeInfo", "NoAccessError",
    "NotFoundError", "OnDuplicate", "PromptLimitError", "default_asset_type", "expand_paths", "parse_asset_type",
]


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
        """Whether this tier has the library: tier, total_limit (None: no limit), max_per_prompt, upgrade message."""
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

    def import_file(self, path: str | os.PathLike[str], **options: Unpack[ImportOptions]) -> ImportOutcome:
        """Import one image file (PNG, JPEG, WebP, GIF first frame; the content decides,
        not the extension).

        Args (keywords, ``ImportOptions``):
            asset_type: one of the 14 MediaAssetTypes; default by ``default_asset_type``.
            display_name: default: the file name without extension.
            description, tags, is_favorite: stored with the asset (tags cleaned: stripped, no repeats).
            set_as_primary: make it the primary asset of its type.
            remove_background: None = the default for the type (Settings → Library).
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
        return self.import_bytes(data, p.name, source=str(p), **options)

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
        prepared = prepare(decoded, digest, kind, remove_background, defer_background, self.settings, self.cut_out)
        name_stem = Path(name).stem.strip() or "pasted image"
        try:
            with self._lock:
                asset = commit(
                    self.store, self.settings, prepared,
                    display_name=(display_name or "").strip() or name_stem,
                    description=description, tags=clean_tags(tags), is_favorite=is_favorite,
                    set_as_primary=set_as_primary, on_duplicate=on_duplicate,
                    source_sha256=sha256_hex(data), source_name=name,
                )
        except LibraryError as exc:
            return ImportOutcome(label, error=str(exc))
        except Duplicate as dup:
            return ImportOutcome(label, asset=dup.asset, duplicate_of=dup.asset)
        except OSError as exc:
            return ImportOutcome(label, error=f"could not store the image: {exc.strerror or exc}")
        return ImportOutcome(label, asset=asset, duplicate_of=existing)

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
        def one(path: Path) -> ImportOutcome:
            return self.import_file(path, asset_type=asset_type, remove_background=remove_background,
                                    on_duplicate=on_duplicate, defer_background=defer_background)

        return import_many(one, expand_paths(paths), progress=progress, cancel=cancel, max_workers=max_workers,
                           cuts_now=remove_background is not False and not defer_background)

    # -- reads ---------------------------------------------------------------------

    def list_assets(self, *, asset_type: str | MediaAssetType | None = None, search: str | None = None,
                    sort: MediaSort = "recent", **filters: Unpack[MediaListFilters]) -> list[MediaAsset]:
        """Live assets matching all filters; ``search`` matches name or description
        (case-insensitive substring), ``tags`` must all be present. Sort: "recent",
        "most_used" or "name". ``filters`` (``MediaListFilters``): ``favorites_only``, ``tags``,
        ``limit`` (None: all) and ``offset``.

        Raises:
            LibraryError: unknown asset type or sort.
        """
        if sort not in ("recent", "most_used", "name"):
            raise LibraryError(f"unknown sort {sort!r}; use recent, most_used or name")
        kind = parse_asset_type(asset_type).value if asset_type else None
        return self.store.media.list(asset_type=kind, search=(search or "").strip() or None, sort=sort, **filters)

    def summary(self) -> LibrarySummary:
        """Counts per type (all 14, zeros included), total, limit and room left."""
        counts = self.store.media.counts_by_type()
        by_type = {t.value: counts.get(t.value, 0) for t in MediaAssetType}
        total = sum(counts.values())
        limit = self.settings.total_asset_limit
        remaining = None if limit is None else max(0, limit - total)
        return LibrarySummary(total=total, total_limit=limit, remaining=remaining, by_type=by_type)

    def types(self) -> list[MediaTypeInfo]:
        """The 14 MediaAssetTypes in declaration order with labels and background-removal defaults."""
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
            changes["tags"] = clean_tags(tags)
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
        """Pick assets for one prompt: at most ``max_per_prompt`` (default 2), each counted
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
