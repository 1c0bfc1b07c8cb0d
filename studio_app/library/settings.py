"""LibrarySettings: the media library's limits, stored in settings.json section "library"."""

from __future__ import annotations

from PIL import Image
from pydantic import BaseModel, Field

from studio_app.domain.media import ALLOWED_TIERS, MAX_PROMPT_INJECTION_ASSETS, TOTAL_ASSET_LIMIT
from studio_app.domain.segmentation_models import SHIPPED_MODEL_ID

SETTINGS_SECTION = "library"


class LibrarySettings(BaseModel):
    """Limits of the creator media library.

    Read with ``store.settings.section(SETTINGS_SECTION, LibrarySettings)``.

    Attributes:
        tier: the seed's access tier; the library is usable when it is in ALLOWED_TIERS
            ("pro", "studio"). A desktop install defaults to "studio".
        total_asset_limit: most live assets the library holds (seed TOTAL_ASSET_LIMIT = 25;
            small for a desktop app, so it is a setting).
        max_per_prompt: most assets sent with one prompt (seed MAX_PROMPT_INJECTION_ASSETS = 2).
        max_file_bytes: largest file accepted for import, bytes.
        max_image_pixels: largest width x height accepted, pixels (Pillow's
            MAX_IMAGE_PIXELS by default; above it the file is refused as a decompression bomb).
        segmentation_model: id of the segmentation model background removal uses for photos
            (``studio_app.domain.segmentation_models``); a fetched model that is missing or fails
            its checksum falls back to the shipped u2netp.
    """

    tier: str = "studio"
    total_asset_limit: int = Field(TOTAL_ASSET_LIMIT, ge=0)
    max_per_prompt: int = Field(MAX_PROMPT_INJECTION_ASSETS, ge=0)
    max_file_bytes: int = Field(200 * 1024 * 1024, gt=0)
    max_image_pixels: int = Field(int(Image.MAX_IMAGE_PIXELS or 89_478_485), gt=0)
    segmentation_model: str = SHIPPED_MODEL_ID

    @property
    def has_access(self) -> bool:
        """True when ``tier`` is one of the seed's ALLOWED_TIERS."""
        return self.tier in ALLOWED_TIERS
