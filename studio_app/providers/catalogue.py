"""The one provider catalogue: every image and chat provider, its key, address and models.

Per provider a ProviderSpec (name, label, key name and environment variable, default base
URL, default model); per image model an ImageModelSpec (output sizes or ``imageSize``
values, aspect ratios, input image count and bytes, transparent output, custom
``WIDTHxHEIGHT``). The model ids here are only a starting point: the services' own model
lists (providers/model_lists.py) say which exist today, and a model this catalogue does not
know gets the capabilities of its family (``*-pro-image*``, ``*-flash-image*``,
``*-flash-lite-image*``, ``gpt-image-2*``, ``gpt-image-1*``), else those of the provider's
current default, never those of the oldest model.

Sources:
- Gemini: ai.google.dev/gemini-api/docs/image-generation (output size table per
  ``aspectRatio`` and ``imageSize``, 1K/2K/4K uppercase; up to 14 reference images on the
  3.x image models, 3 on 2.5-flash-image; 7 MB per inline image; no transparent
  background); the google-genai SDK's model list (``gemini-3.1-flash-image``,
  ``gemini-3.1-flash-lite-image``, ``gemini-3-pro-image``).
- OpenAI: the ``openai`` package's ``types/image_model.py`` and
  ``types/image_generate_params.py`` (custom ``WIDTHxHEIGHT`` sizes for the gpt-image-2
  family: multiples of 16, aspect ratio between 1:3 and 3:1, at most 3840x2160;
  ``background=transparent`` with png/webp; ``gpt-image-1`` shut down 2026-10-23) and
  ``types/image_edit_params.py`` (up to 16 input images, < 50 MB each);
  ``types/shared/chat_model.py`` for the chat defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from studio_app.domain.lookup import named_entry

ASPECT_RATIOS: tuple[str, ...] = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
"""The ten ``imageConfig.aspectRatio`` values Gemini image models accept."""
IMAGE_SIZES: tuple[str, ...] = ("1K", "2K", "4K")
"""``imageConfig.imageSize`` values, smallest first (uppercase K; "1k" is rejected)."""

_FLASH_25 = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184), "4:3": (1184, 864),
    "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344), "16:9": (1344, 768), "21:9": (1536, 672),
}
_G3_1K = {
    "1:1": (1024, 1024), "2:3": (848, 1264), "3:2": (1264, 848), "3:4": (896, 1200), "4:3": (1200, 896),
    "4:5": (928, 1152), "5:4": (1152, 928), "9:16": (768, 1376), "16:9": (1376, 768), "21:9": (1584, 672),
}
_G3_SIZES: dict[str | None, dict[str, tuple[int, int]]] = {
             "1K": _G3_1K,
             "2K": {r: (w * 2, h * 2) for r, (w, h) in _G3_1K.items()},
             "4K": {r: (w * 4, h * 4) for r, (w, h) in _G3_1K.items()}}

OPENAI_STANDARD_SIZES: tuple[tuple[int, int], ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
"""The sizes every GPT image model makes (besides ``auto``), px."""


@dataclass(frozen=True)
class CustomSizeRule:
    """Limits of a custom ``WIDTHxHEIGHT`` size (OpenAI gpt-image-2 family).

    Attributes:
        multiple: width and height must be divisible by it (16).
        max_ratio: long side / short side at most this (3.0, i.e. 3:1 or 1:3).
        max_long_px: longest side, px (3840).
        max_pixels: width x height at most (3840 x 2160).
        min_pixels: we ask for at least this many pixels (about the 1024x1024 standard
            size), so a small target such as a 112 px emote is drawn with detail and
            scaled down; the API's own minimum is lower.
    """

    multiple: int = 16
    max_ratio: float = 3.0
    max_long_px: int = 3840
    max_pixels: int = 3840 * 2160
    min_pixels: int = 1024 * 1024

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """The allowed size closest to the target ``width`` x ``height`` px at its own ratio.

        The ratio is clamped to ``max_ratio``; the size is at least the target (rounded up
        to ``multiple``) and at least ``min_pixels``, and at most ``max_long_px`` /
        ``max_pixels`` (then scaled down, keeping the ratio).
        """
        ratio = min(max(width / height, 1 / self.max_ratio), self.max_ratio)
        w, h = float(width), float(width) / ratio
        if h < height:
            h = float(height)
            w = h * ratio
        if w * h < self.min_pixels:
            scale = math.sqrt(self.min_pixels / (w * h))
            w, h = w * scale, h * scale
        shrink = min(1.0, self.max_long_px / max(w, h), math.sqrt(self.max_pixels / (w * h)))
        w, h = w * shrink, h * shrink
        m = self.multiple
        rw, rh = max(m, round(w / m) * m), max(m, round(h / m) * m)
        # Rounding both sides to the multiple can push a 3:1 size just past 3:1 (1216x3680):
        # grow the short side, then the limits below shrink the long side.
        while max(rw, rh) > self.max_ratio * min(rw, rh):
            rw, rh = (rw + m, rh) if rw < rh else (rw, rh + m)
        while rw * rh > self.max_pixels or max(rw, rh) > self.max_long_px:
            rw, rh = (rw - m, rh) if rw >= rh else (rw, rh - m)
        return rw, rh


@dataclass(frozen=True)
class ImageModelSpec:
    """What one image model accepts and returns.

    Attributes:
        id: the model id sent to the service.
        family: which family the capabilities come from (``gemini-flash-2.5``,
            ``gemini-3-image``, ``gemini-3-lite-image``, ``gpt-image-2``, ``gpt-image-1``,
            ``offline``).
        max_input_images: images per request (canvas snapshot and references together).
        max_input_bytes: bytes per input image.
        output_sizes: Gemini: imageSize (None when the model has no such option) ->
            aspect ratio -> (width, height) px returned.
        fixed_sizes: OpenAI standard sizes (w, h) px the model makes.
        custom_size: the rule for custom ``WIDTHxHEIGHT`` sizes, or None.
        transparent_output: the service can return a transparent background itself.
        known: True when the catalogue lists the model; False when inferred from its family.
    """

    id: str
    family: str
    max_input_images: int
    max_input_bytes: int
    output_sizes: Mapping[str | None, Mapping[str, tuple[int, int]]] = field(default_factory=dict)
    fixed_sizes: tuple[tuple[int, int], ...] = ()
    custom_size: CustomSizeRule | None = None
    transparent_output: bool = False
    known: bool = True

    @property
    def image_sizes(self) -> tuple[str, ...]:
        """The ``imageSize`` values the model takes, smallest first (empty: none)."""
        return tuple(s for s in IMAGE_SIZES if s in self.output_sizes)

    @property
    def supports_image_size(self) -> bool:
        """True when ``imageConfig.imageSize`` may be sent."""
        return bool(self.image_sizes)

    @property
    def aspect_ratios(self) -> tuple[str, ...]:
        """Aspect ratios the model takes (Gemini), or () for size-based models."""
        table = next(iter(self.output_sizes.values()), {})
        return tuple(r for r in ASPECT_RATIOS if r in table)

    def described(self) -> str:
        """One line for Settings: what the model can do."""
        bits = []
        if self.image_sizes:
            bits.append("sizes " + "/".join(self.image_sizes))
        elif self.custom_size is not None:
            bits.append("any size up to 3840 px")
        elif self.output_sizes:
            bits.append("about 1K")
        if self.transparent_output:
            bits.append("transparent background")
        bits.append(f"up to {self.max_input_images} input images")
        return ", ".join(bits)


def _with_id(spec: ImageModelSpec, model_id: str, *, known: bool) -> ImageModelSpec:
    return ImageModelSpec(model_id, spec.family, spec.max_input_images, spec.max_input_bytes, spec.output_sizes,
                          spec.fixed_sizes, spec.custom_size, spec.transparent_output, known)


GEMINI_MAX_INPUT_BYTES = 7 * 1000 * 1000
"""Per-image inline limit of Gemini image models, bytes: 7 MB as the Gemini API's and Vertex AI's
image-understanding docs give it, in decimal MB to stay on the safe side."""
_OPENAI_BYTES = 25 * 1000 * 1000  # the API takes < 50 MB; smaller uploads are faster
GEMINI_FAMILIES: dict[str, ImageModelSpec] = {
    "gemini-3-image": ImageModelSpec("", "gemini-3-image", 14, GEMINI_MAX_INPUT_BYTES, _G3_SIZES),
    "gemini-3-lite-image": ImageModelSpec("", "gemini-3-lite-image", 14, GEMINI_MAX_INPUT_BYTES, {None: _G3_1K}),
    "gemini-flash-2.5": ImageModelSpec("", "gemini-flash-2.5", 3, GEMINI_MAX_INPUT_BYTES, {None: _FLASH_25}),
}
OPENAI_FAMILIES: dict[str, ImageModelSpec] = {
    "gpt-image-2": ImageModelSpec("", "gpt-image-2", 16, _OPENAI_BYTES, fixed_sizes=OPENAI_STANDARD_SIZES,
                                  custom_size=CustomSizeRule(), transparent_output=True),
    "gpt-image-1": ImageModelSpec("", "gpt-image-1", 16, _OPENAI_BYTES, fixed_sizes=OPENAI_STANDARD_SIZES,
                                  transparent_output=True),
}
OFFLINE_SPEC = ImageModelSpec("offline-preview", "offline", 1, 1 << 30, transparent_output=True)


@dataclass(frozen=True)
class ProviderSpec:
    """One provider.

    Attributes:
        name: id used in settings and ``--provider`` (``gemini``, ``openai``, ``offline``,
            ``ollama``, ...).
        label: how the GUI names it.
        key_name: the SecretStore entry holding its key, or None (no key needed).
        env_var: the environment variable that overrides the key, or None.
        base_url: where the service is reached by default.
        default_model: the model used when none is chosen ('' = the user must name one).
        models: known model ids, the default first (the live list says which exist).
        kind: ``image`` or ``chat``.
        short_label: the provider's name in short GUI text and messages ("Gemini", "OpenAI";
            the label when not given).
    """

    name: str
    label: str
    key_name: str | None
    env_var: str | None
    base_url: str
    default_model: str
    models: tuple[str, ...] = ()
    kind: str = "image"
    short_label: str = ""

    def __post_init__(self) -> None:
        if not self.short_label:
            object.__setattr__(self, "short_label", self.label)


GEMINI_DEFAULT_IMAGE_MODEL = "gemini-3.1-flash-image"
GEMINI_PRO_IMAGE_MODEL = "gemini-3-pro-image"
OPENAI_DEFAULT_IMAGE_MODEL = "gpt-image-2.5-sunburst"

IMAGE_PROVIDERS: dict[str, ProviderSpec] = {
    "gemini": ProviderSpec("gemini", "Gemini (Nano Banana)", "gemini", "GEMINI_API_KEY",
                           "https://generativelanguage.googleapis.com", GEMINI_DEFAULT_IMAGE_MODEL,
                           (GEMINI_DEFAULT_IMAGE_MODEL, GEMINI_PRO_IMAGE_MODEL, "gemini-3.1-flash-lite-image"),
                           short_label="Gemini"),
    "openai": ProviderSpec("openai", "OpenAI (GPT Image)", "openai", "OPENAI_API_KEY", "https://api.openai.com",
                           OPENAI_DEFAULT_IMAGE_MODEL,
                           (OPENAI_DEFAULT_IMAGE_MODEL, "gpt-image-2.5-flare", "gpt-image-2", "gpt-image-1.5",
                            "gpt-image-1-mini"), short_label="OpenAI"),
    "offline": ProviderSpec("offline", "Offline preview (no AI)", None, None, "", "offline-preview",
                            ("offline-preview",), short_label="Offline preview"),
}
"""Image providers by name; ``models`` are the known ids, the default first."""

CHAT_PROVIDERS: dict[str, ProviderSpec] = {
    "gemini": ProviderSpec("gemini", "Gemini", "gemini", "GEMINI_API_KEY",
                           "https://generativelanguage.googleapis.com", "gemini-3.5-flash-lite", kind="chat"),
    "openai": ProviderSpec("openai", "OpenAI", "openai", "OPENAI_API_KEY", "https://api.openai.com/v1",
                           "gpt-5.4-mini", kind="chat"),
    "ollama": ProviderSpec("ollama", "Ollama", None, None, "http://localhost:11434/v1", "llama3.2", kind="chat"),
    "lmstudio": ProviderSpec("lmstudio", "LM Studio", None, None, "http://localhost:1234/v1", "", kind="chat"),
    "custom": ProviderSpec("custom", "Other OpenAI-compatible server", None, None, "", "", kind="chat",
                           short_label="Chat server"),
}
"""Chat providers (the coach) by kind."""


def provider_spec(name: str) -> ProviderSpec:
    """The image provider ``name``.

    Raises:
        ValueError: unknown name (one line listing the valid names).
    """
    return named_entry(IMAGE_PROVIDERS, name,
                       lambda known: ValueError(f"Unknown image provider {name!r}; choose one of: {known}."))


def secret_for(name: str) -> str | None:
    """The SecretStore entry holding provider ``name``'s key (None: no key needed or unknown)."""
    spec = IMAGE_PROVIDERS.get(name) or CHAT_PROVIDERS.get(name)
    return spec.key_name if spec else None


