"""The Gemini REST conventions shared by the image and chat providers.

Sources: https://ai.google.dev/gemini-api/docs/image-generation,
https://ai.google.dev/gemini-api/docs/troubleshooting and the google-genai SDK's
``errors.py``/``_api_client.py``: base URL, ``/v1beta/``, the
``x-goog-api-key`` header (never ``?key=``, so no key lands in a URL or log), the
error body ``{"error": {"code", "message", "status", "details": [...]}}`` (sometimes
wrapped in a list), RetryInfo/QuotaFailure details and the safety-block signals.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

import httpx

from .base import CancelToken
from .catalogue import IMAGE_PROVIDERS
from .errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationError,
    ModelNotFoundError,
    RateLimitError,
    one_line,
    redact,
)
from .retry import parse_retry_after
from .transport import html_title, looks_like_html, send_request, status_error, unwrapped_object

BASE_URL_ENV = "STUDIO_GEMINI_BASE_URL"
DEFAULT_BASE_URL = IMAGE_PROVIDERS["gemini"].base_url
API_VERSION = "v1beta"
SERVICE = IMAGE_PROVIDERS["gemini"].short_label

BLOCK_REASONS = frozenset({"SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT", "IMAGE_SAFETY"})
"""promptFeedback.blockReason values (SDK types.BlockedReason)."""
POLICY_FINISH_REASONS = frozenset({
    "SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION",
})
"""finishReason values that mean a safety/policy filter stopped the answer."""

_LIMIT_ZERO = re.compile(r"\blimit:\s*0\b", re.IGNORECASE)
_RETRY_IN = re.compile(r"retry in ([0-9]+(?:\.[0-9]+)?)\s*s", re.IGNORECASE)


def resolve_base_url(base_url: str | None = None) -> str:
    """``base_url``, else ``$STUDIO_GEMINI_BASE_URL``, else the public endpoint; no trailing /."""
    return (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def model_path(model: str, method: str) -> str:
    """``/v1beta/models/{model}:{method}``."""
    return f"/{API_VERSION}/models/{model}:{method}"


def auth_headers(api_key: str) -> dict[str, str]:
    """The request headers carrying the key (header, not query string)."""
    return {"x-goog-api-key": api_key}


def parse_duration(value: Any) -> float | None:
    """A protobuf Duration as JSON (``"26s"``, ``"19.4s"``) in seconds, or None."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip().endswith("s"):
        try:
            return float(value.strip()[:-1])
        except ValueError:
            return None
    return None


def error_payload(text: str) -> dict[str, Any] | None:
    """The ``error`` object of a Gemini error body (plain or ``[{...}]``-wrapped), or None."""
    try:
        body = unwrapped_object(json.loads(text))
    except ValueError:
        return None
    if body is not None and isinstance(error := body.get("error"), dict):
        return error
    return None


