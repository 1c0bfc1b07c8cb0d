"""Export a generated Asset with a platform preset: the files a platform wants, within its limits.

The image work is ``render.presets`` (Qt-free); this module finds the asset's bytes and its
design name in the store and writes the set all-or-nothing. The CLI (``studio results export``)
and the GUI's Export for platform dialog both call ``export_asset``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from studio_app.domain.asset import Asset
from studio_app.render.presets import (
    PRESET_FOR_ASSET_TYPE,
    EncodedFile,
    ExportPreset,
    build_preset_files,
    get_preset,
    slug,
    write_files,
)
from studio_app.store.blobs import BlobNotFoundError
from studio_app.store.repositories import NotFoundError

from .context import StudioStore

EXPORT_SECTION = "platform_export"
"""settings.json section of the Export for platform dialog."""


class PlatformExportSettings(BaseModel):
    """What the Export for platform dialog remembers: the last folder written to (absolute path)."""

    last_folder: str | None = None


def last_export_folder(store: StudioStore) -> Path | None:
    """The folder of the last platform export, if it still exists."""
    folder = store.settings.section(EXPORT_SECTION, PlatformExportSettings).last_folder
    return Path(folder) if folder and Path(folder).is_dir() else None


def remember_export_folder(store: StudioStore, folder: str | Path) -> None:
    """Remember ``folder`` for the next export (errors writing settings are not fatal: ignored)."""
    with contextlib.suppress(OSError):
        store.settings.save_section(EXPORT_SECTION, PlatformExportSettings(last_folder=str(Path(folder).resolve())))


@dataclass(frozen=True)
class ExportedFile:
    """One written file: path, size in px, format, bytes on disk, the limit and how it was fitted."""

    path: Path
    width: int
    height: int
    format: str
    size_bytes: int
    max_bytes: int | None
    has_alpha: bool
    method: str

    def as_json(self) -> dict[str, object]:
        """JSON-ready dict (path as text)."""
        return {"path": str(self.path), "width": self.width, "height": self.height, "format": self.format,
                "bytes": self.size_bytes, "max_bytes": self.max_bytes, "alpha": self.has_alpha,
                "method": self.method}


def default_preset_for(asset: Asset) -> ExportPreset:
    """The preset matching the asset's own target (a Twitch emote asset -> ``twitch-emote``)."""
    return get_preset(PRESET_FOR_ASSET_TYPE[asset.asset_type])


def design_name(store: StudioStore, asset: Asset) -> str:
    """The name used in file names: the canvas document's name of the asset's job when the
    store knows it, else ``result-<first 8 chars of the asset id>`` (the preset names the target)."""
    try:
        job = store.jobs.get(asset.job_id)
        if job.canvas_document_id:
            name = store.canvases.get(job.canvas_document_id).name
            if name and slug(name, "") and name != "Untitled canvas":
                return name
    except NotFoundError:
        pass
    return f"result-{asset.id[:8]}"


def prepare_export(store: StudioStore, asset_id: str, preset_name: str,
                   design: str | None = None) -> tuple[Asset, ExportPreset, list[EncodedFile]]:
    """Encode every file of ``preset_name`` from asset ``asset_id`` in memory (nothing written).

    Raises:
        NotFoundError: no live asset ``asset_id``.
        PresetExportError: unknown preset, the blob is missing or undecodable, or a size fits
            no encoding within the limit.
    """
    from studio_app.render.presets import PresetExportError

    asset = store.assets.get(asset_id)
    preset = get_preset(preset_name)
    try:
        source = store.blobs.get(asset.content_hash)
    except BlobNotFoundError:
        raise PresetExportError(f"the image of asset {asset_id} is missing from the data folder") from None
    files = build_preset_files(source, preset, design or design_name(store, asset))
    return asset, preset, files


def export_asset(store: StudioStore, asset_id: str, preset_name: str, out_dir: str | Path,
                 design: str | None = None) -> list[ExportedFile]:
    """Write every file of ``preset_name`` for asset ``asset_id`` into ``out_dir``.

    Files are named ``<design>-<preset>-<size>.<ext>`` (size ``112`` for squares, else
    ``1280x720``), each exactly its size, within the preset's byte limit, written atomically
    with the user's normal permissions. Nothing is written unless every file fits.

    Returns:
        the written files, in the preset's size order (largest first).

    Raises:
        NotFoundError: no live asset ``asset_id``.
        PresetExportError: see ``prepare_export``; or a file cannot be written (the files
            this export already wrote are removed).
    """
    _asset, _preset, files = prepare_export(store, asset_id, preset_name, design)
    paths = write_files(files, out_dir)
    return [ExportedFile(p, f.width, f.height, f.format, f.size_bytes, f.max_bytes, f.has_alpha, f.method)
            for p, f in zip(paths, files, strict=True)]


class PlatformExports:
    """"Export for platform…" for the UI: the result, its design name, the last folder and
    the export itself, so the dialog never holds the StudioStore.

    Args:
        store: the opened data dir.
    """

    def __init__(self, store: StudioStore) -> None:
        self._store = store

    def asset(self, asset_id: str) -> Asset:
        """The live generated asset.

        Raises:
            NotFoundError: no live asset ``asset_id``.
        """
        return self._store.assets.get(asset_id)

    def image_bytes(self, asset: Asset) -> bytes:
        """The stored image file of ``asset``.

        Raises:
            FileNotFoundError: the blob is missing.
        """
        return self._store.blobs.get(asset.content_hash)

    def design_name(self, asset: Asset) -> str:
        """See module function ``design_name``."""
        return design_name(self._store, asset)

    def last_folder(self) -> Path | None:
        """The folder of the last export (None: none yet, or it is gone)."""
        return last_export_folder(self._store)

    def remember_folder(self, folder: str | Path) -> None:
        """Keep ``folder`` as the next export's default."""
        remember_export_folder(self._store, folder)

    def export(self, asset_id: str, preset_name: str, out_dir: str | Path,
               design: str | None = None) -> list[ExportedFile]:
        """See module function ``export_asset`` (same arguments, returns and errors)."""
        return export_asset(self._store, asset_id, preset_name, out_dir, design=design)
