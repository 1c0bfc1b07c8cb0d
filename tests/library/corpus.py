"""Builds the bad-input corpus from the fixture photos (in a tmp folder)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header claims width x height px (1-bit), with a few rows of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    raw = zlib.compress(b"\x00" * (width // 8 + 1) * 16)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", raw) + _png_chunk(b"IEND", b"")


def build_corpus(photos: dict[str, Path], out: Path) -> dict[str, Path]:
    """Write the corpus into ``out``; returns case name -> file path."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        p = out / name
        p.write_bytes(data)
        files[name.rsplit(".", 1)[0]] = p

    astronaut = photos["astronaut.png"].read_bytes()
    hubble = photos["hubble_deep_field.jpg"].read_bytes()
    put("truncated_png.png", astronaut[: len(astronaut) // 2])
    put("truncated_jpeg.jpg", hubble[: len(hubble) // 2])
    put("zero_bytes.png", b"")
    put("bomb.png", bomb_png())
    put("jpeg_named_png.png", hubble)
    with Image.open(photos["coffee.png"]) as im:
        buf = io.BytesIO()
        im.convert("CMYK").save(buf, "JPEG", quality=90)
        put("cmyk.jpg", buf.getvalue())
    with Image.open(photos["astronaut.png"]) as im:
        grey16 = (np.asarray(im.convert("L")).astype(np.uint16) * 257)
        buf = io.BytesIO()
        Image.fromarray(grey16).save(buf, "PNG")
        put("grey16.png", buf.getvalue())
    frames = [Image.new("RGB", (64, 48), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    put("animated.gif", buf.getvalue())
    with Image.open(photos["chelsea.png"]) as im:
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90 degrees clockwise to display
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=90, exif=exif)
        put("exif_rotated.jpg", buf.getvalue())
    put("text_named_png.png", b"this is a shopping list, not a picture\n" * 20)
    put("eps_named_png.png", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    with Image.open(photos["hubble_deep_field.jpg"]) as im:
        huge = im.convert("L").resize((12000, 12000), Image.Resampling.NEAREST)
        buf = io.BytesIO()
        huge.save(buf, "JPEG", quality=60)
        put("huge_12000.jpg", buf.getvalue())
    return files
