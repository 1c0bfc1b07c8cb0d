"""Chat providers for the prompt coach: tokens streamed as they arrive.

Two wire formats (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent and
https://platform.openai.com/docs/api-reference/chat-streaming):

- GeminiChatProvider: ``POST /v1beta/models/{m}:streamGenerateContent?alt=sse``; events
  are ``data: <GenerateContentResponse>`` separated by blank lines (LF or CRLF), with no
  ``[DONE]``; ``thought`` parts are skipped; ``usageMetadata`` is cumulative.
- OpenAICompatibleChatProvider: ``POST {base}/chat/completions`` with ``stream: true`` and
  ``stream_options.include_usage``; deltas in ``choices[0].delta.content``, a final
  ``choices: []`` chunk with ``usage``, then ``data: [DONE]``. The base URL makes it serve
  OpenAI (https://api.openai.com/v1), Ollama (http://localhost:11434/v1) and LM Studio
  (http://localhost:1234/v1).

Both report a mid-stream ``data: {"error": ...}`` as the mapped error. SSE is parsed by
httpx-sse (WHATWG rules: CR, LF or CRLF line ends, multi-line ``data``, comments).
Opening the stream goes through the shared RetryPolicy; once the first event has
arrived nothing is retried (the coach would repeat itself). The stream is read on a
helper thread so that ``cancel()`` ends the iteration within ~20 ms even while the
first token is slow to come.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from httpx_sse import EventSource, ServerSentEvent

from studio_app.domain.coach import CoachMessage

from . import gemini_wire, openai_wire
from .base import CancelToken
from .catalogue import CHAT_PROVIDERS
from .errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationCancelledError,
    GenerationError,
    ModelNotFoundError,
    one_line,
    redact,
)
from .model_lists import fetch_gemini_models, fetch_openai_models, gemini_chat_models, match_model_tag
from .retry import RetryPolicy
from .transport import POLL_S, json_object, make_client, send_request, transport_error

log = logging.getLogger(__name__)

OPENAI_CHAT_BASE_URL = CHAT_PROVIDERS["openai"].base_url
OLLAMA_BASE_URL = CHAT_PROVIDERS["ollama"].base_url
LM_STUDIO_BASE_URL = CHAT_PROVIDERS["lmstudio"].base_url
DEFAULT_GEMINI_CHAT_MODEL = CHAT_PROVIDERS["gemini"].default_model
DEFAULT_OPENAI_CHAT_MODEL = CHAT_PROVIDERS["openai"].default_model
DEFAULT_OLLAMA_MODEL = CHAT_PROVIDERS["ollama"].default_model
DEFAULT_READ_TIMEOUT_S = 120.0
"""Longest silence between two stream events, in s (local models can be slow to start)."""


@dataclass(frozen=True)
class ChatMessage:
    """One turn of the conversation sent to a chat model.

    Attributes:
        role: ``user`` (the streamer) or ``assistant`` (the coach).
        content: plain text.
    """

    role: Literal["user", "assistant"]
    content: str


def chat_messages_from_coach(messages: Iterable[CoachMessage]) -> list[ChatMessage]:
    """The CoachSession's text messages as ChatMessages (coach -> assistant).

    ``system`` messages and ``asset`` messages (generated images) are left out; the
    system prompt is passed separately to ``stream_chat``.
    """
    out: list[ChatMessage] = []
    for msg in messages:
        if msg.type != "text" or msg.role == "system" or not msg.content.strip():
            continue
        out.append(ChatMessage("assistant" if msg.role == "coach" else "user", msg.content))
    return out


@dataclass(frozen=True)
class ChatUsage:
    """Token counts of one answer (None where the server did not say)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None


_DONE = object()


