"""Build providers by name: ``--provider gemini|openai|offline --model M`` and the Settings choices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import ImageProvider
from .catalogue import CHAT_PROVIDERS as CHAT_SPECS
from .catalogue import IMAGE_PROVIDERS as IMAGE_SPECS
from .offline import OfflinePreviewProvider
from .retry import RetryPolicy

if TYPE_CHECKING:  # the network providers (and httpx) are imported when one is built, not at start-up
    from .chat import ChatProvider

IMAGE_PROVIDERS: dict[str, tuple[str, ...]] = {name: spec.models for name, spec in IMAGE_SPECS.items()}
"""Image provider name -> known model ids, the default first (a view of providers/catalogue)."""

CHAT_PROVIDERS: dict[str, str] = {kind: spec.default_model for kind, spec in CHAT_SPECS.items()}
"""Chat provider kind -> default model ('' = must be given); a view of providers/catalogue."""

SECRET_FOR_PROVIDER = {name: spec.key_name for name, spec in IMAGE_SPECS.items() if spec.key_name}
"""Which SecretStore entry holds the key of a provider (offline/local ones need none)."""


def create_image_provider(name: str, *, api_key: str | None = None, model: str | None = None,
                          base_url: str | None = None, retry: RetryPolicy | None = None,
                          **kwargs: Any) -> ImageProvider:
    """The image provider ``name`` (``gemini``, ``openai`` or ``offline``).

    ``model`` None picks the provider's default. A missing key is reported by
    ``generate()``/``test_connection()`` as AuthenticationError, so the GUI can still
    build the provider and show the problem where the user acts.

    Raises:
        ValueError: unknown provider name (one line listing the valid names).
    """
    if name == "gemini":
        from .gemini import GeminiImageProvider

        return GeminiImageProvider(api_key, model=model, base_url=base_url, retry=retry, **kwargs)
    if name == "openai":
        from .openai_images import OpenAIImageProvider

        return OpenAIImageProvider(api_key, model=model, base_url=base_url, retry=retry, **kwargs)
    if name == "offline":
        return OfflinePreviewProvider()
    raise ValueError(f"Unknown image provider {name!r}; choose one of: {', '.join(IMAGE_PROVIDERS)}.")


def create_chat_provider(kind: str, *, api_key: str | None = None, model: str | None = None,
                         base_url: str | None = None, retry: RetryPolicy | None = None,
                         **kwargs: Any) -> ChatProvider:
    """The coach's chat provider: ``gemini``, ``openai``, ``ollama``, ``lmstudio`` or ``custom``.

    ``custom`` is any OpenAI-compatible server at ``base_url`` (including ``/v1``).

    Raises:
        ValueError: unknown kind, or a kind that needs a model/base URL without one.
        AuthenticationError: ``openai`` without a key.
    """
    from .chat import LM_STUDIO_BASE_URL, OLLAMA_BASE_URL, GeminiChatProvider, OpenAICompatibleChatProvider

    chosen = model or CHAT_PROVIDERS.get(kind, "")
    if kind == "gemini":
        return GeminiChatProvider(api_key, model=chosen, base_url=base_url, retry=retry, **kwargs)
    if kind == "openai":
        return OpenAICompatibleChatProvider.openai(api_key, model=chosen, base_url=base_url, retry=retry, **kwargs)
    if kind not in CHAT_PROVIDERS:
        raise ValueError(f"Unknown chat provider {kind!r}; choose one of: {', '.join(CHAT_PROVIDERS)}.")
    if not chosen:
        raise ValueError(f"Name the model to use with {kind} (the id the server lists).")
    if kind == "ollama":
        return OpenAICompatibleChatProvider.ollama(model=chosen, base_url=base_url or OLLAMA_BASE_URL,
                                                   retry=retry, **kwargs)
    if kind == "lmstudio":
        return OpenAICompatibleChatProvider.lm_studio(model=chosen, base_url=base_url or LM_STUDIO_BASE_URL,
                                                      retry=retry, **kwargs)
    if not base_url:
        raise ValueError("Give the address of the OpenAI-compatible server (e.g. http://localhost:8080/v1).")
    return OpenAICompatibleChatProvider(base_url, model=chosen, api_key=api_key, service="Chat server",
                                        retry=retry, **kwargs)
