"""Render tests: a real (offscreen) QApplication from pytest-qt, fresh render caches."""

from __future__ import annotations

import pytest

from studio_app.render.snapshot import RenderCaches


@pytest.fixture(autouse=True)
def _app(qapp):
    """pytest-qt's QApplication (so later widget tests in the same run still work)."""
    return qapp


@pytest.fixture
def caches() -> RenderCaches:
    """Fresh render caches, so tests do not see each other's pre-scaled images."""
    return RenderCaches()
