"""Where the app's own files are: ``resources/`` (icons, desktop entry, AppStream metadata,
themes, bundled models) and ``prompts/`` (the YAML prompt templates, the coach's prompt).

Both folders ship inside the package as ``studio_app._resources`` and ``studio_app._prompts``
(setup.py maps them) and are found here with :mod:`importlib.resources`, the same way in an
editable install, an installed wheel and a PyInstaller bundle; never through the checkout's
layout. ``$STUDIO_PROMPTS_DIR`` overrides the prompts folder.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

PROMPTS_DIR_ENV = "STUDIO_PROMPTS_DIR"
"""Environment variable naming a folder that replaces the shipped prompt templates."""

RESOURCES_PACKAGE = "studio_app._resources"
PROMPTS_PACKAGE = "studio_app._prompts"

APP_ID = "io.github.streamerstudio.StreamerStudio"
"""Reverse-DNS application id: the desktop entry's and AppStream's file names, the icon name."""

APP_NAME = "Streamer Studio"


class ResourcesMissingError(RuntimeError):
    """The shipped files cannot be found (a broken or stale install)."""


@cache
def _package_dir(package: str) -> Path:
    """The folder of a data package as a real path (files are read with ordinary I/O).

    Raises:
        ResourcesMissingError: the package is not installed, or not as plain files (e.g. in a zip).
    """
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        raise ResourcesMissingError(
            f"{package} is not installed: reinstall Streamer Studio (from a checkout: pip install -e .)") from exc
    if not isinstance(root, Path) or not root.is_dir():
        raise ResourcesMissingError(f"{package} is not installed as files on disk ({root!s})")
    return root


def resources_dir() -> Path:
    """The folder holding the shipped resources (icons, desktop entry, themes, models)."""
    return _package_dir(RESOURCES_PACKAGE)


def resource_path(*parts: str) -> Path:
    """Path of one shipped resource, e.g. ``resource_path("models", "u2netp.onnx")``.

    The file may not exist; callers that need it raise their own one-line error.
    """
    return resources_dir().joinpath(*parts)


def shipped_prompts_dir() -> Path:
    """The prompt templates shipped with the app (ignores ``$STUDIO_PROMPTS_DIR``)."""
    return _package_dir(PROMPTS_PACKAGE)


def prompts_dir() -> Path:
    """``$STUDIO_PROMPTS_DIR`` if set, else the shipped ``prompts/`` folder."""
    env = os.environ.get(PROMPTS_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return shipped_prompts_dir()


def icon_path(size: int | None = None) -> Path:
    """The app icon: the PNG of ``size`` px (16, 24, 32, 48, 64, 128, 256 or 512), else the SVG."""
    if size is None:
        return resource_path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")
    return resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png")
