"""Fixtures for media-library tests: the service over the shared ``store`` (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_app.library.settings import LibrarySettings
from studio_app.services.context import StudioStore
from studio_app.services.media_library import MediaLibraryService


@pytest.fixture
def library(store: StudioStore) -> MediaLibraryService:
    """A MediaLibraryService with the original design's default limits."""
    return MediaLibraryService(store, LibrarySettings())


def blob_files(store: StudioStore) -> set[Path]:
    """Every file under the blob folder (temp files included)."""
    return {p for p in store.paths.blobs.rglob("*") if p.is_file()}
