"""BrandKit: the streamer's colours, fonts, tone and logos, injected into prompts.

The original design calls the injected part BrandKitContext.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .sketch import validate_hex_colour


class BrandKitContext(BaseModel):
    """The brand values PromptEngine injects (the original design's BrandKitContext)."""

    primary_colors: list[str] = Field(default_factory=lambda: ["#9146FF"])
    accent_colors: list[str] = Field(default_factory=lambda: ["#FFFFFF"])
    headline_font: str = "Montserrat"
    body_font: str = "Inter"
    tone: str = "energetic"
    style_reference: str | None = None


class BrandKit(BrandKitContext):
    """A stored brand kit: BrandKitContext plus identity and logo asset ids.

    Colours are ``#RRGGBB`` strings. ``logo_asset_ids`` maps ``"primary"`` /
    ``"secondary"`` to MediaAsset ids.
    """

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    name: str = "My brand"
    logo_asset_ids: dict[str, str] = Field(default_factory=dict)
    is_active: bool = False
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("primary_colors", "accent_colors")
    @classmethod
    def _colours(cls, v: list[str]) -> list[str]:
        return [validate_hex_colour(c) for c in v]

    def context(self) -> BrandKitContext:
        """The prompt-facing part of this kit."""
        return BrandKitContext(**self.model_dump(include=set(BrandKitContext.model_fields)))
