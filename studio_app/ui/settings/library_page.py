"""Settings > Library page: the media library's settings. Holds the background-removal model
choice (``segmentation_model.py``); the library's limits join it as they get a page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio_app.services.context import StudioStore

from .segmentation_model import SegmentationModelWidget


class LibraryPage(QWidget):
    """The Library tab of the Settings dialog.

    Args:
        store: the opened data dir.
    """

    def __init__(self, store: StudioStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segmentation = SegmentationModelWidget(store, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.segmentation)
        layout.addStretch(1)

    def save(self) -> str | None:
        """Store the page's choices; returns a one-line note when something was not stored."""
        return self.segmentation.save()
