"""Where the app's own files are: ``resources/`` (icons, desktop entry, themes, bundled models)
and ``prompts/`` (the YAML prompt templates).

Every caller asks here, so the way the files are found (today: next to the package in the
checkout) can change in one place. ``$STUDIO_PROMPTS_DIR`` overrides the prompts folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PROMPTS_DIR_ENV = "STUDIO_PROMPTS_DIR"
"""Environment variable naming a folder that replaces the shipped prompt templates."""

_ROOT = Path(__file__).resolve().parents[1]


def resources_dir() -> Path:
    """The folder holding the shipped resources (icons, desktop entry, themes, models)."""
    return _ROOT / "resources"


def resource_path(*parts: str) -> Path:
    """Path of one shipped resource, e.g. ``resource_path("models", "u2netp.onnx")``.

    The file may not exist; callers that need it raise their own one-line error.
    """
    return resources_dir().joinpath(*parts)


def prompts_dir() -> Path:
    """``$STUDIO_PROMPTS_DIR`` if set, else the shipped ``prompts/`` folder."""
    env = os.environ.get(PROMPTS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return _ROOT / "prompts"
