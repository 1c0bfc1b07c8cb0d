"""StartSessionForm: what a coach session starts from (a StartCoachRequest).

Asset type, mood (the domain's moods plus a custom one), game, the idea, up to two reference
images picked from the canvas placements, and whether the coach sees the canvas layout.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import Mood
from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS
from studio_app.prompting.canvas_description import describe_canvas
from studio_app.services.coach import StartCoachRequest
from studio_app.ui.forms import add_rows

CanvasProvider = Callable[[], CanvasDocument | None]
BrandKitProvider = Callable[[], list[BrandKit]]


class StartSessionForm(QWidget):
    """The "new session" page of the coach panel.

    Args:
        canvas: returns the canvas as it is now (None when there is none).
        brand_kits: returns the stored brand kits (the first choice is always the active kit).

    Signals:
        startRequested(StartCoachRequest): the streamer pressed Start coaching.
    """

    startRequested = Signal(object)

    def __init__(self, canvas: CanvasProvider, brand_kits: BrandKitProvider = lambda: []) -> None:
        super().__init__()
        self._canvas = canvas
        self._brand_kits = brand_kits
        self._build_fields()
        self._build_layout()

        self.mood.currentIndexChanged.connect(self._mood_changed)
        self.start_button.clicked.connect(self.submit)
        self.use_canvas.toggled.connect(lambda _: self.refresh())
        self._mood_changed()

    def _build_fields(self) -> None:
        self.brand_kit = QComboBox()
        self.asset_type = QComboBox()
        for t, spec in TARGET_SPECS.items():
            self.asset_type.addItem(f"{spec.label} ({spec.width}x{spec.height})", t.value)
        self.mood = QComboBox()
        for m in Mood:
            self.mood.addItem("Custom…" if m == Mood.CUSTOM else m.value.capitalize(), m.value)
        self.custom_mood = QLineEdit()
        self.custom_mood.setPlaceholderText("Your own mood, e.g. dreamy neon night")
        self.custom_mood.setMaxLength(60)
        self.game = QLineEdit()
        self.game.setPlaceholderText("Game you stream (optional)")
        self.game.setMaxLength(80)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Your idea, in your own words: what should the picture show?")
        self.description.setMaximumHeight(84)
        self.use_canvas = QCheckBox("Let the coach see the canvas layout")
        self.use_canvas.setChecked(True)
        self.canvas_summary = QLabel()
        self.canvas_summary.setWordWrap(True)
        palette = self.canvas_summary.palette()
        text, base = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
        palette.setColor(QPalette.ColorRole.WindowText, QColor((text.red() + base.red()) // 2,
                                                              (text.green() + base.green()) // 2,
                                                              (text.blue() + base.blue()) // 2))
        self.canvas_summary.setPalette(palette)
        self.media_box = QWidget()
        self.media_layout = QVBoxLayout(self.media_box)
        self.media_layout.setContentsMargins(0, 0, 0, 0)
        self.media_checks: list[QCheckBox] = []
        self.error = QLabel()
        self.error.setStyleSheet("color: #d23c3c;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.start_button = QPushButton("Start coaching")
        self.start_button.setDefault(True)
        self.start_button.setMinimumHeight(32)

    def _build_layout(self) -> None:
        form = QFormLayout()
        # Fields under their labels: in a dock narrow enough for a 1366 px laptop the target's
        # full name ("YouTube thumbnail (1280x720)") does not fit beside a label.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        add_rows(form, [("Asset", self.asset_type), ("Mood", self.mood), ("", self.custom_mood),
                        ("Game", self.game), ("Idea", self.description), ("Brand kit", self.brand_kit),
                        ("References", self.media_box)])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.use_canvas)
        layout.addWidget(self.canvas_summary)
        layout.addWidget(self.error)
        layout.addWidget(self.start_button)
        layout.addStretch(1)

    def _mood_changed(self) -> None:
        self.custom_mood.setVisible(self.mood.currentData() == Mood.CUSTOM.value)

    def _refresh_brand_kits(self) -> None:
        chosen = self.brand_kit.currentData()
        kits = self._brand_kits()
        active = next((k for k in kits if k.is_active), None)
        self.brand_kit.clear()
        self.brand_kit.addItem(f"Active kit ({active.name})" if active else "Default colours (no kit)", None)
        for kit in kits:
            self.brand_kit.addItem(kit.name, kit.id)
        index = self.brand_kit.findData(chosen) if chosen else 0
        self.brand_kit.setCurrentIndex(max(0, index))

    def refresh(self) -> None:
        """Read the canvas again (asset type, placed assets, layout description) and the brand kits."""
        self._refresh_brand_kits()
        doc = self._canvas()
        if doc is not None:
            self.asset_type.setCurrentIndex(self.asset_type.findData(doc.asset_type.value))
        for check in self.media_checks:
            check.setParent(None)
        self.media_checks = []
        seen: list[str] = []
        for p in (doc.sorted_placements() if doc else []):
            if not p.asset_id or p.asset_id in seen or p.hidden:
                continue
            seen.append(p.asset_id)
            check = QCheckBox(p.display_name)
            check.setProperty("asset_id", p.asset_id)
            check.setChecked(len(seen) <= MAX_PROMPT_INJECTION_ASSETS)
            check.toggled.connect(self._limit_media)
            self.media_layout.addWidget(check)
            self.media_checks.append(check)
        if not self.media_checks:
            empty = QCheckBox("(none on the canvas)")
            empty.setToolTip("Media placed on the canvas can be sent to the coach as reference images")
            empty.setEnabled(False)
            self.media_layout.addWidget(empty)
            self.media_checks.append(empty)
        has_canvas = bool(doc and doc.has_content())
        self.use_canvas.setEnabled(has_canvas)
        if doc is not None and has_canvas and self.use_canvas.isChecked():
            text = describe_canvas(doc)
            self.canvas_summary.setText("The coach will see: " + (text[:400] + ("…" if len(text) > 400 else "")))
        else:
            self.canvas_summary.setText("The canvas is empty; the coach works from your words."
                                        if not has_canvas else "The coach will not see the canvas.")

    def _limit_media(self) -> None:
        checked = [c for c in self.media_checks if c.isChecked()]
        for c in self.media_checks:
            if c.property("asset_id"):
                c.setEnabled(c.isChecked() or len(checked) < MAX_PROMPT_INJECTION_ASSETS)

    def request(self) -> StartCoachRequest:
        """The request for the form as filled in.

        Raises:
            ValueError: a custom mood without words (pydantic.ValidationError).
        """
        doc = self._canvas() if self.use_canvas.isChecked() else None
        media = [c.property("asset_id") for c in self.media_checks if c.isChecked() and c.property("asset_id")]
        return StartCoachRequest(
            asset_type=AssetType(self.asset_type.currentData()), mood=Mood(self.mood.currentData()),
            custom_mood=self.custom_mood.text() or None, game_name=self.game.text() or None,
            description=self.description.toPlainText(), media_asset_ids=media[:MAX_PROMPT_INJECTION_ASSETS],
            brand_kit_id=self.brand_kit.currentData(),
            media_asset_placements=list(doc.placements) if doc else [],
            canvas=doc if doc is not None and doc.has_content() else None,
        )

    def submit(self) -> None:
        """Validate and emit startRequested; a bad value shows one line under the form."""
        try:
            request = self.request()
        except ValueError as exc:
            first = str(exc).splitlines()
            msg = next((line.strip() for line in first if "custom mood" in line), first[-1] if first else str(exc))
            self.show_error(msg.removeprefix("Value error, "))
            return
        self.error.hide()
        self.startRequested.emit(request)

    def show_error(self, message: str) -> None:
        """One line under the form."""
        self.error.setText(message)
        self.error.show()

    def reset(self) -> None:
        """Clear the words (keep asset type and mood) and re-read the canvas."""
        self.description.clear()
        self.error.hide()
        self.refresh()
        self.asset_type.setFocus(Qt.FocusReason.OtherFocusReason)
