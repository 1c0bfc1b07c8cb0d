"""What the media library answers: its refusals (``LibraryError`` and kinds) and result models.

``studio_app.services.media_library`` re-exports all of them; import from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from pydantic import BaseModel

from studio_app.domain.media import MediaAsset, MediaAssetType

UPGRADE_MESSAGE = "The media library needs the pro or studio tier; choose it in Settings → Library."

__all__ = [
    "UPGRADE_MESSAGE", "ImportOutcome", "LibraryError", "LibraryFullError", "LibrarySummary", "MediaAccess",
    "MediaListFilters", "MediaTypeInfo", "NoAccessError", "PromptLimitError", "parse_asset_type",
]


class LibraryError(Exception):
    """A library operation was refused; ``str()`` is a one-line reason."""


class LibraryFullError(LibraryError):
    """The library already holds ``total_asset_limit`` live assets."""


class PromptLimitError(LibraryError):
    """More assets were picked for one prompt than ``max_per_prompt`` allows."""


class NoAccessError(LibraryError):
    """The configured tier has no media library (the tier's ``has_access`` is false)."""


@dataclass
class ImportOutcome:
    """Result of importing one file.

    Exactly one of: ``asset`` set (imported, or the reused duplicate), or ``error`` set
    (one-line reason, nothing written). ``duplicate_of`` is the existing asset with the
    same SHA-256 when one was found (then ``asset`` is that asset when reused).
    """

    path: str
    asset: MediaAsset | None = None
    duplicate_of: MediaAsset | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when an asset was imported or reused."""
        return self.asset is not None


class MediaAccess(BaseModel):
    """Whether this tier has the library: the tier, ``total_limit`` (None: no limit; 0 without
    access), ``max_per_prompt`` (0 without access) and the upgrade message when refused."""

    has_access: bool
    tier: str
    total_limit: int | None
    max_per_prompt: int
    upgrade_message: str | None


class LibrarySummary(BaseModel):
    """Counts: ``total`` live assets, ``total_limit`` and ``remaining`` (None: no limit) and
    ``by_type`` (all 14 types)."""

    total: int
    total_limit: int | None
    remaining: int | None
    by_type: dict[str, int]


class MediaListFilters(TypedDict, total=False):
    """Keyword filters of ``MediaLibraryService.list_assets`` passed on to the media repository."""

    favorites_only: bool
    tags: Sequence[str]
    limit: int | None
    offset: int


class MediaTypeInfo(BaseModel):
    """One MediaAssetType with its label and background-removal default."""

    asset_type: MediaAssetType
    label: str
    removes_background_by_default: bool


def parse_asset_type(value: str | MediaAssetType) -> MediaAssetType:
    """``value`` as a MediaAssetType.

    Raises:
        LibraryError: not one of the 14 media asset types.
    """
    try:
        return MediaAssetType(value)
    except ValueError:
        names = ", ".join(t.value for t in MediaAssetType)
        raise LibraryError(f"unknown asset type {value!r}; use one of: {names}") from None
