"""Request validation of the Gemini API double: checks a generateContent body as strictly as
the service does (ai.google.dev/api/generate-content and the google-genai SDK's pydantic types).

The key, top-level fields, every ``contents`` item through ``types.Content`` (extra='forbid',
base64 checked), roles, response modalities, the ten aspect ratios, imageSize (case-sensitive,
only on models that take it), image MIME types, count and size, and that every image decodes.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from typing import Any

import pydantic
from google.genai import types
from PIL import Image

ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
TOP_LEVEL = {
    "contents", "systemInstruction", "system_instruction", "generationConfig", "generation_config",
    "safetySettings", "safety_settings", "tools", "toolConfig", "tool_config", "cachedContent", "cached_content",
}
VERTEX_ONLY_IMAGE_FIELDS = {
    "personGeneration", "person_generation", "outputMimeType", "output_mime_type", "outputCompressionQuality",
    "output_compression_quality", "prominentPeople", "prominent_people", "imageOutputOptions",
    "image_output_options",
}
MAX_IMAGE_BYTES = 7 * 1000 * 1000
MAX_REQUEST_BYTES = 20 * 1000 * 1000


@dataclass(frozen=True)
class ModelSpec:
    """What the double knows about a model.

    ``sizes``: "g3" (the 3.x image table; with ``image_size`` 1K/2K/4K, else 1K only) or
    "flash25" (the old 2.5-flash table).
    """

    name: str
    image: bool
    max_images: int = 3
    image_size: bool = False
    mime_types: frozenset[str] = frozenset({"image/png", "image/jpeg", "image/webp"})
    sizes: str = "g3"
    methods: tuple[str, ...] = ("generateContent", "countTokens")


class BadRequest(Exception):
    """A 400 the real service would give."""

    def __init__(self, message: str, status: str = "INVALID_ARGUMENT", violations: list[dict[str, str]] | None = None,
                 code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.violations = violations
        self.code = code

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.violations:
            err["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                               "fieldViolations": self.violations}]
        return {"error": err}


def _unknown(name: str, where: str = "") -> BadRequest:
    at = f" at '{where}'" if where else ""
    msg = f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.'
    return BadRequest(msg, violations=[{"field": where, "description": msg}])


def closest_ratio(width: int, height: int) -> str:
    """The aspect ratio nearest ``width/height`` (how the service matches an input image)."""
    return min(ASPECT_RATIOS, key=lambda r: abs(math.log(int(r.split(":")[0]) / int(r.split(":")[1]))
                                               - math.log(width / height)))


@dataclass
class ValidRequest:
    """A request that passed validation."""

    model: ModelSpec
    body: dict[str, Any]
    images: list[tuple[str, tuple[int, int], int]]  # (mime, size px, bytes)
    aspect_ratio: str | None
    image_size: str | None
    modalities: list[str]
    texts: list[str]


def validate_request(model: ModelSpec, raw: bytes) -> ValidRequest:
    """Check a generateContent/streamGenerateContent body like the service does.

    Raises:
        BadRequest: with the service's message.
    """
    if len(raw) > MAX_REQUEST_BYTES:
        raise BadRequest("Request payload size exceeds the limit: 20971520 bytes.")
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"Invalid JSON payload received. {exc}.") from None
    if not isinstance(body, dict):
        raise BadRequest("Invalid JSON payload received. Expected an object.")
    for key in body:
        if key not in TOP_LEVEL:
            raise _unknown(key)
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise BadRequest("* GenerateContentRequest.contents: contents is not specified")
    images: list[tuple[str, tuple[int, int], int]] = []
    texts: list[str] = []
    for i, item in enumerate(contents):
        try:
            content = types.Content.model_validate_json(json.dumps(item))
        except pydantic.ValidationError as exc:
            raise _validation(exc, f"contents[{i}]") from None
        if content.role not in ("user", "model"):
            raise BadRequest("Please use a valid role: user, model.")
        if not content.parts:
            raise BadRequest(f"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty.")
        for part in content.parts:
            if part.text is not None:
                texts.append(part.text)
            if part.inline_data is not None:
                images.append(_check_image(model, part.inline_data))
    if len(images) > model.max_images:
        raise BadRequest(f"Too many images in the request: {len(images)}; {model.name} accepts at most "
                         f"{model.max_images}.")
    system = body.get("systemInstruction", body.get("system_instruction"))
    if system is not None:
        try:
            types.Content.model_validate_json(json.dumps(system))
        except pydantic.ValidationError as exc:
            raise _validation(exc, "system_instruction") from None
    gen = dict(body.get("generationConfig") or body.get("generation_config") or {})
    image_cfg = gen.pop("imageConfig", None)
    image_cfg = image_cfg if image_cfg is not None else gen.pop("image_config", None)
    try:
        config = types.GenerationConfig.model_validate(gen)
    except pydantic.ValidationError as exc:
        raise _validation(exc, "generation_config") from None
    modalities = [str(getattr(m, "value", m)) for m in (config.response_modalities or [])]
    for m in modalities:
        if m not in ("TEXT", "IMAGE"):
            raise BadRequest(f"Invalid value at 'generation_config.response_modalities' ({m}).")
    ratio = size = None
    if image_cfg is not None:
        if not isinstance(image_cfg, dict):
            raise BadRequest("Invalid value at 'generation_config.image_config'.")
        for key in image_cfg:
            if key in VERTEX_ONLY_IMAGE_FIELDS:
                raise _unknown(key, "generation_config.image_config")
        try:
            parsed = types.ImageConfig.model_validate(image_cfg)
        except pydantic.ValidationError as exc:
            raise _validation(exc, "generation_config.image_config") from None
        ratio, size = parsed.aspect_ratio, parsed.image_size
        if ratio is not None and ratio not in ASPECT_RATIOS:
            raise BadRequest(f"Unsupported aspect ratio: {ratio}. Use one of {', '.join(ASPECT_RATIOS)}.")
        if size is not None:
            if not model.image_size:
                raise BadRequest(f"Image size is not supported for model {model.name}.")
            if size not in ("1K", "2K", "4K"):
                raise BadRequest(f"Unsupported image size: {size}. Use 1K, 2K or 4K.")
    return ValidRequest(model, body, images, ratio, size, modalities, texts)


def _validation(exc: pydantic.ValidationError, where: str) -> BadRequest:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        return _unknown(str(first["loc"][-1]), f"{where}.{loc}".rstrip("."))
    return BadRequest(f"Invalid value at '{where}.{loc}': {first['msg']}",
                      violations=[{"field": f"{where}.{loc}", "description": first["msg"]}])


def _check_image(model: ModelSpec, blob: types.Blob) -> tuple[str, tuple[int, int], int]:
    mime = blob.mime_type or ""
    data = blob.data or b""
    if mime not in model.mime_types:
        raise BadRequest(f"Unsupported MIME type: {mime or '(none)'}")
    if len(data) > MAX_IMAGE_BYTES:
        raise BadRequest(f"Inline image is too large: {len(data)} bytes; the limit is 7 MB.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "WEBP"]) as im:
            im.load()
            size = im.size
            fmt = im.format
    except Exception:  # noqa: BLE001 - Pillow raises many types for bad data; the real service answers 400
        raise BadRequest("Unable to process input image. Please retry or report in "
                         "https://developers.generativeai.google/guide/troubleshooting") from None
    if {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}.get(fmt or "") != mime:
        raise BadRequest("Unable to process input image. Please retry or report in "
                         "https://developers.generativeai.google/guide/troubleshooting")
    return mime, size, len(data)
