"""GeminiImageProvider: image generation with Gemini image models ("Nano Banana") over httpx.

Wire format: specs/image-and-chat-apis.md section 1 (Google docs G-img, google-genai SDK).
``POST {base}/v1beta/models/{model}:generateContent`` with the built prompt, the canvas
snapshot and up to two reference images as ``inlineData`` parts, and
``generationConfig.imageConfig.aspectRatio`` set to the supported ratio closest to the
target (``imageSize`` 1K/2K/4K too on gemini-3-pro-image-preview). The image comes back
as received; fitting to the exact target size happens after the provider (render.fit).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .base import CancelToken, ImageProvider, ImageRequest, ImageResult, InputImage, ProgressCallback
from .errors import AuthenticationError, ContentPolicyError, GenerationError, one_line, redact
from .gemini_wire import (
    POLICY_FINISH_REASONS,
    SERVICE,
    auth_headers,
    error_from_payload,
    error_from_response,
    model_check,
    model_path,
    prompt_block,
    resolve_base_url,
)
from .images import check_output_image, fit_input_image, select_inputs
from .retry import RetryPolicy
from .transport import make_client, send_request

log = logging.getLogger(__name__)

ASPECT_RATIOS: tuple[str, ...] = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
"""The ten ``imageConfig.aspectRatio`` values Gemini image models accept (G-img)."""
IMAGE_SIZES: tuple[str, ...] = ("1K", "2K", "4K")
"""``imageConfig.imageSize`` values, smallest first (3-pro only; uppercase K)."""
MAX_INPUT_IMAGE_BYTES = 7 * 1000 * 1000
"""Per-image inline limit, 7 MB (G-img, Vtx-25); decimal MB to stay on the safe side."""
INPUT_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
DEFAULT_READ_TIMEOUT_S = 180.0
"""Longest wait for an answer, in s (3-pro at 4K can take well over a minute)."""


def _ratio_value(ratio: str) -> float:
    w, h = ratio.split(":")
    return int(w) / int(h)


def closest_aspect_ratio(width: int, height: int) -> str:
    """The supported ratio nearest to ``width``/``height`` (px), compared in log space.

    Log space makes 2:1 and 1:2 equally far from 1:1, so wide and tall targets are
    treated alike.
    """
    target = math.log(width / height)
    return min(ASPECT_RATIOS, key=lambda r: abs(math.log(_ratio_value(r)) - target))


@dataclass(frozen=True)
class GeminiImageModel:
    """What one Gemini image model accepts and returns.

    Attributes:
        id: model id in the URL.
        max_input_images: image parts per request (3 for 2.5-flash, 14 for 3-pro).
        output_sizes: imageSize (``None`` when the model has no such option) ->
            aspect ratio -> (width, height) px of the returned image (G-img table).
    """

    id: str
    max_input_images: int
    output_sizes: Mapping[str | None, Mapping[str, tuple[int, int]]] = field(default_factory=dict)

    @property
    def supports_image_size(self) -> bool:
        """True when ``imageConfig.imageSize`` may be sent."""
        return None not in self.output_sizes and bool(self.output_sizes)


_FLASH_SIZES = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184), "4:3": (1184, 864),
    "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344), "16:9": (1344, 768), "21:9": (1536, 672),
}
_PRO_1K = {
    "1:1": (1024, 1024), "2:3": (848, 1264), "3:2": (1264, 848), "3:4": (896, 1200), "4:3": (1200, 896),
    "4:5": (928, 1152), "5:4": (1152, 928), "9:16": (768, 1376), "16:9": (1376, 768), "21:9": (1584, 672),
}
_PRO_2K = {r: (w * 2, h * 2) for r, (w, h) in _PRO_1K.items()}
_PRO_4K = {r: (w * 4, h * 4) for r, (w, h) in _PRO_1K.items()}

FLASH_MODEL = "gemini-2.5-flash-image"
PRO_MODEL = "gemini-3-pro-image-preview"
DEFAULT_MODEL = FLASH_MODEL

GEMINI_IMAGE_MODELS: dict[str, GeminiImageModel] = {
    FLASH_MODEL: GeminiImageModel(FLASH_MODEL, 3, {None: _FLASH_SIZES}),
    PRO_MODEL: GeminiImageModel(PRO_MODEL, 14, {"1K": _PRO_1K, "2K": _PRO_2K, "4K": _PRO_4K}),
}
"""Known models (specs/image-and-chat-apis.md). Other ids are sent as given, treated like
2.5-flash (3 input images, no imageSize)."""


def model_info(model: str) -> GeminiImageModel:
    """The known limits of ``model``; an unknown id gets 2.5-flash's conservative ones."""
    return GEMINI_IMAGE_MODELS.get(model) or GeminiImageModel(model, 3, {None: _FLASH_SIZES})


