"""Export a rendered QImage to a file (PNG, JPEG, WEBP), written atomically.

Files the user cares about are written via a temp file in the same folder,
flush, fsync, ``os.replace``, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from studio_app.atomic_files import atomic_write_bytes

from .snapshot import qimage_to_bytes

__all__ = ["EXPORT_FORMATS", "ExportError", "ExportFormat", "encode_image", "export_image"]

ExportFormat = Literal["PNG", "JPEG", "WEBP"]
EXPORT_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP")


class ExportError(Exception):
    """The image could not be exported (bad format or quality, unwritable folder)."""


def encode_image(image: QImage, fmt: ExportFormat, quality: int = 90) -> bytes:
    """Encode ``image`` as PNG, JPEG or WEBP bytes with Qt's writers.

    ``quality`` (0-100) applies to JPEG and WEBP; PNG is lossless and ignores it.
    JPEG has no alpha, so an image with alpha is flattened onto white first.

    Raises:
        ExportError: unknown format, quality outside 0-100, a null image, or Qt
            failing to encode.
    """
    fmt_upper = str(fmt).upper()
    if fmt_upper not in EXPORT_FORMATS:
        raise ExportError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if not (isinstance(quality, int) and 0 <= quality <= 100):
        raise ExportError(f"export quality must be an int 0-100, got {quality!r}")
    if image.isNull():
        raise ExportError("cannot export an empty image")
    if fmt_upper == "JPEG" and image.hasAlphaChannel():
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(Qt.GlobalColor.white)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    try:
        return qimage_to_bytes(image, fmt_upper, -1 if fmt_upper == "PNG" else quality)
    except ValueError as exc:
        raise ExportError(str(exc)) from exc


def export_image(image: QImage, path: str | os.PathLike[str], fmt: ExportFormat = "PNG", quality: int = 90) -> Path:
    """Encode ``image`` (see ``encode_image``) and write it atomically to ``path``; returns the path.

    Raises:
        ExportError: as ``encode_image``, or the file could not be written (the
            message names the path; any old file at ``path`` is left as it was).
    """
    data = encode_image(image, fmt, quality)
    try:
        return atomic_write_bytes(path, data, make_parents=False)  # a missing folder is the user's to fix
    except OSError as exc:
        raise ExportError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from exc
