"""ResultsStrip: generated assets as a horizontal thumbnail strip, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QKeySequence, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu

from studio_app.domain.asset import Asset
from studio_app.ui.checkerboard import over_checkerboard

from .actions import ResultActions

THUMB = 112


class ResultsStrip(QListWidget):
    """Shows generated assets; offline results are labelled "Preview".

    With ``set_actions`` every result gets the shared result actions: a context menu, the
    viewer on double-click or Enter, Delete and Ctrl+C, and a tooltip with its prompt, model,
    provider, sizes requested and received and when it was made.

    Signals:
        assetActivated(str asset_id): double-click or Enter on a result.
    """

    assetActivated = Signal(str)

    def __init__(self, load_bytes) -> None:  # noqa: ANN001 - Callable[[Asset], bytes]
        super().__init__()
        self._load = load_bytes
        # Asset -> a ready preview QImage (the generation worker's), or None to decode _load's bytes.
        self.load_image: Callable[[Asset], QImage | None] | None = None
        self.result_actions: ResultActions | None = None
        self.last_menu: QMenu | None = None
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setFixedHeight(THUMB + 48)
        self.setMovement(QListWidget.Movement.Static)
        self.itemDoubleClicked.connect(lambda it: self.assetActivated.emit(it.data(Qt.ItemDataRole.UserRole)))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def set_actions(self, actions: ResultActions) -> None:
        """Use ``actions`` for the menu, double-click (open in the viewer) and keys; drop
        results it deletes."""
        self.result_actions = actions
        self.assetActivated.connect(actions.open_viewer)
        actions.deleted.connect(self.remove_asset)

    def asset_ids(self) -> list[str]:
        """Ids shown, left to right."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def item_for(self, asset_id: str) -> QListWidgetItem | None:
        """The item showing ``asset_id``, or None."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == asset_id:
                return self.item(i)
        return None

    def current_asset_id(self) -> str | None:
        """The selected result's id, or None."""
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def add_asset(self, asset: Asset, notes: Sequence[str] = ()) -> None:
        """Put ``asset`` at the front of the strip (once: a result already shown stays put);
        ``notes`` (the result's notes: upscaled, background kept) mark it with "Note" and go in
        its tooltip."""
        if self.item_for(asset.id) is not None:
            return
        image = self.load_image(asset) if self.load_image else None
        if image is None or image.isNull():
            image = QImage.fromData(self._load(asset))
        pix = QPixmap.fromImage(over_checkerboard(image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                               Qt.TransformationMode.SmoothTransformation)))
        label = f"{asset.asset_type.value}\n{asset.width}x{asset.height}"
        if asset.is_preview:
            label += " · Preview"
        if notes:
            label += " · Note"
        item = QListWidgetItem(QIcon(pix), label)
        item.setData(Qt.ItemDataRole.UserRole, asset.id)
        lines = [self.result_actions.tooltip(asset.id)] if self.result_actions else [f"Asset {asset.id}", *notes]
        if asset.is_preview:
            lines.insert(0, "Offline preview (no AI).")
        item.setToolTip("\n".join(lines))
        self.insertItem(0, item)

    def remove_asset(self, asset_id: str) -> bool:
        """Drop ``asset_id`` from the strip; False when it was not shown."""
        item = self.item_for(asset_id)
        if item is None:
            return False
        self.takeItem(self.row(item))
        return True

    def context_menu(self, asset_id: str) -> QMenu | None:
        """The result menu of ``asset_id`` (what a right-click opens)."""
        if self.result_actions is None:
            return None
        self.last_menu = self.result_actions.menu(asset_id, self)
        return self.last_menu

    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        self.setCurrentItem(item)
        menu = self.context_menu(item.data(Qt.ItemDataRole.UserRole))
        if menu is not None:
            menu.popup(self.viewport().mapToGlobal(pos))

    def event(self, event: QEvent) -> bool:
        """Delete and Ctrl+C on a focused result act on the result, not on the canvas selection
        (the window-wide shortcuts of the canvas yield while the strip has focus)."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and self.result_actions is not None and self.current_asset_id()
                and (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                     or event.matches(QKeySequence.StandardKey.Copy))):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter opens the viewer, Delete deletes (after asking), Ctrl+C copies the image."""
        asset_id = self.current_asset_id()
        if self.result_actions is not None and asset_id:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.assetActivated.emit(asset_id)
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.result_actions.delete(asset_id)
                return
            if event.matches(QKeySequence.StandardKey.Copy):
                self.result_actions.copy(asset_id)
                return
        super().keyPressEvent(event)
