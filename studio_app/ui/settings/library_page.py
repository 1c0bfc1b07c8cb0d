"""Settings → Library: how many assets the library holds (no limit by default), the largest
image and file accepted, assets per prompt, which media types have their background removed
on import, and the background-removal model for photos (segmentation_model.py). Stored in
the ``library`` section of settings.json (LibrarySettings)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.media import BG_REMOVAL_DEFAULT_TYPES, MAX_PROMPT_INJECTION_ASSETS, MediaAssetType
from studio_app.library.settings import LibrarySettings
from studio_app.services.media_library import MediaLibraryService
from studio_app.services.segmentation_models import SegmentationModels
from studio_app.ui.forms import MUTED_STYLE, add_rows

from .segmentation_model import SegmentationModelWidget

PAGE_TITLE = "Library"
MEGAPIXEL = 1_000_000
MEGABYTE = 1024 * 1024
MAX_REFERENCES = 10
"""The most library images the page offers per prompt (models take at most 3 to 14)."""
TIERS = (("studio", "Studio (desktop)"), ("pro", "Pro"), ("free", "Free (no media library)"))


def type_label(kind: MediaAssetType) -> str:
    """``facecam_frame`` → ``Facecam frame``."""
    return kind.value.replace("_", " ").capitalize()


class LibrarySettingsPage(QWidget):
    """The Library page of the Settings dialog.

    Args:
        library: the running MediaLibraryService, so a saved limit applies at once.
        segmentation: the background-removal models and the stored choice.

    The "Background removal" group ends with the model choice for photos
    (``segmentation``, a SegmentationModelWidget: download of the larger model, progress,
    checksum), in ``model_slot``.
    """

    def __init__(self, library: MediaLibraryService, segmentation: SegmentationModels,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library, self.models = library, segmentation
        s = library.settings
        self._loaded = s

        form = self._build_limits(s)
        self._build_background(s, segmentation)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(form)
        layout.addWidget(self.background)
        layout.addStretch(1)
        scroll = QScrollArea()  # a short dialog (1366x768 laptop) scrolls the page instead of clipping it
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._show_count()

    def _build_limits(self, s: LibrarySettings) -> QFormLayout:
        self.limit_on = QCheckBox("Limit the number of assets")
        self.limit = QSpinBox()
        self.limit.setRange(1, 1_000_000)
        self.limit.setSuffix(" assets")
        self.limit.setValue(s.total_asset_limit or 1000)
        self.limit_on.setChecked(s.total_asset_limit is not None)
        self.limit.setEnabled(self.limit_on.isChecked())
        self.limit_on.toggled.connect(self.limit.setEnabled)
        limit_row = QHBoxLayout()
        limit_row.addWidget(self.limit_on)
        limit_row.addWidget(self.limit)
        limit_row.addStretch(1)
        self.count = QLabel()
        self.count.setStyleSheet(MUTED_STYLE)
        self.max_pixels = QSpinBox()
        self.max_pixels.setRange(1, 1000)
        self.max_pixels.setSuffix(" megapixels")
        self.max_pixels.setValue(max(1, round(s.max_image_pixels / MEGAPIXEL)))
        self.max_pixels.setToolTip("Larger images are refused on import (a guard against decompression bombs)")
        self.max_file = QSpinBox()
        self.max_file.setRange(1, 4096)
        self.max_file.setSuffix(" MB")
        self.max_file.setValue(max(1, round(s.max_file_bytes / MEGABYTE)))
        self.per_prompt = QSpinBox()
        self.per_prompt.setRange(0, MAX_REFERENCES)
        self.per_prompt.setValue(s.max_per_prompt)
        self.per_prompt.setToolTip(f"Library images sent with one prompt (the default is "
                                   f"{MAX_PROMPT_INJECTION_ASSETS}; the model's own limit applies on top)")
        self.tier = QComboBox()
        for value, label in TIERS:
            self.tier.addItem(label, value)
        self.tier.setCurrentIndex(max(0, self.tier.findData(s.tier)))
        for spin in (self.max_pixels, self.max_file, self.per_prompt):
            spin.setMaximumWidth(220)
        self.tier.setMaximumWidth(260)
        return add_rows(QFormLayout(), [
            ("Library size", limit_row), ("", self.count), ("Largest image", self.max_pixels),
            ("Largest file", self.max_file), ("Images per prompt", self.per_prompt),
            ("Access tier", self.tier),
        ])

    def _build_background(self, s: LibrarySettings, segmentation: SegmentationModels) -> None:
        self.background = QGroupBox("Background removal")
        bg = QVBoxLayout(self.background)
        intro = QLabel("Remove the background on import for these media types (the original is always kept):")
        intro.setWordWrap(True)
        bg.addWidget(intro)
        grid = QGridLayout()
        self.type_checks: dict[MediaAssetType, QCheckBox] = {}
        for i, kind in enumerate(MediaAssetType):
            check = QCheckBox(type_label(kind))
            check.setChecked(s.removes_background_by_default(kind))
            self.type_checks[kind] = check
            grid.addWidget(check, i // 4, i % 4)
        bg.addLayout(grid)
        self.reset_types = QPushButton("Restore defaults")
        self.reset_types.clicked.connect(self._reset_types)
        reset_row = QHBoxLayout()
        reset_row.addStretch(1)
        reset_row.addWidget(self.reset_types)
        bg.addLayout(reset_row)
        self.model_slot = QVBoxLayout()
        bg.addLayout(self.model_slot)
        self.segmentation = SegmentationModelWidget(segmentation, parent=self)
        self.model_slot.addWidget(self.segmentation)

    def _show_count(self) -> None:
        total = self.library.summary().total
        self.count.setText(f"The library holds {total} asset{'' if total == 1 else 's'} now.")

    def _reset_types(self) -> None:
        for kind, check in self.type_checks.items():
            check.setChecked(kind in BG_REMOVAL_DEFAULT_TYPES)

    def form_settings(self) -> LibrarySettings:
        """The page as LibrarySettings (other fields, such as the segmentation model, as stored now)."""
        chosen = [k for k, c in self.type_checks.items() if c.isChecked()]
        types = None if set(chosen) == set(BG_REMOVAL_DEFAULT_TYPES) else chosen
        pixels = self.max_pixels.value() * MEGAPIXEL
        if pixels == round(self._loaded.max_image_pixels / MEGAPIXEL) * MEGAPIXEL:
            pixels = self._loaded.max_image_pixels  # unchanged: keep the exact value (Pillow's default)
        file_bytes = self.max_file.value() * MEGABYTE
        if file_bytes == round(self._loaded.max_file_bytes / MEGABYTE) * MEGABYTE:
            file_bytes = self._loaded.max_file_bytes
        stored = self.models.library_settings()
        return stored.model_copy(update={
            "tier": self.tier.currentData() or "studio",
            "total_asset_limit": self.limit.value() if self.limit_on.isChecked() else None,
            "max_per_prompt": self.per_prompt.value(), "max_image_pixels": pixels, "max_file_bytes": file_bytes,
            "background_removal_types": types,
        })

    def save(self) -> str | None:
        """Store the page (and apply it to the running library), then the model choice.

        Returns:
            None when all is stored, else a one-line reason the model choice was not.
        Raises:
            OSError: settings.json could not be written.
        """
        settings = LibrarySettings.model_validate(self.form_settings().model_dump())
        self.library.save_settings(settings)
        self._loaded = settings
        note = self.segmentation.save()
        self.library.settings = self.models.library_settings()  # the widget stored the model choice: use it now
        return note


LibraryPage = LibrarySettingsPage
"""The name the dialog used first (issue 12); one page."""


__all__ = ["PAGE_TITLE", "LibraryPage", "LibrarySettingsPage"]
