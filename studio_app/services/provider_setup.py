"""Which image providers exist and which one is the default."""

from __future__ import annotations

import os

from pydantic import BaseModel

from studio_app.providers.factory import SECRET_FOR_PROVIDER, create_image_provider

from .context import StudioStore
from .generation import ProviderRegistry

KEY_ENV = {"gemini": "GEMINI_API_KEY", "openai": "OPENAI_API_KEY"}


class ProviderSettings(BaseModel):
    """The ``providers`` settings section (non-secret).

    Attributes:
        default_provider: name used by Generate; None means "gemini once a key is
            known, else offline".
        models: provider name -> chosen model id.
    """

    default_provider: str | None = None
    models: dict[str, str] = {}


def build_provider_registry(store: StudioStore) -> ProviderRegistry:
    """Offline, Gemini and OpenAI providers. Keys are read from the keyring-backed
    SecretStore when a job starts (on its worker thread, never the GUI thread)."""
    registry = ProviderRegistry()
    settings = store.settings.section("providers", ProviderSettings)
    for name, secret in SECRET_FOR_PROVIDER.items():
        def factory(name: str = name, secret: str = secret):
            return create_image_provider(name, api_key=store.secrets.get(secret),
                                         model=settings.models.get(name))
        registry.register(name, factory)
    return registry


def default_provider(store: StudioStore, registry: ProviderRegistry) -> str:
    """The provider Generate uses: the one chosen in Settings, else ``gemini`` when
    ``GEMINI_API_KEY`` is set, else ``offline``. (The keyring is not consulted here,
    so start-up never waits on it; saving a key in Settings records the choice.)"""
    chosen = store.settings.section("providers", ProviderSettings).default_provider
    if chosen in registry.names():
        return chosen
    if os.environ.get(KEY_ENV["gemini"]):
        return "gemini"
    return "offline"
