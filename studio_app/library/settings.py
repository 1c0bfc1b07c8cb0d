"""LibrarySettings: the media library's limits and background-removal defaults, stored in
settings.json section "library" (edited on Settings → Library)."""

from __future__ import annotations

from PIL import Image
from pydantic import BaseModel, Field

from studio_app.domain.media import (
    ALLOWED_TIERS,
    BG_REMOVAL_DEFAULT_TYPES,
    MAX_PROMPT_INJECTION_ASSETS,
    MediaAssetType,
)
from studio_app.domain.segmentation_models import SHIPPED_MODEL_ID

SETTINGS_SECTION = "library"
DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = int(Image.MAX_IMAGE_PIXELS or 89_478_485)


class LibrarySettings(BaseModel):
    """Limits of the creator media library.

    Read with ``store.settings.section(SETTINGS_SECTION, LibrarySettings)``.

    Attributes:
        tier: the original design's access tier; the library is usable when it is in ALLOWED_TIERS
            ("pro", "studio"). A desktop install defaults to "studio".
        total_asset_limit: most live assets the library holds, or None for no limit (the
            default). The original design's TOTAL_ASSET_LIMIT (25) was a web subscription tier; on the
            desktop the streamer's disk is the limit, and a limit is an opt-in setting.
        max_per_prompt: most assets sent with one prompt (original design's MAX_PROMPT_INJECTION_ASSETS = 2).
        max_file_bytes: largest file accepted for import, bytes.
        max_image_pixels: largest width x height accepted, pixels (Pillow's
            MAX_IMAGE_PIXELS by default; above it the file is refused as a decompression bomb).
        background_removal_types: the media types whose background is removed on import when
            the import does not say; None = the original design's BG_REMOVAL_DEFAULT_TYPES.
        segmentation_model: id of the segmentation model background removal uses for photos
            (``studio_app.domain.segmentation_models``); a fetched model that is missing or fails
            its checksum falls back to the shipped u2netp.
    """

    tier: str = "studio"
    total_asset_limit: int | None = Field(None, ge=1)
    max_per_prompt: int = Field(MAX_PROMPT_INJECTION_ASSETS, ge=0)
    max_file_bytes: int = Field(DEFAULT_MAX_FILE_BYTES, gt=0)
    max_image_pixels: int = Field(DEFAULT_MAX_IMAGE_PIXELS, gt=0)
    background_removal_types: list[MediaAssetType] | None = None
    segmentation_model: str = SHIPPED_MODEL_ID

    @property
    def has_access(self) -> bool:
        """True when ``tier`` is one of the original design's ALLOWED_TIERS."""
        return self.tier in ALLOWED_TIERS

    def removes_background_by_default(self, kind: MediaAssetType) -> bool:
        """Whether an import of type ``kind`` that does not say gets its background removed."""
        chosen = BG_REMOVAL_DEFAULT_TYPES if self.background_removal_types is None else self.background_removal_types
        return kind in chosen
