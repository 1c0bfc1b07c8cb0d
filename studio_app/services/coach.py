"""CoachService: prompt-coach sessions that start from the canvas and end in an asset.

Sources: seeds/coach-inline-generation-design.md (coach_sessions, "Generate Now", session
history and session assets), seeds/canvas-studio-coach-integration-audit.md and
seeds/creator-media-library-integration-audit.md section 5 (StartCoachRequest and
GenerateFromSessionRequest with media assets, placements and the canvas snapshot).

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
    generationStarted(session_id, job_id), generationProgress(session_id, percent 0-100),
    assetGenerated(session_id, asset_id), generationFailed(session_id, message).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from studio_app.atomic_files import atomic_write_bytes
from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.brand_kit import BrandKit, BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachMessage, CoachSession, CoachStatus, Mood
from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS
from studio_app.prompting.canvas_description import describe_canvas
from studio_app.prompting.coach_prompt import (
    IDEA_MAX_LENGTH,
    CoachFacts,
    CoachPromptError,
    CoachSystemPrompt,
    extract_prompt_block,
)
from studio_app.prompting.engine import PromptEngine
from studio_app.prompting.guided_coach import CoachContext, CoachReply, GuidedCoach
from studio_app.prompting.placement_formatter import PlacementFormatter
from studio_app.prompting.prompt_draft import PromptDraft
from studio_app.prompting.sanitize import sanitize_input
from studio_app.providers.base import CancelToken
from studio_app.providers.errors import GenerationCancelledError, GenerationError
from studio_app.store.repositories import NotFoundError

from .brand_kits import resolve_logo_position
from .coach_models import (
    DEFAULT_IDLE_EXPIRY_MINUTES,
    DEFAULT_TURN_LIMIT,
    LOGO_POSITIONS,
    MESSAGE_MAX_LENGTH,
    PROMPT_MAX_LENGTH,
    ChatEngine,
    ChatEngineFactory,
    CoachBusyError,
    CoachError,
    CoachSessionPage,
    CoachSettings,
    GenerateFromSessionRequest,
    SessionReadOnlyError,
    StartCoachRequest,
    TurnLimitError,
)
from .context import StudioStore

if TYPE_CHECKING:  # providers.chat (and httpx) load on the first coach turn, not at start-up
    from studio_app.providers.chat import ChatMessage
from .generation import GenerateRequest, GenerationService

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_IDLE_EXPIRY_MINUTES", "DEFAULT_TURN_LIMIT", "LOGO_POSITIONS", "MESSAGE_MAX_LENGTH", "PROMPT_MAX_LENGTH",
    "ChatEngine", "ChatEngineFactory", "CoachBusyError", "CoachError", "CoachService", "CoachSessionPage",
    "CoachSettings", "GenerateFromSessionRequest", "SessionReadOnlyError", "StartCoachRequest", "TurnLimitError",
]

@dataclass
class _Stream:
    id: str
    session_id: str
    token: CancelToken
    parts: list[str] = field(default_factory=list)
    finished: bool = False


class _StreamSink(QObject):
    token = Signal(str, str)  # stream id, text
    done = Signal(str, str, str)  # stream id, "ok" | "stopped" | "error", message
    checked = Signal(bool, str)  # connection test: ok, one line


class _ConnectionCheck(QRunnable):
    """Runs an engine's test_connection on a pool thread (it may read the keyring and the network)."""

    def __init__(self, engine: object, sink: _StreamSink) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._engine, self._sink = engine, sink

    def run(self) -> None:
        try:
            ok, message = True, self._engine.test_connection()  # type: ignore[attr-defined]
        except GenerationError as exc:
            ok, message = False, _one_line(str(exc))
        except Exception as exc:  # report, never crash the pool thread
            log.exception("coach connection test crashed")
            ok, message = False, f"The connection test failed unexpectedly ({type(exc).__name__})."
        finally:
            close = getattr(self._engine, "close", None)
            if callable(close):
                close()
        try:
            self._sink.checked.emit(ok, _one_line(message))
        except RuntimeError:
            pass


