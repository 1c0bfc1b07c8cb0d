"""The live model lists, cached with a time stamp in settings.json (section ``model_lists``).

With a key set the app asks each service which models exist (providers' ``list_models``)
and keeps the answer here, so Settings can offer today's models, mark a stored choice that
the service no longer lists as unavailable, and the default follows what is offered
(catalogue.choose_default). Network calls happen on worker threads only; reading the cache
is cheap and safe on the GUI thread.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from studio_app.providers.base import CancelToken
from studio_app.providers.catalogue import IMAGE_PROVIDERS, replacements

from .context import StudioStore

log = logging.getLogger(__name__)

SECTION = "model_lists"
MAX_AGE = timedelta(hours=24)
"""A list older than this is refreshed when Settings opens."""


class CachedModelList(BaseModel):
    """One service's answer.

    Attributes:
        models: model ids as listed (image models for image providers, chat models for chat kinds).
        fetched_at: when the service answered (UTC).
        base_url: the address asked ('' for the default), so a list for another server is not reused.
    """

    models: list[str] = Field(default_factory=list)
    fetched_at: datetime
    base_url: str = ""

    def is_stale(self, now: datetime | None = None) -> bool:
        """True when older than MAX_AGE."""
        stamp = self.fetched_at if self.fetched_at.tzinfo else self.fetched_at.replace(tzinfo=UTC)
        return (now or datetime.now(UTC)) - stamp > MAX_AGE


class ModelListCache(BaseModel):
    """The ``model_lists`` section: key (``image:gemini``, ``chat:ollama``) -> CachedModelList."""

    lists: dict[str, CachedModelList] = Field(default_factory=dict)


def _key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def cached_list(store: StudioStore, name: str, *, kind: str = "image",
                base_url: str | None = None) -> CachedModelList | None:
    """The last list for provider ``name`` at ``base_url`` ('' / None = default address), or None."""
    entry = store.settings.section(SECTION, ModelListCache).lists.get(_key(kind, name))
    if entry is None or (entry.base_url or "") != (base_url or ""):
        return None
    return entry


def save_list(store: StudioStore, name: str, models: list[str], *, kind: str = "image",
              base_url: str | None = None) -> CachedModelList:
    """Store ``models`` as provider ``name``'s live list, stamped now.

    Raises:
        OSError: settings.json could not be written.
    """
    cache = store.settings.section(SECTION, ModelListCache)
    entry = CachedModelList(models=list(models), fetched_at=datetime.now(UTC), base_url=base_url or "")
    cache.lists[_key(kind, name)] = entry
    store.settings.save_section(SECTION, cache)
    return entry


def model_availability(store: StudioStore, name: str, model: str, *,
                       base_url: str | None = None) -> tuple[bool | None, list[str]]:
    """Whether image provider ``name``'s live list offers ``model``: (True/False, or None when
    no list is cached; the replacements to suggest when it is missing)."""
    entry = cached_list(store, name, base_url=base_url)
    if entry is None or name not in IMAGE_PROVIDERS:
        return None, []
    if model in entry.models:
        return True, []
    return False, replacements(name, model, entry.models)


def refresh_image_models(store: StudioStore, name: str, *, api_key: str | None = None,
                         base_url: str | None = None, cancel: CancelToken | None = None) -> CachedModelList:
    """Ask image provider ``name`` for its models now and cache the answer (worker thread:
    reads the keyring and the network).

    Raises:
        GenerationError (AuthenticationError, ...): one line; the old cache is kept.
        ValueError: a provider without a model list (offline).
    """
    from studio_app.providers.retry import RetryPolicy

    from .provider_setup import create_configured_image_provider  # avoids an import cycle

    provider = create_configured_image_provider(store, name, api_key=api_key, base_url=base_url,
                                                retry=RetryPolicy(max_retries=0))
    try:
        lister = getattr(provider, "list_models", None)
        if lister is None:
            raise ValueError(f"{name} has no model list.")
        models = lister(cancel=cancel)
    finally:
        provider.close()
    return save_list(store, name, models, base_url=base_url)