_GEMINI_VERSION = re.compile(r"gemini-(\d+)(?:\.(\d+))?")


def gemini_family(model_id: str) -> str:
    """The capability family of a Gemini image model id.

    ``*-flash-lite-image*`` -> 3.x lite (1K only); ``*-pro-image*`` and ``nano-banana-pro*``
    -> 3.x image (1K/2K/4K, 14 inputs); ``*-flash-image*`` -> 2.5-flash for a 2.x version,
    else 3.x image; anything else -> the current default's family (3.x image).
    """
    mid = model_id.lower().removeprefix("models/")
    version = _GEMINI_VERSION.search(mid)
    major = int(version.group(1)) if version else None
    if "flash-lite-image" in mid:
        return "gemini-3-lite-image"
    if "flash-image" in mid and major is not None and major < 3:
        return "gemini-flash-2.5"
    return "gemini-3-image"


def openai_family(model_id: str) -> str:
    """The capability family of an OpenAI image model id: ``gpt-image-1*`` (1, 1-mini, 1.5)
    and ``chatgpt-image*`` get the standard sizes; ``gpt-image-2*`` and anything newer or
    unknown get custom sizes (the current default's family)."""
    mid = model_id.lower()
    if mid.startswith("gpt-image-1") or mid.startswith("chatgpt-image"):
        return "gpt-image-1"
    return "gpt-image-2"


