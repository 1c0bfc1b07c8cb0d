"""GeminiImageProvider: image generation with Gemini image models ("Nano Banana") over httpx.

Wire format: ai.google.dev/gemini-api/docs/image-generation and the google-genai SDK.
``POST {base}/v1beta/models/{model}:generateContent`` with the built prompt, then each
input image (canvas snapshot, logos, references, an image to refine) as an ``inlineData``
part after a line naming it by its role; ``generationConfig.imageConfig.aspectRatio`` is
the supported ratio closest to the target and, on models that take it (providers/catalogue),
``imageSize`` is the smallest of 1K/2K/4K that covers the target (so a 2560x1440 banner
asks for 2K). The image comes back as received; fitting to the exact target size
happens after the provider (render.fit). Gemini has no transparent-background option.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import httpx

from .base import CancelToken, ImageRequest, ImageResult, InputImage, ProgressCallback
from .catalogue import (
    ASPECT_RATIOS,
    GEMINI_MAX_INPUT_BYTES,
    GEMINI_PRO_IMAGE_MODEL,
    IMAGE_PROVIDERS,
    ImageModelSpec,
    closest_aspect_ratio,
    image_model,
)
from .cloud_image import CloudImageProvider
from .errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationError,
    one_line,
    redact,
)
from .gemini_wire import (
    POLICY_FINISH_REASONS,
    SERVICE,
    auth_headers,
    error_from_payload,
    error_from_response,
    model_path,
    prompt_block,
    resolve_base_url,
)
from .images import check_output_image, describe_inputs, fit_input_image, select_inputs
from .model_lists import fetch_gemini_models, gemini_image_models
from .retry import RetryPolicy
from .transport import json_object, send_request

log = logging.getLogger(__name__)

MAX_INPUT_IMAGE_BYTES = GEMINI_MAX_INPUT_BYTES
"""Per-image inline limit, bytes (the catalogue's GEMINI_MAX_INPUT_BYTES)."""
INPUT_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
DEFAULT_READ_TIMEOUT_S = 180.0
"""Longest wait for an answer, in s (3-pro at 4K can take well over a minute)."""
DEFAULT_MODEL = IMAGE_PROVIDERS["gemini"].default_model
PRO_MODEL = GEMINI_PRO_IMAGE_MODEL


def model_info(model: str) -> ImageModelSpec:
    """The capabilities of ``model`` from the provider catalogue (its family when unknown)."""
    return image_model("gemini", model)


def choose_image_size(model: ImageModelSpec, ratio: str, width: int, height: int) -> str | None:
    """The smallest imageSize whose output at ``ratio`` covers ``width`` x ``height`` px.

    None for models without imageSize; the largest when even that does not cover the target.
    """
    if not model.supports_image_size:
        return None
    sizes = model.image_sizes
    for size in sizes:
        w, h = model.output_sizes[size][ratio]
        if w >= width and h >= height:
            return size
    return sizes[-1]


@dataclass(frozen=True)
class GeminiImagePlan:
    """What will be asked for one ImageRequest.

    Attributes:
        model: the model id.
        aspect_ratio: one of catalogue.ASPECT_RATIOS.
        image_size: "1K"/"2K"/"4K" or None.
        inputs: the images sent, in order, already fitted to the limits.
        expected_size: (width, height) px the model returns (the Gemini API image-generation docs' size table), if known.
    """

    model: str
    aspect_ratio: str
    image_size: str | None
    inputs: tuple[InputImage, ...]
    expected_size: tuple[int, int] | None


class GeminiImageProvider(CloudImageProvider):
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

    def __init__(self, api_key: str | None, *, model: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(api_key, model=model or DEFAULT_MODEL, base_url=resolve_base_url(base_url),
                         retry=retry, read_timeout_s=read_timeout_s, transport=transport)

    def plan(self, request: ImageRequest) -> GeminiImagePlan:
        """Choose model, aspect ratio, imageSize and the fitted input images for ``request``.

        Raises:
            GenerationError: an input image cannot be decoded.
        """
        model = model_info(request.model or self.model)
        ratio = closest_aspect_ratio(request.width, request.height, model.aspect_ratios or ASPECT_RATIOS)
        size = choose_image_size(model, ratio, request.width, request.height)
        chosen = select_inputs(request.input_images, max_images=model.max_input_images,
                               max_references=model.max_input_images)
        inputs = tuple(fit_input_image(i, max_bytes=min(MAX_INPUT_IMAGE_BYTES, model.max_input_bytes),
                                       mime_types=INPUT_MIME_TYPES) for i in chosen)
        table = model.output_sizes.get(size) if size else model.output_sizes.get(None)
        return GeminiImagePlan(model.id, ratio, size, inputs, table.get(ratio) if table else None)

    @staticmethod
    def build_body(prompt: str, plan: GeminiImagePlan) -> dict[str, Any]:
        """The generateContent JSON body (camelCase, as the SDK sends it): the prompt, then each
        image after a line naming it by its role (catalogue-independent, images.describe_inputs)."""
        parts: list[dict[str, Any]] = [{"text": prompt}]
        for line, image in zip(describe_inputs(plan.inputs), plan.inputs, strict=True):
            parts.append({"text": line})
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
            RateLimitError: 429; retried with RetryInfo.retryDelay unless a per-day quota or a
                quota of 0 (the key has no access to the model).
            ModelNotFoundError: the model is retired or not offered to this key; names the
                image models the live list offers instead (never retried, never replaced).
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
        log.info("Gemini image: model=%s aspectRatio=%s imageSize=%s requested=%s inputs=%d", plan.model,
                 plan.aspect_ratio, plan.image_size, plan.expected_size, len(plan.inputs))
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

        result = self._run_attempts(attempt, cancel)
        if progress:
            progress(90)
        return replace(result, requested_size=plan.expected_size)

    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """The image model ids this key may use today (``GET /v1beta/models``, every page,
        keeping generateContent models whose name marks image output).

        Raises:
            AuthenticationError, GenerationError: as for generate().
        """
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set.")
        entries = fetch_gemini_models(
            self._client, auth_headers(self._api_key), cancel=cancel,
            map_error=lambda r: error_from_response(r.status_code, r.headers, r.text, api_key=self._api_key))
        return gemini_image_models(entries)


def _part_image(part: Mapping[str, Any]) -> Mapping[str, Any] | None:
    blob = part.get("inlineData") or part.get("inline_data")
    return blob if isinstance(blob, dict) else None


def parse_image_response(content: bytes, model: str, *, api_key: str | None = None) -> ImageResult:
    """The ImageResult in a generateContent answer (HTTP 200).

    Reads every candidate; takes the last image part that is not a ``thought`` (3-pro sends
    up to two interim thought images first) of the first candidate that has one. Readable
    errors for every way an answer can lack an image.

    Raises:
        ContentPolicyError: ``promptFeedback.blockReason``, or no image with a safety
            finishReason (IMAGE_SAFETY, SAFETY, PROHIBITED_CONTENT, ...).
        GenerationError: not JSON, an error object, text only (the model's text quoted),
            bad base64, or a payload that is not an image.
    """
    body = _answer_body(content, model, api_key)
    finishes, texts, images = _scan_candidates(_candidates(body))
    text = redact(one_line(" ".join(texts), 400), api_key) if texts else ""
    quoted = f' It said: "{text}"' if text else ""
    if not images:
        _raise_without_image(finishes, quoted)
    data = _image_bytes(images[-1], quoted)
    real_mime, size = check_output_image(data, SERVICE)
    log.info("Gemini image: got %dx%d %s from %s", size[0], size[1], real_mime, model)
    return ImageResult(data=data, mime_type=real_mime, model=str(body.get("modelVersion") or model),
                       text=text or None, received_size=size)


def _answer_body(content: bytes, model: str, api_key: str | None) -> dict[str, Any]:
    """The answer's JSON object (a ``[{...}]`` wrapper removed); raises for non-JSON, another
    shape, or an ``error`` object."""
    body = json_object(content, unreadable=f"{SERVICE} sent an answer that is not valid JSON; try again.",
                       wrong_shape=f"{SERVICE} sent an answer of an unexpected shape; try again.")
    if isinstance(body.get("error"), dict):
        raise error_from_payload(body["error"], None, api_key=api_key, model=model)
    return body


def _candidates(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answer's candidate objects; raises a prompt block without candidates, or none at all."""
    candidates = body.get("candidates") or []
    blocked = prompt_block(body)
    if blocked is not None and not candidates:
        raise blocked
    cands = [c for c in candidates if isinstance(c, dict)] if isinstance(candidates, list) else []
    if not cands:
        raise GenerationError(f"{SERVICE} sent no result for this request; try again.")
    return cands


def _scan_candidates(
    cands: list[dict[str, Any]],
) -> tuple[list[str], list[str], list[Mapping[str, Any]]]:
    """(finish reasons, visible texts, image blobs of the first candidate that has any) over
    every candidate: the image may be in any of them; ``thought`` parts are skipped."""
    finishes: list[str] = []
    texts: list[str] = []
    images: list[Mapping[str, Any]] = []
    for cand in cands:
        finish = str(cand.get("finishReason") or cand.get("finish_reason") or "")
        if finish:
            finishes.append(finish)
        content = cand.get("content")
        if not isinstance(content, dict):
            content = {}
        parts = [p for p in (content.get("parts") or []) if isinstance(p, dict)]
        visible = [p for p in parts if not p.get("thought")]
        texts += [str(p["text"]) for p in visible if isinstance(p.get("text"), str) and p["text"].strip()]
        found = [b for b in (_part_image(p) for p in visible) if b is not None]
        if found and not images:
            images = found
    return finishes, texts, images


def _raise_without_image(finishes: list[str], quoted: str) -> NoReturn:
    """Raise the readable error for an answer without an image: a safety finish reason, another
    finish reason, or text only (``quoted`` is the model's own text, or empty)."""
    policy = next((f for f in finishes if f in POLICY_FINISH_REASONS), None)
    if policy:
        raise ContentPolicyError(f"{SERVICE}'s safety filter stopped the image ({policy}).{quoted} "
                                 "Try rewording the prompt or changing the reference images.")
    other = next((f for f in finishes if f != "STOP"), None)
    if other:
        raise GenerationError(f"{SERVICE} finished without an image ({other}).{quoted}")
    raise GenerationError(f"{SERVICE} answered with text but no image.{quoted}")


def _image_bytes(blob: Mapping[str, Any], quoted: str) -> bytes:
    """The decoded bytes of an ``inlineData`` blob; raises for bad base64, no data, or a MIME
    type that is not an image."""
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
    return data


def _b64decode(value: str) -> bytes:
    """Standard or URL-safe base64 (the API accepts and may send either), strictly checked."""
    value = value.strip()
    if "-" in value or "_" in value:
        value = value.replace("-", "+").replace("_", "/")
    return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
