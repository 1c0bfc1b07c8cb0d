"""SyncSettingsPanel: bucket set-up (endpoint, region, bucket, prefix, credentials) with "Test
connection". Embed it in the settings dialog; secrets go to the OS keyring, never to a file."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio_app.services.sync_service import SyncService
from studio_app.sync.credentials import Credentials
from studio_app.sync.probe import ConnectionReport
from studio_app.sync.settings import SyncSettings


class SyncSettingsPanel(QWidget):
    """Form for the ``sync`` settings section; "Save" validates (one-line errors shown under the
    form), stores settings and, if both key fields are filled, the credentials in the keyring."""

    def __init__(self, service: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        s = service.settings()
        self.enabled = QCheckBox("Sync in the background")
        self.enabled.setChecked(s.enabled)
        self.endpoint = QLineEdit(s.endpoint_url or "")
        self.endpoint.setPlaceholderText("https://s3.example.com (empty: AWS S3)")
        self.region = QLineEdit(s.region)
        self.bucket = QLineEdit(s.bucket)
        self.prefix = QLineEdit(s.prefix)
        self.interval = QSpinBox()
        self.interval.setRange(0, 24 * 60)
        self.interval.setSuffix(" min")
        self.interval.setSpecialValueText("only on Sync now")
        self.interval.setValue(s.auto_sync_minutes)
        self.access_key = QLineEdit()
        self.access_key.setPlaceholderText("saved in the OS keyring")
        self.secret_key = QLineEdit()
        self.secret_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_key.setPlaceholderText("saved in the OS keyring")
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("Endpoint URL", self.endpoint)
        form.addRow("Region", self.region)
        form.addRow("Bucket", self.bucket)
        form.addRow("Prefix", self.prefix)
        form.addRow("Sync every", self.interval)
        form.addRow("Access key ID", self.access_key)
        form.addRow("Secret access key", self.secret_key)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save")
        self.test_button = QPushButton("Test connection")
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        service.connection_tested.connect(self._on_tested)
        service.credentials_saved.connect(lambda ok, msg: self.message.setText(msg))

    def form_settings(self) -> SyncSettings:
        """The settings as typed.

        Raises:
            ValueError: a field is invalid (pydantic message).
        """
        base = self.service.settings().model_dump()
        base.update(enabled=self.enabled.isChecked(), endpoint_url=self.endpoint.text() or None,
                    region=self.region.text(), bucket=self.bucket.text(), prefix=self.prefix.text(),
                    auto_sync_minutes=self.interval.value())
        return SyncSettings.model_validate(base)

    def save(self) -> bool:
        """Validate and store; returns False (with the reason shown) if a field is invalid."""
        try:
            settings = self.form_settings()
        except ValueError as exc:
            lines = [ln.strip() for ln in str(exc).splitlines()]
            self.message.setText(f"Not saved: {lines[1]}: {lines[2]}" if len(lines) > 2 else f"Not saved: {exc}")
            return False
        self.service.save_settings(settings)
        self.message.setText("Saved.")
        if self.access_key.text() and self.secret_key.text():
            self.service.save_credentials(Credentials(self.access_key.text().strip(), self.secret_key.text()))
            self.secret_key.clear()
        return True

    def test(self) -> None:
        """Save, then test the connection in the background."""
        if self.save():
            self.test_button.setEnabled(False)
            self.message.setText("Testing…")
            self.service.test_connection()

    def _on_tested(self, report: ConnectionReport) -> None:
        self.test_button.setEnabled(True)
        self.message.setText(("Connected: " if report.ok else "Failed: ") + report.message)
