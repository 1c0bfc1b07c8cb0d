"""Errors a provider raises; each message is one line a streamer can read.

The seed's types (asset-generation-core-design.md, NanoBananaClient.generate):
RateLimitError, ContentPolicyError, GenerationTimeoutError, GenerationError;
plus AuthenticationError (bad or missing key) and GenerationCancelledError.
"""

from __future__ import annotations


class GenerationError(Exception):
    """Generation failed; ``str(err)`` is the message shown to the streamer."""

    retryable: bool = False


class RateLimitError(GenerationError):
    """The service said "too many requests" (HTTP 429).

    Attributes:
        retry_after: seconds the service asked us to wait, if it said.
        per_day: the daily quota is used up; retrying today will not help.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, per_day: bool = False) -> None:
        super().__init__(message)
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
