"""MediaAssetPlacement: where a media asset sits on the canvas.

The shape is the original design's MediaAssetPlacement. Coordinates
are in percent of the canvas (0-100) and ``x``/``y`` name the placement's centre.
Both snake_case and camelCase keys are accepted (the original design's PlacementFormatter fix).
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

SizeUnit = Literal["percent", "px"]


class MediaAssetPlacement(BaseModel):
    """One placed media asset.

    Attributes:
        id: stable id of this placement (the same asset may be placed twice), so undo,
            the editor and sync can address it.
        asset_id: id of the MediaAsset in the library ("" when only ``url`` is known).
        display_name, asset_type, url: copied from the asset; ``url`` may be a local
            file path, imported on load when the asset is missing.
        x, y: centre, percent of canvas width/height, 0-100.
        width, height: size in ``size_unit``; percent of canvas (0-100] or px (> 0).
        z_index: stacking order, higher draws later.
        rotation: degrees clockwise, 0-360.
        opacity: percent, 0-100.
        flip_h, flip_v, locked, hidden: editor state (render honours flips and hidden).

    Raises:
        pydantic.ValidationError: any value out of its range.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    asset_id: str = ""
    display_name: str = "asset"
    asset_type: str = "object"
    url: str = ""
    x: float = Field(50.0, ge=0, le=100)
    y: float = Field(50.0, ge=0, le=100)
    width: float = Field(30.0, gt=0)
    height: float = Field(30.0, gt=0)
    size_unit: SizeUnit = "percent"
    z_index: int = Field(1, ge=0)
    rotation: float = Field(0.0, ge=0, le=360)
    opacity: float = Field(100.0, ge=0, le=100)
    flip_h: bool = False
    flip_v: bool = False
    locked: bool = False
    hidden: bool = False

    @model_validator(mode="after")
    def _percent_within_canvas(self) -> MediaAssetPlacement:
        if self.size_unit == "percent" and (self.width > 100 or self.height > 100):
            raise ValueError("percent width/height must be within (0, 100]")
        return self

    def size_px(self, canvas_width: int, canvas_height: int) -> tuple[float, float]:
        """Width and height in px on a canvas of the given size (px)."""
        if self.size_unit == "px":
            return self.width, self.height
        return self.width * canvas_width / 100.0, self.height * canvas_height / 100.0

    def centre_px(self, canvas_width: int, canvas_height: int) -> tuple[float, float]:
        """Centre in px on a canvas of the given size (px)."""
        return self.x * canvas_width / 100.0, self.y * canvas_height / 100.0
