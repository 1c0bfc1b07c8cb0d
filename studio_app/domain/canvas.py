"""CanvasDocument: the composed canvas, the source of truth of the editor.

Saved as JSON (``schema_version`` first). Coordinates inside are percent of the
canvas; width/height are px and follow the document's AssetType.

Format history (``CANVAS_SCHEMA_VERSION``):

- 1: background, placements, sketch elements.
- 2: adds ``sketch_visible`` (the sketch layer can be hidden; the snapshot then leaves
  the sketch elements out). Sketch elements of a kind this version does not know (from
  a newer app) load as ``unknown_elements`` with their raw data, shown as placeholders
  and written back unchanged at their old position on save.

- 3: sketch ``stroke_width`` and ``font_size`` are percent of the canvas height instead of
  px at 1x, so a sketch keeps its proportions when the design changes target (resize). The
  v2 -> v3 step divides by the file's height (or its AssetType's when unset).

Older files are upgraded step by step by ``MIGRATIONS`` when they are read, whether
through ``from_json`` or ``model_validate`` (the store's copy).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .asset_types import AssetType, target_size
from .placement import MediaAssetPlacement
from .sketch import SKETCH_KINDS, SketchElement, validate_hex_colour

CANVAS_SCHEMA_VERSION = 3


class CanvasFormatError(ValueError):
    """A canvas document file could not be read (bad JSON, newer schema, invalid values)."""


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2: the sketch layer becomes hideable; v1 documents always showed it."""
    data.setdefault("sketch_visible", True)
    return data


V2_DEFAULT_STROKE_PX = 4.0
"""stroke_width a v2 element had when the key was missing (px at 1x)."""
V2_DEFAULT_FONT_PX = 48.0
"""font_size a v2 element had when the key was missing (px at 1x)."""


def _v2_height(data: dict[str, Any]) -> float:
    height = data.get("height")
    if isinstance(height, int | float) and not isinstance(height, bool) and height > 0:
        return float(height)
    try:
        return float(target_size(data.get("asset_type", AssetType.THUMBNAIL.value))[1])
    except ValueError:
        return float(target_size(AssetType.THUMBNAIL)[1])


