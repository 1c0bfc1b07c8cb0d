"""The kind registry: every sort of thing a canvas document holds, under one key.

A placement, a sketch element and an unknown element (kept verbatim from a newer file) are
one keyed structure everywhere the canvas tracks items: change sets, removal records, the
selection and the scene's item tables are all ``{kind: ...}``. Registering a model with
:func:`register_kind` (after BeeRef's ``@register_item``, which keys its scene items by a
type name) is all a new kind needs on the document side; the scene registers the item that
draws it with ``studio_app.ui.canvas.items.register_item``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from studio_app.domain.canvas import CanvasDocument, UnknownElement
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

PLACEMENT = "placement"
SKETCH = "sketch"
UNKNOWN = "unknown"

ItemKey = tuple[str, str]
"""(kind, item id): one item of any kind."""
ItemIds = dict[str, list[str]]
"""kind -> item ids (a selection, the items a command works on)."""

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ItemKind:
    """One registered kind.

    Attributes:
        name: the registry key (PLACEMENT, SKETCH, UNKNOWN).
        model: the pydantic model of one item (validated again on every field update).
        list_field: the CanvasDocument list that holds the items.
        noun: the item in words, for error messages ("sketch element").
    """

    name: str
    model: type[BaseModel]
    list_field: str
    noun: str

    def items(self, doc: CanvasDocument) -> list[Any]:
        """The document's list of this kind (document order)."""
        items: list[Any] = getattr(doc, self.list_field)
        return items


KINDS: dict[str, ItemKind] = {}
"""Registered kinds in registration order (the order of ``item_ids`` and of a removal's undo)."""


def register_kind(name: str, list_field: str, noun: str) -> Callable[[type[M]], type[M]]:
    """Class decorator: register ``model`` as the items of ``list_field`` under ``name``.

    Raises:
        ValueError: ``name`` is already registered to another model.
    """
    def decorate(model: type[M]) -> type[M]:
        known = KINDS.get(name)
        if known is not None and known.model is not model:
            raise ValueError(f"kind {name!r} is already registered to {known.model.__name__}")
        KINDS[name] = ItemKind(name, model, list_field, noun)
        return model
    return decorate


# The domain models know nothing of the canvas package, so they are registered here.
register_kind(PLACEMENT, "placements", "placement")(MediaAssetPlacement)
register_kind(SKETCH, "sketch_elements", "sketch element")(SketchElement)
register_kind(UNKNOWN, "unknown_elements", "unknown element")(UnknownElement)


def item_ids(ids: Mapping[str, Iterable[str]] | None = None) -> ItemIds:
    """Every registered kind mapped to a list of ids (``ids``' lists copied, others empty).

    Raises:
        KeyError: ``ids`` names a kind that is not registered.
    """
    given = dict(ids or {})
    unknown_kinds = set(given) - KINDS.keys()
    if unknown_kinds:
        raise KeyError(f"unknown item kind {sorted(unknown_kinds)[0]!r}")
    return {k: list(given.get(k, ())) for k in KINDS}
