"""Images crossing the provider boundary: inputs fitted to a service's limits, outputs checked.

Inputs: the canvas snapshot first, then at most MAX_PROMPT_INJECTION_ASSETS references
(the library's per-prompt limit), cut to the model's image count;
each re-encoded with Pillow when its format is not accepted or it is over the byte
limit (Gemini: png/jpeg/webp, 7 MB each inline;
https://ai.google.dev/gemini-api/docs/file-input-methods).
Outputs: decoded fully with an allowlist of formats before anyone stores them.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image

from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS

from .base import InputImage
from .errors import GenerationError

FORMAT_MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
OUTPUT_FORMATS = ("PNG", "JPEG", "WEBP")
"""Formats we accept back from a service."""

ROLE_LABELS = {"canvas_snapshot": "canvas snapshot", "reference": "reference image", "logo": "logo",
               "refine": "image to refine"}
ROLE_PROMPTS = {
    "canvas_snapshot": "the canvas snapshot: the streamer's layout sketch; follow its composition",
    "logo": "the streamer's logo; reproduce it faithfully, unaltered",
    "reference": "a reference image from the streamer's media library",
    "refine": "the earlier result to refine; keep what works and apply the prompt's changes",
}
_KEEP_ORDER = {"canvas_snapshot": 0, "logo": 1, "refine": 2, "reference": 3}


def select_inputs(images: Sequence[InputImage], *, max_images: int,
                  max_references: int = MAX_PROMPT_INJECTION_ASSETS) -> list[InputImage]:
    """The images to send, in the order given, within the model's ``max_images``.

    The first canvas snapshot (if any); at most ``max_references`` media-library images
    (``logo`` and ``reference``; logos count first); every ``refine`` image. When more are
    left than the model takes, plain references are dropped first, then refine images, so
    a refine image never pushes out a logo the prompt talks about.
    """
    snapshot = next((i for i in images if i.role == "canvas_snapshot"), None)
    library = [i for i in images if i.role in ("logo", "reference")]
    library.sort(key=lambda i: i.role != "logo")
    keep_library = set(map(id, library[:max_references]))
    chosen = [i for i in images if (i is snapshot) or i.role == "refine" or id(i) in keep_library]
    if len(chosen) > max_images:
        ranked = sorted(chosen, key=lambda i: _KEEP_ORDER.get(i.role, 3))[:max(0, max_images)]
        keep = set(map(id, ranked))
        chosen = [i for i in chosen if id(i) in keep]
    return chosen


def describe_inputs(images: Sequence[InputImage]) -> list[str]:
    """One line per image naming it by its role (and label), numbered in sending order:
    ``Image 2: the streamer's logo "Neon Fox"; reproduce it faithfully, unaltered.``"""
    lines = []
    for n, image in enumerate(images, start=1):
        what = ROLE_PROMPTS.get(image.role, "an input image")
        if image.label:
            head, _, tail = what.partition(";")
            what = f'{head} "{image.label}"' + (f";{tail}" if tail else "")
        lines.append(f"Image {n}: {what}.")
    return lines


def _open(data: bytes, formats: Sequence[str], *, decode: bool = True) -> Image.Image:
    """Open ``data`` with a format allowlist; decode fully, or only ``verify()`` it (cheaper:
    for PNG it checks every chunk's CRC without inflating) when ``decode`` is False."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data), formats=list(formats))
        if decode:
            im.load()
        else:
            im.verify()
            im = Image.open(io.BytesIO(data), formats=list(formats))  # verify() leaves it unusable
    return im


def fit_input_image(image: InputImage, *, max_bytes: int, mime_types: frozenset[str]) -> InputImage:
    """``image`` in an accepted format and at most ``max_bytes`` bytes.

    Unchanged when it already fits (its ``mime_type`` corrected to the real format);
    else re-encoded (PNG when it has alpha, else JPEG quality 90) and scaled down by
    steps of 0.8 until it fits.

    Raises:
        GenerationError: the image cannot be decoded ("The reference image could not be read").
    """
    label = ROLE_LABELS.get(image.role, "input image")
    try:
        im = _open(image.data, tuple(FORMAT_MIME), decode=False)
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise GenerationError(f"The {label} could not be read as an image ({type(exc).__name__}).") from None
    real_mime = FORMAT_MIME.get(im.format or "", "")
    if real_mime in mime_types and len(image.data) <= max_bytes:
        return replace(image, mime_type=real_mime)
    has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    fmt, mime = ("PNG", "image/png") if has_alpha or "image/jpeg" not in mime_types else ("JPEG", "image/jpeg")
    try:
        work = im.convert("RGBA" if fmt == "PNG" else "RGB")
    except Exception as exc:  # noqa: BLE001 - truncated data shows up on the full decode
        raise GenerationError(f"The {label} could not be read as an image ({type(exc).__name__}).") from None
    scale = 1.0
    while True:
        size = (max(1, round(work.width * scale)), max(1, round(work.height * scale)))
        frame = work if scale == 1.0 else work.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        if fmt == "JPEG":
            frame.save(buf, format=fmt, quality=90)
        else:
            frame.save(buf, format=fmt, optimize=False)
        if buf.tell() <= max_bytes or min(size) <= 16:
            return replace(image, data=buf.getvalue(), mime_type=mime)
        scale *= 0.8


def check_output_image(data: bytes, service: str) -> tuple[str, tuple[int, int]]:
    """Check ``data`` is a whole PNG/JPEG/WebP image; return (MIME type, (width, height) in px).

    It is verified, not inflated (for PNG every chunk's CRC is checked): the one full decode
    happens once, when GenerationService fits the result to its exact size, and a failure
    there fails the job with a readable message too. Decoding twice cost ~30 ms a job.

    Raises:
        GenerationError: not a PNG/JPEG/WebP image, truncated, or a decompression bomb.
    """
    try:
        im = _open(data, OUTPUT_FORMATS, decode=False)
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise GenerationError(f"{service} sent an image that could not be read ({type(exc).__name__}).") from None
    return FORMAT_MIME[im.format or "PNG"], im.size
