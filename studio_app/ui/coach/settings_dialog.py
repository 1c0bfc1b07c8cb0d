"""CoachSettingsDialog: which coach answers (offline or an LLM), its model and address, turn limit, expiry.

Stored in the ``coach`` settings section. API keys are not entered here: they live in the
keyring (the provider settings) or in GEMINI_API_KEY / OPENAI_API_KEY.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from studio_app.services import provider_setup as ps
from studio_app.services.coach import CoachService, CoachSettings

ENGINES = (
    ("auto", "Automatic (AI coach when a Gemini or OpenAI key is set)"),
    ("offline", "Offline guided coach (no AI)"),
    *((kind, label + (" (local)" if kind in ps.LOCAL_CHAT_KINDS else ""))
      for kind, label in ps.COACH_ENGINES.items() if kind not in ("auto", "offline")),
)
"""(engine, menu text) in menu order: auto, offline, then the catalogue's chat kinds."""
MODEL_HINTS = {**{k: v for k, v in ps.CHAT_DEFAULT_MODELS.items() if v},
               "lmstudio": "the model id LM Studio lists", "custom": "the model id the server lists"}
"""Placeholder per chat kind: the catalogue's current default, or what to type."""


class CoachSettingsDialog(QDialog):
    """Edit CoachSettings; Test connection checks the choice on a worker thread before saving."""

    def __init__(self, coach: CoachService, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Coach settings")
        self.coach = coach
        current = coach.settings()
        self.engine = QComboBox()
        for value, label in ENGINES:
            self.engine.addItem(label, value)
        self.engine.setCurrentIndex(max(0, self.engine.findData(current.engine)))
        self.model = QLineEdit(current.model or "")
        self.base_url = QLineEdit(current.base_url or "")
        self.turn_limit = QSpinBox()
        self.turn_limit.setRange(1, 200)
        self.turn_limit.setValue(current.turn_limit)
        self.turn_limit.setSuffix(" turns")
        self.expiry_hours = QSpinBox()
        self.expiry_hours.setRange(1, 24 * 90)
        self.expiry_hours.setValue(max(1, round(current.idle_expiry_minutes / 60)))
        self.expiry_hours.setSuffix(" h idle")
        self.test_button = QPushButton("Test connection")
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        keys = QLabel("API keys are kept in the system keyring (provider settings) or read from "
                      f"{' / '.join(ps.KEY_ENV_NAMES)}; local servers need none.")
        keys.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Coach", self.engine)
        form.addRow("Model", self.model)
        form.addRow("Server address", self.base_url)
        form.addRow("Turn limit", self.turn_limit)
        form.addRow("Expire after", self.expiry_hours)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(keys)
        layout.addLayout(test_row)
        layout.addWidget(buttons)

        self.engine.currentIndexChanged.connect(self._engine_changed)
        self.test_button.clicked.connect(self.test)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        coach.connectionTested.connect(self._tested)
        self._engine_changed()

    def _engine_changed(self) -> None:
        kind = self.engine.currentData()
        llm = kind not in ("auto", "offline")
        self.model.setEnabled(llm)
        self.base_url.setEnabled(llm)
        self.model.setPlaceholderText(MODEL_HINTS.get(kind, ""))
        self.base_url.setPlaceholderText(ps.chat_address_hint(kind))

    def settings(self) -> CoachSettings:
        """The settings as filled in."""
        kind = self.engine.currentData()
        llm = kind not in ("auto", "offline")
        return CoachSettings(engine=kind, model=(self.model.text().strip() or None) if llm else None,
                             base_url=(self.base_url.text().strip() or None) if llm else None,
                             turn_limit=self.turn_limit.value(), idle_expiry_minutes=self.expiry_hours.value() * 60)

    def test(self) -> None:
        """Check the filled-in choice (the answer arrives in the label)."""
        self.result_label.setText("Testing…")
        self.test_button.setEnabled(False)
        self.coach.test_connection(self.settings())

    def _tested(self, ok: bool, message: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setText(("✓ " if ok else "✗ ") + message)

    def save(self) -> None:
        """Store the settings (the next reply uses them) and close; a write error stays in the dialog."""
        try:
            self.coach.save_settings(self.settings())
        except OSError as exc:
            self.result_label.setText(f"✗ Could not save the settings: {exc.strerror or exc}")
            return
        self.accept()
