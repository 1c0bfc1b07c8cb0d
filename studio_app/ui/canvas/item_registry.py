"""Which QGraphicsItem draws each kind of canvas item (after BeeRef's ``@register_item``).

``studio_app.canvas.kinds`` keys the document's items by kind; here each kind gets the item
class that shows it. The scene creates, updates and stacks items only through this table,
so a new kind is one model registration plus one ``@register_item(kind)`` class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from PySide6.QtGui import QImage

from studio_app.domain.placement import MediaAssetPlacement

from .pixmaps import PixmapPyramids


@dataclass
class ItemContext:
    """What a new or updated item needs from its scene.

    Attributes:
        canvas_w, canvas_h: canvas size, px.
        image_for: decoded image of a placement (None draws the placeholder).
        pyramids: the shared pixmap levels; view_scale: device px per canvas px.
        selectable: the select tool is on (placements take mouse input only then).
        sketch_visible: the document's sketch layer is shown.
    """

    canvas_w: int
    canvas_h: int
    image_for: Callable[[MediaAssetPlacement], QImage | None]
    pyramids: PixmapPyramids
    view_scale: float
    selectable: bool
    sketch_visible: bool


class KindItem(Protocol):
    """What the scene asks of a registered item class.

    ``Z_BASE``: z value of the bottom item of its kind (items are stacked by the model's
    ``z_index`` above it), or None when the kind keeps one fixed z value.
    """

    KIND: ClassVar[str]
    Z_BASE: ClassVar[float | None]
    item_id: str

    @classmethod
    def create(cls, model: Any, ctx: ItemContext) -> KindItem:
        """A new item showing ``model``."""

    def sync(self, model: Any, ctx: ItemContext) -> bool:
        """Take the model's new values; True when its ``z_index`` changed (restack needed)."""


ITEM_TYPES: dict[str, Any] = {}
"""kind -> the registered QGraphicsItem class (a KindItem)."""

T = TypeVar("T")


def register_item(kind: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: ``cls`` draws items of ``kind`` (sets ``cls.KIND``).

    Raises:
        ValueError: another class is already registered for ``kind``.
    """
    def decorate(cls: type[T]) -> type[T]:
        known = ITEM_TYPES.get(kind)
        if known is not None and known is not cls:
            raise ValueError(f"kind {kind!r} is already drawn by {known.__name__}")
        cls.KIND = kind  # type: ignore[attr-defined]  # the decorator gives every registered class its key
        ITEM_TYPES[kind] = cls
        return cls
    return decorate
