"""Fixtures for the prompting tests: the repo's real prompts/ folder and an engine on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_app.prompting.engine import PromptEngine

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"


@pytest.fixture(scope="session")
def engine() -> PromptEngine:
    """A PromptEngine reading the repository's prompts/ templates."""
    return PromptEngine(PROMPTS_DIR)
