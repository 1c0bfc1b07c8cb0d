"""Document operations without Qt: the new field values behind each canvas verb.

The undo commands (``studio_app.ui.canvas.commands``) call these to compute what a verb
changes, then apply it through the CanvasEditor. Every mapping here is keyed by item kind
(``studio_app.canvas.kinds``): ``{kind: {item id: {field: value}}}``. Units: percent of
the canvas for the document's coordinates, canvas px for moves and boxes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from studio_app.domain.box import Box
from studio_app.domain.placement import MediaAssetPlacement

from .editor import CanvasEditor
from .geometry import clamp, move_placement_values, shift_points
from .kinds import PLACEMENT, SKETCH, ItemKey

Changes = dict[str, tuple[dict[str, Any], dict[str, Any]]]
"""item id -> (before fields, after fields), only the fields that change."""
KindChanges = dict[str, Changes]
"""kind -> Changes: what one undo step changes."""
KindValues = dict[str, dict[str, dict[str, Any]]]
"""kind -> item id -> new field values."""

ARRANGE_MODES = ("forward", "backward", "front", "back")
STYLE_APPLIES = {"fill": ("rectangle", "ellipse"), "font_family": ("text",), "font_size": ("text",),
                 "text": ("text",), "stroke_width": ("pen", "line", "arrow", "rectangle", "ellipse")}
"""Sketch style fields and the element kinds they apply to (fields not listed apply to all)."""


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    keys = [k for k in after if before.get(k) != after[k]]
    if not keys:
        return None
    return {k: before[k] for k in keys}, {k: after[k] for k in keys}


def item_changes(editor: CanvasEditor, new_values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> KindChanges:
    """kind -> id -> (before, after) for the fields in ``new_values`` that differ from the document.

    Ids no longer in the document are skipped; kinds with no change are left out.
    """
    out: KindChanges = {}
    for kind, by_id in new_values.items():
        for item_id, values in by_id.items():
            item = editor.get(kind, item_id)
            if item is None:
                continue
            d = _diff(item.model_dump(include=set(values)), values)
            if d:
                out.setdefault(kind, {})[item_id] = d
    return out


def translation_values(editor: CanvasEditor, ids: Mapping[str, Iterable[str]], dx_px: float,
                       dy_px: float) -> KindValues:
    """New x/y (placements) and points (sketch elements) after moving by (dx, dy) canvas px.

    Locked placements do not move; other kinds are not movable. Centres and points stay on
    the canvas.
    """
    doc = editor.document
    out: KindValues = {}
    for pid in ids.get(PLACEMENT, ()):
        p = editor.placement(pid)
        if p is not None and not p.locked:
            out.setdefault(PLACEMENT, {})[pid] = move_placement_values(p, dx_px, dy_px, doc.width, doc.height)
    for sid in ids.get(SKETCH, ()):
        e = editor.sketch_element(sid)
        if e is not None:
            shifted = shift_points(e.points, dx_px * 100.0 / doc.width, dy_px * 100.0 / doc.height)
            out.setdefault(SKETCH, {})[sid] = {"points": shifted}
    return out


def copies_for_paste(items: Mapping[str, Sequence[Any]], editor: CanvasEditor,
                     offset_pct: float) -> dict[str, list[Any]]:
    """Fresh copies (new ids) of placements and sketch elements for paste/duplicate, shifted by
    ``offset_pct`` percent and stacked above everything, keeping their relative order.

    Returns:
        {PLACEMENT: [...], SKETCH: [...]}; other kinds are not copied.
    """
    z = editor.next_z_index()
    placements = sorted(items.get(PLACEMENT, ()), key=lambda p: p.z_index)
    new_p = [p.model_copy(update={
        "id": uuid.uuid4().hex, "z_index": z + rank,
        "x": clamp(p.x + offset_pct, 0.0, 100.0), "y": clamp(p.y + offset_pct, 0.0, 100.0)})
        for rank, p in enumerate(placements)]
    sz = editor.next_sketch_z_index()
    new_s = [e.model_copy(update={"id": uuid.uuid4().hex, "z_index": sz,
                                  "points": shift_points(e.points, offset_pct, offset_pct)})
             for e in sorted(items.get(SKETCH, ()), key=lambda e: e.z_index)]
    return {PLACEMENT: new_p, SKETCH: new_s}


def arranged(order: Sequence[str], selected: set[str], how: str) -> list[str]:
    """``order`` (bottom to top) after moving the ``selected`` ids ``how``.

    front/back: to the top/bottom, keeping their relative order; forward/backward: each
    selected id passes the next unselected one above/below it.

    Raises:
        ValueError: ``how`` is not one of ARRANGE_MODES.
    """
    items = list(order)
    if how == "front":
        return [i for i in items if i not in selected] + [i for i in items if i in selected]
    if how == "back":
        return [i for i in items if i in selected] + [i for i in items if i not in selected]
    if how == "forward":
        for k in range(len(items) - 2, -1, -1):
            if items[k] in selected and items[k + 1] not in selected:
                items[k], items[k + 1] = items[k + 1], items[k]
        return items
    if how == "backward":
        for k in range(1, len(items)):
            if items[k] in selected and items[k - 1] not in selected:
                items[k], items[k - 1] = items[k - 1], items[k]
        return items
    raise ValueError(f"unknown arrange mode {how!r}")


def z_values(order: Sequence[str], base: int) -> dict[str, dict[str, Any]]:
    """id -> {"z_index": base + rank} for ``order`` (bottom to top)."""
    return {i: {"z_index": base + rank} for rank, i in enumerate(order)}


def arrange_values(editor: CanvasEditor, ids: Mapping[str, Iterable[str]], how: str) -> KindValues:
    """New z_index values for arranging ``ids`` ``how`` (one of ARRANGE_MODES).

    Placements are re-numbered 1..n (bottom to top); sketch elements (always above all
    placements, on their own layer) 0..n-1.

    Raises:
        ValueError: ``how`` is not one of ARRANGE_MODES.
    """
    if how not in ARRANGE_MODES:
        raise ValueError(f"unknown arrange mode {how!r}")
    doc = editor.document
    out: KindValues = {}
    pids, sids = set(ids.get(PLACEMENT, ())), set(ids.get(SKETCH, ()))
    if pids:
        out[PLACEMENT] = z_values(arranged([p.id for p in doc.sorted_placements()], pids, how), 1)
    if sids:
        out[SKETCH] = z_values(arranged([e.id for e in doc.sorted_sketch_elements()], sids, how), 0)
    return out


def shift_values(editor: CanvasEditor, boxes: Mapping[ItemKey, Box],
                 shifts: Sequence[tuple[float, float]]) -> KindValues:
    """New positions after shifting each (kind, id) of ``boxes`` by its (dx, dy) px in ``shifts``."""
    out: KindValues = {}
    for (kind, item_id), (dx, dy) in zip(boxes, shifts, strict=True):
        if abs(dx) < 1e-9 and abs(dy) < 1e-9:
            continue
        for k, values in translation_values(editor, {kind: [item_id]}, dx, dy).items():
            out.setdefault(k, {}).update(values)
    return out


def style_values(editor: CanvasEditor, sketch_ids: Iterable[str], values: Mapping[str, Any]) -> KindValues:
    """The style ``values`` each sketch element takes: fields that do not apply to its kind
    (fill on a line, font on a stroke; STYLE_APPLIES) are left out for it."""
    out: dict[str, dict[str, Any]] = {}
    for sid in sketch_ids:
        e = editor.sketch_element(sid)
        if e is None:
            continue
        vals = {k: v for k, v in values.items() if e.kind in STYLE_APPLIES.get(k, (e.kind,))}
        if vals:
            out[sid] = vals
    return {SKETCH: out}


def _each_placement(editor: CanvasEditor, placement_ids: Iterable[str],
                    values_for: Callable[[MediaAssetPlacement], dict[str, Any] | None]) -> KindValues:
    """{PLACEMENT: {id: values_for(placement)}} for the ids in the document whose values are not None."""
    out: dict[str, dict[str, Any]] = {}
    for pid in placement_ids:
        p = editor.placement(pid)
        values = None if p is None else values_for(p)
        if values is not None:
            out[pid] = values
    return {PLACEMENT: out}


def size_unit_values(editor: CanvasEditor, placement_ids: Iterable[str], unit: str) -> KindValues:
    """Placements switched between percent and px sizes (``size_unit``), same size on screen.

    Raises:
        ValueError: ``unit`` is not "percent" or "px".
    """
    if unit not in ("percent", "px"):
        raise ValueError(f"size unit must be 'percent' or 'px', got {unit!r}")
    doc = editor.document

    def switched(p: MediaAssetPlacement) -> dict[str, Any] | None:
        if p.size_unit == unit:
            return None
        w, h = p.size_px(doc.width, doc.height)
        if unit == "px":
            return {"size_unit": "px", "width": w, "height": h}
        return {"size_unit": "percent", "width": clamp(w * 100.0 / doc.width, 0.01, 100.0),
                "height": clamp(h * 100.0 / doc.height, 0.01, 100.0)}

    return _each_placement(editor, placement_ids, switched)


def flip_values(editor: CanvasEditor, placement_ids: Iterable[str], axis: str) -> KindValues:
    """Unlocked placements mirrored horizontally (``axis`` "h") or vertically ("v").

    Raises:
        ValueError: ``axis`` is not "h" or "v".
    """
    if axis not in ("h", "v"):
        raise ValueError(f"flip axis must be 'h' or 'v', got {axis!r}")
    name = "flip_h" if axis == "h" else "flip_v"
    return _each_placement(editor, placement_ids, lambda p: None if p.locked else {name: not getattr(p, name)})