_KNOWN_FAMILY: dict[str, str] = {
    "gemini-3.1-flash-image": "gemini-3-image",
    "gemini-3-pro-image": "gemini-3-image",
    "gemini-3.1-flash-lite-image": "gemini-3-lite-image",
    "gemini-2.5-flash-image": "gemini-flash-2.5",
    "gpt-image-2": "gpt-image-2", "gpt-image-2.5-sunburst": "gpt-image-2", "gpt-image-2.5-flare": "gpt-image-2",
    "gpt-image-1.5": "gpt-image-1", "gpt-image-1-mini": "gpt-image-1", "gpt-image-1": "gpt-image-1",
    "chatgpt-image-latest": "gpt-image-1",
}
"""Model ids whose family the catalogue states (the rest are inferred from their names)."""


def image_model(provider: str, model_id: str | None) -> ImageModelSpec:
    """The capabilities of ``model_id`` (None: the provider's default) on image provider ``provider``.

    Known ids come from the catalogue; others from their family (gemini_family /
    openai_family), with ``known=False``.

    Raises:
        ValueError: unknown provider.
    """
    spec = provider_spec(provider)
    mid = (model_id or spec.default_model).strip()
    if provider == "offline":
        return OFFLINE_SPEC
    families = GEMINI_FAMILIES if provider == "gemini" else OPENAI_FAMILIES
    family = _KNOWN_FAMILY.get(mid)
    known = family is not None
    if family is None:
        family = gemini_family(mid) if provider == "gemini" else openai_family(mid)
    return _with_id(families[family], mid, known=known)


