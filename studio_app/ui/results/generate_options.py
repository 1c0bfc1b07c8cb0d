"""GenerateOptions: what the main Generate sends besides the canvas: the streamer's prompt,
how many variations (candidates), and a result to refine."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSpinBox, QToolButton, QWidget

from studio_app.domain.jobs import MAX_BATCH_CANDIDATES

REFINE_THUMB_PX = 28


class GenerateOptions(QWidget):
    """Prompt field, Variations spin box (1-4) and the "Refining" chip of the generate bar.

    Signals:
        countChanged(int): the Variations value changed (the window stores it as the setting).
    """

    countChanged = Signal(int)

    def __init__(self, count: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prompt_edit = QLineEdit()
        self.prompt_edit.setPlaceholderText("Prompt (optional): what should the image show?")
        self.prompt_edit.setClearButtonEnabled(True)
        self.prompt_edit.setMinimumWidth(160)
        self.prompt_edit.textEdited.connect(self._typed)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_BATCH_CANDIDATES)
        self.count_spin.setValue(max(1, min(MAX_BATCH_CANDIDATES, count)))
        self.count_spin.setToolTip(f"Variations: candidates of the same request made side by side "
                                   f"(1 to {MAX_BATCH_CANDIDATES}); keep, discard or refine each")
        self.count_spin.setSuffix(" ×")
        self.count_spin.valueChanged.connect(self.countChanged)
        self.refine_thumb = QLabel()
        self.refine_label = QLabel("Refining")
        self.refine_clear = QToolButton()
        self.refine_clear.setText("✕")
        self.refine_clear.setToolTip("Stop refining: the next Generate starts fresh")
        self.refine_clear.clicked.connect(self.clear_refine)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.prompt_edit, 1)
        layout.addWidget(QLabel("Variations:"))
        layout.addWidget(self.count_spin)
        for w in (self.refine_thumb, self.refine_label, self.refine_clear):
            layout.addWidget(w)
            w.hide()
        self._full_prompt = False
        self.refine_asset_id: str | None = None

    # -- prompt -----------------------------------------------------------------------------
    def set_prompt(self, text: str, *, full: bool = False) -> None:
        """Fill the prompt field ("Reuse prompt"); ``full``: the text is a complete prompt
        (a coach's) sent as it is, until the streamer edits it."""
        self.prompt_edit.setText(text)
        self.prompt_edit.setCursorPosition(0)
        self._full_prompt = full and bool(text)
        self.prompt_edit.setToolTip("The complete prompt of an earlier result, sent as it is" if self._full_prompt
                                    else "")

    def prompt(self) -> tuple[str | None, str | None]:
        """(custom_prompt, prompt_override) for GenerateRequest; both None when empty."""
        text = self.prompt_edit.text().strip()
        if not text:
            return None, None
        return (None, text) if self._full_prompt else (text, None)

    def _typed(self, _text: str) -> None:
        self._full_prompt = False
        self.prompt_edit.setToolTip("")

    # -- count --------------------------------------------------------------------------------
    def count(self) -> int:
        """Candidates the next Generate makes."""
        return self.count_spin.value()

    # -- refine ---------------------------------------------------------------------------------
    def set_refine(self, asset_id: str, png: bytes | None) -> None:
        """The next Generate sends ``asset_id``'s image as its input to refine."""
        self.refine_asset_id = asset_id
        image = QImage.fromData(png) if png else QImage()
        if not image.isNull():
            self.refine_thumb.setPixmap(QPixmap.fromImage(image.scaled(
                REFINE_THUMB_PX, REFINE_THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)))
        for w in (self.refine_thumb, self.refine_label, self.refine_clear):
            w.show()

    def clear_refine(self) -> None:
        """Generate starts fresh again."""
        self.refine_asset_id = None
        for w in (self.refine_thumb, self.refine_label, self.refine_clear):
            w.hide()
