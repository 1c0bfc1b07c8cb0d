"""The OpenAI REST conventions shared by the images provider and the OpenAI-compatible chat.

Sources: https://platform.openai.com/docs/api-reference and openai-python's ``_base_client``,
images and chat types: ``Authorization: Bearer`` auth, the error body
``{"error": {"message", "type", "param", "code"}}``, ``moderation_blocked`` refusals,
``x-should-retry`` and ``retry-after-ms``/``retry-after`` headers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

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
from .transport import html_title, looks_like_html, status_error

BASE_URL_ENV = "STUDIO_OPENAI_BASE_URL"
DEFAULT_BASE_URL = IMAGE_PROVIDERS["openai"].base_url
SERVICE = IMAGE_PROVIDERS["openai"].short_label


def resolve_base_url(base_url: str | None = None) -> str:
    """The server root: ``base_url``, else ``$STUDIO_OPENAI_BASE_URL``, else api.openai.com.

    A trailing ``/v1`` is removed, since the paths we call start with ``/v1/``.
    """
    url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    return url[:-3] if url.endswith("/v1") else url


def auth_headers(api_key: str | None) -> dict[str, str]:
    """``Authorization: Bearer KEY`` (nothing for a keyless local server)."""
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def error_payload(text: str) -> dict[str, Any] | None:
    """The ``error`` object of an OpenAI-style error body, or None."""
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(error := body.get("error"), dict):
        return error
    if isinstance(body, dict) and isinstance(body.get("error"), str):  # Ollama/LM Studio style
        return {"message": body["error"]}
    return None


def error_from_payload(err: Mapping[str, Any], status: int | None, *, headers: Mapping[str, str] | None = None,
                       api_key: str | None = None, service: str = SERVICE,
                       model: str | None = None) -> GenerationError:
    """Map an OpenAI ``error`` object (HTTP error or mid-stream event) to our errors.

    - ``code`` moderation_blocked (HTTP 400, type image_generation_user_error) -> ContentPolicyError
    - 401 -> AuthenticationError (the service's text is not quoted: it shows part of the key)
    - 403 -> AuthenticationError quoting the reason (e.g. organization not verified)
    - 429 ``insufficient_quota`` -> RateLimitError(per_day=True): no credit, never retried
    - 429 -> RateLimitError(retry_after from retry-after-ms / retry-after)
    - 404 ``model_not_found`` (or any 404 naming ``model``) -> ModelNotFoundError
    - 409 (a lock timeout) is retried, like the openai SDK's ``_should_retry``
    - ``x-should-retry: true|false`` overrides whether 5xx/408/409 are retried.
    """
    headers = headers or {}
    code = str(err.get("code") or "")
    said = redact(one_line(str(err.get("message") or ""), 240), api_key)
    retry_after = parse_retry_after(headers)
    if code == "moderation_blocked" or "safety system" in said.lower():
        return ContentPolicyError(f"{service}'s safety system rejected the request. Try rewording the prompt "
                                  "or changing the reference images.", status_code=status)
    if status == 401 or code == "invalid_api_key":
        return AuthenticationError(f"{service} rejected the API key. Check the key in Settings.", status_code=status)
    if status == 403:
        return AuthenticationError(f"{service} refused access with this key (HTTP 403: {said}).", status_code=403)
    if status == 429 or code in ("rate_limit_exceeded", "insufficient_quota"):
        if code == "insufficient_quota":
            return RateLimitError(f"The {service} account of this key has no quota or credit left "
                                  "(insufficient_quota). Check billing, then try again.", per_day=True)
        when = f" It asked to wait {retry_after:.0f} s." if retry_after is not None else ""
        return RateLimitError(f"{service} is rate limiting this key (too many requests).{when}",
                              retry_after=retry_after)
    if code == "model_not_found" or (status == 404 and model and model in said):
        return ModelNotFoundError(service, model or _quoted_model(said) or "?", status_code=status)
    if status is None:
        return GenerationError(f"{service} reported an error: {said or 'no details'}.")
    mapped = status_error(service, status, said, retry_after=retry_after)
    if status == 409:
        mapped.retryable = True
        mapped.retry_after = retry_after
    should = {k.lower(): v for k, v in headers.items()}.get("x-should-retry")
    if should in ("true", "false"):
        mapped.retryable = should == "true"
    return mapped


def _quoted_model(said: str) -> str | None:
    match = re.search(r"model `([^`]+)`", said)
    return match.group(1) if match else None


def error_from_response(status: int, headers: Mapping[str, str], text: str, *, api_key: str | None = None,
                        service: str = SERVICE, model: str | None = None) -> GenerationError:
    """Map a non-2xx answer (JSON error body, HTML page, garbage) of an OpenAI-style server."""
    err = error_payload(text)
    if err is not None:
        return error_from_payload(err, status, headers=headers, api_key=api_key, service=service, model=model)
    if looks_like_html(text):
        title = html_title(text)
        detail = f"an error page{f' saying {title!r}' if title else ''}"
    else:
        detail = redact(one_line(text, 160), api_key) if text.strip() else "no details"
    return error_from_payload({"message": detail}, status, headers=headers, api_key=api_key, service=service)
