"""The failures a generation must survive (the issue's list), for the GUI and the CLI tests.

Each entry: (name, faults to script, a fragment of the message the streamer must see).
Retryable faults are scripted TRIES times so that the retries are used up.
"""

from __future__ import annotations

import pytest

from tests.servers import gemini_server as gs
from tests.servers import openai_server as oas
from tests.servers.loopback import Fault

GENERATE = {"gemini": ":generateContent", "openai": "/v1/images/"}
"""Path fragment of each provider's generation requests."""
TRIES = 4  # one request plus the policy's 3 retries

# A raw body: the double checks its canned replies with the SDK's types, which refuse bad base64.
GEMINI_BAD_BASE64 = Fault(body={"candidates": [{"content": {"role": "model", "parts": [
    {"inlineData": {"mimeType": "image/png", "data": "@@not*base64@@"}}]}, "finishReason": "STOP", "index": 0}]})
GEMINI_FAILURES = [
    ("429 RetryInfo", [gs.rate_limited("26s")] * TRIES, "Gemini is rate limiting this key"),
    ("503 overloaded", [gs.overloaded()] * TRIES, "Gemini is overloaded right now"),
    ("500", [gs.internal_error()] * TRIES, "Gemini had an internal error (HTTP 500"),
    ("timeout", [Fault(delay_s=1.5)] * TRIES, "did not answer in time"),
    ("blockReason", [gs.blocked_prompt()], "Gemini blocked the prompt (PROHIBITED_CONTENT)"),
    ("IMAGE_SAFETY", [gs.image_safety()], "safety filter stopped the image (IMAGE_SAFETY)"),
    ("text only", [gs.text_only()], "answered with text but no image. It said: \"I can't draw that"),
    ("malformed JSON", [gs.malformed_json()], "not valid JSON"),
    ("HTML page", [gs.html_error_page(502)] * TRIES, "an error page saying 'Error 502 (Server Error)!!1'"),
    ("bad base64", [GEMINI_BAD_BASE64], "could not be decoded (bad base64)"),
]
OPENAI_FAILURES = [
    ("429 retry-after-ms", [oas.rate_limited(retry_after_ms="40")] * TRIES, "OpenAI is rate limiting this key"),
    ("503", [oas.server_error(503)] * TRIES, "OpenAI is overloaded right now"),
    ("500", [oas.server_error(500)] * TRIES, "OpenAI had an internal error (HTTP 500"),
    ("timeout", [Fault(delay_s=1.5)] * TRIES, "did not answer in time"),
    ("moderation_blocked", [oas.moderation_blocked()], "safety system rejected the request"),
    ("no image", [Fault(reply={"created": 1, "data": []})], "answered without an image"),
    ("malformed JSON", [Fault(status=200, body="{\"data\": [", content_type="application/json")],
     "not valid JSON"),
    ("HTML page", [oas.html_error_page(502)] * TRIES, "an error page saying '502 Bad Gateway'"),
    ("bad base64", [oas.images_reply("@@not-base64@@")], "could not be decoded (bad base64)"),
]


def failure_cases() -> list:
    """GEMINI_FAILURES and OPENAI_FAILURES as pytest params (provider, faults, fragment)."""
    return ([pytest.param("gemini", f, m, id=f"gemini-{n}") for n, f, m in GEMINI_FAILURES]
            + [pytest.param("openai", f, m, id=f"openai-{n}") for n, f, m in OPENAI_FAILURES])
