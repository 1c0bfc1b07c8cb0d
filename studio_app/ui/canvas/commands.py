"""QUndoCommands: one per user verb. Each changes the CanvasDocument through CanvasEditor.

Three shapes cover every verb:

- InsertItemsCommand (place, draw, paste, duplicate) and RemoveItemsCommand (delete,
  cut, erase): items in and out of the document, undo restores exact list positions.
- UpdateItemsCommand: field changes of any number of placements and sketch elements
  in one step (move, resize, rotate, flip, opacity, arrange, align, distribute, lock,
  hide, style, text edit, unit). Verb classes below compute the new values from the
  current document and name the step.
- SetDocumentFieldsCommand: asset type, background, name, sketch layer visibility.

Drags are applied live by the scene and pushed on release with the before/after
values (BeeRef's model); the first redo() re-applies the same values, so it is a no-op
for the document's content. Nudges of the same selection merge into one step.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from studio_app.canvas.editor import CanvasEditor, Removed
from studio_app.canvas.geometry import (
    align_offsets,
    clamp,
    distribute_offsets,
    move_placement_values,
    shift_points,
)
from studio_app.domain.asset_types import AssetType
from studio_app.domain.box import Box
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.services.design_resize import resize_design

NUDGE_MERGE_ID = 1001
"""QUndoCommand.id() of nudges: consecutive nudges of the same items merge."""

ItemKey = tuple[str, str]
"""("p", placement id) or ("s", sketch element id)."""
Changes = dict[str, tuple[dict[str, Any], dict[str, Any]]]
"""id -> (before fields, after fields)."""


# -- insert / remove --------------------------------------------------------------------
class InsertItemsCommand(QUndoCommand):
    """Put placements and sketch elements into the document (appended; undo takes them out)."""

    def __init__(self, editor: CanvasEditor, placements: Sequence[MediaAssetPlacement] = (),
                 sketches: Sequence[SketchElement] = (), text: str = "Insert",
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor = editor
        self.placements, self.sketches = list(placements), list(sketches)

    def redo(self) -> None:
        self.editor._apply_insert(placements=[(None, p) for p in self.placements],
                                  sketches=[(None, e) for e in self.sketches])

    def undo(self) -> None:
        self.editor._apply_remove([p.id for p in self.placements], [e.id for e in self.sketches])


class AddPlacementCommand(InsertItemsCommand):
    """Place one media asset on the canvas."""

    def __init__(self, editor: CanvasEditor, placement: MediaAssetPlacement,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, [placement], (), f"Place {placement.display_name}", parent)
        self.placement = placement


class AddSketchCommand(InsertItemsCommand):
    """Add one sketch element (one stroke, shape or text = one step)."""

    def __init__(self, editor: CanvasEditor, element: SketchElement, parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, (), [element], "Add text" if element.kind == "text" else f"Draw {element.kind}",
                         parent)
        self.element = element


class RemoveItemsCommand(QUndoCommand):
    """Take placements, sketch elements and unknown elements out (undo restores their positions)."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str] = (), sketch_ids: Iterable[str] = (),
                 unknown_ids: Iterable[str] = (), text: str | None = None,
                 parent: QUndoCommand | None = None) -> None:
        self.placement_ids, self.sketch_ids = list(placement_ids), list(sketch_ids)
        self.unknown_ids = list(unknown_ids)
        n = len(self.placement_ids) + len(self.sketch_ids) + len(self.unknown_ids)
        super().__init__(text or f"Delete {n} item{'s' if n != 1 else ''}", parent)
        self.editor = editor
        self._removed = Removed()

    def redo(self) -> None:
        self._removed = self.editor._apply_remove(self.placement_ids, self.sketch_ids, self.unknown_ids)

    def undo(self) -> None:
        r = self._removed
        self.editor._apply_insert(placements=r.placements, sketches=r.sketches, unknown=r.unknown)


