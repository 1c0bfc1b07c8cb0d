"""Platform export presets: every file a platform wants, at its exact size, within its byte limit.

Qt-free (Pillow and numpy only), so the CLI, the GUI's worker and the tests share one path.

Per preset and size: the largest size is fitted from the source (centre crop + Lanczos,
``render.fit``); each smaller size is downscaled from that largest one with an icon step
(Lanczos on premultiplied alpha, then an unsharp mask on every band, so 1-2 px outlines stay
crisp at 28 px instead of fading, and transparent edges get no dark fringe). Each file is then
encoded to fit the platform's upload limit (decimal bytes, ``TargetSpec.max_bytes``):

1. PNG, optimised (zlib level 9 + Pillow's filter search; zlib 6 above 1.5 Mpx); a large image
   whose fast PNG is far over the limit skips this step;
2. if still too large and the platform takes JPEG and the image has no alpha: JPEG at the
   highest quality (JPEG_MAX_QUALITY down to JPEG_MIN_QUALITY) that fits;
3. else (or when even that JPEG does not fit) PNG quantised to a palette (Pillow's
   libimagequant where it was built with it, else its own octree/median-cut quantiser),
   256 colours down to 32;
4. nothing fits: ``PresetExportError`` with one line, and nothing is written
   (``write_files`` is only called with a complete set).

Sources (the platforms' own documentation where it states the figure; [3P] marks a
third-party guide used where the platform publishes none):
- Twitch emotes served at 28/56/112 px (1x/2x/4x):
  https://dev.twitch.tv/docs/api/reference#get-channel-emotes; <= 1 MB, transparent PNG
  [3P]: https://docs.elgato.com/en/graphics/emotes
- Twitch badges 18/36/72 px: https://dev.twitch.tv/docs/api/reference#get-channel-chat-badges;
  <= 25 kB [3P]: https://docs.elgato.com/en/graphics/badges
- Discord emoji 128 px, <= 256 KiB: https://support.discord.com/hc/articles/360036479811-Custom-Emojis
  and https://github.com/discord/discord-api-docs/blob/main/docs/resources/emoji.mdx
- Discord sticker 320x320 PNG/APNG, <= 512 KiB:
  https://github.com/discord/discord-api-docs/blob/main/docs/resources/sticker.mdx
- YouTube thumbnail 1280x720, JPG/PNG, <= 2 MB (accepted everywhere):
  https://support.google.com/youtube/answer/72431 and
  https://developers.google.com/youtube/v3/docs/thumbnails/set
- YouTube banner 2560x1440, <= 6 MB: https://developers.google.com/youtube/v3/docs/channelBanners
- X header 1500x500:
  https://developer.x.com/en/docs/accounts-and-users/manage-account-settings/api-reference/get-users-profile_banner
- Twitch panel, offline screen, profile banner [3P]: https://docs.elgato.com/en/graphics/panels,
  https://docs.elgato.com/en/graphics/profile-art
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from PIL import Image, ImageFilter, features

from studio_app.atomic_files import atomic_write_bytes
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.lookup import named_entry

from .fit import fit_image

JPEG_MAX_QUALITY = 95
"""Highest JPEG quality tried (above it files grow fast for no visible gain)."""
JPEG_MIN_QUALITY = 50
"""Lowest JPEG quality accepted before falling back to a palette PNG (below it blocks show)."""
PALETTE_COLOURS = (256, 128, 64, 32)
"""Palette sizes tried, largest first, when a quantised PNG is needed."""
PALETTE_GIVE_UP_RATIO = 3.0
"""A palette PNG more than this x the limit stops the search: halving the colours saves at most
one bit in eight per px, so 32 colours cannot make up a factor of 3."""
PNG_FAST_RATIO = 1.25
"""A fast PNG (zlib level 1) larger than this x the limit is not optimised first: optimising
saves 5-20 %, never this much, and costs ~0.5 s on a noisy 1280x720 image."""
SMALL_IMAGE_PIXELS = 512 * 512
"""Images up to this many px (icons, emoji, panels) are optimised straight away: it costs a few ms."""
FULL_OPTIMISE_PIXELS = 1_500_000
"""Up to this many px "optimised" is Pillow's optimize (zlib 9 + filter search); above it zlib
level 6, which gave the same size within 1 % on 2560x1440 images at a fraction of the time."""
SHARPEN_RADIUS_PX = 0.6
"""Unsharp-mask radius in output px for downscaled icon sizes (a sub-pixel halo, no ringing)."""
SHARPEN_PERCENT_PER_OCTAVE = 45
"""Unsharp-mask strength per halving of size (28 px from 112 px: 2 octaves = 90 %), capped at 120 %."""


class PresetExportError(Exception):
    """A preset cannot be exported (unknown preset, bad source image, nothing fits the limit).

    The message is one line, fit for a dialog or ``studio: error: ...``.
    """


@dataclass(frozen=True)
class ExportPreset:
    """One platform's upload set.

    Attributes:
        name: id used by ``--preset`` and in file names (e.g. ``twitch-emote``).
        label: shown in the dialog.
        asset_type: the AssetType whose TargetSpec gives alpha and byte limit.
        sizes: (width, height) px of every file, largest first.
        formats: accepted formats, preferred first ("PNG", "JPEG").
        wants_alpha: files keep transparency (PNG only).
        max_bytes: per-file upload limit in bytes (decimal), None when unlimited.
        note: one line on what the platform does with it.
    """

    name: str
    label: str
    asset_type: AssetType
    sizes: tuple[tuple[int, int], ...]
    formats: tuple[str, ...]
    note: str = ""
    wants_alpha: bool = field(init=False)
    max_bytes: int | None = field(init=False)

    def __post_init__(self) -> None:
        spec = TARGET_SPECS[self.asset_type]
        object.__setattr__(self, "wants_alpha", spec.wants_alpha)
        object.__setattr__(self, "max_bytes", spec.max_bytes)

    @property
    def largest(self) -> tuple[int, int]:
        """The biggest (width, height) px of the set."""
        return max(self.sizes, key=lambda s: s[0] * s[1])


_SINGLE_SIZE: dict[AssetType, tuple[str, str, str, str]] = {  # name, label, formats, note
    AssetType.DISCORD_EMOJI: ("discord-emoji", "Discord emoji (128 px)", "PNG JPEG", "<= 256 KiB"),
    AssetType.DISCORD_STICKER: ("discord-sticker", "Discord sticker (320 px)", "PNG", "PNG only, <= 512 KiB"),
    AssetType.THUMBNAIL: ("youtube-thumbnail", "YouTube thumbnail (1280x720)", "PNG JPEG", "<= 2 MB, no transparency"),
    AssetType.YOUTUBE_BANNER: ("youtube-banner", "YouTube channel banner (2560x1440)", "PNG JPEG", "<= 6 MB; keep text in the centre 1546x423"),
    AssetType.X_HEADER: ("x-header", "X header (1500x500)", "PNG JPEG", "<= 5 MB"),
    AssetType.TWITCH_PANEL: ("twitch-panel", "Twitch panel (320x160)", "PNG JPEG", "<= 1 MB"),
    AssetType.TWITCH_OFFLINE: ("twitch-offline", "Twitch offline screen (1920x1080)", "PNG JPEG", "<= 10 MB"),
    AssetType.BANNER: ("twitch-banner", "Twitch profile banner (1200x480)", "PNG JPEG", "<= 10 MB"),
    AssetType.STORY_GRAPHIC: ("story", "Story / vertical (1080x1920)", "PNG JPEG", "<= 30 MB; keep text out of the top and bottom"),
    AssetType.CLIP_COVER: ("clip-cover", "Square clip cover (1080x1080)", "PNG JPEG", "<= 30 MB"),
    AssetType.OVERLAY: ("overlay", "Stream overlay (1920x1080, OBS)", "PNG", "transparent PNG for OBS"),
}
"""The presets of one file at the target's own size (TARGET_SPECS): name, label, the formats
allowed (space-separated), and the note shown with the preset."""

PRESETS: dict[str, ExportPreset] = {p.name: p for p in (
    ExportPreset("twitch-emote", "Twitch emote (28, 56, 112 px)", AssetType.TWITCH_EMOTE,
                 ((112, 112), (56, 56), (28, 28)), ("PNG",), "manual upload: 1x, 2x and 4x files"),
    ExportPreset("twitch-badge", "Twitch sub badge (18, 36, 72 px)", AssetType.TWITCH_BADGE,
                 ((72, 72), (36, 36), (18, 18)), ("PNG",), "1x, 2x and 4x files, each <= 25 kB"),
    *(ExportPreset(name, label, asset_type, (TARGET_SPECS[asset_type].size,), tuple(formats.split()), note)
      for asset_type, (name, label, formats, note) in _SINGLE_SIZE.items()),
)}
"""Every preset by name."""

PRESET_FOR_ASSET_TYPE: dict[AssetType, str] = {p.asset_type: p.name for p in PRESETS.values()}
"""The natural preset of each AssetType (what the dialog selects first)."""


def get_preset(name: str) -> ExportPreset:
    """The preset called ``name``.

    Raises:
        PresetExportError: no such preset (the message lists the names).
    """
    return named_entry(PRESETS, name,
                       lambda known: PresetExportError(f"unknown preset {name!r}; choose one of {known}"))


@dataclass(frozen=True)
class EncodedFile:
    """One encoded output file, not yet written.

    Attributes:
        filename: ``<design>-<target>-<size>.<ext>``.
        data: the encoded bytes.
        width, height: px.
        format: "PNG" or "JPEG" (always matching the extension).
        has_alpha: the file stores an alpha channel (RGBA PNG or palette PNG with tRNS).
        method: how it was made to fit: "png", "png-optimised", "png-palette-<n>" or "jpeg-q<q>".
        max_bytes: the limit it was checked against (None: unlimited).
    """

    filename: str
    data: bytes
    width: int
    height: int
    format: str
    has_alpha: bool
    method: str
    max_bytes: int | None

    @property
    def size_bytes(self) -> int:
        """Length of ``data`` in bytes."""
        return len(self.data)


def slug(text: str, fallback: str = "design") -> str:
    """A file-name-safe lower-case slug of ``text`` (letters, digits, ``-``; at most 60 chars)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return s or fallback


