"""Open and save canvas document files; resolve placements against the media library."""

from __future__ import annotations

import json
import os
from pathlib import Path

from studio_app.atomic_files import atomic_write_bytes
from studio_app.domain.canvas import CanvasDocument, CanvasFormatError
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .media_library import MediaLibraryService


class CanvasFileError(Exception):
    """A canvas file could not be opened or a placement's image could not be imported."""


def read_canvas_file(path: str | os.PathLike[str]) -> CanvasDocument:
    """Parse a ``.json`` canvas document.

    Raises:
        CanvasFileError: missing/unreadable file or invalid document (one-line message).
    """
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as exc:
        raise CanvasFileError(f"cannot read {p}: {exc.strerror or exc}") from exc
    try:
        return CanvasDocument.from_json(text)
    except CanvasFormatError as exc:
        raise CanvasFileError(f"{p}: {exc}") from exc


def write_canvas_file(doc: CanvasDocument, path: str | os.PathLike[str]) -> None:
    """Save ``doc`` atomically (temp file, fsync, os.replace).

    Raises:
        OSError: the disk is full or the folder is not writable; the old file is untouched.
    """
    atomic_write_bytes(Path(path), doc.to_json().encode("utf-8"))


def resolve_placements(doc: CanvasDocument, store: StudioStore, library: MediaLibraryService,
                       *, base_dir: Path | None = None) -> CanvasDocument:
    """Make every placement point at a library asset.

    A placement whose ``asset_id`` is missing from the library but whose ``url`` is a
    local file path gets that file imported (relative paths are taken from
    ``base_dir``), and its asset_id/display_name filled in. Returns the updated copy.

    Raises:
        CanvasFileError: a file named by a placement could not be imported.
    """
    placements = []
    checked: dict[str, bool] = {}  # asset_id -> in the library (a photo placed 50 times is looked up once)
    for p in doc.placements:
        known = False
        if p.asset_id:
            if p.asset_id not in checked:
                try:
                    store.media.get(p.asset_id)
                    checked[p.asset_id] = True
                except NotFoundError:
                    checked[p.asset_id] = False
            known = checked[p.asset_id]
        if not known and p.url and not p.url.startswith(("blob:", "http:", "https:")):
            file_path = Path(p.url).expanduser()
            if not file_path.is_absolute() and base_dir is not None:
                file_path = base_dir / file_path
            outcome = library.import_file(file_path, display_name=p.display_name if p.display_name != "asset"
                                          else None)
            asset = outcome.asset or outcome.duplicate_of
            if asset is None:
                raise CanvasFileError(f"placement {p.display_name!r}: {outcome.error}")
            p = p.model_copy(update={"asset_id": asset.id, "display_name": asset.display_name,
                                     "asset_type": asset.asset_type.value})
        placements.append(p)
    return doc.model_copy(update={"placements": placements})


RECOVERY_FORMAT = 1
"""Version of the recovery file wrapper (not the canvas schema, which is inside)."""


def write_recovery_file(doc: CanvasDocument, path: str | os.PathLike[str], original_path: str | None) -> None:
    """Write an autosave of ``doc`` (and the file it came from, if any) atomically to ``path``.

    The file is JSON: ``{"recovery_format": 1, "file_path": ..., "document": {...}}``;
    the document keeps unknown elements like a normal save. It is written compactly by
    pydantic's JSON serialiser (about 60x faster than the indented save format for a
    200-placement canvas), because autosave runs shortly after every edit.

    Raises:
        OSError: the recovery folder is not writable (the previous recovery file is untouched).
    """
    # unknown elements go back to their places: the save format knows how
    body = doc.to_json() if doc.unknown_elements else doc.model_dump_json(exclude={"unknown_elements"})
    text = (f'{{"recovery_format": {RECOVERY_FORMAT}, "file_path": {json.dumps(original_path, ensure_ascii=False)}, '
            f'"document": {body}}}\n')
    atomic_write_bytes(Path(path), text.encode("utf-8"))


def read_recovery_file(path: str | os.PathLike[str]) -> tuple[CanvasDocument, str | None]:
    """Read an autosave: (document, the file path it belonged to or None).

    Raises:
        CanvasFileError: missing, unreadable or damaged recovery file (one line).
    """
    p = Path(path)
    try:
        data = json.loads(p.read_bytes())
        if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
            raise ValueError("no document in it")
        doc = CanvasDocument.from_json(json.dumps(data["document"]))
    except OSError as exc:
        raise CanvasFileError(f"cannot read {p}: {exc.strerror or exc}") from exc
    except (ValueError, CanvasFormatError) as exc:
        raise CanvasFileError(f"{p}: damaged recovery file ({str(exc).splitlines()[0]})") from exc
    original = data.get("file_path")
    return doc, original if isinstance(original, str) else None


class CanvasFiles:
    """The window's canvas documents: open (resolving placements), save (file + the canvases
    table, so "where used" finds it) and the folder autosaves go to.

    Args:
        store: the opened data dir.
        library: imports the local files a placement names when opening.
    """

    def __init__(self, store: StudioStore, library: MediaLibraryService) -> None:
        self._store = store
        self._library = library

    @property
    def recovery_dir(self) -> Path:
        """Where autosaves (recovery files) are written."""
        return self._store.paths.recovery

    def open(self, path: str | os.PathLike[str]) -> CanvasDocument:
        """Read ``path`` and make its placements point at library assets (resolve_placements).

        Raises:
            CanvasFileError: unreadable or invalid file, or a placement's file could not be imported.
        """
        doc = read_canvas_file(path)
        return resolve_placements(doc, self._store, self._library, base_dir=Path(path).parent)

    def save(self, doc: CanvasDocument, path: str | os.PathLike[str]) -> None:
        """Write ``doc`` atomically to ``path`` and record it with that path.

        Raises:
            OSError: the file could not be written (the old file is untouched).
        """
        write_canvas_file(doc, path)
        self._store.canvases.save(doc, str(path))
