"""ProviderRegistry: image provider name -> factory, as the generation service creates them."""

from __future__ import annotations

from collections.abc import Callable

from studio_app.providers.base import ImageProvider
from studio_app.providers.errors import GenerationError
from studio_app.providers.offline import OfflinePreviewProvider

ProviderFactory = Callable[[], ImageProvider]


class ProviderRegistry:
    """Provider name -> factory. ``offline`` is always there."""

    def __init__(self) -> None:
        self._factories: dict[str, ProviderFactory] = {"offline": OfflinePreviewProvider}

    def register(self, name: str, factory: ProviderFactory) -> None:
        """Add or replace a provider."""
        self._factories[name] = factory

    def names(self) -> list[str]:
        """Registered provider names."""
        return list(self._factories)

    def create(self, name: str) -> ImageProvider:
        """A provider instance.

        Raises:
            GenerationError: unknown provider name.
        """
        try:
            return self._factories[name]()
        except KeyError:
            raise GenerationError(
                f"Unknown provider {name!r}; choose one of: {', '.join(self._factories)}"
            ) from None


