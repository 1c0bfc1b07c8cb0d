"""Fixtures for provider tests: fast retries and a canvas snapshot; the loopback servers (one per
session, reset per test) come from tests/servers/fixtures.py."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import pytest
from PIL import Image

from studio_app.providers.base import CancelToken, InputImage
from studio_app.providers.retry import RetryPolicy


@dataclass
class RecordingSleep:
    """A zero-delay sleeper that records the waits asked for (s)."""

    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float, cancel: CancelToken | None) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> RecordingSleep:
    """Records the retry waits instead of sleeping."""
    return RecordingSleep()


@pytest.fixture
def fast_retry(sleeps: RecordingSleep) -> RetryPolicy:
    """The real policy (3 retries, full jitter) with zero-delay recorded sleeps."""
    return RetryPolicy(sleep=sleeps, rng=random.Random(7))


def png_bytes(width: int, height: int, mode: str = "RGB", color: tuple[int, ...] = (90, 120, 200)) -> bytes:
    """A small real PNG."""
    buf = io.BytesIO()
    Image.new(mode, (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def snapshot() -> InputImage:
    """A canvas snapshot (2x render size of a thumbnail, scaled down for speed)."""
    return InputImage(png_bytes(640, 360), "image/png", "canvas_snapshot")