class ChatStream(Iterator[str]):
    """Text deltas of one answer, in order; iterate it (on a worker thread).

    After the iteration ends, ``usage`` and ``finish_reason`` hold what the server
    reported. ``close()`` (or leaving a ``with`` block) stops reading early.

    Iteration raises:
        AuthenticationError, RateLimitError, GenerationTimeoutError, GenerationError:
            opening failed (after retries) or an error arrived mid-stream.
        ContentPolicyError: a safety filter blocked the prompt or stopped the answer.
        GenerationCancelledError: ``cancel`` was set.
    """

    def __init__(self, open_response: Callable[[], httpx.Response],
                 handle_event: Callable[[ServerSentEvent, ChatStream], object],
                 *, service: str, retry: RetryPolicy, cancel: CancelToken | None) -> None:
        self.service = service
        self.usage: ChatUsage | None = None
        self.finish_reason: str | None = None
        self._open = open_response
        self._handle = handle_event
        self._retry = retry
        self._cancel = cancel
        self._response: httpx.Response | None = None
        self._gen = self._run()

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> str:
        return next(self._gen)

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._gen.close()
        if self._response is not None:
            self._response.close()

    def text(self) -> str:
        """Consume the stream and return the whole answer."""
        return "".join(self)

    def _run(self) -> Generator[str, None, None]:
        response = self._retry.run(self._open, cancel=self._cancel)
        self._response = response
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def reader() -> None:
            try:
                for sse in EventSource(response).iter_sse():
                    events.put(("event", sse))
                events.put(("end", None))
            except httpx.HTTPError as exc:
                events.put(("error", transport_error(exc, self.service)))
            except Exception as exc:  # noqa: BLE001 - e.g. a response closed by close()/cancel
                events.put(("error", GenerationError(f"Reading the answer from {self.service} failed "
                                                     f"({type(exc).__name__}).")))

        threading.Thread(target=reader, name="studio-chat-stream", daemon=True).start()
        ended_cleanly = False
        try:
            while True:
                if self._cancel is not None and self._cancel.cancelled:
                    raise GenerationCancelledError("Cancelled.")
                try:
                    kind, item = events.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                if kind == "end":
                    break
                if kind == "error":
                    raise item
                out = self._handle(item, self)
                if out is _DONE:
                    ended_cleanly = True
                    break
                if isinstance(out, str) and out:
                    yield out
            if not ended_cleanly and self.finish_reason is None:
                raise GenerationError(f"The answer from {self.service} was cut off; try again.")
        finally:
            response.close()


def _json_event(sse: ServerSentEvent, service: str) -> dict[str, Any]:
    return json_object(sse.data, unreadable=f"{service} sent a stream event that could not be read.",
                       wrong_shape=f"{service} sent a stream event of an unexpected shape.")


def _open_stream(client: httpx.Client, build: Callable[[], httpx.Request], *, service: str,
                 cancel: CancelToken | None,
                 map_error: Callable[[int, Mapping[str, str], str], GenerationError]) -> httpx.Response:
    resp = send_request(client, build(), service=service, cancel=cancel, stream=True)
    if resp.status_code != 200:
        try:
            text = resp.read().decode("utf-8", "replace")
        except httpx.HTTPError:
            text = ""
        finally:
            resp.close()
        raise map_error(resp.status_code, resp.headers, text)
    ctype = resp.headers.get("content-type", "")
    if "text/event-stream" not in ctype:
        resp.close()
        raise GenerationError(f"{service} answered without a stream ({one_line(ctype, 60) or 'no content type'}); "
                              "check the server address.")
    return resp


class ChatProvider(ABC):
    """A chat model for the coach.

    Attributes:
        name: short id (``gemini``, ``openai_compatible``).
        label: shown in the GUI (e.g. "Ollama (llama3.2)").
    """

    name: str = ""
    label: str = ""

    @abstractmethod
    def stream_chat(self, messages: Sequence[ChatMessage], system: str = "", *,
                    cancel: CancelToken | None = None) -> ChatStream:
        """Start an answer to ``messages`` (oldest first) under the ``system`` prompt.

        Nothing is sent until the stream is iterated (do that on a worker thread).
        Raises (while iterating): see ChatStream.
        """

    @abstractmethod
    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """Check address, key and model cheaply (lists/reads models; nothing is billed).

        Returns:
            a one-line confirmation for the Settings dialog.
        Raises:
            AuthenticationError, GenerationError (one-line message).
        """

    @abstractmethod
    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """The chat model ids the server (and key) offers today, for the Settings dialog.

        Raises:
            AuthenticationError, GenerationError (one-line message).
        """

    @abstractmethod
    def close(self) -> None:
        """Close the HTTP connections."""


