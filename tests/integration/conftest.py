"""The app wired to the loopback Gemini and OpenAI servers: stores with an in-memory keyring,
provider settings pointing at the servers, retries without waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication, QMessageBox

from studio_app.providers.retry import RetryPolicy
from studio_app.services.context import StudioStore
from studio_app.services.provider_setup import ProviderSettings, retry_policy_from_env, save_provider_settings
from studio_app.store.secrets import SecretStore
from tests.memory_keyring import MemoryKeyring
from tests.servers.fixtures import fresh
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.gemini_server import GeminiServer
from tests.servers.openai_server import API_KEY as OPENAI_KEY
from tests.servers.openai_server import OpenAIServer


def no_wait_retry() -> RetryPolicy:
    """The real retry policy (3 retries) with every wait scaled to 0 via STUDIO_RETRY_SCALE's rule."""
    policy = retry_policy_from_env({"STUDIO_RETRY_SCALE": "0"})
    assert policy is not None
    return policy


def open_store(path: Path, backend: KeyringBackend | None = None, *, keys: bool = True) -> StudioStore:
    """A StudioStore whose SecretStore uses ``backend`` (default: a fresh MemoryKeyring) and
    ignores the environment; with ``keys`` the servers' keys are saved in it."""
    store = StudioStore.open(path)
    store.secrets = SecretStore(backend=backend if backend is not None else MemoryKeyring(), environ={})
    if keys:
        store.secrets.set("gemini", GEMINI_KEY)
        store.secrets.set("openai", OPENAI_KEY)
    return store


def point_at(store: StudioStore, gemini: GeminiServer, openai: OpenAIServer, *, provider: str | None = None,
             read_timeout_s: float | None = 20.0) -> None:
    """Provider settings that send Gemini and OpenAI requests to the loopback servers."""
    save_provider_settings(store, ProviderSettings(
        default_provider=provider, base_urls={"gemini": gemini.base_url, "openai": openai.base_url},
        read_timeout_s=read_timeout_s))


def close_message_boxes() -> None:
    """Close the error boxes a failing generation opened."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()


@pytest.fixture(scope="module")
def gemini_server(gemini_session: GeminiServer) -> GeminiServer:
    """The session's Gemini double, for module-scoped windows (faults reset by each test's ``servers``)."""
    return gemini_session


@pytest.fixture(scope="module")
def openai_server(openai_session: OpenAIServer) -> OpenAIServer:
    """The session's OpenAI double (auth required), for module-scoped windows."""
    return openai_session


@pytest.fixture
def servers(gemini_server: GeminiServer, openai_server: OpenAIServer) -> tuple[GeminiServer, OpenAIServer]:
    """Both doubles with no faults left and empty request logs."""
    return fresh(gemini_server), fresh(openai_server)
