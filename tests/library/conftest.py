"""Fixtures for media-library tests: a real StudioStore (SQLite file + blob folder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio_app.library.settings import LibrarySettings
from studio_app.services.context import StudioStore
from studio_app.services.media_library import MediaLibraryService


@pytest.fixture
def store(data_dir: Path) -> Iterator[StudioStore]:
    """A StudioStore opened on a fresh data dir."""
    s = StudioStore.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def library(store: StudioStore) -> MediaLibraryService:
    """A MediaLibraryService with the original design's default limits."""
    return MediaLibraryService(store, LibrarySettings())


def blob_files(store: StudioStore) -> set[Path]:
    """Every file under the blob folder (temp files included)."""
    return {p for p in store.paths.blobs.rglob("*") if p.is_file()}