class RemovePlacementCommand(RemoveItemsCommand):
    """Delete one placement."""

    def __init__(self, editor: CanvasEditor, placement_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, [placement_id], (), (), "Delete placement", parent)
        self.placement_id = placement_id


class RemoveSketchCommand(RemoveItemsCommand):
    """Delete one sketch element."""

    def __init__(self, editor: CanvasEditor, element_id: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(editor, (), [element_id], (), "Delete sketch element", parent)
        self.element_id = element_id


def delete_items_macro(editor: CanvasEditor, placement_ids: list[str], sketch_ids: list[str],
                       unknown_ids: Sequence[str] = ()) -> QUndoCommand:
    """One undo step deleting several placements, sketch elements and unknown elements."""
    return RemoveItemsCommand(editor, placement_ids, sketch_ids, unknown_ids)


def copies_for_paste(placements: Sequence[MediaAssetPlacement], sketches: Sequence[SketchElement],
                     editor: CanvasEditor, offset_pct: float) -> tuple[list[MediaAssetPlacement], list[SketchElement]]:
    """Fresh copies (new ids) of items for paste/duplicate, shifted by ``offset_pct`` percent and
    stacked above everything, keeping their relative order."""
    z = editor.next_z_index()
    new_p = []
    for rank, p in enumerate(sorted(placements, key=lambda p: p.z_index)):
        new_p.append(p.model_copy(update={
            "id": uuid.uuid4().hex, "z_index": z + rank,
            "x": clamp(p.x + offset_pct, 0.0, 100.0), "y": clamp(p.y + offset_pct, 0.0, 100.0)}))
    sz = editor.next_sketch_z_index()
    new_s = [e.model_copy(update={"id": uuid.uuid4().hex, "z_index": sz,
                                  "points": shift_points(e.points, offset_pct, offset_pct)})
             for e in sorted(sketches, key=lambda e: e.z_index)]
    return new_p, new_s


# -- field updates --------------------------------------------------------------------
class UpdateItemsCommand(QUndoCommand):
    """Change fields of placements and sketch elements as one step.

    ``placements`` / ``sketches`` map id -> (before, after) holding only changed fields.
    With ``merge_id`` != -1, a following command with the same id and the same items
    merges into this one (its "after" wins).
    """

    def __init__(self, editor: CanvasEditor, placements: Changes | None = None, sketches: Changes | None = None,
                 text: str = "Edit", *, merge_id: int = -1, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor = editor
        self.placements: Changes = {k: (dict(b), dict(a)) for k, (b, a) in (placements or {}).items()}
        self.sketches: Changes = {k: (dict(b), dict(a)) for k, (b, a) in (sketches or {}).items()}
        self.merge_id = merge_id

    def is_empty(self) -> bool:
        """True when nothing would change (callers skip pushing it)."""
        return not self.placements and not self.sketches

    def _apply(self, which: int) -> None:
        with self.editor.batch():
            self.editor._apply_update_placements({k: v[which] for k, v in self.placements.items()})
            self.editor._apply_update_sketches({k: v[which] for k, v in self.sketches.items()})

    def redo(self) -> None:
        self._apply(1)

    def undo(self) -> None:
        self._apply(0)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if (not isinstance(other, UpdateItemsCommand) or other.merge_id != self.merge_id
                or other.placements.keys() != self.placements.keys()
                or other.sketches.keys() != self.sketches.keys()):
            return False
        for mine, theirs in ((self.placements, other.placements), (self.sketches, other.sketches)):
            for k, (before, after) in theirs.items():
                mine[k][1].update(after)
                for field, value in before.items():
                    mine[k][0].setdefault(field, value)
        return True


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    keys = [k for k in after if before.get(k) != after[k]]
    if not keys:
        return None
    return {k: before[k] for k in keys}, {k: after[k] for k in keys}


def placement_changes(editor: CanvasEditor, new_values: Mapping[str, Mapping[str, Any]]) -> Changes:
    """id -> (before, after) for the fields in ``new_values`` that differ from the document."""
    out: Changes = {}
    for pid, values in new_values.items():
        p = editor.placement(pid)
        if p is None:
            continue
        d = _diff(p.model_dump(include=set(values)), values)
        if d:
            out[pid] = d
    return out


def sketch_changes(editor: CanvasEditor, new_values: Mapping[str, Mapping[str, Any]]) -> Changes:
    """id -> (before, after) for the sketch fields in ``new_values`` that differ from the document."""
    out: Changes = {}
    for sid, values in new_values.items():
        e = editor.sketch_element(sid)
        if e is None:
            continue
        d = _diff(e.model_dump(include=set(values)), values)
        if d:
            out[sid] = d
    return out


def translation_values(editor: CanvasEditor, placement_ids: Iterable[str], sketch_ids: Iterable[str],
                       dx_px: float, dy_px: float) -> tuple[dict[str, dict], dict[str, dict]]:
    """New x/y (placements) and points (sketch elements) after moving by (dx, dy) canvas px.

    Locked placements do not move. Centres and points stay on the canvas.
    """
    doc = editor.document
    pv: dict[str, dict] = {}
    for pid in placement_ids:
        p = editor.placement(pid)
        if p is not None and not p.locked:
            pv[pid] = move_placement_values(p, dx_px, dy_px, doc.width, doc.height)
    sv: dict[str, dict] = {}
    for sid in sketch_ids:
        e = editor.sketch_element(sid)
        if e is not None:
            sv[sid] = {"points": shift_points(e.points, dx_px * 100.0 / doc.width, dy_px * 100.0 / doc.height)}
    return pv, sv


class MoveItemsCommand(UpdateItemsCommand):
    """Move placements and sketch elements by (dx, dy) canvas px (also the nudge verb)."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], sketch_ids: Iterable[str],
                 dx_px: float, dy_px: float, text: str = "Move", *, merge_id: int = -1) -> None:
        pv, sv = translation_values(editor, placement_ids, sketch_ids, dx_px, dy_px)
        super().__init__(editor, placement_changes(editor, pv), sketch_changes(editor, sv), text, merge_id=merge_id)


class NudgeCommand(MoveItemsCommand):
    """Arrow-key nudge; consecutive nudges of the same selection merge into one undo step."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], sketch_ids: Iterable[str],
                 dx_px: float, dy_px: float) -> None:
        super().__init__(editor, placement_ids, sketch_ids, dx_px, dy_px, "Nudge", merge_id=NUDGE_MERGE_ID)


class UpdatePlacementCommand(UpdateItemsCommand):
    """Change fields of one placement (kept for single-item callers). ``merge`` makes it a nudge."""

    def __init__(self, editor: CanvasEditor, placement_id: str, before: dict[str, Any], after: dict[str, Any],
                 text: str, *, merge: bool = False) -> None:
        super().__init__(editor, {placement_id: (before, after)}, None, text,
                         merge_id=NUDGE_MERGE_ID if merge else -1)
        self.placement_id = placement_id


class SetPlacementFieldsCommand(UpdateItemsCommand):
    """Set the same fields on several placements (opacity, rotation, lock, hide, size...)."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], values: Mapping[str, Any],
                 text: str) -> None:
        super().__init__(editor, placement_changes(editor, {pid: dict(values) for pid in placement_ids}),
                         None, text)


class FlipCommand(UpdateItemsCommand):
    """Mirror placements horizontally (``axis`` "h") or vertically ("v")."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], axis: str) -> None:
        if axis not in ("h", "v"):
            raise ValueError(f"flip axis must be 'h' or 'v', got {axis!r}")
        field = "flip_h" if axis == "h" else "flip_v"
        values = {}
        for pid in placement_ids:
            p = editor.placement(pid)
            if p is not None and not p.locked:
                values[pid] = {field: not getattr(p, field)}
        super().__init__(editor, placement_changes(editor, values), None,
                         "Flip horizontally" if axis == "h" else "Flip vertically")


class SetSizeUnitCommand(UpdateItemsCommand):
    """Switch placements between percent and px sizes (the seed's size_unit), same size on screen."""

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], unit: str) -> None:
        if unit not in ("percent", "px"):
            raise ValueError(f"size unit must be 'percent' or 'px', got {unit!r}")
        doc = editor.document
        values = {}
        for pid in placement_ids:
            p = editor.placement(pid)
            if p is None or p.size_unit == unit:
                continue
            w, h = p.size_px(doc.width, doc.height)
            if unit == "px":
                values[pid] = {"size_unit": "px", "width": w, "height": h}
            else:
                values[pid] = {"size_unit": "percent", "width": clamp(w * 100.0 / doc.width, 0.01, 100.0),
                               "height": clamp(h * 100.0 / doc.height, 0.01, 100.0)}
        super().__init__(editor, placement_changes(editor, values), None, f"Size in {unit}")