def is_image_model_id(provider: str, model_id: str) -> bool:
    """True when ``model_id`` names an image model of ``provider``, by the services' naming:
    Gemini ids containing ``image`` or ``nano-banana``; OpenAI ``gpt-image*`` and
    ``chatgpt-image*``."""
    mid = model_id.lower().removeprefix("models/")
    if provider == "gemini":
        return "image" in mid or "nano-banana" in mid
    if provider == "openai":
        return mid.startswith("gpt-image") or mid.startswith("chatgpt-image")
    return False


def _rank_key(model_id: str) -> tuple[bool, bool, list[int]]:
    nums = [int(n) for n in re.findall(r"\d+", model_id)[:3]]
    dated = bool(re.search(r"\d{4}-\d{2}-\d{2}|-\d{3}$", model_id))
    preview = "preview" in model_id or "exp" in model_id
    return (not dated, not preview, nums)


def choose_default(provider: str, available: list[str] | tuple[str, ...] | None) -> str:
    """The model to use when the streamer chose none.

    The catalogue's default when the live list offers it (or there is no list yet); else
    the newest live model of the default's family (e.g. a newer ``*-flash-image``); else
    the newest live image model. Never an explicitly chosen model: that one is never
    replaced silently (see ModelNotFoundError).
    """
    spec = provider_spec(provider)
    if not available or spec.default_model in available:
        return spec.default_model
    want = image_model(provider, spec.default_model).family
    same = [m for m in available if image_model(provider, m).family == want
            and ("lite" in m) == ("lite" in spec.default_model) and ("pro" in m) == ("pro" in spec.default_model)]
    pool = same or list(available)
    return max(pool, key=_rank_key)


def replacements(provider: str, missing: str, available: list[str] | tuple[str, ...]) -> list[str]:
    """Live models to suggest for a ``missing`` one: the same family first, newest first."""
    if not available:
        return []
    family = image_model(provider, missing).family if provider in IMAGE_PROVIDERS else ""
    ordered = sorted(available, key=_rank_key, reverse=True)
    if family:
        ordered.sort(key=lambda m: image_model(provider, m).family != family)
    return [m for m in ordered if m != missing]


def closest_aspect_ratio(width: int, height: int, ratios: tuple[str, ...] = ASPECT_RATIOS) -> str:
    """The ratio in ``ratios`` nearest to ``width``/``height`` (px), compared in log space
    (so 2:1 and 1:2 are equally far from 1:1)."""
    target = math.log(width / height)

    def distance(r: str) -> float:
        w, h = r.split(":")
        return abs(math.log(int(w) / int(h)) - target)

    return min(ratios, key=distance)
