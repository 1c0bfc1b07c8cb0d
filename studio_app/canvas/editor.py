"""CanvasEditor: holds the CanvasDocument (the source of truth) and applies edits to it.

No Qt here: listeners subscribe through :class:`Notifier` objects with a Qt-signal-like
``connect``/``emit``; ``studio_app.ui.canvas.editor.QtCanvasEditor`` swaps them for real Qt
signals so connections die with their receivers.

Edits come only from the undo commands (``studio_app.ui.canvas.commands``), which call the
``_apply_*`` primitives. Each primitive reports exactly what it touched in a ChangeSet, so the scene
and the panels update only those items (no walk over the whole document per edit).
Several primitives inside ``with editor.batch():`` are reported as one ChangeSet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from studio_app.domain.asset_types import AssetType, target_size
from studio_app.domain.canvas import CanvasDocument, UnknownElement
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement


@dataclass
class ChangeSet:
    """What one edit (or one batch of edits) changed, by id.

    Attributes:
        placements_added / _updated / _removed: placement ids.
        sketch_added / _updated / _removed: sketch element ids.
        unknown_changed: the unknown elements list changed.
        fields: document-level fields that changed (``asset_type``, ``width``, ...).
        replaced: a different document was loaded (everything may have changed).
    """

    placements_added: set[str] = field(default_factory=set)
    placements_updated: set[str] = field(default_factory=set)
    placements_removed: set[str] = field(default_factory=set)
    sketch_added: set[str] = field(default_factory=set)
    sketch_updated: set[str] = field(default_factory=set)
    sketch_removed: set[str] = field(default_factory=set)
    unknown_changed: bool = False
    fields: set[str] = field(default_factory=set)
    replaced: bool = False

    def merge(self, other: ChangeSet) -> None:
        """Fold ``other`` (a later change) into this one."""
        for name in ("placements", "sketch"):
            added, updated, removed = (getattr(self, f"{name}_{k}") for k in ("added", "updated", "removed"))
            o_added, o_updated, o_removed = (getattr(other, f"{name}_{k}") for k in ("added", "updated", "removed"))
            for i in o_added:
                if i in removed:
                    removed.discard(i)
                    updated.add(i)
                else:
                    added.add(i)
            updated.update(i for i in o_updated if i not in added)
            for i in o_removed:
                if i in added:
                    added.discard(i)
                else:
                    updated.discard(i)
                    removed.add(i)
        self.unknown_changed |= other.unknown_changed
        self.fields |= other.fields
        self.replaced |= other.replaced

    @property
    def structural(self) -> bool:
        """Items were added or removed (lists re-ordered), not only updated."""
        return bool(self.replaced or self.placements_added or self.placements_removed or self.sketch_added
                    or self.sketch_removed or self.unknown_changed)


@dataclass
class Removed:
    """What ``_apply_remove`` took out, with list positions, so undo can put it back exactly."""

    placements: list[tuple[int, MediaAssetPlacement]] = field(default_factory=list)
    sketches: list[tuple[int, SketchElement]] = field(default_factory=list)
    unknown: list[tuple[int, UnknownElement]] = field(default_factory=list)


class Channel(Protocol):
    """What the editor needs of a notification channel: a Qt ``SignalInstance`` or a Notifier."""

    def connect(self, slot: Callable[..., Any]) -> Any:
        """Call ``slot`` on every ``emit``."""

    def emit(self, *args: Any) -> Any:
        """Call every connected slot with ``args``."""


class Notifier:
    """A plain-Python stand-in for a Qt signal: ``connect(slot)``, ``disconnect(slot)``, ``emit(*args)``.

    Slots are called synchronously in connection order, as a Qt direct connection would.
    """

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        """Call ``slot`` on every later ``emit``."""
        self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        """Stop calling ``slot`` (ValueError when it is not connected)."""
        self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        """Call every connected slot with ``args``."""
        for slot in list(self._slots):
            slot(*args)


class CanvasEditor:
    """The open document and its edit primitives.

    Notifications (Qt-signal-like channels; see :class:`Channel`):
        edited(ChangeSet): what changed (emitted once per edit or batch).
        changed(): any part of the document changed (dirty flags, panels).
        documentReplaced(): a different document was loaded (new size, new items).
    """

    edited: Channel
    changed: Channel
    documentReplaced: Channel  # noqa: N815 - the Qt signal's name, kept for its listeners

    def __init__(self, doc: CanvasDocument | None = None) -> None:
        if not hasattr(self, "edited"):  # a subclass may have set Qt signals already
            self.edited, self.changed, self.documentReplaced = Notifier(), Notifier(), Notifier()
        self._doc = doc or CanvasDocument()
        self._pindex: dict[str, int] = {}
        self._sindex: dict[str, int] = {}
        self._reindex()
        self._batch_depth = 0
        self._pending: ChangeSet | None = None

    @property
    def document(self) -> CanvasDocument:
        """The current document (treat as read-only; edit through commands)."""
        return self._doc

    def set_document(self, doc: CanvasDocument) -> None:
        """Replace the whole document (open/new/restore); not an undoable edit."""
        self._doc = doc
        self._reindex()
        self.documentReplaced.emit()
        self._emit(ChangeSet(replaced=True))

    # -- change reporting ------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Report every primitive inside the block as one ChangeSet, at its end."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._pending is not None:
                pending, self._pending = self._pending, None
                self.edited.emit(pending)
                self.changed.emit()

    def _emit(self, change: ChangeSet) -> None:
        if self._batch_depth:
            if self._pending is None:
                self._pending = change
            else:
                self._pending.merge(change)
            return
        self.edited.emit(change)
        self.changed.emit()

    def _reindex(self) -> None:
        self._pindex = {p.id: i for i, p in enumerate(self._doc.placements)}
        self._sindex = {e.id: i for i, e in enumerate(self._doc.sketch_elements)}

    # -- lookups ---------------------------------------------------------------------
    def placement(self, placement_id: str) -> MediaAssetPlacement | None:
        """The placement with that id, or None."""
        i = self._pindex.get(placement_id)
        return None if i is None else self._doc.placements[i]

    def sketch_element(self, element_id: str) -> SketchElement | None:
        """The sketch element with that id, or None."""
        i = self._sindex.get(element_id)
        return None if i is None else self._doc.sketch_elements[i]

    def unknown_element(self, element_id: str) -> UnknownElement | None:
        """The unknown element with that id, or None."""
        return next((u for u in self._doc.unknown_elements if u.id == element_id), None)

    def placement_index(self, placement_id: str) -> int:
        """List position of a placement (KeyError when missing)."""
        return self._pindex[placement_id]

    def next_z_index(self) -> int:
        """A z_index above every placement."""
        return max((p.z_index for p in self._doc.placements), default=0) + 1

    def next_sketch_z_index(self) -> int:
        """A z_index at or above every sketch element (new elements draw on top)."""
        return max((e.z_index for e in self._doc.sketch_elements), default=0)

    # -- primitives used by commands ---------------------------------------------------
    def _apply_insert(self, placements: Iterable[tuple[int | None, MediaAssetPlacement]] = (),
                      sketches: Iterable[tuple[int | None, SketchElement]] = (),
                      unknown: Iterable[tuple[int | None, UnknownElement]] = ()) -> None:
        """Insert items at list positions (None: append). Positions are applied in ascending order."""
        change = ChangeSet()
        update: dict[str, Any] = {}
        plist, slist, ulist = list(placements), list(sketches), list(unknown)
        if plist:
            items = list(self._doc.placements)
            for index, p in sorted(plist, key=lambda t: len(items) + 1 if t[0] is None else t[0]):
                items.insert(len(items) if index is None else index, p)
                change.placements_added.add(p.id)
            update["placements"] = items
        if slist:
            items_s = list(self._doc.sketch_elements)
            for index, e in sorted(slist, key=lambda t: len(items_s) + 1 if t[0] is None else t[0]):
                items_s.insert(len(items_s) if index is None else index, e)
                change.sketch_added.add(e.id)
            update["sketch_elements"] = items_s
        if ulist:
            items_u = list(self._doc.unknown_elements)
            for index, u in sorted(ulist, key=lambda t: len(items_u) + 1 if t[0] is None else t[0]):
                items_u.insert(len(items_u) if index is None else index, u)
            update["unknown_elements"] = items_u
            change.unknown_changed = True
        if update:
            self._doc = self._doc.model_copy(update=update)
            self._reindex()
            self._emit(change)

    def _apply_remove(self, placement_ids: Iterable[str] = (), sketch_ids: Iterable[str] = (),
                      unknown_ids: Iterable[str] = ()) -> Removed:
        """Remove items by id; returns them with their former list positions.

        Raises:
            KeyError: an id is not in the document.
        """
        removed = Removed()
        change = ChangeSet()
        update: dict[str, Any] = {}
        pids, sids, uids = set(placement_ids), set(sketch_ids), set(unknown_ids)
        if pids:
            missing = pids - self._pindex.keys()
            if missing:
                raise KeyError(f"no placement {sorted(missing)[0]!r}")
            removed.placements = [(i, p) for i, p in enumerate(self._doc.placements) if p.id in pids]
            update["placements"] = [p for p in self._doc.placements if p.id not in pids]
            change.placements_removed = pids
        if sids:
            missing = sids - self._sindex.keys()
            if missing:
                raise KeyError(f"no sketch element {sorted(missing)[0]!r}")
            removed.sketches = [(i, e) for i, e in enumerate(self._doc.sketch_elements) if e.id in sids]
            update["sketch_elements"] = [e for e in self._doc.sketch_elements if e.id not in sids]
            change.sketch_removed = sids
        if uids:
            removed.unknown = [(i, u) for i, u in enumerate(self._doc.unknown_elements) if u.id in uids]
            if len(removed.unknown) != len(uids):
                raise KeyError("no such unknown element")
            update["unknown_elements"] = [u for u in self._doc.unknown_elements if u.id not in uids]
            change.unknown_changed = True
        if update:
            self._doc = self._doc.model_copy(update=update)
            self._reindex()
            self._emit(change)
        return removed

    def _apply_update_placements(self, values: Mapping[str, Mapping[str, Any]]) -> None:
        """Set fields of several placements: {placement id: {field: value}}.

        Raises:
            KeyError: unknown placement id.
            pydantic.ValidationError: a value out of range (nothing is changed then).
        """
        if not values:
            return
        items = list(self._doc.placements)
        for pid, fields in values.items():
            i = self._pindex[pid]
            items[i] = MediaAssetPlacement.model_validate({**items[i].model_dump(), **fields})
        self._doc = self._doc.model_copy(update={"placements": items})
        self._emit(ChangeSet(placements_updated=set(values)))

    def _apply_update_sketches(self, values: Mapping[str, Mapping[str, Any]]) -> None:
        """Set fields of several sketch elements: {element id: {field: value}}.

        Raises:
            KeyError: unknown element id.
            pydantic.ValidationError: a value out of range (nothing is changed then).
        """
        if not values:
            return
        items = list(self._doc.sketch_elements)
        for sid, fields in values.items():
            i = self._sindex[sid]
            items[i] = SketchElement.model_validate({**items[i].model_dump(), **fields})
        self._doc = self._doc.model_copy(update={"sketch_elements": items})
        self._emit(ChangeSet(sketch_updated=set(values)))

    def _apply_document_fields(self, values: Mapping[str, Any]) -> None:
        """Set document-level fields; a new ``asset_type`` also sets width/height to its exact size.

        Placements keep their percent coordinates, so the layout survives the new size.
        """
        data = {**self._doc.model_dump(), **values}
        changed = set(values)
        if "asset_type" in values and not ("width" in values and "height" in values):
            data["width"], data["height"] = target_size(AssetType(values["asset_type"]))
            changed |= {"width", "height"}
        new = CanvasDocument.model_validate(data)
        size_changed = (new.width, new.height) != (self._doc.width, self._doc.height)
        self._doc = new
        self._reindex()
        change = ChangeSet(fields=changed)
        if size_changed:
            change.placements_updated = set(self._pindex)
            change.sketch_updated = set(self._sindex)
            change.unknown_changed = True
        self._emit(change)

    # -- single-item helpers (kept for callers that place one thing) --------------------
    def _apply_insert_placement(self, placement: MediaAssetPlacement, index: int | None = None) -> None:
        self._apply_insert(placements=[(index, placement)])

    def _apply_remove_placement(self, placement_id: str) -> tuple[MediaAssetPlacement, int]:
        r = self._apply_remove(placement_ids=[placement_id])
        index, p = r.placements[0]
        return p, index

    def _apply_update_placement(self, placement_id: str, values: dict[str, Any]) -> None:
        self._apply_update_placements({placement_id: values})

    def _apply_insert_sketch(self, element: SketchElement, index: int | None = None) -> None:
        self._apply_insert(sketches=[(index, element)])

    def _apply_remove_sketch(self, element_id: str) -> tuple[SketchElement, int]:
        r = self._apply_remove(sketch_ids=[element_id])
        index, e = r.sketches[0]
        return e, index