ARRANGE_MODES = ("forward", "backward", "front", "back")


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


def _z_values(order: Sequence[str], base: int) -> dict[str, dict[str, int]]:
    return {i: {"z_index": base + rank} for rank, i in enumerate(order)}


class ArrangeCommand(UpdateItemsCommand):
    """Z-order: bring forward, send backward, bring to front, send to back.

    Placements are re-numbered 1..n (bottom to top); sketch elements (always above all
    placements, on their own layer) 0..n-1.
    """

    TEXT = {"forward": "Bring forward", "backward": "Send backward", "front": "Bring to front",
            "back": "Send to back"}

    def __init__(self, editor: CanvasEditor, placement_ids: Iterable[str], sketch_ids: Iterable[str],
                 how: str) -> None:
        if how not in ARRANGE_MODES:
            raise ValueError(f"unknown arrange mode {how!r}")
        doc = editor.document
        pv = sv = {}
        pids, sids = set(placement_ids), set(sketch_ids)
        if pids:
            pv = _z_values(arranged([p.id for p in doc.sorted_placements()], pids, how), 1)
        if sids:
            sv = _z_values(arranged([e.id for e in doc.sorted_sketch_elements()], sids, how), 0)
        super().__init__(editor, placement_changes(editor, pv), sketch_changes(editor, sv), self.TEXT[how])


