"""OpenAIImageProvider: gpt-image-1 over httpx.

Wire format: specs/image-and-chat-apis.md section 3 (openai-python images params).
Without input images: ``POST /v1/images/generations`` (JSON). With a canvas snapshot or
references: ``POST /v1/images/edits`` (multipart, one ``image[]`` part per image).
Size is the closest of 1024x1024 / 1536x1024 / 1024x1536; targets that keep alpha get
``background=transparent`` with PNG output. Fitting to the exact target happens later.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
from dataclasses import dataclass
from typing import Any

import httpx

from .base import CancelToken, ImageProvider, ImageRequest, ImageResult, InputImage, ProgressCallback
from .errors import AuthenticationError, GenerationError
from .images import check_output_image, fit_input_image, select_inputs
from .openai_wire import SERVICE, auth_headers, error_from_payload, error_from_response, resolve_base_url
from .retry import RetryPolicy
from .transport import make_client, send_request

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-image-1"
SIZES: tuple[str, ...] = ("1024x1024", "1536x1024", "1024x1536")
"""Sizes gpt-image-1 makes (besides ``auto``), OAI-gen."""
MAX_INPUT_IMAGES = 16
MAX_INPUT_IMAGE_BYTES = 25 * 1000 * 1000
"""We keep uploads under 25 MB each (the API allows < 50 MB; smaller is faster)."""
INPUT_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
DEFAULT_READ_TIMEOUT_S = 180.0


def closest_size(width: int, height: int) -> str:
    """The gpt-image-1 size whose aspect ratio is nearest ``width``/``height`` (log space)."""
    target = math.log(width / height)

    def distance(size: str) -> float:
        w, h = (int(v) for v in size.split("x"))
        return abs(math.log(w / h) - target)

    return min(SIZES, key=distance)


@dataclass(frozen=True)
class OpenAIImagePlan:
    """What will be asked for one ImageRequest.

    Attributes:
        model: model id.
        size: one of SIZES.
        background: ``transparent`` for alpha targets, else ``opaque``.
        inputs: images for /edits (empty -> /generations), fitted to the limits.
    """

    model: str
    size: str
    background: str
    inputs: tuple[InputImage, ...]

    @property
    def endpoint(self) -> str:
        """``/v1/images/edits`` with input images, else ``/v1/images/generations``."""
        return "/v1/images/edits" if self.inputs else "/v1/images/generations"


class OpenAIImageProvider(ImageProvider):
    """OpenAI image generation (name ``openai``).

    Args:
        api_key: the OpenAI key (may be empty: generate() then raises AuthenticationError).
        model: default ``gpt-image-1``.
        base_url: overrides ``$STUDIO_OPENAI_BASE_URL`` and https://api.openai.com.
        retry: the retry policy (default RetryPolicy()).
        quality: ``low``/``medium``/``high``/``auto``.
        read_timeout_s: longest wait for an answer, in s.
        transport: an httpx transport (tests).
    """

    name = "openai"
    label = "OpenAI (gpt-image-1)"
    is_preview = False

    def __init__(self, api_key: str | None, *, model: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, quality: str = "auto",
                 read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._api_key = api_key or ""
        self.model = model or DEFAULT_MODEL
        self.quality = quality
        self.base_url = resolve_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self._client = make_client(self.base_url, read_timeout_s=read_timeout_s, transport=transport)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIImageProvider(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def plan(self, request: ImageRequest) -> OpenAIImagePlan:
        """Choose size, background and fitted inputs for ``request``.

        Raises:
            GenerationError: an input image cannot be decoded.
        """
        chosen = select_inputs(request.input_images, max_images=MAX_INPUT_IMAGES)
        inputs = tuple(fit_input_image(i, max_bytes=MAX_INPUT_IMAGE_BYTES, mime_types=INPUT_MIME_TYPES)
                       for i in chosen)
        return OpenAIImagePlan(request.model or self.model, closest_size(request.width, request.height),
                               "transparent" if request.wants_alpha else "opaque", inputs)

    def _fields(self, prompt: str, plan: OpenAIImagePlan) -> dict[str, Any]:
        return {"model": plan.model, "prompt": prompt, "n": 1, "size": plan.size, "quality": self.quality,
                "background": plan.background, "output_format": "png"}

    def build_request(self, prompt: str, plan: OpenAIImagePlan) -> httpx.Request:
        """The HTTP request for ``plan`` (JSON for generations, multipart for edits)."""
        fields = self._fields(prompt, plan)
        headers = auth_headers(self._api_key)
        if not plan.inputs:
            return self._client.build_request("POST", plan.endpoint, json=fields, headers=headers)
        files = [("image[]", (f"{img.role}-{i}.{img.mime_type.split('/')[-1]}", img.data, img.mime_type))
                 for i, img in enumerate(plan.inputs)]
        data = {k: str(v) for k, v in fields.items()}
        return self._client.build_request("POST", plan.endpoint, data=data, files=files, headers=headers)

    def generate(self, request: ImageRequest, *, cancel: CancelToken | None = None,
                 progress: ProgressCallback | None = None) -> ImageResult:
        """Make one image (see ImageProvider.generate).

        Raises:
            AuthenticationError: no key, 401, 403 (e.g. organization not verified).
            ContentPolicyError: ``moderation_blocked``.
            RateLimitError: 429 (retried, honouring retry-after-ms / retry-after);
                ``insufficient_quota`` is not retried.
            GenerationTimeoutError, GenerationCancelledError, GenerationError.
        """
        if not self._api_key:
            raise AuthenticationError("No OpenAI API key is set. Add one in Settings (or set OPENAI_API_KEY).")
        if cancel is not None:
            cancel.raise_if_cancelled()
        plan = self.plan(request)
        log.info("OpenAI image: model=%s size=%s background=%s inputs=%d", plan.model, plan.size,
                 plan.background, len(plan.inputs))
        if progress:
            progress(10)

        def attempt() -> ImageResult:
            req = self.build_request(request.prompt, plan)
            resp = send_request(self._client, req, service=SERVICE, cancel=cancel)
            if resp.status_code != 200:
                raise error_from_response(resp.status_code, resp.headers, resp.text, api_key=self._api_key)
            return parse_images_response(resp.content, plan.model, api_key=self._api_key)

        result = self.retry.run(attempt, cancel=cancel)
        if progress:
            progress(90)
        return result

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """Check key and model cheaply with ``GET /v1/models/{model}``.

        Returns:
            a one-line confirmation for the Settings dialog.
        Raises:
            AuthenticationError, GenerationError.
        """
        if not self._api_key:
            raise AuthenticationError("No OpenAI API key is set.")
        req = self._client.build_request("GET", f"/v1/models/{self.model}", headers=auth_headers(self._api_key))
        resp = send_request(self._client, req, service=SERVICE, cancel=cancel)
        if resp.status_code != 200:
            raise error_from_response(resp.status_code, resp.headers, resp.text, api_key=self._api_key)
        return f"Connected to OpenAI: {self.model} is available to this key."


def parse_images_response(content: bytes, model: str, *, api_key: str | None = None) -> ImageResult:
    """The first image of an images API answer (``data[0].b64_json``).

    Raises:
        GenerationError: not JSON, no image, bad base64 or not an image.
    """
    try:
        body = json.loads(content)
    except ValueError:
        raise GenerationError(f"{SERVICE} sent an answer that is not valid JSON; try again.") from None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        raise error_from_payload(body["error"], None, api_key=api_key)
    items = body.get("data") if isinstance(body, dict) else None
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None
    b64 = first.get("b64_json") if first else None
    if not isinstance(b64, str) or not b64:
        raise GenerationError(f"{SERVICE} answered without an image; try again.")
    try:
        data = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise GenerationError(f"{SERVICE} sent image data that could not be decoded (bad base64); "
                              "try again.") from None
    mime, size = check_output_image(data, SERVICE)
    log.info("OpenAI image: got %dx%d %s", size[0], size[1], mime)
    revised = first.get("revised_prompt") if first else None
    return ImageResult(data=data, mime_type=mime, model=model, text=revised if isinstance(revised, str) else None)
