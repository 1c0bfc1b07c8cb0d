"""ActiveBrandKitCombo: a toolbar combo that shows and switches the active brand kit."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QWidget

from studio_app.services.brand_kits import BrandKitError, BrandKitService

from .widgets import SWATCH_PX, swatch_icon

NO_KIT = "No brand kit"


class ActiveBrandKitCombo(QComboBox):
    """"No brand kit" then every kit by name; choosing one makes it the active kit (choosing
    "No brand kit" deactivates all). Follows BrandKitService.kitsChanged, so edits made in the
    dialog (or anywhere else through the service) show at once."""

    def __init__(self, service: BrandKitService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setIconSize(QSize(SWATCH_PX - 6, SWATCH_PX - 6))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(12)
        self.setToolTip("Active brand kit: it feeds prompts, the sketch palette and logo placement")
        self.refresh()
        self.currentIndexChanged.connect(self._chosen)
        service.kitsChanged.connect(self.refresh)

    def refresh(self) -> None:
        """Reload the kits and select the active one (emits nothing)."""
        self.blockSignals(True)
        self.clear()
        self.addItem(NO_KIT, None)
        current = 0
        for kit in self.service.list():
            self.addItem(swatch_icon(kit.primary_colors + kit.accent_colors), kit.name, kit.id)
            if kit.is_active:
                current = self.count() - 1
        self.setCurrentIndex(current)
        self.blockSignals(False)

    def active_kit_id(self) -> str | None:
        """The kit shown as active (None for "No brand kit")."""
        return self.currentData()

    def _chosen(self, index: int) -> None:
        try:
            self.service.set_active(self.itemData(index))
        except BrandKitError:  # deleted meanwhile: show what is really active
            self.refresh()
