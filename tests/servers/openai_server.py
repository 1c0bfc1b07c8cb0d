"""A local OpenAI API double: images (generations JSON, edits multipart) and chat SSE.

Wire format from https://platform.openai.com/docs/api-reference (openai-python types):
``POST /v1/images/generations``, ``POST /v1/images/edits`` (``image[]`` parts),
``POST /v1/chat/completions`` (``stream: true``, ``stream_options.include_usage``,
``data: [DONE]``), ``GET /v1/models`` and ``/v1/models/{id}``. Requests are validated
(parameters, sizes, background/format, image decoding, roles); answers carry real PNGs
at the requested size (RGBA with transparent corners for ``background=transparent``).
With ``require_auth=False`` it behaves like a local Ollama/LM Studio server.
"""

from __future__ import annotations

import base64
import io
import json
import re
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from openai.types import Model, image_edit_params, image_generate_params
from openai.types.chat import completion_create_params
from PIL import Image, ImageDraw
from pydantic import TypeAdapter, ValidationError

from .loopback import Fault, LoopbackHandler, LoopbackServer, RecordedRequest

API_KEY = "sk-test-openai-key-0123456789abcdef"
IMAGE_MODELS = ("gpt-image-2.5-sunburst", "gpt-image-2.5-flare", "gpt-image-2", "gpt-image-1.5", "gpt-image-1-mini",
                "chatgpt-image-latest")
"""Image models the double serves today (the openai package's ImageModel, without the shut-down ones)."""
CUSTOM_SIZE_MODELS = ("gpt-image-2.5-sunburst", "gpt-image-2.5-flare", "gpt-image-2")
"""Models that take any WIDTHxHEIGHT (multiples of 16, ratio 1:3..3:1, at most 3840x2160)."""
CHAT_MODELS = ("gpt-5.4-mini", "gpt-5.4-nano")
RETIRED = ("gpt-image-1", "dall-e-2", "dall-e-3")
"""Shut down: 404 model_not_found, like the real service."""
OLLAMA_MODELS = ("llama3.2:latest", "qwen2.5:7b")
"""How Ollama's /v1/models names pulled models: with their tags."""
SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
_GENERATE = TypeAdapter(image_generate_params.ImageGenerateParamsNonStreaming)
_CHAT = TypeAdapter(completion_create_params.CompletionCreateParamsStreaming)
_INPUT_FIDELITY = ("high", "low")
GEN_FIELDS = {"model", "prompt", "n", "size", "quality", "background", "output_format", "output_compression",
              "moderation", "stream", "partial_images", "user"}
EDIT_FIELDS = GEN_FIELDS - {"moderation"} | {"input_fidelity", "mask"}
CHAT_FIELDS = {"model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens",
               "max_completion_tokens", "n", "stop", "presence_penalty", "frequency_penalty", "user", "seed"}
ROLES = {"system", "developer", "user", "assistant", "tool"}


class Invalid(Exception):
    """A 400 invalid_request_error."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.code, self.status = message, param, code, status

    def body(self) -> dict[str, Any]:
        return error_body(self.message, "invalid_request_error", self.param, self.code)


def error_body(message: str, type_: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    """An OpenAI error body."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def masked(key: str) -> str:
    """How OpenAI shows a wrong key in its 401 message."""
    return key[:3] + "*" * max(0, len(key) - 7) + key[-4:]


# --- faults ---------------------------------------------------------------------------------

def rate_limited(*, retry_after_ms: str | None = None, retry_after: str | None = None,
                 route: str | None = None) -> Fault:
    """429 rate_limit_exceeded with the retry headers."""
    headers = {}
    if retry_after_ms is not None:
        headers["retry-after-ms"] = retry_after_ms
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return Fault(status=429, headers=headers, route=route, body=error_body(
        "Rate limit reached for gpt-image-1 in organization org-test on images per minute (IPM): Limit 5, "
        "Used 5, Requested 1. Please try again in 12s.", "requests", None, "rate_limit_exceeded"))


