"""A faithful local Gemini API double (ai.google.dev/api: generate-content and models).

Serves ``/v1beta/`` and ``/v1/``: ``models/{m}:generateContent``,
``models/{m}:streamGenerateContent?alt=sse``, ``models/{m}`` and ``models``.
Checks the key (``x-goog-api-key`` or ``?key=``) and validates every body as strictly as the
service (tests/servers/gemini_requests.py). Answers carry real PNGs at the model's documented output
size, usageMetadata, modelVersion and responseId; 3-pro answers add interim ``thought``
images and a ``thoughtSignature``. Canned answers are checked with
``types.GenerateContentResponse`` before they are sent.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import re
import uuid
from typing import Any

from google.genai import types
from PIL import Image, ImageDraw

from .gemini_requests import (
    BadRequest,
    ModelSpec,
    ValidRequest,
    closest_ratio,
    validate_request,
)
from .loopback import Fault, LoopbackHandler, LoopbackServer

API_KEY = "test-gemini-key-0123456789abcdef"

# Output sizes, from the Gemini API image-generation docs (kept apart from the app's copy on purpose).
FLASH = {"1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184), "4:3": (1184, 864),
         "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344), "16:9": (1344, 768), "21:9": (1536, 672)}
PRO = {
    "1K": {"1:1": (1024, 1024), "2:3": (848, 1264), "3:2": (1264, 848), "3:4": (896, 1200), "4:3": (1200, 896),
           "4:5": (928, 1152), "5:4": (1152, 928), "9:16": (768, 1376), "16:9": (1376, 768), "21:9": (1584, 672)},
    "2K": {"1:1": (2048, 2048), "2:3": (1696, 2528), "3:2": (2528, 1696), "3:4": (1792, 2400),
           "4:3": (2400, 1792), "4:5": (1856, 2304), "5:4": (2304, 1856), "9:16": (1536, 2752),
           "16:9": (2752, 1536), "21:9": (3168, 1344)},
    "4K": {"1:1": (4096, 4096), "2:3": (3392, 5056), "3:2": (5056, 3392), "3:4": (3584, 4800),
           "4:3": (4800, 3584), "4:5": (3712, 4608), "5:4": (4608, 3712), "9:16": (3072, 5504),
           "16:9": (5504, 3072), "21:9": (6336, 2688)},
}


_HEIF = frozenset({"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"})
MODELS = {
    "gemini-3.1-flash-image": ModelSpec("gemini-3.1-flash-image", True, 14, True, _HEIF),
    "gemini-3-pro-image": ModelSpec("gemini-3-pro-image", True, 14, True, _HEIF),
    "gemini-3.1-flash-lite-image": ModelSpec("gemini-3.1-flash-lite-image", True, 14, False, _HEIF),
    "gemini-3.5-flash-lite": ModelSpec("gemini-3.5-flash-lite", False, 3000),
    "gemini-3.5-flash": ModelSpec("gemini-3.5-flash", False, 3000),
    "gemini-embedding-001": ModelSpec("gemini-embedding-001", False, 0, methods=("embedContent",)),
    "imagen-4.0-generate-001": ModelSpec("imagen-4.0-generate-001", False, 0, methods=("predict",)),
}
"""Models the double serves today (as the google-genai SDK's model list names them)."""
RETIRED = frozenset({"gemini-2.5-flash-image", "gemini-3-pro-image-preview", "gemini-2.5-flash",
                     "gemini-2.5-flash-image-preview"})
"""Ids the service has shut down: 404 NOT_FOUND, like the real endpoint."""
DEFAULT_PAGE_SIZE = 50


def model_resource(spec: ModelSpec) -> dict[str, Any]:
    """A ``models.list`` entry shaped like the real one (ai.google.dev/api/models#Model)."""
    return {"name": f"models/{spec.name}", "version": "001", "displayName": spec.name.replace("-", " ").title(),
            "description": f"{spec.name} (loopback double)", "inputTokenLimit": 65536 if spec.image else 1048576,
            "outputTokenLimit": 32768 if spec.image else 65536, "supportedGenerationMethods": list(spec.methods),
            "temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2}



# --- canned error bodies (shapes from the service's documented errors) ---------------------------------

def error_body(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Gemini error body."""
    err: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        err["details"] = details
    return {"error": err}


def invalid_key_body() -> dict[str, Any]:
    """The 400 API_KEY_INVALID body (continue#8516)."""
    return error_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
         "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
         "message": "API key not valid. Please pass a valid API key."}])


def rate_limited(retry_delay: str = "26s", *, per_day: bool = False, route: str | None = None,
                 delay_s: float = 0.0) -> Fault:
    """429 RESOURCE_EXHAUSTED with QuotaFailure, Help and RetryInfo (Roo-Code#3883, continue#9570)."""
    quota_id = ("GenerateRequestsPerDayPerProjectPerModel-FreeTier" if per_day
                else "GenerateRequestsPerMinutePerProjectPerModel-FreeTier")
    metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
    seconds = retry_delay.rstrip("s")
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": metric, "quotaId": quota_id,
             "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash-image"},
             "quotaValue": "50" if per_day else "10"}]},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [
            {"description": "Learn more about Gemini API quotas",
             "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay},
    ]
    message = ("You exceeded your current quota, please check your plan and billing details. For more "
               f"information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
               f"Please retry in {seconds}s.")
    return Fault(status=429, body=error_body(429, "RESOURCE_EXHAUSTED", message, details), route=route,
                 delay_s=delay_s)


def no_access_quota(model: str = "gemini-3-pro-image") -> Fault:
    """429 with a FreeTier quota of 0: the key has no access to the model (not a busy minute)."""
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
             "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
             "quotaDimensions": {"location": "global", "model": model}, "quotaValue": "0"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "33s"},
    ]
    message = ("You exceeded your current quota, please check your plan and billing details. For more information "
               "on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for "
               "metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: "
               f"{model}\nPlease retry in 33.1s.")
    return Fault(status=429, body=error_body(429, "RESOURCE_EXHAUSTED", message, details))


