"""The coach's LLM engine from the ``coach`` settings: Gemini or any OpenAI-compatible server.

Kinds (providers.factory.CHAT_PROVIDERS): ``gemini``, ``openai``, ``ollama``, ``lmstudio`` and
``custom`` (any OpenAI-compatible ``base_url``). ``auto`` follows the image provider: the chat
model of the provider chosen in Settings, else Gemini or OpenAI when its key is in the
environment, else the offline coach.

Keys come only from the keyring-backed SecretStore (which also honours GEMINI_API_KEY /
OPENAI_API_KEY). They are read when the first reply streams, on the coach's worker thread:
the GUI thread never waits on the keyring. A missing key therefore shows up as that reply's
one-line error ("No Gemini API key is set. Add one in Settings ...").
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studio_app.providers.base import CancelToken
from studio_app.providers.catalogue import CHAT_PROVIDERS as CHAT_SPECS
from studio_app.providers.factory import CHAT_PROVIDERS, SECRET_FOR_PROVIDER, create_chat_provider
from studio_app.store.secrets import SecretStore

from ..context import StudioStore
from ..provider_setup import ProviderSettings
from .models import ChatEngine, CoachError, CoachSettings

if TYPE_CHECKING:  # providers.chat (and httpx) load when a chat engine is built, not at start-up
    from studio_app.providers.chat import ChatMessage, ChatProvider, ChatStream


def service_name(kind: str) -> str:
    """How the GUI names chat ``kind`` ("Ollama", "LM Studio", ...): the catalogue's short
    label, or ``kind`` itself when the catalogue does not know it."""
    spec = CHAT_SPECS.get(kind)
    return spec.short_label if spec is not None else kind


class ProviderChatEngine:
    """A ChatEngine over a providers.chat ChatProvider that is built (key included) on first use.

    Args:
        kind: a CHAT_PROVIDERS kind.
        model: the model id; None for the kind's default.
        base_url: server address (ollama, lmstudio, custom; also overrides Gemini/OpenAI for tests).
        secrets: where the key is read (on the worker thread that first streams).

    Attributes:
        label: e.g. "Ollama (llama3.2)", shown as the coach's name.
    """

    def __init__(self, kind: str, *, model: str | None, base_url: str | None, secrets: SecretStore) -> None:
        self.kind, self.model, self.base_url, self._secrets = kind, model, base_url, secrets
        shown_model = model or CHAT_PROVIDERS.get(kind) or "?"
        self.label = f"{service_name(kind)} ({shown_model})"
        self._provider: ChatProvider | None = None
        self._lock = threading.Lock()

    def provider(self) -> ChatProvider:
        """The ChatProvider, built on first call (reads the key: call it off the GUI thread).

        Raises:
            AuthenticationError: Gemini/OpenAI without a key.
            ValueError: a kind that needs a model or base URL without one.
        """
        with self._lock:
            if self._provider is None:
                secret = SECRET_FOR_PROVIDER.get(self.kind)
                key = self._secrets.get(secret) if secret else None
                self._provider = create_chat_provider(self.kind, api_key=key, model=self.model,
                                                      base_url=self.base_url)
            return self._provider

    def stream_chat(self, messages: Sequence[ChatMessage], system: str = "", *,
                    cancel: CancelToken | None = None) -> ChatStream:
        """See providers.chat.ChatProvider.stream_chat (run on a worker thread)."""
        return self.provider().stream_chat(list(messages), system, cancel=cancel)

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """A one-line confirmation that address, key and model work (run on a worker thread)."""
        return self.provider().test_connection(cancel=cancel)

    def close(self) -> None:
        """Close the provider's HTTP connections."""
        with self._lock:
            if self._provider is not None:
                self._provider.close()
                self._provider = None


def resolve_kind(settings: CoachSettings, store: StudioStore, environ: dict[str, str] | None = None) -> str | None:
    """The chat provider kind the settings ask for, or None for the offline coach.

    ``auto``: the image provider chosen in Settings when it is gemini or openai, else the first
    of gemini/openai whose key variable is set in the environment, else None. (The keyring is
    not asked here, so this is safe on the GUI thread.)
    """
    if settings.engine == "offline":
        return None
    if settings.engine != "auto":
        return settings.engine
    chosen = store.settings.section("providers", ProviderSettings).default_provider
    if chosen in SECRET_FOR_PROVIDER:
        return chosen
    env = os.environ if environ is None else environ
    for kind, spec in CHAT_SPECS.items():  # gemini, then openai: the kinds a key variable selects
        if spec.env_var and env.get(spec.env_var, "").strip():
            return kind
    return None


def build_chat_engine(settings: CoachSettings, store: StudioStore,
                      environ: dict[str, str] | None = None) -> ChatEngine | None:
    """The coach's engine for ``settings`` (None: the offline guided coach).

    Raises:
        CoachError: the chosen kind needs a model or an address that the settings lack (one line).
    """
    kind = resolve_kind(settings, store, environ)
    if kind is None:
        return None
    model = settings.model if settings.engine != "auto" else None
    base_url = settings.base_url if settings.engine != "auto" else None
    if kind in ("lmstudio", "custom") and not model:
        raise CoachError(f"Name the {service_name(kind)} model to use in Settings (the id the server lists).")
    if kind == "custom" and not base_url:
        raise CoachError("Give the address of the OpenAI-compatible server in Settings "
                         "(e.g. http://localhost:8080/v1).")
    if kind in ("ollama", "lmstudio"):  # a local server at its usual address unless one is set
        base_url = base_url or CHAT_SPECS[kind].base_url
    return ProviderChatEngine(kind, model=model, base_url=base_url, secrets=store.secrets)


def chat_engine_factory(store: StudioStore):  # noqa: ANN201 - ChatEngineFactory
    """A CoachService ``chat_engine_factory`` bound to ``store``."""
    return lambda settings: build_chat_engine(settings, store)
