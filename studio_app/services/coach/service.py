"""CoachService: prompt-coach sessions that start from the canvas and end in an asset.

The service is the one object the GUI talks to; the work is done by the package's parts:
sessions.py (open, save, expire, list), session_context.py (the session's CoachContext and the
prompt built from it), chat.py (turns: the offline guided coach, or an LLM's streamed reply),
streaming.py (the pool workers) and generate.py (Generate Now as a GenerationService job).

Lifecycle. A session is ``active`` until the streamer ends it (``ended``) or leaves it idle
longer than ``CoachSettings.idle_expiry_minutes`` (``expired``, checked whenever a session is
opened, listed or used). Ended and expired sessions are read-only; ``continue_in_new_session``
copies their context and prompt into a new active one. A turn is one chat message of the
streamer that the coach answered; after ``CoachSettings.turn_limit`` turns the session takes no
more messages, but its prompt can still be edited and generated.

Engines. With an LLM configured (a ChatEngine: Gemini or any OpenAI-compatible server), replies
stream from a QThreadPool worker; the system prompt comes from ``prompts/coach/system.md`` and
the session's prompt is taken only from the reply's ```prompt block (see
prompting/coach_prompt.py), then built into the asset's image template by PromptEngine. Without
one, the offline GuidedCoach asks its questions. Nothing here blocks the GUI thread for longer
than a small SQLite write.

Signals (all delivered on the thread that owns the service, the GUI thread):
    sessionChanged(session_id): status, prompt, refine input or turn count changed.
    messageAdded(session_id, index): ``messages[index]`` was appended (text or asset).
    replyStarted(session_id): an LLM reply began streaming.
    tokenReceived(session_id, text): the next piece of the streaming reply.
    replyFinished(session_id, prompt_updated): the reply ended normally (its message is added).
    replyStopped(session_id): Stop ended the reply (any partial text is kept as a message).
    replyFailed(session_id, message): the reply failed; one-line reason.
    promptChanged(session_id, prompt): the current prompt changed (coach or streamer).
    connectionTested(ok, message): the result of test_connection.
    jobEvent(session_id, JobMessage): a Generate Now job of the session, in the generation
        service's own vocabulary (domain/job_events.py): QUEUED when it is submitted, then
        PROGRESS (``progress`` 0-100), and COMPLETED (``asset_id``, after the asset's chat card
        was added) or FAILED / CANCELLED (``error``, after the chat note was added).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.coach import CoachMessage, CoachSession, CoachStatus
from studio_app.prompting import coach_sentences as say
from studio_app.prompting.coach_prompt import CoachSystemPrompt
from studio_app.prompting.engine import PromptEngine
from studio_app.prompting.sanitize import sanitize_input
from studio_app.providers.errors import GenerationError
from studio_app.store.repositories import NotFoundError

from ..context import StudioStore
from ..generation import GenerationService
from ..saved_files import save_user_file
from .chat import CoachChat
from .generate import GenerateBridge
from .models import (
    MESSAGE_MAX_LENGTH,
    PROMPT_MAX_LENGTH,
    ChatEngine,
    ChatEngineFactory,
    CoachBusyError,
    CoachError,
    CoachSessionPage,
    CoachSettings,
    GenerateFromSessionRequest,
    StartCoachRequest,
    TurnLimitError,
    one_line,
)
from .session_context import CoachBriefing
from .sessions import SessionBook
from .streaming import ReplyStreams

_Model = TypeVar("_Model", bound=BaseModel)


def _now() -> datetime:
    return datetime.now(UTC)


class CoachService(QObject):
    """Owns coach sessions: start, chat (LLM or offline), generate inline, history.

    Args:
        store: the opened data dir.
        generation: runs "Generate Now" jobs.
        chat_engine_factory: builds the LLM engine from CoachSettings (None = offline only).
        prompt_engine: builds image prompts (default PromptEngine()).
        system_prompt: the coach system prompt template (default prompts/coach/system.md).
        default_provider: image provider for Generate Now when the request names none.
        pool: runs the chat streams (default: a pool of this service, 4 threads, so chat never
            waits behind image jobs in the global pool).
        clock: returns the current UTC time (tests move it to check expiry).
    """

    sessionChanged = Signal(str)
    messageAdded = Signal(str, int)
    replyStarted = Signal(str)
    tokenReceived = Signal(str, str)
    replyFinished = Signal(str, bool)
    replyStopped = Signal(str)
    replyFailed = Signal(str, str)
    promptChanged = Signal(str, str)
    jobEvent = Signal(str, object)
    connectionTested = Signal(bool, str)

    def __init__(self, store: StudioStore, generation: GenerationService, *,
                 chat_engine_factory: ChatEngineFactory | None = None,
                 prompt_engine: PromptEngine | None = None, system_prompt: CoachSystemPrompt | None = None,
                 default_provider: str = "offline", pool: QThreadPool | None = None,
                 clock: Callable[[], datetime] = _now) -> None:
        super().__init__()
        self.store, self.generation = store, generation
        self.prompts = prompt_engine or generation.prompts or PromptEngine()
        self._system_prompt = system_prompt
        self._factory = chat_engine_factory
        self.default_provider = default_provider
        self.clock = clock
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(4)
        self.pool = pool
        self._engine: ChatEngine | None = None
        self._engine_error: str | None = None
        self._engine_loaded = False
        self.briefing = CoachBriefing(store, generation, self.prompts)
        self.streams = ReplyStreams(self, pool, on_token=lambda stream, text: self.chat.on_token(stream, text),
                                    on_done=lambda stream, status, msg: self.chat.finish(stream, status, msg),
                                    on_checked=self.connectionTested.emit)
        self.sessions = SessionBook(store, clock=lambda: self.clock(), settings=self.settings,
                                    busy=self.is_streaming, message_added=self.messageAdded.emit,
                                    session_changed=self.sessionChanged.emit)
        self.chat = CoachChat(self, self.streams)
        self.bridge = GenerateBridge(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- settings and engine ---------------------------------------------------------------------
    def settings(self) -> CoachSettings:
        """The ``coach`` settings section."""
        return self.store.settings.section("coach", CoachSettings)

    def save_settings(self, settings: CoachSettings) -> None:
        """Store the section and rebuild the engine on next use.

        Raises:
            OSError: settings.json could not be written.
        """
        self.store.settings.save_section("coach", settings)
        self.reload_engine()

    def reload_engine(self) -> None:
        """Forget the built engine (after Settings changed); it is rebuilt on next use.

        A reply streaming now finishes on the old engine; its connections are then left to close
        with it (only an idle engine is closed here).
        """
        if not self.streams.any_running():
            self._close_engine()
        self._engine, self._engine_error, self._engine_loaded = None, None, False

    def _close_engine(self) -> None:
        close = getattr(self._engine, "close", None)
        if callable(close):
            close()

    def engine(self) -> ChatEngine | None:
        """The LLM engine from the settings, or None when the offline coach is used."""
        if not self._engine_loaded:
            self._engine_loaded = True
            settings = self.settings()
            if self._factory is None or settings.engine == "offline":
                self._engine = None
            else:
                try:
                    self._engine = self._factory(settings)
                except (CoachError, GenerationError, ValueError) as exc:
                    self._engine, self._engine_error = None, one_line(str(exc))
        return self._engine

    def engine_label(self) -> str:
        """What the GUI shows as the coach: the LLM's label or "Offline guided coach"."""
        engine = self.engine()
        return engine.label if engine is not None else "Offline guided coach"

    def engine_problem(self) -> str | None:
        """Why the configured LLM could not be built (then the offline coach is used), or None."""
        self.engine()
        return self._engine_error

    def test_connection(self, settings: CoachSettings | None = None) -> None:
        """Check the engine ``settings`` describe (default: the saved ones) without starting a session.

        The check (key, address, model) runs on a worker thread; the result arrives as
        connectionTested(ok, one-line message). Nothing is billed: providers list or read models.
        """
        settings = settings or self.settings()
        if self._factory is None or settings.engine == "offline":
            self.connectionTested.emit(True, "The offline guided coach needs no connection.")
            return
        try:
            engine = self._factory(settings)
        except (CoachError, GenerationError, ValueError) as exc:
            self.connectionTested.emit(False, one_line(str(exc)))
            return
        if engine is None:
            self.connectionTested.emit(True, "No AI coach is configured (no Gemini or OpenAI key found); "
                                             "the offline guided coach will be used.")
            return
        if not callable(getattr(engine, "test_connection", None)):
            self.connectionTested.emit(True, f"{engine.label} cannot be tested before use.")
            return
        self.streams.check_connection(engine)

    def system_prompt(self) -> CoachSystemPrompt:
        """The loaded coach system template.

        Raises:
            CoachPromptError: the template is missing or malformed.
        """
        if self._system_prompt is None:
            self._system_prompt = CoachSystemPrompt()
        return self._system_prompt

    # -- sessions ------------------------------------------------------------------------------------
    def start_session(self, request: StartCoachRequest | dict) -> CoachSession:
        """Create a session from the canvas and get the coach's opening reply.

        Offline: the guided coach's first question is added at once. LLM: the streamer's idea
        becomes the first user message and the reply streams (replyStarted, tokenReceived...).

        Raises:
            CoachError: invalid request (one line), unknown media asset, or no usable engine.
        """
        req = self._validated(request, StartCoachRequest)
        context = self.briefing.start_context(req)
        kit_id = self.briefing.brand_kit_id(req.brand_kit_id)
        engine = self.engine()
        context.engine, context.engine_label = ("llm" if engine is not None else "offline"), self.engine_label()
        session = CoachSession(asset_type=req.asset_type, mood=req.mood.value, brand_kit_id=kit_id,
                               game_context=sanitize_input(req.game_name, 80) or None, context=context)
        self.sessions.add(session)
        if engine is None:
            if self._engine_error:
                self.sessions.append(session, CoachMessage(
                    role="system", content=say.offline_fallback_note(self._engine_error)))
            self.chat.start_offline(session)
            self.sessions.save(session)
            return session
        opener = sanitize_input(req.description, MESSAGE_MAX_LENGTH) or \
            say.opening_request(TARGET_SPECS[req.asset_type].label)
        self.sessions.append(session, CoachMessage(role="user", content=opener))
        self.sessions.save(session)
        self.chat.start_reply(session, engine)
        return session

    def get(self, session_id: str) -> CoachSession:
        """The session (expiry applied).

        Raises:
            CoachError: no such session.
        """
        return self.sessions.get(session_id)

    open_session = get
    """Alias of ``get`` named for the history's "reopen"."""

    def close_session(self, session_id: str) -> None:
        """Forget the in-memory copy (stops its stream); the stored session is untouched."""
        self.stop(session_id)
        self.sessions.forget(session_id)
        self.chat.forget(session_id)

    def end_session(self, session_id: str) -> CoachSession:
        """Mark the session ended (read-only from now on)."""
        session = self.get(session_id)
        self.stop(session_id)
        self.sessions.end(session)
        return session

    def continue_in_new_session(self, session_id: str) -> CoachSession:
        """A new active session with the old one's target, mood, context, prompt and refine pick.

        The conversation itself is not copied; the new session notes where it came from.
        """
        old = self.get(session_id)
        engine = self.engine()
        context = old.context.model_copy(deep=True, update={
            "continued_from": old.id, "engine": "llm" if engine is not None else "offline",
            "engine_label": self.engine_label()})
        session = CoachSession(asset_type=old.asset_type, mood=old.mood, game_context=old.game_context,
                               brand_kit_id=old.brand_kit_id, current_prompt=old.current_prompt,
                               context=context)
        self.sessions.add(session)
        when = old.created_at.astimezone().strftime("%d %b %Y %H:%M")
        self.sessions.append(session, CoachMessage(
            role="system", content=say.continued_note(when, prompt_kept=bool(old.current_prompt))))
        self.sessions.save(session)
        return session

    def delete_session(self, session_id: str) -> None:
        """Delete the session (a tombstone; its generated assets stay in the library)."""
        self.close_session(session_id)
        self.sessions.delete(session_id)

    def list_sessions(self, limit: int = 100, offset: int = 0, status: CoachStatus | None = None,
                      ) -> CoachSessionPage:
        """The session history, most recently updated first (expiry applied first)."""
        return self.sessions.page(limit, offset, status)

    def brand_kits(self) -> list[BrandKit]:
        """The stored brand kits, by name (the start form offers them)."""
        return self.store.brand_kits.list()

    def session_assets(self, session_id: str) -> list[Asset]:
        """Assets generated in the session, newest first."""
        self.get(session_id)
        return self.store.assets.list(coach_session_id=session_id)

    def expire_idle(self) -> list[str]:
        """Expire every active session idle longer than the setting; returns their ids."""
        return self.sessions.expire_idle()

    # -- chat ----------------------------------------------------------------------------------------
    def send_message(self, session_id: str, text: str) -> None:
        """Send the streamer's message; the coach answers (at once offline, streamed with an LLM).

        Raises:
            SessionReadOnlyError: ended or expired.
            TurnLimitError: every turn is used.
            CoachBusyError: the coach is still answering.
            CoachError: empty message, or the session's LLM is not configured any more.
        """
        session = self.sessions.writable(session_id)
        if self.is_streaming(session_id):
            raise CoachBusyError("The coach is still answering; wait or press Stop.")
        limit = self.settings().turn_limit
        if session.turns_used >= limit:
            raise TurnLimitError(f"This session used all {limit} turns. Generate Now still works, or "
                                 "continue in a new session.")
        clean = sanitize_input(text, MESSAGE_MAX_LENGTH)
        if not clean:
            raise CoachError("Type a message for the coach first.")
        if session.context.engine != "llm":
            self.chat.offline_turn(session, text, clean)
            return
        engine = self.engine()
        if engine is None:
            raise CoachError("This session used an AI coach, which is not configured now "
                             f"({self._engine_error or 'see Settings'}). Continue in a new session "
                             "to use the offline coach.")
        self.sessions.append(session, CoachMessage(role="user", content=clean))
        self.sessions.save(session)
        self.chat.start_reply(session, engine)

    def is_streaming(self, session_id: str) -> bool:
        """True while an LLM reply streams in the session."""
        return self.streams.running(session_id) is not None

    def partial_reply(self, session_id: str) -> str | None:
        """The text streamed so far in the session's running reply, or None when none runs."""
        stream = self.streams.running(session_id)
        return stream.text() if stream is not None else None

    def stop(self, session_id: str) -> bool:
        """Stop the streaming reply: the text so far is kept, replyStopped is emitted at once.

        Returns False when nothing was streaming.
        """
        return self.chat.stop(session_id)

    def set_prompt(self, session_id: str, text: str) -> CoachSession:
        """The streamer edited the current prompt by hand (kept as typed, up to 8000 characters).

        Raises:
            SessionReadOnlyError: ended or expired.
        """
        session = self.sessions.writable(session_id)
        prompt = (text or "").strip()[:PROMPT_MAX_LENGTH] or None
        if prompt == session.current_prompt:
            return session
        session.current_prompt = prompt
        session.context.prompt_edited = True
        self.sessions.save(session)
        self.promptChanged.emit(session.id, prompt or "")
        return session

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, session_id: str, request: GenerateFromSessionRequest | dict | None = None) -> str:
        """Generate Now: queue a job with the session's prompt, canvas, media and refine input.

        Returns:
            the job id (progress and the result arrive as signals).
        Raises:
            SessionReadOnlyError: ended or expired.
            CoachError: no prompt yet, too many reference images, a missing logo or asset,
                or the generation service refused the job (one line).
        """
        req = self._validated(request or {}, GenerateFromSessionRequest)
        return self.bridge.generate(self.sessions.writable(session_id), req)

    def running_job(self, session_id: str) -> str | None:
        """The id of the session's Generate Now job still running, or None."""
        return self.bridge.running_job(session_id)

    def cancel_generation(self, job_id: str) -> bool:
        """Cancel a Generate Now job of a session."""
        return self.generation.cancel(job_id)

    def refine_with(self, session_id: str, asset_id: str | None) -> CoachSession:
        """Use ``asset_id`` (a result of this session) as the next generation's input image;
        None clears the pick.

        Raises:
            SessionReadOnlyError: ended or expired.
            CoachError: the asset does not exist.
        """
        session = self.sessions.writable(session_id)
        if asset_id is not None:
            try:
                self.store.assets.get(asset_id)
            except NotFoundError:
                raise CoachError("That result no longer exists.") from None
        if session.context.refine_asset_id == asset_id:
            return session
        session.context.refine_asset_id = asset_id
        if asset_id:
            self.sessions.append(session, CoachMessage(role="system", content=say.REFINE_PICKED_NOTE))
        self.sessions.save(session)
        self.sessionChanged.emit(session.id)
        return session

    def canvas_snapshot(self, session_id: str) -> bytes | None:
        """The PNG of the canvas snapshot the session started from (small preview), or None."""
        digest = self.get(session_id).context.canvas_snapshot_hash
        if not digest:
            return None
        try:
            return self.store.blobs.get(digest)
        except (FileNotFoundError, ValueError):
            return None

    def asset_png(self, asset_id: str) -> bytes:
        """The PNG bytes of a generated asset.

        Raises:
            CoachError: the asset or its file is gone.
        """
        try:
            return self.store.blobs.get(self.store.assets.get(asset_id).content_hash)
        except (NotFoundError, FileNotFoundError, ValueError):
            raise CoachError("That result's image is missing.") from None

    def export_asset(self, asset_id: str, path: str | Path) -> Path:
        """Save a generated asset's PNG to ``path`` atomically ("Save as…").

        Raises:
            CoachError: the asset is gone, or the file could not be written (one line).
        """
        return save_user_file(Path(path), self.asset_png(asset_id), CoachError)

    def shutdown(self) -> None:
        """Stop every stream and wait (up to 3 s) for the workers to end (app closing, tests)."""
        for stream in self.streams.all_running():
            self.chat.stop(stream.session_id)
        self.pool.waitForDone(3000)
        self._close_engine()

    @staticmethod
    def _validated(value: BaseModel | dict, model: type[_Model]) -> _Model:
        """``value`` as ``model``.

        Raises:
            CoachError: the first validation problem, one line ("field: message").
        """
        if isinstance(value, model):
            return value
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
            raise CoachError(f"{where + ': ' if where else ''}{msg}") from None
