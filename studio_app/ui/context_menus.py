"""Right-click menus of the canvas and of the library's tiles.

They reuse the window's QActions (same text, shortcut and enabled state as the menu bar),
so a command does the same thing wherever it is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from .canvas.scene import CanvasScene
from .canvas.view import CanvasView

ITEM_ACTIONS = (("cut", "copy", "paste", "duplicate", "delete"), ("front", "forward", "backward", "back"),
                ("flip_h", "flip_v"), ("lock", "hide"))
CANVAS_ACTIONS = (("paste", "select_all"), ("zoom_fit", "zoom_100"), ("safe_zones", "snapping"))


def canvas_menu(view: CanvasView, actions: dict[str, QAction], viewport_pos: QPoint,
                extra: Sequence[tuple[str, Callable[[], object]]] = ()) -> QMenu:
    """The menu for a right-click at ``viewport_pos``: on an item, that item is selected first
    (kept when already in the selection) and its commands are shown; on the empty canvas,
    paste, select all, zoom and overlays, then ``extra`` (text, slot) entries."""
    scene: CanvasScene = view.canvas_scene
    item = scene.item_at(view.mapToScene(viewport_pos))
    menu = QMenu(view)
    groups: tuple[tuple[str, ...], ...]
    if item is not None:
        if not item.isSelected():
            scene.clearSelection()
            item.setSelected(True)
        groups = ITEM_ACTIONS
    else:
        groups = CANVAS_ACTIONS
    for i, group in enumerate(groups):
        if i:
            menu.addSeparator()
        for name in group:
            menu.addAction(actions[name])
    if item is None and extra:
        menu.addSeparator()
        for text, slot in extra:
            menu.addAction(text).triggered.connect(lambda _=False, f=slot: f())
    return menu


def library_menu(parent: QWidget, asset_ids: list[str], *, place: Callable[[list[str]], object],
                 favourite: Callable[[], object] | None = None, remove_background: Callable[[], object] | None = None,
                 delete: Callable[[], object] | None = None) -> QMenu:
    """The menu of selected library tiles: place at the canvas centre, favourite, remove the
    background (one asset), delete."""
    menu = QMenu(parent)
    n = len(asset_ids)
    menu.addAction("Place on canvas" if n == 1 else f"Place {n} on canvas").triggered.connect(
        lambda: place(list(asset_ids)))
    if favourite is not None and n == 1:
        menu.addAction("Favourite / unfavourite").triggered.connect(lambda: favourite())
    if remove_background is not None and n == 1:
        menu.addAction("Remove background").triggered.connect(lambda: remove_background())
    if delete is not None:
        menu.addSeparator()
        menu.addAction("Delete…" if n == 1 else f"Delete {n}…").triggered.connect(lambda: delete())
    return menu


def scene_centre(view: CanvasView) -> QPointF:
    """The canvas centre in canvas px."""
    r = view.canvas_scene.sceneRect()
    return QPointF(r.center())
