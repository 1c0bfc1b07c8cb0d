"""export_image: PNG/JPEG/WEBP written atomically, read back with Pillow."""

from __future__ import annotations

import os

import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage

from studio_app.atomic_files import atomic_write_bytes
from studio_app.render.export import ExportError, export_image
from studio_app.render.image_cache import DRAW_FORMAT


def half_transparent() -> QImage:
    image = QImage(64, 32, DRAW_FORMAT)
    image.fill(QColor(255, 0, 0))
    for y in range(32):
        for x in range(32):
            image.setPixelColor(x, y, QColor(0, 0, 0, 0))
    return image


@pytest.mark.parametrize("fmt, pil_format", [("PNG", "PNG"), ("JPEG", "JPEG"), ("WEBP", "WEBP")])
def test_export_writes_a_readable_file_of_the_format(tmp_path, fmt, pil_format):
    path = export_image(half_transparent(), tmp_path / f"out.{fmt.lower()}", fmt, quality=90)
    with Image.open(path) as im:
        assert im.format == pil_format and im.size == (64, 32)
        right = im.convert("RGBA").getpixel((50, 16))
        assert right[0] > 230 and right[1] < 30 and right[3] == 255
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_png_keeps_alpha_and_jpeg_flattens_onto_white(tmp_path):
    with Image.open(export_image(half_transparent(), tmp_path / "a.png", "PNG")) as png:
        assert png.mode == "RGBA" and png.getpixel((5, 5))[3] == 0
    with Image.open(export_image(half_transparent(), tmp_path / "a.jpg", "JPEG")) as jpg:
        assert jpg.mode == "RGB" and min(jpg.getpixel((5, 5))) > 240


def test_export_replaces_an_existing_file(tmp_path):
    target = tmp_path / "snap.png"
    target.write_bytes(b"old")
    export_image(half_transparent(), target, "PNG")
    assert target.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("fmt, quality, words", [("GIF", 90, "format"), ("PNG", 101, "quality"),
                                                 ("JPEG", -5, "quality")])
def test_bad_format_or_quality_is_a_clear_error(tmp_path, fmt, quality, words):
    with pytest.raises(ExportError, match=words):
        export_image(half_transparent(), tmp_path / "x", fmt, quality)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="cannot write"):
        export_image(half_transparent(), tmp_path / "nope" / "x.png", "PNG")


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(target, b"new bytes")
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


def test_null_image_is_rejected(tmp_path):
    with pytest.raises(ExportError, match="empty"):
        export_image(QImage(), tmp_path / "x.png")
