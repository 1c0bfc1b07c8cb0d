"""Errors a provider raises; each message is one line a streamer can read.

The original design's error types (its image client's ``generate``): RateLimitError, ContentPolicyError, GenerationTimeoutError, GenerationError;
plus AuthenticationError (bad or missing key) and GenerationCancelledError.
"""

from __future__ import annotations


class GenerationError(Exception):
    """Generation failed; ``str(err)`` is the message shown to the streamer.

    Attributes:
        retryable: the retry policy (providers/retry.py) may try again. The class
            default can be overridden per instance (e.g. a 503 is a retryable
            GenerationError, a 400 is not).
        status_code: the HTTP status that caused it, if any.
        attempts: how many requests were made before giving up (set by the retry policy).
        retry_after: seconds the service asked us to wait before retrying, if it said.
    """

    retryable: bool = False
    status_code: int | None = None
    attempts: int = 1
    retry_after: float | None = None

    def __init__(self, message: str = "", *, retryable: bool | None = None,
                 status_code: int | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable
        self.status_code = status_code


class RateLimitError(GenerationError):
    """The service said "too many requests" (HTTP 429).

    Attributes:
        retry_after: seconds the service asked us to wait, if it said.
        per_day: the daily quota is used up; retrying today will not help.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, per_day: bool = False,
                 status_code: int | None = 429) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after = retry_after
        self.per_day = per_day
        if per_day:
            self.retryable = False


class ContentPolicyError(GenerationError):
    """The service's safety filter blocked the prompt or the image."""


class GenerationTimeoutError(GenerationError):
    """The service did not answer in time."""

    retryable = True


class AuthenticationError(GenerationError):
    """The API key is missing, invalid or lacks permission."""


class GenerationCancelledError(GenerationError):
    """The streamer cancelled the job."""


class ModelNotFoundError(GenerationError):
    """The service says the model does not exist (retired, or not offered to this key): HTTP 404
    ``NOT_FOUND`` (Gemini) or ``model_not_found`` (OpenAI). Never retried, never replaced silently.

    Attributes:
        service: "Gemini", "OpenAI", ...
        model: the id that was asked for.
        replacements: model ids the service's live list offers instead (may be empty when the
            list could not be read).
    """

    def __init__(self, service: str, model: str, replacements: list[str] | None = None, *,
                 status_code: int | None = 404) -> None:
        self.service = service
        self.model = model
        self.replacements = list(replacements or [])
        super().__init__(self._text(), status_code=status_code)

    def _text(self) -> str:
        offered = (f" It offers: {', '.join(self.replacements[:6])}." if self.replacements
                   else " Refresh the model list in Settings to see what it offers.")
        return (f"{self.service} has no model {self.model!r} any more (retired or not available to this key)."
                f"{offered} Choose one in Settings or with --model.")

    def with_replacements(self, replacements: list[str]) -> ModelNotFoundError:
        """A copy naming ``replacements`` (from the live model list)."""
        err = ModelNotFoundError(self.service, self.model, replacements, status_code=self.status_code)
        err.attempts = self.attempts
        return err


def one_line(text: str, limit: int = 300) -> str:
    """``text`` as one readable line of at most ``limit`` characters (whitespace collapsed)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every non-empty secret (API key) replaced by ``***``.

    Used on every message built from a service's answer, so a key the service echoes
    never reaches an exception, a log line or the GUI.
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