def flat_subject_png(width: int, height: int, background: tuple[int, int, int] = (236, 238, 240)) -> bytes:
    """A real PNG: an opaque subject (a filled disc with a dark ring) on a flat background,
    like an emote the model drew on white when asked for a transparent one."""
    im = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(im)
    box = (width // 4, height // 4, width * 3 // 4, height * 3 // 4)
    draw.ellipse(box, fill=(220, 60, 40), outline=(40, 20, 20), width=max(2, width // 60))
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def overloaded(route: str | None = None) -> Fault:
    """503 UNAVAILABLE "The model is overloaded" (lobehub#9728)."""
    return Fault(status=503, body=error_body(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
                 route=route)


def internal_error(route: str | None = None) -> Fault:
    """500 INTERNAL."""
    return Fault(status=500, body=error_body(500, "INTERNAL", "An internal error has occurred. Please retry or "
                                                             "report in https://developers.generativeai.google/guide/troubleshooting"),
                 route=route)


def status_fault(code: int, status: str, message: str, route: str | None = None) -> Fault:
    """Any Gemini error status with its JSON body."""
    return Fault(status=code, body=error_body(code, status, message), route=route)


def permission_denied() -> Fault:
    """403 PERMISSION_DENIED."""
    return status_fault(403, "PERMISSION_DENIED", "Permission denied: Consumer 'api_key:...' has been suspended.")


def wrapped_error(code: int = 503) -> Fault:
    """An error body wrapped in a list (cody#4566)."""
    body = [error_body(code, "UNAVAILABLE", "The service is currently unavailable.")]
    return Fault(status=code, body=body)


def html_error_page(code: int = 502) -> Fault:
    """A load balancer's HTML page instead of JSON."""
    page = ("<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
            "<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error.</html>")
    return Fault(status=code, body=page, content_type="text/html; charset=UTF-8")


def malformed_json() -> Fault:
    """A 200 whose body is cut-off JSON."""
    return Fault(status=200, body='{"candidates": [{"content": {"role": "model", "parts": [{"text": "Here')


def blocked_prompt(reason: str = "PROHIBITED_CONTENT") -> Fault:
    """Safety form (a): promptFeedback.blockReason and no candidates (HTTP 200)."""
    return Fault(reply={"promptFeedback": {"blockReason": reason},
                        "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12},
                        "modelVersion": "gemini-2.5-flash-image", "responseId": uuid.uuid4().hex})


def image_safety(finish: str = "IMAGE_SAFETY", text: str | None = None) -> Fault:
    """Safety form (b): a candidate without image (and without content) + finishReason."""
    cand: dict[str, Any] = {"finishReason": finish, "index": 0}
    if text:
        cand["content"] = {"role": "model", "parts": [{"text": text}]}
    return Fault(reply={"candidates": [cand], "modelVersion": "gemini-2.5-flash-image",
                        "responseId": uuid.uuid4().hex})


def text_only(text: str = "I can't draw that, but here is an idea: a neon skyline.") -> Fault:
    """A STOP answer with text and no image."""
    return Fault(reply={"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                                        "finishReason": "STOP", "index": 0}],
                        "modelVersion": "gemini-2.5-flash-image", "responseId": uuid.uuid4().hex})


def image_reply(data_b64: str, mime: str = "image/png") -> Fault:
    """A 200 with one image part carrying ``data_b64`` (bad base64, non-image payload...)."""
    return Fault(reply={"candidates": [{"content": {"role": "model", "parts": [
        {"inlineData": {"mimeType": mime, "data": data_b64}}]}, "finishReason": "STOP", "index": 0}],
        "modelVersion": "gemini-2.5-flash-image", "responseId": uuid.uuid4().hex})


def stream_error_after(n: int, code: int = 503, status: str = "UNAVAILABLE",
                       message: str = "The model is overloaded. Please try again later.") -> Fault:
    """A stream that sends ``n`` events, then ``data: {"error": ...}``."""
    return Fault(error_after_events=n, stream_error={"code": code, "message": message, "status": status})


# --- images --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def png_of_size(width: int, height: int, mark: int = 0) -> bytes:
    """A real PNG of ``width`` x ``height`` px with a simple picture (cached)."""
    im = Image.new("RGB", (width, height), (20 + mark * 40 % 200, 24, 48))
    draw = ImageDraw.Draw(im)
    draw.rectangle((width // 8, height // 8, width * 7 // 8, height * 7 // 8), outline=(255, 200, 0),
                   width=max(2, width // 100))
    draw.ellipse((width // 3, height // 3, width * 2 // 3, height * 2 // 3), fill=(200, 40, 120))
    buf = io.BytesIO()
    im.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()



# --- answers -------------------------------------------------------------------------------

def output_size(req: ValidRequest) -> tuple[int, int]:
    """The documented output size for the request's model, ratio and imageSize."""
    ratio = req.aspect_ratio
    if ratio is None:
        ratio = closest_ratio(*req.images[0][1]) if req.images else "1:1"
    if req.model.sizes == "flash25":
        return FLASH[ratio]
    return PRO[req.image_size or "1K"][ratio]


def image_answer(req: ValidRequest, *, subject_on_flat: bool = False) -> dict[str, Any]:
    """A generateContent answer with a real PNG at the documented size."""
    w, h = output_size(req)
    picture = flat_subject_png(w, h) if subject_on_flat else png_of_size(w, h)
    final = {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(picture).decode()}}
    parts: list[dict[str, Any]] = []
    if "TEXT" in req.modalities or not req.modalities:
        parts.append({"text": "Here is your image."})
    if req.model.name.startswith("gemini-3-pro"):  # 3-pro: interim thought images, then the final one with a signature
        thought = base64.b64encode(png_of_size(256, 256, mark=1)).decode()
        parts = [{"text": "Planning the layout.", "thought": True},
                 {"inlineData": {"mimeType": "image/png", "data": thought}, "thought": True}] + parts
        final["thoughtSignature"] = base64.b64encode(b"signature-" + uuid.uuid4().bytes).decode()
    parts.append(final)
    out_tokens = 2000 if req.image_size == "4K" else (1290 if req.model.sizes == "flash25" else 1120)
    prompt_tokens = 9 + 560 * len(req.images)
    return {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": prompt_tokens, "candidatesTokenCount": out_tokens,
                              "totalTokenCount": prompt_tokens + out_tokens},
            "modelVersion": req.model.name, "responseId": uuid.uuid4().hex}


def chat_reply_text(req: ValidRequest) -> str:
    """The double's deterministic chat answer: "Echo: <last user text>"."""
    last = req.texts[-1] if req.texts else ""
    return f"Echo: {last}"


def chat_chunks(text: str) -> list[str]:
    """Split ``text`` into word-sized deltas."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def check_answer(obj: dict[str, Any]) -> None:
    """Fail loudly if a canned answer is not a valid GenerateContentResponse."""
    types.GenerateContentResponse.model_validate(obj)


class GeminiHandler(LoopbackHandler):
    """The Gemini wire format."""

    _PATH = re.compile(r"^/(v1beta|v1)/models/([^/:]+)(?::(generateContent|streamGenerateContent))?$")

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        rec = self.read_request()
        if self.admit(rec)[0]:
            return
        models = self.owner.models  # type: ignore[attr-defined]
        if re.match(r"^/(v1beta|v1)/models/?$", rec.path):
            self._list(rec, models)
            return
        match = self._PATH.match(rec.path)
        if not match or match.group(3):
            self.send_json(404, error_body(404, "NOT_FOUND", "Requested entity was not found."))
            return
        name = match.group(2)
        if name not in models:
            self.send_json(404, error_body(404, "NOT_FOUND", f"models/{name} is not found for API version "
                                                             f"{match.group(1)}."))
            return
        self.send_json(200, model_resource(models[name]))

    def _list(self, rec: Any, models: dict[str, ModelSpec]) -> None:
        """``models.list``: pages of ``pageSize`` (default 50, max 1000) with ``nextPageToken``."""
        try:
            size = min(1000, max(1, int((rec.query.get("pageSize") or [DEFAULT_PAGE_SIZE])[0])))
            start = int((rec.query.get("pageToken") or ["0"])[0] or 0)
        except ValueError:
            self.send_json(400, error_body(400, "INVALID_ARGUMENT", "Invalid page size or token."))
            return
        names = list(models)
        body: dict[str, Any] = {"models": [model_resource(models[n]) for n in names[start:start + size]]}
        if start + size < len(names):
            body["nextPageToken"] = str(start + size)
        self.send_json(200, body)

    def do_POST(self) -> None:  # noqa: N802
        rec = self.read_request()
        match = self._PATH.match(rec.path)
        if not match or not match.group(3):
            self.send_json(404, error_body(404, "NOT_FOUND", "Requested entity was not found."))
            return
        answered, fault = self.admit(rec)
        if answered:
            return
        name, method = match.group(2), match.group(3)
        model = self.owner.models.get(name)  # type: ignore[attr-defined]
        if model is None:
            self.send_json(404, error_body(404, "NOT_FOUND", f"models/{name} is not found for API version "
                                                             f"{match.group(1)}, or is not supported for {method}."))
            return
        try:
            req = validate_request(model, rec.body)
        except BadRequest as bad:
            self.owner.rejections.append(bad.message)
            self.send_json(bad.code, bad.body())
            return
        if method == "streamGenerateContent":
            if rec.query.get("alt") != ["sse"]:
                self.owner.rejections.append("stream without alt=sse")
                self.send_json(400, error_body(400, "INVALID_ARGUMENT", "This double only streams with alt=sse."))
                return
            self._stream(req, fault)
            return
        answer = (fault.reply if fault is not None and fault.reply is not None
                  else image_answer(req, subject_on_flat=self.owner.subject_on_flat))  # type: ignore[attr-defined]
        check_answer(answer)
        self.send_json(200, answer)

    def _auth(self, rec: Any) -> bool:
        key = rec.headers.get("x-goog-api-key") or (rec.query.get("key") or [None])[0]
        if key is None:
            self.send_json(403, error_body(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers "
                                           "(callers without established identity). Please use API Key or other "
                                           "form of API consumer identity to call this API."))
            return False
        if key != self.owner.api_key:  # type: ignore[attr-defined]
            self.send_json(400, invalid_key_body())
            return False
        return True

    def _stream(self, req: ValidRequest, fault: Fault | None) -> None:
        newline = (fault.sse_newline if fault and fault.sse_newline else None) or self.owner.sse_newline  # type: ignore[attr-defined]
        chunks = chat_chunks(fault.reply_text if fault and fault.reply_text is not None else chat_reply_text(req))
        prompt_tokens = sum(len(t.split()) for t in req.texts) + 3
        events: list[dict[str, Any]] = [{
            "candidates": [{"content": {"role": "model", "parts": [{"text": "Thinking about it.", "thought": True}]},
                            "index": 0}],
            "usageMetadata": {"promptTokenCount": prompt_tokens, "thoughtsTokenCount": 4,
                              "totalTokenCount": prompt_tokens + 4},
            "modelVersion": req.model.name, "responseId": "r1"}]
        for i, chunk in enumerate(chunks):
            out = i + 1
            events.append({"candidates": [{"content": {"role": "model", "parts": [{"text": chunk}]}, "index": 0}],
                           "usageMetadata": {"promptTokenCount": prompt_tokens, "candidatesTokenCount": out,
                                             "thoughtsTokenCount": 4, "totalTokenCount": prompt_tokens + 4 + out},
                           "modelVersion": req.model.name, "responseId": "r1"})
        last = events[-1]["candidates"][0]
        last["finishReason"] = "STOP"
        last["content"]["parts"].append({"text": "", "thoughtSignature": base64.b64encode(b"sig").decode()})
        for ev in events:
            check_answer(ev)
        self.stream_events([json.dumps(ev) for ev in events], newline, fault)


class GeminiServer(LoopbackServer):
    """The Gemini double. ``api_key`` is the only key it accepts; ``sse_newline`` defaults to CRLF;
    ``models`` (default MODELS) are served and listed, every other id answers 404 NOT_FOUND."""

    def __init__(self, api_key: str = API_KEY, sse_newline: str = "\r\n",
                 models: dict[str, ModelSpec] | None = None) -> None:
        super().__init__(GeminiHandler)
        self.api_key = api_key
        self.sse_newline = sse_newline
        self.models: dict[str, ModelSpec] = dict(MODELS if models is None else models)
        self._initial_models = dict(self.models)
        self.subject_on_flat = False
        """True: images are an opaque subject on a flat background (flat_subject_png)."""

    def reset(self) -> None:
        """Forget faults and logs; serve the initial models with the normal pictures again."""
        super().reset()
        self.models = dict(self._initial_models)
        self.subject_on_flat = False