class GeminiChatProvider(ChatProvider):
    """Gemini text chat, streamed over SSE.

    Args:
        api_key: the Gemini API key.
        model: default: the catalogue's Gemini chat model (a current small model).
        base_url: overrides ``$STUDIO_GEMINI_BASE_URL`` and the public endpoint.
        retry, read_timeout_s, transport: as for GeminiImageProvider.
    """

    name = "gemini"

    def __init__(self, api_key: str | None, *, model: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._api_key = api_key or ""
        self.model = model or DEFAULT_GEMINI_CHAT_MODEL
        self.label = f"Gemini ({self.model})"
        self.base_url = gemini_wire.resolve_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self._client = make_client(self.base_url, read_timeout_s=read_timeout_s, transport=transport)

    def __repr__(self) -> str:
        return f"GeminiChatProvider(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    @staticmethod
    def build_body(messages: Sequence[ChatMessage], system: str) -> dict[str, Any]:
        """The streamGenerateContent body: turns as user/model, consecutive same-role turns merged."""
        contents: list[dict[str, Any]] = []
        for msg in messages:
            role = "model" if msg.role == "assistant" else "user"
            if contents and contents[-1]["role"] == role:
                contents[-1]["parts"].append({"text": msg.content})
            else:
                contents.append({"role": role, "parts": [{"text": msg.content}]})
        body: dict[str, Any] = {"contents": contents}
        if system.strip():
            body["systemInstruction"] = {"parts": [{"text": system}]}
        return body

    def stream_chat(self, messages: Sequence[ChatMessage], system: str = "", *,
                    cancel: CancelToken | None = None) -> ChatStream:
        """See ChatProvider.stream_chat. Raises AuthenticationError at once without a key."""
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set. Add one in Settings (or set GEMINI_API_KEY).")
        if not messages:
            raise GenerationError("There is nothing to send to the coach yet.")
        body = json.dumps(self.build_body(messages, system)).encode("utf-8")
        key = self._api_key

        def build() -> httpx.Request:
            return self._client.build_request(
                "POST", gemini_wire.model_path(self.model, "streamGenerateContent"), params={"alt": "sse"},
                content=body, headers={"Content-Type": "application/json", "Accept": "text/event-stream",
                                       **gemini_wire.auth_headers(key)})

        def map_error(status: int, headers: Mapping[str, str], text: str) -> GenerationError:
            return gemini_wire.error_from_response(status, headers, text, api_key=key, model=self.model)

        def open_response() -> httpx.Response:
            return _open_stream(self._client, build, service=gemini_wire.SERVICE, cancel=cancel,
                                map_error=map_error)

        return ChatStream(open_response, self._handle_event, service=gemini_wire.SERVICE, retry=self.retry,
                          cancel=cancel)

    def _handle_event(self, sse: ServerSentEvent, stream: ChatStream) -> object:
        data = _json_event(sse, gemini_wire.SERVICE)
        if isinstance(data.get("error"), dict):
            raise gemini_wire.error_from_payload(data["error"], None, api_key=self._api_key, model=self.model)
        usage = data.get("usageMetadata")
        if isinstance(usage, dict):
            stream.usage = ChatUsage(usage.get("promptTokenCount"), usage.get("candidatesTokenCount"),
                                     usage.get("totalTokenCount"))
        candidates = data.get("candidates") or []
        if not candidates:
            blocked = gemini_wire.prompt_block(data)
            if blocked is not None:
                raise blocked
            return None
        cand = candidates[0] if isinstance(candidates[0], dict) else {}
        parts = (cand.get("content") or {}).get("parts") or []
        text = "".join(str(p.get("text") or "") for p in parts if isinstance(p, dict) and not p.get("thought"))
        finish = cand.get("finishReason")
        if finish:
            stream.finish_reason = str(finish)
            if finish in gemini_wire.POLICY_FINISH_REASONS:
                raise ContentPolicyError(f"{gemini_wire.SERVICE}'s safety filter stopped the answer ({finish}). "
                                         "Try rephrasing.")
        return text

    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """Chat model ids the key may use (``GET /v1beta/models``, text generateContent models)."""
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set.")
        key = self._api_key
        entries = fetch_gemini_models(
            self._client, gemini_wire.auth_headers(key), cancel=cancel,
            map_error=lambda r: gemini_wire.error_from_response(r.status_code, r.headers, r.text, api_key=key))
        return gemini_chat_models(entries)

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """``GET /v1beta/models/{model}`` with the key; see ChatProvider.test_connection.
        A retired model fails with ModelNotFoundError naming the chat models offered."""
        if not self._api_key:
            raise AuthenticationError("No Gemini API key is set.")
        try:
            return gemini_wire.model_check(self._client, self.model, self._api_key, cancel=cancel)
        except ModelNotFoundError as err:
            try:
                live = self.list_models(cancel=cancel)
            except GenerationError:
                live = []
            raise err.with_replacements(sorted(live, reverse=True)) from None


class OpenAICompatibleChatProvider(ChatProvider):
    """Chat over ``/chat/completions`` streaming: OpenAI, Ollama, LM Studio and the like.

    Args:
        base_url: the API root including ``/v1`` (OPENAI_CHAT_BASE_URL, OLLAMA_BASE_URL,
            LM_STUDIO_BASE_URL or any compatible server).
        model: the model id (Ollama: a pulled model such as ``llama3.2``).
        api_key: sent as ``Authorization: Bearer``; None for local servers without auth.
        service: name used in messages ("OpenAI", "Ollama", "LM Studio").
        include_usage: ask for the final usage chunk (``stream_options.include_usage``).
        retry, read_timeout_s, transport: as for the image providers.
    """

    name = "openai_compatible"

    def __init__(self, base_url: str, *, model: str, api_key: str | None = None, service: str = "OpenAI",
                 include_usage: bool = True, retry: RetryPolicy | None = None,
                 read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.service = service
        self.label = f"{service} ({model})"
        self.include_usage = include_usage
        self._api_key = api_key or None
        self.retry = retry or RetryPolicy()
        self._client = make_client(self.base_url, read_timeout_s=read_timeout_s, transport=transport)

    @classmethod
    def openai(cls, api_key: str | None, *, model: str = DEFAULT_OPENAI_CHAT_MODEL, **kwargs: Any,
               ) -> OpenAICompatibleChatProvider:
        """OpenAI itself (``$STUDIO_OPENAI_BASE_URL`` + ``/v1`` when set)."""
        if not api_key:
            raise AuthenticationError("No OpenAI API key is set. Add one in Settings (or set OPENAI_API_KEY).")
        base = openai_wire.resolve_base_url(kwargs.pop("base_url", None)) + "/v1"
        return cls(base, model=model, api_key=api_key, service="OpenAI", **kwargs)

    @classmethod
    def ollama(cls, *, model: str = DEFAULT_OLLAMA_MODEL, base_url: str = OLLAMA_BASE_URL, **kwargs: Any,
               ) -> OpenAICompatibleChatProvider:
        """A local Ollama server (no key)."""
        return cls(base_url, model=model, service="Ollama", **kwargs)

    @classmethod
    def lm_studio(cls, *, model: str, base_url: str = LM_STUDIO_BASE_URL, **kwargs: Any,
                  ) -> OpenAICompatibleChatProvider:
        """A local LM Studio server (no key)."""
        return cls(base_url, model=model, service="LM Studio", **kwargs)

    def __repr__(self) -> str:
        return f"OpenAICompatibleChatProvider(service={self.service!r}, model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def build_body(self, messages: Sequence[ChatMessage], system: str) -> dict[str, Any]:
        """The chat/completions body with ``stream: true``."""
        msgs: list[dict[str, str]] = [{"role": "system", "content": system}] if system.strip() else []
        msgs.extend({"role": m.role, "content": m.content} for m in messages)
        body: dict[str, Any] = {"model": self.model, "messages": msgs, "stream": True}
        if self.include_usage:
            body["stream_options"] = {"include_usage": True}
        return body

    def stream_chat(self, messages: Sequence[ChatMessage], system: str = "", *,
                    cancel: CancelToken | None = None) -> ChatStream:
        """See ChatProvider.stream_chat."""
        if not messages:
            raise GenerationError("There is nothing to send to the coach yet.")
        payload = self.build_body(messages, system)

        def build() -> httpx.Request:
            return self._client.build_request("POST", "/chat/completions", json=payload,
                                              headers={"Accept": "text/event-stream",
                                                       **openai_wire.auth_headers(self._api_key)})

        def map_error(status: int, headers: Mapping[str, str], text: str) -> GenerationError:
            return openai_wire.error_from_response(status, headers, text, api_key=self._api_key,
                                                   service=self.service, model=self.model)

        def open_response() -> httpx.Response:
            return _open_stream(self._client, build, service=self.service, cancel=cancel, map_error=map_error)

        return ChatStream(open_response, self._handle_event, service=self.service, retry=self.retry,
                          cancel=cancel)

    def _handle_event(self, sse: ServerSentEvent, stream: ChatStream) -> object:
        if sse.data.strip() == "[DONE]":
            return _DONE
        if not sse.data.strip():
            return None
        data = _json_event(sse, self.service)
        if data.get("error"):
            err = data["error"] if isinstance(data["error"], dict) else {"message": str(data["error"])}
            raise openai_wire.error_from_payload(err, _status(err), api_key=self._api_key, service=self.service)
        usage = data.get("usage")
        if isinstance(usage, dict):
            stream.usage = ChatUsage(usage.get("prompt_tokens"), usage.get("completion_tokens"),
                                     usage.get("total_tokens"))
        pieces: list[str] = []
        for choice in data.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str):
                pieces.append(content)
            if choice.get("finish_reason"):
                stream.finish_reason = str(choice["finish_reason"])
                if choice["finish_reason"] == "content_filter":
                    raise ContentPolicyError(f"{self.service}'s content filter stopped the answer. Try rephrasing.")
        return "".join(pieces)

    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """Model ids the server lists (``GET {base}/models``; Ollama ids carry tags).

        Raises:
            GenerationError: no answer, an error, or not an OpenAI-compatible list.
        """
        def map_error(resp: httpx.Response) -> GenerationError:
            return openai_wire.error_from_response(resp.status_code, resp.headers, resp.text,
                                                   api_key=self._api_key, service=self.service)

        try:
            entries = fetch_openai_models(self._client, "/models", openai_wire.auth_headers(self._api_key),
                                          service=self.service, cancel=cancel, map_error=map_error)
        except GenerationError as exc:
            if "model list" in str(exc):
                raise GenerationError(f"{self.service} at {self.base_url} answered, but not like an "
                                      "OpenAI-compatible server.") from None
            raise
        return [e.id for e in entries]

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """``GET {base}/models``; checks the server answers and offers the model. An untagged
        name matches its ``:latest`` tag (Ollama lists ``llama3.2:latest`` for ``llama3.2``)."""
        ids = self.list_models(cancel=cancel)
        found = match_model_tag(self.model, ids)
        if ids and found is None:
            shown = redact(", ".join(ids[:8]), self._api_key)
            raise GenerationError(f"{self.service} has no model {self.model!r}. Available: {shown}.")
        return f"Connected to {self.service}: {found or self.model} is available."


def _status(err: Mapping[str, Any]) -> int | None:
    for key in ("status", "code"):
        value = err.get(key)
        if isinstance(value, int):
            return value
    return None
