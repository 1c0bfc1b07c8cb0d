"""Validation and decoding of untrusted image files for the media library.

Rules (Pillow's security notes, https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open
and its DecompressionBombWarning): cap the bytes,
open with a format allowlist (PNG, JPEG, WebP, GIF; so EPS/FITS and friends are never
parsed), refuse anything over the pixel limit (Pillow's DecompressionBombWarning made
an error), then decode every pixel with ``load()``. EXIF orientation is applied; GIF
and WebP animations keep their first frame.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any, cast

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
FORMAT_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp",
               "GIF": "image/gif"}
_DISPLAY_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA"}

_plugins_lock = threading.Lock()
_plugins_ready = False


def _register_plugins() -> None:
    """Register Pillow's plugins once, under a lock, before the first file is opened (on the first
    decode, not at start-up: ``Image.init()`` imports every plugin, ~25 ms)."""
    global _plugins_ready
    with _plugins_lock:
        if not _plugins_ready:
            Image.init()
            _plugins_ready = True


class ImageRejectedError(ValueError):
    """The file cannot be imported; ``str()`` is a one-line reason for the user."""


@dataclass
class DecodedImage:
    """A validated, fully decoded image.

    Attributes:
        image: Pillow image in mode RGB or RGBA, EXIF orientation applied, first frame.
        width, height: of ``image``, px.
        mime_type: of the stored bytes (``stored_bytes``).
        stored_bytes: what the library keeps as the original: the file's own bytes when
            they display the same without help, else a lossless PNG re-encoding
            (EXIF-rotated, CMYK, 16-bit or animated sources).
        has_alpha: ``image`` has an alpha channel with at least one non-opaque pixel.
        source_format: Pillow's format name of the file (PNG, JPEG, MPO, WEBP, GIF).
        notes: facts worth keeping in the asset's metadata (e.g. ``{"frames": 12}``).
    """

    image: Image.Image
    width: int
    height: int
    mime_type: str
    stored_bytes: bytes
    has_alpha: bool
    source_format: str
    notes: dict[str, Any] = field(default_factory=dict)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def decode_image(data: bytes, *, max_bytes: int, max_pixels: int) -> DecodedImage:
    """Validate and decode ``data`` (the bytes of one file).

    Args:
        max_bytes: largest accepted size, bytes.
        max_pixels: largest accepted width x height, pixels.

    Raises:
        ImageRejectedError: empty, too large, not one of the four formats, over the
            pixel limit, truncated or corrupt.
    """
    if not data:
        raise ImageRejectedError("empty file (0 bytes)")
    if len(data) > max_bytes:
        raise ImageRejectedError(f"file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    with _open(data, max_pixels) as img:
        fmt = img.format or "?"
        frames = int(getattr(img, "n_frames", 1) or 1)
        mode_in = img.mode
        oriented, exif_orientation = _load_oriented(img, max_pixels)
        rgb = _to_display_mode(oriented)

    notes: dict[str, Any] = {"source_format": fmt, "source_mode": mode_in}
    if frames > 1:
        notes["frames"] = frames
    if exif_orientation not in (1, None):
        notes["exif_orientation"] = int(exif_orientation)
    reencode = exif_orientation not in (1, None) or mode_in not in _DISPLAY_MODES or frames > 1
    if reencode:
        buf = io.BytesIO()
        rgb.save(buf, format="PNG", compress_level=6)
        stored, mime = buf.getvalue(), "image/png"
    else:
        stored, mime = data, FORMAT_MIME.get(fmt, "image/png")
    # a multi-band image's getextrema() is one (min, max) pair per band (Pillow's Image docs)
    has_alpha = rgb.mode == "RGBA" and cast(tuple[tuple[int, int], ...], rgb.getextrema())[3][0] < 255
    return DecodedImage(image=rgb, width=rgb.width, height=rgb.height, mime_type=mime, stored_bytes=stored,
                        has_alpha=has_alpha, source_format=fmt, notes=notes)


def _bomb(max_pixels: int) -> ImageRejectedError:
    return ImageRejectedError(f"image is over the {max_pixels / 1e6:.0f} MP limit (decompression bomb guard)")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image in ``data``, opened lazily (header only) and checked for a pixel count in
    1..``max_pixels``; raises ImageRejectedError for another format or a corrupt header."""
    _register_plugins()
    try:
        img = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except UnidentifiedImageError:
        raise ImageRejectedError("not a PNG, JPEG, WebP or GIF image") from None
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRejectedError(f"corrupt image header: {_first_line(exc)}") from None
    try:
        _check_pixels(*img.size, max_pixels)
    except ImageRejectedError:
        img.close()
        raise
    return img


def _check_pixels(w: int, h: int, max_pixels: int) -> None:
    if w <= 0 or h <= 0:
        raise ImageRejectedError(f"image has no pixels ({w}x{h})")
    if w * h > max_pixels:
        raise ImageRejectedError(
            f"image is {w}x{h} px ({w * h / 1e6:.0f} MP), over the {max_pixels / 1e6:.0f} MP limit "
            "(decompression bomb guard)"
        )


def _load_oriented(img: Image.Image, max_pixels: int) -> tuple[Image.Image, int | None]:
    """(the first frame decoded and turned upright by its EXIF Orientation, the Orientation
    value or None); raises ImageRejectedError for truncated or corrupt pixel data."""
    try:
        img.seek(0)
        img.load()
        exif_orientation = img.getexif().get(0x0112, 1)
        return ImageOps.exif_transpose(img), exif_orientation
    except Image.DecompressionBombError:
        raise _bomb(max_pixels) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejectedError(f"truncated or corrupt image data: {_first_line(exc)}") from None


def _to_display_mode(img: Image.Image) -> Image.Image:
    """RGB or RGBA copy of ``img``; 16/32-bit greyscale is scaled, not clipped."""
    mode = img.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        import numpy as np  # only high-bit-depth images need it; keeps start-up light
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        arr = np.asarray(img).astype(np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        arr8 = np.clip(arr * (255.0 / top), 0, 255).round().astype(np.uint8)
        return Image.fromarray(arr8, "L").convert("RGB")
    if mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        top = 1.0 if arr.max() <= 1.0 else 255.0
        return Image.fromarray(np.clip(arr * 255.0 / top, 0, 255).astype(np.uint8), "L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in img.info):
        return img.convert("RGBA")
    if mode == "RGB":
        return img.copy()
    return img.convert("RGB")
