"""CanvasEditor: holds the CanvasDocument (the source of truth) and applies edits to it.

No Qt here: listeners subscribe through :class:`Notifier` objects with a Qt-signal-like
``connect``/``emit``; ``studio_app.ui.canvas.editor.QtCanvasEditor`` swaps them for real Qt
signals so connections die with their receivers.

Edits come only from the undo commands (``studio_app.ui.canvas.commands``), which call the
``_apply_*`` primitives. Each primitive reports exactly what it touched in a ChangeSet keyed by item kind\n(``studio_app.canvas.kinds``), so the scene
and the panels update only those items (no walk over the whole document per edit).
Several primitives inside ``with editor.batch():`` are reported as one ChangeSet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from studio_app.domain.asset_types import AssetType, target_size
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

from .kinds import KINDS, PLACEMENT, SKETCH


@dataclass
class ChangeSet:
    """What one edit (or one batch of edits) changed, by item kind and id.

    Attributes:
        added / updated / removed: kind (``studio_app.canvas.kinds``) -> item ids; a kind
            that is absent (or maps to an empty set) had no such change.
        fields: document-level fields that changed (``asset_type``, ``width``, ...).
        replaced: a different document was loaded (everything may have changed).
    """

    added: dict[str, set[str]] = field(default_factory=dict)
    updated: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)
    replaced: bool = False

    def ids(self, kind: str, *which: str) -> set[str]:
        """The ids of ``kind`` in the named parts (``"added"``, ``"updated"``, ``"removed"``), united."""
        out: set[str] = set()
        for part in which:
            out |= getattr(self, part).get(kind, set())
        return out

    def merge(self, other: ChangeSet) -> None:
        """Fold ``other`` (a later change) into this one."""
        for kind in {*other.added, *other.updated, *other.removed}:
            added = self.added.setdefault(kind, set())
            updated = self.updated.setdefault(kind, set())
            removed = self.removed.setdefault(kind, set())
            for i in other.added.get(kind, ()):
                if i in removed:
                    removed.discard(i)
                    updated.add(i)
                else:
                    added.add(i)
            updated.update(i for i in other.updated.get(kind, ()) if i not in added)
            for i in other.removed.get(kind, ()):
                if i in added:
                    added.discard(i)
                else:
                    updated.discard(i)
                    removed.add(i)
        self.fields |= other.fields
        self.replaced |= other.replaced

    @property
    def structural(self) -> bool:
        """Items were added or removed (lists re-ordered), not only updated."""
        return self.replaced or any(self.added.values()) or any(self.removed.values())


Removed = dict[str, list[tuple[int, Any]]]
"""What ``_apply_remove`` took out: kind -> [(former list position, model)], so undo can put it back."""


class Channel(Protocol):
    """What the editor needs of a notification channel: a Qt ``SignalInstance`` or a Notifier."""

    def connect(self, slot: Callable[..., Any]) -> Any:
        """Call ``slot`` on every ``emit``."""

    def emit(self, *args: Any) -> Any:
        """Call every connected slot with ``args``."""

    def disconnect(self, slot: Callable[..., Any]) -> Any:
        """Stop calling ``slot`` (RuntimeError when it is not connected)."""


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
        """Stop calling ``slot``.

        Raises:
            RuntimeError: ``slot`` is not connected (as a Qt signal raises).
        """
        try:
            self._slots.remove(slot)
        except ValueError:
            raise RuntimeError(f"{slot!r} is not connected") from None

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
        self._index: dict[str, dict[str, int]] = {}  # kind -> item id -> list position
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
        self._index = {k.name: {m.id: i for i, m in enumerate(k.items(self._doc))} for k in KINDS.values()}

    # -- lookups ---------------------------------------------------------------------
    def get(self, kind: str, item_id: str) -> Any | None:
        """The item of ``kind`` with that id, or None."""
        i = self._index[kind].get(item_id)
        return None if i is None else KINDS[kind].items(self._doc)[i]

    def placement(self, placement_id: str) -> MediaAssetPlacement | None:
        """The placement with that id, or None."""
        i = self._index[PLACEMENT].get(placement_id)
        return None if i is None else self._doc.placements[i]

    def sketch_element(self, element_id: str) -> SketchElement | None:
        """The sketch element with that id, or None."""
        i = self._index[SKETCH].get(element_id)
        return None if i is None else self._doc.sketch_elements[i]

    def next_z_index(self) -> int:
        """A z_index above every placement."""
        return max((p.z_index for p in self._doc.placements), default=0) + 1

    def next_sketch_z_index(self) -> int:
        """A z_index at or above every sketch element (new elements draw on top)."""
        return max((e.z_index for e in self._doc.sketch_elements), default=0)

    # -- primitives used by commands ---------------------------------------------------
    def _apply_insert(self, items: Mapping[str, Iterable[tuple[int | None, Any]]]) -> None:
        """Insert items, kind -> [(list position or None to append, model)].

        Positions are applied in ascending order, so a removal record puts items back exactly.
        """
        change = ChangeSet()
        update: dict[str, Any] = {}
        for kind, entries in items.items():
            entries = list(entries)
            if not entries:
                continue
            spec = KINDS[kind]
            listed = list(spec.items(self._doc))
            for index, model in sorted(entries, key=lambda t: len(listed) + 1 if t[0] is None else t[0]):
                listed.insert(len(listed) if index is None else index, model)
                change.added.setdefault(kind, set()).add(model.id)
            update[spec.list_field] = listed
        if update:
            self._doc = self._doc.model_copy(update=update)
            self._reindex()
            self._emit(change)

    def _apply_remove(self, ids: Mapping[str, Iterable[str]]) -> Removed:
        """Remove items by kind and id; returns them with their former list positions.

        Raises:
            KeyError: an id is not in the document (nothing is removed then).
        """
        removed: Removed = {}
        change = ChangeSet()
        update: dict[str, Any] = {}
        wanted = {kind: set(group) for kind, group in ids.items()}
        for kind, group in wanted.items():
            missing = group - self._index[kind].keys()
            if missing:
                raise KeyError(f"no {KINDS[kind].noun} {sorted(missing)[0]!r}")
        for kind, group in wanted.items():
            if not group:
                continue
            spec = KINDS[kind]
            listed = spec.items(self._doc)
            removed[kind] = [(i, m) for i, m in enumerate(listed) if m.id in group]
            update[spec.list_field] = [m for m in listed if m.id not in group]
            change.removed[kind] = group
        if update:
            self._doc = self._doc.model_copy(update=update)
            self._reindex()
            self._emit(change)
        return removed

    def _apply_update(self, values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Set fields of items: {kind: {item id: {field: value}}}, reported as one change.

        Raises:
            KeyError: unknown item id.
            pydantic.ValidationError: a value out of range (nothing is changed then).
        """
        change = ChangeSet()
        update: dict[str, Any] = {}
        for kind, by_id in values.items():
            if not by_id:
                continue
            spec = KINDS[kind]
            listed = list(spec.items(self._doc))
            index = self._index[kind]
            for item_id, fields in by_id.items():
                i = index[item_id]
                listed[i] = spec.model.model_validate({**listed[i].model_dump(), **fields})
            update[spec.list_field] = listed
            change.updated[kind] = set(by_id)
        if update:
            self._doc = self._doc.model_copy(update=update)
            self._emit(change)

    def _apply_document_fields(self, values: Mapping[str, Any]) -> None:
        """Set document-level fields; a new ``asset_type`` also sets width/height to its exact size.

        Placements keep their percent coordinates, so the layout survives the new size; every
        item is reported updated when the size changes (the scene redraws it at the new size).
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
            change.updated = {kind: set(index) for kind, index in self._index.items()}
        self._emit(change)