def insufficient_quota() -> Fault:
    """429 insufficient_quota: no credit left."""
    return Fault(status=429, body=error_body("You exceeded your current quota, please check your plan and billing "
                                             "details.", "insufficient_quota", None, "insufficient_quota"))


def moderation_blocked() -> Fault:
    """The images safety refusal (Carrot#123, ZJT#480)."""
    return Fault(status=400, body=error_body(
        "Your request was rejected by the safety system. If you believe this is an error, contact us at "
        "help.openai.com and include the request ID req_123. safety_violations=[sexual].",
        "image_generation_user_error", None, "moderation_blocked"))


def org_not_verified() -> Fault:
    """403 for an unverified organization (openai-php#565)."""
    return Fault(status=403, body=error_body(
        "Your organization must be verified to use the model `gpt-image-1`. Please go to: "
        "https://platform.openai.com/settings/organization/general and click on Verify Organization.",
        "invalid_request_error", None, None))


def server_error(status: int = 500, route: str | None = None) -> Fault:
    """A 5xx with an OpenAI body."""
    return Fault(status=status, route=route, body=error_body("The server had an error while processing your "
                                                             "request. Sorry about that!", "server_error"))


def html_error_page(status: int = 502) -> Fault:
    """A proxy's HTML error page."""
    return Fault(status=status, content_type="text/html", body=(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
        "<hr><center>cloudflare</center></body></html>"))


def images_reply(b64: str) -> Fault:
    """A 200 images answer carrying ``b64``."""
    return Fault(reply={"created": int(time.time()), "data": [{"b64_json": b64}]})


def stream_error_after(n: int, message: str = "The server had an error while processing your request.") -> Fault:
    """A chat stream that sends ``n`` chunks, then ``data: {"error": ...}``."""
    return Fault(error_after_events=n, stream_error={"message": message, "type": "server_error",
                                                     "param": None, "code": None})


# --- images ---------------------------------------------------------------------------------

def png(width: int, height: int, transparent: bool) -> bytes:
    """A real PNG; with transparent corners when ``transparent``."""
    im = Image.new("RGBA", (width, height), (0, 0, 0, 0) if transparent else (30, 90, 160, 255))
    ImageDraw.Draw(im).ellipse((width // 6, height // 6, width * 5 // 6, height * 5 // 6),
                               fill=(250, 200, 40, 255))
    buf = io.BytesIO()
    (im if transparent else im.convert("RGB")).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _check_custom_size(size: str) -> None:
    match = re.fullmatch(r"(\d+)x(\d+)", size)
    if not match:
        raise Invalid(f"Invalid value: '{size}'. Use WIDTHxHEIGHT or 'auto'.", "size", "invalid_value")
    w, h = int(match.group(1)), int(match.group(2))
    if w % 16 or h % 16:
        raise Invalid(f"Invalid size '{size}': width and height must be divisible by 16.", "size", "invalid_value")
    if max(w, h) > 3 * min(w, h):
        raise Invalid(f"Invalid size '{size}': the aspect ratio must be between 1:3 and 3:1.", "size",
                      "invalid_value")
    if max(w, h) > 3840 or w * h > 3840 * 2160:
        raise Invalid(f"Invalid size '{size}': the maximum resolution is 3840x2160.", "size", "invalid_value")


def _sdk_check(fields: dict[str, Any], *, edit: bool) -> None:
    """Validate with the openai package's own request types (as sent on the wire)."""
    typed = dict(fields)
    if edit:
        fidelity = typed.pop("input_fidelity", None)
        if fidelity is not None and fidelity not in _INPUT_FIDELITY:
            raise Invalid("Invalid value for 'input_fidelity'.", "input_fidelity", "invalid_value")
        assert "input_fidelity" in image_edit_params.ImageEditParamsBase.__annotations__
        for key in ("n", "output_compression", "partial_images"):
            if key in typed:
                try:
                    typed[key] = int(typed[key])
                except ValueError:
                    raise Invalid(f"Invalid type for '{key}'.", key, "invalid_type") from None
    try:
        _GENERATE.validate_python(typed)
    except ValidationError as exc:
        first = exc.errors()[0]
        param = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"Invalid value for '{param}': {first['msg']}.", param, "invalid_value") from None