class ReorderPlacementsCommand(UpdateItemsCommand):
    """Give placements a new stacking order (the layers panel's drag); ``top_to_bottom`` lists ids."""

    def __init__(self, editor: CanvasEditor, top_to_bottom: Sequence[str]) -> None:
        bottom_up = list(reversed(top_to_bottom))
        rest = [p.id for p in editor.document.sorted_placements() if p.id not in set(bottom_up)]
        super().__init__(editor, placement_changes(editor, _z_values(rest + bottom_up, 1)), None, "Reorder layers")


def _shift_values(editor: CanvasEditor, boxes: Mapping[ItemKey, Box],
                  shifts: Sequence[tuple[float, float]]) -> tuple[dict[str, dict], dict[str, dict]]:
    pv: dict[str, dict] = {}
    sv: dict[str, dict] = {}
    for (kind, item_id), (dx, dy) in zip(boxes, shifts, strict=True):
        if abs(dx) < 1e-9 and abs(dy) < 1e-9:
            continue
        p_vals, s_vals = translation_values(editor, [item_id] if kind == "p" else [],
                                            [item_id] if kind == "s" else [], dx, dy)
        pv.update(p_vals)
        sv.update(s_vals)
    return pv, sv


class AlignCommand(UpdateItemsCommand):
    """Align items' boxes (canvas px, from the scene) left/hcentre/right/top/vcentre/bottom.

    With one item, or ``reference`` given, it aligns to that box (the canvas); otherwise
    to the union of the items' boxes.
    """

    TEXT = {"left": "Align left", "hcentre": "Align centre", "right": "Align right", "top": "Align top",
            "vcentre": "Align middle", "bottom": "Align bottom"}

    def __init__(self, editor: CanvasEditor, boxes: Mapping[ItemKey, Box], mode: str,
                 reference: Box | None = None) -> None:
        keys = list(boxes)
        shifts = align_offsets([boxes[k] for k in keys], mode, reference) if keys else []
        pv, sv = _shift_values(editor, {k: boxes[k] for k in keys}, shifts)
        super().__init__(editor, placement_changes(editor, pv), sketch_changes(editor, sv), self.TEXT[mode])


