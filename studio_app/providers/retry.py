"""The one retry policy every provider call goes through.

Rules (the original design's image client: "Retry delays: 1s, 2s, 4s (max 3 retries)"; the
retryable statuses are those urllib3's ``Retry`` and the OpenAI/Gemini SDKs retry):

- at most ``max_retries`` (3) retries, so at most 4 requests per call;
- the wait before retry n (1-based) is full jitter over that schedule:
  ``uniform(0, base_delay_s * 2 ** (n - 1))``, i.e. up to 1 s, 2 s, 4 s;
- when the service says how long to wait (Gemini ``RetryInfo.retryDelay``, a
  ``Retry-After`` or ``retry-after-ms`` header) that wait is used instead, exactly.
  If it is longer than ``max_server_delay_s`` (30 s) we do not wait at all: the error
  is raised at once, since its message already tells the streamer when to try again
  and a GUI job should not sit silently for minutes;
- only errors marked ``retryable`` are retried: HTTP 408, 429, 500, 502, 503, 504 and
  connect/read timeouts (see providers/transport.py). Never 400/401/403/404, never a
  content-policy block, never a per-day quota (``RateLimitError.per_day``);
- every wait sleeps through the CancelToken, so ``cancel()`` ends it at once with
  GenerationCancelledError.

A request that timed out while reading may have been processed by the service; the
retry can then bill a second generation. The image APIs offer no idempotency key, so
this is accepted, as the official SDKs do (they retry timeouts too).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from .base import CancelToken
from .errors import GenerationCancelledError, GenerationError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses worth another try (ky/urllib3 defaults; Gemini SDK retry options)."""
DEFAULT_MAX_RETRIES = 3
DEFAULT_BASE_DELAY_S = 1.0
DEFAULT_MAX_SERVER_DELAY_S = 30.0

Sleeper = Callable[[float, "CancelToken | None"], None]
"""``sleep(seconds, cancel)``: waits, raising GenerationCancelledError if cancelled."""


def sleep_through_cancel(seconds: float, cancel: CancelToken | None) -> None:
    """Wait ``seconds`` (s); a cancel() from any thread ends the wait at once.

    Raises:
        GenerationCancelledError: the token was cancelled before or during the wait.
    """
    if cancel is None:
        time.sleep(max(0.0, seconds))
        return
    cancel.raise_if_cancelled()
    if cancel.wait(max(0.0, seconds)):
        raise GenerationCancelledError("Cancelled.")


def parse_retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` (ms) or ``Retry-After`` (seconds or an HTTP date).

    Returns None when neither header is present or parseable. Source: OpenAI SDK
    ``_base_client._parse_retry_after_header``; RFC 9110 section 10.2.3.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    raw_ms = lower.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = lower.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryNotice:
    """Told to ``on_retry`` before each wait.

    Attributes:
        retry_number: 1 for the first retry, up to max_retries.
        delay_s: how long we wait before it, in seconds.
        error: what went wrong (its ``str`` is the streamer-readable message).
    """

    retry_number: int
    delay_s: float
    error: GenerationError


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with full-jitter backoff (see the module docstring).

    Attributes:
        max_retries: retries after the first request (the original design's 3).
        base_delay_s: first backoff ceiling in s; doubles per retry (1, 2, 4).
        max_server_delay_s: longest server-requested wait we honour, in s.
        jitter: full jitter (True) or the bare 1 s/2 s/4 s schedule (False).
        sleep: the waiting function; tests inject a zero-delay recorder.
        rng: random source for the jitter.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    base_delay_s: float = DEFAULT_BASE_DELAY_S
    max_server_delay_s: float = DEFAULT_MAX_SERVER_DELAY_S
    jitter: bool = True
    sleep: Sleeper = sleep_through_cancel
    rng: random.Random = field(default_factory=random.Random)

    def backoff_s(self, retry_number: int) -> float:
        """Wait before retry ``retry_number`` (1-based) when the service named none, in s."""
        ceiling = self.base_delay_s * 2 ** (retry_number - 1)
        return self.rng.uniform(0.0, ceiling) if self.jitter else ceiling

    def delay_for(self, retry_number: int, error: GenerationError) -> float | None:
        """Wait before retry ``retry_number`` for ``error`` in s, or None to give up now."""
        asked = getattr(error, "retry_after", None)
        if asked is not None:
            return None if asked > self.max_server_delay_s else max(0.0, float(asked))
        return self.backoff_s(retry_number)

    @staticmethod
    def is_retryable(error: BaseException) -> bool:
        """True for errors marked retryable, except cancels and per-day quotas."""
        if isinstance(error, GenerationCancelledError) or not isinstance(error, GenerationError):
            return False
        return bool(error.retryable) and not getattr(error, "per_day", False)

    def run(self, attempt: Callable[[], T], *, cancel: CancelToken | None = None,
            on_retry: Callable[[RetryNotice], None] | None = None) -> T:
        """Call ``attempt()`` until it returns, retrying retryable GenerationErrors.

        Returns:
            what ``attempt`` returned.
        Raises:
            GenerationCancelledError: cancelled before a request or during a wait.
            GenerationError (or subclass): the last error, when it is not retryable or the
                retries are used up; ``err.attempts`` holds how many requests were made and
                the message says so when there was more than one.
        """
        retry_number = 0
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                return attempt()
            except GenerationError as err:
                err.attempts = retry_number + 1
                delay = None
                if self.is_retryable(err) and retry_number < self.max_retries:
                    delay = self.delay_for(retry_number + 1, err)
                if delay is None:
                    if err.attempts > 1 and not isinstance(err, GenerationCancelledError):
                        err.args = (f"{err} (gave up after {err.attempts} attempts)",)
                    raise
                retry_number += 1
                log.info("Retrying in %.1f s (retry %d of %d): %s", delay, retry_number,
                         self.max_retries, err)
                if on_retry is not None:
                    on_retry(RetryNotice(retry_number, delay, err))
                self.sleep(delay, cancel)