def _check_params(fields: dict[str, Any], allowed: set[str], *, edit: bool = False) -> tuple[str, bool]:
    _sdk_check({k: v for k, v in fields.items() if k in allowed}, edit=edit)
    for key in fields:
        if key not in allowed:
            raise Invalid(f"Unknown parameter: '{key}'.", key, "unknown_parameter")
    model = fields.get("model", "dall-e-2")
    if model not in IMAGE_MODELS:
        raise Invalid(f"The model `{model}` does not exist or you do not have access to it.", "model",
                      "model_not_found", 404 if "model" in fields else 400)
    prompt = fields.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise Invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter")
    if len(prompt) > 32000:
        raise Invalid("Invalid 'prompt': string too long.", "prompt", "string_above_max_length")
    n = int(fields.get("n", 1))
    if not 1 <= n <= 10:
        raise Invalid("Invalid 'n': must be between 1 and 10.", "n", "integer_out_of_range")
    size = fields.get("size", "auto")
    if model in CUSTOM_SIZE_MODELS and size not in SIZES:
        _check_custom_size(str(size))
    elif size not in SIZES:
        raise Invalid(f"Invalid value: '{size}'. Supported values are: '1024x1024', '1024x1536', '1536x1024', "
                      "and 'auto'.", "size", "invalid_value")
    if fields.get("quality", "auto") not in ("low", "medium", "high", "auto"):
        raise Invalid("Invalid value for 'quality'.", "quality", "invalid_value")
    background = fields.get("background", "auto")
    if background not in ("transparent", "opaque", "auto"):
        raise Invalid("Invalid value for 'background'.", "background", "invalid_value")
    fmt = fields.get("output_format", "png")
    if fmt not in ("png", "jpeg", "webp"):
        raise Invalid("Invalid value for 'output_format'.", "output_format", "invalid_value")
    if background == "transparent" and fmt == "jpeg":
        raise Invalid("Transparent background requires output_format png or webp.", "background", "invalid_value")
    return ("1024x1024" if size == "auto" else size), background == "transparent"


def model_object(model_id: str) -> dict[str, Any]:
    """A /v1/models entry, checked with the openai package's Model type."""
    obj = {"id": model_id, "object": "model", "created": 1767225600,
           "owned_by": "library" if ":" in model_id else "system"}
    Model.model_validate(obj)
    return obj


def _image_answer(size: str, transparent: bool) -> dict[str, Any]:
    w, h = (int(v) for v in size.split("x"))
    return {"created": int(time.time()), "background": "transparent" if transparent else "opaque",
            "output_format": "png", "quality": "medium", "size": size,
            "data": [{"b64_json": base64.b64encode(png(w, h, transparent)).decode()}],
            "usage": {"input_tokens": 50, "input_tokens_details": {"text_tokens": 50, "image_tokens": 0},
                      "output_tokens": 1056, "total_tokens": 1106}}


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], list[tuple[str, str, str, bytes]]]:
    """(form fields, files as (field, filename, content type, bytes))."""
    if not content_type.startswith("multipart/form-data"):
        raise Invalid("Invalid Content-Type header (expected multipart/form-data).")
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not msg.is_multipart():
        raise Invalid("Could not parse multipart form.")
    fields: dict[str, str] = {}
    files: list[tuple[str, str, str, bytes]] = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files.append((str(name), filename, part.get_content_type(), payload))
        else:
            fields[str(name)] = payload.decode("utf-8")
    return fields, files


