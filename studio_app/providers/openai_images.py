"""OpenAIImageProvider: GPT image models over httpx.

Wire format: the ``openai`` package's ``types/image_generate_params.py`` and
``types/image_edit_params.py``. Without input images: ``POST /v1/images/generations``
(JSON). With a canvas snapshot, logos, references or an image to refine:
``POST /v1/images/edits`` (multipart, one ``image[]`` part per image). Size: models that
take a custom ``WIDTHxHEIGHT`` (the gpt-image-2 family: multiples of 16, ratio up to 3:1,
at most 3840x2160) get the target's own ratio at full size, so an X header (3:1) is not
cut from a 3:2 image; others get the closest of 1024x1024 / 1536x1024 / 1024x1536.
Targets that keep alpha get ``background=transparent`` with PNG output. Fitting to the
exact target happens later.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
from dataclasses import dataclass, replace
from typing import Any

import httpx

from .base import CancelToken, ImageRequest, ImageResult, InputImage, ProgressCallback
from .catalogue import IMAGE_PROVIDERS, OPENAI_STANDARD_SIZES, ImageModelSpec, image_model
from .cloud_image import CloudImageProvider
from .errors import AuthenticationError, GenerationError
from .images import check_output_image, describe_inputs, fit_input_image, select_inputs
from .model_lists import fetch_openai_models, openai_image_models
from .openai_wire import SERVICE, auth_headers, error_from_payload, error_from_response, resolve_base_url
from .retry import RetryPolicy
from .transport import send_request

log = logging.getLogger(__name__)

DEFAULT_MODEL = IMAGE_PROVIDERS["openai"].default_model
SIZES: tuple[str, ...] = tuple(f"{w}x{h}" for w, h in OPENAI_STANDARD_SIZES)
"""The standard sizes every GPT image model makes (besides ``auto``)."""
INPUT_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
DEFAULT_READ_TIMEOUT_S = 180.0


def closest_size(width: int, height: int) -> str:
    """The standard size whose aspect ratio is nearest ``width``/``height`` (log space)."""
    target = math.log(width / height)

    def distance(size: str) -> float:
        w, h = (int(v) for v in size.split("x"))
        return abs(math.log(w / h) - target)

    return min(SIZES, key=distance)


def size_for(model: ImageModelSpec, width: int, height: int) -> str:
    """The ``size`` to send for a ``width`` x ``height`` px target: the model's custom size
    rule when it has one (CustomSizeRule.size_for), else closest_size."""
    if model.custom_size is not None:
        w, h = model.custom_size.size_for(width, height)
        return f"{w}x{h}"
    return closest_size(width, height)


@dataclass(frozen=True)
class OpenAIImagePlan:
    """What will be asked for one ImageRequest.

    Attributes:
        model: model id.
        size: ``WIDTHxHEIGHT`` sent.
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

    @property
    def requested_size(self) -> tuple[int, int]:
        """``size`` as (width, height) px."""
        w, h = self.size.split("x")
        return int(w), int(h)


class OpenAIImageProvider(CloudImageProvider):
    """OpenAI image generation (name ``openai``).

    Args:
        api_key: the OpenAI key (may be empty: generate() then raises AuthenticationError).
        model: default: the catalogue's OpenAI default (a gpt-image-2 family model).
        base_url: overrides ``$STUDIO_OPENAI_BASE_URL`` and https://api.openai.com.
        retry: the retry policy (default RetryPolicy()).
        quality: ``low``/``medium``/``high``/``auto``.
        read_timeout_s: longest wait for an answer, in s.
        transport: an httpx transport (tests).
    """

    name = "openai"

    def __init__(self, api_key: str | None, *, model: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, quality: str = "auto",
                 read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(api_key, model=model or DEFAULT_MODEL, base_url=resolve_base_url(base_url),
                         retry=retry, read_timeout_s=read_timeout_s, transport=transport)
        self.quality = quality

    def plan(self, request: ImageRequest) -> OpenAIImagePlan:
        """Choose size, background and fitted inputs for ``request``.

        Raises:
            GenerationError: an input image cannot be decoded.
        """
        model = image_model("openai", request.model or self.model)
        chosen = select_inputs(request.input_images, max_images=model.max_input_images,
                               max_references=model.max_input_images)
        inputs = tuple(fit_input_image(i, max_bytes=model.max_input_bytes, mime_types=INPUT_MIME_TYPES)
                       for i in chosen)
        background = "transparent" if request.wants_alpha and model.transparent_output else "opaque"
        return OpenAIImagePlan(model.id, size_for(model, request.width, request.height), background, inputs)

    @staticmethod
    def prompt_with_inputs(prompt: str, plan: OpenAIImagePlan) -> str:
        """``prompt`` followed by one line naming each input image by its role (multipart
        cannot interleave text and images, so the names go in the prompt)."""
        lines = describe_inputs(plan.inputs)
        return prompt if not lines else prompt + "\n\nInput images, in order:\n" + "\n".join(lines)

    def _fields(self, prompt: str, plan: OpenAIImagePlan) -> dict[str, Any]:
        return {"model": plan.model, "prompt": prompt, "n": 1, "size": plan.size, "quality": self.quality,
                "background": plan.background, "output_format": "png"}

    def build_request(self, prompt: str, plan: OpenAIImagePlan) -> httpx.Request:
        """The HTTP request for ``plan`` (JSON for generations, multipart for edits)."""
        fields = self._fields(self.prompt_with_inputs(prompt, plan), plan)
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
                raise error_from_response(resp.status_code, resp.headers, resp.text, api_key=self._api_key,
                                          model=plan.model)
            return parse_images_response(resp.content, plan.model, api_key=self._api_key)

        result = self._run_attempts(attempt, cancel)
        if progress:
            progress(90)
        return replace(result, requested_size=plan.requested_size,
                       transparent_background=plan.background == "transparent")

    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """The image model ids this key may use today (``GET /v1/models``, ``gpt-image*``).

        Raises:
            AuthenticationError, GenerationError.
        """
        if not self._api_key:
            raise AuthenticationError("No OpenAI API key is set.")
        entries = fetch_openai_models(
            self._client, "/v1/models", auth_headers(self._api_key), service=SERVICE, cancel=cancel,
            map_error=lambda r: error_from_response(r.status_code, r.headers, r.text, api_key=self._api_key))
        return openai_image_models(entries)


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
    return ImageResult(data=data, mime_type=mime, model=model, text=revised if isinstance(revised, str) else None,
                       received_size=size)
