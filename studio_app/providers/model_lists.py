"""Asking a service which models exist today (the live model list).

- Gemini: ``GET /v1beta/models?pageSize=1000`` (following ``nextPageToken``); each entry has
  ``name`` ("models/ID") and ``supportedGenerationMethods``. Image models are those that
  support ``generateContent`` and whose name marks image output (catalogue.is_image_model_id);
  chat models support ``generateContent`` and are not image, embedding, TTS or audio models.
  Source: ai.google.dev/api/models#method:-models.list.
- OpenAI: ``GET /v1/models`` -> ``{"object": "list", "data": [{"id", "object", "created",
  "owned_by"}]}``; image models are ``gpt-image*`` / ``chatgpt-image*``.
  Source: platform.openai.com/docs/api-reference/models/list (openai ``types/model.py``).
- OpenAI-compatible chat servers (Ollama, LM Studio): the same ``GET {base}/models``; Ollama
  lists ids with tags (``llama3.2:latest``).

The parse functions take the raw JSON bytes so they can be tested and timed alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .base import CancelToken
from .catalogue import is_image_model_id
from .errors import GenerationError
from .transport import send_request

GEMINI_PAGE_SIZE = 1000
MAX_PAGES = 20
_NOT_CHAT = ("image", "embedding", "tts", "audio", "aqa", "imagen", "veo", "lyria", "live", "transcribe",
             "nano-banana", "robotics", "omni")


@dataclass(frozen=True)
class ModelEntry:
    """One model a service lists.

    Attributes:
        id: the id to send (no ``models/`` prefix).
        label: the service's display name, or the id.
        methods: Gemini ``supportedGenerationMethods`` (empty for OpenAI-style lists).
    """

    id: str
    label: str = ""
    methods: tuple[str, ...] = ()


def _load(content: bytes, service: str) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        raise GenerationError(f"{service} sent a model list that is not valid JSON.") from None


def parse_gemini_models(content: bytes) -> tuple[list[ModelEntry], str | None]:
    """One page of ``GET /v1beta/models``: (entries, nextPageToken or None).

    Raises:
        GenerationError: not JSON or not a model list.
    """
    body = _load(content, "Gemini")
    if not isinstance(body, dict) or not isinstance(body.get("models", []), list):
        raise GenerationError("Gemini sent a model list of an unexpected shape.")
    out = []
    for m in body.get("models", []):
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            continue
        mid = m["name"].removeprefix("models/")
        methods = tuple(str(x) for x in m.get("supportedGenerationMethods") or m.get("supported_actions") or ())
        out.append(ModelEntry(mid, str(m.get("displayName") or mid), methods))
    token = body.get("nextPageToken")
    return out, token if isinstance(token, str) and token else None


def parse_openai_models(content: bytes, service: str = "OpenAI") -> list[ModelEntry]:
    """``GET /v1/models`` of OpenAI or a compatible server.

    Raises:
        GenerationError: not JSON or no ``data`` list (not an OpenAI-compatible server).
    """
    body = _load(content, service)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise GenerationError(f"{service} answered, but not with an OpenAI-style model list.")
    return [ModelEntry(str(m["id"]), str(m["id"])) for m in data if isinstance(m, dict) and m.get("id")]


def gemini_image_models(entries: list[ModelEntry]) -> list[str]:
    """Ids of Gemini models that support generateContent and make images."""
    return [e.id for e in entries if "generateContent" in e.methods and is_image_model_id("gemini", e.id)]


def gemini_chat_models(entries: list[ModelEntry]) -> list[str]:
    """Ids of Gemini text models that support generateContent (no image/TTS/embedding models)."""
    return [e.id for e in entries if "generateContent" in e.methods and e.id.startswith("gemini")
            and not any(word in e.id.lower() for word in _NOT_CHAT)]


def openai_image_models(entries: list[ModelEntry]) -> list[str]:
    """Ids of OpenAI image models (``gpt-image*``, ``chatgpt-image*``)."""
    return [e.id for e in entries if is_image_model_id("openai", e.id)]


def fetch_gemini_models(client: httpx.Client, headers: Mapping[str, str], *, cancel: CancelToken | None,
                        map_error: Callable[[httpx.Response], GenerationError],
                        api_version: str = "v1beta") -> list[ModelEntry]:
    """Every model the key may use (all pages).

    Raises:
        GenerationError (AuthenticationError, ...): mapped by ``map_error``; a bad list.
    """
    entries: list[ModelEntry] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        params = {"pageSize": str(GEMINI_PAGE_SIZE)}
        if token:
            params["pageToken"] = token
        req = client.build_request("GET", f"/{api_version}/models", params=params, headers=dict(headers))
        resp = send_request(client, req, service="Gemini", cancel=cancel)
        if resp.status_code != 200:
            raise map_error(resp)
        page, token = parse_gemini_models(resp.content)
        entries.extend(page)
        if not token:
            break
    return entries


def fetch_openai_models(client: httpx.Client, path: str, headers: Mapping[str, str], *, service: str,
                        cancel: CancelToken | None,
                        map_error: Callable[[httpx.Response], GenerationError]) -> list[ModelEntry]:
    """``GET path`` (``/v1/models`` or ``/models`` under a ``/v1`` base) of an OpenAI-style server.

    Raises:
        GenerationError: mapped by ``map_error``; not an OpenAI-style list.
    """
    req = client.build_request("GET", path, headers=dict(headers))
    resp = send_request(client, req, service=service, cancel=cancel)
    if resp.status_code != 200:
        raise map_error(resp)
    return parse_openai_models(resp.content, service)


def match_model_tag(wanted: str, ids: list[str]) -> str | None:
    """The listed id that ``wanted`` names: itself, or ``wanted:latest`` for an untagged name
    (Ollama lists ``llama3.2:latest``; ``llama3.2`` means that one). None when absent."""
    if wanted in ids:
        return wanted
    if ":" not in wanted and f"{wanted}:latest" in ids:
        return f"{wanted}:latest"
    return None
