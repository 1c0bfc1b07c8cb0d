"""The shared RetryPolicy: correctness property 13 (docs/architecture.md) against the loopback server, and its rules."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_app.domain.asset_types import AssetType
from studio_app.providers.base import CancelToken, ImageRequest
from studio_app.providers.errors import (
    AuthenticationError,
    GenerationCancelledError,
    GenerationError,
    GenerationTimeoutError,
    RateLimitError,
)
from studio_app.providers.gemini import GeminiImageProvider
from studio_app.providers.retry import RetryPolicy, parse_retry_after, sleep_through_cancel
from tests.servers import gemini_server as gs
from tests.servers.gemini_server import API_KEY
from tests.servers.loopback import Fault

from .conftest import RecordingSleep

GENERATE = ":generateContent"

RETRYABLE_FAULTS = {
    "503": gs.overloaded,
    "500": gs.internal_error,
    "429": lambda: gs.rate_limited("0.01s"),
    "502-html": lambda: gs.html_error_page(502),
    "504": lambda: gs.status_fault(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
    "408": lambda: gs.status_fault(408, "DEADLINE_EXCEEDED", "Request timeout."),
    "503-wrapped": lambda: gs.wrapped_error(503),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(failures=st.lists(st.sampled_from(sorted(RETRYABLE_FAULTS)), min_size=0, max_size=10))
def test_property_13_retry_count_limit(gemini_session, failures):
    """Correctness property 13: failure_count 0..10 retryable errors -> at most 4 calls; success when
    failures <= 3, else GenerationError after exactly 4 calls."""
    server = gemini_session
    server.reset()
    server.script(*(RETRYABLE_FAULTS[kind]() for kind in failures))
    sleeps = RecordingSleep()
    provider = GeminiImageProvider(API_KEY, base_url=server.base_url, retry=RetryPolicy(sleep=sleeps))
    try:
        if len(failures) <= 3:
            result = provider.generate(ImageRequest("x", AssetType.CLIP_COVER))
            assert result.data.startswith(b"\x89PNG")
            assert len(server.calls(GENERATE)) == len(failures) + 1 <= 4
        else:
            with pytest.raises(GenerationError) as info:
                provider.generate(ImageRequest("x", AssetType.CLIP_COVER))
            assert len(server.calls(GENERATE)) == 4
            assert info.value.attempts == 4
            assert "gave up after 4 attempts" in str(info.value)
        assert len(sleeps.waits) == min(len(failures), 3)
    finally:
        provider.close()


@pytest.mark.parametrize(("code", "status", "error"), [
    (400, "INVALID_ARGUMENT", GenerationError),
    (400, "FAILED_PRECONDITION", GenerationError),
    (401, "UNAUTHENTICATED", AuthenticationError),
    (403, "PERMISSION_DENIED", AuthenticationError),
    (404, "NOT_FOUND", GenerationError),
])
def test_client_errors_are_never_retried(gemini_server, fast_retry, sleeps, code, status, error):
    gemini_server.script(gs.status_fault(code, status, "User location is not supported for the API use."))
    provider = GeminiImageProvider(API_KEY, base_url=gemini_server.base_url, retry=fast_retry)
    with pytest.raises(error) as info:
        provider.generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert info.value.status_code == code and not info.value.retryable
    assert len(gemini_server.calls(GENERATE)) == 1 and sleeps.waits == []
    assert "attempts" not in str(info.value)


def test_per_day_quota_is_never_retried(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.rate_limited("1s", per_day=True), gs.rate_limited("1s", per_day=True))
    provider = GeminiImageProvider(API_KEY, base_url=gemini_server.base_url, retry=fast_retry)
    with pytest.raises(RateLimitError) as info:
        provider.generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert info.value.per_day and not RetryPolicy.is_retryable(info.value)
    assert len(gemini_server.calls(GENERATE)) == 1 and sleeps.waits == []


def test_backoff_is_full_jitter_over_the_seed_schedule():
    policy = RetryPolicy(rng=random.Random(1))
    for n, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0)):
        draws = [policy.backoff_s(n) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8 and min(draws) < ceiling * 0.2  # spread over the whole range
    assert [RetryPolicy(jitter=False).backoff_s(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]


def test_server_delay_is_used_exactly_up_to_the_cap():
    policy = RetryPolicy(max_server_delay_s=30.0)
    assert policy.delay_for(1, RateLimitError("x", retry_after=29.5)) == 29.5
    assert policy.delay_for(1, RateLimitError("x", retry_after=31.0)) is None
    assert 0 <= policy.delay_for(2, RateLimitError("x")) <= 2.0


def test_run_retries_only_retryable_errors():
    sleeps = RecordingSleep()
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise GenerationTimeoutError("slow")
        return "ok"

    assert RetryPolicy(sleep=sleeps).run(flaky) == "ok"
    assert len(calls) == 3 and len(sleeps.waits) == 2

    calls.clear()

    def bad():
        calls.append(1)
        raise ValueError("not ours")

    with pytest.raises(ValueError):
        RetryPolicy(sleep=sleeps).run(bad)
    assert len(calls) == 1


def test_parse_retry_after_forms():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "junk", "retry-after": "2"}) == 2.0
    date = format_datetime(now + timedelta(seconds=40), usegmt=True)
    assert parse_retry_after({"Retry-After": date}, now=now) == 40.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


@pytest.mark.timeout(20)
def test_cancel_during_backoff_ends_the_wait(gemini_server):
    """A 60 s backoff is interrupted by cancel(); the test's timeout proves the wait did not run out."""
    gemini_server.script(gs.overloaded())
    cancel = CancelToken()
    waits: list[float] = []

    def sleep(seconds: float, token: CancelToken | None) -> None:
        waits.append(seconds)
        threading.Timer(0.1, cancel.cancel).start()
        sleep_through_cancel(seconds, token)  # the real, cancellable wait

    policy = RetryPolicy(base_delay_s=60.0, jitter=False, sleep=sleep)
    provider = GeminiImageProvider(API_KEY, base_url=gemini_server.base_url, retry=policy)
    with pytest.raises(GenerationCancelledError):
        provider.generate(ImageRequest("x", AssetType.THUMBNAIL), cancel=cancel)
    assert waits == [60.0]
    assert len(gemini_server.calls(GENERATE)) == 1  # no retry was sent after the cancel


@pytest.mark.timeout(20)
def test_cancel_during_a_slow_request_returns_before_the_answer(gemini_server, fast_retry):
    """The server holds the answer for 30 s; cancel() 0.2 s in must end generate() long before."""
    gemini_server.script(Fault(delay_s=30.0))
    cancel = CancelToken()
    provider = GeminiImageProvider(API_KEY, base_url=gemini_server.base_url, retry=fast_retry)
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(GenerationCancelledError):
        provider.generate(ImageRequest("x", AssetType.THUMBNAIL), cancel=cancel)
    assert len(gemini_server.calls(GENERATE)) == 1  # the request was in flight, and not retried


def test_cancel_before_start_sends_nothing(gemini_server, fast_retry):
    cancel = CancelToken()
    cancel.cancel()
    provider = GeminiImageProvider(API_KEY, base_url=gemini_server.base_url, retry=fast_retry)
    with pytest.raises(GenerationCancelledError):
        provider.generate(ImageRequest("x", AssetType.THUMBNAIL), cancel=cancel)
    assert gemini_server.calls(GENERATE) == []
