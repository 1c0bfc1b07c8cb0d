"""Which image and chat providers exist, how they are configured, and which one Generate uses.

Non-secret choices live in two settings sections (settings.json):

- ``providers`` (ProviderSettings): the default image provider, a model, an optional base
  URL per provider and the answer timeout;
- ``coach`` (CoachLLMSettings): which chat model the coach talks to.

API keys never go there: they are read from the keyring-backed SecretStore (which also
honours GEMINI_API_KEY / OPENAI_API_KEY) on worker threads only, because a keyring call
can wait up to its timeout (5 s) on a locked keyring.

``STUDIO_RETRY_SCALE`` (a number >= 0, default 1) multiplies every retry wait; 0 retries
at once. It exists for tests and scripted runs against local servers, where the 1/2/4 s
backoff and a 26 s RetryInfo would only slow things down. The retry count is unchanged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from studio_app.providers.base import CancelToken, ImageProvider
from studio_app.providers.catalogue import CHAT_PROVIDERS as CHAT_SPECS
from studio_app.providers.catalogue import IMAGE_PROVIDERS as IMAGE_SPECS
from studio_app.providers.catalogue import choose_default, image_model, replacements
from studio_app.providers.errors import ModelNotFoundError
from studio_app.providers.factory import (
    CHAT_PROVIDERS,
    IMAGE_PROVIDERS,
    SECRET_FOR_PROVIDER,
    create_chat_provider,
    create_image_provider,
)
from studio_app.providers.retry import RetryPolicy, sleep_through_cancel
from studio_app.store.secrets import SecretSource, SecretStoreError

from . import model_lists
from .context import StudioStore
from .generation import ProviderRegistry

log = logging.getLogger(__name__)

KEY_ENV = {name: spec.env_var for name, spec in IMAGE_SPECS.items() if spec.env_var}
PROVIDERS_SECTION = "providers"
COACH_SECTION = "coach"
RETRY_SCALE_ENV = "STUDIO_RETRY_SCALE"
PROVIDER_NAMES = {name: spec.short_label for name, spec in IMAGE_SPECS.items()}
"""Image provider name -> how the GUI names it."""
COACH_ENGINES = {"auto": "Automatic", "offline": "Offline guided coach",
                 **{kind: spec.label for kind, spec in CHAT_SPECS.items()}}
"""Coach engine -> GUI name: ``auto``, ``offline`` or a providers.factory.CHAT_PROVIDERS kind."""
LOCAL_CHAT_KINDS: tuple[str, ...] = tuple(k for k, s in CHAT_SPECS.items() if s.key_name is None and s.base_url)
"""Chat kinds served on this computer at a known address, needing no key ("ollama", "lmstudio")."""
MAX_READ_TIMEOUT_S = 600.0
IMAGE_MODELS: dict[str, tuple[str, ...]] = dict(IMAGE_PROVIDERS)
"""Image provider name -> known model ids, the default first (for the Settings dialog)."""
CHAT_DEFAULT_MODELS: dict[str, str] = dict(CHAT_PROVIDERS)
"""Chat kind -> default model ('' = the streamer must name one)."""
DEFAULT_BASE_URLS = {**{k: CHAT_SPECS[k].base_url for k in LOCAL_CHAT_KINDS},
                     **{k: s.base_url for k, s in IMAGE_SPECS.items() if s.base_url}}
"""Where each service is reached when no address is set (environment overrides aside)."""
KEY_ENV_NAMES: tuple[str, ...] = tuple(dict.fromkeys(
    spec.env_var for spec in (*IMAGE_SPECS.values(), *CHAT_SPECS.values()) if spec.env_var))
"""The environment variables that override the stored API keys ("GEMINI_API_KEY", "OPENAI_API_KEY")."""


def chat_address_hint(kind: str) -> str:
    """What the coach's empty address field shows for chat ``kind``: "(the public endpoint)"
    for a service reached with an API key, the local server's usual address (Ollama
    ``http://localhost:11434/v1``, LM Studio), the shape of one for a custom server; "" for
    a kind the catalogue does not know."""
    spec = CHAT_SPECS.get(kind)
    if spec is None:
        return ""
    if spec.key_name is not None:
        return "(the public endpoint)"
    return spec.base_url or "http://host:port/v1"


class ProviderSettings(BaseModel):
    """The ``providers`` settings section (non-secret).

    Attributes:
        default_provider: name used by Generate (``offline``, ``gemini``, ``openai``); None
            means "gemini once a key is known, else offline".
        models: provider name -> chosen model id (missing: the provider's default, the first
            of IMAGE_PROVIDERS[name]).
        base_urls: provider name -> API root (missing or empty: ``$STUDIO_GEMINI_BASE_URL`` /
            ``$STUDIO_OPENAI_BASE_URL``, else the public endpoint).
        read_timeout_s: longest wait for an answer, in s (None: the provider's own, 180 s).
    """

    default_provider: str | None = None
    models: dict[str, str] = {}
    base_urls: dict[str, str] = {}
    read_timeout_s: float | None = Field(None, gt=0, le=MAX_READ_TIMEOUT_S)

    def model_for(self, name: str) -> str:
        """The model used for provider ``name`` (its default when none is chosen)."""
        chosen = (self.models.get(name) or "").strip()
        return chosen or IMAGE_PROVIDERS.get(name, ("",))[0]

    def base_url_for(self, name: str) -> str | None:
        """The chosen API root for ``name``, or None for the environment/public default."""
        url = (self.base_urls.get(name) or "").strip()
        return url or None


class CoachLLMSettings(BaseModel):
    """The coach's chat model in the ``coach`` settings section (non-secret).

    Other fields of that section (turn limit, expiry, ...) belong to the coach service and
    are kept untouched (``extra="allow"``), so both can save the section.

    Attributes:
        engine: ``auto`` (the chat model of the default image provider when it has a key),
            ``offline`` (the guided coach, no AI), or a chat kind: gemini, openai, ollama,
            lmstudio, custom.
        model: chat model id; None for the kind's default (providers.factory.CHAT_PROVIDERS).
        base_url: server address including ``/v1`` (ollama, lmstudio, custom; optional for
            gemini/openai).
    """

    model_config = ConfigDict(extra="allow")

    engine: str = "auto"
    model: str | None = None
    base_url: str | None = None


def provider_settings(store: StudioStore) -> ProviderSettings:
    """The ``providers`` section (defaults when missing or invalid)."""
    return store.settings.section(PROVIDERS_SECTION, ProviderSettings)


def save_provider_settings(store: StudioStore, settings: ProviderSettings) -> None:
    """Store the ``providers`` section.

    Raises:
        OSError: settings.json could not be written (the old file is kept).
    """
    store.settings.save_section(PROVIDERS_SECTION, settings)


def coach_llm_settings(store: StudioStore) -> CoachLLMSettings:
    """The coach's chat-model choice."""
    return store.settings.section(COACH_SECTION, CoachLLMSettings)


def save_coach_llm_settings(store: StudioStore, settings: CoachLLMSettings) -> None:
    """Store the coach's chat-model choice, keeping the section's other fields.

    Raises:
        ValueError: an unknown engine.
        OSError: settings.json could not be written.
    """
    if settings.engine not in COACH_ENGINES:
        raise ValueError(f"Unknown coach engine {settings.engine!r}; choose one of: {', '.join(COACH_ENGINES)}.")
    current = store.settings.section(COACH_SECTION, CoachLLMSettings)
    merged = current.model_copy(update={"engine": settings.engine, "model": settings.model or None,
                                        "base_url": settings.base_url or None})
    store.settings.save_section(COACH_SECTION, merged)


def retry_policy_from_env(environ: Mapping[str, str] | None = None) -> RetryPolicy | None:
    """A RetryPolicy whose waits are scaled by ``$STUDIO_RETRY_SCALE``, or None when unset.

    An invalid value (not a number >= 0) is logged and ignored.
    """
    env = os.environ if environ is None else environ
    raw = (env.get(RETRY_SCALE_ENV) or "").strip()
    if not raw:
        return None
    try:
        scale = float(raw)
        if not scale >= 0:
            raise ValueError
    except ValueError:
        log.warning("Ignoring %s=%r: expected a number >= 0.", RETRY_SCALE_ENV, raw)
        return None

    def scaled_sleep(seconds: float, cancel: CancelToken | None) -> None:
        sleep_through_cancel(seconds * scale, cancel)

    return RetryPolicy(sleep=scaled_sleep)


def create_configured_image_provider(store: StudioStore, name: str, *, api_key: str | None = None,
                                     model: str | None = None, base_url: str | None = None,
                                     read_timeout_s: float | None = None,
                                     retry: RetryPolicy | None = None) -> ImageProvider:
    """Image provider ``name`` with the settings' model, base URL and timeout.

    Arguments given here win over the settings. ``api_key`` None reads the SecretStore,
    which can wait on the keyring: call this on a worker thread.

    Raises:
        ValueError: unknown provider name.
    """
    settings = provider_settings(store)
    secret = SECRET_FOR_PROVIDER.get(name)
    if secret is None:
        return create_image_provider(name)
    key = api_key if api_key is not None else store.secrets.get(secret)
    timeout = read_timeout_s or settings.read_timeout_s
    extra = {"read_timeout_s": timeout} if timeout else {}
    url = base_url or settings.base_url_for(name)
    return create_image_provider(name, api_key=key, model=model or resolved_model(store, name, base_url=url),
                                 base_url=url, retry=retry, **extra)


def resolved_model(store: StudioStore, name: str, *, base_url: str | None = None) -> str:
    """The model image provider ``name`` uses: the streamer's stored choice (never replaced,
    even when retired: the job then fails naming the replacements), else the catalogue's
    default as the cached live list allows (catalogue.choose_default)."""
    settings = provider_settings(store)
    chosen = (settings.models.get(name) or "").strip()
    if chosen or name not in IMAGE_SPECS:
        return chosen or settings.model_for(name)
    entry = model_lists.cached_list(store, name, base_url=base_url or settings.base_url_for(name))
    return choose_default(name, entry.models if entry else None)


def build_provider_registry(store: StudioStore, *, retry: RetryPolicy | None = None) -> ProviderRegistry:
    """Offline, Gemini and OpenAI providers.

    Each job builds its provider when it starts, on its worker thread: the key is read from
    the keyring-backed SecretStore there (never on the GUI thread), and the model, base URL
    and timeout come from the settings as they are then, so a change in Settings applies to
    the next job. ``retry`` (default: ``retry_policy_from_env()``, else the providers' own)
    is used by every provider.
    """
    registry = ProviderRegistry()
    policy = retry if retry is not None else retry_policy_from_env()
    for name in SECRET_FOR_PROVIDER:
        def factory(name: str = name) -> ImageProvider:
            return create_configured_image_provider(store, name, retry=policy)
        registry.register(name, factory)
    return registry


def default_provider(store: StudioStore, registry: ProviderRegistry | None = None) -> str:
    """The provider Generate uses: the one chosen in Settings, else ``gemini`` when
    ``GEMINI_API_KEY`` is set, else ``offline``. (The keyring is not consulted here,
    so start-up never waits on it; saving a key in Settings records the choice.)"""
    names = registry.names() if registry is not None else list(PROVIDER_NAMES)
    chosen = provider_settings(store).default_provider
    if chosen in names:
        return chosen
    if os.environ.get(KEY_ENV["gemini"], "").strip():
        return "gemini"
    return "offline"


def model_capabilities(name: str, model: str) -> str:
    """One line on what image model ``model`` of provider ``name`` can do (catalogue, or its
    family when the catalogue does not know it: then it says so)."""
    spec = image_model(name, model)
    return spec.described() + ("" if spec.known else " (inferred from its family)")


def offered_instead(name: str, model: str, live: list[str]) -> list[str]:
    """Live models to suggest for a ``model`` the service no longer lists, best first."""
    return replacements(name, model, live)


def provider_label(store: StudioStore, name: str) -> str:
    """What the status bar shows for provider ``name``: "Offline preview",
    "Gemini (gemini-3.1-flash-image)", "OpenAI (gpt-image-2.5-sunburst)"."""
    if name == "offline":
        return PROVIDER_NAMES["offline"]
    return f"{PROVIDER_NAMES.get(name, name)} ({resolved_model(store, name)})"


# -- keys (call these on worker threads: the keyring may take up to its timeout) ----------------

def key_source(store: StudioStore, name: str) -> SecretSource | None:
    """Where provider ``name``'s key comes from (env, keyring, memory) or None."""
    secret = SECRET_FOR_PROVIDER.get(name)
    return store.secrets.source(secret) if secret else None


def save_api_key(store: StudioStore, name: str, key: str) -> SecretSource:
    """Store provider ``name``'s key in the keyring (or in memory for this run when the
    keyring cannot keep it safely; ``store.secrets.status().message`` says why).

    Saving a Gemini key makes Gemini the default provider when none (or offline) was chosen:
    "gemini, the default once a key is set".

    Returns:
        where the key is kept now (SecretSource.KEYRING or SecretSource.MEMORY).
    Raises:
        SecretStoreError: empty key or unknown name (nothing changed).
        OSError: the key is stored but settings.json could not be written.
    """
    secret = SECRET_FOR_PROVIDER.get(name)
    if secret is None:
        raise SecretStoreError(f"{PROVIDER_NAMES.get(name, name)} needs no API key.")
    source = store.secrets.set(secret, key)
    settings = provider_settings(store)
    if name == "gemini" and settings.default_provider in (None, "offline"):
        save_provider_settings(store, settings.model_copy(update={"default_provider": "gemini"}))
    return source


def remove_api_key(store: StudioStore, name: str) -> SecretSource | None:
    """Forget provider ``name``'s key (keyring and memory). If it was the default provider,
    the choice goes back to automatic. Returns where a key still comes from (only the
    environment variable can remain), or None."""
    secret = SECRET_FOR_PROVIDER.get(name)
    if secret is None:
        return None
    store.secrets.delete(secret)
    settings = provider_settings(store)
    if settings.default_provider == name:
        save_provider_settings(store, settings.model_copy(update={"default_provider": None}))
    return store.secrets.source(secret)


@dataclass(frozen=True)
class KeyState:
    """What the Settings dialog shows about one provider's key.

    Attributes:
        source: ``env``, ``keyring``, ``memory`` or None (no key).
        text: one line for the GUI, never the key itself.
    """

    source: str | None
    text: str


def key_state(store: StudioStore, name: str) -> KeyState:
    """Where provider ``name``'s key comes from, in words (reads the keyring: worker thread)."""
    source = key_source(store, name)
    env = key_env_var(name) or ""
    texts = {
        SecretSource.ENV: f"Key from {env} (environment); it is used instead of a saved key.",
        SecretSource.KEYRING: "Key saved in the system keyring.",
        SecretSource.MEMORY: "Key kept in memory for this run only.",
    }
    if source is None:
        return KeyState(None, "No key saved.")
    return KeyState(source.value, texts.get(source, "No key saved."))


def keyring_message(store: StudioStore) -> str | None:
    """Why keys are kept for this run only (fail/null/plain-text keyring, a timeout), or None
    when the OS keyring keeps them. May wait on the keyring: call on a worker thread."""
    return store.secrets.status().message


def key_env_var(name: str) -> str | None:
    """The environment variable that overrides provider ``name``'s key, if any."""
    spec = IMAGE_SPECS.get(name)
    return spec.env_var if spec else None


# -- connection tests (one cheap call; nothing is billed) --------------------------------------

def check_image_provider(store: StudioStore, name: str, *, api_key: str | None = None, model: str | None = None,
                        base_url: str | None = None, read_timeout_s: float | None = None,
                        cancel: CancelToken | None = None) -> str:
    """Check key, address and model of image provider ``name`` with one cheap call (it reads
    the model's description; no image is generated). ``api_key`` None uses the stored key.

    Returns:
        a one-line confirmation.
    Raises:
        GenerationError (AuthenticationError, ...): one line, never holding the key.
        ValueError: unknown provider.
    """
    if name == "offline":
        return "The offline preview needs no connection."
    from studio_app.providers.cloud_image import CloudImageProvider  # httpx loads on first use

    provider = create_configured_image_provider(store, name, api_key=api_key, model=model, base_url=base_url,
                                                read_timeout_s=read_timeout_s, retry=RetryPolicy(max_retries=0))
    if not isinstance(provider, CloudImageProvider):  # the factory makes no other kind besides offline
        provider.close()
        raise ValueError(f"Image provider {name!r} has no model list to check.")
    try:
        live = provider.list_models(cancel=cancel)
    finally:
        provider.close()
    url = base_url or provider_settings(store).base_url_for(name)
    try:
        model_lists.save_list(store, name, live, base_url=url)
    except OSError as exc:  # the check itself worked
        log.warning("Could not cache the %s model list: %s", name, exc)
    used = provider.model
    if used not in live:
        raise ModelNotFoundError(PROVIDER_NAMES.get(name, name), used, replacements(name, used, live))
    return (f"Connected to {PROVIDER_NAMES.get(name, name)}: {used} is available to this key "
            f"({len(live)} image models listed).")


def resolve_coach_kind(store: StudioStore, engine: str) -> str | None:
    """The chat kind ``engine`` stands for: itself, or for ``auto`` the default image provider
    when it is gemini/openai; None for the offline guided coach."""
    if engine == "offline":
        return None
    if engine != "auto":
        return engine
    name = default_provider(store)
    return name if name in SECRET_FOR_PROVIDER else None


def refresh_chat_models(store: StudioStore, engine: str, *, base_url: str | None = None,
                        cancel: CancelToken | None = None) -> list[str]:
    """Ask the coach's chat server which models it has (Gemini ``GET /v1beta/models``;
    OpenAI, Ollama, LM Studio and other OpenAI-compatible servers ``GET /v1/models``, Ollama's
    ids with their ``:tag``) and cache the answer with a time stamp (``chat:<kind>`` in the
    ``model_lists`` section). Worker thread: reads the keyring and the network.

    Returns:
        the model ids, as the server lists them ([] for the offline coach).
    Raises:
        GenerationError: the server or key does not work (one line); the old cache is kept.
        ValueError: an unknown kind.
    """
    kind = resolve_coach_kind(store, engine)
    if kind is None:
        return []
    if kind not in CHAT_PROVIDERS:
        raise ValueError(f"Unknown chat provider {kind!r}.")
    secret = SECRET_FOR_PROVIDER.get(kind)
    key = store.secrets.get(secret) if secret else None
    url = None if engine == "auto" else (base_url or None)
    provider = create_chat_provider(kind, api_key=key, base_url=url, retry=RetryPolicy(max_retries=0))
    try:
        models = provider.list_models(cancel=cancel)
    finally:
        provider.close()
    model_lists.save_list(store, kind, models, kind="chat", base_url=url)
    return list(models)


def cached_chat_models(store: StudioStore, engine: str, *, base_url: str | None = None) -> list[str]:
    """The chat models last listed by the coach's server for ``engine`` at ``base_url``
    ([] when none was listed yet). Cheap: reads settings.json only."""
    kind = resolve_coach_kind(store, engine)
    if kind is None:
        return []
    url = None if engine == "auto" else (base_url or None)
    entry = model_lists.cached_list(store, kind, kind="chat", base_url=url)
    return list(entry.models) if entry is not None else []


def check_chat_provider(store: StudioStore, engine: str, *, model: str | None = None,
                       base_url: str | None = None, read_timeout_s: float | None = None,
                       cancel: CancelToken | None = None) -> str:
    """Check the coach's chat model with one cheap call (lists or reads models).

    Returns:
        a one-line confirmation.
    Raises:
        GenerationError: the server, key or model does not work (one line).
        ValueError: an unknown kind, or one that needs a model or address without it.
    """
    kind = resolve_coach_kind(store, engine)
    if kind is None:
        return "The offline guided coach needs no connection."
    if kind not in CHAT_PROVIDERS:
        raise ValueError(f"Unknown chat provider {kind!r}.")
    secret = SECRET_FOR_PROVIDER.get(kind)
    key = store.secrets.get(secret) if secret else None
    if engine == "auto":
        model, base_url = None, None
    extra = {"read_timeout_s": read_timeout_s} if read_timeout_s else {}
    provider = create_chat_provider(kind, api_key=key, model=model or None, base_url=base_url or None,
                                    retry=RetryPolicy(max_retries=0), **extra)
    try:
        return provider.test_connection(cancel=cancel)
    finally:
        provider.close()

