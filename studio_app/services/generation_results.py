"""What GenerationService does between the provider's answer and the stored Asset, and which
input images go with a prompt.

- Real transparency: emotes, badges, Discord emoji and stickers (CUTOUT_TARGETS) keep only
  their subject. A provider that made the background transparent itself (OpenAI
  ``background=transparent``) is trusted; otherwise (Gemini has no such option) the result
  goes through the media library's offline background removal
  (``studio_app.library.background.remove_background``). When no subject can be told apart
  the result is kept opaque and a note says so, never silently.
- Sizes: the size asked of the model, the size received and the upscale factor to the exact
  target (how much ``render.fit.fit_image`` enlarges it; cover fit = max of the two sides'
  ratios). Above ``UPSCALE_NOTE_THRESHOLD`` (1.25) a note goes to the results.
- Input images: the canvas snapshot, then the chosen media assets (a logo as ``logo``, the
  rest as ``reference``, named by their display name in the prompt), then an earlier result
  to refine (``refine``), which never takes a logo's place (providers.images.select_inputs).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import cast

from PIL import Image

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import UPSCALE_NOTE_THRESHOLD
from studio_app.domain.media import MediaAssetType
from studio_app.library.errors import BackgroundRemovalError
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.providers.base import ImageResult, InputImage
from studio_app.providers.errors import GenerationError

from .context import StudioStore

log = logging.getLogger(__name__)

CUTOUT_TARGETS = frozenset({AssetType.TWITCH_EMOTE, AssetType.TWITCH_BADGE, AssetType.DISCORD_EMOJI,
                            AssetType.DISCORD_STICKER})
"""Targets that are a subject on a transparent background (the platforms show them on any
colour). Overlays and panels keep alpha too but are whole layouts: nothing is cut out there."""


@dataclass
class PreparedResult:
    """The provider's image made ready to fit.

    Attributes:
        data: encoded image bytes (with alpha after a cut-out).
        requested_size, received_size: px, or None when unknown.
        upscale_factor: enlargement needed to cover the exact target (1.0 = none; < 1 reduced).
        notes: one line each, for the job record and the results.
    """

    data: bytes
    requested_size: tuple[int, int] | None
    received_size: tuple[int, int]
    upscale_factor: float
    notes: list[str] = field(default_factory=list)


def _size_of(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception as exc:  # Pillow raises many types for bad data
        raise GenerationError(f"The image the provider returned could not be read ({type(exc).__name__}).") from None


def upscale_factor(target: tuple[int, int], received: tuple[int, int]) -> float:
    """How much a cover fit of ``received`` onto ``target`` (px) enlarges it: max of the
    width and height ratios (1.0 = same size, 1.9 = almost doubled, 0.5 = halved)."""
    return max(target[0] / received[0], target[1] / received[1])


def has_transparency(data: bytes) -> bool:
    """True when the image has an alpha channel with some (nearly) transparent pixel."""
    with Image.open(io.BytesIO(data)) as im:
        if im.mode not in ("RGBA", "LA", "PA") and not (im.mode == "P" and "transparency" in im.info):
            return False
        alpha = im.convert("RGBA").getchannel("A")
        low = cast(float, alpha.getextrema()[0])  # one band: (min, max) numbers, not per-band tuples
        return low < 16


def prepare_result(result: ImageResult, asset_type: AssetType, *, is_preview: bool) -> PreparedResult:
    """Cut out the subject where the target needs it and measure the sizes (see module doc).

    Raises:
        GenerationError: the returned image cannot be read.
    """
    spec = TARGET_SPECS[asset_type]
    received = result.received_size or _size_of(result.data)
    factor = upscale_factor(spec.size, received)
    notes: list[str] = []
    data = result.data
    if asset_type in CUTOUT_TARGETS and not is_preview and not result.transparent_background:
        data, note = _cut_out(data)
        if note:
            notes.append(note)
    if factor > UPSCALE_NOTE_THRESHOLD:
        notes.append(f"Upscaled x{factor:.2f}: the model returned {received[0]}x{received[1]} px for this "
                     f"{spec.width}x{spec.height} px target, so fine detail may look soft.")
    return PreparedResult(data, result.requested_size, received, factor, notes)


def _cut_out(data: bytes) -> tuple[bytes, str | None]:
    if has_transparency(data):
        return data, None
    from studio_app.library.background import remove_background  # NumPy/OpenCV load on first use

    try:
        return remove_background(data), None
    except BackgroundRemovalError as exc:
        log.info("background removal failed: %s", exc)
        return data, (f"The background could not be removed ({exc}); the result is kept opaque. "
                      "Remove it by hand or try again with a plainer background.")


def reference_limit(store: StudioStore) -> int:
    """How many media assets go with one prompt: the library setting ``max_per_prompt``
    (default MAX_PROMPT_INJECTION_ASSETS); the model's own limit applies on top."""
    return store.settings.section(SETTINGS_SECTION, LibrarySettings).max_per_prompt


def media_inputs(store: StudioStore, asset_ids: list[str]) -> list[InputImage]:
    """The chosen media assets as input images (logos as ``logo``, first), each labelled with
    its display name. They are counted as used once the generation completes (mark_used).

    Raises:
        GenerationError: an asset is gone or its file cannot be read.
    """
    from studio_app.store.repositories import NotFoundError

    images: list[InputImage] = []
    for asset_id in dict.fromkeys(asset_ids):
        try:
            asset = store.media.get(asset_id)
            data = store.blobs.get(store.blobs.digest_of(asset.processed_storage_path or asset.storage_path))
        except (NotFoundError, FileNotFoundError, ValueError) as exc:
            raise GenerationError(f"A reference image is no longer in the media library ({exc}); "
                                  "pick another.") from None
        role = "logo" if asset.asset_type == MediaAssetType.LOGO else "reference"
        images.append(InputImage(data, asset.mime_type or "image/png", role, asset.display_name))
    images.sort(key=lambda i: i.role != "logo")  # stable: logos first, the rest as chosen
    return images


def mark_used(store: StudioStore, asset_ids: list[str]) -> None:
    """Count the media assets of a completed generation as used (the original design's for-prompt
    operation: usage_count + 1, last_used_at = now). A failed or cancelled job changes nothing."""
    if asset_ids:
        store.media.mark_used(list(dict.fromkeys(asset_ids)))


def choose_references(store: StudioStore, selected: list[str], canvas: CanvasDocument | None) -> list[str]:
    """The media assets Generate sends: the ones selected in the library, else the assets
    placed on the canvas (visible ones, in stacking order: the original design's default), logos first,
    at most reference_limit()."""
    ids = list(dict.fromkeys(selected))
    if not ids and canvas is not None:
        for p in canvas.sorted_placements():
            if p.asset_id and not p.hidden and p.asset_id not in ids:
                ids.append(p.asset_id)
    from studio_app.store.repositories import NotFoundError

    def is_logo(asset_id: str) -> bool:
        try:
            return store.media.get(asset_id).asset_type == MediaAssetType.LOGO
        except NotFoundError:
            return False

    live = []
    for asset_id in ids:
        try:
            store.media.get(asset_id)
        except NotFoundError:
            continue
        live.append(asset_id)
    live.sort(key=lambda a: not is_logo(a))
    return live[:reference_limit(store)]
