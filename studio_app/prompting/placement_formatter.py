"""PlacementFormatter: MediaAssetPlacement lists -> layout instructions in words.

Placements arrive as model instances, snake_case dicts from ``model_dump()`` or camelCase dicts
from the front end, and all three must format identically (the keys are matched without regard
to case style).

One sentence per visible placement, in paint order (back to front), e.g.::

    Place 'Chelsea the cat' (character) large at the left-centre, covering about 40% of the width
    and 70% of the height, tilted 15 degrees clockwise, in front of 'Hubble background'.

Words used:
* position: the centre (x, y percent) in a 3x3 grid: top-left, top-centre, top-right, left-centre,
  centre, right-centre, bottom-left, bottom-centre, bottom-right (thirds of the canvas).
* size: area share of the canvas: "as the full background" (>= 90% of both sides), large
  (>= 20% of the area), medium (>= 5%), small; plus width and height percent, rounded to 5.
* rotation (degrees clockwise in the model) as "tilted N degrees clockwise/anticlockwise" or
  "upside down"; flips as "mirrored"; opacity below 100% as "at N% opacity".
* layer order: "in front of 'X'" naming the nearest placement below it whose box overlaps.
Hidden placements are left out (they are not rendered either).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement

from .sanitize import sanitize_input

NAME_MAX_LENGTH = 80
"""Longest display name kept in a prompt, in characters."""


class PlacementFormatError(ValueError):
    """A placement given to the formatter is not a valid MediaAssetPlacement."""


def to_placement(value: MediaAssetPlacement | Mapping[str, Any], index: int = 0) -> MediaAssetPlacement:
    """A MediaAssetPlacement from a model or a dict with snake_case or camelCase keys.

    Raises:
        PlacementFormatError: the dict is not a valid placement (one line naming the field).
    """
    if isinstance(value, MediaAssetPlacement):
        return value
    if not isinstance(value, Mapping):
        raise PlacementFormatError(f"placement {index + 1}: expected a placement or a dict, "
                                   f"got {type(value).__name__}")
    try:
        return MediaAssetPlacement.model_validate(dict(value))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ())) or "placement"
        name = value.get("display_name") or value.get("displayName") or "?"
        raise PlacementFormatError(f"placement {index + 1} ({name!r}): {field}: {err.get('msg')}") from None


def placement_name(p: MediaAssetPlacement) -> str:
    """The sanitised display name (at most 80 characters), or ``"asset"``."""
    return sanitize_input(p.display_name, NAME_MAX_LENGTH) or "asset"


def size_percent(p: MediaAssetPlacement, canvas_size: tuple[int, int] | None) -> tuple[float, float] | None:
    """(width, height) in percent of the canvas; None for px sizes when the canvas size is unknown."""
    if p.size_unit == "percent":
        return p.width, p.height
    if canvas_size is None or canvas_size[0] <= 0 or canvas_size[1] <= 0:
        return None
    return p.width * 100.0 / canvas_size[0], p.height * 100.0 / canvas_size[1]


def placement_box(p: MediaAssetPlacement, canvas_size: tuple[int, int] | None = None) -> Box:
    """The placement's (unrotated) box in percent of the canvas (area in percent²), labelled with its
    name and kind; px sizes without a canvas size count as 30%."""
    w, h = size_percent(p, canvas_size) or (30.0, 30.0)
    kind = sanitize_input(p.asset_type, 40).replace("_", " ") or "object"
    return Box(p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2, label=placement_name(p), kind=kind)


def is_background(box: Box) -> bool:
    """True when a percent ``box`` covers at least 90% of the canvas width and height."""
    return box.width >= 90 and box.height >= 90


def position_words(x: float, y: float) -> str:
    """A 3x3-grid position for a point in percent: ``"top-left"`` ... ``"centre"`` ... ``"bottom-right"``."""
    col = "left" if x < 100 / 3 else "right" if x > 200 / 3 else "centre"
    row = "top" if y < 100 / 3 else "bottom" if y > 200 / 3 else "centre"
    if row == "centre" and col == "centre":
        return "centre"
    if row == "centre":
        return f"{col}-centre"
    return f"{row}-{col}"


def _about(percent: float) -> str:
    if percent >= 10:
        return f"{int(5 * round(percent / 5))}%"
    return f"{max(1, round(percent))}%"


def _rotation_words(rotation: float) -> str:
    r = rotation % 360
    if r < 2 or r > 358:
        return ""
    if abs(r - 180) < 2:
        return "upside down"
    if r <= 180:
        return f"tilted {round(r)} degrees clockwise"
    return f"tilted {round(360 - r)} degrees anticlockwise"


class PlacementFormatter:
    """Turns placements into layout instructions an image model can follow."""

    @staticmethod
    def normalise(placements: Iterable[MediaAssetPlacement | Mapping[str, Any]]) -> list[MediaAssetPlacement]:
        """Models from models or snake_case/camelCase dicts, in the given order.

        Raises:
            PlacementFormatError: an entry is not a valid placement.
        """
        return [to_placement(v, i) for i, v in enumerate(placements)]

    @classmethod
    def format_placement(cls, p: MediaAssetPlacement, behind: list[Box],
                         canvas_size: tuple[int, int] | None = None) -> str:
        """One sentence for ``p``; ``behind`` holds the boxes of the placements painted before it
        (back to front)."""
        box = placement_box(p, canvas_size)
        size = size_percent(p, canvas_size)
        bits: list[str] = []
        if size is not None and size[0] >= 90 and size[1] >= 90:
            head = f"Place '{box.label}' ({box.kind}) as the full background, covering the whole canvas"
        else:
            where = position_words(p.x, p.y)
            if size is None:
                head = (f"Place '{box.label}' ({box.kind}) at the {where}, "
                        f"about {round(p.width)}x{round(p.height)} px")
            else:
                area = size[0] * size[1] / 10_000
                word = "large" if area >= 0.2 else "medium-sized" if area >= 0.05 else "small"
                head = (f"Place '{box.label}' ({box.kind}) {word} at the {where}, covering about "
                        f"{_about(size[0])} of the width and {_about(size[1])} of the height")
        bits.append(head)
        turn = _rotation_words(p.rotation)
        if turn:
            bits.append(turn)
        if p.flip_h and p.flip_v:
            bits.append("mirrored both ways")
        elif p.flip_h:
            bits.append("mirrored left to right")
        elif p.flip_v:
            bits.append("mirrored top to bottom")
        if p.opacity < 99.5:
            bits.append(f"at {round(p.opacity)}% opacity")
        for other_box in reversed(behind):
            if other_box.overlaps(box):
                bits.append(f"in front of '{other_box.label}'")
                break
        return ", ".join(bits) + "."

    @classmethod
    def format_placements(cls, placements: Iterable[MediaAssetPlacement | Mapping[str, Any]],
                          canvas_size: tuple[int, int] | None = None) -> str:
        """Layout instructions, one line per visible placement, back to front.

        Args:
            placements: MediaAssetPlacement models, or dicts with snake_case or camelCase keys.
            canvas_size: (width, height) px, needed only to express ``size_unit='px'`` sizes
                as a share of the canvas.

        Returns:
            Newline-separated sentences; "" when there is nothing visible.

        Raises:
            PlacementFormatError: an entry is not a valid placement.
        """
        models = [p for p in cls.normalise(placements) if not p.hidden]
        ordered = sorted(models, key=lambda p: p.z_index)  # stable: list order breaks ties
        lines: list[str] = []
        behind: list[Box] = []
        for p in ordered:
            lines.append(cls.format_placement(p, behind, canvas_size))
            behind.append(placement_box(p, canvas_size))
        return "\n".join(lines)
