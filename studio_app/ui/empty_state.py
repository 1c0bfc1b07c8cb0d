"""EmptyState: a centred hint (and optional buttons) over an empty pane.

Shown over a list's or the canvas's viewport while the pane has nothing in it, so a first
launch says what to do there; hidden as soon as content arrives. It lets mouse events
through except on its buttons, so drops and clicks still reach the pane.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A hint over ``host`` (usually a view's viewport) while ``is_empty()`` is True.

    Args:
        host: the widget to cover; the hint follows its size.
        title: one bold line; text: what to do (wrapped).
        is_empty: returns True while the pane is empty (checked by ``refresh``).

    Attributes:
        buttons: the buttons added with ``add_button``, by text.
    """

    def __init__(self, host: QWidget, title: str, text: str, is_empty: Callable[[], bool]) -> None:
        super().__init__(host)
        self.host = host
        self._is_empty = is_empty
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        pal = self.text.palette()
        pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorGroup.Disabled,
                                                               QPalette.ColorRole.WindowText).lighter(125))
        self.text.setPalette(pal)
        for label in (self.title, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.title.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)  # never larger than the pane
        self._layout.setContentsMargins(16, 16, 16, 16)
        self._layout.addStretch(1)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.text)
        self._layout.addStretch(1)
        host.installEventFilter(self)
        self._fit()
        self.refresh()

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        """A button under the hint (e.g. "Start from a starter design")."""
        button = QPushButton(text)
        button.clicked.connect(lambda _=False: slot())
        self._layout.insertWidget(self._layout.count() - 1, button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.buttons[text] = button
        return button

    def refresh(self) -> None:
        """Show the hint while the pane is empty and large enough to hold it whole; hide it otherwise."""
        show = bool(self._is_empty()) and self._fits()
        if show:
            self._fit()
            self.raise_()
        self.setVisible(show)

    def _fits(self) -> bool:
        need = self._layout.totalMinimumSize()
        width = self.host.width()
        height = self._layout.totalHeightForWidth(width) if self._layout.hasHeightForWidth() else need.height()
        return need.width() <= width and height <= self.host.height()

    def _fit(self) -> None:
        self.setGeometry(self.host.rect())

    def moveEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        # A scrolling viewport (QWidget.scroll) drags its children along: stay over the pane.
        super().moveEvent(event)
        if self.pos() != self.host.rect().topLeft():
            self.move(self.host.rect().topLeft())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.host and event.type() == QEvent.Type.Resize:
            self._fit()
            self.refresh()  # a pane squeezed too small for the hint hides it rather than cut it
        return super().eventFilter(obj, event)

    def event(self, e: QEvent) -> bool:
        # Outside the buttons the hint is glass: drops and clicks go to the pane below.
        if e.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                        QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel):
            e.ignore()
            return False
        return super().event(e)
