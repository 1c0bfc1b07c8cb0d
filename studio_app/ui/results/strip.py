"""ResultsStrip: generated assets as a horizontal thumbnail strip, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from studio_app.domain.asset import Asset
from studio_app.ui.checkerboard import over_checkerboard

THUMB = 112


class ResultsStrip(QListWidget):
    """Shows generated assets; offline results are labelled "Preview".

    Signals:
        assetActivated(str asset_id): double-click on a result.
    """

    assetActivated = Signal(str)

    def __init__(self, load_bytes) -> None:  # noqa: ANN001 - Callable[[Asset], bytes]
        super().__init__()
        self._load = load_bytes
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setFixedHeight(THUMB + 48)
        self.setMovement(QListWidget.Movement.Static)
        self.itemDoubleClicked.connect(lambda it: self.assetActivated.emit(it.data(Qt.ItemDataRole.UserRole)))

    def asset_ids(self) -> list[str]:
        """Ids shown, left to right."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def add_asset(self, asset: Asset, notes: Sequence[str] = ()) -> None:
        """Put ``asset`` at the front of the strip; ``notes`` (the job's result notes: upscaled,
        background kept) mark it with "Note" and go in its tooltip."""
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
        item.setToolTip("\n".join([("Offline preview (no AI). " if asset.is_preview else "") + f"Asset {asset.id}",
                                   *notes]))
        self.insertItem(0, item)
