"""Sync in the GUI: the status-bar widget, the conflicts dialog and the bucket settings panel."""

from .conflicts_dialog import ConflictsDialog
from .settings_panel import SyncSettingsPanel
from .status_widget import SyncStatusWidget

__all__ = ["ConflictsDialog", "SyncSettingsPanel", "SyncStatusWidget"]
