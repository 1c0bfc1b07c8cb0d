"""CoachPanel: start a coach session from the canvas, chat, edit the prompt, generate inline.

Pages: the start form, the chat of one session, and the session history. The chat page keeps
the current prompt visible and editable under the conversation, with Generate Now, the logo
options, a progress bar and the "Refine this" input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachSession, CoachStatus
from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.services.coach import CoachError, CoachService, StartCoachRequest
from studio_app.services.coach.models import GenerateFromSessionRequest, one_line

from ..file_dialogs import FileDialogs
from .chat_page import ChatPage, muted
from .history import SessionHistory
from .settings_dialog import CoachSettingsDialog
from .start_form import StartSessionForm

CanvasProvider = Callable[[], CanvasDocument | None]
PROMPT_SAVE_DELAY_MS = 600
"""Typing pause after which a hand-edited prompt is stored, ms."""


class CoachPanel(QWidget):
    """The prompt coach in the main window's right column.

    Args:
        coach: the CoachService.
        canvas: returns the current canvas document (or None).
        provider: returns the image provider name for Generate Now (None: the service default).

    Signals:
        promptChanged(str): the current session's prompt changed (coach or streamer).
        showAssetRequested(str): "Show in library" on a result (asset id).
    """

    promptChanged = Signal(str)
    showAssetRequested = Signal(str)

    def __init__(self, coach: CoachService, canvas: CanvasProvider, *,
                 provider: Callable[[], str | None] | None = None) -> None:
        super().__init__()
        self.coach = coach
        self._canvas = canvas
        self._provider = provider or (lambda: None)
        self.session_id: str | None = None
        self._job_id: str | None = None
        self._setting_prompt = False
        self.last_error: str | None = None
        self.result_actions = None
        self.last_menu: QMenu | None = None
        self.file_dialogs: FileDialogs | None = None  # set by the window

        top = self._build_header()
        self.start_form = StartSessionForm(canvas, coach.brand_kits)
        self.history = SessionHistory(coach)
        self.chat_page = self._build_chat_page()
        self.pages = QStackedWidget()
        for page in (self.start_form, self.chat_page, self.history):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self.new_button.clicked.connect(self.show_start)
        self.history_button.clicked.connect(self.show_history)
        self.settings_button.clicked.connect(lambda: self.open_settings())
        self.start_form.startRequested.connect(self.start)
        self.history.openRequested.connect(self.open_session)
        self.history.backRequested.connect(self._back_from_history)

        self._connect_service(coach)
        self.refresh_engine()
        self.show_start()

    # -- building ----------------------------------------------------------------------------------
    def _build_header(self) -> QVBoxLayout:
        self.title = QLabel("<b>Prompt coach</b>")
        self.engine_label = QLabel()
        muted(self.engine_label, small=True)
        # Tool buttons: Fusion's 80 px minimum for push buttons left the title no room.
        self.new_button = QToolButton()
        self.new_button.setText("New")
        self.new_button.setToolTip("Start a new coaching session")
        self.history_button = QToolButton()
        self.history_button.setText("History")
        self.history_button.setToolTip("Earlier sessions")
        self.settings_button = QToolButton()
        self.settings_button.setText("⚙")
        self.settings_button.setToolTip("Coach settings: AI coach, model, turn limit, expiry")
        # The engine on its own line: beside the title and three buttons it was cut off in a narrow dock.
        self.engine_label.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.new_button)
        head.addWidget(self.history_button)
        head.addWidget(self.settings_button)
        top = QVBoxLayout()
        top.setSpacing(2)
        top.addLayout(head)
        top.addWidget(self.engine_label)
        return top

    def _connect_service(self, coach: CoachService) -> None:
        coach.messageAdded.connect(self._on_message_added)
        coach.replyStarted.connect(self._on_reply_started)
        coach.tokenReceived.connect(self._on_token)
        coach.replyFinished.connect(lambda sid, _u: self._on_reply_ended(sid))
        coach.replyStopped.connect(self._on_reply_ended)
        coach.replyFailed.connect(self._on_reply_failed)
        coach.promptChanged.connect(self._on_prompt_changed)
        coach.sessionChanged.connect(self._on_session_changed)
        coach.jobEvent.connect(self._on_job_event)

    def _build_chat_page(self) -> ChatPage:
        page = ChatPage(self._asset_png)
        page.input.installEventFilter(self)
        self._prompt_timer = QTimer(self)
        self._prompt_timer.setSingleShot(True)
        self._prompt_timer.setInterval(PROMPT_SAVE_DELAY_MS)
        self._prompt_timer.timeout.connect(self.commit_prompt)
        page.send_button.clicked.connect(self.send)
        page.stop_button.clicked.connect(self.stop)
        page.generate_button.clicked.connect(self.generate)
        page.continue_button.clicked.connect(self.continue_in_new_session)
        page.end_button.clicked.connect(self.end_session)
        page.refine_clear.clicked.connect(lambda: self.refine(None))
        page.prompt_box.textChanged.connect(self._prompt_typed)
        page.chat.saveRequested.connect(lambda aid: self.save_asset(aid))
        page.chat.showInLibraryRequested.connect(self.showAssetRequested)
        page.chat.refineRequested.connect(self.refine)
        return page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self.chat_page.input and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(cast(QKeyEvent, event))
            if key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    not key.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.send()
                return True
        return super().eventFilter(obj, event)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        # The window is closing (or the panel is hidden): a prompt edit still waiting for its
        # typing pause must not be lost.
        self.commit_prompt()
        super().hideEvent(event)

    # -- pages --------------------------------------------------------------------------------------
    def refresh_engine(self) -> None:
        """Show which coach answers (after Settings changed)."""
        problem = self.coach.engine_problem()
        self.engine_label.setText(self.coach.engine_label() + (" (AI coach unavailable)" if problem else ""))
        self.engine_label.setToolTip(problem or "Connect an AI coach (Gemini, OpenAI, Ollama, LM Studio) in Settings.")

    def open_settings(self, *, modal: bool = True) -> CoachSettingsDialog:
        """The coach settings dialog; the engine label follows a save."""
        dialog = CoachSettingsDialog(self.coach, self)
        dialog.accepted.connect(self._settings_saved)
        if modal:
            dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        self.refresh_engine()
        if self.session_id:
            self._update_controls()

    def show_start(self) -> None:
        """The new-session form, filled from the canvas."""
        self.start_form.reset()
        self.pages.setCurrentWidget(self.start_form)

    def show_history(self) -> None:
        """The session list."""
        self.commit_prompt()
        self.history.refresh()
        if self.session_id:
            self.history.select(self.session_id)
        self.pages.setCurrentWidget(self.history)

    def _back_from_history(self) -> None:
        if self.session_id:
            self.pages.setCurrentWidget(self.chat_page)
        else:
            self.show_start()

    # -- session ------------------------------------------------------------------------------------
    def start(self, request: StartCoachRequest) -> str | None:
        """Start a session from the form's request; returns its id (None after an error)."""
        self.commit_prompt()
        try:
            session = self.coach.start_session(request)
        except CoachError as exc:
            self.start_form.show_error(str(exc))
            self.last_error = str(exc)
            return None
        self.open_session(session.id)
        return session.id

    def open_session(self, session_id: str) -> None:
        """Show a session's chat (from the start form or the history)."""
        self.commit_prompt()
        try:
            session = self.coach.get(session_id)
        except CoachError as exc:
            self._error(str(exc))
            return
        self.session_id = session.id
        read_only = session.status != CoachStatus.ACTIVE
        self.chat_page.chat.set_messages(session.messages, header=self._context_card(session), read_only=read_only)
        partial = self.coach.partial_reply(session.id)
        if partial is not None:
            self.chat_page.chat.begin_streaming().append(partial)
        self._set_prompt_text(session.current_prompt or "")
        self._job_id = self.coach.running_job(session.id)
        self.chat_page.progress.setVisible(self._job_id is not None)
        if self._job_id is not None:
            self.chat_page.progress.setValue(0)
            self.chat_page.progress.setFormat("Generating… %p%")
        self.chat_page.error_label.hide()
        self._update_controls(session)
        self.pages.setCurrentWidget(self.chat_page)
        self.chat_page.input.setFocus()

    def _context_card(self, session: CoachSession) -> QWidget:
        return self.chat_page.context_card(session, self.coach.canvas_snapshot(session.id), self.coach.engine_label())

    def _update_controls(self, session: CoachSession | None = None) -> None:
        if self.session_id is None:
            return
        session = session or self.coach.get(self.session_id)
        active = session.status == CoachStatus.ACTIVE
        streaming = self.coach.is_streaming(session.id)
        limit = self.coach.settings().turn_limit
        turns_left = max(0, limit - session.turns_used)
        status = session.status.value
        self.chat_page.session_label.setText(
            f"{TARGET_SPECS[session.asset_type].label} · {status} · turn {session.turns_used}/{limit}"
            + (f" · {len(session.generated_asset_ids)} result(s)" if session.generated_asset_ids else ""))
        self.chat_page.banner.setVisible(not active)
        if not active:
            self.chat_page.banner_text.setText(f"This session has {status} and is read-only.")
        can_chat = active and turns_left > 0
        self.chat_page.input.setEnabled(can_chat and not streaming)
        self.chat_page.send_button.setEnabled(can_chat and not streaming)
        self.chat_page.send_button.setVisible(not streaming)
        self.chat_page.stop_button.setVisible(streaming)
        if active and turns_left == 0:
            self.chat_page.input.setPlaceholderText("No turns left in this session: generate, or continue in a new session.")
        self.chat_page.prompt_box.setReadOnly(not active)
        generating = self._job_id is not None
        self.chat_page.generate_button.setEnabled(active and bool(session.current_prompt) and not generating)
        self.chat_page.logo_check.setEnabled(active)
        self.chat_page.logo_position.setEnabled(active)
        self.chat_page.end_button.setVisible(active)
        self.chat_page.chat.set_read_only(not active)
        refine_id = session.context.refine_asset_id
        self.chat_page.refine_row.setVisible(bool(refine_id) and active)
        if refine_id and active:
            png = self._asset_png(refine_id)
            image = QImage.fromData(png) if png else QImage()
            if not image.isNull():
                self.chat_page.refine_thumb.setPixmap(QPixmap.fromImage(image.scaled(
                    48, 48, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        edited = session.context.prompt_edited
        self.chat_page.prompt_source.setText("edited by you" if edited and session.current_prompt else
                                   "from the coach" if session.current_prompt else "")

    # -- actions --------------------------------------------------------------------------------------
    def send(self) -> bool:
        """Send the typed message; returns False when refused (reason shown under the input)."""
        if self.session_id is None:
            return False
        text = self.chat_page.input.toPlainText()
        if not text.strip():
            return False
        self.commit_prompt()
        try:
            self.coach.send_message(self.session_id, text)
        except CoachError as exc:
            self._error(str(exc))
            return False
        self.chat_page.input.clear()
        self.chat_page.error_label.hide()
        self._update_controls()
        return True

    def stop(self) -> None:
        """Stop the streaming reply."""
        if self.session_id:
            self.coach.stop(self.session_id)

    def commit_prompt(self) -> None:
        """Store a hand-edited prompt now (normally after a typing pause)."""
        self._prompt_timer.stop()
        if self.session_id is None or self.chat_page.prompt_box.isReadOnly():
            return
        text = self.chat_page.prompt_box.toPlainText()
        try:
            session = self.coach.get(self.session_id)
            if (session.current_prompt or "") != text.strip() and session.status == CoachStatus.ACTIVE:
                self.coach.set_prompt(self.session_id, text)
        except CoachError as exc:
            self._error(str(exc))

    def generate(self) -> str | None:
        """Generate Now with the prompt, canvas, media and logo options; returns the job id."""
        if self.session_id is None:
            return None
        self.commit_prompt()
        session = self.coach.get(self.session_id)
        doc = self._canvas()
        stored = session.context.canvas
        same_canvas = doc is not None and stored is not None and stored.id == doc.id
        request = GenerateFromSessionRequest(
            include_logo=self.chat_page.logo_check.isChecked(), logo_position=self.chat_page.logo_position.currentData(),
            canvas=doc if same_canvas else None, provider=self._provider(),
        )
        try:
            job_id = self.coach.generate(self.session_id, request)
        except CoachError as exc:
            self._error(str(exc))
            return None
        self.chat_page.error_label.hide()
        return job_id

    def refine(self, asset_id: str | None) -> None:
        """Use a result as the next generation's input image (None clears it)."""
        if self.session_id is None:
            return
        try:
            self.coach.refine_with(self.session_id, asset_id)
        except CoachError as exc:
            self._error(str(exc))
            return
        if asset_id:
            self.chat_page.input.setFocus()

    def set_result_actions(self, actions) -> None:  # noqa: ANN001 - ui.results.actions.ResultActions
        """Give the result cards the shared result actions (menu, viewer, Save as…, delete)."""
        self.result_actions = actions
        self.chat_page.chat.describe = actions.tooltip
        self.chat_page.chat.openRequested.connect(actions.open_viewer)
        self.chat_page.chat.menuRequested.connect(self._result_menu)
        actions.deleted.connect(self.chat_page.chat.asset_deleted)

    def result_menu(self, asset_id: str) -> QMenu | None:
        """The shared result menu of a card (what its "⋯" button opens)."""
        if self.result_actions is None:
            return None
        self.last_menu = self.result_actions.menu(asset_id, self)
        return self.last_menu

    def _result_menu(self, asset_id: str, anchor: QWidget) -> None:
        menu = self.result_menu(asset_id)
        if menu is not None:
            menu.popup(anchor.mapToGlobal(anchor.rect().bottomLeft()))

    def save_asset(self, asset_id: str, path: str | Path | None = None) -> Path | None:
        """Save a result as a PNG (asks for a file when ``path`` is None); through the shared
        result actions when the window gave them."""
        if self.result_actions is not None:
            return self.result_actions.save_as(asset_id, path)
        if path is None:
            if self.file_dialogs is not None:  # the platform dialog, in the folder used last time
                path = self.file_dialogs.save_file(self, "result", "Save result", f"{asset_id[:8]}.png",
                                                   "PNG images (*.png)")
            else:
                path, _ = QFileDialog.getSaveFileName(self, "Save result", f"{asset_id[:8]}.png", "PNG images (*.png)")
            if not path:
                return None
        try:
            return self.coach.export_asset(asset_id, path)
        except CoachError as exc:
            self._error(str(exc))
            return None

    def end_session(self) -> None:
        """End the session (read-only afterwards)."""
        if self.session_id:
            self.commit_prompt()
            self.coach.end_session(self.session_id)
            self.open_session(self.session_id)

    def continue_in_new_session(self) -> str | None:
        """Start a new session from this ended/expired one; returns its id."""
        if self.session_id is None:
            return None
        try:
            session = self.coach.continue_in_new_session(self.session_id)
        except CoachError as exc:
            self._error(str(exc))
            return None
        self.open_session(session.id)
        return session.id

    def prompt(self) -> str:
        """The current prompt as it stands in the box."""
        return self.chat_page.prompt_box.toPlainText().strip()

    # -- prompt box -------------------------------------------------------------------------------------
    def _set_prompt_text(self, text: str) -> None:
        self._setting_prompt = True
        try:
            if self.chat_page.prompt_box.toPlainText() != text:
                self.chat_page.prompt_box.setPlainText(text)
        finally:
            self._setting_prompt = False
        self.promptChanged.emit(text)

    def _prompt_typed(self) -> None:
        if not self._setting_prompt and not self.chat_page.prompt_box.isReadOnly():
            self._prompt_timer.start()
            self.promptChanged.emit(self.prompt())

    # -- service signals ------------------------------------------------------------------------------
    def _on_message_added(self, session_id: str, index: int) -> None:
        if session_id != self.session_id:
            return
        session = self.coach.get(session_id)
        self.chat_page.chat.append_message(session.messages[index])

    def _on_reply_started(self, session_id: str) -> None:
        if session_id == self.session_id:
            self.chat_page.chat.begin_streaming()
            self._update_controls()

    def _on_token(self, session_id: str, text: str) -> None:
        if session_id == self.session_id:
            self.chat_page.chat.append_token(text)

    def _on_reply_ended(self, session_id: str) -> None:
        if session_id == self.session_id:
            self.chat_page.chat.end_streaming()
            self._update_controls()
            self.chat_page.input.setFocus()

    def _on_reply_failed(self, session_id: str, message: str) -> None:
        if session_id == self.session_id:
            self._on_reply_ended(session_id)
            self._error(message)

    def _on_prompt_changed(self, session_id: str, prompt: str) -> None:
        if session_id == self.session_id:
            if self.chat_page.prompt_box.toPlainText().strip() != prompt.strip():
                self._set_prompt_text(prompt)
            self._update_controls()

    def _on_session_changed(self, session_id: str) -> None:
        if session_id == self.session_id:
            self._update_controls()

    def _on_job_event(self, session_id: str, message: JobMessage) -> None:
        """CoachService.jobEvent: the shown session's Generate Now job (progress bar and controls)."""
        if session_id != self.session_id:
            return
        match message.event:
            case JobEvent.QUEUED:
                self._on_generation_started(message.job_id)
            case JobEvent.PROGRESS:
                self.chat_page.progress.setValue(message.progress or 0)
            case JobEvent.COMPLETED:
                self._on_asset_generated()
            case JobEvent.FAILED | JobEvent.CANCELLED:
                self._on_generation_failed(one_line(message.error or ""))

    def _on_generation_started(self, job_id: str) -> None:
        self._job_id = job_id
        self.chat_page.progress.setValue(0)
        self.chat_page.progress.setFormat("Generating… %p%")
        self.chat_page.progress.show()
        self._update_controls()

    def _on_asset_generated(self) -> None:
        self._job_id = None
        self.chat_page.progress.setValue(100)
        self.chat_page.progress.setFormat("Done")
        self._update_controls()

    def _on_generation_failed(self, message: str) -> None:
        self._job_id = None
        self.chat_page.progress.setValue(0)
        self.chat_page.progress.setFormat("Failed")
        self._update_controls()
        self._error(message)

    # -- helpers ------------------------------------------------------------------------------------------
    def _asset_png(self, asset_id: str) -> bytes | None:
        try:
            return self.coach.asset_png(asset_id)
        except CoachError:
            return None

    def _error(self, message: str) -> None:
        self.last_error = message
        self.chat_page.error_label.setText(message)
        self.chat_page.error_label.show()