def _details(err: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    return [d for d in err.get("details") or [] if isinstance(d, dict) and str(d.get("@type", "")).endswith(kind)]


def error_from_payload(err: Mapping[str, Any], status: int | None, *, headers: Mapping[str, str] | None = None,
                       api_key: str | None = None, model: str | None = None) -> GenerationError:
    """Map a Gemini ``error`` object (from an HTTP error or a mid-stream event) to our errors.

    - 400 with ErrorInfo reason API_KEY_INVALID, 401, 403 -> AuthenticationError
    - 429 with a ``...PerDay...`` quotaId -> RateLimitError(per_day=True) (not retried)
    - 429 otherwise -> RateLimitError(retry_after = RetryInfo.retryDelay, else the
      "Please retry in N s" of the message, else a Retry-After header)
    - 404 -> GenerationError naming the model; others via transport.status_error.
    """
    code = status if status is not None else _int(err.get("code"))
    said = redact(one_line(str(err.get("message") or ""), 240), api_key)
    reasons = {str(d.get("reason")) for d in _details(err, "ErrorInfo")}
    if "API_KEY_INVALID" in reasons or code == 401 or err.get("status") == "UNAUTHENTICATED":
        return AuthenticationError(f"{SERVICE} rejected the API key ({said or 'not valid'}). "
                                   "Check the key in Settings.", status_code=code)
    if code == 403:
        return AuthenticationError(f"{SERVICE} refused access with this key (HTTP 403: {said}). Check that "
                                   "the key's project has the Gemini API enabled.", status_code=code)
    if code == 429:
        violations = [v for d in _details(err, "QuotaFailure") for v in d.get("violations") or []
                      if isinstance(v, dict)]
        quota_ids = [str(v.get("quotaId", "")) for v in violations]
        if _LIMIT_ZERO.search(str(err.get("message") or "")) or any(str(v.get("quotaValue", "")).strip() == "0" for v in violations):
            which = f" {model!r}" if model else " this model"
            return RateLimitError(f"This {SERVICE} key has no access to{which}: its quota for it is 0 "
                                  "(free-tier keys get no image models). Enable billing for the key's project "
                                  "or use another key.", per_day=True)
        daily = next((q for q in quota_ids if "perday" in q.lower()), None)
        if daily:
            return RateLimitError(f"The daily {SERVICE} quota for this key is used up ({daily}). "
                                  "Try again tomorrow, or use another key or model.", per_day=True)
        delay = next((parse_duration(d.get("retryDelay")) for d in _details(err, "RetryInfo")), None)
        if delay is None:
            match = _RETRY_IN.search(said)
            delay = float(match.group(1)) if match else None
        if delay is None and headers is not None:
            delay = parse_retry_after(headers)
        when = f" It asked to wait {delay:.0f} s." if delay is not None else ""
        return RateLimitError(f"{SERVICE} is rate limiting this key (too many requests).{when}",
                              retry_after=delay)
    if code == 404:
        if model:
            return ModelNotFoundError(SERVICE, model)
        return GenerationError(f"{SERVICE} did not find what was asked for (HTTP 404: {said}).", status_code=404)
    if code is None:
        return GenerationError(f"{SERVICE} reported an error: {said or 'no details'}.")
    return status_error(SERVICE, code, said, retry_after=parse_retry_after(headers or {}))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def error_from_response(status: int, headers: Mapping[str, str], text: str, *,
                        api_key: str | None = None, model: str | None = None) -> GenerationError:
    """Map a non-2xx Gemini answer (JSON error body, wrapped body, HTML page, garbage)."""
    err = error_payload(text)
    if err is not None:
        return error_from_payload(err, status, headers=headers, api_key=api_key, model=model)
    retry_after = parse_retry_after(headers)
    if looks_like_html(text):
        title = html_title(text)
        detail = f"an error page{f' saying {title!r}' if title else ''}"
    else:
        detail = "an unreadable error body"
    if status in (401, 403):
        return AuthenticationError(f"{SERVICE} refused access (HTTP {status}, {detail}). Check the key in Settings.",
                                   status_code=status)
    if status == 429:
        return RateLimitError(f"{SERVICE} is rate limiting this key (too many requests).", retry_after=retry_after)
    return status_error(SERVICE, status, redact(detail, api_key), retry_after=retry_after)


def prompt_block(body: Mapping[str, Any]) -> ContentPolicyError | None:
    """ContentPolicyError when ``promptFeedback.blockReason`` is set, else None."""
    feedback = body.get("promptFeedback") or body.get("prompt_feedback") or {}
    if not isinstance(feedback, dict):
        return None
    reason = feedback.get("blockReason") or feedback.get("block_reason")
    if not reason:
        return None
    extra = feedback.get("blockReasonMessage") or feedback.get("block_reason_message") or ""
    why = f" {one_line(extra, 200)}" if extra else ""
    return ContentPolicyError(f"{SERVICE} blocked the prompt ({reason}).{why} Try rewording it or changing the "
                              "reference images.")


def model_check(client: httpx.Client, model: str, api_key: str, *, cancel: CancelToken | None = None) -> str:
    """``GET /v1beta/models/{model}``: checks key and model without billing a generation.

    Returns:
        a one-line confirmation for the Settings dialog.
    Raises:
        AuthenticationError, GenerationError: mapped as for a generation.
    """
    req = client.build_request("GET", f"/{API_VERSION}/models/{model}", headers=auth_headers(api_key))
    resp = send_request(client, req, service=SERVICE, cancel=cancel)
    if resp.status_code != 200:
        raise error_from_response(resp.status_code, resp.headers, resp.text, api_key=api_key, model=model)
    try:
        shown = json.loads(resp.text).get("displayName") or model
    except (ValueError, AttributeError):
        shown = model
    return f"Connected to {SERVICE}: {shown} is available to this key."
