"""Which image providers exist and which one is the default."""

from __future__ import annotations

from pydantic import BaseModel

from .context import StudioStore
from .generation import ProviderRegistry


class ProviderSettings(BaseModel):
    """The ``providers`` settings section (non-secret)."""

    default_provider: str | None = None


def build_provider_registry(store: StudioStore) -> ProviderRegistry:
    """The registry of providers available in this data dir (offline is always there)."""
    return ProviderRegistry()


def default_provider(store: StudioStore, registry: ProviderRegistry) -> str:
    """The provider named in settings when registered, else ``offline``."""
    chosen = store.settings.section("providers", ProviderSettings).default_provider
    return chosen if chosen in registry.names() else "offline"
