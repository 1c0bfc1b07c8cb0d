"""ChatPage: the coach panel's page for one session, and the context card above its messages.

From top to bottom: the session line, the read-only banner (with Continue in a new session),
the conversation, the message input with Send/Stop, the current prompt (editable), the "Refine
this" row, the logo options with Generate Now, the progress bar and End session. The page only
builds and lays out its widgets; CoachPanel connects them to the CoachService.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.coach import CoachSession
from studio_app.services.coach.models import LOGO_POSITIONS

from .chat_view import ChatView

CARD_IMAGE_PX = 120
"""Longest side of the canvas preview on the context card, px."""
ERROR_STYLE = "color: #d23c3c;"


class ChatPage(QWidget):
    """The widgets of one session's chat (built here, wired by CoachPanel).

    Args:
        asset_png: returns a generated asset's PNG bytes (None when it is gone), for the result cards.
    """

    def __init__(self, asset_png: Callable[[str], bytes | None]) -> None:
        super().__init__()
        self._build_session_header()
        self._build_conversation(asset_png)
        self._build_prompt()
        self._build_generate()
        self._lay_out()

    def _build_session_header(self) -> None:
        self.session_label = QLabel()
        muted(self.session_label)
        self.session_label.setWordWrap(True)
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet("QFrame#banner { background: rgba(255, 176, 32, 60); border-radius: 6px; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.continue_button = QPushButton("Continue in a new session")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.continue_button)

    def _build_conversation(self, asset_png: Callable[[str], bytes | None]) -> None:
        self.chat = ChatView(asset_png)
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText("Message the coach… (Enter to send, Shift+Enter for a new line)")
        self.input.setMaximumHeight(64)
        self.send_button = QPushButton("Send")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setStyleSheet("QPushButton { color: #d23c3c; font-weight: bold; }")
        self.stop_button.hide()
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

    def _build_prompt(self) -> None:
        self.prompt_title = QLabel("<b>Current prompt</b>")
        self.prompt_source = QLabel()
        muted(self.prompt_source, small=True)
        self.prompt_box = QPlainTextEdit()
        self.prompt_box.setPlaceholderText("The coach writes the prompt here; edit it freely.")
        self.prompt_box.setMaximumHeight(120)
        self.refine_row = QFrame()
        self.refine_thumb = QLabel()
        self.refine_text = QLabel("Next generation refines this result")
        muted(self.refine_text, small=True)
        self.refine_clear = QPushButton("Clear")
        refine_layout = QHBoxLayout(self.refine_row)
        refine_layout.setContentsMargins(0, 0, 0, 0)
        refine_layout.addWidget(self.refine_thumb)
        refine_layout.addWidget(self.refine_text, 1)
        refine_layout.addWidget(self.refine_clear)
        self.refine_row.hide()

    def _build_generate(self) -> None:
        self.generate_button = QPushButton("Generate Now")
        self.generate_button.setMinimumHeight(32)
        self.generate_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.logo_check = QCheckBox("Logo")
        self.logo_check.setToolTip("Add the brand kit's logo as a reference image")
        self.logo_position = QComboBox()
        for pos in LOGO_POSITIONS:
            self.logo_position.addItem(pos.replace("-", " "), pos)
        self.logo_position.setCurrentIndex(LOGO_POSITIONS.index("bottom-right"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.end_button = QPushButton("End session")
        self.end_button.setFlat(True)
        muted(self.end_button)

    def _lay_out(self) -> None:
        send_col = QVBoxLayout()
        send_col.addWidget(self.send_button)
        send_col.addWidget(self.stop_button)
        input_row = QHBoxLayout()
        input_row.addWidget(self.input, 1)
        input_row.addLayout(send_col)
        prompt_head = QHBoxLayout()
        prompt_head.addWidget(self.prompt_title)
        prompt_head.addWidget(self.prompt_source, 1)
        # The logo choice on its own row: beside the button it pushed the combo out of a narrow dock.
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_check)
        logo_row.addWidget(self.logo_position, 1)
        gen_row = QVBoxLayout()
        gen_row.setSpacing(4)
        gen_row.addLayout(logo_row)
        gen_row.addWidget(self.generate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.session_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.chat, 1)
        layout.addLayout(input_row)
        layout.addWidget(self.error_label)
        layout.addLayout(prompt_head)
        layout.addWidget(self.prompt_box)
        layout.addWidget(self.refine_row)
        layout.addLayout(gen_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignRight)

    def context_card(self, session: CoachSession, snapshot_png: bytes | None, engine_label: str) -> QWidget:
        """The card above the messages: canvas preview, target, mood, game, references, coach.

        Args:
            session: the session shown.
            snapshot_png: the canvas preview PNG, or None.
            engine_label: the coach's name when the session did not store one.
        """
        card = ContextCard(self.chat.theme.coach)
        layout = QHBoxLayout(card)
        layout.setContentsMargins(8, 6, 8, 6)
        if snapshot_png:
            image = QImage.fromData(snapshot_png)
            if not image.isNull():
                thumb = QLabel()
                thumb.setPixmap(QPixmap.fromImage(image.scaled(
                    CARD_IMAGE_PX, CARD_IMAGE_PX, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation)))
                layout.addWidget(thumb, 0, Qt.AlignmentFlag.AlignTop)
        ctx = session.context
        mood = ctx.custom_mood if session.mood == "custom" else session.mood
        lines = [f"<b>{TARGET_SPECS[session.asset_type].label}</b> · {mood or 'no mood'}"
                 + (f" · {esc(session.game_context)}" if session.game_context else "")]
        if ctx.media_asset_names:
            lines.append("References: " + ", ".join(esc(n) for n in ctx.media_asset_names))
        if ctx.canvas_snapshot_description:
            lines.append("The coach sees your canvas layout.")
        lines.append(f"Coach: {esc(ctx.engine_label or engine_label)}")
        text = QLabel("<br>".join(lines))
        muted(text, small=True)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text, 1)
        return card


class ContextCard(QFrame):
    """The context card's frame (rounded, in the coach bubble colour)."""

    def __init__(self, colour: QColor) -> None:
        super().__init__()
        self._colour = QColor(colour)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self._colour.darker(115), 1))
        painter.setBrush(self._colour)
        painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 8, 8)
        painter.end()
        super().paintEvent(event)


def muted(widget: QWidget, *, small: bool = False) -> None:
    """Grey the widget's text (half-way between text and background) and optionally shrink it (85 %)."""
    palette = widget.palette()
    text, base = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    grey = QColor((text.red() + base.red()) // 2, (text.green() + base.green()) // 2, (text.blue() + base.blue()) // 2)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text):
        palette.setColor(role, grey)
    widget.setPalette(palette)
    if small:
        font = widget.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        widget.setFont(font)


def esc(text: str) -> str:
    """``text`` escaped for a rich-text QLabel (&, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
