"""CloudImageProvider: what the API-key image providers (Gemini, OpenAI) share.

An HTTP client on the service's base URL, a retry policy, a ``__repr__`` that never shows
the key, the live model list, the cheap connection check built on it, and the answer to a
404 for a retired model: a ModelNotFoundError naming the catalogue's replacements among the
models the key may use today.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable
from typing import Any

import httpx

from .base import CancelToken, ImageProvider, ImageResult
from .catalogue import IMAGE_PROVIDERS, replacements
from .errors import GenerationError, ModelNotFoundError
from .retry import RetryPolicy
from .transport import make_client

log = logging.getLogger(__name__)


class CloudImageProvider(ImageProvider):
    """An image provider behind an HTTPS API and an API key.

    Args:
        api_key: the service's key (may be empty: generate() then raises AuthenticationError).
        model: the model id to use when a request names none.
        base_url: the service's resolved base URL (no trailing slash).
        retry: the retry policy (default RetryPolicy()).
        read_timeout_s: longest wait for an answer, in s.
        transport: an httpx transport (tests).

    Attributes:
        service: the service's name in messages ("Gemini", "OpenAI").

    A subclass sets ``name`` to its IMAGE_PROVIDERS key; its ``label`` and ``service`` are then
    that catalogue entry's ``label`` and ``short_label`` (stated once, in the catalogue).
    """

    service: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = IMAGE_PROVIDERS.get(cls.name)
        if spec is not None:
            cls.label, cls.service = spec.label, spec.short_label

    def __init__(self, api_key: str | None, *, model: str, base_url: str, retry: RetryPolicy | None,
                 read_timeout_s: float, transport: httpx.BaseTransport | None) -> None:
        self._api_key = api_key or ""
        self.model = model
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self._client = make_client(self.base_url, read_timeout_s=read_timeout_s, transport=transport)

    def __repr__(self) -> str:  # never shows the key
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    @abstractmethod
    def list_models(self, *, cancel: CancelToken | None = None) -> list[str]:
        """The image model ids this key may use today, from the service's model list.

        Raises:
            AuthenticationError, GenerationError.
        """

    def test_connection(self, *, cancel: CancelToken | None = None) -> str:
        """Check key and model cheaply: the live model list must offer the model (no
        generation is billed).

        Returns:
            a one-line confirmation for the Settings dialog.
        Raises:
            AuthenticationError, GenerationError: as for generate(); ModelNotFoundError
                naming the offered models when the list lacks the model.
        """
        live = self.list_models(cancel=cancel)
        if self.model not in live:
            raise ModelNotFoundError(self.service, self.model, replacements(self.name, self.model, live))
        return (f"Connected to {self.service}: {self.model} is available to this key "
                f"({len(live)} image models listed).")

    def _run_attempts(self, attempt: Callable[[], ImageResult], cancel: CancelToken | None) -> ImageResult:
        """``attempt()`` under the retry policy; a ModelNotFoundError leaves with the
        replacements the live model list offers (none when the list cannot be read)."""
        try:
            return self.retry.run(attempt, cancel=cancel)
        except ModelNotFoundError as err:
            raise err.with_replacements(self._replacements_for(err.model, cancel)) from None

    def _replacements_for(self, missing: str, cancel: CancelToken | None) -> list[str]:
        try:
            live = self.list_models(cancel=cancel)
        except GenerationError as exc:  # the 404 is the news; the list is a courtesy
            log.info("Could not read the %s model list after a 404: %s", self.service, exc)
            return []
        return replacements(self.name, missing, live)
