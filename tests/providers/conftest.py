"""Fixtures for provider tests: loopback servers (one per session, reset per test) and fast retries."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PIL import Image

from studio_app.providers.base import CancelToken, InputImage
from studio_app.providers.retry import RetryPolicy
from tests.servers.gemini_server import GeminiServer
from tests.servers.openai_server import OLLAMA_MODELS, OpenAIServer


@pytest.fixture(scope="session")
def _gemini_session() -> Iterator[GeminiServer]:
    server = GeminiServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _openai_session() -> Iterator[OpenAIServer]:
    server = OpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _local_llm_session() -> Iterator[OpenAIServer]:
    server = OpenAIServer(require_auth=False, models=OLLAMA_MODELS, sse_newline="\n").start()
    yield server
    server.stop()


@pytest.fixture
def gemini_server(_gemini_session: GeminiServer) -> GeminiServer:
    """The Gemini double with no faults and an empty request log."""
    _gemini_session.reset()
    return _gemini_session


@pytest.fixture
def openai_server(_openai_session: OpenAIServer) -> OpenAIServer:
    """The OpenAI double (auth required), reset."""
    _openai_session.reset()
    return _openai_session


@pytest.fixture
def local_llm_server(_local_llm_session: OpenAIServer) -> OpenAIServer:
    """An Ollama/LM Studio-like server (no auth), reset."""
    _local_llm_session.reset()
    return _local_llm_session


@dataclass
class RecordingSleep:
    """A zero-delay sleeper that records the waits asked for (s)."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float, cancel: CancelToken | None) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> RecordingSleep:
    """Records the retry waits instead of sleeping."""
    return RecordingSleep()


@pytest.fixture
def fast_retry(sleeps: RecordingSleep) -> RetryPolicy:
    """The real policy (3 retries, full jitter) with zero-delay recorded sleeps."""
    return RetryPolicy(sleep=sleeps, rng=random.Random(7))


def png_bytes(width: int, height: int, mode: str = "RGB", color: tuple[int, ...] = (90, 120, 200)) -> bytes:
    """A small real PNG."""
    buf = io.BytesIO()
    Image.new(mode, (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def snapshot() -> InputImage:
    """A canvas snapshot (2x render size of a thumbnail, scaled down for speed)."""
    return InputImage(png_bytes(640, 360), "image/png", "canvas_snapshot")