class _ReplyWorker(QRunnable):
    """Iterates one chat stream on a pool thread and reports through the sink."""

    def __init__(self, engine: ChatEngine, turns: list[ChatMessage], system: str, stream: _Stream,
                 sink: _StreamSink) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._engine, self._turns, self._system, self._stream, self._sink = engine, turns, system, stream, sink

    def _emit(self, signal_name: str, *args: str) -> None:
        try:
            getattr(self._sink, signal_name).emit(*args)
        except RuntimeError:  # the service was deleted while we ran (app closing)
            pass

    def run(self) -> None:
        token, sid = self._stream.token, self._stream.id
        try:
            chunks = self._engine.stream_chat(self._turns, self._system, cancel=token)
            try:
                for chunk in chunks:
                    if token.cancelled:
                        break
                    if chunk:
                        self._emit("token", sid, chunk)
            finally:
                close = getattr(chunks, "close", None)
                if callable(close):
                    close()
            self._emit("done", sid, "stopped" if token.cancelled else "ok", "")
        except GenerationCancelledError:
            self._emit("done", sid, "stopped", "")
        except GenerationError as exc:
            self._emit("done", sid, "error", _one_line(str(exc)) or "The coach failed.")
        except Exception as exc:  # a bug must still end the reply visibly
            log.exception("coach stream %s crashed", sid)
            self._emit("done", sid, "error", f"The coach failed unexpectedly ({type(exc).__name__}).")


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


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
    generationStarted = Signal(str, str)
    generationProgress = Signal(str, int)
    assetGenerated = Signal(str, str)
    generationFailed = Signal(str, str)
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
        self._sessions: dict[str, CoachSession] = {}
        self._streams: dict[str, _Stream] = {}
        self._by_session: dict[str, _Stream] = {}
        self._offline: dict[str, GuidedCoach] = {}
        self._jobs: dict[str, str] = {}
        self._sink = _StreamSink(self)
        self._sink.token.connect(self._on_stream_token)
        self._sink.done.connect(self._on_stream_done)
        self._sink.checked.connect(self.connectionTested)
        generation.jobEvent.connect(self._on_job_event)
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
        if not self._by_session:
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
                    self._engine, self._engine_error = None, _one_line(str(exc))
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
            self.connectionTested.emit(False, _one_line(str(exc)))
            return
        if engine is None:
            self.connectionTested.emit(True, "No AI coach is configured (no Gemini or OpenAI key found); "
                                             "the offline guided coach will be used.")
            return
        if not callable(getattr(engine, "test_connection", None)):
            self.connectionTested.emit(True, f"{engine.label} cannot be tested before use.")
            return
        self.pool.start(_ConnectionCheck(engine, self._sink))

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
        context = self._start_context(req)
        kit_id = self._brand_kit_id(req.brand_kit_id)
        engine = self.engine()
        session = CoachSession(
            asset_type=req.asset_type, mood=req.mood.value, brand_kit_id=kit_id,
            game_context=sanitize_input(req.game_name, 80) or None,
            context={**context, "engine": "llm" if engine is not None else "offline",
                     "engine_label": self.engine_label()},
        )
        self._sessions[session.id] = session
        if engine is None:
            if self._engine_error:
                self._append(session, CoachMessage(
                    role="system", content=f"The AI coach is not available ({self._engine_error}); "
                                           "using the offline guided coach."), save=False)
            coach = GuidedCoach(self.prompts)
            self._offline[session.id] = coach
            self._apply_offline(session, coach.start(self._coach_context(session)))
            self._save(session)
            return session
        opener = sanitize_input(req.description, MESSAGE_MAX_LENGTH) or \
            f"Help me come up with a great {TARGET_SPECS[req.asset_type].label}."
        self._append(session, CoachMessage(role="user", content=opener))
        self._save(session)
        self._start_stream(session, engine)
        return session

    def get(self, session_id: str) -> CoachSession:
        """The session (expiry applied).

        Raises:
            CoachError: no such session.
        """
        session = self._sessions.get(session_id)
        if session is None:
            try:
                session = self.store.coach_sessions.get(session_id)
            except NotFoundError:
                raise CoachError("That coach session no longer exists.") from None
            self._sessions[session_id] = session
        self._check_expiry(session)
        return session

    open_session = get
    """Alias of ``get`` named for the history's "reopen" (the seed's session recall)."""

    def close_session(self, session_id: str) -> None:
        """Forget the in-memory copy (stops its stream); the stored session is untouched."""
        self.stop(session_id)
        self._sessions.pop(session_id, None)
        self._offline.pop(session_id, None)

    def end_session(self, session_id: str) -> CoachSession:
        """Mark the session ended (read-only from now on)."""
        session = self.get(session_id)
        self.stop(session_id)
        if session.status == CoachStatus.ACTIVE:
            session.status, session.ended_at = CoachStatus.ENDED, self.clock()
            self._save(session)
            self.sessionChanged.emit(session.id)
        return session

    def continue_in_new_session(self, session_id: str) -> CoachSession:
        """A new active session with the old one's target, mood, context, prompt and refine pick.

        The conversation itself is not copied; the new session notes where it came from.
        """
        old = self.get(session_id)
        context = {k: v for k, v in old.context.items() if k not in ("engine", "engine_label")}
        engine = self.engine()
        context.update(continued_from=old.id, engine="llm" if engine is not None else "offline",
                       engine_label=self.engine_label())
        session = CoachSession(asset_type=old.asset_type, mood=old.mood, game_context=old.game_context,
                               brand_kit_id=old.brand_kit_id, current_prompt=old.current_prompt,
                               context=context)
        self._sessions[session.id] = session
        when = old.created_at.astimezone().strftime("%d %b %Y %H:%M")
        note = f"Continued from the session of {when}."
        if old.current_prompt:
            note += " The prompt so far is kept; tell the coach what to change."
        self._append(session, CoachMessage(role="system", content=note))
        self._save(session)
        return session

    def delete_session(self, session_id: str) -> None:
        """Delete the session (a tombstone; its generated assets stay in the library)."""
        self.close_session(session_id)
        self.store.coach_sessions.soft_delete(session_id)

    def list_sessions(self, limit: int = 100, offset: int = 0, status: CoachStatus | None = None,
                      ) -> CoachSessionPage:
        """The session history, most recently updated first (expiry applied first)."""
        self.expire_idle()
        status_value = status.value if status else None
        return CoachSessionPage(
            sessions=self.store.coach_sessions.summaries(limit, offset, status_value),
            total=self.store.coach_sessions.count(status_value),
        )

    def brand_kits(self) -> list[BrandKit]:
        """The stored brand kits, by name (the start form offers them)."""
        return self.store.brand_kits.list()

    def session_assets(self, session_id: str) -> list[Asset]:
        """Assets generated in the session, newest first (the seed's GET .../assets)."""
        self.get(session_id)
        return self.store.assets.list(coach_session_id=session_id)

    def expire_idle(self) -> list[str]:
        """Expire every active session idle longer than the setting; returns their ids."""
        cutoff = self.clock() - timedelta(minutes=self.settings().idle_expiry_minutes)
        expired = []
        for row in self.store.coach_sessions.summaries(limit=10_000, status=CoachStatus.ACTIVE.value):
            if row.updated_at < cutoff and row.id not in self._by_session:
                cached = row.id in self._sessions
                self._check_expiry(self.get(row.id))
                if not cached:  # don't keep every expired conversation in memory
                    self._sessions.pop(row.id, None)
                expired.append(row.id)
        return expired

    # -- chat ----------------------------------------------------------------------------------------
    def send_message(self, session_id: str, text: str) -> None:
        """Send the streamer's message; the coach answers (at once offline, streamed with an LLM).

        Raises:
            SessionReadOnlyError: ended or expired.
            TurnLimitError: every turn is used.
            CoachBusyError: the coach is still answering.
            CoachError: empty message, or the session's LLM is not configured any more.
        """
        session = self._writable(session_id)
        if session_id in self._by_session:
            raise CoachBusyError("The coach is still answering; wait or press Stop.")
        limit = self.settings().turn_limit
        if session.turns_used >= limit:
            raise TurnLimitError(f"This session used all {limit} turns. Generate Now still works, or "
                                 "continue in a new session.")
        clean = sanitize_input(text, MESSAGE_MAX_LENGTH)
        if not clean:
            raise CoachError("Type a message for the coach first.")
        if session.context.get("engine") == "llm":
            engine = self.engine()
            if engine is None:
                raise CoachError("This session used an AI coach, which is not configured now "
                                 f"({self._engine_error or 'see Settings'}). Continue in a new session "
                                 "to use the offline coach.")
            self._append(session, CoachMessage(role="user", content=clean))
            self._save(session)
            self._start_stream(session, engine)
            return
        coach = self._offline_coach(session)
        self._append(session, CoachMessage(role="user", content=clean))
        reply = coach.answer(text)
        session.turns_used += 1
        self._apply_offline(session, reply)
        self._after_turn(session)
        self._save(session)
        self.sessionChanged.emit(session.id)

    def is_streaming(self, session_id: str) -> bool:
        """True while an LLM reply streams in the session."""
        return session_id in self._by_session

    def partial_reply(self, session_id: str) -> str | None:
        """The text streamed so far in the session's running reply, or None when none runs."""
        stream = self._by_session.get(session_id)
        return "".join(stream.parts) if stream is not None else None

    def stop(self, session_id: str) -> bool:
        """Stop the streaming reply: the text so far is kept, replyStopped is emitted at once.

        Returns False when nothing was streaming.
        """
        stream = self._by_session.get(session_id)
        if stream is None:
            return False
        stream.token.cancel()
        self._finish_stream(stream, "stopped", "")
        return True

    def set_prompt(self, session_id: str, text: str) -> CoachSession:
        """The streamer edited the current prompt by hand (kept as typed, up to 8000 characters).

        Raises:
            SessionReadOnlyError: ended or expired.
        """
        session = self._writable(session_id)
        prompt = (text or "").strip()[:PROMPT_MAX_LENGTH] or None
        if prompt == session.current_prompt:
            return session
        session.current_prompt = prompt
        session.context["prompt_edited"] = True
        self._save(session)
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
        session = self._writable(session_id)
        if req.canvas is not None:
            self._update_canvas(session, req.canvas, req.canvas_snapshot_description)
        if req.media_asset_placements is not None:
            session.context["media_asset_placements"] = [p.model_dump(mode="json") for p in
                                                         req.media_asset_placements]
        prompt = (session.current_prompt or "").strip()
        if not prompt:
            raise CoachError("There is no prompt yet: answer the coach's questions or write one in the "
                             "prompt box.")
        media = list(req.media_asset_ids if req.media_asset_ids is not None
                     else session.context.get("media_asset_ids", []))
        for asset_id in media:
            self._media_name(asset_id)
        extra = []
        if req.include_logo:
            logo_id, logo_name = self._logo(session, req.logo_type)
            if logo_id not in media:
                media.append(logo_id)
            position, _moved = resolve_logo_position(session.asset_type, req.logo_position)
            extra.append(f"Add the brand logo (the reference image '{logo_name}') small and clean in the "
                         f"{position.replace('-', ' ')} corner, unaltered.")
        if len(media) > MAX_PROMPT_INJECTION_ASSETS:
            raise CoachError(f"At most {MAX_PROMPT_INJECTION_ASSETS} reference images go with one prompt; "
                             "remove one or untick Include logo.")
        input_image = None
        refine_id = req.input_asset_id or session.context.get("refine_asset_id")
        if refine_id:
            try:
                asset = self.store.assets.get(refine_id)
                input_image = self.store.blobs.get(asset.content_hash)
            except (NotFoundError, FileNotFoundError, ValueError):
                raise CoachError("The result picked for Refine this is gone; clear it and try again.") from None
            extra.append("Refine the reference image of the previous result: keep what works and apply "
                         "the prompt's changes.")
        canvas = self._canvas(session)
        gen = GenerateRequest(
            asset_type=session.asset_type, canvas=canvas, brand_kit_id=session.brand_kit_id,
            provider=req.provider or self.default_provider, model=req.model, media_asset_ids=media,
            coach_session_id=session.id, prompt_override="\n".join([prompt, *extra]), input_image=input_image,
        )
        self._save(session)  # the session row must exist before the job references it
        try:
            job = self.generation.submit(gen)
        except GenerationError as exc:
            raise CoachError(_one_line(str(exc))) from exc
        self.generation.wait_recorded(job.id)  # callers read the job row (prompt, session) at once
        self._jobs[job.id] = session.id
        self.generationStarted.emit(session.id, job.id)
        return job.id

    def running_job(self, session_id: str) -> str | None:
        """The id of the session's Generate Now job still running, or None."""
        return next((job for job, sid in self._jobs.items() if sid == session_id), None)

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
        session = self._writable(session_id)
        if asset_id is not None:
            try:
                self.store.assets.get(asset_id)
            except NotFoundError:
                raise CoachError("That result no longer exists.") from None
        if session.context.get("refine_asset_id") == asset_id:
            return session
        session.context["refine_asset_id"] = asset_id
        if asset_id:
            self._append(session, CoachMessage(
                role="system", content="The next generation refines this result. Tell the coach what to change, "
                                       "then press Generate Now."))
        self._save(session)
        self.sessionChanged.emit(session.id)
        return session

    def canvas_snapshot(self, session_id: str) -> bytes | None:
        """The PNG of the canvas snapshot the session started from (small preview), or None."""
        digest = self.get(session_id).context.get("canvas_snapshot_hash")
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
        target = Path(path)
        data = self.asset_png(asset_id)
        try:
            atomic_write_bytes(target, data)
        except OSError as exc:
            raise CoachError(f"Could not save {target.name}: {exc.strerror or exc}") from None
        return target

    def shutdown(self) -> None:
        """Stop every stream and wait (up to 3 s) for the workers to end (app closing, tests)."""
        for stream in list(self._by_session.values()):
            stream.token.cancel()
            self._finish_stream(stream, "stopped", "")
        self.pool.waitForDone(3000)
        self._close_engine()

    # -- internals: context ------------------------------------------------------------------------------
    @staticmethod
    def _validated(value: BaseModel | dict, model: type[BaseModel]) -> BaseModel:
        if isinstance(value, model):
            return value
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
            raise CoachError(f"{where + ': ' if where else ''}{msg}") from None

    def _brand_kit_id(self, kit_id: str | None) -> str | None:
        _, found = self.generation.brand_context(kit_id)
        return found

    def _brand_kit(self, session: CoachSession) -> BrandKitContext | None:
        if not session.brand_kit_id:
            return None
        ctx, found = self.generation.brand_context(session.brand_kit_id)
        return ctx if found else None

    def _media_name(self, asset_id: str) -> str:
        try:
            return self.store.media.get(asset_id).display_name
        except NotFoundError:
            raise CoachError("A reference image is no longer in the media library; pick another.") from None

    def _start_context(self, req: StartCoachRequest) -> dict:
        names = [self._media_name(a) for a in req.media_asset_ids]
        ctx: dict = {
            "custom_mood": sanitize_input(req.custom_mood, 60) or None if req.mood == Mood.CUSTOM else None,
            "game_id": req.game_id, "game_name": sanitize_input(req.game_name, 80) or None,
            "description": sanitize_input(req.description, 500),
            "media_asset_ids": list(req.media_asset_ids), "media_asset_names": names,
            "media_asset_placements": [p.model_dump(mode="json") for p in req.media_asset_placements],
            "canvas": None, "canvas_snapshot_description": None, "canvas_snapshot_hash": None,
        }
        self._set_canvas(ctx, req.canvas, req.canvas_snapshot_description)
        if not req.media_asset_ids and req.canvas is not None:
            # The seed's media_asset_ids default: the first placed assets go as references.
            ids = []
            for p in req.canvas.sorted_placements():
                if p.asset_id and p.asset_id not in ids and not p.hidden:
                    ids.append(p.asset_id)
            ids = ids[:MAX_PROMPT_INJECTION_ASSETS]
            ctx["media_asset_names"] = [self._media_name(a) for a in ids]
            ctx["media_asset_ids"] = ids
        return ctx

    def _set_canvas(self, ctx: dict, canvas: CanvasDocument | None, description: str | None) -> None:
        if canvas is None or not canvas.has_content():
            ctx["canvas"] = canvas.model_dump(mode="json") if canvas is not None else None
            ctx["canvas_snapshot_description"] = sanitize_input(description, 4000) or None
            return
        ctx["canvas"] = canvas.model_dump(mode="json")
        ctx["canvas_snapshot_description"] = sanitize_input(description or describe_canvas(canvas), 4000)
        ctx["canvas_snapshot_hash"] = self._snapshot_preview(canvas)

    def _snapshot_preview(self, canvas: CanvasDocument) -> str | None:
        """A small PNG of the canvas for the chat's context card (the 2x snapshot goes with the job)."""
        try:
            from studio_app.render.snapshot import render_canvas_png

            scale = min(1.0, 480 / max(canvas.width, canvas.height))
            png = render_canvas_png(canvas, self.generation.images, scale=scale)
            return self.store.blobs.put(png)
        except Exception:  # the preview is a nicety; the session must still start
            log.exception("canvas snapshot preview failed")
            return None

    def _update_canvas(self, session: CoachSession, canvas: CanvasDocument, description: str | None) -> None:
        old = session.context.get("canvas")
        new = canvas.model_dump(mode="json")
        if old == new and not description:
            return
        self._set_canvas(session.context, canvas, description)
        if not session.context.get("prompt_edited"):
            rebuilt = self._rebuilt_prompt(session)
            if rebuilt and rebuilt != session.current_prompt:
                session.current_prompt = rebuilt
                self.promptChanged.emit(session.id, rebuilt)

    def _canvas(self, session: CoachSession) -> CanvasDocument | None:
        data = session.context.get("canvas")
        return CanvasDocument.model_validate(data) if data else None

    def _placements_text(self, session: CoachSession) -> str | None:
        placements = session.context.get("media_asset_placements") or []
        if not placements:
            return None
        canvas = self._canvas(session)
        size = (canvas.width, canvas.height) if canvas else None
        try:
            return PlacementFormatter.format_placements(placements, size) or None
        except ValueError:
            return None

    def _canvas_words(self, session: CoachSession) -> tuple[str | None, str | None]:
        description = session.context.get("canvas_snapshot_description")
        return description, None if description else self._placements_text(session)

    def _draft(self, session: CoachSession) -> PromptDraft:
        data = session.context.get("draft")
        if data:
            try:
                return PromptDraft.from_dict(data)
            except ValueError:
                pass
        ctx = session.context
        subject = ctx.get("description") or ""
        if subject and ctx.get("game_name"):
            subject = f"{subject} (game: {ctx['game_name']})"
        return PromptDraft().replace(asset_type=session.asset_type,
                                     mood=session.mood if session.mood in set(Mood) else None,
                                     custom_mood=ctx.get("custom_mood"), subject=subject or None)

    def _coach_context(self, session: CoachSession) -> CoachContext:
        description, placements = self._canvas_words(session)
        return CoachContext(asset_type=session.asset_type, brand_kit=self._brand_kit(session),
                            canvas_description=description or placements, draft=self._draft(session))

    def _facts(self, session: CoachSession) -> CoachFacts:
        ctx = session.context
        description, placements = self._canvas_words(session)
        mood = Mood(session.mood) if session.mood in set(Mood) else None
        return CoachFacts(
            asset_type=session.asset_type, mood=mood, custom_mood=ctx.get("custom_mood"),
            game_name=session.game_context, description=ctx.get("description") or "",
            brand_kit=self._brand_kit(session), media_asset_names=tuple(ctx.get("media_asset_names") or ()),
            canvas_description=description, placements_text=placements,
            # A hand-edited prompt is what the coach must refine; otherwise its own idea (shorter
            # than the full image prompt, which repeats the template).
            current_prompt=session.current_prompt if ctx.get("prompt_edited") else
            (ctx.get("idea") or session.current_prompt),
            turns_left=self.settings().turn_limit - session.turns_used,
        )

    def _rebuilt_prompt(self, session: CoachSession) -> str | None:
        """The current prompt rebuilt from the coach's idea or draft (None when there is none yet)."""
        description, placements = self._canvas_words(session)
        if session.context.get("engine") == "llm" or session.context.get("idea"):
            idea = session.context.get("idea")
            if not idea:
                return None
            return self.prompts.build_prompt(session.asset_type, self._brand_kit(session), idea,
                                             canvas_description=description, placements_text=placements,
                                             custom_prompt_max_length=IDEA_MAX_LENGTH)
        draft = self._draft(session)
        if not draft.subject or draft.mood is None or draft.on_image_text is None:
            return None
        return draft.build(self.prompts, self._brand_kit(session),
                           canvas_description=description or placements)

    # -- internals: offline coach -------------------------------------------------------------------------
    def _offline_coach(self, session: CoachSession) -> GuidedCoach:
        coach = self._offline.get(session.id)
        if coach is None:  # reopened: restore from the stored draft without adding a message
            coach = GuidedCoach(self.prompts)
            coach.start(self._coach_context(session))
            self._offline[session.id] = coach
        return coach

    def _apply_offline(self, session: CoachSession, reply: CoachReply) -> None:
        self._append(session, CoachMessage(role="coach", content=reply.message))
        session.context["draft"] = reply.draft.to_dict()
        if reply.refined_prompt and reply.refined_prompt != session.current_prompt:
            session.current_prompt = reply.refined_prompt
            session.context["prompt_edited"] = False
            self.promptChanged.emit(session.id, reply.refined_prompt)

    # -- internals: streaming -------------------------------------------------------------------------------
    def _history(self, session: CoachSession) -> list[ChatMessage]:
        from studio_app.providers.chat import chat_messages_from_coach

        return chat_messages_from_coach(session.messages)

    def _start_stream(self, session: CoachSession, engine: ChatEngine) -> None:
        try:
            system = self.system_prompt().render(self._facts(session))
        except CoachPromptError as exc:  # a broken prompts/coach/system.md must not lose the message
            message = _one_line(str(exc))
            self._append(session, CoachMessage(role="system", content=f"The coach could not answer: {message}"))
            self._save(session)
            self.replyFailed.emit(session.id, message)
            return
        stream = _Stream(id=uuid.uuid4().hex, session_id=session.id, token=CancelToken())
        self._streams[stream.id] = stream
        self._by_session[session.id] = stream
        self.replyStarted.emit(session.id)
        self.pool.start(_ReplyWorker(engine, self._history(session), system, stream, self._sink))

    def _on_stream_token(self, stream_id: str, text: str) -> None:
        stream = self._streams.get(stream_id)
        if stream is None or stream.finished:
            return
        stream.parts.append(text)
        self.tokenReceived.emit(stream.session_id, text)

    def _on_stream_done(self, stream_id: str, status: str, message: str) -> None:
        stream = self._streams.get(stream_id)
        if stream is not None and not stream.finished:
            self._finish_stream(stream, status, message)
        self._streams.pop(stream_id, None)

    def _finish_stream(self, stream: _Stream, status: str, message: str) -> None:
        stream.finished = True
        self._by_session.pop(stream.session_id, None)
        session = self._sessions.get(stream.session_id)
        if session is None:
            return
        text = "".join(stream.parts)
        if status == "ok":
            self._append(session, CoachMessage(role="coach", content=text))
            if self._answered_user_turn(session):
                session.turns_used += 1
            block = extract_prompt_block(text)
            updated = False
            if block.idea:
                session.context["idea"] = block.idea
                session.context["prompt_edited"] = False
                prompt = self._rebuilt_prompt(session)
                if prompt and prompt != session.current_prompt:
                    session.current_prompt = prompt
                    updated = True
            else:
                self._append(session, CoachMessage(
                    role="system", content=f"The prompt was not changed: {block.problem}."))
            self._after_turn(session)
            self._save(session)
            if updated:
                self.promptChanged.emit(session.id, session.current_prompt or "")
            self.sessionChanged.emit(session.id)
            self.replyFinished.emit(session.id, updated)
            return
        if text.strip():
            self._append(session, CoachMessage(role="coach", content=text))
        note = "Stopped." if status == "stopped" else f"The coach could not answer: {message}"
        self._append(session, CoachMessage(role="system", content=note))
        self._save(session)
        if status == "stopped":
            self.replyStopped.emit(session.id)
        else:
            self.replyFailed.emit(session.id, message)

    def _answered_user_turn(self, session: CoachSession) -> bool:
        """True when the reply just added answers a chat message (the opening idea is no turn)."""
        users = [m for m in session.messages if m.role == "user" and m.type == "text"]
        return len(users) > 1 or bool(session.context.get("continued_from"))

    def _after_turn(self, session: CoachSession) -> None:
        limit = self.settings().turn_limit
        if session.turns_used == limit:
            self._append(session, CoachMessage(
                role="system", content=f"That was the last of this session's {limit} turns. Generate Now still "
                                       "works; continue in a new session to keep chatting."))

    # -- internals: storage ---------------------------------------------------------------------------------
    def _append(self, session: CoachSession, message: CoachMessage, *, save: bool = False) -> int:
        session.messages.append(message)
        index = len(session.messages) - 1
        self.messageAdded.emit(session.id, index)
        if save:
            self._save(session)
        return index

    def _save(self, session: CoachSession) -> None:
        stored = self.store.coach_sessions.save(session)
        session.updated_at = stored.updated_at

    def _writable(self, session_id: str) -> CoachSession:
        session = self.get(session_id)
        if session.status != CoachStatus.ACTIVE:
            word = "ended" if session.status == CoachStatus.ENDED else "expired"
            raise SessionReadOnlyError(f"This session has {word} and is read-only; continue in a new session.")
        return session

    def _check_expiry(self, session: CoachSession) -> None:
        if session.status != CoachStatus.ACTIVE or session.id in self._by_session:
            return
        idle = timedelta(minutes=self.settings().idle_expiry_minutes)
        if self.clock() - session.updated_at > idle:
            session.status = CoachStatus.EXPIRED
            session.ended_at = session.updated_at + idle
            self._save(session)
            self.sessionChanged.emit(session.id)

    def _logo(self, session: CoachSession, logo_type: str) -> tuple[str, str]:
        kit = None
        if session.brand_kit_id:
            try:
                kit = self.store.brand_kits.get(session.brand_kit_id)
            except NotFoundError:
                kit = None
        kit = kit or self.store.brand_kits.active()
        if kit is None:
            raise CoachError("There is no brand kit with a logo; add one, or untick Include logo.")
        logo_id = kit.logo_asset_ids.get(logo_type)
        if not logo_id:
            raise CoachError(f"The brand kit '{kit.name}' has no {logo_type} logo; add one, or untick Include logo.")
        return logo_id, self._media_name(logo_id)

    # -- internals: generation signals -----------------------------------------------------------------------
    def _on_job_event(self, message: JobMessage) -> None:
        """GenerationService.jobEvent: progress, kept assets and endings of the coach's jobs."""
        match message.event:
            case JobEvent.PROGRESS:
                self._on_job_progress(message.job_id, message.progress or 0)
            case JobEvent.COMPLETED:
                self._on_job_completed(message.job_id, message.asset_id or "")
            case JobEvent.FAILED | JobEvent.CANCELLED:
                self._on_job_failed(message.job_id, message.error or "")

    def _on_job_progress(self, job_id: str, percent: int) -> None:
        session_id = self._jobs.get(job_id)
        if session_id:
            self.generationProgress.emit(session_id, percent)

    def _on_job_completed(self, job_id: str, asset_id: str) -> None:
        session_id = self._jobs.pop(job_id, None)
        if session_id is None:
            return
        try:
            session = self.get(session_id)
            asset = self.store.assets.get(asset_id)
        except (CoachError, NotFoundError):
            return
        if asset_id not in session.generated_asset_ids:
            session.generated_asset_ids.append(asset_id)
        spec = TARGET_SPECS[asset.asset_type]
        label = f"{spec.label}, {asset.width}x{asset.height} px" + (" (offline preview)" if asset.is_preview else "")
        self._append(session, CoachMessage(role="coach", type="asset", asset_id=asset_id, content=label))
        self._save(session)
        self.assetGenerated.emit(session_id, asset_id)
        self.sessionChanged.emit(session_id)

    def _on_job_failed(self, job_id: str, message: str) -> None:
        session_id = self._jobs.pop(job_id, None)
        if session_id is None:
            return
        try:
            session = self.get(session_id)
        except CoachError:
            return
        self._append(session, CoachMessage(role="system", content=f"Generation failed: {_one_line(message)}"))
        self._save(session)
        self.generationFailed.emit(session_id, _one_line(message))