def choose_image_size(model: GeminiImageModel, ratio: str, width: int, height: int) -> str | None:
    """The smallest imageSize whose output at ``ratio`` covers ``width`` x ``height`` px.

    None for models without imageSize; "4K" when even 4K does not cover the target.
    """
    if not model.supports_image_size:
        return None
    for size in IMAGE_SIZES:
        w, h = model.output_sizes[size][ratio]
        if w >= width and h >= height:
            return size
    return IMAGE_SIZES[-1]


@dataclass(frozen=True)
class GeminiImagePlan:
    """What will be asked for one ImageRequest.

    Attributes:
        model: the model id.
        aspect_ratio: one of ASPECT_RATIOS.
        image_size: "1K"/"2K"/"4K" or None.
        inputs: the images sent, in order, already fitted to the limits.
        expected_size: (width, height) px the model returns per G-img, if known.
    """

    model: str
    aspect_ratio: str
    image_size: str | None
    inputs: tuple[InputImage, ...]
    expected_size: tuple[int, int] | None


_INPUT_LABELS = {
    "canvas_snapshot": "Canvas snapshot: the streamer's layout sketch. Follow its composition.",
    "reference": "Reference image from the streamer's media library:",
}


class GeminiImageProvider(ImageProvider):
    """Gemini image generation (name ``gemini``).

    Args:
        api_key: the Gemini API key (from the SecretStore); may be empty, then
            generate() raises AuthenticationError.
        model: FLASH_MODEL (default) or PRO_MODEL, or another id sent as given.
        base_url: overrides ``$STUDIO_GEMINI_BASE_URL`` and the public endpoint.
        retry: the retry policy (default RetryPolicy()).
        read_timeout_s: longest wait for an answer, in s.
        transport: an httpx transport (tests).
    """

    name = "gemini"
    label = "Gemini (Nano Banana)"
    is_preview = False

    def __init__(self, api_key: str | None, *, model: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._api_key = api_key or ""
        self.model = model or DEFAULT_MODEL
        self.base_url = resolve_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self._client = make_client(self.base_url, read_timeout_s=read_timeout_s, transport=transport)

    def __repr__(self) -> str:  # never shows the key
        return f"GeminiImageProvider(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def plan(self, request: ImageRequest) -> GeminiImagePlan:
        """Choose model, aspect ratio, imageSize and the fitted input images for ``request``.

        Raises:
            GenerationError: an input image cannot be decoded.
        """
        model = model_info(request.model or self.model)
        ratio = closest_aspect_ratio(request.width, request.height)
        size = choose_image_size(model, ratio, request.width, request.height)
        chosen = select_inputs(request.input_images, max_images=model.max_input_images)
        inputs = tuple(fit_input_image(i, max_bytes=MAX_INPUT_IMAGE_BYTES, mime_types=INPUT_MIME_TYPES)
                       for i in chosen)
        table = model.output_sizes.get(size) if size else model.output_sizes.get(None)
        return GeminiImagePlan(model.id, ratio, size, inputs, table.get(ratio) if table else None)

    @staticmethod
    def build_body(prompt: str, plan: GeminiImagePlan) -> dict[str, Any]:
        """The generateContent JSON body (camelCase, as the SDK sends it)."""
        parts: list[dict[str, Any]] = [{"text": prompt}]
        for image in plan.inputs:
            parts.append({"text": _INPUT_LABELS.get(image.role, "Input image:")})
            parts.append({"inlineData": {"mimeType": image.mime_type,
                                         "data": base64.b64encode(image.data).decode("ascii")}})
        image_config: dict[str, Any] = {"aspectRatio": plan.aspect_ratio}
        if plan.image_size:
            image_config["imageSize"] = plan.image_size
        return {"contents": [{"role": "user", "parts": parts}],
                "generationConfig": {"responseModalities": ["TEXT", "IMAGE"], "imageConfig": image_config}}

    def generate(self, request: ImageRequest, *, cancel: CancelToken | None = None,
                 progress: ProgressCallback | None = None) -> ImageResult:
        """Make one image (see ImageProvider.generate).

        Raises:
            AuthenticationError: no key, bad key, or no access (never retried).
            RateLimitError: 429; retried with RetryInfo.retryDelay unless a per-day quota.
            ContentPolicyError: the safety filter blocked the prompt or the image.
            GenerationTimeoutError: no answer in time after the retries.
            GenerationCancelledError: ``cancel`` was set (returns within ~20 ms).
            GenerationError: anything else, with the model's words where it sent some.
        """
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set. Add one in Settings (or set GEMINI_API_KEY).")
        if cancel is not None:
            cancel.raise_if_cancelled()
        plan = self.plan(request)
        body = json.dumps(self.build_body(request.prompt, plan)).encode("utf-8")
        log.info("Gemini image: model=%s aspectRatio=%s imageSize=%s inputs=%d", plan.model,
                 plan.aspect_ratio, plan.image_size, len(plan.inputs))
        if progress:
            progress(10)

        def attempt() -> ImageResult:
            req = self._client.build_request(
                "POST", model_path(plan.model, "generateContent"), content=body,
                headers={"Content-Type": "application/json", **auth_headers(self._api_key)})
            resp = send_request(self._client, req, service=SERVICE, cancel=cancel)
            if resp.status_code != 200:
                raise error_from_response(resp.status_code, resp.headers, resp.text,
                                          api_key=self._api_key, model=plan.model)
            return parse_image_response(resp.content, plan.model, api_key=self._api_key)

        result = self.retry.run(attempt, cancel=cancel)
        if progress:
            progress(90)
        return result

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """Check key and model cheaply (``GET /v1beta/models/{model}``, no generation billed).

        Returns:
            a one-line confirmation for the Settings dialog.
        Raises:
            AuthenticationError, GenerationError: as for generate().
        """
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set.")
        return model_check(self._client, self.model, self._api_key, cancel=cancel)


def _part_image(part: Mapping[str, Any]) -> Mapping[str, Any] | None:
    blob = part.get("inlineData") or part.get("inline_data")
    return blob if isinstance(blob, dict) else None


def parse_image_response(content: bytes, model: str, *, api_key: str | None = None) -> ImageResult:
    """The ImageResult in a generateContent answer (HTTP 200).

    Takes the last image part that is not a ``thought`` (3-pro sends up to two interim
    thought images first). Readable errors for every way an answer can lack an image.

    Raises:
        ContentPolicyError: ``promptFeedback.blockReason``, or no image with a safety
            finishReason (IMAGE_SAFETY, SAFETY, PROHIBITED_CONTENT, ...).
        GenerationError: not JSON, an error object, text only (the model's text quoted),
            bad base64, or a payload that is not an image.
    """
    try:
        body = json.loads(content)
    except ValueError:
        raise GenerationError(f"{SERVICE} sent an answer that is not valid JSON; try again.") from None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if not isinstance(body, dict):
        raise GenerationError(f"{SERVICE} sent an answer of an unexpected shape; try again.")
    if isinstance(body.get("error"), dict):
        raise error_from_payload(body["error"], None, api_key=api_key, model=model)
    candidates = body.get("candidates") or []
    blocked = prompt_block(body)
    if blocked is not None and not candidates:
        raise blocked
    if not candidates or not isinstance(candidates[0], dict):
        raise GenerationError(f"{SERVICE} sent no result for this request; try again.")
    cand = candidates[0]
    finish = str(cand.get("finishReason") or cand.get("finish_reason") or "")
    parts = [p for p in ((cand.get("content") or {}).get("parts") or []) if isinstance(p, dict)]
    visible = [p for p in parts if not p.get("thought")]
    text = " ".join(str(p["text"]) for p in visible if isinstance(p.get("text"), str) and p["text"].strip())
    text = redact(one_line(text, 400), api_key) if text else ""
    quoted = f' It said: "{text}"' if text else ""
    images = [b for b in (_part_image(p) for p in visible) if b is not None]
    if not images:
        if finish in POLICY_FINISH_REASONS:
            raise ContentPolicyError(f"{SERVICE}'s safety filter stopped the image ({finish}).{quoted} "
                                     "Try rewording the prompt or changing the reference images.")
        if finish and finish != "STOP":
            raise GenerationError(f"{SERVICE} finished without an image ({finish}).{quoted}")
        raise GenerationError(f"{SERVICE} answered with text but no image.{quoted}")
    blob = images[-1]
    mime = str(blob.get("mimeType") or blob.get("mime_type") or "")
    raw = blob.get("data")
    try:
        data = _b64decode(raw if isinstance(raw, str) else "")
    except (binascii.Error, ValueError):
        raise GenerationError(f"{SERVICE} sent image data that could not be decoded (bad base64); "
                              "try again.") from None
    if not data:
        raise GenerationError(f"{SERVICE} sent an empty image; try again.")
    if mime and not mime.startswith("image/"):
        raise GenerationError(f"{SERVICE} sent {mime!r} data instead of an image.{quoted}")
    real_mime, size = check_output_image(data, SERVICE)
    log.info("Gemini image: got %dx%d %s from %s", size[0], size[1], real_mime, model)
    return ImageResult(data=data, mime_type=real_mime, model=str(body.get("modelVersion") or model),
                       text=text or None)


def _b64decode(value: str) -> bytes:
    """Standard or URL-safe base64 (the API accepts and may send either), strictly checked."""
    value = value.strip()
    if "-" in value or "_" in value:
        value = value.replace("-", "+").replace("_", "/")
    return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