class DistributeCommand(UpdateItemsCommand):
    """Equal gaps between 3 or more items' boxes (canvas px) along ``axis`` "h" or "v"."""

    def __init__(self, editor: CanvasEditor, boxes: Mapping[ItemKey, Box], axis: str) -> None:
        keys = list(boxes)
        shifts = distribute_offsets([boxes[k] for k in keys], axis)
        pv, sv = _shift_values(editor, {k: boxes[k] for k in keys}, shifts)
        super().__init__(editor, placement_changes(editor, pv), sketch_changes(editor, sv),
                         "Distribute horizontally" if axis == "h" else "Distribute vertically")


class StyleSketchCommand(UpdateItemsCommand):
    """Set style fields (color, stroke_width, fill, font_family, font_size, text) on sketch elements.

    Fields that do not apply to an element's kind (fill on a line, font on a stroke) are
    skipped for it.
    """

    APPLIES = {"fill": ("rectangle", "ellipse"), "font_family": ("text",), "font_size": ("text",),
               "text": ("text",), "stroke_width": ("pen", "line", "arrow", "rectangle", "ellipse")}

    def __init__(self, editor: CanvasEditor, sketch_ids: Iterable[str], values: Mapping[str, Any],
                 text: str = "Change style") -> None:
        sv = {}
        for sid in sketch_ids:
            e = editor.sketch_element(sid)
            if e is None:
                continue
            vals = {k: v for k, v in values.items() if e.kind in self.APPLIES.get(k, (e.kind,))}
            if vals:
                sv[sid] = vals
        super().__init__(editor, None, sketch_changes(editor, sv), text)


class SetDocumentFieldsCommand(QUndoCommand):
    """Change document-level fields (asset type, background, name, sketch layer visibility)."""

    def __init__(self, editor: CanvasEditor, before: dict[str, Any], after: dict[str, Any], text: str,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.editor, self.before, self.after = editor, dict(before), dict(after)

    def redo(self) -> None:
        self.editor._apply_document_fields(self.after)

    def undo(self) -> None:
        self.editor._apply_document_fields(self.before)


def _layout_fields(doc: CanvasDocument) -> dict[str, Any]:
    return {"asset_type": doc.asset_type.value, "width": doc.width, "height": doc.height,
            "placements": [p.model_dump() for p in doc.placements],
            "sketch_elements": [e.model_dump() for e in doc.sketch_elements]}


class ChangeAssetTypeCommand(SetDocumentFieldsCommand):
    """Change the target (AssetType) of the open design by the resize rule
    (``services.design_resize``, as Design > Resize to... and ``studio resize``): the canvas takes
    the exact size, placements keep their percent layout, sketch strokes and text keep their
    proportions to the height, text is kept inside. Undo restores the previous layout."""

    def __init__(self, editor: CanvasEditor, asset_type: str) -> None:
        doc = editor.document
        resized = resize_design(doc, asset_type)
        super().__init__(editor, _layout_fields(doc), _layout_fields(resized),
                         f"Change target to {AssetType(asset_type).value}")


class SetSketchVisibleCommand(SetDocumentFieldsCommand):
    """Show or hide the sketch layer (kept in the document; the snapshot honours it)."""

    def __init__(self, editor: CanvasEditor, visible: bool) -> None:
        super().__init__(editor, {"sketch_visible": editor.document.sketch_visible}, {"sketch_visible": visible},
                         "Show sketch layer" if visible else "Hide sketch layer")
