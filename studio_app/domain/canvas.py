"""CanvasDocument: the composed canvas, the source of truth of the editor.

Saved as JSON (``schema_version`` first). Coordinates inside are percent of the
canvas; width/height are px and follow the document's AssetType.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .asset_types import AssetType, target_size
from .placement import MediaAssetPlacement
from .sketch import SketchElement, validate_hex_colour

CANVAS_SCHEMA_VERSION = 1


class CanvasFormatError(ValueError):
    """A canvas document file could not be read (bad JSON, newer schema, invalid values)."""


class CanvasDocument(BaseModel):
    """A canvas: background, placements and sketch elements.

    Attributes:
        schema_version: format version of the saved JSON.
        id: uuid4 string.
        name: document name shown in the GUI.
        asset_type: the generation target; sets width/height unless given.
        width, height: canvas size in px (defaults: the AssetType's exact size).
        background: ``#RRGGBB`` (or ``#RRGGBBAA``) fill.
        placements: MediaAssetPlacement list (drawn by z_index, then list order).
        sketch_elements: drawn above all placements, in list order.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    schema_version: int = CANVAS_SCHEMA_VERSION
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    name: str = "Untitled canvas"
    asset_type: AssetType = AssetType.THUMBNAIL
    width: int = Field(0, ge=0, le=16384)
    height: int = Field(0, ge=0, le=16384)
    background: str = "#1E1E28"
    placements: list[MediaAssetPlacement] = Field(default_factory=list)
    sketch_elements: list[SketchElement] = Field(default_factory=list)

    @field_validator("background")
    @classmethod
    def _bg(cls, v: str) -> str:
        return validate_hex_colour(v)

    @model_validator(mode="after")
    def _default_size(self) -> CanvasDocument:
        if self.width == 0 or self.height == 0:
            self.width, self.height = target_size(self.asset_type)
        return self

    def sorted_placements(self) -> list[MediaAssetPlacement]:
        """Placements in paint order: z_index ascending, stable by list position."""
        return sorted(self.placements, key=lambda p: p.z_index)

    def has_content(self) -> bool:
        """True when there are placements or sketch elements (the seed's canvas mode trigger)."""
        return bool(self.placements or self.sketch_elements)

    def to_json(self) -> str:
        """Deterministic JSON text (2-space indent, trailing newline)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> CanvasDocument:
        """Parse a saved document.

        Raises:
            CanvasFormatError: not JSON, a newer schema_version, or invalid values.
        """
        try:
            data: Any = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CanvasFormatError(f"not a canvas document (bad JSON: {exc})") from exc
        if not isinstance(data, dict):
            raise CanvasFormatError("not a canvas document (top level is not an object)")
        version = data.get("schema_version", 1)
        if not isinstance(version, int) or version > CANVAS_SCHEMA_VERSION:
            raise CanvasFormatError(
                f"canvas schema_version {version!r} is newer than this app understands ({CANVAS_SCHEMA_VERSION})"
            )
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            first = str(exc).splitlines()
            raise CanvasFormatError(f"invalid canvas document: {' '.join(first[:3])}") from exc
