"""Creator media library: MediaAssetType, limits and background-removal defaults.

The kinds, limits and defaults are the original design's creator media library.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MediaAssetType(StrEnum):
    """The original design's 14 kinds of creator media."""

    LOGO = "logo"
    FACE = "face"
    CHARACTER = "character"
    GAME_SKIN = "game_skin"
    OBJECT = "object"
    BACKGROUND = "background"
    REFERENCE = "reference"
    OVERLAY = "overlay"
    EMOTE = "emote"
    BADGE = "badge"
    PANEL = "panel"
    ALERT = "alert"
    FACECAM_FRAME = "facecam_frame"
    STINGER = "stinger"


TOTAL_ASSET_LIMIT = 25
"""The original design's default for how many media assets a library holds (a setting here)."""
MAX_PROMPT_INJECTION_ASSETS = 2
"""The original design's limit: media assets sent with one prompt."""
ALLOWED_TIERS = ("pro", "studio")

BG_REMOVAL_DEFAULT_TYPES = frozenset(
    {
        MediaAssetType.FACE,
        MediaAssetType.LOGO,
        MediaAssetType.CHARACTER,
        MediaAssetType.OBJECT,
        MediaAssetType.EMOTE,
        MediaAssetType.BADGE,
        MediaAssetType.GAME_SKIN,
    }
)
BG_REMOVAL_EXCLUDED_TYPES = frozenset(set(MediaAssetType) - BG_REMOVAL_DEFAULT_TYPES)

SUPPORTED_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
THUMBNAIL_SIZE_PX = 256


class MediaAsset(BaseModel):
    """One item of the creator media library (the original design's creator_media_assets row).

    ``url`` and ``storage_path`` point at the local blob (``blob:<sha256>``); the
    thumbnail and processed (background-removed) image are blobs too.
    """

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_type: MediaAssetType
    display_name: str
    description: str | None = None
    url: str
    storage_path: str
    content_hash: str
    thumbnail_url: str | None = None
    processed_url: str | None = None
    processed_storage_path: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    tags: list[str] = Field(default_factory=list)
    is_favorite: bool = False
    is_primary: bool = False
    has_background_removed: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)
    usage_count: int = 0
    last_used_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
