"""CoachPanel: the offline guided coach in a chat, and the refined prompt in an editable box."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio_app.prompting.guided_coach import CoachContext, GuidedCoach

ContextProvider = Callable[[], CoachContext]


class CoachPanel(QWidget):
    """Chat with the guided coach; the refined prompt stays visible and editable.

    Signals:
        promptChanged(str): the refined prompt changed (by the coach or by hand).
    """

    promptChanged = Signal(str)

    def __init__(self, coach_factory: Callable[[], GuidedCoach], context: ContextProvider) -> None:
        super().__init__()
        self._coach_factory, self._context = coach_factory, context
        self.coach: GuidedCoach | None = None
        self.chat = QTextBrowser()
        self.chat.setOpenExternalLinks(False)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Answer the coach…")
        self.send_button = QPushButton("Send")
        self.restart_button = QPushButton("New conversation")
        self.prompt_box = QPlainTextEdit()
        self.prompt_box.setPlaceholderText("The refined prompt appears here; edit it freely.")
        self.prompt_box.setMaximumHeight(140)

        title = QLabel("<b>Prompt coach</b> <span style='color:#999'>(offline guided)</span>")
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.chat, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel("Refined prompt"))
        layout.addWidget(self.prompt_box)
        layout.addWidget(self.restart_button)

        self.send_button.clicked.connect(self.send)
        self.input.returnPressed.connect(self.send)
        self.restart_button.clicked.connect(self.restart)
        self.prompt_box.textChanged.connect(lambda: self.promptChanged.emit(self.prompt()))
        self.restart()

    def prompt(self) -> str:
        """The refined prompt as it stands in the box."""
        return self.prompt_box.toPlainText().strip()

    def _append(self, who: str, text: str) -> None:
        colour = "#2b2b3a" if who == "coach" else "#3d2f5c"
        align = "left" if who == "coach" else "right"
        body = html.escape(text).replace("\n", "<br>")
        self.chat.append(
            f"<div align='{align}'><span style='background:{colour};color:#eee;padding:6px;'>"
            f"<b>{'Coach' if who == 'coach' else 'You'}:</b> {body}</span></div>"
        )

    def _show(self, reply) -> None:  # noqa: ANN001 - CoachReply
        self._append("coach", reply.message)
        if reply.refined_prompt:
            self.prompt_box.setPlainText(reply.refined_prompt)

    def restart(self) -> None:
        """Start a fresh conversation using the current canvas context."""
        self.chat.clear()
        self.coach = self._coach_factory()
        self._show(self.coach.start(self._context()))

    def send(self) -> None:
        """Send the typed answer to the coach."""
        text = self.input.text().strip()
        if not text or self.coach is None:
            return
        self.input.clear()
        self._append("user", text)
        self._show(self.coach.answer(text))
