"""Loopback server fixtures shared by every test folder (registered in tests/conftest.py).

One server of each kind runs for the whole session; the function-scoped fixtures hand it to a
test with no faults left and an empty request log (``server.reset()``). Folders that need
another lifetime or set-up build on ``serving`` and ``fresh``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import pytest

from tests.servers.gemini_server import GeminiServer
from tests.servers.loopback import LoopbackServer
from tests.servers.openai_server import OLLAMA_MODELS, OpenAIServer

S = TypeVar("S", bound=LoopbackServer)


def serving(server: S) -> Iterator[S]:
    """Start ``server``, yield it to the fixture, stop it at teardown (``yield from serving(...)``)."""
    server.start()
    yield server
    server.stop()


def fresh(server: S) -> S:
    """``server`` with its faults, request log and rejections cleared."""
    server.reset()
    return server


@pytest.fixture(scope="session")
def gemini_session() -> Iterator[GeminiServer]:
    """The Gemini double for the session (API key required, SSE with CRLF, no [DONE])."""
    yield from serving(GeminiServer())


@pytest.fixture(scope="session")
def openai_session() -> Iterator[OpenAIServer]:
    """The OpenAI double for the session (API key required)."""
    yield from serving(OpenAIServer())


@pytest.fixture(scope="session")
def ollama_session() -> Iterator[OpenAIServer]:
    """An Ollama/LM Studio-like server for the session: no auth, SSE with LF, tagged model ids."""
    yield from serving(OpenAIServer(require_auth=False, models=OLLAMA_MODELS, sse_newline="\n"))


@pytest.fixture
def gemini_server(gemini_session: GeminiServer) -> GeminiServer:
    """The Gemini double with no faults and an empty request log."""
    return fresh(gemini_session)


@pytest.fixture
def openai_server(openai_session: OpenAIServer) -> OpenAIServer:
    """The OpenAI double (auth required), reset."""
    return fresh(openai_session)


@pytest.fixture
def local_llm_server(ollama_session: OpenAIServer) -> OpenAIServer:
    """An Ollama/LM Studio-like server (no auth), reset."""
    return fresh(ollama_session)
