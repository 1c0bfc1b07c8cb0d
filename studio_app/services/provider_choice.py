"""ProviderSetup: the provider and chat-model settings, keys and checks, bound to one data dir.

The Settings dialog and the main window use this object instead of holding the StudioStore;
each method is the function of the same name in ``provider_setup`` (or ``model_lists``) with
the store filled in, and documents the same errors. Methods marked "worker thread" read the
keyring or the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import provider_setup as ps
from .context import StudioStore

if TYPE_CHECKING:
    from studio_app.providers.base import CancelToken
    from studio_app.store.secrets import SecretSource

    from .generation import ProviderRegistry
    from .model_lists import CachedModelList


class ProviderSetup:
    """Provider settings of one opened data dir (see module docstring).

    Args:
        store: the opened data dir (settings.json and the SecretStore).
    """

    def __init__(self, store: StudioStore) -> None:
        self._store = store

    # -- settings sections ---------------------------------------------------------------------
    def provider_settings(self) -> ps.ProviderSettings:
        """The ``providers`` section (defaults when missing or invalid)."""
        return ps.provider_settings(self._store)

    def save_provider_settings(self, settings: ps.ProviderSettings) -> None:
        """Store the ``providers`` section. Raises OSError when settings.json cannot be written."""
        ps.save_provider_settings(self._store, settings)

    def coach_llm_settings(self) -> ps.CoachLLMSettings:
        """The coach's chat-model choice."""
        return ps.coach_llm_settings(self._store)

    def save_coach_llm_settings(self, settings: ps.CoachLLMSettings) -> None:
        """Store the coach's chat-model choice. Raises OSError when settings.json cannot be written."""
        ps.save_coach_llm_settings(self._store, settings)

    def default_provider(self, registry: ProviderRegistry | None = None) -> str:
        """The provider Generate uses (never reads the keyring)."""
        return ps.default_provider(self._store, registry)

    def label(self, name: str) -> str:
        """The status bar's words for provider ``name``, e.g. "Gemini (gemini-3.1-flash-image)"."""
        return ps.provider_label(self._store, name)

    def resolved_model(self, name: str, *, base_url: str | None = None) -> str:
        """The model image provider ``name`` uses at ``base_url``."""
        return ps.resolved_model(self._store, name, base_url=base_url)

    # -- model lists -----------------------------------------------------------------------------
    def cached_image_models(self, name: str, *, base_url: str | None = None) -> CachedModelList | None:
        """The last model list of image provider ``name`` at ``base_url``, or None."""
        from . import model_lists

        return model_lists.cached_list(self._store, name, base_url=base_url)

    def refresh_image_models(self, name: str, *, api_key: str | None = None, base_url: str | None = None,
                             cancel: CancelToken | None = None) -> CachedModelList:
        """Ask image provider ``name`` for its models and cache the answer (worker thread)."""
        from . import model_lists

        return model_lists.refresh_image_models(self._store, name, api_key=api_key, base_url=base_url,
                                                cancel=cancel)

    def cached_chat_models(self, engine: str, *, base_url: str | None = None) -> list[str]:
        """The chat models last listed for ``engine`` at ``base_url`` ([] when none yet)."""
        return ps.cached_chat_models(self._store, engine, base_url=base_url)

    def refresh_chat_models(self, engine: str, *, base_url: str | None = None,
                            cancel: CancelToken | None = None) -> list[str]:
        """Ask the coach's chat server which models it has (worker thread)."""
        return ps.refresh_chat_models(self._store, engine, base_url=base_url, cancel=cancel)

    # -- keys and checks ---------------------------------------------------------------------------
    def key_state(self, name: str) -> ps.KeyState:
        """Where provider ``name``'s key comes from, in words (worker thread)."""
        return ps.key_state(self._store, name)

    def keyring_message(self) -> str | None:
        """Why keys are kept for this run only, or None (worker thread)."""
        return ps.keyring_message(self._store)

    def save_api_key(self, name: str, key: str) -> SecretSource:
        """Store provider ``name``'s key (worker thread); where it is kept."""
        return ps.save_api_key(self._store, name, key)

    def remove_api_key(self, name: str) -> SecretSource | None:
        """Forget provider ``name``'s key (worker thread); where a key still comes from, or None."""
        return ps.remove_api_key(self._store, name)

    def check_image_provider(self, name: str, *, api_key: str | None = None, model: str | None = None,
                             base_url: str | None = None, read_timeout_s: float | None = None,
                             cancel: CancelToken | None = None) -> str:
        """One cheap call to image provider ``name`` (worker thread); the outcome in words."""
        return ps.check_image_provider(self._store, name, api_key=api_key, model=model, base_url=base_url,
                                       read_timeout_s=read_timeout_s, cancel=cancel)

    def check_chat_provider(self, engine: str, *, model: str | None = None, base_url: str | None = None,
                            read_timeout_s: float | None = None, cancel: CancelToken | None = None) -> str:
        """One cheap call to the coach's chat model (worker thread); the outcome in words."""
        return ps.check_chat_provider(self._store, engine, model=model, base_url=base_url,
                                      read_timeout_s=read_timeout_s, cancel=cancel)
