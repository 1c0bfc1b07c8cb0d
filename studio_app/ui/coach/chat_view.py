"""ChatView: the coach conversation as bubbles, streaming into the last one.

Only the newest ``WINDOW`` messages get widgets when a session opens ("Show earlier messages"
adds more), so a session with thousands of messages opens as fast as a short one. A streaming
reply appends to its own bubble; tokens that arrive together are drawn in one update, and no
other bubble is touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.coach import CoachMessage
from studio_app.prompting.coach_prompt import reply_display

WINDOW = 30
"""Messages given widgets when a session opens, and per "Show earlier messages" click."""
PREVIEW_MAX_PX = 300
"""Longest side of an asset preview in the chat, px."""
STICK_TO_BOTTOM_PX = 32
ACCENT = "#9146FF"
"""The streamer's bubbles are tinted with this (the default brand primary colour)."""


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` blended into ``b`` by ``t`` (0 = b, 1 = a)."""
    return QColor(round(a.red() * t + b.red() * (1 - t)), round(a.green() * t + b.green() * (1 - t)),
                  round(a.blue() * t + b.blue() * (1 - t)))


@dataclass(frozen=True)
class ChatTheme:
    """Bubble colours derived from the view's palette, so light and dark themes both read well."""

    background: QColor
    text: QColor
    muted: QColor
    coach: QColor
    user: QColor
    coach_name: QColor
    user_name: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChatTheme:
        """Colours for ``palette`` (Base/Text/PlaceholderText roles)."""
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightness() < 128
        accent = QColor(ACCENT)
        background = base.darker(104) if not dark else base
        coach = base.lighter(135) if dark else base.darker(108)
        user = _mix(accent, base, 0.42 if dark else 0.16)
        name = accent.lighter(150) if dark else accent.darker(115)
        return cls(background=background, text=text, muted=_mix(text, base, 0.55), coach=coach, user=user,
                   coach_name=name, user_name=name)

    def bubble(self, role: str) -> QColor:
        """The background of a ``role`` bubble (transparent for system notes)."""
        return {"user": self.user, "coach": self.coach}.get(role, QColor(0, 0, 0, 0))


_IMAGE_MD = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def safe_markdown(text: str) -> str:
    """Basic markdown for a coach bubble: raw HTML and images are shown as text, not rendered.

    Qt's markdown reader would load ``<img>``/``![](…)`` sources and honour raw HTML; a coach
    reply has no business doing either.
    """
    text = _IMAGE_MD.sub(lambda m: m.group(0).replace("!", "", 1), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class BubbleLabel(QLabel):
    """The text of one bubble.

    ``paint_observer`` (class-wide, None by default) is called after every paint with the label;
    the latency benchmark uses it to see when a streamed token reaches the screen.
    """

    paint_observer: ClassVar[Callable[[BubbleLabel], None] | None] = None

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().paintEvent(event)
        observer = BubbleLabel.paint_observer
        if observer is not None:
            observer(self)


class _BubbleFrame(QFrame):
    """A frame that paints its own rounded background (cheaper than a style sheet per bubble)."""

    def __init__(self, background: QColor) -> None:
        super().__init__()
        self._background = QColor(background)

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        if self._background.alpha():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._background)
            painter.drawRoundedRect(self.rect(), 10, 10)
            painter.end()
        super().paintEvent(event)


class TextBubble(_BubbleFrame):
    """A user, coach or system message. Coach text is basic markdown; user text is plain.

    Attributes:
        role: ``user``, ``coach`` or ``system``.
        raw: the message text as stored (a coach reply still holds its prompt block).
        shown_chars: length of ``raw`` last drawn into the label.
    """

    def __init__(self, role: str, text: str = "", *, streaming: bool = False, theme: ChatTheme | None = None) -> None:
        theme = theme or ChatTheme.from_palette(QPalette())
        super().__init__(theme.bubble(role))
        self.role = role
        self.raw = text
        self.streaming = streaming
        self.shown_chars = 0
        palette = self.palette()
        colour = theme.muted if role == "system" else theme.text
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        palette.setColor(QPalette.ColorRole.Text, colour)
        self.setPalette(palette)
        layout = QVBoxLayout(self)
        if role == "system":
            layout.setContentsMargins(4, 0, 4, 0)
        else:
            layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        if role != "system":
            who = QLabel("You" if role == "user" else "Coach")
            font = who.font()
            font.setBold(True)
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            who.setFont(font)
            who_palette = who.palette()
            who_palette.setColor(QPalette.ColorRole.WindowText, theme.user_name if role == "user" else theme.coach_name)
            who.setPalette(who_palette)
            layout.addWidget(who, 0, Qt.AlignmentFlag.AlignRight if role == "user" else Qt.AlignmentFlag.AlignLeft)
        self.label = BubbleLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.MarkdownText if role == "coach" else Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setOpenExternalLinks(False)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        if role == "system":
            self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            font = self.label.font()
            font.setItalic(True)
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            self.label.setFont(font)
        layout.addWidget(self.label)
        self._render()

    def display_text(self) -> str:
        """What the label shows for ``raw`` (prompt block hidden, a note while it is written)."""
        if self.role != "coach":
            return self.raw
        shown = reply_display(self.raw)
        text = safe_markdown(shown.text)
        if shown.writing_prompt:
            text += "\n\n*✎ Writing the prompt…*"
        if not text.strip() and self.streaming:
            text = "*…*"
        return text

    def _render(self) -> None:
        self.label.setText(self.display_text())
        self.shown_chars = len(self.raw)

    def set_text(self, text: str, *, streaming: bool | None = None) -> None:
        """Replace the text (used when a streamed reply is final)."""
        self.raw = text
        if streaming is not None:
            self.streaming = streaming
        self._render()

    def append(self, piece: str) -> None:
        """Add streamed text (drawn by ``flush``)."""
        self.raw += piece

    def flush(self) -> None:
        """Draw text appended since the last flush."""
        if self.shown_chars != len(self.raw):
            self._render()


class _PreviewLabel(QLabel):
    """The card's picture: at most PREVIEW_MAX_PX, narrower when the coach column is narrow
    (so the card's buttons always fit); double-click opens the viewer."""

    doubleClicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._image = QImage()
        self._shown_width = 0
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(48)

    def set_image(self, image: QImage) -> None:
        """Show ``image`` scaled to the label's width (PREVIEW_MAX_PX at most)."""
        self._image = image
        self._shown_width = 0
        self._rescale(PREVIEW_MAX_PX)

    def _rescale(self, width: int) -> None:
        side = max(48, min(PREVIEW_MAX_PX, width))
        if self._image.isNull() or side == self._shown_width:
            return
        self._shown_width = side
        self.setPixmap(QPixmap.fromImage(self._image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().resizeEvent(event)
        self._rescale(self.width())

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        self.doubleClicked.emit()
        super().mouseDoubleClickEvent(event)


class AssetBubble(_BubbleFrame):
    """A generated asset in the chat (the coach's result card): preview, caption, Save as…,
    Show in library, Refine this, and "More ▾" with every result action; double-click opens it.

    Signals:
        saveRequested, showRequested, refineRequested, openRequested, menuRequested
        (asset id each; menuRequested also carries the button to anchor the menu to).
    """

    saveRequested = Signal(str)
    showRequested = Signal(str)
    refineRequested = Signal(str)
    openRequested = Signal(str)
    menuRequested = Signal(str, QWidget)

    def __init__(self, message: CoachMessage, png: bytes | None, *, theme: ChatTheme | None = None) -> None:
        theme = theme or ChatTheme.from_palette(QPalette())
        super().__init__(theme.coach)
        self.asset_id = message.asset_id or ""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, theme.muted)
        self.setPalette(palette)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.preview = _PreviewLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.doubleClicked.connect(lambda: self.openRequested.emit(self.asset_id))
        image = QImage.fromData(png) if png else QImage()
        if image.isNull():
            self.preview.setText("(image missing)")
        else:
            self.preview.set_image(image)
        layout.addWidget(self.preview)
        caption = QLabel(message.content or "Generated asset")
        font = caption.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        caption.setFont(font)
        caption.setWordWrap(True)
        layout.addWidget(caption)
        grid = QGridLayout()  # two by two: the card stays whole in a narrow coach column
        grid.setSpacing(4)
        self.save_button = QPushButton("Save as…")
        self.show_button = QPushButton("Show in library")
        self.refine_button = QPushButton("Refine this")
        self.more_button = QPushButton("More ▾")
        self.more_button.setToolTip("All actions: open, export, copy, place on canvas, reuse prompt, delete…")
        for n, (button, signal) in enumerate(((self.save_button, self.saveRequested),
                                              (self.show_button, self.showRequested),
                                              (self.refine_button, self.refineRequested))):
            button.clicked.connect(lambda _=False, s=signal: s.emit(self.asset_id))
            grid.addWidget(button, n // 2, n % 2)
        self.more_button.clicked.connect(lambda: self.menuRequested.emit(self.asset_id, self.more_button))
        grid.addWidget(self.more_button, 1, 1)
        layout.addLayout(grid)
        self.deleted = False

    def mark_deleted(self) -> None:
        """The result was deleted: say so and disable its actions."""
        self.deleted = True
        self.preview.clear()
        self.preview.setText("(result deleted)")
        for b in (self.save_button, self.show_button, self.refine_button, self.more_button):
            b.setEnabled(False)

    def set_read_only(self, read_only: bool) -> None:
        """Ended sessions cannot refine; saving and showing still work."""
        self.refine_button.setEnabled(not read_only and not self.deleted)


class _BubbleRow(QWidget):
    """One line of the chat: a bubble, pushed to its side by the row's margins."""

    def __init__(self, bubble: QWidget) -> None:
        super().__init__()
        self.bubble = bubble


class ChatView(QScrollArea):
    """The conversation of one session.

    Args:
        load_png: asset id -> PNG bytes (None when missing), for asset previews.

    Signals:
        saveRequested(asset_id), showInLibraryRequested(asset_id), refineRequested(asset_id).
    """

    saveRequested = Signal(str)
    showInLibraryRequested = Signal(str)
    refineRequested = Signal(str)
    openRequested = Signal(str)
    menuRequested = Signal(str, QWidget)

    def __init__(self, load_png: Callable[[str], bytes | None]) -> None:
        super().__init__()
        self._load_png = load_png
        self.describe: Callable[[str], str] | None = None  # asset id -> the result's facts (tooltips)
        self.theme = ChatTheme.from_palette(self.palette())
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._messages: list[CoachMessage] = []
        self._first_shown = 0
        self._rows: list[_BubbleRow] = []
        self._streaming: TextBubble | None = None
        self._read_only = False
        self._stick = True
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range)
        bar.valueChanged.connect(self._on_scroll)
        self.setWidget(self._build_container())

    # -- building --------------------------------------------------------------------------------------
    def _build_container(self) -> QWidget:
        container = QWidget()
        palette = container.palette()
        palette.setColor(QPalette.ColorRole.Window, self.theme.background)
        container.setPalette(palette)
        container.setAutoFillBackground(True)
        self._layout = QVBoxLayout(container)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.more_button = QPushButton()
        self.more_button.setFlat(True)
        more_palette = self.more_button.palette()
        more_palette.setColor(QPalette.ColorRole.ButtonText, self.theme.coach_name)
        self.more_button.setPalette(more_palette)
        self.more_button.clicked.connect(self.show_earlier)
        self.more_button.hide()
        self._layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._header_index = self._layout.count()
        self._rows = []
        self._streaming = None
        return container

    def set_header(self, widget: QWidget | None) -> None:
        """A context card shown above the messages (canvas snapshot, target, mood)."""
        if widget is not None:
            self._layout.insertWidget(self._header_index, widget)
            self._header_index += 1

    def _row(self, message: CoachMessage) -> _BubbleRow:
        bubble: QWidget
        if message.type == "asset":
            bubble = card = AssetBubble(message, self._load_png(message.asset_id or ""), theme=self.theme)
            card.saveRequested.connect(self.saveRequested)
            card.showRequested.connect(self.showInLibraryRequested)
            card.refineRequested.connect(self.refineRequested)
            card.openRequested.connect(self.openRequested)
            card.menuRequested.connect(self.menuRequested)
            card.set_read_only(self._read_only)
            if self.describe is not None and card.asset_id:
                card.preview.setToolTip(self.describe(card.asset_id) + "\n\nDouble-click to open in the viewer.")
        else:
            bubble = TextBubble(message.role, message.content, theme=self.theme)
        return self._wrap(bubble, message.role)

    @staticmethod
    def _wrap(bubble: QWidget, role: str) -> _BubbleRow:
        row = _BubbleRow(bubble)
        layout = QHBoxLayout(row)
        # Bubbles span the width minus a margin on the other side: a wrapped QLabel then gets
        # a stable width (no narrow-column artefacts) and user/coach sides stay clear.
        side = 48
        if role == "user":
            layout.setContentsMargins(side, 0, 0, 0)
        elif role == "system":
            layout.setContentsMargins(side // 2, 0, side // 2, 0)
        else:
            layout.setContentsMargins(0, 0, side, 0)
        layout.addWidget(bubble)
        return row

    # -- content ---------------------------------------------------------------------------------------
    def set_messages(self, messages: list[CoachMessage], *, header: QWidget | None = None,
                     read_only: bool = False) -> None:
        """Show a session: the newest WINDOW messages (older ones behind "Show earlier messages")."""
        self._messages = list(messages)
        self._read_only = read_only
        self._flush_timer.stop()
        container = self._build_container()  # filled before it is shown: no relayout per bubble
        self.set_header(header)
        self._first_shown = max(0, len(self._messages) - WINDOW)
        for message in self._messages[self._first_shown:]:
            self._add_row(self._row(message))
        self._update_more()
        self._stick = True
        self.setWidget(container)

    def _add_row(self, row: _BubbleRow, index: int | None = None) -> None:
        if index is None:
            self._layout.addWidget(row)
            self._rows.append(row)
        else:
            self._layout.insertWidget(self._header_index + index, row)
            self._rows.insert(index, row)

    def _update_more(self) -> None:
        hidden = self._first_shown
        self.more_button.setVisible(hidden > 0)
        self.more_button.setText(f"Show earlier messages ({hidden} more)")

    def show_earlier(self) -> None:
        """Add widgets for up to WINDOW older messages, keeping the view where it was."""
        if self._first_shown == 0:
            return
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        start = max(0, self._first_shown - WINDOW)
        for offset, message in enumerate(self._messages[start:self._first_shown]):
            self._add_row(self._row(message), offset)
        self._first_shown = start
        self._update_more()
        self._stick = False
        content = self.widget()
        if content is not None:
            content.adjustSize()
        bar.setValue(bar.maximum() - from_bottom)

    def asset_deleted(self, asset_id: str) -> None:
        """Mark the result cards of ``asset_id`` as deleted."""
        for row in self._rows:
            bubble = row.bubble
            if isinstance(bubble, AssetBubble) and bubble.asset_id == asset_id:
                bubble.mark_deleted()

    def set_read_only(self, read_only: bool) -> None:
        """Disable Refine this on every asset bubble (ended or expired sessions)."""
        self._read_only = read_only
        for row in self._rows:
            bubble = row.bubble
            if isinstance(bubble, AssetBubble):
                bubble.set_read_only(read_only)

    def append_message(self, message: CoachMessage) -> None:
        """Show a new message; a coach text message ends and takes over the streaming bubble."""
        self._messages.append(message)
        if self._streaming is not None and message.role == "coach" and message.type == "text":
            self._streaming.set_text(message.content, streaming=False)
            self._streaming = None
            self._flush_timer.stop()
            return
        self._add_row(self._row(message))

    def begin_streaming(self) -> TextBubble:
        """Add an empty coach bubble that tokens stream into."""
        self.end_streaming()
        bubble = TextBubble("coach", "", streaming=True, theme=self.theme)
        self._add_row(self._wrap(bubble, "coach"))
        self._streaming = bubble
        self._stick = True
        return bubble

    def append_token(self, text: str) -> None:
        """Append streamed text to the streaming bubble (drawn on the next event-loop pass)."""
        if self._streaming is None:
            return
        self._streaming.append(text)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        if self._streaming is not None:
            self._streaming.flush()

    def end_streaming(self) -> None:
        """The reply ended without a message taking over the bubble: drop it if empty."""
        bubble, self._streaming = self._streaming, None
        self._flush_timer.stop()
        if bubble is None:
            return
        if not bubble.raw.strip():
            row = bubble.parentWidget()
            if row in self._rows:
                self._rows.remove(row)
            if row is not None:
                row.setParent(None)
                row.deleteLater()
        else:
            bubble.set_text(bubble.raw, streaming=False)

    # -- queries (tests, benchmarks) -----------------------------------------------------------------
    @property
    def streaming_bubble(self) -> TextBubble | None:
        """The bubble a reply streams into, or None."""
        return self._streaming

    def bubbles(self) -> list[QWidget]:
        """The bubbles shown, oldest first."""
        return [row.bubble for row in self._rows]

    def hidden_count(self) -> int:
        """Older messages without widgets yet."""
        return self._first_shown

    # -- scrolling ---------------------------------------------------------------------------------------
    def _on_scroll(self, value: int) -> None:
        self._stick = value >= self.verticalScrollBar().maximum() - STICK_TO_BOTTOM_PX

    def _on_range(self, _min: int, maximum: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(maximum)