def _px_to_percent(value: Any, default_px: float, height: float) -> Any:
    if value is None:
        value = default_px
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value  # left for validation to report
    if value <= 0:
        return value
    return min(100.0, value * 100.0 / height)


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """v2 -> v3: sketch stroke widths and font sizes go from px at 1x to percent of the canvas height."""
    height = _v2_height(data)
    sketches = data.get("sketch_elements")
    if isinstance(sketches, list):
        upgraded = []
        for raw in sketches:
            if isinstance(raw, dict) and raw.get("kind") in SKETCH_KINDS:  # unknown kinds stay verbatim
                raw = dict(raw)
                raw["stroke_width"] = _px_to_percent(raw.get("stroke_width"), V2_DEFAULT_STROKE_PX, height)
                raw["font_size"] = _px_to_percent(raw.get("font_size"), V2_DEFAULT_FONT_PX, height)
            upgraded.append(raw)
        data["sketch_elements"] = upgraded
    return data


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}
"""schema_version n -> function upgrading a raw v(n) document dict to v(n+1)."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a raw document dict (a copy is made) to CANVAS_SCHEMA_VERSION.

    A missing ``schema_version`` means 1 (files written before it existed).

    Raises:
        CanvasFormatError: the version is not an int, below 1, or newer than this app.
    """
    version = data.get("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CanvasFormatError(f"canvas schema_version {version!r} is not a version number")
    if version > CANVAS_SCHEMA_VERSION:
        raise CanvasFormatError(
            f"canvas schema_version {version!r} is newer than this app understands ({CANVAS_SCHEMA_VERSION})"
        )
    data = dict(data)
    while version < CANVAS_SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    data["schema_version"] = CANVAS_SCHEMA_VERSION
    return data


class UnknownElement(BaseModel):
    """An element this version cannot interpret (e.g. a sketch kind added by a newer app).

    Kept verbatim so that saving again does not lose it; the editor shows a placeholder.

    Attributes:
        collection: the list it was found in (``sketch_elements``).
        index: its position in that list in the file; on save it is put back there
            (or at the end when the list has become shorter).
        data: the raw JSON object, unchanged.
    """

    model_config = ConfigDict(extra="ignore")

    collection: Literal["sketch_elements"] = "sketch_elements"
    index: int = Field(0, ge=0)
    data: dict[str, Any]

    @property
    def id(self) -> str:
        """The element's own id if it has a string one, else a stable id from its content."""
        raw = self.data.get("id")
        if isinstance(raw, str) and raw:
            return raw
        return "unknown-" + uuid.uuid5(uuid.NAMESPACE_OID, json.dumps(self.data, sort_keys=True)).hex

    @property
    def kind(self) -> str:
        """The raw ``kind`` (or ``type``) value, for the placeholder's label."""
        return str(self.data.get("kind", self.data.get("type", "?")))

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(min_x, min_y, max_x, max_y) in percent from raw ``points`` or ``x``/``y``/``width``/``height``.

        None when the raw data has no usable geometry.
        """
        pts = self.data.get("points")
        try:
            if isinstance(pts, list) and pts:
                xs = [float(p[0]) for p in pts]
                ys = [float(p[1]) for p in pts]
                return _clamp_box(min(xs), min(ys), max(xs), max(ys))
            x, y = float(self.data["x"]), float(self.data["y"])
            w, h = float(self.data.get("width", 10)), float(self.data.get("height", 10))
            return _clamp_box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        except (KeyError, TypeError, ValueError, IndexError):
            return None


def _clamp_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    def c(v: float) -> float:
        return min(100.0, max(0.0, v))
    return c(x0), c(y0), c(x1), c(y1)


class CanvasDocument(BaseModel):
    """A canvas: background, placements and sketch elements.

    Attributes:
        schema_version: format version of the saved JSON (CANVAS_SCHEMA_VERSION).
        id: uuid4 string.
        name: document name shown in the GUI.
        asset_type: the generation target; sets width/height unless given.
        width, height: canvas size in px (defaults: the AssetType's exact size).
        background: ``#RRGGBB`` (or ``#RRGGBBAA``) fill.
        placements: MediaAssetPlacement list (drawn by z_index, then list order).
        sketch_elements: drawn above all placements, by z_index then list order.
        sketch_visible: False hides the whole sketch layer (editor and snapshot).
        unknown_elements: elements of kinds this version does not know, kept verbatim.
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
    sketch_visible: bool = True
    unknown_elements: list[UnknownElement] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = migrate(data)
        sketches = data.get("sketch_elements")
        if isinstance(sketches, list):
            known, unknown = [], list(data.get("unknown_elements") or [])
            for index, raw in enumerate(sketches):
                if isinstance(raw, dict) and isinstance(raw.get("kind"), str) and raw["kind"] not in SKETCH_KINDS:
                    unknown.append({"collection": "sketch_elements", "index": index, "data": raw})
                else:
                    known.append(raw)
            data["sketch_elements"], data["unknown_elements"] = known, unknown
        return data

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

    def sorted_sketch_elements(self) -> list[SketchElement]:
        """Sketch elements in paint order: z_index ascending, stable by list position."""
        return sorted(self.sketch_elements, key=lambda e: e.z_index)

    def for_snapshot(self) -> CanvasDocument:
        """The document as the snapshot shows it: without sketch elements when the layer is hidden."""
        if self.sketch_visible:
            return self
        return self.model_copy(update={"sketch_elements": []})

    def has_content(self) -> bool:
        """True when there are placements or sketch elements (the original design's canvas mode trigger)."""
        return bool(self.placements or self.sketch_elements)

    def to_json(self) -> str:
        """Deterministic JSON text (2-space indent, trailing newline).

        Unknown elements go back into their list at their recorded index, so a file
        from a newer app keeps them.
        """
        data = self.model_dump(mode="json")
        unknown = data.pop("unknown_elements")
        for u in sorted(unknown, key=lambda u: u["index"]):
            target = data[u["collection"]]
            target.insert(min(u["index"], len(target)), u["data"])
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> CanvasDocument:
        """Parse a saved document, upgrading older versions (see ``MIGRATIONS``).

        Raises:
            CanvasFormatError: not JSON, a newer schema_version, or invalid values.
        """
        try:
            data: Any = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CanvasFormatError(f"not a canvas document (bad JSON: {exc})") from exc
        if not isinstance(data, dict):
            raise CanvasFormatError("not a canvas document (top level is not an object)")
        data = migrate(data)
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            first = str(exc).splitlines()
            raise CanvasFormatError(f"invalid canvas document: {' '.join(first[:3])}") from exc