class OpenAIHandler(LoopbackHandler):
    """The OpenAI wire format."""

    def do_GET(self) -> None:  # noqa: N802
        rec = self.read_request()
        if self.admit(rec)[0]:
            return
        models = list(self.owner.models)  # type: ignore[attr-defined]
        if rec.path.rstrip("/") == "/v1/models":
            self.send_json(200, {"object": "list", "data": [model_object(m) for m in models]})
            return
        match = re.match(r"^/v1/models/(.+)$", rec.path)
        if match and match.group(1) in models:
            self.send_json(200, model_object(match.group(1)))
            return
        self.send_json(404, error_body(f"The model `{match.group(1) if match else rec.path}` does not exist or "
                                       "you do not have access to it.", "invalid_request_error", None,
                                       "model_not_found"))

    def do_POST(self) -> None:  # noqa: N802
        rec = self.read_request()
        routes = {"/v1/images/generations": self._generations, "/v1/images/edits": self._edits,
                  "/v1/chat/completions": self._chat}
        handler = routes.get(rec.path)
        if handler is None:
            self.send_json(404, error_body(f"Invalid URL (POST {rec.path})", "invalid_request_error"))
            return
        answered, fault = self.admit(rec)
        if answered:
            return
        try:
            handler(rec, fault)
        except Invalid as bad:
            self.owner.rejections.append(bad.message)
            self.send_json(bad.status, bad.body())

    def _auth(self, rec: RecordedRequest) -> bool:
        if not self.owner.require_auth:  # type: ignore[attr-defined]
            return True
        auth = rec.headers.get("authorization", "")
        key = auth[7:] if auth.startswith("Bearer ") else None
        if key is None:
            self.send_json(401, error_body("You didn't provide an API key. You need to provide your API key in an "
                                           "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                                           "YOUR_KEY).", "invalid_request_error"))
            return False
        if key != self.owner.api_key:  # type: ignore[attr-defined]
            self.send_json(401, error_body(f"Incorrect API key provided: {masked(key)}. You can find your API key "
                                           "at https://platform.openai.com/account/api-keys.",
                                           "invalid_request_error", None, "invalid_api_key"))
            return False
        return True

    def _generations(self, rec: RecordedRequest, fault: Fault | None) -> None:
        if not rec.headers.get("content-type", "").startswith("application/json"):
            raise Invalid("Invalid Content-Type header (expected application/json).")
        try:
            fields = json.loads(rec.body)
        except ValueError:
            raise Invalid("We could not parse the JSON body of your request.") from None
        size, transparent = _check_params(fields, GEN_FIELDS)
        self.send_json(200, fault.reply if fault and fault.reply is not None else _image_answer(size, transparent))

    def _edits(self, rec: RecordedRequest, fault: Fault | None) -> None:
        fields, files = parse_multipart(rec.headers.get("content-type", ""), rec.body)
        images = [f for f in files if f[0] in ("image[]", "image")]
        if not images:
            raise Invalid("Missing required parameter: 'image'.", "image", "missing_required_parameter")
        if len({f[0] for f in images}) > 1 or (images[0][0] == "image" and len(images) > 1):
            raise Invalid("Send several images as repeated 'image[]' parts.", "image")
        if len(images) > 16:
            raise Invalid("Too many images: at most 16.", "image")
        for _field, filename, ctype, data in images:
            if ctype not in ("image/png", "image/jpeg", "image/webp"):
                raise Invalid(f"Invalid file '{filename}': unsupported mimetype ('{ctype}'). Supported file formats "
                              "are 'image/jpeg', 'image/png', and 'image/webp'.", "image", "unsupported_file_mimetype")
            if len(data) >= 50 * 1000 * 1000:
                raise Invalid(f"Invalid file '{filename}': file too large.", "image")
            try:
                with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "WEBP"]) as im:
                    im.load()
            except Exception:  # noqa: BLE001 - Pillow raises many types for bad data; the real service answers 400
                raise Invalid(f"Invalid image file '{filename}': could not decode.", "image",
                              "invalid_image_file") from None
        self.owner.last_edit_images = images  # type: ignore[attr-defined]
        size, transparent = _check_params(fields, EDIT_FIELDS, edit=True)
        self.send_json(200, fault.reply if fault and fault.reply is not None else _image_answer(size, transparent))

    def _chat(self, rec: RecordedRequest, fault: Fault | None) -> None:
        try:
            body = json.loads(rec.body)
        except ValueError:
            raise Invalid("We could not parse the JSON body of your request.") from None
        for key in body:
            if key not in CHAT_FIELDS:
                raise Invalid(f"Unrecognized request argument supplied: {key}", key)
        if body.get("stream"):
            try:
                checked = _CHAT.validate_python(body)
                list(checked["messages"])  # the SDK type validates the iterable lazily
            except ValidationError as exc:
                first = exc.errors()[0]
                raise Invalid(f"Invalid value for '{'.'.join(str(p) for p in first['loc'])}': "
                              f"{first['msg']}.", "messages") from None
        model = body.get("model")
        listed = self.owner.models  # type: ignore[attr-defined]
        if model not in listed and f"{model}:latest" not in listed:  # Ollama: "llama3.2" = "llama3.2:latest"
            raise Invalid(f"The model `{model}` does not exist or you do not have access to it.", "model",
                          "model_not_found", 404)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise Invalid("Invalid 'messages': empty array.", "messages", "empty_array")
        for i, msg in enumerate(messages):
            if not isinstance(msg, dict) or msg.get("role") not in ROLES:
                raise Invalid(f"Invalid value for 'messages[{i}].role'.", f"messages[{i}].role")
            if not isinstance(msg.get("content"), (str, list)):
                raise Invalid(f"Invalid type for 'messages[{i}].content'.", f"messages[{i}].content")
        stream = body.get("stream", False)
        if "stream_options" in body and not stream:
            raise Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                          "stream_options")
        last_user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        text = fault.reply_text if fault and fault.reply_text is not None else f"Echo: {last_user}"
        usage = {"prompt_tokens": sum(len(str(m["content"]).split()) for m in messages),
                 "completion_tokens": len(text.split())}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        cid = "chatcmpl-" + uuid.uuid4().hex[:12]
        if not stream:
            self.send_json(200, {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                              "finish_reason": "stop"}], "usage": usage})
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        extra = {"usage": None} if include_usage else {}
        chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                        "finish_reason": None}], **extra}]
        chunks += [{**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}], **extra}
                   for piece in re.findall(r"\S+\s*", text)]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], **extra})
        if include_usage:
            chunks.append({**base, "choices": [], "usage": usage})
        newline = (fault.sse_newline if fault and fault.sse_newline else None) or self.owner.sse_newline  # type: ignore[attr-defined]
        if self.stream_events([json.dumps(chunk) for chunk in chunks], newline, fault):
            self.send_event("[DONE]", newline)


class OpenAIServer(LoopbackServer):
    """The OpenAI double.

    Args:
        api_key: the only key accepted (when ``require_auth``).
        require_auth: False to act like a local server that ignores keys.
        models: ids listed by /v1/models and accepted by chat.
        sse_newline: event separator (LF by default, like OpenAI).
    """

    def __init__(self, api_key: str = API_KEY, *, require_auth: bool = True,
                 models: tuple[str, ...] = IMAGE_MODELS + CHAT_MODELS, sse_newline: str = "\n") -> None:
        super().__init__(OpenAIHandler)
        self.api_key = api_key
        self.require_auth = require_auth
        self.models = models
        self.sse_newline = sse_newline
        self.last_edit_images: list[tuple[str, str, str, bytes]] = []
