"""Settings → Sync: the bucket form (endpoint, region, bucket, prefix, credentials, Test
connection). It is the same SyncSettingsPanel the Sync menu's "Bucket settings…" dialog shows:
one form, two places."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio_app.services.sync_service import SyncService

from ..sync.settings_panel import SyncSettingsPanel

PAGE_TITLE = "Sync"


class SyncSettingsPage(QWidget):
    """The Sync page of the Settings dialog: an intro line and the SyncSettingsPanel.

    Args:
        service: the running SyncService (its settings, keyring writes and connection test).
    """

    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        intro = QLabel("Sync keeps the library, canvases and results in an S3-compatible bucket you own "
                       "(AWS S3, Cloudflare R2, Backblaze B2, MinIO…). Everything works offline without it.")
        intro.setWordWrap(True)
        self.panel = SyncSettingsPanel(service, self)
        self.panel.save_button.hide()  # the dialog's Save stores the form (Test connection saves first)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel)
        layout.addStretch(1)

    def is_modified(self) -> bool:
        """The form differs from the stored settings, or keys were typed."""
        if self.panel.access_key.text() or self.panel.secret_key.text():
            return True
        try:
            return self.panel.form_settings() != self.service.settings()
        except ValueError:
            return True

    def save(self) -> bool:
        """Save the form (the panel's Save); False with the reason shown when a field is invalid."""
        return self.panel.save()