def size_label(width: int, height: int) -> str:
    """``112`` for a square size, else ``1280x720``."""
    return str(width) if width == height else f"{width}x{height}"


def file_stem(design: str, preset: ExportPreset, width: int, height: int) -> str:
    """``<design>-<target>-<size>`` (no extension)."""
    return f"{slug(design)}-{preset.name}-{size_label(width, height)}"


# -- resampling ------------------------------------------------------------------------------
def downscale_icon(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` (RGBA or RGB) downscaled to width x height px with the icon step.

    Lanczos on premultiplied alpha (no dark fringe where colour meets transparency), then an
    unsharp mask on all bands whose strength grows with the reduction
    (SHARPEN_PERCENT_PER_OCTAVE per halving), clamped back to valid premultiplied values.
    Returns an image of the same mode. A size equal to the input's is returned unchanged.
    """
    if image.size == (width, height):
        return image
    octaves = max(0.0, math.log2(max(image.width / width, image.height / height)))
    percent = int(min(120, SHARPEN_PERCENT_PER_OCTAVE * octaves))
    alpha = image.mode == "RGBA"
    work = image.convert("RGBa") if alpha else image
    small = work.resize((width, height), Image.Resampling.LANCZOS)
    if percent <= 0:
        return small.convert("RGBA") if alpha else small
    sharpen = ImageFilter.UnsharpMask(radius=SHARPEN_RADIUS_PX, percent=percent, threshold=1)
    bands = [b.filter(sharpen) for b in small.split()]
    if not alpha:
        return Image.merge(small.mode, bands)
    import numpy as np  # here, not at import: opening the window must not load numpy

    arr = np.stack([np.asarray(b) for b in bands], axis=-1)
    arr[..., :3] = np.minimum(arr[..., :3], arr[..., 3:4])  # premultiplied: colour <= alpha
    return Image.fromarray(arr, "RGBa").convert("RGBA")


def preset_images(source: bytes, preset: ExportPreset) -> list[Image.Image]:
    """The preset's images (one per size, in ``preset.sizes`` order) from encoded ``source`` bytes.

    The largest is fitted from the source (centre crop to its aspect, Lanczos); the others are
    ``downscale_icon`` of the largest. RGBA when the preset wants alpha, else RGB flattened on
    white.

    Raises:
        PresetExportError: the source is not a decodable image.
    """
    from .fit import ImageDecodeError

    lw, lh = preset.largest
    try:
        largest = fit_image(source, lw, lh, keep_alpha=preset.wants_alpha)
    except ImageDecodeError as exc:
        raise PresetExportError(str(exc)) from exc
    if preset.wants_alpha and largest.mode != "RGBA":
        largest = largest.convert("RGBA")
    return [largest if (w, h) == (lw, lh) else downscale_icon(largest, w, h) for w, h in preset.sizes]


# -- encoding --------------------------------------------------------------------------------
def _has_transparency(image: Image.Image) -> bool:
    if image.mode != "RGBA":
        return False
    lo, _hi = cast(tuple[int, int], image.getchannel("A").getextrema())  # one band: one (min, max)
    return lo < 255


def _png(image: Image.Image, *, optimise: bool) -> bytes:
    buf = io.BytesIO()
    if not optimise:
        image.save(buf, format="PNG", compress_level=1)
    elif image.width * image.height <= FULL_OPTIMISE_PIXELS:
        image.save(buf, format="PNG", optimize=True)
    else:
        image.save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="JPEG", quality=quality, optimize=True, progressive=False)
    return buf.getvalue()


def _fits(data: bytes, limit: int | None) -> bool:
    return limit is None or len(data) <= limit


def quantise(image: Image.Image, colours: int) -> Image.Image:
    """``image`` as a palette ("P") image of at most ``colours`` colours, alpha kept as tRNS.

    Uses libimagequant when Pillow was built with it (best quality, handles alpha), else
    Pillow's fast octree for RGBA and median cut for RGB; Floyd-Steinberg dithering.
    """
    if features.check_feature("libimagequant"):
        method = Image.Quantize.LIBIMAGEQUANT
    elif image.mode == "RGBA":
        method = Image.Quantize.FASTOCTREE
    else:
        method = Image.Quantize.MEDIANCUT
    return image.quantize(colors=colours, method=method, dither=Image.Dither.FLOYDSTEINBERG)


def encode_within_limit(image: Image.Image, preset: ExportPreset, stem: str) -> EncodedFile:
    """Encode ``image`` for ``preset`` as the best file that fits ``preset.max_bytes``.

    See the module docstring for the order (PNG, optimised PNG, JPEG at the highest quality
    that fits when allowed and opaque, palette PNG).

    Raises:
        PresetExportError: nothing fits (one line naming the file, its size and the limit).
    """
    limit = preset.max_bytes
    w, h = image.size
    alpha = preset.wants_alpha

    def done(data: bytes, fmt: str, method: str, has_alpha: bool) -> EncodedFile:
        ext = "png" if fmt == "PNG" else "jpg"
        return EncodedFile(f"{stem}.{ext}", data, w, h, fmt, has_alpha, method, limit)

    if limit is None:
        return done(_png(image, optimise=True), "PNG", "png-optimised", alpha)
    tried = _Attempts(limit)
    fast = _png(image, optimise=False) if w * h > SMALL_IMAGE_PIXELS else None
    if fast is None or len(fast) <= limit * PNG_FAST_RATIO:
        best = _png(image, optimise=True)
        if fast is not None and len(fast) < len(best):
            best = fast
        if tried.fits(best):
            return done(best, "PNG", "png-optimised", alpha)
    else:
        tried.fits(fast)  # far over the limit: only its size is kept, for the message
    if "JPEG" in preset.formats and not _has_transparency(image):
        found = _best_jpeg(image, tried)
        if found is not None:
            return done(found[1], "JPEG", f"jpeg-q{found[0]}", False)
    for colours in PALETTE_COLOURS:
        data = _png(quantise(image, colours), optimise=True)
        if tried.fits(data):
            return done(data, "PNG", f"png-palette-{colours}", alpha)
        if len(data) > limit * PALETTE_GIVE_UP_RATIO:
            break
    raise PresetExportError(
        f"{stem}: no encoding fits the {preset.label} limit of {limit:,} bytes "
        f"(smallest tried: {tried.smallest:,} bytes); simplify the image or choose another preset")


class _Attempts:
    """The encodings tried for one file against ``limit`` bytes: whether each fits, and the
    smallest size of those that did not (for the error message)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.smallest: int | None = None

    def fits(self, data: bytes) -> bool:
        if _fits(data, self.limit):
            return True
        self.smallest = len(data) if self.smallest is None else min(self.smallest, len(data))
        return False


def _best_jpeg(image: Image.Image, tried: _Attempts) -> tuple[int, bytes] | None:
    """(quality, data) of the highest JPEG quality that fits (JPEG_MAX_QUALITY first, the usual
    case, then a binary search down to JPEG_MIN_QUALITY: size grows with quality), or None."""
    top = _jpeg(image, JPEG_MAX_QUALITY)
    if tried.fits(top):
        return JPEG_MAX_QUALITY, top
    lo, hi, found = JPEG_MIN_QUALITY, JPEG_MAX_QUALITY - 1, None
    while lo <= hi:
        q = (lo + hi) // 2
        data = _jpeg(image, q)
        if tried.fits(data):
            found, lo = (q, data), q + 1
        else:
            hi = q - 1
    return found



def build_preset_files(source: bytes, preset: ExportPreset, design: str) -> list[EncodedFile]:
    """Every file of ``preset`` from the encoded ``source`` image, in memory, all within the limit.

    Args:
        source: encoded image bytes (PNG, JPEG, ... as Pillow reads).
        preset: an ExportPreset (see ``PRESETS``).
        design: the design's name, slugged into the file names.

    Returns:
        one EncodedFile per size, in ``preset.sizes`` order, each exactly its size.

    Raises:
        PresetExportError: the source cannot be decoded, or some size fits no encoding.
    """
    images = preset_images(source, preset)
    return [encode_within_limit(im, preset, file_stem(design, preset, *im.size)) for im in images]


def write_files(files: list[EncodedFile], out_dir: str | Path) -> list[Path]:
    """Write ``files`` into ``out_dir`` (created if missing), each atomically with normal permissions.

    All or nothing: if one write fails, the files this call already wrote are removed (files
    that were there before and were replaced cannot come back; atomic replace keeps each
    one whole).

    Raises:
        PresetExportError: the folder cannot be made or a file cannot be written (one line).
    """
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PresetExportError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    written: list[Path] = []
    created: list[Path] = []
    for f in files:
        path = folder / f.filename
        existed = path.exists()
        try:
            atomic_write_bytes(path, f.data)
        except OSError as exc:
            for p in created:
                p.unlink(missing_ok=True)
            raise PresetExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written.append(path)
        if not existed:
            created.append(path)
    return written
