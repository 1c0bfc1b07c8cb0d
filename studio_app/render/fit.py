"""Fit a generated image to an AssetType's exact pixel size (centre crop, then Lanczos).

Image models return sizes near, not at, the requested one (specs/image-and-chat-apis.md);
platforms want exact sizes (specs/platform-targets.md, domain TARGET_SPECS). This is the
last step before an Asset is stored.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MATTE = (255, 255, 255)
"""Colour (RGB) that transparent pixels are flattened onto when alpha is not kept."""


class ImageDecodeError(ValueError):
    """The bytes are not an image Pillow can decode (message is one line)."""


def _decode(data: bytes) -> Image.Image:
    """Decoded RGBA image, upright per its EXIF orientation."""
    if not data:
        raise ImageDecodeError("image data is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                image = ImageOps.exif_transpose(opened).convert("RGBA")
    except UnidentifiedImageError as exc:
        raise ImageDecodeError(f"cannot decode image ({len(data)} bytes): not a known image format") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageDecodeError(f"cannot decode image ({len(data)} bytes): too many pixels ({exc})") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or corrupt files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImageDecodeError(f"cannot decode image ({len(data)} bytes): {first}") from exc
    return image


def fit_to_target(data: bytes, width: int, height: int, *, keep_alpha: bool,
                  matte: tuple[int, int, int] = DEFAULT_MATTE) -> bytes:
    """Decode ``data``, centre-crop to width:height, resample (Lanczos) to exactly width x height px.

    Args:
        data: encoded image bytes (any format Pillow reads; EXIF orientation honoured).
        width, height: target size in px (e.g. ``TARGET_SPECS[asset_type].size``).
        keep_alpha: True returns RGBA (transparency kept, for emotes, badges,
            overlays: ``TargetSpec.wants_alpha``); False returns RGB with transparent
            pixels flattened onto ``matte``.
        matte: RGB flattening colour when ``keep_alpha`` is False.

    Returns:
        PNG bytes of exactly width x height px.

    Raises:
        ImageDecodeError: the data is empty, not an image, truncated, or larger than
            Pillow's MAX_IMAGE_PIXELS (about 89 Mpx, its decompression-bomb guard).
        ValueError: width or height is not a positive int.
    """
    if not (isinstance(width, int) and isinstance(height, int)) or width <= 0 or height <= 0:
        raise ValueError(f"target size must be positive px, got {width}x{height}")
    rgba = _decode(data)
    fitted = ImageOps.fit(rgba, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    if keep_alpha:
        out = fitted
    else:
        out = Image.new("RGB", fitted.size, matte)
        out.paste(fitted, mask=fitted.getchannel("A"))
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()
