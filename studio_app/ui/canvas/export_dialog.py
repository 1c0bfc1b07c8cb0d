"""ExportDialog: the format and scale of File → Export canvas."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from studio_app.render.export import EXPORT_FORMATS

EXPORT_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
"""File name suffix of each export format."""


class ExportDialog(QDialog):
    """Format (PNG, JPEG, WebP) and scale (1x, 2x) of a canvas export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export canvas")
        self.format_combo = QComboBox()
        for fmt in EXPORT_FORMATS:
            self.format_combo.addItem("WebP" if fmt == "WEBP" else fmt, fmt)
        self.scale_combo = QComboBox()
        self.scale_combo.addItem("1x (exact size)", 1.0)
        self.scale_combo.addItem("2x (the snapshot size)", 2.0)
        form = QFormLayout(self)
        form.addRow("Format", self.format_combo)
        form.addRow("Scale", self.scale_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
